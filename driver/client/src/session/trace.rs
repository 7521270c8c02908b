//! Query traces: reading `system_traces.sessions` and `system_traces.events` for a tracing
//! id, polling until the coordinator has written the whole session.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::Duration;

use cassia_protocol::request::{RawValue, SerializedValues};
use cassia_protocol::value::CqlValue;
use uuid::Uuid;

use super::Session;
use crate::error::ExecuteError;

/// A finished trace.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TracingInfo {
    /// Coordinator address.
    pub coordinator: Option<IpAddr>,
    /// Total duration in microseconds.
    pub duration_micros: Option<i32>,
    /// What was traced (e.g. "Execute CQL3 query").
    pub request: Option<String>,
    /// Start time, milliseconds since the epoch.
    pub started_at: Option<i64>,
    /// Request parameters (query text, consistency, ...).
    pub parameters: BTreeMap<String, String>,
    /// Events in the order the server stored them.
    pub events: Vec<TraceEvent>,
}

/// One step of a trace.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TraceEvent {
    /// What happened.
    pub activity: Option<String>,
    /// Node where it happened.
    pub source: Option<IpAddr>,
    /// Microseconds since the request started on that node.
    pub source_elapsed_micros: Option<i32>,
    /// Server thread.
    pub thread: Option<String>,
}

const POLL: Duration = Duration::from_millis(100);
const TRACE_WAIT: Duration = Duration::from_secs(5);

fn text(v: Option<&Option<CqlValue>>) -> Option<String> {
    match v {
        Some(Some(CqlValue::Text(s) | CqlValue::Ascii(s))) => Some(s.clone()),
        _ => None,
    }
}

fn inet(v: Option<&Option<CqlValue>>) -> Option<IpAddr> {
    match v {
        Some(Some(CqlValue::Inet(ip))) => Some(*ip),
        _ => None,
    }
}

fn int(v: Option<&Option<CqlValue>>) -> Option<i32> {
    match v {
        Some(Some(CqlValue::Int(i))) => Some(*i),
        _ => None,
    }
}

impl Session {
    /// Reads the trace of a traced request (`with_tracing(true)`), waiting up to 5 s for
    /// the server to finish writing it.
    pub async fn get_trace(&self, tracing_id: Uuid) -> Result<TracingInfo, ExecuteError> {
        let mut values = SerializedValues::default();
        values
            .push(RawValue::Value(tracing_id.as_bytes()))
            .map_err(|e| ExecuteError::Encode {
                statement: "system_traces".into(),
                detail: e.to_string(),
            })?;
        let control = &self.inner.control;
        let deadline = tokio::time::Instant::now() + TRACE_WAIT;
        loop {
            let sessions = control
                .query(
                    "SELECT coordinator, duration, parameters, request, started_at \
                     FROM system_traces.sessions WHERE session_id = ?",
                    values.clone(),
                )
                .await?
                .rows_values()?;
            if let Some(row) = sessions.first()
                && int(row.get(1)).is_some()
            {
                let parameters = match row.get(2) {
                    Some(Some(CqlValue::Map(entries))) => entries
                        .iter()
                        .filter_map(|(k, v)| match (k, v) {
                            (CqlValue::Text(k), CqlValue::Text(v)) => Some((k.clone(), v.clone())),
                            _ => None,
                        })
                        .collect(),
                    _ => BTreeMap::new(),
                };
                let started_at = match row.get(4) {
                    Some(Some(CqlValue::Timestamp(t))) => Some(t.0),
                    _ => None,
                };
                let events = control
                    .query(
                        "SELECT activity, source, source_elapsed, thread \
                         FROM system_traces.events WHERE session_id = ?",
                        values.clone(),
                    )
                    .await?
                    .rows_values()?
                    .iter()
                    .map(|e| TraceEvent {
                        activity: text(e.first()),
                        source: inet(e.get(1)),
                        source_elapsed_micros: int(e.get(2)),
                        thread: text(e.get(3)),
                    })
                    .collect();
                return Ok(TracingInfo {
                    coordinator: inet(row.first()),
                    duration_micros: int(row.get(1)),
                    request: text(row.get(3)),
                    started_at,
                    parameters,
                    events,
                });
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(ExecuteError::NotComplete {
                    what: "trace",
                    after: TRACE_WAIT,
                });
            }
            tokio::time::sleep(POLL).await;
        }
    }
}

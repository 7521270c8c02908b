//! Query tracing: recording a traced request into `system_traces.sessions` and
//! `system_traces.events`, so drivers can fetch the trace (`ResultSet.get_query_trace()`)
//! the way they do from Cassandra.

use std::net::IpAddr;

use cassia_protocol::request::QueryParameters;
use cassia_protocol::response::ServerError;
use uuid::Uuid;

use super::term::timeuuid_at_micros;
use super::{ClientState, Engine};

/// A traced request, as the transport saw it.
#[derive(Debug, Clone)]
pub struct TraceRecord {
    /// The tracing session id sent back to the client.
    pub session_id: Uuid,
    /// Client address.
    pub client: IpAddr,
    /// The request kind (`QUERY`, `EXECUTE`, `BATCH`, ...).
    pub command: String,
    /// Cassandra's request description (`Execute CQL3 query`, `Execute CQL3 prepared query`...).
    pub request: String,
    /// Parameters (`query`, `consistency_level`, `page_size`, ...).
    pub parameters: Vec<(String, String)>,
    /// Start, in milliseconds since the epoch.
    pub started_at_millis: i64,
    /// Duration in microseconds.
    pub duration_micros: i32,
    /// What happened, in order (one `system_traces.events` row each).
    pub activities: Vec<String>,
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

impl Engine {
    /// Stores a traced request in `system_traces` (sessions row plus one event per activity).
    pub fn record_trace(&self, trace: &TraceRecord) -> Result<(), ServerError> {
        let mut client = ClientState::new(cassia_protocol::frame::ProtocolVersion::V5);
        let params = QueryParameters::default();
        let coordinator = self.config().native_address.ip();
        let port = self.config().native_address.port();
        let parameters: Vec<String> = trace
            .parameters
            .iter()
            .map(|(k, v)| format!("{}: {}", quote(k), quote(v)))
            .collect();
        let session = format!(
            "INSERT INTO system_traces.sessions (session_id, client, command, coordinator, coordinator_port, duration, parameters, request, started_at) VALUES ({}, {}, {}, {}, {port}, {}, {{{}}}, {}, {})",
            trace.session_id,
            quote(&trace.client.to_string()),
            quote(&trace.command),
            quote(&coordinator.to_string()),
            trace.duration_micros,
            parameters.join(", "),
            quote(&trace.request),
            trace.started_at_millis
        );
        self.query(&mut client, &session, &params)?;
        let n = trace.activities.len().max(1) as i64;
        for (i, activity) in trace.activities.iter().enumerate() {
            let elapsed = i64::from(trace.duration_micros) * (i as i64 + 1) / n;
            let event_id = timeuuid_at_micros(trace.started_at_millis * 1000 + elapsed);
            let event_id = Uuid::from_slice(&event_id).unwrap_or_default();
            let event = format!(
                "INSERT INTO system_traces.events (session_id, event_id, activity, source, source_elapsed, source_port, thread) VALUES ({}, {event_id}, {}, {}, {elapsed}, {port}, 'Native-Transport-Requests-1')",
                trace.session_id,
                quote(activity),
                quote(&coordinator.to_string()),
            );
            self.query(&mut client, &event, &params)?;
        }
        Ok(())
    }
}

//! Tracing sessions for requests sent with frame flag 0x02: what Cassandra would write to
//! `system_traces` (session kind, request description, parameters), handed to the engine
//! after the response so drivers can fetch the trace (`get_query_trace()` and friends).

use std::net::IpAddr;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use cassia_protocol::request::{QueryParameters, Request};

use crate::engine::{Engine, TraceRecord};

/// When a traced request started.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TraceStart {
    at_millis: i64,
    instant: Instant,
}

impl TraceStart {
    pub(crate) fn now() -> TraceStart {
        let at_millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        TraceStart {
            at_millis,
            instant: Instant::now(),
        }
    }
}

/// Records the session in `system_traces`; a failure only loses the trace.
pub(crate) fn record(
    engine: &Engine,
    session_id: uuid::Uuid,
    client: IpAddr,
    start: TraceStart,
    request: &Request,
) {
    let Some((description, parameters, activities)) = describe(request) else {
        return;
    };
    let duration_micros = i32::try_from(start.instant.elapsed().as_micros()).unwrap_or(i32::MAX);
    let trace = TraceRecord {
        session_id,
        client,
        // Cassandra's trace type: every client request is a QUERY session.
        command: "QUERY".to_owned(),
        request: description.to_owned(),
        parameters,
        started_at_millis: start.at_millis,
        duration_micros,
        activities,
    };
    if let Err(e) = engine.record_trace(&trace) {
        tracing::debug!(error = %e.message, "trace could not be recorded");
    }
}

type Description = (&'static str, Vec<(String, String)>, Vec<String>);

/// Cassandra's request description, parameters and a few activity lines per request kind.
fn describe(request: &Request) -> Option<Description> {
    match request {
        Request::Query(q) => {
            let mut parameters = vec![("query".to_owned(), q.query.clone())];
            parameters.extend(options(&q.params));
            Some((
                "Execute CQL3 query",
                parameters,
                vec![
                    format!("Parsing {}", q.query),
                    "Preparing statement".to_owned(),
                ],
            ))
        }
        Request::Execute(e) => Some((
            "Execute CQL3 prepared query",
            options(&e.params),
            vec!["Executing prepared statement".to_owned()],
        )),
        Request::Batch(b) => {
            let mut parameters = vec![("consistency_level".to_owned(), b.consistency.to_string())];
            if let Some(serial) = b.serial_consistency {
                parameters.push(("serial_consistency_level".to_owned(), serial.to_string()));
            }
            Some((
                "Execute batch of CQL3 queries",
                parameters,
                vec![format!(
                    "Executing batch of {} statements",
                    b.statements.len()
                )],
            ))
        }
        Request::Prepare(p) => Some((
            "Preparing CQL3 query",
            vec![("query".to_owned(), p.query.clone())],
            vec![
                format!("Parsing {}", p.query),
                "Preparing statement".to_owned(),
            ],
        )),
        _ => None,
    }
}

fn options(params: &QueryParameters) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(size) = params.page_size.filter(|s| *s > 0) {
        out.push(("page_size".to_owned(), size.to_string()));
    }
    out.push((
        "consistency_level".to_owned(),
        params.consistency.to_string(),
    ));
    if let Some(serial) = params.serial_consistency {
        out.push(("serial_consistency_level".to_owned(), serial.to_string()));
    }
    out
}

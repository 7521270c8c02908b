//! Metrics through the [`metrics`](https://docs.rs/metrics) facade: the driver records them,
//! the application picks the exporter (Prometheus, StatsD, OpenTelemetry…) by installing a
//! recorder. Without a recorder, recording costs next to nothing. The default-on `metrics`
//! feature turns them on; without it, this module only holds the names.
//!
//! | name | type | unit | labels | what |
//! | --- | --- | --- | --- | --- |
//! | [`cassia.requests.duration`](REQUEST_DURATION) | histogram | seconds | `node`, `kind`, `outcome` | one sample per request (`query`, `execute`, `batch`, each page fetched), from the call to the result: queueing, retries and speculative executions included |
//! | [`cassia.requests.errors`](REQUEST_ERRORS) | counter | requests | `node`, `kind`, `outcome` | requests that failed, by error |
//! | [`cassia.requests.retries`](REQUEST_RETRIES) | counter | retries | `kind` | retries the retry policy asked for (same or next node) |
//! | [`cassia.requests.speculative`](REQUEST_SPECULATIVE) | counter | executions | `kind` | speculative executions started (besides the first execution) |
//! | [`cassia.requests.in_flight`](REQUESTS_IN_FLIGHT) | gauge | requests | none | requests running or queued for a slot, over every session of the process |
//! | [`cassia.connections.open`](CONNECTIONS_OPEN) | gauge | connections | `node` | open pool connections to the node (the control connection is not counted), over every session |
//! | [`cassia.prepared_cache.size`](PREPARED_CACHE_SIZE) | gauge | statements | none | statements in the prepared cache of the session that prepared last |
//!
//! Labels:
//! - [`node`](LABEL_NODE): the coordinator's `ip:port` (the node that answered or failed);
//!   empty when no node was tried (e.g. throttled, or no node available);
//! - [`kind`](LABEL_KIND): `query`, `execute` or `batch`;
//! - [`outcome`](LABEL_OUTCOME): `ok`, or the error: the server's error as a snake-case
//!   name (`read_timeout`, `write_timeout`, `unavailable`, `overloaded`, `invalid`,
//!   `syntax_error`, …) or the driver's (`timeout`, `connection`, `busy`,
//!   `no_node_available`, `throttled`, `queue_timeout`, …, as the span's `error.type`).
//!
//! Every label value comes from a small set (node addresses are bounded by the cluster), so
//! series do not multiply with traffic.
//!
//! ```
//! use cassia_driver::metrics;
//!
//! assert_eq!(metrics::REQUEST_DURATION, "cassia.requests.duration");
//! ```

use std::net::SocketAddr;
use std::time::Duration;

use crate::error::ExecuteError;
use crate::result::QueryResult;

/// Request latency histogram, in seconds.
pub const REQUEST_DURATION: &str = "cassia.requests.duration";
/// Failed requests counter.
pub const REQUEST_ERRORS: &str = "cassia.requests.errors";
/// Retries counter.
pub const REQUEST_RETRIES: &str = "cassia.requests.retries";
/// Speculative executions counter.
pub const REQUEST_SPECULATIVE: &str = "cassia.requests.speculative";
/// Requests in flight gauge.
pub const REQUESTS_IN_FLIGHT: &str = "cassia.requests.in_flight";
/// Open connections gauge, per node.
pub const CONNECTIONS_OPEN: &str = "cassia.connections.open";
/// Prepared cache size gauge.
pub const PREPARED_CACHE_SIZE: &str = "cassia.prepared_cache.size";

/// The coordinator's `ip:port`.
pub const LABEL_NODE: &str = "node";
/// `query`, `execute` or `batch`.
pub const LABEL_KIND: &str = "kind";
/// `ok` or the error's kind.
pub const LABEL_OUTCOME: &str = "outcome";

/// Counts a request as in flight until dropped (so a cancelled request is uncounted too).
#[derive(Debug)]
pub(crate) struct InFlight(());

impl InFlight {
    pub(crate) fn enter() -> InFlight {
        #[cfg(feature = "metrics")]
        {
            describe();
            ::metrics::gauge!(REQUESTS_IN_FLIGHT).increment(1.0);
        }
        InFlight(())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        #[cfg(feature = "metrics")]
        ::metrics::gauge!(REQUESTS_IN_FLIGHT).decrement(1.0);
    }
}

/// Records a finished request's latency, and its error if it failed.
pub(crate) fn record_request(
    kind: &'static str,
    elapsed: Duration,
    result: &Result<QueryResult, ExecuteError>,
) {
    #[cfg(feature = "metrics")]
    {
        let (node, outcome) = match result {
            Ok(r) => (Some(r.node), "ok"),
            Err(e) => (error_node(e), error_kind(e)),
        };
        let node = node.map(|n| n.to_string()).unwrap_or_default();
        let labels = [
            (LABEL_NODE, node),
            (LABEL_KIND, kind.to_owned()),
            (LABEL_OUTCOME, outcome.to_owned()),
        ];
        ::metrics::histogram!(REQUEST_DURATION, &labels).record(elapsed.as_secs_f64());
        if result.is_err() {
            ::metrics::counter!(REQUEST_ERRORS, &labels).increment(1);
        }
    }
    #[cfg(not(feature = "metrics"))]
    let _ = (kind, elapsed, result);
}

/// Counts a retry.
pub(crate) fn record_retry(kind: &'static str) {
    #[cfg(feature = "metrics")]
    ::metrics::counter!(REQUEST_RETRIES, LABEL_KIND => kind).increment(1);
    #[cfg(not(feature = "metrics"))]
    let _ = kind;
}

/// Counts a speculative execution.
pub(crate) fn record_speculative(kind: &'static str) {
    #[cfg(feature = "metrics")]
    ::metrics::counter!(REQUEST_SPECULATIVE, LABEL_KIND => kind).increment(1);
    #[cfg(not(feature = "metrics"))]
    let _ = kind;
}

/// A pool connection to `node` opened (`+1`) or closed (`-1`).
pub(crate) fn connection_change(node: SocketAddr, opened: bool) {
    #[cfg(feature = "metrics")]
    {
        let gauge = ::metrics::gauge!(CONNECTIONS_OPEN, LABEL_NODE => node.to_string());
        if opened {
            gauge.increment(1.0);
        } else {
            gauge.decrement(1.0);
        }
    }
    #[cfg(not(feature = "metrics"))]
    let _ = (node, opened);
}

/// The prepared cache now holds `statements`.
pub(crate) fn prepared_cache_size(statements: usize) {
    #[cfg(feature = "metrics")]
    ::metrics::gauge!(PREPARED_CACHE_SIZE).set(statements as f64);
    #[cfg(not(feature = "metrics"))]
    let _ = statements;
}

/// Registers units and descriptions once, for exporters that show them.
#[cfg(feature = "metrics")]
fn describe() {
    use ::metrics::Unit;
    static DESCRIBED: std::sync::Once = std::sync::Once::new();
    DESCRIBED.call_once(|| {
        ::metrics::describe_histogram!(REQUEST_DURATION, Unit::Seconds, "Request latency");
        ::metrics::describe_counter!(REQUEST_ERRORS, Unit::Count, "Failed requests");
        ::metrics::describe_counter!(REQUEST_RETRIES, Unit::Count, "Retries");
        ::metrics::describe_counter!(
            REQUEST_SPECULATIVE,
            Unit::Count,
            "Speculative executions started"
        );
        ::metrics::describe_gauge!(REQUESTS_IN_FLIGHT, Unit::Count, "Requests in flight");
        ::metrics::describe_gauge!(CONNECTIONS_OPEN, Unit::Count, "Open pool connections");
        ::metrics::describe_gauge!(
            PREPARED_CACHE_SIZE,
            Unit::Count,
            "Prepared statements cached"
        );
    });
}

/// The node an error happened on, when there is one.
#[cfg(feature = "metrics")]
fn error_node(error: &ExecuteError) -> Option<SocketAddr> {
    match error {
        ExecuteError::Server { node, .. }
        | ExecuteError::Timeout { node, .. }
        | ExecuteError::StreamIdTimeout { node, .. }
        | ExecuteError::Connection { node, .. }
        | ExecuteError::Busy { node }
        | ExecuteError::UnexpectedResponse { node, .. } => Some(*node),
        _ => None,
    }
}

/// The `outcome` label of a failure.
pub(crate) fn error_kind(error: &ExecuteError) -> &'static str {
    use crate::error::ErrorKind as K;
    let Some(server) = error.server_error() else {
        return driver_error_type(error);
    };
    match server.kind {
        K::ServerError => "server_error",
        K::ProtocolError => "protocol_error",
        K::AuthenticationError => "authentication_error",
        K::Unavailable { .. } => "unavailable",
        K::Overloaded => "overloaded",
        K::IsBootstrapping => "is_bootstrapping",
        K::TruncateError => "truncate_error",
        K::WriteTimeout { .. } => "write_timeout",
        K::ReadTimeout { .. } => "read_timeout",
        K::ReadFailure { .. } => "read_failure",
        K::FunctionFailure { .. } => "function_failure",
        K::WriteFailure { .. } => "write_failure",
        K::CdcWriteFailure => "cdc_write_failure",
        K::CasWriteUnknown { .. } => "cas_write_unknown",
        K::SyntaxError => "syntax_error",
        K::Unauthorized => "unauthorized",
        K::Invalid => "invalid",
        K::ConfigError => "config_error",
        K::AlreadyExists { .. } => "already_exists",
        K::Unprepared { .. } => "unprepared",
        _ => "server_other",
    }
}

/// A short, low-cardinality name for a failure other than a server error.
pub(crate) fn driver_error_type(error: &ExecuteError) -> &'static str {
    match error {
        ExecuteError::Timeout { .. } => "timeout",
        ExecuteError::StreamIdTimeout { .. } => "stream_id_timeout",
        ExecuteError::Connection { .. } => "connection",
        ExecuteError::Busy { .. } => "busy",
        ExecuteError::NoNodeAvailable { .. } => "no_node_available",
        ExecuteError::Encode { .. } => "encode",
        ExecuteError::Bind { .. } => "bind",
        ExecuteError::BatchValueCount { .. } => "batch_value_count",
        ExecuteError::UnexpectedResponse { .. } => "unexpected_response",
        ExecuteError::SessionClosed => "session_closed",
        ExecuteError::UnknownProfile(_) => "unknown_profile",
        ExecuteError::NotComplete { .. } => "not_complete",
        ExecuteError::Decode(_) => "decode",
        ExecuteError::Cursor(_) => "cursor",
        ExecuteError::Throttled { .. } => "throttled",
        ExecuteError::QueueTimeout { .. } => "queue_timeout",
        // Only reached through `record_outcome`'s server error branch.
        ExecuteError::Server { .. } => "server",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ErrorKind, ServerError};

    #[test]
    fn error_kinds_are_snake_case_names() {
        let server = ExecuteError::Server {
            node: SocketAddr::from(([127, 0, 0, 1], 9042)),
            statement: "SELECT".into(),
            error: Box::new(ServerError {
                kind: ErrorKind::Overloaded,
                message: "busy".into(),
            }),
        };
        assert_eq!(error_kind(&server), "overloaded");
        let throttled = ExecuteError::Throttled {
            in_flight: 1,
            queued: 0,
        };
        assert_eq!(error_kind(&throttled), "throttled");
    }
}

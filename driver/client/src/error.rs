//! The driver's error families: connecting ([`ConnectError`]), running statements
//! ([`ExecuteError`], also returned by `prepare` and `batch`) and turning rows into Rust values
//! ([`RowDecodeError`]).
//!
//! Every variant carries where it happened (node address, a short excerpt of the statement)
//! so a log line alone says what failed. Server errors keep their typed form
//! ([`ServerError`] with its [`ErrorKind`] fields) so callers and retry policies can match on
//! them. Credentials never appear here: authenticators only contribute the server's message.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub use cassia_protocol::codec::FrameError;
pub use cassia_protocol::response::{ErrorKind, ServerError, WriteType};
pub use cassia_protocol::row::{FromRowError, SerializeRowError};
pub use cassia_protocol::wire::{DecodeError, EncodeError};

pub use crate::cursor::CursorError;

/// Longest statement excerpt kept in an error (in characters).
const EXCERPT_CHARS: usize = 80;

/// A short, single-line excerpt of a statement for error messages and spans.
pub(crate) fn excerpt(cql: &str) -> Arc<str> {
    let flat: String = cql.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= EXCERPT_CHARS {
        return flat.into();
    }
    let cut: String = flat.chars().take(EXCERPT_CHARS).collect();
    format!("{cut}...").into()
}

/// Which part of a TLS handshake failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsFailure {
    /// The server's certificate is not trusted (unknown issuer, expired, bad signature).
    ServerCertificate,
    /// The certificate is valid but not for the host name the driver connected to.
    HostName,
    /// The server rejected the client certificate (mutual TLS).
    ClientCertificate,
    /// The TLS configuration itself is unusable (bad PEM, no key, ...).
    Configuration,
    /// Any other handshake failure.
    Other,
}

impl std::fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TlsFailure::ServerCertificate => "server certificate not trusted",
            TlsFailure::HostName => "server certificate does not match the host name",
            TlsFailure::ClientCertificate => "client certificate rejected",
            TlsFailure::Configuration => "invalid TLS configuration",
            TlsFailure::Other => "handshake failed",
        })
    }
}

/// Opening a connection or a session failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// No contact point was given or none could be resolved.
    #[error("no contact points: {detail}")]
    NoContactPoints {
        /// What was wrong.
        detail: String,
    },
    /// Resolving or connecting the socket failed.
    #[error("cannot connect to {node}: {source}")]
    Io {
        /// Node address.
        node: SocketAddr,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// The connection attempt (TCP, TLS and handshake) took longer than `connect_timeout`.
    #[error("connecting to {node} timed out after {after:?}")]
    Timeout {
        /// Node address.
        node: SocketAddr,
        /// The configured limit.
        after: Duration,
    },
    /// TLS failed; `failure` says whether it was the certificate, the host name or the client cert.
    #[error("TLS with {node} failed: {failure}: {detail}")]
    Tls {
        /// Node address (or `0.0.0.0:0` for configuration errors found before connecting).
        node: SocketAddr,
        /// Which part failed.
        failure: TlsFailure,
        /// The TLS library's explanation.
        detail: String,
    },
    /// The server rejected the credentials (or no authenticator was configured).
    #[error("authentication with {node} failed: {message}")]
    Authentication {
        /// Node address.
        node: SocketAddr,
        /// Server or authenticator message (never the credentials).
        message: String,
    },
    /// No protocol version both sides speak.
    #[error("{node} does not support protocol v{version}: {message}")]
    UnsupportedVersion {
        /// Node address.
        node: SocketAddr,
        /// The lowest version tried.
        version: u8,
        /// Server message.
        message: String,
    },
    /// The server answered the handshake with something unexpected or an error.
    #[error("handshake with {node} failed: {detail}")]
    Handshake {
        /// Node address.
        node: SocketAddr,
        /// What went wrong.
        detail: String,
    },
    /// The server closed a plaintext connection during the handshake before answering
    /// anything in CQL, or answered with a TLS record: what a port that requires TLS does
    /// to a client that does not speak it (configure [`SessionBuilder::tls`]).
    ///
    /// [`SessionBuilder::tls`]: crate::SessionBuilder::tls
    #[error(
        "the connection to {node} was closed during the handshake{}; the server may require TLS (see SessionBuilder::tls)",
        if *.tls_alert { " after a TLS alert instead of a CQL answer" } else { " without a CQL answer" }
    )]
    ClosedDuringHandshake {
        /// Node address.
        node: SocketAddr,
        /// Whether the server's bytes were a TLS record (an alert) rather than nothing.
        tls_alert: bool,
    },
    /// A connection-level failure while handshaking (closed, corrupt frame, ...).
    #[error("handshake with {node} failed: {source}")]
    Connection {
        /// Node address.
        node: SocketAddr,
        /// Cause.
        #[source]
        source: Box<ExecuteError>,
    },
    /// Every contact point failed; one error per node.
    #[error("could not connect to any contact point: {}", join_errors(.errors))]
    AllNodesFailed {
        /// Node and why it failed.
        errors: Vec<ConnectError>,
    },
    /// The session's configuration is unusable.
    #[error("invalid session configuration: {detail}")]
    Config {
        /// What is wrong.
        detail: String,
    },
}

fn join_errors(errors: &[ConnectError]) -> String {
    let parts: Vec<String> = errors.iter().map(ToString::to_string).collect();
    parts.join("; ")
}

/// Why a connection stopped working. Shared by every request that was in flight on it.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectionError {
    /// The socket failed.
    #[error("I/O error: {0}")]
    Io(Arc<std::io::Error>),
    /// The peer closed the connection.
    #[error("connection closed by the server")]
    ClosedByPeer,
    /// The server sent bytes that are not a valid frame or message; the connection was
    /// closed because the stream can no longer be trusted.
    #[error("invalid frame from server: {0}")]
    BadFrame(#[source] BadFrame),
    /// The connection was closed by the driver (shutdown or pool resize).
    #[error("connection closed by the driver")]
    ClosedByDriver,
    /// The node has no open connection right now (the pool is reconnecting).
    #[error("no open connection (reconnecting)")]
    NotConnected,
    /// Heartbeat (OPTIONS) got no answer in time.
    #[error("heartbeat not answered within {0:?}")]
    HeartbeatTimeout(Duration),
}

/// What exactly was wrong with a frame from the server.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum BadFrame {
    /// The byte stream could not be cut into frames (oversized, bad CRC, unknown version or
    /// opcode, failed decompression).
    #[error(transparent)]
    Framing(#[from] FrameError),
    /// A frame's body is not a valid message (truncated, lying lengths, unknown codes).
    #[error("cannot decode {opcode} on stream {stream}: {source}")]
    Body {
        /// The frame's opcode.
        opcode: &'static str,
        /// The frame's stream id.
        stream: i16,
        /// Why.
        #[source]
        source: DecodeError,
    },
    /// A response arrived on a stream id with no request in flight.
    #[error("response on stream {stream}, which has no request in flight")]
    UnknownStream {
        /// The stream id.
        stream: i16,
    },
    /// A negative (event) stream carried something other than an EVENT.
    #[error("stream {stream} carries a non-event response")]
    NotAnEvent {
        /// The stream id.
        stream: i16,
    },
    /// Frames could not be encoded for sending (a frame larger than the protocol allows).
    #[error(transparent)]
    Outgoing(FrameError),
}

/// Running a statement (query, prepare, execute, batch) failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExecuteError {
    /// The server answered with an ERROR.
    #[error("{node} rejected \"{statement}\": {}", .error.message)]
    Server {
        /// Node that answered.
        node: SocketAddr,
        /// Statement excerpt.
        statement: Arc<str>,
        /// The typed server error (boxed: it is large and errors travel by value).
        error: Box<ServerError>,
    },
    /// No answer within the request timeout.
    #[error("\"{statement}\" on {node} timed out after {after:?}")]
    Timeout {
        /// Node the request was sent to.
        node: SocketAddr,
        /// Statement excerpt.
        statement: Arc<str>,
        /// The timeout that fired.
        after: Duration,
    },
    /// The request waited for a free stream id (every one of the connection's was in use)
    /// for its whole timeout and was never sent. Only when waiting for stream ids is
    /// enabled; otherwise a full connection is [`ExecuteError::Busy`] at once.
    #[error(
        "\"{statement}\" on {node} timed out after {after:?} waiting for a free stream id (every stream id of the connection was in use); it was not sent"
    )]
    StreamIdTimeout {
        /// Node whose connection was full.
        node: SocketAddr,
        /// Statement excerpt.
        statement: Arc<str>,
        /// The timeout that fired.
        after: Duration,
    },
    /// The connection carrying the request broke before the answer arrived.
    #[error("\"{statement}\" on {node} failed: {source}")]
    Connection {
        /// Node.
        node: SocketAddr,
        /// Statement excerpt.
        statement: Arc<str>,
        /// Why the connection broke.
        #[source]
        source: ConnectionError,
    },
    /// Every stream id of the connections to the node was in use (each connection carries
    /// at most `max_requests_per_connection` requests at once, 32768 by default).
    ///
    /// By default a request does not wait for a stream id: it moves on to the next node of
    /// the query plan at once, and fails with `Busy` when no node is left. To wait for a
    /// free stream id instead, bounded by the request timeout, enable
    /// `SessionBuilder::wait_for_stream_ids` or
    /// `ExecutionProfile::with_wait_for_stream_ids`; the wait then ends, if no id is freed
    /// in time, with [`ExecuteError::StreamIdTimeout`].
    #[error("too many requests in flight to {node}: every stream id is in use")]
    Busy {
        /// Node.
        node: SocketAddr,
    },
    /// No node could take the request (all down or none in the plan).
    #[error("no node available for \"{statement}\": {}", join_exec(.errors))]
    NoNodeAvailable {
        /// Statement excerpt.
        statement: Arc<str>,
        /// The errors from nodes that were tried.
        errors: Vec<ExecuteError>,
    },
    /// The request could not be encoded (value too large, feature not in this protocol version).
    #[error("cannot encode \"{statement}\": {detail}")]
    Encode {
        /// Statement excerpt.
        statement: Arc<str>,
        /// Why.
        detail: String,
    },
    /// Values did not fit the statement's bind markers.
    #[error("cannot bind values to \"{statement}\": {source}")]
    Bind {
        /// Statement excerpt.
        statement: Arc<str>,
        /// Which value and why (names the bind marker and the CQL type).
        #[source]
        source: SerializeRowError,
    },
    /// A batch was given a different number of value sets than it has statements.
    #[error("the batch has {statements} statements but {values} sets of values were given")]
    BatchValueCount {
        /// Statements in the batch.
        statements: usize,
        /// Value sets given.
        values: usize,
    },
    /// The server answered with a message that does not fit the request.
    #[error("unexpected response from {node} to \"{statement}\": {detail}")]
    UnexpectedResponse {
        /// Node.
        node: SocketAddr,
        /// Statement excerpt.
        statement: Arc<str>,
        /// What came back.
        detail: String,
    },
    /// The session was shut down; no new requests are accepted.
    #[error("the session has been shut down")]
    SessionClosed,
    /// The named execution profile does not exist.
    #[error("unknown execution profile {0:?}")]
    UnknownProfile(String),
    /// A trace or schema agreement did not complete in time.
    #[error("{what} did not complete within {after:?}")]
    NotComplete {
        /// What was awaited.
        what: &'static str,
        /// How long the driver waited.
        after: Duration,
    },
    /// A row returned by the server could not be read.
    #[error(transparent)]
    Decode(#[from] RowDecodeError),
    /// A paging cursor does not belong to the statement it was given with (nothing was
    /// sent).
    #[error(transparent)]
    Cursor(#[from] CursorError),
    /// The session already ran as many requests as `SessionBuilder::max_concurrent_requests`
    /// allows and as many waited as `max_queued_requests` allows: the request failed at once
    /// and was not sent. Back off, or raise the limits.
    #[error(
        "request not sent: {in_flight} requests in flight (the session's limit) and {queued} queued (its queue is full)"
    )]
    Throttled {
        /// Requests running when this one was refused (the concurrency limit).
        in_flight: usize,
        /// Requests waiting for a slot (the queue bound).
        queued: usize,
    },
    /// The request waited in the session's queue for a free slot
    /// (`SessionBuilder::max_concurrent_requests`) for its whole request timeout and was
    /// not sent.
    #[error(
        "\"{statement}\" waited {after:?} for one of the session's {limit} request slots and was not sent"
    )]
    QueueTimeout {
        /// Statement excerpt.
        statement: Arc<str>,
        /// The request timeout.
        after: Duration,
        /// The concurrency limit.
        limit: usize,
    },
}

fn join_exec(errors: &[ExecuteError]) -> String {
    if errors.is_empty() {
        return "no node in the query plan".to_owned();
    }
    let parts: Vec<String> = errors.iter().map(ToString::to_string).collect();
    parts.join("; ")
}

impl ExecuteError {
    /// The server error, if the server answered with one.
    pub fn server_error(&self) -> Option<&ServerError> {
        match self {
            ExecuteError::Server { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// Reading rows of a result into Rust values failed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum RowDecodeError {
    /// The result carries no rows (it was a write, a schema change, ...).
    #[error("the result has no rows (it is {kind})")]
    NotRows {
        /// What the result is.
        kind: &'static str,
    },
    /// `one()` found zero or several rows.
    #[error("expected exactly one row, got {count}")]
    NotExactlyOne {
        /// Rows found.
        count: usize,
    },
    /// A column's value could not be converted to the requested Rust type.
    #[error("column {column:?} (CQL type {cql_type}): cannot read as {rust_type}: {detail}")]
    Column {
        /// Column name.
        column: String,
        /// The column's CQL type.
        cql_type: String,
        /// The requested Rust type.
        rust_type: &'static str,
        /// Why.
        detail: String,
    },
    /// A row could not be read into the requested type; the message names the column, the
    /// Rust type and the expected and actual CQL types.
    #[error(transparent)]
    Row(#[from] FromRowError),
    /// The row's shape does not fit the requested type (column count, missing column).
    #[error("row does not fit {rust_type}: {detail}")]
    Shape {
        /// Requested type.
        rust_type: &'static str,
        /// Why.
        detail: String,
    },
    /// The cells themselves are malformed.
    #[error("malformed row data: {0}")]
    Malformed(String),
}

/// Reading or using the schema metadata ([`crate::metadata`]) failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MetadataError {
    /// Querying a `system_schema` table failed.
    #[error("cannot read {table}: {source}")]
    Query {
        /// The table read (`system_schema.columns`).
        table: &'static str,
        /// What the driver or the server reported (boxed: errors travel by value).
        #[source]
        source: Box<ExecuteError>,
    },
    /// A `system_schema` cell held a value of an unexpected type.
    #[error("{table}.{column}: expected {expected}, found {found}")]
    Decode {
        /// The table read.
        table: &'static str,
        /// The column.
        column: String,
        /// The CQL type the driver reads there.
        expected: &'static str,
        /// The kind of value found.
        found: &'static str,
    },
    /// The metadata has no such keyspace.
    #[error("keyspace {keyspace:?} is not in the schema metadata")]
    UnknownKeyspace {
        /// Keyspace asked for.
        keyspace: String,
    },
    /// The metadata has no such table.
    #[error("table {keyspace}.{table} is not in the schema metadata")]
    UnknownTable {
        /// Keyspace.
        keyspace: String,
        /// Table asked for.
        table: String,
    },
    /// Partition key values could not be turned into a token.
    #[error("partition key of {keyspace}.{table}: {detail}")]
    PartitionKey {
        /// Keyspace.
        keyspace: String,
        /// Table.
        table: String,
        /// What went wrong.
        detail: String,
        /// The serialization failure, if that was it.
        #[source]
        source: Option<Box<cassia_protocol::row::SerializeRowError>>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_flattens_and_truncates() {
        assert_eq!(&*excerpt("SELECT *\n  FROM t"), "SELECT * FROM t");
        let long = "x".repeat(200);
        let e = excerpt(&long);
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 3);
        assert!(e.ends_with("..."));
    }

    #[test]
    fn server_error_message_names_node_and_statement() {
        let err = ExecuteError::Server {
            node: "127.0.0.1:9042".parse().expect("literal"),
            statement: excerpt("SELECT * FROM ks.missing"),
            error: Box::new(ServerError {
                kind: ErrorKind::Invalid,
                message: "table missing does not exist".into(),
            }),
        };
        assert_eq!(
            err.to_string(),
            "127.0.0.1:9042 rejected \"SELECT * FROM ks.missing\": table missing does not exist"
        );
    }
}

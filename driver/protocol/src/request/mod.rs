//! Client-to-server messages. Every request both encodes (driver) and decodes (emulator).

use bytes::Bytes;

use crate::consistency::Consistency;

mod batch;
mod borrowed;
mod codec;
mod lenient_batch;
pub(crate) mod params;
mod query;
mod simple;
mod values;

pub use borrowed::{
    BatchRef, BatchStatementRef, ExecuteRef, QueryParametersRef, QueryRef, RequestRef, ValuesRef,
};
pub use values::ValuesIter;

/// One bound value as it sits on the wire: `null` and `unset` are distinct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawValue<'a> {
    /// Length -1.
    Null,
    /// Length -2 (v4+): leaves the column untouched.
    Unset,
    /// Serialized value bytes (may be empty).
    Value(&'a [u8]),
}

/// Bound values exactly as on the wire: `count` entries back to back, each a `[value]`
/// (`[int]` length then bytes; -1 null, -2 unset), or for named values `[string]` name then
/// `[value]`. Keeping them in one buffer lets the driver serialize a statement's values with a
/// single allocation and the emulator decode them without copying.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SerializedValues {
    /// Number of values.
    pub count: u16,
    /// Whether each value is preceded by its name (QUERY flag 0x40).
    pub named: bool,
    /// The encoded entries.
    pub bytes: Vec<u8>,
}

/// `<query_parameters>` shared by QUERY and EXECUTE.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QueryParameters {
    /// Consistency level.
    pub consistency: Consistency,
    /// Bound values.
    pub values: SerializedValues,
    /// Skip result metadata (flag 0x02).
    pub skip_metadata: bool,
    /// Page size (flag 0x04).
    pub page_size: Option<i32>,
    /// Paging state from a previous page (flag 0x08).
    pub paging_state: Option<Bytes>,
    /// Serial consistency (flag 0x10).
    pub serial_consistency: Option<Consistency>,
    /// Client timestamp in microseconds (flag 0x20).
    pub timestamp: Option<i64>,
    /// Keyspace (v5, flag 0x80).
    pub keyspace: Option<String>,
    /// Now in seconds (v5, flag 0x100).
    pub now_in_seconds: Option<i32>,
}

/// STARTUP: a string map of options (`CQL_VERSION`, `COMPRESSION`, `DRIVER_NAME`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Startup {
    /// Options in the order they are sent.
    pub options: Vec<(String, String)>,
}

/// QUERY.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// CQL text.
    pub query: String,
    /// Parameters.
    pub params: QueryParameters,
}

/// PREPARE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepare {
    /// CQL text.
    pub query: String,
    /// Keyspace (v5, flag 0x01).
    pub keyspace: Option<String>,
}

/// EXECUTE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Execute {
    /// Prepared statement id.
    pub id: Bytes,
    /// Result metadata id (v5 only).
    pub result_metadata_id: Option<Bytes>,
    /// Parameters.
    pub params: QueryParameters,
}

/// Kind of batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BatchType {
    /// 0: logged (atomic through the batchlog).
    #[default]
    Logged,
    /// 1: unlogged.
    Unlogged,
    /// 2: counter.
    Counter,
}

/// One statement of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchStatement {
    /// kind 0: query string.
    Query {
        /// CQL text.
        query: String,
        /// Positional values.
        values: SerializedValues,
    },
    /// kind 1: prepared id.
    Prepared {
        /// Prepared statement id.
        id: Bytes,
        /// Positional values.
        values: SerializedValues,
    },
}

/// BATCH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Batch type.
    pub batch_type: BatchType,
    /// Statements.
    pub statements: Vec<BatchStatement>,
    /// Consistency.
    pub consistency: Consistency,
    /// Serial consistency.
    pub serial_consistency: Option<Consistency>,
    /// Client timestamp in microseconds.
    pub timestamp: Option<i64>,
    /// Keyspace (v5).
    pub keyspace: Option<String>,
    /// Now in seconds (v5).
    pub now_in_seconds: Option<i32>,
}

/// REGISTER: event types to receive (`TOPOLOGY_CHANGE`, `STATUS_CHANGE`, `SCHEMA_CHANGE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Register {
    /// Event type names.
    pub events: Vec<String>,
}

/// AUTH_RESPONSE: a SASL token (`None` encodes as a null `[bytes]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthResponse {
    /// Token.
    pub token: Option<Bytes>,
}

/// Any request message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Request {
    /// STARTUP.
    Startup(Startup),
    /// OPTIONS.
    Options,
    /// QUERY.
    Query(Query),
    /// PREPARE.
    Prepare(Prepare),
    /// EXECUTE.
    Execute(Execute),
    /// BATCH.
    Batch(Batch),
    /// REGISTER.
    Register(Register),
    /// AUTH_RESPONSE.
    AuthResponse(AuthResponse),
}

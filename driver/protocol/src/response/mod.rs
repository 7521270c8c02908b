//! Server-to-client messages. Every response both encodes (emulator) and decodes (driver).

use std::sync::Arc;

use bytes::Bytes;

use crate::types::ColumnType;

mod codec;
pub(crate) use codec::decode as decode_message;
pub mod error;
mod error_codec;
mod event;
mod metadata;
mod result;
mod rows;

pub use error::{ErrorKind, ServerError, WriteType};
pub use metadata::MetadataCache;
pub use rows::{CellsIter, RawRow, RowsBuilder, RowsIter};

/// A column in result or prepared metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSpec {
    /// Keyspace.
    pub keyspace: String,
    /// Table.
    pub table: String,
    /// Column name.
    pub name: String,
    /// Type.
    pub typ: ColumnType,
}

/// `<metadata>` of a Rows result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResultMetadata {
    /// Number of columns (also set when `no_metadata`).
    pub column_count: usize,
    /// Paging state for the next page (flag 0x0002).
    pub paging_state: Option<Bytes>,
    /// New result metadata id (v5, flag 0x0008 Metadata_changed).
    pub new_metadata_id: Option<Bytes>,
    /// Column specs; empty when the server sent No_metadata (flag 0x0004). Shared: a
    /// decoder with a [`MetadataCache`] hands every result of the same statement the same
    /// specs without decoding them again.
    pub columns: Arc<Vec<ColumnSpec>>,
}

/// A Rows result: metadata plus the rows' content exactly as on the wire
/// (`row_count * column_count` cells, each a `[bytes]`; length -1 is a null cell).
///
/// Cells stay as raw bytes so that typed decoding can go straight into user types without an
/// intermediate `CqlValue` tree, and without an allocation per cell.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rows {
    /// Metadata.
    pub metadata: ResultMetadata,
    /// Number of rows.
    pub row_count: usize,
    /// The encoded cells, row-major. Validated (every length in bounds) when decoded.
    pub content: Bytes,
}

/// `<prepared metadata>` of a Prepared result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PreparedMetadata {
    /// Indices of bind markers that are partition key components, in key order.
    pub pk_indexes: Vec<u16>,
    /// Bind marker specs.
    pub columns: Vec<ColumnSpec>,
}

/// Prepared result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// Statement id.
    pub id: Bytes,
    /// Result metadata id (v5 only).
    pub result_metadata_id: Option<Bytes>,
    /// Bind markers.
    pub metadata: PreparedMetadata,
    /// Result columns (empty with No_metadata for statements that return no rows).
    pub result_metadata: ResultMetadata,
}

/// What a schema change touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaChangeTarget {
    /// A keyspace.
    Keyspace {
        /// Keyspace name.
        keyspace: String,
    },
    /// A table (or view).
    Table {
        /// Keyspace name.
        keyspace: String,
        /// Table name.
        table: String,
    },
    /// A user type.
    Type {
        /// Keyspace name.
        keyspace: String,
        /// Type name.
        name: String,
    },
    /// A function.
    Function {
        /// Keyspace name.
        keyspace: String,
        /// Function name.
        name: String,
        /// Argument types (CQL).
        arg_types: Vec<String>,
    },
    /// An aggregate.
    Aggregate {
        /// Keyspace name.
        keyspace: String,
        /// Aggregate name.
        name: String,
        /// Argument types (CQL).
        arg_types: Vec<String>,
    },
}

/// Kind of schema change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemaChangeType {
    /// CREATED.
    Created,
    /// UPDATED.
    Updated,
    /// DROPPED.
    Dropped,
}

/// A schema change (RESULT kind 5 and SCHEMA_CHANGE events).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaChange {
    /// Change type.
    pub change: SchemaChangeType,
    /// Target.
    pub target: SchemaChangeTarget,
}

/// RESULT body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultBody {
    /// kind 1.
    Void,
    /// kind 2.
    Rows(Rows),
    /// kind 3.
    SetKeyspace(String),
    /// kind 4.
    Prepared(Prepared),
    /// kind 5.
    SchemaChange(SchemaChange),
}

/// EVENT body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// TOPOLOGY_CHANGE (NEW_NODE, REMOVED_NODE).
    TopologyChange {
        /// Change name.
        change: String,
        /// Node address.
        address: std::net::SocketAddr,
    },
    /// STATUS_CHANGE (UP, DOWN).
    StatusChange {
        /// Change name.
        change: String,
        /// Node address.
        address: std::net::SocketAddr,
    },
    /// SCHEMA_CHANGE.
    SchemaChange(SchemaChange),
}

/// Any response message.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Response {
    /// ERROR.
    Error(ServerError),
    /// READY.
    Ready,
    /// AUTHENTICATE with the authenticator's class name.
    Authenticate(String),
    /// SUPPORTED: a string multimap.
    Supported(Vec<(String, Vec<String>)>),
    /// RESULT.
    Result(ResultBody),
    /// EVENT.
    Event(Event),
    /// AUTH_CHALLENGE.
    AuthChallenge(Option<Bytes>),
    /// AUTH_SUCCESS.
    AuthSuccess(Option<Bytes>),
}

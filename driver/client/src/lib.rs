//! `cassia-driver`: an async driver for Apache Cassandra (CQL native protocol v4 and v5).
//!
//! Start with [`Session::builder`]. A [`Session`] is cheap to clone and shared by the whole
//! application; it runs simple statements ([`Statement`]), prepared statements
//! ([`PreparedStatement`]) and batches ([`Batch`]), pages automatically through
//! [`RowStream`], and reports failures as typed errors ([`error`]). Policies ([`policies`])
//! decide retries, load balancing, reconnection and client timestamps.
//!
//! Everything users need from the protocol (consistency levels, CQL types and values) is
//! re-exported here, so applications never depend on `cassia-protocol` directly.

#![warn(missing_docs)]
#![doc = include_str!("../README.md")]

pub mod auth;
pub mod blocking;
pub mod cluster;
mod config;
mod connection;
mod contact_point;
mod cursor;
pub mod error;
pub mod metadata;
pub mod metrics;
pub mod policies;
mod profile;
mod result;
mod session;
mod settings;
pub mod statement;
pub mod telemetry;
mod tls;
pub mod values;

pub use cassia_protocol::consistency::Consistency;
pub use cassia_protocol::frame::ProtocolVersion;
pub use cassia_protocol::response::{
    ColumnSpec, SchemaChange, SchemaChangeTarget, SchemaChangeType,
};
pub use cassia_protocol::types::ColumnType;
pub use cassia_protocol::value::{CqlDate, CqlDuration, CqlTime, CqlTimestamp, CqlValue};
// DataStax Enterprise's geometric types (`PointType`, `LineStringType`, `PolygonType`
// columns): bound and read like any value, `Display`/`FromStr` as WKT.
pub use cassia_protocol::value::{LineString, Point, Polygon, WktError};
pub use config::Compression;
pub use contact_point::IntoContactPoint;
pub use cursor::{Cursor, CursorError};
pub use profile::ExecutionProfile;
pub use result::QueryResult;
pub use session::{
    ConcurrentOptions, QueryPage, RowStream, Session, SessionBuilder, TraceEvent, TracingInfo,
};
pub use settings::{ConfigError, SessionConfig};
pub use statement::{Batch, BatchType, PagingState, PreparedStatement, Statement};
pub use tls::TlsConfig;
/// Tracing ids, host ids and `uuid` columns use the `uuid` crate's type.
pub use uuid::Uuid;
pub use values::{
    DeserializeValue, FromRow, NamedValues, Row, SerializeRow, SerializeValue, SerializedValues,
};

//! [`ExecError`]: running a mapper statement failed — refused by the builder, by the
//! driver or server, while reading rows, or (for `get`) the wrong number of rows.

use cassia_driver::error::{ExecuteError, RowDecodeError};

use crate::query::QueryError;

/// Why a mapper operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExecError {
    /// The builder refused the statement (nothing was sent).
    #[error(transparent)]
    Query(#[from] QueryError),
    /// The driver or the server failed the statement.
    #[error(transparent)]
    Execute(#[from] ExecuteError),
    /// A row could not be read as the model.
    #[error(transparent)]
    Decode(#[from] RowDecodeError),
    /// The schema metadata could not be read (an unexpected value in `system_schema`).
    #[error(transparent)]
    Metadata(cassia_driver::error::MetadataError),
    /// `get` found no row (cqlengine's `DoesNotExist`).
    #[error("{table} matching query does not exist")]
    DoesNotExist {
        /// Table.
        table: String,
    },
    /// `get` found more than one row (cqlengine's `MultipleObjectsReturned`).
    #[error("{count} or more {table} rows returned where exactly one was expected")]
    MultipleObjectsReturned {
        /// Table.
        table: String,
        /// Rows seen (at most 2 are fetched).
        count: usize,
    },
    /// Schema sync found differences it will not apply (nothing was changed).
    #[error("{name} cannot be synced: {}", differences.join("; "))]
    SchemaIncompatible {
        /// `keyspace.name` of the table or type.
        name: String,
        /// Each incompatible difference.
        differences: Vec<String>,
    },
    /// The model names no keyspace and the session has none selected.
    #[error("no keyspace for {name}: name one in the model or call use_keyspace on the session")]
    NoKeyspace {
        /// The table or type.
        name: String,
    },
    /// No session registered under that name (or no default session set up).
    #[error(
        "no connection named {name:?}: call cassia::connection::setup or register_connection first"
    )]
    NoConnection {
        /// The name asked for (`default` for the default session).
        name: String,
    },
}

/// A cursor string the client sent could not be read: the same error as a cursor that does
/// not fit the query, so a handler can `?` both (`Cursor::parse(text)?`).
impl From<cassia_driver::CursorError> for ExecError {
    fn from(e: cassia_driver::CursorError) -> Self {
        ExecError::Execute(ExecuteError::Cursor(e))
    }
}

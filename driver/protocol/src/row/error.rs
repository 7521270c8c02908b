//! Row-level errors: [`SerializeRowError`] for bound values and [`FromRowError`] for result
//! rows. Per-value failures keep the value error as their source and add the column.

use super::ColumnRef;
use crate::value::{DeserializeError, SerializeError};
use crate::wire::DecodeError;

/// Why a statement's values could not be serialized.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SerializeRowError {
    /// The number of values differs from the number of bind markers.
    #[error("the statement has {expected} bind markers but {actual} values were given")]
    ValueCount {
        /// Bind markers in the statement.
        expected: usize,
        /// Values given.
        actual: usize,
    },
    /// One value could not be written for its bind marker.
    #[error("bind marker {column}: {source}")]
    Value {
        /// The bind marker.
        column: Box<ColumnRef>,
        /// What went wrong.
        #[source]
        source: SerializeError,
    },
    /// A named form lacks a value for a bind marker.
    #[error("no value given for bind marker {column}")]
    MissingValue {
        /// The bind marker.
        column: Box<ColumnRef>,
    },
    /// A named form has a value whose name matches no bind marker.
    #[error("no bind marker is named `{name}`")]
    UnknownName {
        /// The name given.
        name: String,
    },
    /// Positional values were to be appended to a buffer already holding named ones.
    #[error("cannot append positional values after named values")]
    MixedNamedAndPositional,
    /// More than 65535 values (the protocol's `[short]` count).
    #[error("{count} values exceed the protocol limit of 65535")]
    TooManyValues {
        /// Values given.
        count: usize,
    },
}

/// Why a result row could not be read into a Rust value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FromRowError {
    /// The Rust type reads a different number of columns than the result has.
    #[error("{rust_type} reads {expected} columns but the result has {actual}")]
    ColumnCount {
        /// The Rust type.
        rust_type: &'static str,
        /// Columns it reads.
        expected: usize,
        /// Columns in the result.
        actual: usize,
    },
    /// A column's value could not be read (wrong type, null, malformed bytes, out of range).
    #[error("column {column}: {source}")]
    Column {
        /// The column.
        column: Box<ColumnRef>,
        /// What went wrong.
        #[source]
        source: DeserializeError,
    },
    /// The row has fewer cells than the result has columns.
    #[error("row has {cells} cells for {columns} columns")]
    MissingCells {
        /// Cells found.
        cells: usize,
        /// Columns expected.
        columns: usize,
    },
    /// No column of that name (or index) in the row.
    #[error("no column {column} in the row")]
    NoSuchColumn {
        /// The name or index asked for.
        column: String,
    },
    /// The rows' bytes are malformed (only for hand-built results).
    #[error("malformed rows: {0}")]
    Decode(#[from] DecodeError),
}

impl FromRowError {
    /// Wraps a value error with the column it occurred in.
    pub fn column(
        index: usize,
        spec: &crate::response::ColumnSpec,
        source: DeserializeError,
    ) -> Self {
        FromRowError::Column {
            column: Box::new(ColumnRef::new(index, spec)),
            source,
        }
    }
}

impl SerializeRowError {
    /// Wraps a value error with the bind marker it occurred in.
    pub fn value(index: usize, spec: &crate::response::ColumnSpec, source: SerializeError) -> Self {
        SerializeRowError::Value {
            column: Box::new(ColumnRef::new(index, spec)),
            source,
        }
    }
}

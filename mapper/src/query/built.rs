//! [`BuiltQuery`]: the output of every builder — CQL text with `?` markers, the values for
//! them in wire form, and per-statement options — ready for a session to prepare and run.

use std::time::Duration;

use cassia_protocol::consistency::Consistency;
use cassia_protocol::request::SerializedValues;

use super::error::QueryError;

/// What kind of statement a [`BuiltQuery`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatementKind {
    /// SELECT.
    Select,
    /// INSERT.
    Insert,
    /// UPDATE.
    Update,
    /// DELETE.
    Delete,
}

/// Per-statement execution options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct QueryOptions {
    /// Consistency level (else the session's default).
    pub consistency: Option<Consistency>,
    /// Serial consistency for conditional writes.
    pub serial_consistency: Option<Consistency>,
    /// Rows per page.
    pub fetch_size: Option<i32>,
    /// Client-side request timeout.
    pub timeout: Option<Duration>,
}

/// A statement ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BuiltQuery {
    /// CQL text with positional `?` markers.
    pub cql: String,
    /// One value per marker, in order.
    pub values: SerializedValues,
    /// Execution options.
    pub options: QueryOptions,
    /// Statement kind.
    pub kind: StatementKind,
    /// Whether it has `IF ...` (a lightweight transaction).
    pub conditional: bool,
    /// Whether it updates counters.
    pub counter: bool,
}

/// Accumulates CQL text and values.
pub(crate) struct Writer<'t> {
    pub(crate) cql: String,
    pub(crate) values: SerializedValues,
    table: &'t str,
}

impl<'t> Writer<'t> {
    pub(crate) fn new(table: &'t str) -> Self {
        Writer {
            cql: String::new(),
            values: SerializedValues::new(),
            table,
        }
    }

    /// Appends `?` and its value (a whole `[value]`).
    pub(crate) fn bind(&mut self, value: &[u8]) -> Result<(), QueryError> {
        self.cql.push('?');
        self.push_value(value)
    }

    /// Appends a value without writing a marker.
    pub(crate) fn push_value(&mut self, value: &[u8]) -> Result<(), QueryError> {
        self.values.count =
            self.values
                .count
                .checked_add(1)
                .ok_or_else(|| QueryError::TooManyValues {
                    table: self.table.to_owned(),
                })?;
        self.values.bytes.extend_from_slice(value);
        Ok(())
    }

    pub(crate) fn push(&mut self, s: &str) {
        self.cql.push_str(s);
    }
}

/// A `[value]` holding an `int`.
pub(crate) fn int_value(v: i32) -> Vec<u8> {
    let mut out = 4i32.to_be_bytes().to_vec();
    out.extend_from_slice(&v.to_be_bytes());
    out
}

/// A `[value]` holding a `bigint`.
pub(crate) fn bigint_value(v: i64) -> Vec<u8> {
    let mut out = 8i32.to_be_bytes().to_vec();
    out.extend_from_slice(&v.to_be_bytes());
    out
}

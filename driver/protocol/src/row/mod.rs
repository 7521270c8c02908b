//! Whole rows: [`SerializeRow`] turns a Rust value (tuple, slice, `Vec<CqlValue>`, named map
//! or [`NamedValues`]) into the bound values of a statement, and [`FromRow`] turns one row
//! of a result into a Rust value (tuple, or the dynamic [`Row`]).
//!
//! Both work from the `ColumnSpec`s the server sent (bind markers of a prepared statement,
//! columns of a result), check every column's type, and report failures with the column's
//! `keyspace.table.column` name, the expected and the actual CQL type.
//!
//! ```
//! use cassia_protocol::response::{ColumnSpec, ResultMetadata, RowsBuilder};
//! use cassia_protocol::row::{serialize_values, typed_rows};
//! use cassia_protocol::types::ColumnType;
//!
//! let spec = |name: &str, typ| ColumnSpec {
//!     keyspace: "ks".into(),
//!     table: "users".into(),
//!     name: name.into(),
//!     typ,
//! };
//! let columns = vec![spec("id", ColumnType::Int), spec("name", ColumnType::Text)];
//!
//! // Bound values for `INSERT INTO users (id, name) VALUES (?, ?)`.
//! let values = serialize_values(&(7i32, "ada"), &columns)?;
//! assert_eq!(values.count, 2);
//! assert_eq!(values.bytes, [0, 0, 0, 4, 0, 0, 0, 7, 0, 0, 0, 3, b'a', b'd', b'a']);
//!
//! // A result page with one row, read back as a tuple.
//! let mut page = RowsBuilder::new(ResultMetadata {
//!     column_count: 2,
//!     columns: columns.clone().into(),
//!     ..ResultMetadata::default()
//! });
//! page.push_value(&7i32.to_be_bytes())?;
//! page.push_null();
//! let page = page.finish()?;
//! let rows: Vec<(i32, Option<String>)> = typed_rows(&page)?.collect::<Result<_, _>>()?;
//! assert_eq!(rows, [(7, None)]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Files: `serialize.rs` (bound values), `from_row.rs` (typed rows and the row iterator
//! [`TypedRows`]), `dynamic.rs` ([`Row`]), `error.rs`.

use std::fmt;

use crate::response::ColumnSpec;

mod dynamic;
mod error;
mod from_row;
mod serialize;

pub use dynamic::{ColumnIndex, Row};
pub use error::{FromRowError, SerializeRowError};
pub use from_row::{FromRow, TypedRows, typed_rows, typed_rows_with};
pub use serialize::{NamedValues, SerializeRow, serialize_values, write_bound_value};

/// A column (or bind marker) named in an error: `keyspace.table.name`, plus its position.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ColumnRef {
    /// Keyspace of the table.
    pub keyspace: String,
    /// Table.
    pub table: String,
    /// Column or bind marker name.
    pub name: String,
    /// Position among the row's columns or the statement's bind markers.
    pub index: usize,
}

impl ColumnRef {
    /// The column at `index` described by `spec`.
    pub fn new(index: usize, spec: &ColumnSpec) -> Self {
        ColumnRef {
            keyspace: spec.keyspace.clone(),
            table: spec.table.clone(),
            name: spec.name.clone(),
            index,
        }
    }
}

impl fmt::Display for ColumnRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.keyspace.is_empty() && self.table.is_empty() {
            write!(f, "{} (#{})", self.name, self.index)
        } else {
            write!(
                f,
                "{}.{}.{} (#{})",
                self.keyspace, self.table, self.name, self.index
            )
        }
    }
}

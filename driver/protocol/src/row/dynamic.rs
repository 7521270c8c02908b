//! [`Row`]: a result row whose shape is only known at run time, with its values as
//! [`CqlValue`]s, reachable by position or by column name.
//!
//! Every row carries its own copy of the column names (shared between clones), so it is
//! the convenient rather than the fast way to read rows: hot paths read tuples or derived
//! structs.

use std::sync::Arc;

use super::{FromRow, FromRowError};
use crate::response::ColumnSpec;
use crate::value::CqlValue;

/// One row of a result, decoded into dynamic values.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    names: Arc<[String]>,
    values: Vec<Option<CqlValue>>,
}

/// A way to pick a column of a [`Row`]: its position (`usize`) or its name (`&str`).
pub trait ColumnIndex {
    /// The position of the column among `names`, if there is one.
    fn position(&self, names: &[String]) -> Option<usize>;

    /// The index as written by the caller, for errors.
    fn describe(&self) -> String;
}

impl ColumnIndex for usize {
    fn position(&self, names: &[String]) -> Option<usize> {
        (*self < names.len()).then_some(*self)
    }

    fn describe(&self) -> String {
        format!("#{self}")
    }
}

impl ColumnIndex for &str {
    fn position(&self, names: &[String]) -> Option<usize> {
        names.iter().position(|n| n == self)
    }

    fn describe(&self) -> String {
        format!("`{self}`")
    }
}

impl Row {
    /// A row from column names and values (which must be as many).
    pub fn new(names: Arc<[String]>, values: Vec<Option<CqlValue>>) -> Self {
        Row { names, values }
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the row has no columns.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Column names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Values in column order (`None` for null).
    pub fn values(&self) -> &[Option<CqlValue>] {
        &self.values
    }

    /// The value of a column, by position or name: `Ok(None)` for null,
    /// [`FromRowError::NoSuchColumn`] if the row has no such column.
    pub fn get(&self, column: impl ColumnIndex) -> Result<Option<&CqlValue>, FromRowError> {
        column
            .position(&self.names)
            .and_then(|i| self.values.get(i))
            .map(Option::as_ref)
            .ok_or_else(|| FromRowError::NoSuchColumn {
                column: column.describe(),
            })
    }

    /// The values, consuming the row.
    pub fn into_values(self) -> Vec<Option<CqlValue>> {
        self.values
    }
}

/// Reads any row; zero-length values of fixed-width types are `CqlValue::Empty`.
impl FromRow for Row {
    fn type_check(_columns: &[ColumnSpec]) -> Result<(), FromRowError> {
        Ok(())
    }

    fn from_row<'c>(
        columns: &[ColumnSpec],
        mut cells: impl Iterator<Item = Option<&'c [u8]>>,
    ) -> Result<Self, FromRowError> {
        let mut values = Vec::with_capacity(columns.len());
        for (index, spec) in columns.iter().enumerate() {
            let cell = cells.next().ok_or(FromRowError::MissingCells {
                cells: index,
                columns: columns.len(),
            })?;
            let value = CqlValue::deserialize_cell(&spec.typ, cell)
                .map_err(|e| FromRowError::column(index, spec, e))?;
            values.push(value);
        }
        let names = columns.iter().map(|c| c.name.clone()).collect();
        Ok(Row { names, values })
    }
}

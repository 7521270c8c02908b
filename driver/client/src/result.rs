//! [`QueryResult`]: what a statement returned — rows with their column specs, the paging
//! state, server warnings, the tracing id, or the schema change / keyspace a statement
//! caused.

use std::net::SocketAddr;
use std::sync::Arc;

use cassia_protocol::response::{ColumnSpec, ResultBody, Rows, SchemaChange};
use cassia_protocol::row::{FromRow, Row, typed_rows_with};
use cassia_protocol::value::CqlValue;
use uuid::Uuid;

use crate::error::RowDecodeError;
use crate::statement::PagingState;

/// The outcome of a statement.
#[derive(Debug, Clone)]
pub struct QueryResult {
    pub(crate) node: SocketAddr,
    pub(crate) body: Body,
    pub(crate) paging_state: Option<PagingState>,
    pub(crate) warnings: Vec<String>,
    pub(crate) tracing_id: Option<Uuid>,
}

/// The kind-specific part of a result.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    Void,
    Rows {
        /// From the result, or from the prepared statement when the server skipped them.
        columns: Arc<Vec<ColumnSpec>>,
        rows: Rows,
    },
    SetKeyspace(String),
    SchemaChange(SchemaChange),
}

impl Body {
    pub(crate) fn from_result(body: ResultBody, cached: Option<Arc<Vec<ColumnSpec>>>) -> Self {
        match body {
            ResultBody::Void | ResultBody::Prepared(_) => Body::Void,
            ResultBody::Rows(rows) => {
                let columns = match cached {
                    Some(c)
                        if rows.metadata.columns.is_empty() && rows.metadata.column_count > 0 =>
                    {
                        c
                    }
                    _ => rows.metadata.columns.clone(),
                };
                Body::Rows { columns, rows }
            }
            ResultBody::SetKeyspace(ks) => Body::SetKeyspace(ks),
            ResultBody::SchemaChange(c) => Body::SchemaChange(c),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Body::Void => "a void result",
            Body::Rows { .. } => "rows",
            Body::SetKeyspace(_) => "a keyspace change",
            Body::SchemaChange(_) => "a schema change",
        }
    }
}

impl QueryResult {
    /// The node that answered.
    pub fn node(&self) -> SocketAddr {
        self.node
    }

    /// Whether the result holds rows (possibly zero of them).
    pub fn is_rows(&self) -> bool {
        matches!(self.body, Body::Rows { .. })
    }

    /// Rows in this page (0 for results without rows).
    pub fn row_count(&self) -> usize {
        match &self.body {
            Body::Rows { rows, .. } => rows.row_count,
            _ => 0,
        }
    }

    /// The columns of the rows (empty for results without rows).
    pub fn column_specs(&self) -> &[ColumnSpec] {
        match &self.body {
            Body::Rows { columns, .. } => columns,
            _ => &[],
        }
    }

    /// Where the next page starts, when there is one.
    pub fn paging_state(&self) -> Option<&PagingState> {
        self.paging_state.as_ref()
    }

    /// Whether the server has more pages after this one.
    pub fn has_more_pages(&self) -> bool {
        self.paging_state.is_some()
    }

    /// Warnings the server attached (also logged at warn level when received).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The tracing session id, when the statement was traced.
    pub fn tracing_id(&self) -> Option<Uuid> {
        self.tracing_id
    }

    /// The schema change a DDL statement made.
    pub fn schema_change(&self) -> Option<&SchemaChange> {
        match &self.body {
            Body::SchemaChange(c) => Some(c),
            _ => None,
        }
    }

    /// The keyspace a `USE` statement switched to.
    pub fn set_keyspace(&self) -> Option<&str> {
        match &self.body {
            Body::SetKeyspace(ks) => Some(ks),
            _ => None,
        }
    }

    /// The rows and their column specs, or why there are none.
    pub(crate) fn rows_parts(&self) -> Result<(&Arc<Vec<ColumnSpec>>, &Rows), RowDecodeError> {
        match &self.body {
            Body::Rows { columns, rows } => Ok((columns, rows)),
            other => Err(RowDecodeError::NotRows { kind: other.kind() }),
        }
    }

    /// Iterates over the rows read as `T` (a tuple, [`Row`](crate::Row), or a type
    /// implementing [`FromRow`]). Column types are checked once, before the first row.
    pub fn rows_iter<'a, T: FromRow + 'a>(
        &'a self,
    ) -> Result<impl Iterator<Item = Result<T, RowDecodeError>> + 'a, RowDecodeError> {
        let (columns, rows) = self.rows_parts()?;
        let typed = typed_rows_with::<T>(columns, rows)?;
        Ok(typed.map(|r| r.map_err(RowDecodeError::from)))
    }

    /// Every row read as `T`.
    pub fn rows<T: FromRow>(&self) -> Result<Vec<T>, RowDecodeError> {
        self.rows_iter()?.collect()
    }

    /// The first row, or `None` when there are no rows.
    pub fn maybe_first<T: FromRow>(&self) -> Result<Option<T>, RowDecodeError> {
        self.rows_iter()?.next().transpose()
    }

    /// The first row; no rows is an error.
    pub fn first_row<T: FromRow>(&self) -> Result<T, RowDecodeError> {
        self.maybe_first()?
            .ok_or(RowDecodeError::NotExactlyOne { count: 0 })
    }

    /// The only row; zero or several rows are an error.
    pub fn one<T: FromRow>(&self) -> Result<T, RowDecodeError> {
        let count = self.row_count();
        if count != 1 {
            return Err(RowDecodeError::NotExactlyOne { count });
        }
        self.first_row()
    }

    /// Every row as dynamic values, in column order.
    pub(crate) fn rows_values(&self) -> Result<Vec<Vec<Option<CqlValue>>>, RowDecodeError> {
        Ok(self
            .rows::<Row>()?
            .into_iter()
            .map(Row::into_values)
            .collect())
    }

    /// For a lightweight transaction (`IF ...`), whether it was applied: the `[applied]`
    /// column of the first row. Non-conditional writes (no rows) count as applied.
    pub fn was_applied(&self) -> Result<bool, RowDecodeError> {
        let Body::Rows { columns, rows } = &self.body else {
            return Ok(true);
        };
        let Some(index) = columns.iter().position(|c| c.name == "[applied]") else {
            return Err(RowDecodeError::Shape {
                rust_type: "bool",
                detail: "the result has no [applied] column (not a conditional statement)".into(),
            });
        };
        let first = rows
            .iter()
            .next()
            .transpose()
            .map_err(|e| RowDecodeError::Malformed(e.to_string()))?;
        let cell = first.and_then(|row| row.cells().nth(index).flatten());
        match cell {
            Some([b]) => Ok(*b != 0),
            Some(other) => Err(RowDecodeError::Column {
                column: "[applied]".into(),
                cql_type: "boolean".into(),
                rust_type: "bool",
                detail: format!("expected 1 byte, got {}", other.len()),
            }),
            None => Err(RowDecodeError::NotExactlyOne {
                count: rows.row_count,
            }),
        }
    }
}

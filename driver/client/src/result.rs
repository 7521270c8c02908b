//! [`QueryResult`]: what a statement returned — rows with their column specs, the paging
//! state, server warnings, the tracing id, or the schema change / keyspace a statement
//! caused.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use cassia_protocol::response::{ColumnSpec, ResultBody, Rows, SchemaChange};
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
        columns: Arc<Vec<ColumnSpec>>,
        row_count: usize,
        content: Bytes,
    },
    SetKeyspace(String),
    SchemaChange(SchemaChange),
}

impl Body {
    pub(crate) fn from_result(body: ResultBody, cached: Option<Arc<Vec<ColumnSpec>>>) -> Self {
        match body {
            ResultBody::Void | ResultBody::Prepared(_) => Body::Void,
            ResultBody::Rows(Rows {
                metadata,
                row_count,
                content,
            }) => {
                let columns = if metadata.columns.is_empty() && metadata.column_count > 0 {
                    cached.unwrap_or_default()
                } else {
                    Arc::new(metadata.columns)
                };
                Body::Rows {
                    columns,
                    row_count,
                    content,
                }
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
            Body::Rows { row_count, .. } => *row_count,
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

    /// The raw cells of each row (`None` is a null cell), checked against the column count.
    pub(crate) fn raw_rows(&self) -> Result<Vec<Vec<Option<&[u8]>>>, RowDecodeError> {
        let Body::Rows {
            columns,
            row_count,
            content,
        } = &self.body
        else {
            return Err(RowDecodeError::NotRows {
                kind: self.body.kind(),
            });
        };
        let mut r = cassia_protocol::wire::Reader::new(content);
        let mut rows = Vec::with_capacity(*row_count);
        for _ in 0..*row_count {
            let mut row = Vec::with_capacity(columns.len());
            for _ in 0..columns.len() {
                row.push(
                    r.bytes("cell")
                        .map_err(|e| RowDecodeError::Malformed(e.to_string()))?,
                );
            }
            rows.push(row);
        }
        Ok(rows)
    }

    /// Every row as dynamic values, in column order.
    pub fn rows_values(&self) -> Result<Vec<Vec<Option<CqlValue>>>, RowDecodeError> {
        let columns = self.column_specs();
        self.raw_rows()?
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .zip(columns)
                    .map(|(cell, spec)| {
                        CqlValue::deserialize_cell(&spec.typ, cell).map_err(|e| {
                            RowDecodeError::Column {
                                column: spec.name.clone(),
                                cql_type: spec.typ.to_string(),
                                rust_type: "CqlValue",
                                detail: e.to_string(),
                            }
                        })
                    })
                    .collect()
            })
            .collect()
    }

    /// For a lightweight transaction (`IF ...`), whether it was applied: the `[applied]`
    /// column of the first row. Non-conditional writes (no rows) count as applied.
    pub fn was_applied(&self) -> Result<bool, RowDecodeError> {
        let Body::Rows { columns, .. } = &self.body else {
            return Ok(true);
        };
        let Some(index) = columns.iter().position(|c| c.name == "[applied]") else {
            return Err(RowDecodeError::Shape {
                rust_type: "bool",
                detail: "the result has no [applied] column (not a conditional statement)".into(),
            });
        };
        let rows = self.raw_rows()?;
        let cell = rows.first().and_then(|r| r.get(index).copied().flatten());
        match cell {
            Some([b]) => Ok(*b != 0),
            Some(other) => Err(RowDecodeError::Column {
                column: "[applied]".into(),
                cql_type: "boolean".into(),
                rust_type: "bool",
                detail: format!("expected 1 byte, got {}", other.len()),
            }),
            None => Err(RowDecodeError::NotExactlyOne { count: rows.len() }),
        }
    }
}

//! Sending a [`BuiltQuery`]: prepared once per distinct CQL text (the driver caches
//! prepared statements per session and keyspace, so each query shape is prepared once and
//! re-executed), with the builder's already-serialized values and options.

use std::sync::Arc;

use cassia_driver::error::ExecuteError;
use cassia_driver::{PreparedStatement, QueryResult, Session, Statement};
use cassia_protocol::request::SerializedValues;
use cassia_protocol::response::ColumnSpec;
use cassia_protocol::row::{SerializeRow, SerializeRowError};

use crate::query::{BoundValues, BuiltQuery, QueryOptions, StatementKind};

/// Values serialized by a builder, handed to the driver as they are.
pub(crate) struct PreSerialized<'a>(pub(crate) &'a SerializedValues);

impl SerializeRow for PreSerialized<'_> {
    fn serialize_row(
        &self,
        columns: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeRowError> {
        if columns.len() != self.0.len() {
            return Err(SerializeRowError::ValueCount {
                expected: columns.len(),
                actual: self.0.len(),
            });
        }
        let count =
            out.count
                .checked_add(self.0.count)
                .ok_or(SerializeRowError::TooManyValues {
                    count: usize::from(out.count) + self.0.len(),
                })?;
        out.bytes.extend_from_slice(&self.0.bytes);
        out.count = count;
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<M> SerializeRow for BoundValues<'_, M> {
    fn serialize_row(
        &self,
        columns: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeRowError> {
        let n = self.count();
        if columns.len() != n {
            return Err(SerializeRowError::ValueCount {
                expected: columns.len(),
                actual: n,
            });
        }
        let count = u16::try_from(usize::from(out.count) + n).map_err(|_| {
            SerializeRowError::TooManyValues {
                count: usize::from(out.count) + n,
            }
        })?;
        self.for_each(|v| out.bytes.extend_from_slice(v));
        out.count = count;
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.count() == 0
    }
}

/// The driver statement for `q`, with its options.
pub(crate) fn statement(q: &BuiltQuery) -> Statement {
    // Reads and plain (non-counter, non-conditional) writes can be retried safely.
    let idempotent = q.kind == StatementKind::Select || (!q.conditional && !q.counter);
    statement_for(Statement::new(q.cql.clone()), &q.options, idempotent)
}

/// `s` with a builder's options.
pub(crate) fn statement_for(mut s: Statement, o: &QueryOptions, idempotent: bool) -> Statement {
    if let Some(c) = o.consistency {
        s = s.with_consistency(c);
    }
    if let Some(c) = o.serial_consistency {
        s = s.with_serial_consistency(c);
    }
    if let Some(n) = o.fetch_size {
        s = s.with_page_size(n);
    }
    if let Some(t) = o.timeout {
        s = s.with_request_timeout(t);
    }
    s.with_idempotent(idempotent)
}

/// Prepares (or reuses) the statement with the shared text `cql` and `options`.
pub(crate) async fn prepare_shaped(
    session: &Session,
    cql: Arc<str>,
    options: &QueryOptions,
    idempotent: bool,
) -> Result<PreparedStatement, ExecuteError> {
    session
        .prepare(statement_for(Statement::from(cql), options, idempotent))
        .await
}

/// Prepares (or reuses) the statement with the shared text `cql` and executes it with
/// `values`: the path of builders whose text is cached per shape.
pub(crate) async fn execute_shaped(
    session: &Session,
    cql: Arc<str>,
    options: &QueryOptions,
    idempotent: bool,
    values: impl SerializeRow,
) -> Result<QueryResult, ExecuteError> {
    let prepared = prepare_shaped(session, cql, options, idempotent).await?;
    session.execute(&prepared, values).await
}

/// Prepares `q` (cached by the driver per CQL text and keyspace).
pub(crate) async fn prepare(
    session: &Session,
    q: &BuiltQuery,
) -> Result<PreparedStatement, ExecuteError> {
    session.prepare(statement(q)).await
}

/// Prepares (or reuses) and executes `q`, returning its first page.
pub(crate) async fn execute(
    session: &Session,
    q: &BuiltQuery,
) -> Result<QueryResult, ExecuteError> {
    let prepared = prepare(session, q).await?;
    session.execute(&prepared, PreSerialized(&q.values)).await
}

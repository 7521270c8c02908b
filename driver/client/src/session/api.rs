//! The statement-running methods of [`Session`]: `query`, `execute`, `batch` and their
//! paging forms.
//!
//! Values are serialized against the bind markers' types, so a simple statement that has
//! values is prepared first (once: prepared statements are cached per session).

use cassia_protocol::request::{SerializedValues, ValuesRef};
use cassia_protocol::row::Row;

use super::Session;
use super::paging::{Pageable, RowStream};
use crate::error::{ExecuteError, excerpt};
use crate::result::QueryResult;
use crate::statement::batch::BatchEntry;
use crate::statement::{Batch, PreparedStatement, Statement};
use crate::values::{SerializeRow, SerializeRowError, serialize, serialize_into};

/// What a simple statement with values becomes.
enum Ready {
    Simple(Statement),
    Prepared(PreparedStatement, SerializedValues),
}

impl Session {
    async fn ready(
        &self,
        statement: Statement,
        values: &impl SerializeRow,
    ) -> Result<Ready, ExecuteError> {
        if values.is_empty() {
            return Ok(Ready::Simple(statement));
        }
        let prepared = self.prepare(statement).await?;
        let bound = serialize(values, prepared.bind_columns(), || {
            prepared.excerpt().clone()
        })?;
        Ok(Ready::Prepared(prepared, bound))
    }

    /// Runs a statement with positional values (a tuple, slice or `Vec`) or named values
    /// ([`NamedValues`](crate::values::NamedValues), a map). Returns the first page; see
    /// [`Session::query_iter`] for every row.
    ///
    /// Without values the statement is sent as QUERY; with values it is prepared first
    /// (cached), because values are typed against the server's bind-marker types.
    pub async fn query(
        &self,
        statement: impl Into<Statement>,
        values: impl SerializeRow,
    ) -> Result<QueryResult, ExecuteError> {
        let result = match self.ready(statement.into(), &values).await? {
            Ready::Simple(s) => self.query_serialized(&s, &SerializedValues::new()).await?,
            Ready::Prepared(p, v) => self.execute_serialized(&p, &v).await?,
        };
        // `USE ks` ran on one connection; switch the others (and future ones) too.
        if let Some(keyspace) = result.set_keyspace() {
            self.use_keyspace(keyspace).await?;
        }
        Ok(result)
    }

    /// Runs a prepared statement (EXECUTE).
    pub async fn execute(
        &self,
        prepared: &PreparedStatement,
        values: impl SerializeRow,
    ) -> Result<QueryResult, ExecuteError> {
        let values = serialize(&values, prepared.bind_columns(), || {
            prepared.excerpt().clone()
        })?;
        self.execute_serialized(prepared, &values).await
    }

    /// Runs a prepared statement with values already in wire form (positional `[value]`s,
    /// as a mapper or a caller re-sending stored values has them), without copying them
    /// into a new buffer. Only their number is checked against the bind markers.
    pub async fn execute_values(
        &self,
        prepared: &PreparedStatement,
        values: &SerializedValues,
    ) -> Result<QueryResult, ExecuteError> {
        let expected = prepared.bind_columns().len();
        if values.named || values.len() != expected {
            return Err(ExecuteError::Bind {
                statement: prepared.excerpt().clone(),
                source: SerializeRowError::ValueCount {
                    expected,
                    actual: values.len(),
                },
            });
        }
        self.execute_serialized(prepared, values).await
    }

    /// Runs a batch; `values` holds one set of values per statement, in order (`()` for a
    /// statement without markers). To mix value types, pass a slice of
    /// [`AnyValues`](crate::values::AnyValues) (`&(dyn SerializeRow + Sync)`), which keeps
    /// the future `Send`.
    pub async fn batch<V: SerializeRow>(
        &self,
        batch: &Batch,
        values: &[V],
    ) -> Result<QueryResult, ExecuteError> {
        if values.len() != batch.entries.len() {
            return Err(ExecuteError::BatchValueCount {
                statements: batch.entries.len(),
                values: values.len(),
            });
        }
        // Simple statements with values are prepared first; only then is the batch copied.
        let needs_prepare =
            |(entry, v): (&BatchEntry, &V)| matches!(entry, BatchEntry::Simple(_)) && !v.is_empty();
        let mut ready = std::borrow::Cow::Borrowed(batch);
        if batch.entries.iter().zip(values).any(needs_prepare) {
            let owned = ready.to_mut();
            for (entry, v) in owned.entries.iter_mut().zip(values) {
                if let BatchEntry::Simple(cql) = entry
                    && !v.is_empty()
                {
                    *entry =
                        BatchEntry::Prepared(self.prepare(Statement::from(cql.clone())).await?);
                }
            }
        }
        // Every statement's values go into one buffer (one allocation, not one per
        // statement); each statement then borrows its span.
        let mut buf = SerializedValues::new();
        buf.bytes.reserve(values.len().saturating_mul(40));
        let mut spans = Vec::with_capacity(values.len());
        for (entry, v) in ready.entries.iter().zip(values) {
            let start = buf.bytes.len();
            buf.count = 0;
            buf.named = false;
            let (markers, statement): (&[_], &dyn Fn() -> std::sync::Arc<str>) = match entry {
                BatchEntry::Prepared(p) => (p.bind_columns(), &|| p.excerpt().clone()),
                BatchEntry::Simple(cql) => (&[], &|| excerpt(cql)),
            };
            serialize_into(v, markers, &mut buf, statement)?;
            spans.push((start, buf.bytes.len(), buf.count, buf.named));
        }
        let all: Vec<ValuesRef<'_>> = spans
            .iter()
            .map(|&(start, end, count, named)| ValuesRef {
                count,
                named,
                bytes: buf.bytes.get(start..end).unwrap_or_default(),
            })
            .collect();
        self.batch_serialized(&ready, &all).await
    }

    /// Runs a statement and streams every row of every page, fetched one page ahead
    /// (`page_size` rows at a time). The first page is fetched before this returns, so a
    /// failing statement fails here. Rows are dynamic [`Row`]s; use
    /// [`RowStream::rows_stream`] to read them as tuples or mapped types.
    pub async fn query_iter(
        &self,
        statement: impl Into<Statement>,
        values: impl SerializeRow,
    ) -> Result<RowStream<Row>, ExecuteError> {
        match self.ready(statement.into(), &values).await? {
            Ready::Simple(s) => {
                RowStream::start(self.clone(), Pageable::Simple(s), SerializedValues::new()).await
            }
            Ready::Prepared(p, v) => RowStream::start(self.clone(), Pageable::Prepared(p), v).await,
        }
    }

    /// Runs a prepared statement and streams every row of every page.
    pub async fn execute_iter(
        &self,
        prepared: &PreparedStatement,
        values: impl SerializeRow,
    ) -> Result<RowStream<Row>, ExecuteError> {
        let values = serialize(&values, prepared.bind_columns(), || {
            prepared.excerpt().clone()
        })?;
        RowStream::start(self.clone(), Pageable::Prepared(prepared.clone()), values).await
    }
}

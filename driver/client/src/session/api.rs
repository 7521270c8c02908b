//! The statement-running methods of [`Session`]: `query`, `execute`, `batch` and their
//! paging forms.

use cassia_protocol::value::CqlValue;

use super::Session;
use super::paging::{Pageable, RowStream};
use crate::error::{ExecuteError, excerpt};
use crate::result::QueryResult;
use crate::statement::batch::BatchEntry;
use crate::statement::{Batch, PreparedStatement, Statement};
use crate::values::{SerializeRow, serialize};

/// A row as dynamic values, in column order (`None` is null).
pub type DynamicRow = Vec<Option<CqlValue>>;

impl Session {
    /// Runs a simple statement (QUERY) with positional (`?`) or named (`:name`) values.
    /// Returns the first page; see [`Session::query_iter`] for all rows.
    pub async fn query(
        &self,
        statement: impl Into<Statement>,
        values: impl SerializeRow,
    ) -> Result<QueryResult, ExecuteError> {
        let statement = statement.into();
        let values = serialize(&values, None, &excerpt(&statement.cql))?;
        self.query_serialized(&statement, &values).await
    }

    /// Runs a prepared statement (EXECUTE).
    pub async fn execute(
        &self,
        prepared: &PreparedStatement,
        values: impl SerializeRow,
    ) -> Result<QueryResult, ExecuteError> {
        let values = serialize(
            &values,
            Some(prepared.bind_columns()),
            &excerpt(prepared.cql()),
        )?;
        self.execute_serialized(prepared, &values).await
    }

    /// Runs a batch; `values` holds one set of values per statement, in order.
    pub async fn batch<V: SerializeRow>(
        &self,
        batch: &Batch,
        values: &[V],
    ) -> Result<QueryResult, ExecuteError> {
        let statement = excerpt(&batch.describe());
        let mut all = Vec::with_capacity(values.len());
        for (entry, v) in batch.entries.iter().zip(values) {
            let markers = match entry {
                BatchEntry::Prepared(p) => Some(p.bind_columns()),
                BatchEntry::Simple(_) => None,
            };
            all.push(serialize(v, markers, &statement)?);
        }
        if values.len() != batch.entries.len() {
            return Err(ExecuteError::Bind {
                statement,
                detail: format!(
                    "the batch has {} statements but {} sets of values were given",
                    batch.entries.len(),
                    values.len()
                ),
            });
        }
        self.batch_serialized(batch, &all).await
    }

    /// Runs a simple statement and streams every row of every page (fetched one page
    /// ahead, `page_size` rows at a time).
    pub async fn query_iter(
        &self,
        statement: impl Into<Statement>,
        values: impl SerializeRow,
    ) -> Result<RowStream<DynamicRow>, ExecuteError> {
        let statement = statement.into();
        let values = serialize(&values, None, &excerpt(&statement.cql))?;
        Ok(RowStream::start(
            self.clone(),
            Pageable::Simple(statement),
            values,
            |page| page.rows_values(),
        ))
    }

    /// Runs a prepared statement and streams every row of every page.
    pub async fn execute_iter(
        &self,
        prepared: &PreparedStatement,
        values: impl SerializeRow,
    ) -> Result<RowStream<DynamicRow>, ExecuteError> {
        let values = serialize(
            &values,
            Some(prepared.bind_columns()),
            &excerpt(prepared.cql()),
        )?;
        Ok(RowStream::start(
            self.clone(),
            Pageable::Prepared(prepared.clone()),
            values,
            |page| page.rows_values(),
        ))
    }
}

//! Paging one page at a time with [`Cursor`]s: `query_page` and `execute_page`, for web APIs
//! that return a page of rows and a cursor, and fetch the next page in a later request.
//!
//! Built on the manual paging the statements already offer (`with_page_size`,
//! `with_paging_state` and [`QueryResult::paging_state`]); the cursor adds the text form and
//! the check that it is resumed with the statement it came from.

use std::sync::Arc;

use cassia_protocol::request::SerializedValues;

use super::Session;
use crate::cursor::{Cursor, StatementDigest};
use crate::error::{ExecuteError, excerpt};
use crate::result::QueryResult;
use crate::statement::{PreparedStatement, Statement};
use crate::values::{SerializeRow, serialize};

/// One page of a result and the cursor to the page after it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct QueryPage {
    /// This page's rows (read them with [`QueryResult::rows`]).
    pub result: QueryResult,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<Cursor>,
}

impl Session {
    /// Runs a statement for one page of at most `page_size` rows, starting where `cursor`
    /// points (`None`: the first page). The returned [`QueryPage::next`] resumes the same
    /// statement with the same values in a later call, possibly in another process.
    ///
    /// Fails with [`ExecuteError::Cursor`] when the cursor came from another statement,
    /// keyspace or set of values, and with [`ExecuteError::Encode`] when `page_size` is not
    /// positive. As with [`query`](Session::query), a statement with values is prepared.
    ///
    /// ```no_run
    /// # async fn demo(session: cassia_driver::Session, from_client: Option<&str>)
    /// # -> Result<(), Box<dyn std::error::Error>> {
    /// use cassia_driver::Cursor;
    /// let cursor = from_client.map(Cursor::parse).transpose()?;
    /// let page = session
    ///     .query_page("SELECT id, name FROM users WHERE team = ?", ("core",), cursor.as_ref(), 20)
    ///     .await?;
    /// let rows: Vec<(i32, String)> = page.result.rows()?;
    /// let next: Option<String> = page.next.map(|c| c.to_string());
    /// # Ok(()) }
    /// ```
    pub async fn query_page(
        &self,
        statement: impl Into<Statement>,
        values: impl SerializeRow,
        cursor: Option<&Cursor>,
        page_size: i32,
    ) -> Result<QueryPage, ExecuteError> {
        let statement = statement.into();
        if !values.is_empty() {
            let prepared = self.prepare(statement).await?;
            return self
                .execute_page(&prepared, values, cursor, page_size)
                .await;
        }
        let statement_excerpt = excerpt(&statement.cql);
        check_page_size(page_size, &statement_excerpt)?;
        let keyspace = statement.opts.keyspace.clone().or_else(|| self.keyspace());
        let values = SerializedValues::new();
        let digest = StatementDigest::of(keyspace.as_deref(), &statement.cql, &values);
        let mut statement = statement.with_page_size(page_size);
        statement.opts.paging_state = match cursor {
            Some(c) => Some(c.state_for(digest, &statement_excerpt)?.clone()),
            None => None,
        };
        let result = self.query_serialized(&statement, &values).await?;
        Ok(page(result, digest))
    }

    /// [`query_page`](Session::query_page) for a prepared statement.
    pub async fn execute_page(
        &self,
        prepared: &PreparedStatement,
        values: impl SerializeRow,
        cursor: Option<&Cursor>,
        page_size: i32,
    ) -> Result<QueryPage, ExecuteError> {
        check_page_size(page_size, prepared.excerpt())?;
        let values = serialize(&values, prepared.bind_columns(), || {
            prepared.excerpt().clone()
        })?;
        // The keyspace the statement runs in, as `run` resolves it for routing.
        let keyspace = prepared
            .opts
            .keyspace
            .as_deref()
            .or(prepared.shared.keyspace.as_deref());
        let digest = StatementDigest::of(keyspace, prepared.cql(), &values);
        let mut prepared = prepared.clone().with_page_size(page_size);
        prepared.opts.paging_state = match cursor {
            Some(c) => Some(c.state_for(digest, prepared.excerpt())?.clone()),
            None => None,
        };
        let result = self.execute_serialized(&prepared, &values).await?;
        Ok(page(result, digest))
    }
}

fn page(result: QueryResult, digest: StatementDigest) -> QueryPage {
    let next = result
        .paging_state()
        .map(|state| Cursor::new(digest, state.clone()));
    QueryPage { result, next }
}

/// A page of zero rows or less would mean "no paging" to the server: the whole result.
fn check_page_size(page_size: i32, statement: &Arc<str>) -> Result<(), ExecuteError> {
    if page_size > 0 {
        return Ok(());
    }
    Err(ExecuteError::Encode {
        statement: statement.clone(),
        detail: format!("a page must hold at least one row (page size {page_size})"),
    })
}

//! Terminal operations of [`Select`]: `all`, `stream`, `page`, `first`, `get`, `count`,
//! `exists`, each on the default session or (`*_on`) an explicit one.

use cassia_driver::{Cursor, QueryResult, RowStream, Session};
use cassia_protocol::row::FromRow;

use super::connection::session_for;
use super::error::ExecError;
use super::run::{execute_shaped, prepare_shaped};
use crate::model::Model;
use crate::query::Select;

impl<M: Model, R: FromRow> Select<M, R> {
    /// Every matching row, fetching all pages.
    pub async fn all(&self) -> Result<Vec<R>, ExecError> {
        self.all_on(&session_for::<M>()?).await
    }

    /// [`all`](Self::all) on `session`.
    pub async fn all_on(&self, session: &Session) -> Result<Vec<R>, ExecError> {
        let mut stream = self.stream_on(session).await?;
        let mut out = Vec::new();
        while let Some(row) = stream.next_row().await {
            out.push(row?);
        }
        Ok(out)
    }

    /// The matching rows as a paged stream (`next_row().await`, or `futures` `Stream`).
    pub async fn stream(&self) -> Result<RowStream<R>, ExecError> {
        self.stream_on(&session_for::<M>()?).await
    }

    /// [`stream`](Self::stream) on `session`.
    pub async fn stream_on(&self, session: &Session) -> Result<RowStream<R>, ExecError> {
        let (cql, values) = self.prepared_parts(false, self.limit_value())?;
        let prepared = prepare_shaped(session, cql, self.options(), true).await?;
        let rows = session.execute_iter(&prepared, values).await?;
        Ok(rows.rows_stream::<R>())
    }

    /// One page of at most `size` matching rows, starting where `cursor` points (`None`: the
    /// first page), and the cursor to the next page — what a web API returns to its client,
    /// the cursor as a string (`to_string()`, read back with [`Cursor::parse`]):
    ///
    /// ```ignore
    /// let cursor = params.cursor.as_deref().map(Cursor::parse).transpose()?;
    /// let page = Order::objects()
    ///     .filter(Order::CUSTOMER.eq(customer))
    ///     .page(cursor.as_ref(), 50)
    ///     .await?;
    /// respond(page.rows, page.next.map(|c| c.to_string()))
    /// ```
    ///
    /// A cursor only resumes the query it came from (same filters, values and keyspace);
    /// any other fails with [`ExecuteError::Cursor`](cassia_driver::error::ExecuteError::Cursor)
    /// before anything is sent. `size` must be positive.
    pub async fn page(&self, cursor: Option<&Cursor>, size: i32) -> Result<Page<R>, ExecError> {
        self.page_on(&session_for::<M>()?, cursor, size).await
    }

    /// [`page`](Self::page) on `session`.
    pub async fn page_on(
        &self,
        session: &Session,
        cursor: Option<&Cursor>,
        size: i32,
    ) -> Result<Page<R>, ExecError> {
        let (cql, values) = self.prepared_parts(false, self.limit_value())?;
        let prepared = prepare_shaped(session, cql, self.options(), true).await?;
        let page = session
            .execute_page(&prepared, values, cursor, size)
            .await?;
        Ok(Page {
            rows: page.result.rows::<R>()?,
            next: page.next,
        })
    }

    /// The first matching row, if any (`LIMIT 1`).
    pub async fn first(&self) -> Result<Option<R>, ExecError> {
        self.first_on(&session_for::<M>()?).await
    }

    /// [`first`](Self::first) on `session`.
    pub async fn first_on(&self, session: &Session) -> Result<Option<R>, ExecError> {
        let result = self.run_shaped(session, false, Some(1)).await?;
        Ok(result.maybe_first::<R>()?)
    }

    /// Exactly one row: [`ExecError::DoesNotExist`] for none,
    /// [`ExecError::MultipleObjectsReturned`] for several (cqlengine's `get`).
    pub async fn get(&self) -> Result<R, ExecError> {
        self.get_on(&session_for::<M>()?).await
    }

    /// [`get`](Self::get) on `session`.
    pub async fn get_on(&self, session: &Session) -> Result<R, ExecError> {
        let result = self.run_shaped(session, false, Some(2)).await?;
        let table = || M::schema().name.clone();
        match result.row_count() {
            0 => Err(ExecError::DoesNotExist { table: table() }),
            1 => Ok(result.first_row::<R>()?),
            count => Err(ExecError::MultipleObjectsReturned {
                table: table(),
                count,
            }),
        }
    }

    /// The number of matching rows (`SELECT COUNT(*)`).
    pub async fn count(&self) -> Result<i64, ExecError> {
        self.count_on(&session_for::<M>()?).await
    }

    /// [`count`](Self::count) on `session`.
    pub async fn count_on(&self, session: &Session) -> Result<i64, ExecError> {
        let result = self.run_shaped(session, true, self.limit_value()).await?;
        let (n,): (i64,) = result.first_row()?;
        Ok(n)
    }

    /// Whether any row matches.
    pub async fn exists(&self) -> Result<bool, ExecError> {
        self.exists_on(&session_for::<M>()?).await
    }

    /// [`exists`](Self::exists) on `session`.
    pub async fn exists_on(&self, session: &Session) -> Result<bool, ExecError> {
        let result = self.run_shaped(session, false, Some(1)).await?;
        Ok(result.row_count() > 0)
    }

    /// Runs the statement (`COUNT(*)` when `count`) with `limit`, its text cached per shape.
    async fn run_shaped(
        &self,
        session: &Session,
        count: bool,
        limit: Option<i32>,
    ) -> Result<QueryResult, ExecError> {
        let (cql, values) = self.prepared_parts(count, limit)?;
        Ok(execute_shaped(session, cql, self.options(), true, values).await?)
    }
}

/// One page of rows from [`Select::page`], and where the next one starts.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Page<R> {
    /// This page's rows, in the query's order.
    pub rows: Vec<R>,
    /// The cursor to pass to `page` for the next page; `None` on the last page.
    pub next: Option<Cursor>,
}

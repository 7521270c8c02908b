//! Automatic paging: a [`RowStream`] yields rows while a background task fetches the next
//! page (one page ahead), so iteration and network I/O overlap.
//!
//! Pages are kept as received and rows are decoded one at a time as they are polled, so
//! [`RowStream::rows_stream`] can change the row type without losing anything.

use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use cassia_protocol::request::SerializedValues;
use cassia_protocol::response::{ColumnSpec, Rows};
use cassia_protocol::row::{FromRow, Row};
use cassia_protocol::wire::Reader;
use futures_core::Stream;
use tokio::sync::mpsc;

use super::Session;
use crate::error::{ExecuteError, RowDecodeError};
use crate::result::QueryResult;
use crate::statement::{PagingState, PreparedStatement, Statement};

/// A stream of rows over every page of a result, read as `T` (by default the dynamic
/// [`Row`]). Dropping it stops fetching.
pub struct RowStream<T = Row> {
    pages: mpsc::Receiver<Result<QueryResult, ExecuteError>>,
    current: Option<Page>,
    finished: bool,
    _row: PhantomData<fn() -> T>,
}

/// The page being read: its rows and how far the stream got.
struct Page {
    columns: Arc<Vec<ColumnSpec>>,
    rows: Rows,
    /// Index of the next row, and where its cells start in `rows.content`.
    next: usize,
    offset: usize,
    type_checked: bool,
}

impl<T> std::fmt::Debug for RowStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowStream")
            .field("finished", &self.finished)
            .finish()
    }
}

/// A statement the paging task can run repeatedly with a new paging state.
#[derive(Clone)]
pub(crate) enum Pageable {
    Simple(Statement),
    Prepared(PreparedStatement),
}

impl Pageable {
    fn at(self, state: PagingState) -> Pageable {
        match self {
            Pageable::Simple(s) => Pageable::Simple(s.with_paging_state(state)),
            Pageable::Prepared(p) => Pageable::Prepared(p.with_paging_state(state)),
        }
    }

    async fn run(
        &self,
        session: &Session,
        values: &SerializedValues,
    ) -> Result<QueryResult, ExecuteError> {
        match self {
            Pageable::Simple(s) => session.query_serialized(s, values).await,
            Pageable::Prepared(p) => session.execute_serialized(p, values).await,
        }
    }
}

impl RowStream<Row> {
    /// Fetches the first page now (so a bad statement fails here, not at the first row)
    /// and the following ones in the background.
    pub(crate) async fn start(
        session: Session,
        statement: Pageable,
        values: SerializedValues,
    ) -> Result<Self, ExecuteError> {
        let first = statement.run(&session, &values).await?;
        let next = first.paging_state().cloned();
        let (tx, rx) = mpsc::channel(1);
        // Capacity 1 and nothing sent yet: this cannot fail.
        let _ = tx.try_send(Ok(first));
        if let Some(state) = next {
            tokio::spawn(fetch_pages(session, statement.at(state), values, tx));
        }
        Ok(RowStream {
            pages: rx,
            current: None,
            finished: false,
            _row: PhantomData,
        })
    }
}

impl<T> RowStream<T> {
    /// The same stream read as `U` (a tuple or a type implementing [`FromRow`]); the rows'
    /// column types are checked once per page.
    pub fn rows_stream<U: FromRow>(self) -> RowStream<U> {
        RowStream {
            pages: self.pages,
            current: self.current,
            finished: self.finished,
            _row: PhantomData,
        }
    }
}

async fn fetch_pages(
    session: Session,
    mut statement: Pageable,
    values: SerializedValues,
    tx: mpsc::Sender<Result<QueryResult, ExecuteError>>,
) {
    loop {
        let result = statement.run(&session, &values).await;
        let next: Option<PagingState> = match &result {
            Ok(r) => r.paging_state().cloned(),
            Err(_) => None,
        };
        if tx.send(result).await.is_err() {
            return; // the stream was dropped
        }
        let Some(state) = next else { return };
        statement = statement.at(state);
    }
}

impl Page {
    /// Decodes the next row, or `None` when the page is exhausted.
    fn next_row<T: FromRow>(&mut self) -> Option<Result<T, RowDecodeError>> {
        if !self.type_checked {
            self.type_checked = true;
            if let Err(e) = T::type_check(&self.columns) {
                self.next = usize::MAX;
                return Some(Err(e.into()));
            }
        }
        if self.next >= self.rows.row_count {
            return None;
        }
        let rest = self.rows.content.get(self.offset..)?;
        let mut reader = Reader::new(rest);
        let mut cells = Vec::with_capacity(self.rows.metadata.column_count);
        for _ in 0..self.rows.metadata.column_count {
            match reader.bytes("cell") {
                Ok(cell) => cells.push(cell),
                Err(e) => {
                    self.next = usize::MAX;
                    return Some(Err(RowDecodeError::Malformed(e.to_string())));
                }
            }
        }
        let consumed = rest.len() - reader.remaining();
        let row = T::from_row(&self.columns, cells.into_iter()).map_err(Into::into);
        self.offset += consumed;
        self.next += 1;
        Some(row)
    }
}

impl<T: FromRow> Stream for RowStream<T> {
    type Item = Result<T, ExecuteError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(page) = &mut this.current {
                match page.next_row::<T>() {
                    Some(Ok(row)) => return Poll::Ready(Some(Ok(row))),
                    Some(Err(e)) => {
                        this.finished = true;
                        this.current = None;
                        return Poll::Ready(Some(Err(e.into())));
                    }
                    None => this.current = None,
                }
            }
            if this.finished {
                return Poll::Ready(None);
            }
            match this.pages.poll_recv(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => {
                    this.finished = true;
                    return Poll::Ready(None);
                }
                Poll::Ready(Some(Err(e))) => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(Some(Ok(page))) => match page.rows_parts() {
                    Ok((columns, rows)) => {
                        this.current = Some(Page {
                            columns: columns.clone(),
                            rows: rows.clone(),
                            next: 0,
                            offset: 0,
                            type_checked: false,
                        });
                    }
                    Err(e) => {
                        this.finished = true;
                        return Poll::Ready(Some(Err(e.into())));
                    }
                },
            }
        }
    }
}

impl<T: FromRow> RowStream<T> {
    /// The next row, or `None` at the end (a convenience over `Stream::poll_next`).
    pub async fn next_row(&mut self) -> Option<Result<T, ExecuteError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

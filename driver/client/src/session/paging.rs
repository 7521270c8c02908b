//! Automatic paging: a [`RowStream`] yields rows while a background task fetches the next
//! page (one page ahead), so iteration and network I/O overlap.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use cassia_protocol::request::SerializedValues;
use futures_core::Stream;
use tokio::sync::mpsc;

use super::Session;
use crate::error::{ExecuteError, RowDecodeError};
use crate::result::QueryResult;
use crate::statement::{PagingState, PreparedStatement, Statement};

/// Converts one page into rows of the stream's item type.
pub(crate) type PageDecoder<T> = fn(&QueryResult) -> Result<Vec<T>, RowDecodeError>;

/// A stream of rows over every page of a result. Dropping it stops fetching.
pub struct RowStream<T> {
    pages: mpsc::Receiver<Result<QueryResult, ExecuteError>>,
    buffer: VecDeque<T>,
    decode: PageDecoder<T>,
    finished: bool,
}

impl<T> std::fmt::Debug for RowStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowStream")
            .field("buffered", &self.buffer.len())
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

impl<T> RowStream<T> {
    pub(crate) fn start(
        session: Session,
        statement: Pageable,
        values: SerializedValues,
        decode: PageDecoder<T>,
    ) -> Self {
        let (tx, rx) = mpsc::channel(1);
        tokio::spawn(fetch_pages(session, statement, values, tx));
        RowStream {
            pages: rx,
            buffer: VecDeque::new(),
            decode,
            finished: false,
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
        let result = match &statement {
            Pageable::Simple(s) => session.query_serialized(s, &values).await,
            Pageable::Prepared(p) => session.execute_serialized(p, &values).await,
        };
        let next: Option<PagingState> = match &result {
            Ok(r) => r.paging_state().cloned(),
            Err(_) => None,
        };
        if tx.send(result).await.is_err() {
            return; // the stream was dropped
        }
        let Some(state) = next else { return };
        statement = match statement {
            Pageable::Simple(s) => Pageable::Simple(s.with_paging_state(state)),
            Pageable::Prepared(p) => Pageable::Prepared(p.with_paging_state(state)),
        };
    }
}

impl<T: Unpin> Stream for RowStream<T> {
    type Item = Result<T, ExecuteError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(row) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(row)));
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
                Poll::Ready(Some(Ok(page))) => match (this.decode)(&page) {
                    Ok(rows) => this.buffer.extend(rows),
                    Err(e) => {
                        this.finished = true;
                        return Poll::Ready(Some(Err(e.into())));
                    }
                },
            }
        }
    }
}

impl<T> RowStream<T> {
    /// The next row, or `None` at the end (a convenience over `Stream::poll_next`).
    pub async fn next_row(&mut self) -> Option<Result<T, ExecuteError>>
    where
        T: Unpin,
    {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

//! A blocking façade over the async [`Session`](crate::Session), for scripts, tests and
//! programs without an async runtime (in the manner of reqwest's blocking client).
//!
//! [`blocking::Session`](Session) owns a multi-threaded tokio runtime; each method blocks
//! the calling thread until the async call completes, and paging returns an [`Iterator`].
//! Do not call it from inside an async context (blocking a runtime thread panics in tokio).

use std::sync::Arc;

use cassia_protocol::row::{FromRow, Row};

use crate::error::{ConnectError, ExecuteError};
use crate::result::QueryResult;
use crate::session::{RowStream, SessionBuilder, TracingInfo};
use crate::statement::{Batch, PreparedStatement, Statement};
use crate::values::SerializeRow;

/// A session whose methods block. Cheap to clone; clones share the runtime and connections.
#[derive(Clone, Debug)]
pub struct Session {
    inner: crate::Session,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl Session {
    /// Builds a session from an async [`SessionBuilder`], on a runtime of its own.
    pub fn connect(builder: SessionBuilder) -> Result<Session, ConnectError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("cassia-blocking")
            .enable_all()
            .build()
            .map_err(|e| ConnectError::Config {
                detail: format!("cannot start the runtime: {e}"),
            })?;
        let inner = runtime.block_on(builder.build())?;
        Ok(Session {
            inner,
            runtime: Arc::new(runtime),
        })
    }

    /// The async session underneath.
    pub fn as_async(&self) -> &crate::Session {
        &self.inner
    }

    /// See [`crate::Session::query`].
    pub fn query(
        &self,
        statement: impl Into<Statement>,
        values: impl SerializeRow,
    ) -> Result<QueryResult, ExecuteError> {
        self.runtime.block_on(self.inner.query(statement, values))
    }

    /// See [`crate::Session::prepare`].
    pub fn prepare(
        &self,
        statement: impl Into<Statement>,
    ) -> Result<PreparedStatement, ExecuteError> {
        self.runtime.block_on(self.inner.prepare(statement))
    }

    /// See [`crate::Session::execute`].
    pub fn execute(
        &self,
        prepared: &PreparedStatement,
        values: impl SerializeRow,
    ) -> Result<QueryResult, ExecuteError> {
        self.runtime.block_on(self.inner.execute(prepared, values))
    }

    /// See [`crate::Session::batch`].
    pub fn batch<V: SerializeRow>(
        &self,
        batch: &Batch,
        values: &[V],
    ) -> Result<QueryResult, ExecuteError> {
        self.runtime.block_on(self.inner.batch(batch, values))
    }

    /// See [`crate::Session::query_iter`]: every row of every page, as an iterator.
    pub fn query_iter(
        &self,
        statement: impl Into<Statement>,
        values: impl SerializeRow,
    ) -> Result<RowIter<Row>, ExecuteError> {
        let stream = self
            .runtime
            .block_on(self.inner.query_iter(statement, values))?;
        Ok(RowIter {
            stream,
            runtime: self.runtime.clone(),
        })
    }

    /// See [`crate::Session::execute_iter`].
    pub fn execute_iter(
        &self,
        prepared: &PreparedStatement,
        values: impl SerializeRow,
    ) -> Result<RowIter<Row>, ExecuteError> {
        let stream = self
            .runtime
            .block_on(self.inner.execute_iter(prepared, values))?;
        Ok(RowIter {
            stream,
            runtime: self.runtime.clone(),
        })
    }

    /// See [`crate::Session::use_keyspace`].
    pub fn use_keyspace(&self, keyspace: &str) -> Result<(), ExecuteError> {
        self.runtime.block_on(self.inner.use_keyspace(keyspace))
    }

    /// See [`crate::Session::get_trace`].
    pub fn get_trace(&self, tracing_id: uuid::Uuid) -> Result<TracingInfo, ExecuteError> {
        self.runtime.block_on(self.inner.get_trace(tracing_id))
    }

    /// See [`crate::Session::await_schema_agreement`].
    pub fn await_schema_agreement(&self) -> Result<uuid::Uuid, ExecuteError> {
        self.runtime.block_on(self.inner.await_schema_agreement())
    }

    /// See [`crate::Session::keyspace`].
    pub fn keyspace(&self) -> Option<String> {
        self.inner.keyspace()
    }

    /// See [`crate::Session::nodes`].
    pub fn nodes(&self) -> Vec<Arc<crate::cluster::Node>> {
        self.inner.nodes()
    }

    /// See [`crate::Session::protocol_version`].
    pub fn protocol_version(&self) -> crate::ProtocolVersion {
        self.inner.protocol_version()
    }

    /// See [`crate::Session::shutdown`].
    pub fn shutdown(&self) {
        self.runtime.block_on(self.inner.shutdown());
    }
}

/// Rows of every page, fetched as the iterator advances.
#[derive(Debug)]
pub struct RowIter<T = Row> {
    stream: RowStream<T>,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl<T> RowIter<T> {
    /// The same rows read as `U` (a tuple or a type implementing [`FromRow`]).
    pub fn rows<U: FromRow>(self) -> RowIter<U> {
        RowIter {
            stream: self.stream.rows_stream(),
            runtime: self.runtime,
        }
    }
}

impl<T: FromRow> Iterator for RowIter<T> {
    type Item = Result<T, ExecuteError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.runtime.block_on(self.stream.next_row())
    }
}

//! Running writes: `execute` / `execute_on` for INSERT, UPDATE, DELETE and batches, with
//! the outcome of lightweight transactions ([`WriteResult`]).

use cassia_driver::error::RowDecodeError;
use cassia_driver::{Batch, BatchType, QueryResult, Row, Session};
use cassia_protocol::row::FromRow;

use super::connection::{default_session, session_for};
use super::error::ExecError;
use super::run::{PreSerialized, execute, prepare, prepare_shaped};
use crate::model::Model;
use crate::query::{BatchBuilder, BatchKind, BuiltQuery, Delete, Insert, Update};

/// The outcome of a write.
#[derive(Debug)]
pub struct WriteResult {
    applied: bool,
    result: QueryResult,
}

impl WriteResult {
    fn new(result: QueryResult) -> Result<Self, ExecError> {
        Ok(WriteResult {
            applied: result.was_applied()?,
            result,
        })
    }

    /// Whether the write was applied (always true for unconditional writes).
    pub fn applied(&self) -> bool {
        self.applied
    }

    /// For a conditional write that was not applied: the current values Cassandra returned
    /// (the `[applied]` column, then the columns the condition read), as a dynamic row.
    pub fn current_row(&self) -> Result<Option<Row>, RowDecodeError> {
        if !self.result.is_rows() {
            return Ok(None);
        }
        self.result.maybe_first::<Row>()
    }

    /// The current values read as `T` — for instance the model itself after a failed
    /// `IF NOT EXISTS`, which returns the whole existing row (derived models ignore the
    /// extra `[applied]` column).
    pub fn current<T: FromRow>(&self) -> Result<Option<T>, RowDecodeError> {
        if self.applied || !self.result.is_rows() {
            return Ok(None);
        }
        self.result.maybe_first::<T>()
    }

    /// The driver's result.
    pub fn result(&self) -> &QueryResult {
        &self.result
    }
}

async fn run(
    built: Result<BuiltQuery, crate::query::QueryError>,
    session: &Session,
) -> Result<WriteResult, ExecError> {
    let q = built?;
    WriteResult::new(execute(session, &q).await?)
}

macro_rules! executable {
    ($ty:ident) => {
        impl<M: Model> $ty<M> {
            /// Runs the statement on the model's session (its named connection, else the
            /// default one).
            pub async fn execute(&self) -> Result<WriteResult, ExecError> {
                run(self.build(), &session_for::<M>()?).await
            }

            /// Runs the statement on `session`.
            pub async fn execute_on(&self, session: &Session) -> Result<WriteResult, ExecError> {
                run(self.build(), session).await
            }
        }
    };
}

impl<M: Model> Insert<M> {
    /// Runs the statement on the model's session (its named connection, else the default
    /// one).
    pub async fn execute(&self) -> Result<WriteResult, ExecError> {
        self.execute_on(&session_for::<M>()?).await
    }

    /// Runs the statement on `session` (its text rendered once per shape, see
    /// `query::shape`).
    pub async fn execute_on(&self, session: &Session) -> Result<WriteResult, ExecError> {
        let (cql, values) = self.prepared_parts()?;
        // Plain inserts can be retried safely; `IF NOT EXISTS` cannot.
        let idempotent = !self.is_conditional();
        let prepared = prepare_shaped(session, cql, self.options(), idempotent).await?;
        let result = session.execute_values(&prepared, &values).await?;
        WriteResult::new(result)
    }
}

executable!(Update);
executable!(Delete);

impl BatchBuilder {
    /// Runs the batch on the default session.
    pub async fn execute(self) -> Result<WriteResult, ExecError> {
        self.execute_on(&default_session()?).await
    }

    /// Runs the batch on `session`: each statement prepared (once per shape) and bound.
    pub async fn execute_on(self, session: &Session) -> Result<WriteResult, ExecError> {
        let b = self.build()?;
        let mut batch = Batch::new(match b.kind {
            BatchKind::Logged => BatchType::Logged,
            BatchKind::Unlogged => BatchType::Unlogged,
            BatchKind::Counter => BatchType::Counter,
        });
        for q in &b.statements {
            let prepared = prepare(session, q).await?;
            batch.add_prepared(&prepared);
        }
        if let Some(c) = b.consistency {
            batch = batch.with_consistency(c);
        }
        if let Some(c) = b.serial_consistency {
            batch = batch.with_serial_consistency(c);
        }
        let values: Vec<PreSerialized<'_>> = b
            .statements
            .iter()
            .map(|q| PreSerialized(&q.values))
            .collect();
        WriteResult::new(session.batch(&batch, &values).await?)
    }
}

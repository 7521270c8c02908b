//! [`BatchBuilder`]: model writes grouped in one BATCH (logged, unlogged or counter), with
//! the combinations Cassandra refuses caught before sending.

use cassia_protocol::consistency::Consistency;

use super::built::{BuiltQuery, StatementKind};
use super::error::QueryError;

/// The kind of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchKind {
    /// Atomic through the batch log.
    Logged,
    /// No batch log.
    Unlogged,
    /// Counter updates only.
    Counter,
}

/// A batch of built writes.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BatchBuilder {
    /// Batch kind.
    pub kind: BatchKind,
    /// The statements, in order.
    pub statements: Vec<BuiltQuery>,
    /// Consistency level.
    pub consistency: Option<Consistency>,
    /// Serial consistency (conditional batches).
    pub serial_consistency: Option<Consistency>,
    error: Option<QueryError>,
}

impl BatchBuilder {
    /// An empty batch of `kind`.
    pub fn new(kind: BatchKind) -> Self {
        BatchBuilder {
            kind,
            statements: Vec::new(),
            consistency: None,
            serial_consistency: None,
            error: None,
        }
    }

    /// A logged batch.
    pub fn logged() -> Self {
        Self::new(BatchKind::Logged)
    }

    /// An unlogged batch.
    pub fn unlogged() -> Self {
        Self::new(BatchKind::Unlogged)
    }

    /// A counter batch.
    pub fn counter() -> Self {
        Self::new(BatchKind::Counter)
    }

    /// Adds a write (the result of an `Insert`, `Update` or `Delete` `build()`); the first
    /// error is kept and reported by [`build`](Self::build).
    pub fn push(mut self, statement: Result<BuiltQuery, QueryError>) -> Self {
        match statement {
            Ok(s) => self.statements.push(s),
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
        self
    }

    /// Consistency level.
    pub fn consistency(mut self, c: Consistency) -> Self {
        self.consistency = Some(c);
        self
    }

    /// Serial consistency.
    pub fn serial_consistency(mut self, c: Consistency) -> Self {
        self.serial_consistency = Some(c);
        self
    }

    /// Checks the batch: no reads, counter writes only in counter batches and only there.
    pub fn build(self) -> Result<Self, QueryError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        for s in &self.statements {
            if s.kind == StatementKind::Select {
                return Err(QueryError::Batch(
                    "Only INSERT, UPDATE and DELETE statements are allowed in a batch",
                ));
            }
            match (self.kind, s.counter) {
                (BatchKind::Counter, false) => {
                    return Err(QueryError::Batch(
                        "Cannot include non-counter statement in a counter batch",
                    ));
                }
                (BatchKind::Logged | BatchKind::Unlogged, true) => {
                    return Err(QueryError::Batch(
                        "Counter and non-counter mutations cannot exist in the same batch: use a counter batch",
                    ));
                }
                _ => {}
            }
        }
        Ok(self)
    }
}

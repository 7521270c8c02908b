//! Batches: several simple and prepared statements applied together (BATCH).

use std::sync::{Arc, OnceLock};

pub use cassia_protocol::request::BatchType;

use super::options::{StatementOptions, statement_options};
use super::{PreparedStatement, Statement};

/// One statement of a batch.
#[derive(Debug, Clone)]
pub(crate) enum BatchEntry {
    Simple(Arc<str>),
    Prepared(PreparedStatement),
}

/// A logged, unlogged or counter batch mixing simple and prepared statements. Values are
/// given to `Session::batch`, one set per statement in order.
#[derive(Debug, Clone)]
pub struct Batch {
    pub(crate) batch_type: BatchType,
    pub(crate) entries: Vec<BatchEntry>,
    pub(crate) opts: StatementOptions,
    excerpt: OnceLock<Arc<str>>,
}

impl Batch {
    /// An empty batch of the given type.
    pub fn new(batch_type: BatchType) -> Self {
        Batch {
            batch_type,
            entries: Vec::new(),
            opts: StatementOptions::default(),
            excerpt: OnceLock::new(),
        }
    }

    /// Appends a simple statement.
    pub fn add_statement(&mut self, statement: impl Into<Statement>) {
        self.excerpt = OnceLock::new();
        self.entries.push(BatchEntry::Simple(statement.into().cql));
    }

    /// Appends a prepared statement.
    pub fn add_prepared(&mut self, statement: &PreparedStatement) {
        self.excerpt = OnceLock::new();
        self.entries.push(BatchEntry::Prepared(statement.clone()));
    }

    /// Builder form of [`Batch::add_statement`].
    pub fn with_statement(mut self, statement: impl Into<Statement>) -> Self {
        self.add_statement(statement);
        self
    }

    /// Builder form of [`Batch::add_prepared`].
    pub fn with_prepared(mut self, statement: &PreparedStatement) -> Self {
        self.add_prepared(statement);
        self
    }

    /// Number of statements.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the batch holds no statement.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The batch type.
    pub fn batch_type(&self) -> BatchType {
        self.batch_type
    }

    /// The excerpt errors and spans show (the statement count and the first statement's
    /// text), computed once per batch and cleared when a statement is added.
    pub(crate) fn excerpt(&self) -> &Arc<str> {
        self.excerpt.get_or_init(|| {
            let first = match self.entries.first() {
                Some(BatchEntry::Simple(cql)) => cql.as_ref(),
                Some(BatchEntry::Prepared(p)) => p.cql(),
                None => "",
            };
            crate::error::excerpt(&format!("BATCH of {} [{first}]", self.entries.len()))
        })
    }
}

statement_options!(Batch);

//! Simple (unprepared) statements: CQL text sent with QUERY.

use std::sync::Arc;

use super::options::{StatementOptions, paging_options, statement_options};

/// A CQL statement sent as text (QUERY). Values are bound with `?` markers (positional) or
/// `:name` markers (named). Prepare statements that run often.
#[derive(Debug, Clone)]
pub struct Statement {
    pub(crate) cql: Arc<str>,
    pub(crate) opts: StatementOptions,
}

impl Statement {
    /// A statement with default options.
    pub fn new(cql: impl Into<String>) -> Self {
        Statement {
            cql: Arc::from(cql.into()),
            opts: StatementOptions::default(),
        }
    }

    /// The CQL text.
    pub fn cql(&self) -> &str {
        &self.cql
    }
}

impl From<&str> for Statement {
    fn from(cql: &str) -> Self {
        Statement::new(cql)
    }
}

impl From<String> for Statement {
    fn from(cql: String) -> Self {
        Statement::new(cql)
    }
}

impl From<&String> for Statement {
    fn from(cql: &String) -> Self {
        Statement::new(cql.as_str())
    }
}

/// Shares the text without copying it: callers that run the same text many times (the
/// mapper's per-shape statements) keep one `Arc<str>`.
impl From<Arc<str>> for Statement {
    fn from(cql: Arc<str>) -> Self {
        Statement {
            cql,
            opts: StatementOptions::default(),
        }
    }
}

statement_options!(Statement);
paging_options!(Statement);

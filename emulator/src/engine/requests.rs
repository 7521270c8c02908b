//! An opt-in log of the requests the engine executed (QUERY, PREPARE, EXECUTE, BATCH with
//! their CQL), so tests and benchmarks can assert what a client actually sent — "no lock
//! and no writes", "one read" — rather than infer it. Off by default: a long-running
//! emulator must not grow a log nobody reads.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// The kind of a logged request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestKind {
    /// QUERY.
    Query,
    /// PREPARE.
    Prepare,
    /// EXECUTE of a prepared statement.
    Execute,
    /// BATCH (the CQL of each statement, joined by `; `).
    Batch,
}

/// One executed request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoggedRequest {
    /// What was sent.
    pub kind: RequestKind,
    /// Its CQL (for EXECUTE, the prepared statement's text).
    pub cql: String,
}

impl LoggedRequest {
    /// Whether the statement writes (INSERT, UPDATE, DELETE, a BATCH) or changes the schema.
    pub fn is_write(&self) -> bool {
        if self.kind == RequestKind::Batch {
            return true;
        }
        let head = self
            .cql
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        matches!(
            head.as_str(),
            "insert" | "update" | "delete" | "create" | "alter" | "drop" | "truncate"
        ) && self.kind != RequestKind::Prepare
    }
}

#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    enabled: AtomicBool,
    entries: Mutex<Vec<LoggedRequest>>,
}

impl RequestLog {
    pub(crate) fn set_enabled(&self, on: bool) {
        self.enabled.store(on, Ordering::SeqCst);
    }

    pub(crate) fn record(&self, kind: RequestKind, cql: impl FnOnce() -> String) {
        if self.enabled.load(Ordering::Relaxed) {
            let entry = LoggedRequest { kind, cql: cql() };
            self.entries
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(entry);
        }
    }

    pub(crate) fn take(&self) -> Vec<LoggedRequest> {
        std::mem::take(&mut *self.entries.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

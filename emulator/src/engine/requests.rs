//! An opt-in log of the requests the engine executed (QUERY, PREPARE, EXECUTE, BATCH with
//! their CQL), so tests and benchmarks can assert what a client actually sent — "no lock
//! and no writes", "one read" — rather than infer it. Off by default: a long-running
//! emulator must not grow a log nobody reads.
//!
//! In a simulated cluster each entry names the node that coordinated it, so a test can check
//! where a driver sent each request (`EmulatorHandle::node(i).take_requests()`).

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use bytes::Bytes;
use cassia_protocol::consistency::Consistency;

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
    /// The node that coordinated it (0 on a single node).
    pub node: usize,
    /// Its consistency level (`None` for PREPARE).
    pub consistency: Option<Consistency>,
    /// The keyspace it ran in: the request's, else the connection's (`USE`).
    pub keyspace: Option<String>,
    /// The prepared statement id, for EXECUTE.
    pub prepared_id: Option<Bytes>,
    /// The partition token, for a statement on exactly one partition of a user table.
    pub token: Option<i64>,
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

    /// An entry to fill in while the request runs, when logging is on; [`Self::push`] it.
    pub(crate) fn start(
        &self,
        kind: RequestKind,
        node: usize,
        cql: impl FnOnce() -> String,
    ) -> Option<LoggedRequest> {
        self.enabled.load(Ordering::Relaxed).then(|| LoggedRequest {
            kind,
            cql: cql(),
            node,
            consistency: None,
            keyspace: None,
            prepared_id: None,
            token: None,
        })
    }

    pub(crate) fn push(&self, entry: Option<LoggedRequest>) {
        if let Some(entry) = entry {
            self.entries
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(entry);
        }
    }

    pub(crate) fn take(&self) -> Vec<LoggedRequest> {
        std::mem::take(&mut *self.entries.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Takes the entries coordinated by `node`, leaving the others.
    pub(crate) fn take_node(&self, node: usize) -> Vec<LoggedRequest> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let (mine, others) = std::mem::take(&mut *entries)
            .into_iter()
            .partition(|e| e.node == node);
        *entries = others;
        mine
    }
}

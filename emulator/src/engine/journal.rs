//! The engine's side of durability: when a journal is attached, every request that changes
//! state runs under the journal's order lock with the tape recording, and is appended with
//! what it resolved before the lock is released (so log order is apply order).
//!
//! The engine stays synchronous and never waits for the disk: it only notes the record's
//! sequence number for the transport, which holds the reply until the record is durable.

use cassia_protocol::request::{Batch, BatchStatement, Query, QueryParameters};
use cassia_protocol::response::{ErrorKind, ServerError};

use super::plan::Plan;
use super::{Engine, Outcome};
use crate::durability::record::{Logged, PreparedSource, Record};
use crate::durability::{Journal, tape};

/// Whether running `plan` changes state (and so must be journaled).
pub(super) fn mutates(plan: &Plan) -> bool {
    matches!(
        plan,
        Plan::Write(_) | Plan::Batch(_) | Plan::Truncate(_) | Plan::Ddl(_)
    )
}

impl Engine {
    /// Attaches the journal after replay; from then on state changes are logged.
    pub(crate) fn attach_journal(&self, journal: Journal) {
        if self.journal.set(journal).is_err() {
            tracing::error!("a journal was already attached to this engine");
        }
    }

    /// The attached journal, if durability is on.
    pub(crate) fn journal(&self) -> Option<&Journal> {
        self.journal.get()
    }

    /// Starts taping resolved values for a request, when a journal is attached. Start it
    /// before planning: anything the plan resolves belongs to the record too.
    pub(super) fn start_tape(&self) -> Option<tape::Session> {
        self.journal.get().map(|_| tape::record())
    }

    /// Runs `apply`; if it changes state (`mutates`) and a journal is attached, runs it under
    /// the order lock and appends `logged()` with the tape when it succeeds.
    pub(super) fn journaled(
        &self,
        mutates: bool,
        apply: impl FnOnce() -> Result<Outcome, ServerError>,
        logged: impl FnOnce() -> Logged,
    ) -> Result<Outcome, ServerError> {
        let Some(journal) = self.journal.get().filter(|_| mutates) else {
            return apply();
        };
        let _order = journal.order();
        if journal.failed() {
            // Refuse rather than apply in memory what could never be made durable.
            return Err(ServerError {
                kind: ErrorKind::ServerError,
                message: "the write-ahead journal cannot be written; writes are refused (see the server log)".to_owned(),
            });
        }
        let outcome = apply()?;
        let record = Record {
            request: logged(),
            tape: tape::recorded(),
        };
        match record.encode() {
            Ok(payload) => tape::set_pending(journal.append(&payload)),
            // Applied but impossible to log (a field over a protocol limit): say so rather
            // than acknowledge a write a restart would lose.
            Err(e) => {
                return Err(ServerError {
                    kind: ErrorKind::ServerError,
                    message: format!("the write was applied but cannot be journaled: {e}"),
                });
            }
        }
        Ok(outcome)
    }
}

/// QUERY as logged: the effective keyspace written into its parameters.
pub(super) fn query(
    client_keyspace: Option<String>,
    cql: &str,
    params: &QueryParameters,
) -> Logged {
    let mut params = params.clone();
    params.keyspace = params.keyspace.or(client_keyspace);
    Logged::Query(Query {
        query: cql.to_owned(),
        params,
    })
}

/// EXECUTE as logged: the prepared statement's source and the parameters.
pub(super) fn execute(
    client_keyspace: Option<String>,
    cql: &str,
    prepared_keyspace: Option<&str>,
    params: &QueryParameters,
) -> Logged {
    let mut params = params.clone();
    params.keyspace = params.keyspace.or(client_keyspace);
    Logged::Execute {
        source: PreparedSource {
            cql: cql.to_owned(),
            keyspace: prepared_keyspace.map(str::to_owned),
        },
        params,
    }
}

/// BATCH as logged: the sources of its prepared children (looked up under the order lock,
/// so no DDL can have evicted them since the batch ran).
pub(super) fn batch(engine: &Engine, client_keyspace: Option<String>, batch: &Batch) -> Logged {
    let sources = batch
        .statements
        .iter()
        .map(|s| match s {
            BatchStatement::Query { .. } => None,
            BatchStatement::Prepared { id, .. } => {
                engine.prepared_entry(id).ok().map(|e| PreparedSource {
                    cql: e.cql.clone(),
                    keyspace: e.keyspace.clone(),
                })
            }
        })
        .collect();
    let mut batch = batch.clone();
    batch.keyspace = batch.keyspace.or(client_keyspace);
    Logged::Batch { sources, batch }
}

//! Applying the cluster's fault rules to a decoded request: which rule fires, given the
//! node, the opcode and (only when a rule looks at it) the request's CQL text.

use cassia_protocol::envelope::RequestFrame;
use cassia_protocol::frame::Opcode;
use cassia_protocol::request::{BatchStatement, Request};

use crate::cluster::faults::Fault;
use crate::server::Shared;

/// The fault for this request, if a rule fires.
pub(super) fn decide(shared: &Shared, opcode: Opcode, frame: &RequestFrame) -> Option<Fault> {
    let faults = &shared.engine.cluster().faults;
    if faults.is_empty() {
        return None;
    }
    let cql = faults
        .wants_cql()
        .then(|| cql_of(shared, &frame.request))
        .flatten();
    faults.decide(shared.node, opcode, cql.as_deref())
}

/// The CQL a request carries: EXECUTE's is its prepared statement's text, BATCH's its
/// statements' texts joined by `; `.
fn cql_of(shared: &Shared, request: &Request) -> Option<String> {
    let engine = &shared.engine;
    match request {
        Request::Query(q) => Some(q.query.clone()),
        Request::Prepare(p) => Some(p.query.clone()),
        Request::Execute(e) => engine.prepared_cql(&e.id),
        Request::Batch(b) => Some(
            b.statements
                .iter()
                .map(|s| match s {
                    BatchStatement::Query { query, .. } => query.clone(),
                    BatchStatement::Prepared { id, .. } => {
                        engine.prepared_cql(id).unwrap_or_default()
                    }
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
        _ => None,
    }
}

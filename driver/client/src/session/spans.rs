//! Building the request span documented in [`crate::telemetry`]: the attributes known up
//! front (operation, keyspace, prepared text, page size) when the span opens, the
//! coordinator's when a node is picked, the failure when it closes.
//!
//! Nothing is formatted or looked up when no subscriber wants the span.

use std::borrow::Cow;
use std::net::SocketAddr;

use cassia_protocol::consistency::Consistency;
use tracing::Span;
use tracing::field::{Empty, display};

use super::execute::Work;
use crate::QueryResult;
use crate::cluster::Node;
use crate::error::ExecuteError;
use crate::statement::PreparedStatement;
use crate::statement::batch::BatchEntry;
use crate::statement::options::{DEFAULT_PAGE_SIZE, StatementOptions};
use crate::telemetry as t;

/// Opens the request span for `work`. `session_keyspace` is only called when the span is
/// enabled and the statement names no keyspace of its own.
pub(crate) fn request_span(
    work: Work<'_>,
    opts: &StatementOptions,
    session_keyspace: impl FnOnce() -> Option<String>,
) -> Span {
    let span = tracing::info_span!(
        t::SPAN_NAME,
        "otel.name" = Empty,
        "otel.kind" = "client",
        "otel.status_code" = Empty,
        "db.system.name" = "cassandra",
        "db.operation.name" = Empty,
        "db.operation.batch.size" = Empty,
        "db.namespace" = Empty,
        "db.collection.name" = Empty,
        "db.query.text" = Empty,
        "server.address" = Empty,
        "server.port" = Empty,
        "cassandra.coordinator.id" = Empty,
        "cassandra.coordinator.dc" = Empty,
        "cassandra.consistency.level" = Empty,
        "cassandra.page.size" = Empty,
        "cassandra.query.idempotent" = opts.idempotent,
        "cassia.retries" = 0u32,
        "cassandra.speculative_execution.count" = Empty,
        "error.type" = Empty,
        "db.response.status_code" = Empty,
    );
    if span.is_disabled() {
        return span;
    }
    let mut keyspace = opts.keyspace.clone();
    let mut table = None;
    let operation = match work {
        Work::Query { cql, .. } => keyword(cql),
        Work::Execute { prepared, .. } => {
            span.record(t::DB_QUERY_TEXT, prepared.cql());
            keyspace = keyspace.or_else(|| prepared.shared.keyspace.clone());
            table = single_table(prepared);
            keyword(prepared.cql())
        }
        Work::Batch { batch, .. } => {
            span.record(t::DB_OPERATION_BATCH_SIZE, batch.entries.len());
            let prepared: Option<Vec<&str>> = batch
                .entries
                .iter()
                .map(|e| match e {
                    BatchEntry::Prepared(p) => Some(p.cql()),
                    BatchEntry::Simple(_) => None,
                })
                .collect();
            if let Some(texts) = prepared.filter(|t| !t.is_empty()) {
                span.record(t::DB_QUERY_TEXT, texts.join("; ").as_str());
            }
            let mut keywords = batch.entries.iter().map(|e| match e {
                BatchEntry::Prepared(p) => keyword(p.cql()),
                BatchEntry::Simple(cql) => keyword(cql),
            });
            let first = keywords.next().flatten();
            match first {
                Some(k) if keywords.all(|other| other.as_ref() == Some(&k)) => {
                    Some(format!("BATCH {k}"))
                }
                _ => Some("BATCH".to_owned()),
            }
        }
    };
    if !matches!(work, Work::Batch { .. }) {
        let page_size = opts.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        if page_size > 0 {
            span.record(t::CASSANDRA_PAGE_SIZE, page_size);
        }
    }
    let keyspace = keyspace.or_else(session_keyspace);
    if let Some(ks) = &keyspace {
        span.record(t::DB_NAMESPACE, ks.as_str());
    }
    if let Some(table) = &table {
        span.record(t::DB_COLLECTION_NAME, table.as_str());
    }
    if let Some(op) = &operation {
        span.record(t::DB_OPERATION_NAME, op.as_str());
    }
    // The convention's span name: "{operation} {target}", the target being the table, else
    // the keyspace; whichever part is known, else the system's name.
    let target = table.as_deref().or(keyspace.as_deref());
    let name = match (&operation, target) {
        (Some(op), Some(target)) => format!("{op} {target}"),
        (Some(op), None) => op.clone(),
        (None, Some(target)) => target.to_owned(),
        (None, None) => "cassandra".to_owned(),
    };
    span.record(t::OTEL_NAME, name.as_str());
    span
}

/// Records the node an attempt is about to go to, with the consistency and the number of
/// retries made so far, on the current request span.
pub(crate) fn record_attempt(
    node: &Node,
    addr: SocketAddr,
    consistency: Consistency,
    retries: u32,
) {
    let Some(span) = current_request_span() else {
        return;
    };
    record_node(&span, node, addr);
    span.record(
        t::CASSANDRA_CONSISTENCY_LEVEL,
        consistency_name(consistency).as_ref(),
    );
    span.record(t::CASSIA_RETRIES, retries);
}

/// The current span when it is a request span: with that span disabled the current span is
/// some caller's, which must not receive our fields.
fn current_request_span() -> Option<Span> {
    let span = Span::current();
    span.metadata()
        .is_some_and(|m| m.name() == t::SPAN_NAME)
        .then_some(span)
}

/// The coordinator fields: the address the request went to and the node's identity.
fn record_node(span: &Span, node: &Node, addr: SocketAddr) {
    span.record(t::SERVER_ADDRESS, display(addr.ip()));
    span.record(t::SERVER_PORT, addr.port());
    if let Some(id) = node.host_id() {
        span.record(t::CASSANDRA_COORDINATOR_ID, display(id));
    }
    if let Some(dc) = node.datacenter() {
        span.record(t::CASSANDRA_COORDINATOR_DC, dc.as_str());
    }
}

/// Records how many speculative executions the request started (0: none was needed).
pub(crate) fn record_speculative(count: u32) {
    let Some(span) = current_request_span() else {
        return;
    };
    span.record(t::CASSANDRA_SPECULATIVE_EXECUTION_COUNT, count);
}

/// Records the node that answered, when another execution was tried after it.
pub(crate) fn record_coordinator(node: &Node) {
    if let Some(span) = current_request_span() {
        record_node(&span, node, node.address());
    }
}

/// Marks the span failed, with the error's type (and the server's code).
pub(crate) fn record_outcome(span: &Span, result: &Result<QueryResult, ExecuteError>) {
    let Err(error) = result else {
        return;
    };
    if span.is_disabled() {
        return;
    }
    span.record(t::OTEL_STATUS_CODE, "error");
    match error.server_error() {
        Some(server) => {
            let code = format!("{:#06x}", server.kind.code());
            span.record(t::DB_RESPONSE_STATUS_CODE, code.as_str());
            span.record(t::ERROR_TYPE, code.as_str());
        }
        None => {
            span.record(t::ERROR_TYPE, crate::metrics::driver_error_type(error));
        }
    }
}

/// The level as the convention spells it (`local_quorum`).
fn consistency_name(c: Consistency) -> Cow<'static, str> {
    Cow::Borrowed(match c {
        Consistency::Any => "any",
        Consistency::One => "one",
        Consistency::Two => "two",
        Consistency::Three => "three",
        Consistency::Quorum => "quorum",
        Consistency::All => "all",
        Consistency::LocalQuorum => "local_quorum",
        Consistency::EachQuorum => "each_quorum",
        Consistency::Serial => "serial",
        Consistency::LocalSerial => "local_serial",
        Consistency::LocalOne => "local_one",
        // A level added to the protocol crate later: its CQL name, lower-cased.
        other => return Cow::Owned(other.to_string().to_ascii_lowercase()),
    })
}

/// The table a prepared statement works on, when its bind markers and result columns all
/// name the same one.
fn single_table(prepared: &PreparedStatement) -> Option<String> {
    let result = prepared.result_state().columns;
    let mut tables = prepared
        .bind_columns()
        .iter()
        .chain(result.iter())
        .map(|c| c.table.as_str())
        .filter(|t| !t.is_empty());
    let first = tables.next()?;
    tables.all(|t| t == first).then(|| first.to_owned())
}

/// The statement's first keyword, upper-cased (`select …` → `SELECT`), after blanks and
/// comments.
fn keyword(cql: &str) -> Option<String> {
    let mut rest = cql.trim_start();
    loop {
        if let Some(line) = rest.strip_prefix("--").or_else(|| rest.strip_prefix("//")) {
            rest = line
                .split_once('\n')
                .map_or("", |(_, after)| after)
                .trim_start();
        } else if let Some(block) = rest.strip_prefix("/*") {
            rest = block
                .split_once("*/")
                .map_or("", |(_, after)| after)
                .trim_start();
        } else {
            break;
        }
    }
    let end = rest
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(rest.len());
    (end > 0).then(|| rest[..end].to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::{consistency_name, keyword};
    use cassia_protocol::consistency::Consistency;

    #[test]
    fn operation_is_the_first_keyword_after_comments() {
        assert_eq!(keyword("select * from t").as_deref(), Some("SELECT"));
        assert_eq!(keyword("  \n\tINSERT INTO t").as_deref(), Some("INSERT"));
        assert_eq!(
            keyword("-- note\n/* block */ // more\nUpdate t SET").as_deref(),
            Some("UPDATE")
        );
        assert_eq!(keyword("BEGIN BATCH").as_deref(), Some("BEGIN"));
        assert_eq!(keyword("(1)"), None);
        assert_eq!(keyword("/* never closed"), None);
    }

    #[test]
    fn consistency_names_follow_the_convention() {
        assert_eq!(consistency_name(Consistency::LocalQuorum), "local_quorum");
        assert_eq!(consistency_name(Consistency::EachQuorum), "each_quorum");
        assert_eq!(consistency_name(Consistency::LocalOne), "local_one");
    }
}

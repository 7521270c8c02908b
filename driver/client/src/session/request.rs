//! Building what goes on the wire for one attempt (QUERY, EXECUTE or BATCH, borrowing the
//! statement and its values), re-preparing after UNPREPARED, and sorting a failure into the
//! question the retry policy is asked.

use std::sync::Arc;
use std::time::Duration;

use cassia_protocol::frame::ProtocolVersion;
use cassia_protocol::request::{
    BatchRef, BatchStatementRef, ExecuteRef, Prepare, QueryParametersRef, QueryRef, Request,
    RequestRef, SerializedValues, ValuesRef,
};
use cassia_protocol::response::{ErrorKind, Response, ResultBody};

use super::execute::{Resolved, Work};
use crate::connection::{Connection, Envelope, send_error};
use crate::error::ExecuteError;
use crate::policies::RequestFailure;
use crate::statement::batch::BatchEntry;
use crate::statement::options::{DEFAULT_PAGE_SIZE, StatementOptions};
use crate::statement::prepared::ResultState;

/// Which retry question a failure raises (`None` from `of`: never retried).
#[derive(Clone, Copy)]
pub(super) enum FailureKind {
    Server,
    Request,
}

impl FailureKind {
    pub(super) fn of(kind: &ErrorKind) -> Option<FailureKind> {
        match kind {
            ErrorKind::ReadTimeout { .. }
            | ErrorKind::WriteTimeout { .. }
            | ErrorKind::Unavailable { .. } => Some(FailureKind::Server),
            ErrorKind::Overloaded
            | ErrorKind::IsBootstrapping
            | ErrorKind::ServerError
            | ErrorKind::TruncateError => Some(FailureKind::Request),
            _ => None,
        }
    }

    pub(super) fn as_request_failure(self, error: &ExecuteError) -> RequestFailure<'_> {
        let kind = match (self, error) {
            (FailureKind::Server, ExecuteError::Server { error, .. }) => &error.kind,
            _ => return RequestFailure::RequestError,
        };
        match kind {
            ErrorKind::ReadTimeout {
                consistency,
                received,
                block_for,
                data_present,
            } => RequestFailure::ReadTimeout {
                consistency: *consistency,
                received: *received,
                block_for: *block_for,
                data_present: *data_present,
            },
            ErrorKind::WriteTimeout {
                consistency,
                received,
                block_for,
                write_type,
                ..
            } => RequestFailure::WriteTimeout {
                consistency: *consistency,
                received: *received,
                block_for: *block_for,
                write_type,
            },
            ErrorKind::Unavailable {
                consistency,
                required,
                alive,
            } => RequestFailure::Unavailable {
                consistency: *consistency,
                required: *required,
                alive: *alive,
            },
            _ => RequestFailure::RequestError,
        }
    }
}

pub(super) fn batch_statement_refs<'a>(
    batch: &'a crate::statement::Batch,
    values: &'a [ValuesRef<'a>],
) -> Result<Vec<BatchStatementRef<'a>>, String> {
    if values.len() != batch.entries.len() {
        return Err(format!(
            "the batch has {} statements but {} sets of values were given",
            batch.entries.len(),
            values.len()
        ));
    }
    Ok(batch
        .entries
        .iter()
        .zip(values)
        .map(|(entry, values)| match entry {
            BatchEntry::Simple(cql) => BatchStatementRef::Query {
                query: cql,
                values: *values,
            },
            BatchEntry::Prepared(p) => BatchStatementRef::Prepared {
                id: &p.shared.id,
                values: *values,
            },
        })
        .collect())
}

/// The request for one attempt, borrowing the statement, its values and its options: the
/// values are written straight into the frame. `result_state` is the prepared statement's
/// (for EXECUTE), `batch_statements` the batch's views (for BATCH).
pub(super) fn build_request<'a>(
    work: Work<'a>,
    opts: &'a StatementOptions,
    r: &Resolved,
    version: ProtocolVersion,
    result_state: Option<&'a ResultState>,
    batch_statements: &'a [BatchStatementRef<'a>],
) -> Result<RequestRef<'a>, String> {
    let keyspace = match (&opts.keyspace, version) {
        (Some(ks), ProtocolVersion::V5) => Some(ks.as_str()),
        (Some(_), _) => {
            return Err("a per-statement keyspace needs protocol v5".into());
        }
        (None, _) => None,
    };
    let page_size = opts.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
    let params = |values: &'a SerializedValues, skip_metadata: bool| QueryParametersRef {
        consistency: r.consistency,
        values,
        skip_metadata,
        page_size: (page_size > 0).then_some(page_size),
        paging_state: opts.paging_state.as_ref().map(|p| &p.0[..]),
        serial_consistency: r.serial_consistency,
        timestamp: r.timestamp,
        keyspace,
        now_in_seconds: None,
    };
    Ok(match work {
        Work::Query { cql, values } => RequestRef::Query(QueryRef {
            query: cql,
            params: params(values, false),
        }),
        Work::Execute { prepared, values } => {
            let metadata_id = result_state.and_then(|s| s.metadata_id.as_deref());
            // Skipping metadata is only safe when the server tells us it changed (v5).
            let skip = version == ProtocolVersion::V5
                && metadata_id.is_some()
                && result_state.is_some_and(|s| !s.columns.is_empty());
            RequestRef::Execute(ExecuteRef {
                id: &prepared.shared.id,
                result_metadata_id: match version {
                    ProtocolVersion::V5 => Some(metadata_id.unwrap_or_default()),
                    ProtocolVersion::V4 => None,
                },
                params: params(values, skip),
            })
        }
        Work::Batch { batch, .. } => RequestRef::Batch(BatchRef {
            batch_type: batch.batch_type,
            statements: batch_statements,
            consistency: r.consistency,
            serial_consistency: r.serial_consistency,
            timestamp: r.timestamp,
            keyspace,
            now_in_seconds: None,
        }),
    })
}

/// Prepares again, on the connection that answered UNPREPARED, the statement with `id`.
pub(super) async fn reprepare(
    conn: &Connection,
    work: Work<'_>,
    id: &[u8],
    timeout: Duration,
    wait_for_stream_ids: bool,
    statement: &Arc<str>,
) -> Result<(), ExecuteError> {
    let prepared = match work {
        Work::Execute { prepared, .. } => Some(prepared),
        Work::Batch { batch, .. } => batch.entries.iter().find_map(|e| match e {
            BatchEntry::Prepared(p) if p.id() == id => Some(p),
            _ => None,
        }),
        Work::Query { .. } => None,
    };
    let node = conn.node();
    let Some(prepared) = prepared else {
        return Err(ExecuteError::UnexpectedResponse {
            node,
            statement: statement.clone(),
            detail: "UNPREPARED for an id that is not part of the request".into(),
        });
    };
    tracing::debug!(%node, statement = %statement, "re-preparing after UNPREPARED");
    let request = Request::Prepare(Prepare {
        query: prepared.cql().to_owned(),
        keyspace: match conn.version() {
            ProtocolVersion::V5 => prepared.shared.keyspace.clone(),
            ProtocolVersion::V4 => None,
        },
    });
    let cql_excerpt = prepared.excerpt().clone();
    let reply = conn
        .send_with(&Envelope::new(request), timeout, wait_for_stream_ids)
        .await
        .map_err(|e| send_error(node, cql_excerpt.clone(), e))?;
    match reply.response {
        Response::Result(ResultBody::Prepared(p)) => {
            // The server dropped the statement, typically because its table changed: the
            // new answer describes the result as it is now. In v4 there is no metadata id
            // to tell a change, so the columns are always taken.
            prepared.update_result(p.result_metadata_id, p.result_metadata.columns);
            Ok(())
        }
        Response::Error(error) => Err(ExecuteError::Server {
            node,
            statement: cql_excerpt,
            error: Box::new(error),
        }),
        other => Err(ExecuteError::UnexpectedResponse {
            node,
            statement: cql_excerpt,
            detail: crate::connection::response_name(&other).to_owned(),
        }),
    }
}

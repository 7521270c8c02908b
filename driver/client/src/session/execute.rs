//! Running one request: pick nodes from the load-balancing plan, send on the least busy
//! connection, re-prepare on UNPREPARED, and consult the retry policy on failures.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use cassia_protocol::consistency::Consistency;
use cassia_protocol::frame::ProtocolVersion;
use cassia_protocol::request::{
    BatchRef, BatchStatementRef, ExecuteRef, Prepare, QueryParametersRef, QueryRef, Request,
    RequestRef, SerializedValues, ValuesRef,
};
use cassia_protocol::response::{ErrorKind, Response, ResultBody, ServerError};
use tracing::Instrument;

use super::SessionInner;
use crate::connection::{Connection, Envelope, Incoming, SendError, send_error};
use crate::error::ExecuteError;
use crate::policies::{RequestFailure, RetryDecision, RoutingInfo};
use crate::profile::ExecutionProfile;
use crate::result::{Body, QueryResult};
use crate::statement::PreparedStatement;
use crate::statement::batch::BatchEntry;
use crate::statement::options::{DEFAULT_PAGE_SIZE, StatementOptions};
use crate::statement::prepared::ResultState;

/// What to send.
#[derive(Clone, Copy)]
pub(crate) enum Work<'a> {
    Query {
        cql: &'a str,
        values: &'a SerializedValues,
    },
    Execute {
        prepared: &'a PreparedStatement,
        values: &'a SerializedValues,
    },
    Batch {
        batch: &'a crate::statement::Batch,
        values: &'a [ValuesRef<'a>],
    },
}

/// The settings resolved for one execution (statement, then profile, then session).
struct Resolved {
    consistency: Consistency,
    serial_consistency: Option<Consistency>,
    timestamp: Option<i64>,
    timeout: Duration,
    /// Wait for a free stream id rather than move on when a connection is full.
    wait_for_stream_ids: bool,
    profile: Arc<ExecutionProfile>,
}

impl SessionInner {
    fn resolve(&self, opts: &StatementOptions, timestamps: bool) -> Result<Resolved, ExecuteError> {
        let profile = match &opts.profile {
            None => self.config.default_profile.clone(),
            Some(name) => self
                .config
                .profiles
                .get(name)
                .cloned()
                .ok_or_else(|| ExecuteError::UnknownProfile(name.clone()))?,
        };
        let timestamp = match opts.timestamp {
            Some(t) => Some(t),
            None if timestamps => self.config.timestamp_generator.next_timestamp(),
            None => None,
        };
        Ok(Resolved {
            consistency: opts
                .consistency
                .or(profile.consistency)
                .unwrap_or(self.config.default_consistency),
            serial_consistency: opts.serial_consistency.or(profile.serial_consistency),
            timestamp,
            timeout: opts.request_timeout.unwrap_or(profile.request_timeout),
            wait_for_stream_ids: profile
                .wait_for_stream_ids
                .unwrap_or(self.config.wait_for_stream_ids),
            profile,
        })
    }

    /// Runs `work` with retries inside the request span (`crate::telemetry`); `statement`
    /// is the excerpt used in errors and spans.
    pub(crate) async fn run(
        &self,
        work: Work<'_>,
        opts: &StatementOptions,
        statement: &Arc<str>,
    ) -> Result<QueryResult, ExecuteError> {
        let span = super::spans::request_span(work, opts, || self.current_keyspace());
        let result = self
            .run_attempts(work, opts, statement)
            .instrument(span.clone())
            .await;
        super::spans::record_outcome(&span, &result);
        result
    }

    async fn run_attempts(
        &self,
        work: Work<'_>,
        opts: &StatementOptions,
        statement: &Arc<str>,
    ) -> Result<QueryResult, ExecuteError> {
        if self.is_closed() {
            return Err(ExecuteError::SessionClosed);
        }
        let is_read = matches!(work, Work::Query { .. } | Work::Execute { .. });
        let mut resolved = self.resolve(opts, true)?;
        let routing_key = match work {
            Work::Execute { prepared, values } => {
                super::routing::routing_key(prepared.partition_key_indexes(), values)
            }
            _ => None,
        };
        let keyspace = match work {
            Work::Execute { prepared, .. } => {
                opts.keyspace.as_deref().or(prepared.routing_keyspace())
            }
            _ => opts.keyspace.as_deref(),
        };
        let token = routing_key
            .as_deref()
            .map(cassia_protocol::token::murmur3_token);
        let topology = self.topology();
        let replicas = match (keyspace, token) {
            (Some(ks), Some(t)) => topology.token_map.replicas(ks, t),
            _ => &[],
        };
        let routing = RoutingInfo {
            keyspace,
            routing_key: routing_key.as_deref(),
            token,
            replicas,
            idempotent: opts.idempotent,
        };
        let plan = resolved
            .profile
            .load_balancing
            .plan(&routing, &topology.nodes);
        // A batch's statements as borrowed views, built once for every attempt.
        let batch_statements = match work {
            Work::Batch { batch, values } => {
                batch_statement_refs(batch, values).map_err(|detail| ExecuteError::Encode {
                    statement: statement.clone(),
                    detail,
                })?
            }
            _ => Vec::new(),
        };
        let mut errors = Vec::new();
        let mut retries = 0u32;
        // The timeout covers the whole execution, retries and re-preparing included, as the
        // Python driver's `timeout` does.
        let deadline = tokio::time::Instant::now() + resolved.timeout;
        'nodes: for node in plan {
            let Some(pool) = self.pool(node.address()) else {
                continue;
            };
            let mut reprepared = false;
            loop {
                let conn = match pool.pick() {
                    Ok(c) => c,
                    Err(source) => {
                        errors.push(ExecuteError::Connection {
                            node: pool.address(),
                            statement: statement.clone(),
                            source,
                        });
                        continue 'nodes;
                    }
                };
                let addr = conn.node();
                let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
                if remaining.is_zero() {
                    // Out of time: report what the last attempt ran into, if anything.
                    return Err(errors.pop().unwrap_or(ExecuteError::Timeout {
                        node: addr,
                        statement: statement.clone(),
                        after: resolved.timeout,
                    }));
                }
                // Read per attempt: re-preparing may have brought new result metadata.
                let result_state = match work {
                    Work::Execute { prepared, .. } => Some(prepared.result_state()),
                    _ => None,
                };
                let request = build_request(
                    work,
                    opts,
                    &resolved,
                    conn.version(),
                    result_state.as_ref(),
                    &batch_statements,
                )
                .map_err(|detail| ExecuteError::Encode {
                    statement: statement.clone(),
                    detail,
                })?;
                let envelope = Envelope::borrowed(request)
                    .with_tracing(opts.tracing)
                    .with_custom_payload(&opts.custom_payload);
                super::spans::record_attempt(&node, addr, resolved.consistency, retries);
                let span = tracing::debug_span!(
                    "request",
                    statement = %statement,
                    node = %addr,
                    stream = tracing::field::Empty
                );
                let sent = conn
                    .send_with(&envelope, remaining, resolved.wait_for_stream_ids)
                    .instrument(span)
                    .await;
                let (error, failure) = match sent {
                    Ok(incoming) => match self.on_response(incoming, work, addr, statement)? {
                        Outcome::Done(result) => return Ok(result),
                        Outcome::Unprepared(id) if !reprepared => {
                            reprepared = true;
                            let remaining =
                                deadline.saturating_duration_since(tokio::time::Instant::now());
                            let wait = resolved.wait_for_stream_ids;
                            reprepare(&conn, work, &id, remaining, wait, statement).await?;
                            continue;
                        }
                        Outcome::Unprepared(_) => {
                            return Err(ExecuteError::UnexpectedResponse {
                                node: addr,
                                statement: statement.clone(),
                                detail: "still UNPREPARED after re-preparing".into(),
                            });
                        }
                        Outcome::Failed(error, None) => return Err(error),
                        Outcome::Failed(error, Some(failure)) => (error, failure),
                    },
                    Err(SendError::Busy) => {
                        errors.push(ExecuteError::Busy { node: addr });
                        continue 'nodes;
                    }
                    // The wait used up the whole timeout: nothing was sent, no time is
                    // left for another node.
                    Err(SendError::NoStreamId(_)) => {
                        return Err(ExecuteError::StreamIdTimeout {
                            node: addr,
                            statement: statement.clone(),
                            after: resolved.timeout,
                        });
                    }
                    Err(e @ SendError::Encode(_)) => {
                        return Err(send_error(addr, statement.clone(), e));
                    }
                    Err(SendError::Timeout(_)) => (
                        ExecuteError::Timeout {
                            node: addr,
                            statement: statement.clone(),
                            after: resolved.timeout,
                        },
                        FailureKind::Request,
                    ),
                    Err(e) => (send_error(addr, statement.clone(), e), FailureKind::Request),
                };
                let failure = failure.as_request_failure(&error);
                let decision = resolved.profile.retry_policy.decide(
                    &failure,
                    retries,
                    opts.idempotent
                        || (is_read && matches!(failure, RequestFailure::ReadTimeout { .. })),
                );
                tracing::debug!(node = %addr, %error, ?decision, retries, "request failed");
                match decision {
                    RetryDecision::RetrySameNode(cl) => {
                        retries += 1;
                        if let Some(cl) = cl {
                            resolved.consistency = cl;
                        }
                    }
                    RetryDecision::RetryNextNode(cl) => {
                        retries += 1;
                        if let Some(cl) = cl {
                            resolved.consistency = cl;
                        }
                        errors.push(error);
                        continue 'nodes;
                    }
                    RetryDecision::Ignore => {
                        return Ok(QueryResult {
                            node: addr,
                            body: Body::Void,
                            paging_state: None,
                            warnings: Vec::new(),
                            tracing_id: None,
                        });
                    }
                    _ => return Err(error),
                }
            }
        }
        if errors.len() == 1
            && let Some(only) = errors.pop()
        {
            return Err(only);
        }
        Err(ExecuteError::NoNodeAvailable {
            statement: statement.clone(),
            errors,
        })
    }

    fn server_error(
        &self,
        node: SocketAddr,
        statement: &Arc<str>,
        error: ServerError,
    ) -> ExecuteError {
        ExecuteError::Server {
            node,
            statement: statement.clone(),
            error: Box::new(error),
        }
    }

    fn on_response(
        &self,
        incoming: Incoming,
        work: Work<'_>,
        node: SocketAddr,
        statement: &Arc<str>,
    ) -> Result<Outcome, ExecuteError> {
        for w in &incoming.warnings {
            tracing::warn!(%node, statement = %statement, warning = %w, "server warning");
        }
        match incoming.response {
            Response::Result(body) => {
                let (paging, cached) = match (&body, work) {
                    (ResultBody::Rows(rows), Work::Execute { prepared, .. }) => {
                        if let Some(id) = &rows.metadata.new_metadata_id {
                            prepared.update_result(Some(id.clone()), rows.metadata.columns.clone());
                        }
                        (
                            rows.metadata.paging_state.clone(),
                            Some(prepared.result_state().columns),
                        )
                    }
                    (ResultBody::Rows(rows), _) => (rows.metadata.paging_state.clone(), None),
                    _ => (None, None),
                };
                Ok(Outcome::Done(QueryResult {
                    node,
                    body: Body::from_result(body, cached),
                    paging_state: paging.map(crate::statement::PagingState),
                    warnings: incoming.warnings,
                    tracing_id: incoming.tracing_id,
                }))
            }
            Response::Error(error) => {
                if let ErrorKind::Unprepared { id } = &error.kind
                    && !matches!(work, Work::Query { .. })
                {
                    return Ok(Outcome::Unprepared(id.clone()));
                }
                let kind = FailureKind::of(&error.kind);
                Ok(Outcome::Failed(
                    self.server_error(node, statement, error),
                    kind,
                ))
            }
            other => Err(ExecuteError::UnexpectedResponse {
                node,
                statement: statement.clone(),
                detail: crate::connection::response_name(&other).to_owned(),
            }),
        }
    }
}

enum Outcome {
    Done(QueryResult),
    Unprepared(Bytes),
    Failed(ExecuteError, Option<FailureKind>),
}

/// Which retry question a failure raises (`None` from `of`: never retried).
#[derive(Clone, Copy)]
enum FailureKind {
    Server,
    Request,
}

impl FailureKind {
    fn of(kind: &ErrorKind) -> Option<FailureKind> {
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

    fn as_request_failure(self, error: &ExecuteError) -> RequestFailure<'_> {
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

fn batch_statement_refs<'a>(
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
fn build_request<'a>(
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
async fn reprepare(
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

//! One execution of a request over its query plan: send on the least busy connection of the
//! next node, re-prepare on UNPREPARED, and ask the retry policy after each failure.
//!
//! The plan is shared by every execution of the request (speculative executions race over
//! it): each takes the next node no other has taken, so "retry on the next node" and "start
//! a speculative execution" never send twice to the same node.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use bytes::Bytes;
use cassia_protocol::request::BatchStatementRef;
use cassia_protocol::response::{ErrorKind, Response, ResultBody};
use tokio::time::Instant;
use tracing::Instrument;

use super::SessionInner;
use super::execute::{Resolved, Work};
use super::request::{FailureKind, build_request, reprepare};
use crate::cluster::Node;
use crate::connection::{Envelope, Incoming, SendError, send_error};
use crate::error::ExecuteError;
use crate::policies::{QueryPlan, RequestFailure, RetryDecision};
use crate::result::{Body, QueryResult};
use crate::statement::options::StatementOptions;

/// Everything the executions of one request share.
pub(super) struct Execution<'a> {
    pub(super) session: &'a SessionInner,
    pub(super) work: Work<'a>,
    pub(super) opts: &'a StatementOptions,
    /// The excerpt used in errors and spans.
    pub(super) statement: &'a Arc<str>,
    pub(super) resolved: Resolved,
    plan: QueryPlan,
    /// Index of the next node of `plan` to hand out.
    next: AtomicUsize,
    /// A batch's statements as borrowed views, built once for every attempt.
    batch_statements: Vec<BatchStatementRef<'a>>,
    /// The timeout covers the whole request (queueing, retries, re-preparing, speculative
    /// executions), as the Python driver's `timeout` does.
    deadline: Instant,
    /// Retries made by all executions together (the span's and the metrics' count).
    retries: AtomicU32,
}

impl<'a> Execution<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        session: &'a SessionInner,
        work: Work<'a>,
        opts: &'a StatementOptions,
        statement: &'a Arc<str>,
        resolved: Resolved,
        plan: QueryPlan,
        batch_statements: Vec<BatchStatementRef<'a>>,
        deadline: Instant,
    ) -> Self {
        Execution {
            session,
            work,
            opts,
            statement,
            resolved,
            plan,
            next: AtomicUsize::new(0),
            batch_statements,
            deadline,
            retries: AtomicU32::new(0),
        }
    }

    /// Takes the next node of the plan that no execution has tried yet.
    fn next_node(&self) -> Option<Arc<Node>> {
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        self.plan.get(i).cloned()
    }

    /// Whether some node of the plan is still untried.
    pub(super) fn has_next_node(&self) -> bool {
        self.next.load(Ordering::Relaxed) < self.plan.len()
    }

    /// Runs one execution: nodes of the plan in turn until one answers, the retry policy
    /// gives up, the plan is exhausted or the deadline passes.
    pub(super) async fn run(&self) -> Result<QueryResult, ExecuteError> {
        let work = self.work;
        let statement = self.statement;
        let is_read = matches!(work, Work::Query { .. } | Work::Execute { .. });
        let mut resolved = self.resolved.clone();
        let mut errors = Vec::new();
        // This execution's retries, what the retry policy is told.
        let mut retries = 0u32;
        'nodes: while let Some(node) = self.next_node() {
            let Some(pool) = self.session.pool(node.address()) else {
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
                let remaining = self.deadline.saturating_duration_since(Instant::now());
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
                    self.opts,
                    &resolved,
                    conn.version(),
                    result_state.as_ref(),
                    &self.batch_statements,
                )
                .map_err(|detail| ExecuteError::Encode {
                    statement: statement.clone(),
                    detail,
                })?;
                let envelope = Envelope::borrowed(request)
                    .with_tracing(self.opts.tracing)
                    .with_custom_payload(&self.opts.custom_payload);
                super::spans::record_attempt(
                    &node,
                    addr,
                    resolved.consistency,
                    self.retries.load(Ordering::Relaxed),
                );
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
                    Ok(incoming) => match on_response(incoming, work, addr, statement)? {
                        Outcome::Done(result) => return Ok(result),
                        Outcome::Unprepared(id) if !reprepared => {
                            reprepared = true;
                            let remaining = self.deadline.saturating_duration_since(Instant::now());
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
                    // The connection broke with the request in flight (every request on it
                    // fails at once with the same cause): a request error, retried on the
                    // next node when the statement is idempotent.
                    Err(e) => (send_error(addr, statement.clone(), e), FailureKind::Request),
                };
                let failure = failure.as_request_failure(&error);
                let decision = resolved.profile.retry_policy.decide(
                    &failure,
                    retries,
                    self.opts.idempotent
                        || (is_read && matches!(failure, RequestFailure::ReadTimeout { .. })),
                );
                tracing::debug!(node = %addr, %error, ?decision, retries, "request failed");
                match decision {
                    RetryDecision::RetrySameNode(cl) | RetryDecision::RetryNextNode(cl) => {
                        retries += 1;
                        self.retries.fetch_add(1, Ordering::Relaxed);
                        crate::metrics::record_retry(work.kind());
                        if let Some(cl) = cl {
                            resolved.consistency = cl;
                        }
                        if matches!(decision, RetryDecision::RetryNextNode(_)) {
                            errors.push(error);
                            continue 'nodes;
                        }
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
}

enum Outcome {
    Done(QueryResult),
    Unprepared(Bytes),
    Failed(ExecuteError, Option<FailureKind>),
}

fn on_response(
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
                ExecuteError::Server {
                    node,
                    statement: statement.clone(),
                    error: Box::new(error),
                },
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

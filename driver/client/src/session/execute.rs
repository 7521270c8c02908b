//! Running one request: resolve its settings (statement, then profile, then session), wait
//! for a slot when the session throttles requests, plan the nodes, then run it over the plan
//! (`attempt`): once, or as racing executions when a speculative execution policy applies to
//! an idempotent statement (`speculative`).

use std::sync::Arc;
use std::time::Duration;

use cassia_protocol::consistency::Consistency;
use cassia_protocol::request::{SerializedValues, ValuesRef};
use tokio::time::Instant;
use tracing::Instrument;

use super::SessionInner;
use super::attempt::Execution;
use super::request::batch_statement_refs;
use crate::error::ExecuteError;
use crate::policies::RoutingInfo;
use crate::profile::ExecutionProfile;
use crate::result::QueryResult;
use crate::statement::PreparedStatement;
use crate::statement::options::StatementOptions;

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

impl Work<'_> {
    /// The request's kind as metrics label it.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Work::Query { .. } => "query",
            Work::Execute { .. } => "execute",
            Work::Batch { .. } => "batch",
        }
    }
}

/// The settings resolved for one execution (statement, then profile, then session).
#[derive(Clone)]
pub(super) struct Resolved {
    pub(super) consistency: Consistency,
    pub(super) serial_consistency: Option<Consistency>,
    pub(super) timestamp: Option<i64>,
    pub(super) timeout: Duration,
    /// Wait for a free stream id rather than move on when a connection is full.
    pub(super) wait_for_stream_ids: bool,
    pub(super) profile: Arc<ExecutionProfile>,
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

    /// Runs `work` inside the request span (`crate::telemetry`), counted by the metrics
    /// (`crate::metrics`); `statement` is the excerpt used in errors and spans.
    pub(crate) async fn run(
        &self,
        work: Work<'_>,
        opts: &StatementOptions,
        statement: &Arc<str>,
    ) -> Result<QueryResult, ExecuteError> {
        let span = super::spans::request_span(work, opts, || self.current_keyspace());
        let started = std::time::Instant::now();
        let in_flight = crate::metrics::InFlight::enter();
        let result = self
            .run_throttled(work, opts, statement)
            .instrument(span.clone())
            .await;
        drop(in_flight);
        super::spans::record_outcome(&span, &result);
        crate::metrics::record_request(work.kind(), started.elapsed(), &result);
        result
    }

    async fn run_throttled(
        &self,
        work: Work<'_>,
        opts: &StatementOptions,
        statement: &Arc<str>,
    ) -> Result<QueryResult, ExecuteError> {
        if self.is_closed() {
            return Err(ExecuteError::SessionClosed);
        }
        let resolved = self.resolve(opts, true)?;
        // The timeout covers the whole request, time spent queued for a slot included.
        let deadline = Instant::now() + resolved.timeout;
        let _slot = match &self.throttle {
            Some(throttle) => Some(
                throttle
                    .acquire(deadline, resolved.timeout, statement)
                    .await?,
            ),
            None => None,
        };
        self.run_attempts(work, opts, statement, resolved, deadline)
            .await
    }

    async fn run_attempts(
        &self,
        work: Work<'_>,
        opts: &StatementOptions,
        statement: &Arc<str>,
        resolved: Resolved,
        deadline: Instant,
    ) -> Result<QueryResult, ExecuteError> {
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
        let batch_statements = match work {
            Work::Batch { batch, values } => {
                batch_statement_refs(batch, values).map_err(|detail| ExecuteError::Encode {
                    statement: statement.clone(),
                    detail,
                })?
            }
            _ => Vec::new(),
        };
        // Never for a statement that is not idempotent: it could be applied twice.
        let speculative = resolved
            .profile
            .speculative
            .clone()
            .filter(|_| opts.idempotent);
        let execution = Execution::new(
            self,
            work,
            opts,
            statement,
            resolved,
            plan,
            batch_statements,
            deadline,
        );
        match speculative {
            None => execution.run().await,
            Some(policy) => super::speculative::race(&execution, policy.as_ref()).await,
        }
    }
}

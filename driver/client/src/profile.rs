//! Execution profiles: named bundles of consistency, timeout and policies that statements
//! select by name (as in the DataStax Python driver).

use std::sync::Arc;
use std::time::Duration;

use cassia_protocol::consistency::Consistency;

use crate::policies::{
    DcAwareRoundRobinPolicy, DefaultRetryPolicy, LoadBalancingPolicy, RetryPolicy,
    SpeculativeExecutionPolicy, TokenAwarePolicy,
};

/// Default request timeout, as in the DataStax Python driver (`Session.default_timeout`).
pub(crate) const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// How requests run: consistency, serial consistency, timeout, retry and load balancing.
///
/// The session has a default profile (built from `default_consistency` and the defaults
/// below); more are registered with `SessionBuilder::execution_profile` and chosen per
/// statement with `with_execution_profile(name)`.
#[derive(Debug, Clone)]
pub struct ExecutionProfile {
    pub(crate) consistency: Option<Consistency>,
    pub(crate) serial_consistency: Option<Consistency>,
    pub(crate) request_timeout: Duration,
    pub(crate) retry_policy: Arc<dyn RetryPolicy>,
    pub(crate) load_balancing: Arc<dyn LoadBalancingPolicy>,
    /// `None`: the session's setting (`SessionBuilder::wait_for_stream_ids`).
    pub(crate) wait_for_stream_ids: Option<bool>,
    /// `None`: no speculative executions (the default, as the Python driver).
    pub(crate) speculative: Option<Arc<dyn SpeculativeExecutionPolicy>>,
}

impl Default for ExecutionProfile {
    fn default() -> Self {
        ExecutionProfile {
            consistency: None,
            serial_consistency: None,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            retry_policy: Arc::new(DefaultRetryPolicy),
            // As the Python driver and the scylla crate: replicas first, local DC only.
            load_balancing: Arc::new(TokenAwarePolicy::new(Arc::new(
                DcAwareRoundRobinPolicy::inferred(),
            ))),
            wait_for_stream_ids: None,
            speculative: None,
        }
    }
}

impl ExecutionProfile {
    /// A profile with the defaults: session consistency, no serial consistency, 10 s
    /// timeout, [`DefaultRetryPolicy`], [`TokenAwarePolicy`] over
    /// [`DcAwareRoundRobinPolicy::inferred`] (local data centre from the first contact point).
    pub fn new() -> Self {
        Self::default()
    }

    /// Consistency for statements that do not set one.
    pub fn with_consistency(mut self, c: Consistency) -> Self {
        self.consistency = Some(c);
        self
    }

    /// Serial consistency for statements that do not set one.
    pub fn with_serial_consistency(mut self, c: Consistency) -> Self {
        self.serial_consistency = Some(c);
        self
    }

    /// Request timeout for statements that do not set one.
    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Retry policy.
    pub fn with_retry_policy(mut self, policy: Arc<dyn RetryPolicy>) -> Self {
        self.retry_policy = policy;
        self
    }

    /// Load-balancing policy.
    pub fn with_load_balancing_policy(mut self, policy: Arc<dyn LoadBalancingPolicy>) -> Self {
        self.load_balancing = policy;
        self
    }

    /// Whether a request that finds every stream id of its connection in use waits for one
    /// (up to the request timeout, then
    /// [`ExecuteError::StreamIdTimeout`](crate::error::ExecuteError::StreamIdTimeout))
    /// instead of moving on to the next node and failing with
    /// [`ExecuteError::Busy`](crate::error::ExecuteError::Busy) when none is left.
    /// Overrides `SessionBuilder::wait_for_stream_ids` for statements run with this profile.
    pub fn with_wait_for_stream_ids(mut self, wait: bool) -> Self {
        self.wait_for_stream_ids = Some(wait);
        self
    }

    /// Speculative executions for idempotent statements (default `None`: none). With a
    /// policy, a request that has no answer after the policy's delay is also sent to the
    /// next node of its query plan; the first answer wins and the others are ignored.
    /// Statements not marked idempotent (`with_idempotent(true)`) are never sent twice.
    pub fn with_speculative_execution_policy(
        mut self,
        policy: Option<Arc<dyn SpeculativeExecutionPolicy>>,
    ) -> Self {
        self.speculative = policy;
        self
    }
}

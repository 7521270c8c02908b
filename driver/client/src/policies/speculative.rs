//! Speculative execution: when an idempotent request has had no answer for a while, the
//! same request also goes to the next node of its query plan, and the first answer wins.
//!
//! It trades extra load for lower tail latency when one node is slow (a GC pause, a hot
//! partition). Sessions have none by default, as in the DataStax Python driver; set one per
//! execution profile with
//! [`ExecutionProfile::with_speculative_execution_policy`](crate::ExecutionProfile::with_speculative_execution_policy).
//! Statements that are not marked idempotent are never sent twice this way.

use std::time::Duration;

/// Decides when (and whether) another execution of a slow request starts.
pub trait SpeculativeExecutionPolicy: Send + Sync + std::fmt::Debug {
    /// Called once `started` executions are running (1: only the first) and none has
    /// answered: how long to wait, counted from the start of the latest execution, before
    /// starting another; `None` to start no more.
    fn next_execution(&self, started: u32) -> Option<Duration>;
}

/// Starts up to `max_extra` more executions, each `delay` after the previous one (the
/// DataStax drivers' `ConstantSpeculativeExecutionPolicy`).
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use cassia_driver::ExecutionProfile;
/// use cassia_driver::policies::ConstantSpeculativeExecutionPolicy;
///
/// // A second node gets the request after 50 ms without an answer, a third after 100 ms.
/// let profile = ExecutionProfile::new().with_speculative_execution_policy(Some(Arc::new(
///     ConstantSpeculativeExecutionPolicy::new(Duration::from_millis(50), 2),
/// )));
/// # let _ = profile;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ConstantSpeculativeExecutionPolicy {
    delay: Duration,
    max_extra: u32,
}

impl ConstantSpeculativeExecutionPolicy {
    /// `delay` between executions, at most `max_extra` executions besides the first.
    pub fn new(delay: Duration, max_extra: u32) -> Self {
        ConstantSpeculativeExecutionPolicy { delay, max_extra }
    }
}

impl SpeculativeExecutionPolicy for ConstantSpeculativeExecutionPolicy {
    fn next_execution(&self, started: u32) -> Option<Duration> {
        (started <= self.max_extra).then_some(self.delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_policy_allows_max_extra_executions() {
        let p = ConstantSpeculativeExecutionPolicy::new(Duration::from_millis(20), 2);
        assert_eq!(p.next_execution(1), Some(Duration::from_millis(20)));
        assert_eq!(p.next_execution(2), Some(Duration::from_millis(20)));
        assert_eq!(p.next_execution(3), None);
        let none = ConstantSpeculativeExecutionPolicy::new(Duration::from_millis(20), 0);
        assert_eq!(none.next_execution(1), None);
    }
}

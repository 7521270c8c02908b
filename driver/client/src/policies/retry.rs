//! Retry policies: what to do when a request fails with a timeout, an unavailable error or a
//! connection problem.
//!
//! [`DefaultRetryPolicy`] follows the DataStax drivers' default: at most one retry, only where
//! retrying cannot apply a write twice.

use cassia_protocol::consistency::Consistency;
use cassia_protocol::response::WriteType;

/// What the driver does after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryDecision {
    /// Send again to the same node, optionally at another consistency.
    RetrySameNode(Option<Consistency>),
    /// Send to the next node of the query plan, optionally at another consistency.
    RetryNextNode(Option<Consistency>),
    /// Return the error to the caller.
    Rethrow,
    /// Pretend it succeeded with an empty result.
    Ignore,
}

/// A failure the retry policy is asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestFailure<'a> {
    /// READ_TIMEOUT from the coordinator.
    ReadTimeout {
        /// Consistency of the request.
        consistency: Consistency,
        /// Replicas that answered.
        received: i32,
        /// Replicas required.
        block_for: i32,
        /// Whether the data replica answered.
        data_present: bool,
    },
    /// WRITE_TIMEOUT from the coordinator.
    WriteTimeout {
        /// Consistency of the request.
        consistency: Consistency,
        /// Acks received.
        received: i32,
        /// Acks required.
        block_for: i32,
        /// Kind of write.
        write_type: &'a WriteType,
    },
    /// UNAVAILABLE: not enough replicas alive to even try.
    Unavailable {
        /// Consistency of the request.
        consistency: Consistency,
        /// Replicas required.
        required: i32,
        /// Replicas alive.
        alive: i32,
    },
    /// The node could not handle the request (OVERLOADED, IS_BOOTSTRAPPING, SERVER_ERROR,
    /// TRUNCATE_ERROR) or the connection broke. The request may or may not have been
    /// applied. (The client-side request timeout is not asked about: it is the budget of the
    /// whole request, retries included, so when it fires the request ends with
    /// `ExecuteError::Timeout`; speculative execution is how a slow node is worked around.)
    RequestError,
}

/// Decides whether and where a failed request is retried.
pub trait RetryPolicy: Send + Sync + std::fmt::Debug {
    /// Called after each failure. `retry_count` is how many retries were already made;
    /// `idempotent` is the statement's flag (a non-idempotent write must not be re-sent when
    /// it may already have been applied).
    fn decide(
        &self,
        failure: &RequestFailure<'_>,
        retry_count: u32,
        idempotent: bool,
    ) -> RetryDecision;
}

/// Retries at most once, where a retry is safe:
/// * read timeout: same node, when enough replicas answered but the data replica did not;
/// * write timeout: same node, only for a `BATCH_LOG` write of an idempotent statement;
/// * unavailable: next node, once;
/// * request errors: next node, only for idempotent statements.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultRetryPolicy;

impl RetryPolicy for DefaultRetryPolicy {
    fn decide(
        &self,
        failure: &RequestFailure<'_>,
        retry_count: u32,
        idempotent: bool,
    ) -> RetryDecision {
        if retry_count > 0 {
            return RetryDecision::Rethrow;
        }
        match *failure {
            RequestFailure::ReadTimeout {
                received,
                block_for,
                data_present,
                ..
            } => {
                if received >= block_for && !data_present {
                    RetryDecision::RetrySameNode(None)
                } else {
                    RetryDecision::Rethrow
                }
            }
            RequestFailure::WriteTimeout { write_type, .. } => {
                if idempotent && *write_type == WriteType::BatchLog {
                    RetryDecision::RetrySameNode(None)
                } else {
                    RetryDecision::Rethrow
                }
            }
            RequestFailure::Unavailable { .. } => RetryDecision::RetryNextNode(None),
            RequestFailure::RequestError if idempotent => RetryDecision::RetryNextNode(None),
            RequestFailure::RequestError => RetryDecision::Rethrow,
        }
    }
}

/// Never retries: every failure goes back to the caller.
#[derive(Debug, Clone, Copy, Default)]
pub struct FallthroughRetryPolicy;

impl RetryPolicy for FallthroughRetryPolicy {
    fn decide(&self, _: &RequestFailure<'_>, _: u32, _: bool) -> RetryDecision {
        RetryDecision::Rethrow
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_timeout(received: i32, block_for: i32, data_present: bool) -> RequestFailure<'static> {
        RequestFailure::ReadTimeout {
            consistency: Consistency::Quorum,
            received,
            block_for,
            data_present,
        }
    }

    #[test]
    fn read_timeout_retries_once_when_only_data_missing() {
        let p = DefaultRetryPolicy;
        assert_eq!(
            p.decide(&read_timeout(2, 2, false), 0, false),
            RetryDecision::RetrySameNode(None)
        );
        assert_eq!(
            p.decide(&read_timeout(2, 2, false), 1, false),
            RetryDecision::Rethrow
        );
        assert_eq!(
            p.decide(&read_timeout(1, 2, false), 0, true),
            RetryDecision::Rethrow
        );
        assert_eq!(
            p.decide(&read_timeout(2, 2, true), 0, true),
            RetryDecision::Rethrow
        );
    }

    #[test]
    fn write_timeout_retries_only_idempotent_batch_log() {
        let p = DefaultRetryPolicy;
        let wt = |w: &'static WriteType| RequestFailure::WriteTimeout {
            consistency: Consistency::Quorum,
            received: 0,
            block_for: 2,
            write_type: w,
        };
        assert_eq!(
            p.decide(&wt(&WriteType::BatchLog), 0, true),
            RetryDecision::RetrySameNode(None)
        );
        assert_eq!(
            p.decide(&wt(&WriteType::BatchLog), 0, false),
            RetryDecision::Rethrow
        );
        assert_eq!(
            p.decide(&wt(&WriteType::Simple), 0, true),
            RetryDecision::Rethrow
        );
    }

    #[test]
    fn unavailable_tries_next_node_once_and_request_errors_need_idempotence() {
        let p = DefaultRetryPolicy;
        let un = RequestFailure::Unavailable {
            consistency: Consistency::All,
            required: 3,
            alive: 1,
        };
        assert_eq!(p.decide(&un, 0, false), RetryDecision::RetryNextNode(None));
        assert_eq!(p.decide(&un, 1, false), RetryDecision::Rethrow);
        assert_eq!(
            p.decide(&RequestFailure::RequestError, 0, true),
            RetryDecision::RetryNextNode(None)
        );
        assert_eq!(
            p.decide(&RequestFailure::RequestError, 0, false),
            RetryDecision::Rethrow
        );
        assert_eq!(
            FallthroughRetryPolicy.decide(&un, 0, true),
            RetryDecision::Rethrow
        );
    }
}

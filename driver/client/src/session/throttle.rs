//! Request throttling: at most `max_concurrent_requests` requests of a session run at once,
//! up to `max_queued_requests` more wait for a slot in arrival order, and the rest fail at
//! once with [`ExecuteError::Throttled`] instead of piling up in memory.
//!
//! A request holds its slot for its whole execution (retries and speculative executions
//! included) and waits in line within its request timeout, after which it fails with
//! [`ExecuteError::QueueTimeout`] without having been sent.

use std::num::NonZeroUsize;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::time::Instant;

use crate::error::ExecuteError;

/// Queue bound used when only the concurrency limit is set, as the DataStax Java driver's
/// concurrency-limiting throttler.
pub(crate) const DEFAULT_MAX_QUEUED: usize = 10_000;

/// The slots of one session.
#[derive(Debug)]
pub(crate) struct Throttle {
    /// Fair: a freed slot goes to the longest waiter, and `try_acquire` cannot jump ahead
    /// of waiters.
    slots: Semaphore,
    limit: usize,
    max_queued: usize,
    queued: AtomicUsize,
}

/// Takes a request out of the queue count however its wait ends (slot, timeout, or the
/// caller dropping the request).
struct Queued<'a>(&'a AtomicUsize);

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Throttle {
    pub(crate) fn new(limit: NonZeroUsize, max_queued: usize) -> Self {
        Throttle {
            slots: Semaphore::new(limit.get()),
            limit: limit.get(),
            max_queued,
            queued: AtomicUsize::new(0),
        }
    }

    /// A slot for one request: at once, after waiting in line until `deadline`, or an error.
    pub(crate) async fn acquire(
        &self,
        deadline: Instant,
        timeout: Duration,
        statement: &Arc<str>,
    ) -> Result<SemaphorePermit<'_>, ExecuteError> {
        if let Ok(slot) = self.slots.try_acquire() {
            return Ok(slot);
        }
        let reserved = self
            .queued
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |q| {
                (q < self.max_queued).then_some(q + 1)
            });
        if let Err(queued) = reserved {
            return Err(ExecuteError::Throttled {
                in_flight: self.limit - self.slots.available_permits(),
                queued,
            });
        }
        let _queued = Queued(&self.queued);
        tracing::debug!(statement = %statement, "waiting for a request slot");
        match tokio::time::timeout_at(deadline, self.slots.acquire()).await {
            Ok(Ok(slot)) => Ok(slot),
            // The semaphore is never closed while the session exists.
            Ok(Err(_)) => Err(ExecuteError::SessionClosed),
            Err(_) => Err(ExecuteError::QueueTimeout {
                statement: statement.clone(),
                after: timeout,
                limit: self.limit,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_queue_refuses_at_once_and_a_freed_slot_goes_to_the_waiter() {
        let throttle = Throttle::new(NonZeroUsize::MIN, 1);
        let statement: Arc<str> = Arc::from("SELECT 1");
        let far = Instant::now() + Duration::from_secs(60);
        let first = throttle
            .acquire(far, Duration::from_secs(60), &statement)
            .await
            .expect("a free slot");
        let waiter = throttle.acquire(far, Duration::from_secs(60), &statement);
        tokio::pin!(waiter);
        // Polled once: it queues.
        assert!(futures_util::FutureExt::now_or_never(waiter.as_mut()).is_none());
        let refused = throttle
            .acquire(far, Duration::from_secs(60), &statement)
            .await
            .expect_err("queue full");
        assert!(
            matches!(
                refused,
                ExecuteError::Throttled {
                    in_flight: 1,
                    queued: 1
                }
            ),
            "{refused:?}"
        );
        drop(first);
        let _second = waiter.await.expect("the freed slot");
        assert_eq!(throttle.queued.load(Ordering::SeqCst), 0);
        let soon = Instant::now() + Duration::from_millis(10);
        let timed_out = throttle
            .acquire(soon, Duration::from_millis(10), &statement)
            .await
            .expect_err("no slot in time");
        assert!(matches!(
            timed_out,
            ExecuteError::QueueTimeout { limit: 1, .. }
        ));
        assert_eq!(throttle.queued.load(Ordering::SeqCst), 0);
    }
}

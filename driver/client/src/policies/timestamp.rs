//! Client-side timestamp generators: the `USING TIMESTAMP` a write carries when the statement
//! does not set one.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Produces client timestamps (microseconds since the Unix epoch), or `None` to let the
/// server assign them.
pub trait TimestampGenerator: Send + Sync + std::fmt::Debug {
    /// The timestamp for the next request.
    fn next_timestamp(&self) -> Option<i64>;
}

/// Microseconds from the system clock, strictly increasing even when the clock stalls or
/// goes backwards (the default, as in the DataStax drivers), so two writes from one session
/// never share a timestamp.
#[derive(Debug, Default)]
pub struct MonotonicTimestampGenerator {
    last: AtomicI64,
}

impl MonotonicTimestampGenerator {
    /// A new generator.
    pub fn new() -> Self {
        Self::default()
    }

    fn now_micros() -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
    }

    fn next_after(&self, now: i64) -> i64 {
        let mut last = self.last.load(Ordering::Relaxed);
        loop {
            let next = now.max(last.saturating_add(1));
            match self
                .last
                .compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return next,
                Err(seen) => last = seen,
            }
        }
    }
}

impl TimestampGenerator for MonotonicTimestampGenerator {
    fn next_timestamp(&self) -> Option<i64> {
        Some(self.next_after(Self::now_micros()))
    }
}

/// Sends no client timestamp: the coordinator assigns one.
#[derive(Debug, Default, Clone, Copy)]
pub struct ServerTimestampGenerator;

impl TimestampGenerator for ServerTimestampGenerator {
    fn next_timestamp(&self) -> Option<i64> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monotonic_even_when_clock_stalls_or_goes_back() {
        let g = MonotonicTimestampGenerator::new();
        assert_eq!(g.next_after(1000), 1000);
        assert_eq!(g.next_after(1000), 1001);
        assert_eq!(g.next_after(500), 1002);
        assert_eq!(g.next_after(5000), 5000);
        let real = g.next_timestamp().expect("client timestamps");
        assert!(
            real > 1_600_000_000_000_000,
            "microseconds since epoch: {real}"
        );
    }
}

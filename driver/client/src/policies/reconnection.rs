//! Reconnection policies: the delays between attempts to reopen a connection to a node.

use std::time::Duration;

/// Produces, for each outage, the sequence of delays before reconnection attempts.
pub trait ReconnectionPolicy: Send + Sync + std::fmt::Debug {
    /// A fresh schedule, started when a node's connection is lost.
    fn new_schedule(&self) -> Box<dyn Iterator<Item = Duration> + Send>;
}

/// Delays doubling from `base` up to `max` (the default: 1 s to 10 minutes, as in the
/// DataStax drivers).
#[derive(Debug, Clone, Copy)]
pub struct ExponentialReconnectionPolicy {
    base: Duration,
    max: Duration,
}

impl ExponentialReconnectionPolicy {
    /// Starts at `base`, doubles each attempt, never waits more than `max`.
    pub fn new(base: Duration, max: Duration) -> Self {
        ExponentialReconnectionPolicy {
            base,
            max: max.max(base),
        }
    }
}

impl Default for ExponentialReconnectionPolicy {
    fn default() -> Self {
        ExponentialReconnectionPolicy::new(Duration::from_secs(1), Duration::from_secs(600))
    }
}

impl ReconnectionPolicy for ExponentialReconnectionPolicy {
    fn new_schedule(&self) -> Box<dyn Iterator<Item = Duration> + Send> {
        let (base, max) = (self.base, self.max);
        Box::new((0u32..).map(move |attempt| {
            let factor = 1u32.checked_shl(attempt.min(31)).unwrap_or(u32::MAX);
            base.checked_mul(factor).map_or(max, |d| d.min(max))
        }))
    }
}

/// The same delay before every attempt.
#[derive(Debug, Clone, Copy)]
pub struct ConstantReconnectionPolicy {
    delay: Duration,
}

impl ConstantReconnectionPolicy {
    /// Waits `delay` before each attempt.
    pub fn new(delay: Duration) -> Self {
        ConstantReconnectionPolicy { delay }
    }
}

impl ReconnectionPolicy for ConstantReconnectionPolicy {
    fn new_schedule(&self) -> Box<dyn Iterator<Item = Duration> + Send> {
        Box::new(std::iter::repeat(self.delay))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponential_doubles_and_caps() {
        let p =
            ExponentialReconnectionPolicy::new(Duration::from_millis(100), Duration::from_secs(1));
        let got: Vec<u128> = p.new_schedule().take(6).map(|d| d.as_millis()).collect();
        assert_eq!(got, vec![100, 200, 400, 800, 1000, 1000]);
        let far = p.new_schedule().nth(100).expect("infinite schedule");
        assert_eq!(far, Duration::from_secs(1));
    }
}

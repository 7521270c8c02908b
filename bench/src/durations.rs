//! Percentiles of measured durations and how the reports print them, shared by the modes
//! that time single operations (vector search, migrations).

use std::time::Duration;

/// The `p` percentile (0.0 to 1.0) of `sorted` by nearest rank; zero when empty.
pub(crate) fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = (sorted.len().saturating_sub(1) as f64 * p).round() as usize;
    sorted
        .get(i.min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default()
}

/// `d` in milliseconds with `decimals` digits after the point: `1.25 ms`.
pub(crate) fn ms(d: Duration, decimals: usize) -> String {
    format!("{:.*} ms", decimals, d.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_and_empty() {
        let v: Vec<Duration> = (1..=5).map(Duration::from_millis).collect();
        assert_eq!(pct(&v, 0.5), Duration::from_millis(3));
        assert_eq!(pct(&v, 0.99), Duration::from_millis(5));
        assert_eq!(pct(&v, 0.0), Duration::from_millis(1));
        assert_eq!(pct(&[], 0.5), Duration::ZERO);
    }

    #[test]
    fn milliseconds_with_chosen_precision() {
        assert_eq!(ms(Duration::from_micros(1250), 2), "1.25 ms");
        assert_eq!(ms(Duration::from_micros(1250), 1), "1.2 ms");
    }
}

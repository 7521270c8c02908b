//! What the in-process measurement modes (vector search, migrations, cluster) share: the
//! runtime they measure on, percentiles of measured durations and how reports print them.

use std::future::Future;
use std::time::Duration;

/// Runs a mode's `measure` future (which returns its Markdown section) on a 2-worker
/// runtime of its own.
pub(crate) fn run_section(
    measure: impl Future<Output = Result<String, String>>,
) -> Result<String, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(measure)
}

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

//! Medians, ranges and the per-pair throughput ratios the report is built on.
//!
//! Ratios are taken within a pair (two adjacent trials in A B B A order), so slow drift of
//! the shared machine cancels out; a pair where either trial errored or saturated the
//! responder contributes no ratio.

use crate::trial::Trial;

/// Median of `values` (mean of the two middle ones for an even count); `None` if empty.
pub(crate) fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v.get(mid).copied()
    } else {
        Some((v.get(mid - 1)? + v.get(mid)?) / 2.0)
    }
}

/// Median, minimum and maximum of a set of ratios.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RatioSummary {
    /// Median.
    pub(crate) median: f64,
    /// Smallest.
    pub(crate) min: f64,
    /// Largest.
    pub(crate) max: f64,
    /// Number of pairs that contributed.
    pub(crate) n: usize,
}

/// Summarises ratios; `None` if there are none.
pub(crate) fn summarize(ratios: &[f64]) -> Option<RatioSummary> {
    let med = median(ratios)?;
    let finite = ratios.iter().copied().filter(|x| x.is_finite());
    let min = finite.clone().fold(f64::INFINITY, f64::min);
    let max = finite.fold(f64::NEG_INFINITY, f64::max);
    Some(RatioSummary {
        median: med,
        min,
        max,
        n: ratios.iter().filter(|x| x.is_finite()).count(),
    })
}

/// Throughput ratios `a / b`, one per pair where both ran cleanly without saturating the
/// responder. `pairs[i]` holds the trials of pair `i`.
pub(crate) fn pair_ratios(pairs: &[Vec<Trial>], a: &str, b: &str) -> Vec<f64> {
    pairs
        .iter()
        .filter_map(|trials| {
            let find = |name: &str| {
                trials
                    .iter()
                    .find(|t| t.client == name && !t.responder_saturated())
                    .and_then(Trial::measured)
                    .map(|m| m.ops_per_sec())
            };
            let (x, y) = (find(a)?, find(b)?);
            (y > 0.0).then_some(x / y)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trial::{Measured, TrialOutcome};

    fn trial(client: &'static str, ops: u64, util: f64) -> Trial {
        Trial {
            client,
            outcome: TrialOutcome::Ran(Measured {
                ops,
                secs: 1.0,
                ..Measured::default()
            }),
            responder_util: Some(util),
        }
    }

    #[test]
    fn median_odd_even_and_empty() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[f64::NAN, 5.0]), Some(5.0));
    }

    #[test]
    fn summary_has_range() {
        let s = summarize(&[1.2, 0.8, 1.0]).expect("non-empty");
        assert_eq!((s.median, s.min, s.max, s.n), (1.0, 0.8, 1.2, 3));
        assert_eq!(summarize(&[]), None);
    }

    #[test]
    fn ratios_skip_saturated_failed_and_missing() {
        let pairs = vec![
            vec![trial("cassia", 200, 0.3), trial("scylla", 100, 0.3)],
            // Responder saturated on the scylla trial: left out.
            vec![trial("scylla", 100, 0.95), trial("cassia", 150, 0.3)],
            vec![
                trial("cassia", 300, 0.3),
                Trial {
                    client: "scylla",
                    outcome: TrialOutcome::Skipped("v5".into()),
                    responder_util: None,
                },
            ],
            vec![trial("scylla", 100, 0.2), trial("cassia", 50, 0.2)],
        ];
        assert_eq!(pair_ratios(&pairs, "cassia", "scylla"), vec![2.0, 0.5]);
        let s = summarize(&pair_ratios(&pairs, "cassia", "scylla")).expect("two ratios");
        assert_eq!((s.median, s.min, s.max), (1.25, 0.5, 2.0));
    }
}

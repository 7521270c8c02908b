//! The Markdown report: one row per client per case (medians over pairs), then the
//! Cassia/x pair-ratio table, the responder's headroom and every skip with its reason.

use std::fmt::Write as _;

use crate::runner::CaseResult;
use crate::stats::{self, RatioSummary};
use crate::trial::{Trial, TrialOutcome};

/// Versions and settings printed at the top of the report.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    /// Report title suffix (timestamp).
    pub(crate) stamp: String,
    /// Mode (`smoke`, `quick`, `full`).
    pub(crate) mode: String,
    /// Free-form lines (versions, pinning, timing).
    pub(crate) lines: Vec<String>,
}

/// One client's medians for one case.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ClientRow {
    /// Client name.
    pub(crate) client: &'static str,
    /// Median ops/s.
    pub(crate) ops: Option<f64>,
    /// Median p50 (µs).
    pub(crate) p50: Option<f64>,
    /// Median p99 (µs).
    pub(crate) p99: Option<f64>,
    /// Median CPU seconds per 100k ops.
    pub(crate) cpu_100k: Option<f64>,
    /// Median CPU ns per row.
    pub(crate) ns_row: Option<f64>,
    /// Largest peak RSS (MiB).
    pub(crate) rss_mib: Option<f64>,
    /// Median allocations per op.
    pub(crate) allocs: Option<f64>,
    /// Median responder utilisation.
    pub(crate) responder: Option<f64>,
    /// Skips, failures, errors and saturation.
    pub(crate) notes: Vec<String>,
}

/// Aggregates the trials of `client` in `result`.
pub(crate) fn client_row(result: &CaseResult, client: &'static str) -> ClientRow {
    let trials: Vec<&Trial> = result
        .pairs
        .iter()
        .flatten()
        .filter(|t| t.client == client)
        .collect();
    let mut row = ClientRow {
        client,
        ..ClientRow::default()
    };
    let ran: Vec<_> = trials.iter().filter_map(|t| t.measured()).collect();
    let med = |f: &dyn Fn(&crate::trial::Measured) -> Option<f64>| {
        stats::median(&ran.iter().filter_map(|m| f(m)).collect::<Vec<_>>())
    };
    let rows_per_op = result.case.workload.rows_per_op() as f64;
    row.ops = med(&|m| Some(m.ops_per_sec()));
    row.p50 = med(&|m| Some(m.p50_us as f64));
    row.p99 = med(&|m| Some(m.p99_us as f64));
    row.cpu_100k = med(&|m| m.cpu_per_100k());
    row.ns_row = med(&|m| m.cpu_per_100k().map(|s| s * 1e9 / 100_000.0 / rows_per_op));
    row.allocs = med(&|m| m.allocs_per_op());
    row.rss_mib = ran
        .iter()
        .filter_map(|m| m.rss_kib)
        .max()
        .map(|k| k as f64 / 1024.0);
    row.responder = stats::median(
        &trials
            .iter()
            .filter_map(|t| t.responder_util)
            .collect::<Vec<_>>(),
    );
    let saturated = trials.iter().filter(|t| t.responder_saturated()).count();
    if saturated > 0 {
        row.notes.push(format!(
            "responder saturated in {saturated} trial(s), excluded from ratios"
        ));
    }
    for t in &trials {
        let note = match &t.outcome {
            TrialOutcome::Skipped(r) => format!("skipped: {r}"),
            TrialOutcome::Failed(r) => format!("failed: {r}"),
            TrialOutcome::Ran(m) if m.errors > 0 => {
                format!("{} errors: {}", m.errors, m.error.as_deref().unwrap_or("?"))
            }
            TrialOutcome::Ran(m) if m.ops == 0 => "no operation completed".to_string(),
            TrialOutcome::Ran(_) => continue,
        };
        if !row.notes.contains(&note) {
            row.notes.push(note);
        }
    }
    row
}

fn num(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "–".to_string(), |x| format!("{x:.decimals$}"))
}

fn ratio(s: Option<RatioSummary>) -> String {
    s.map_or_else(
        || "–".to_string(),
        |s| format!("{:.2} ({:.2}–{:.2}, n={})", s.median, s.min, s.max, s.n),
    )
}

/// Renders the whole report.
pub(crate) fn render(header: &Header, clients: &[&'static str], results: &[CaseResult]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# cassia-bench {} ({})\n", header.stamp, header.mode);
    for l in &header.lines {
        let _ = writeln!(out, "- {l}");
    }
    let _ = writeln!(
        out,
        "\n## Per client (medians over pairs)\n\n\
         | case | client | ops/s | p50 µs | p99 µs | CPU s/100k ops | CPU ns/row | peak RSS MiB | allocs/op | responder CPU | notes |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    );
    for r in results {
        for &c in clients {
            let row = client_row(r, c);
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                r.case,
                c,
                num(row.ops, 0),
                num(row.p50, 0),
                num(row.p99, 0),
                num(row.cpu_100k, 2),
                num(row.ns_row, 0),
                num(row.rss_mib, 1),
                num(row.allocs, 1),
                row.responder
                    .map_or("–".into(), |u| format!("{:.0}%", u * 100.0)),
                row.notes.join("; ").replace('|', "/"),
            );
        }
    }
    let _ = writeln!(
        out,
        "\n## Throughput ratios per pair: median (min–max, pairs)\n\n\
         | case | Cassia/scylla | Cassia/Python | Cassia/raw |\n|---|---|---|---|"
    );
    for r in results {
        let s = |b| stats::summarize(&stats::pair_ratios(&r.pairs, "cassia", b));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            r.case,
            ratio(s("scylla")),
            ratio(s("python")),
            ratio(s("raw"))
        );
    }
    let _ = writeln!(
        out,
        "\n## Responder headroom\n\n\
         Utilisation = responder thread CPU / window. Headroom = 1 / utilisation, for the fastest \
         driver client of each case (the raw client is shown apart: it is as cheap as the responder, \
         so it may legitimately come close to the responder's limit).\n"
    );
    for r in results {
        let best = |raw: bool| {
            r.pairs
                .iter()
                .flatten()
                .filter(|t| (t.client == "raw") == raw)
                .filter_map(|t| Some((t.measured()?.ops_per_sec(), t.responder_util?, t.client)))
                .max_by(|a, b| a.0.total_cmp(&b.0))
        };
        let mut line = format!("- {}:", r.case);
        if let Some((ops, util, client)) = best(false) {
            let headroom = if util > 0.0 {
                1.0 / util
            } else {
                f64::INFINITY
            };
            let verdict = if headroom >= 2.0 {
                "≥ 2×, ok"
            } else {
                "BELOW 2×: ratios in this case are bounded by the responder"
            };
            let _ = write!(
                line,
                " fastest driver {client} drove {ops:.0} ops/s using {:.0}% of the responder's core, \
                 headroom {headroom:.1}× ({verdict}, responder capacity ≈ {:.0} ops/s);",
                util * 100.0,
                ops * headroom
            );
        }
        if let Some((ops, util, _)) = best(true) {
            let _ = write!(line, " raw drove {ops:.0} ops/s at {:.0}%", util * 100.0);
        }
        let _ = writeln!(out, "{line}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trial::Measured;
    use crate::workload::{Case, Setting, Workload};

    fn ran(client: &'static str, ops: u64, util: f64) -> Trial {
        Trial {
            client,
            outcome: TrialOutcome::Ran(Measured {
                ops,
                secs: 1.0,
                p50_us: 100,
                p99_us: 900,
                cpu_ms: Some(500),
                rss_kib: Some(10 * 1024),
                allocs: Some(ops * 3),
                errors: 0,
                error: None,
            }),
            responder_util: Some(util),
        }
    }

    fn sample() -> Vec<CaseResult> {
        let case = Case {
            workload: Workload::Page,
            inflight: 16,
            setting: Setting {
                version: 5,
                lz4: true,
            },
        };
        vec![CaseResult {
            case,
            pairs: vec![
                vec![
                    ran("cassia", 2000, 0.3),
                    ran("raw", 4000, 0.40),
                    Trial {
                        client: "python",
                        outcome: TrialOutcome::Skipped("no venv".into()),
                        responder_util: None,
                    },
                ],
                vec![ran("raw", 3900, 0.95), ran("cassia", 1000, 0.3)],
            ],
        }]
    }

    #[test]
    fn table_rows_ratios_and_notes() {
        let header = Header {
            stamp: "20260101T000000Z".into(),
            mode: "quick".into(),
            lines: vec!["scylla 1.9.0".into()],
        };
        let md = render(&header, &["cassia", "python", "raw"], &sample());
        assert!(
            md.contains("# cassia-bench 20260101T000000Z (quick)"),
            "{md}"
        );
        assert!(md.contains("- scylla 1.9.0"));
        // cassia: median of 2000 and 1000 ops/s; CPU 0.5 s per 2000 / 1000 ops -> 25 / 50 s per 100k.
        assert!(
            md.contains("| page1000@16 v5 lz4 | cassia | 1500 | 100 | 900 | 37.50 | 375 | 10.0 | 3.0 | 30% |  |"),
            "{md}"
        );
        assert!(md.contains("| page1000@16 v5 lz4 | python | – |"), "{md}");
        assert!(md.contains("skipped: no venv"), "{md}");
        assert!(md.contains("responder saturated in 1 trial(s)"), "{md}");
        // Only pair 0 counts for Cassia/raw (pair 1's raw trial saturated the responder).
        assert!(
            md.contains("| page1000@16 v5 lz4 | – | – | 0.50 (0.50–0.50, n=1) |"),
            "{md}"
        );
        assert!(
            md.contains(
                "- page1000@16 v5 lz4: fastest driver cassia drove 2000 ops/s using 30% of the \
                 responder's core, headroom 3.3× (≥ 2×, ok, responder capacity ≈ 6667 ops/s); raw drove 4000 ops/s at 40%"
            ),
            "{md}"
        );
    }
}

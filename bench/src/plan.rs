//! What a run measures: the three modes (smoke, quick, full) and the options that adjust them.

use std::time::Duration;

use crate::clients::{ClientKind, Timing};
use crate::runner::Plan;
use crate::workload::{Case, Setting, Workload};

/// Run mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Every client, one 1-second trial of one case (what CI runs).
    Smoke,
    /// A small subset, 1-second trials, one pair.
    Quick,
    /// The whole matrix, 5 pairs per case.
    Full,
}

/// The plan for `mode`, adjusted by the command-line options in `args`.
pub(crate) fn plan_for(mode: Mode, args: &[String]) -> Result<Plan, String> {
    let get = |name: &str| {
        let p = format!("--{name}=");
        args.iter()
            .find_map(|a| a.strip_prefix(&p).map(str::to_string))
    };
    let ms = |name: &str, default: u64| -> Result<Duration, String> {
        get(name).map_or(Ok(Duration::from_millis(default)), |v| {
            // At most an hour: keeps every deadline computation far from overflow.
            v.parse::<u64>()
                .ok()
                .filter(|ms| *ms <= 3_600_000)
                .map(Duration::from_millis)
                .ok_or_else(|| format!("--{name} must be milliseconds (at most 3600000)"))
        })
    };
    let (cases, pairs, measure, warmup) = match mode {
        Mode::Smoke => (
            vec![Case {
                workload: Workload::Insert,
                inflight: 64,
                setting: Setting {
                    version: 4,
                    lz4: false,
                },
            }],
            1,
            1000,
            300,
        ),
        Mode::Quick => {
            let settings = [
                Setting {
                    version: 4,
                    lz4: false,
                },
                Setting {
                    version: 5,
                    lz4: true,
                },
            ];
            let picks = [
                (Workload::Insert, 64),
                (Workload::Select, 64),
                (Workload::Page, 16),
                (Workload::Batch, 16),
                (Workload::Blob256k, 16),
            ];
            let cases = settings
                .iter()
                .flat_map(|s| {
                    picks.iter().map(|&(workload, inflight)| Case {
                        workload,
                        inflight,
                        setting: *s,
                    })
                })
                .collect();
            (cases, 1, 1000, 300)
        }
        Mode::Full => {
            let cases = Setting::ALL
                .iter()
                .flat_map(|s| {
                    Workload::ALL.iter().flat_map(move |w| {
                        w.inflight_levels().iter().map(move |&inflight| Case {
                            workload: *w,
                            inflight,
                            setting: *s,
                        })
                    })
                })
                .collect();
            (cases, 5, 3000, 1000)
        }
    };
    // `--only=TEXT` keeps the cases whose name contains TEXT (e.g. `@1024`, `v5 lz4`, `page`).
    let cases: Vec<Case> = match get("only") {
        Some(only) => cases
            .into_iter()
            .filter(|c| c.to_string().contains(&only))
            .collect(),
        None => cases,
    };
    if cases.is_empty() {
        return Err("--only matched no case".into());
    }
    let clients = match get("clients") {
        Some(list) => list
            .split(',')
            .map(|c| ClientKind::parse(c.trim()).ok_or_else(|| format!("unknown client {c}")))
            .collect::<Result<Vec<_>, _>>()?,
        None => ClientKind::ALL.to_vec(),
    };
    let pairs = match get("pairs") {
        Some(p) => p
            .parse()
            .map_err(|_| "--pairs must be a number".to_string())?,
        None => pairs,
    };
    Ok(Plan {
        cases,
        pairs,
        timing: Timing {
            warmup: ms("warmup-ms", warmup)?,
            measure: ms("trial-ms", measure)?,
            rate: match get("rate") {
                Some(r) => Some(
                    r.parse::<f64>()
                        .ok()
                        .filter(|r| r.is_finite() && *r >= 1.0)
                        .ok_or("--rate must be operations per second (at least 1)")?,
                ),
                None => None,
            },
        },
        clients,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_cover_the_promised_matrix() {
        let full = plan_for(Mode::Full, &[]).expect("full");
        // insert and select at 1/64/1024, four others at 16, on four settings.
        assert_eq!(full.cases.len(), (3 + 3 + 4) * 4);
        assert_eq!(full.pairs, 5);
        assert_eq!(full.clients, ClientKind::ALL.to_vec());
        let quick = plan_for(Mode::Quick, &[]).expect("quick");
        assert_eq!(
            (quick.cases.len(), quick.pairs, quick.timing.measure),
            (10, 1, Duration::from_secs(1))
        );
        let smoke = plan_for(Mode::Smoke, &["--clients=raw,python".to_string()]).expect("smoke");
        assert_eq!(smoke.cases.len(), 1);
        assert_eq!(smoke.clients, vec![ClientKind::Raw, ClientKind::Python]);
        assert!(plan_for(Mode::Smoke, &["--clients=java".to_string()]).is_err());
        let only = plan_for(Mode::Full, &["--only=@1024".to_string()]).expect("filtered");
        assert_eq!(only.cases.len(), 2 * 4);
        assert!(only.cases.iter().all(|c| c.inflight == 1024));
        assert!(plan_for(Mode::Full, &["--only=nothing".to_string()]).is_err());
        assert!(plan_for(Mode::Quick, &["--trial-ms=99999999999".to_string()]).is_err());
    }
}

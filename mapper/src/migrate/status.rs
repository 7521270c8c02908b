//! Files against history: the status of every migration (`info`), the problems that stop
//! a run (`validate`), and the statements a run would send (`run --dry-run`). Pure
//! functions of the two inputs, so every rule is unit-tested without a cluster.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::history::{HistoryRecord, RecordState};
use super::{MigrateError, Migration, MigrationSet};

/// Where one migration stands.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MigrationStatus {
    /// Applied, and the file still matches.
    Applied,
    /// Adopted by `baseline` (never run by cassia).
    Baseline,
    /// Not applied yet.
    Pending,
    /// Not applied, and older than the newest applied migration.
    OutOfOrder,
    /// Applied, but the file changed since (checksum differs).
    Edited,
    /// Failed at this 1-based statement; blocked until the file is fixed or repaired.
    Failed {
        /// The statement that failed.
        statement: usize,
        /// Whether the file changed since the failure (the next run resumes).
        fixed: bool,
    },
    /// Started and not finished: another runner is applying it, or one died (the next run
    /// resumes after `done` statements).
    Running {
        /// Statements applied.
        done: usize,
    },
    /// In the history, but its file is gone.
    Missing,
}

impl MigrationStatus {
    /// A short lowercase label (`applied`, `pending`, `edited`, ...), as in `--format json`.
    pub fn label(&self) -> &'static str {
        match self {
            MigrationStatus::Applied => "applied",
            MigrationStatus::Baseline => "baseline",
            MigrationStatus::Pending => "pending",
            MigrationStatus::OutOfOrder => "out-of-order",
            MigrationStatus::Edited => "edited",
            MigrationStatus::Failed { .. } => "failed",
            MigrationStatus::Running { .. } => "running",
            MigrationStatus::Missing => "missing",
        }
    }
}

/// One line of `migrate info`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MigrationInfo {
    /// Version.
    pub version: u64,
    /// Name.
    pub name: String,
    /// The up file, when it exists.
    pub file: Option<String>,
    /// Status.
    pub status: MigrationStatus,
    /// Statements in the file (or as recorded, for a missing file).
    pub statements: usize,
    /// When it was applied (or last progressed).
    pub applied_at: Option<DateTime<Utc>>,
    /// Who applied it.
    pub applied_by: Option<String>,
    /// Time spent applying it.
    pub execution_ms: Option<i64>,
    /// The recorded error of a failed migration.
    pub error: Option<String>,
    /// Checksum of the file.
    pub checksum: Option<String>,
    /// Checksum recorded when it was applied.
    pub applied_checksum: Option<String>,
}

/// Every migration's status, in version order (files and history merged).
pub(crate) fn infos(
    set: &MigrationSet,
    history: &BTreeMap<u64, HistoryRecord>,
) -> Vec<MigrationInfo> {
    let latest = latest_applied(history);
    let mut out = Vec::new();
    let mut versions: Vec<u64> = set.iter().map(|m| m.version).collect();
    versions.extend(history.keys().copied());
    versions.sort_unstable();
    versions.dedup();
    for v in versions {
        let file = set.get(v);
        let rec = history.get(&v);
        let status = status_of(file, rec, latest);
        out.push(MigrationInfo {
            version: v,
            name: file
                .map(|m| m.name.clone())
                .or_else(|| rec.map(|r| r.name.clone()))
                .unwrap_or_default(),
            file: file.map(|m| m.up.file.clone()),
            statements: file
                .map(|m| m.up.statements.len())
                .or_else(|| rec.map(|r| r.statements_total))
                .unwrap_or(0),
            applied_at: rec.and_then(|r| r.applied_at),
            applied_by: rec.map(|r| r.applied_by.clone()),
            execution_ms: rec.map(|r| r.execution_ms),
            error: rec.and_then(|r| r.error.clone()),
            checksum: file.map(|m| m.up.checksum.clone()),
            applied_checksum: rec.map(|r| r.checksum.clone()),
            status,
        });
    }
    out
}

fn latest_applied(history: &BTreeMap<u64, HistoryRecord>) -> Option<u64> {
    history.keys().next_back().copied()
}

fn status_of(
    file: Option<&Migration>,
    rec: Option<&HistoryRecord>,
    latest: Option<u64>,
) -> MigrationStatus {
    match (file, rec) {
        (None, _) => MigrationStatus::Missing,
        (Some(m), None) => {
            if latest.is_some_and(|l| l > m.version) {
                MigrationStatus::OutOfOrder
            } else {
                MigrationStatus::Pending
            }
        }
        (Some(m), Some(r)) => match r.state {
            RecordState::Applied if r.checksum != m.up.checksum => MigrationStatus::Edited,
            RecordState::Applied if r.kind == "baseline" => MigrationStatus::Baseline,
            RecordState::Applied => MigrationStatus::Applied,
            RecordState::Failed => MigrationStatus::Failed {
                statement: r.statements_done + 1,
                fixed: r.checksum != m.up.checksum,
            },
            RecordState::Running => MigrationStatus::Running {
                done: r.statements_done,
            },
        },
    }
}

/// One migration a run applies: from which statement, and whether it was interrupted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlannedMigration {
    /// Version.
    pub version: u64,
    /// Name.
    pub name: String,
    /// The up file.
    pub file: String,
    /// Statements already applied (the run starts after them).
    pub resume_at: usize,
    /// Statements in the file.
    pub total: usize,
    /// A runner died while applying it (its next statement may already have taken effect).
    pub interrupted: bool,
    /// The statements still to run, `(1-based index, line, CQL)`.
    pub statements: Vec<(usize, u32, String)>,
}

/// The migrations a run applies, in order, after checking every rule that stops a run:
/// edited applied files, unfixed failures, edited applied prefixes, out-of-order files.
pub(crate) fn plan(
    set: &MigrationSet,
    history: &BTreeMap<u64, HistoryRecord>,
    target: Option<u64>,
    allow_out_of_order: bool,
) -> Result<Vec<PlannedMigration>, MigrateError> {
    if let Some(t) = target
        && set.get(t).is_none()
        && !history.contains_key(&t)
    {
        return Err(MigrateError::UnknownVersion { version: t });
    }
    let mut drift = Vec::new();
    for m in set.iter() {
        if let Some(r) = history.get(&m.version)
            && r.state == RecordState::Applied
            && r.checksum != m.up.checksum
        {
            drift.push(format!("{} ({})", m.version, m.up.file));
        }
    }
    if !drift.is_empty() {
        return Err(MigrateError::Drift { migrations: drift });
    }
    let latest = history
        .iter()
        .filter(|(_, r)| r.state == RecordState::Applied)
        .map(|(v, _)| *v)
        .next_back();
    let mut out_of_order = Vec::new();
    let mut planned = Vec::new();
    for m in set.iter() {
        if target.is_some_and(|t| m.version > t) {
            break;
        }
        let (resume_at, interrupted) = match history.get(&m.version) {
            Some(r) if r.state == RecordState::Applied => continue,
            Some(r) if r.state == RecordState::Failed && r.checksum == m.up.checksum => {
                return Err(MigrateError::Blocked {
                    version: m.version,
                    file: m.up.file.clone(),
                    statement: r.statements_done + 1,
                    error: r.error.clone().unwrap_or_else(|| "unknown error".into()),
                });
            }
            Some(r) => {
                check_prefix(m, r)?;
                (r.statements_done, r.state == RecordState::Running)
            }
            None => {
                if latest.is_some_and(|l| l > m.version) {
                    out_of_order.push(format!("{} ({})", m.version, m.up.file));
                }
                (0, false)
            }
        };
        planned.push(PlannedMigration {
            version: m.version,
            name: m.name.clone(),
            file: m.up.file.clone(),
            resume_at,
            total: m.up.statements.len(),
            interrupted,
            statements: m
                .up
                .statements
                .iter()
                .enumerate()
                .skip(resume_at)
                .map(|(i, s)| (i + 1, s.line, s.cql.clone()))
                .collect(),
        });
    }
    if !out_of_order.is_empty() && !allow_out_of_order {
        return Err(MigrateError::OutOfOrder {
            versions: out_of_order,
            latest: latest.unwrap_or(0),
        });
    }
    Ok(planned)
}

/// A partly applied migration may only continue if the statements it already applied
/// are unchanged.
fn check_prefix(m: &Migration, r: &HistoryRecord) -> Result<(), MigrateError> {
    for i in 0..r.statements_done {
        let file = m.up.statements.get(i);
        let same = match (file, r.statement_checksums.get(i)) {
            (Some(s), Some(recorded)) => &s.checksum == recorded,
            _ => false,
        };
        if !same {
            return Err(MigrateError::PrefixEdited {
                version: m.version,
                file: m.up.file.clone(),
                done: r.statements_done,
                changed: i + 1,
                line: file.map_or(0, |s| s.line),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(files: &[(u64, &str)]) -> MigrationSet {
        let ms = files
            .iter()
            .map(|(v, up)| Migration::from_texts(*v, &format!("m{v}"), up, None).expect("valid"))
            .collect();
        MigrationSet::new(ms).expect("unique")
    }

    fn rec(m: &Migration, state: RecordState, done: usize) -> HistoryRecord {
        HistoryRecord {
            version: m.version,
            name: m.name.clone(),
            checksum: m.up.checksum.clone(),
            state,
            statements_done: done,
            statements_total: m.up.statements.len(),
            statement_checksums: m.up.statements[..done]
                .iter()
                .map(|s| s.checksum.clone())
                .collect(),
            applied_at: None,
            applied_by: "test".into(),
            execution_ms: 1,
            error: (state == RecordState::Failed).then(|| "boom".into()),
            kind: "migration".into(),
        }
    }

    const TWO: &str = "CREATE TABLE a (k int PRIMARY KEY); CREATE TABLE b (k int PRIMARY KEY);";

    #[test]
    fn pending_after_applied_and_target() {
        let s = set(&[
            (1, TWO),
            (2, "CREATE TABLE c (k int PRIMARY KEY)"),
            (3, "DROP TABLE c"),
        ]);
        let h = BTreeMap::from([(1, rec(&s.as_slice()[0], RecordState::Applied, 2))]);
        let p = plan(&s, &h, None, false).expect("plan");
        assert_eq!(p.iter().map(|m| m.version).collect::<Vec<_>>(), vec![2, 3]);
        let p = plan(&s, &h, Some(2), false).expect("plan");
        assert_eq!(p.len(), 1);
        assert!(matches!(
            plan(&s, &h, Some(9), false),
            Err(MigrateError::UnknownVersion { version: 9 })
        ));
    }

    #[test]
    fn edited_applied_file_is_drift_but_crlf_is_not() {
        let s = set(&[(1, TWO)]);
        let mut r = rec(&s.as_slice()[0], RecordState::Applied, 2);
        let crlf = set(&[(1, &TWO.replace(';', ";\r\n  -- note\r\n"))]);
        assert!(
            plan(&crlf, &BTreeMap::from([(1, r.clone())]), None, false)
                .expect("ok")
                .is_empty()
        );
        r.checksum = "0".repeat(64);
        let err = plan(&s, &BTreeMap::from([(1, r.clone())]), None, false).expect_err("refused");
        assert!(matches!(err, MigrateError::Drift { .. }), "{err}");
        let info = infos(&s, &BTreeMap::from([(1, r)]));
        assert_eq!(info[0].status, MigrationStatus::Edited);
    }

    #[test]
    fn failed_blocks_until_fixed_and_resumes_at_the_failed_statement() {
        let s = set(&[(1, TWO), (2, "CREATE TABLE z (k int PRIMARY KEY)")]);
        let h = BTreeMap::from([(1, rec(&s.as_slice()[0], RecordState::Failed, 1))]);
        let err = plan(&s, &h, None, false).expect_err("refused");
        assert!(
            matches!(
                err,
                MigrateError::Blocked {
                    version: 1,
                    statement: 2,
                    ..
                }
            ),
            "{err}"
        );
        // Fix the second statement: the run resumes at it.
        let fixed = set(&[
            (
                1,
                "CREATE TABLE a (k int PRIMARY KEY); CREATE TABLE b2 (k int PRIMARY KEY);",
            ),
            (2, "CREATE TABLE z (k int PRIMARY KEY)"),
        ]);
        let p = plan(&fixed, &h, None, false).expect("resumes");
        assert_eq!(p[0].resume_at, 1);
        assert_eq!(p[0].statements[0].0, 2);
        assert!(p[0].statements[0].2.contains("b2"));
        // Editing the applied first statement is refused.
        let edited = set(&[(
            1,
            "CREATE TABLE a2 (k int PRIMARY KEY); CREATE TABLE b2 (k int PRIMARY KEY);",
        )]);
        let err = plan(&edited, &h, None, false).expect_err("refused");
        assert!(
            matches!(err, MigrateError::PrefixEdited { changed: 1, .. }),
            "{err}"
        );
    }

    #[test]
    fn out_of_order_needs_permission() {
        let s = set(&[(1, TWO), (2, "CREATE TABLE c (k int PRIMARY KEY)")]);
        let h = BTreeMap::from([(2, rec(&s.as_slice()[1], RecordState::Applied, 1))]);
        assert!(matches!(
            plan(&s, &h, None, false),
            Err(MigrateError::OutOfOrder { latest: 2, .. })
        ));
        assert_eq!(plan(&s, &h, None, true).expect("allowed").len(), 1);
        assert_eq!(infos(&s, &h)[0].status, MigrationStatus::OutOfOrder);
    }

    #[test]
    fn missing_file_and_interrupted_run() {
        let s = set(&[(2, TWO)]);
        let gone = set(&[(1, "CREATE TABLE q (k int PRIMARY KEY)")]);
        let h = BTreeMap::from([
            (1, rec(&gone.as_slice()[0], RecordState::Applied, 1)),
            (2, rec(&s.as_slice()[0], RecordState::Running, 1)),
        ]);
        let info = infos(&s, &h);
        assert_eq!(info[0].status, MigrationStatus::Missing);
        assert_eq!(info[1].status, MigrationStatus::Running { done: 1 });
        let p = plan(&s, &h, None, false).expect("resumes");
        assert!(p[0].interrupted);
        assert_eq!(p[0].resume_at, 1);
    }
}

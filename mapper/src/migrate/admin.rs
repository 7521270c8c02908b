//! The commands around `run`: `info`, `validate`, `revert`, `baseline`, `repair`, and the
//! lock's `status` / `force_unlock`. Everything that writes history takes the lock first.

use std::collections::BTreeMap;
use std::time::Instant;

use cassia_driver::{Session, Statement};
use chrono::Utc;

use super::history::{HistoryRecord, RecordState};
use super::status::{self, MigrationInfo, MigrationStatus};
use super::{LockHolder, MigrateError, MigrateEvent, Migrator, lock, probe};

/// Which applied migrations `revert` undoes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RevertTarget {
    /// The newest `n` applied migrations.
    Count(usize),
    /// Every applied migration newer than this version (which stays applied; 0 reverts all).
    To(u64),
}

/// A problem `validate` found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Problem {
    /// Version of the migration.
    pub version: u64,
    /// Its status.
    pub status: MigrationStatus,
    /// What is wrong and what to do.
    pub message: String,
}

/// What `repair` changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RepairReport {
    /// Applied migrations whose recorded checksums now match their edited files.
    pub realigned: Vec<u64>,
    /// Failed migrations whose failure was cleared (the next run resumes them).
    pub cleared: Vec<u64>,
}

impl Migrator {
    async fn history(
        &self,
        session: &Session,
    ) -> Result<BTreeMap<u64, HistoryRecord>, MigrateError> {
        let keyspace = self.target_keyspace(session)?;
        Ok(self
            .tables(&keyspace)
            .read(session)
            .await?
            .unwrap_or_default())
    }

    /// Every migration (files and history merged) with its status, in version order.
    pub async fn info(&self, session: &Session) -> Result<Vec<MigrationInfo>, MigrateError> {
        Ok(status::infos(&self.set, &self.history(session).await?))
    }

    /// Whether files and history agree: edited applied files, failed or interrupted
    /// migrations, missing files and out-of-order files are problems. Pending migrations
    /// are not.
    pub async fn validate(&self, session: &Session) -> Result<Vec<Problem>, MigrateError> {
        Ok(problems(
            &status::infos(&self.set, &self.history(session).await?),
            self.config.allow_out_of_order,
        ))
    }

    /// Who holds the migration lock, if anyone.
    pub async fn lock_holder(&self, session: &Session) -> Result<Option<LockHolder>, MigrateError> {
        let tables = self.tables(&self.target_keyspace(session)?);
        if !super::history::table_exists(session, &tables.keyspace, &tables.lock_table()).await? {
            return Ok(None);
        }
        lock::holder(session, &tables).await
    }

    /// Removes the migration lock whoever holds it. Only for a runner known to be gone:
    /// a live runner notices at its next renewal and stops.
    pub async fn force_unlock(&self, session: &Session) -> Result<(), MigrateError> {
        let tables = self.tables(&self.target_keyspace(session)?);
        if !super::history::table_exists(session, &tables.keyspace, &tables.lock_table()).await? {
            return Ok(());
        }
        lock::force_unlock(session, &tables).await
    }

    /// Undoes applied migrations, newest first, with their `.down.cql` scripts, removing
    /// their history rows. Every one must have a down script, checked before anything runs.
    /// Returns the reverted versions.
    pub async fn revert(
        &self,
        session: &Session,
        target: RevertTarget,
    ) -> Result<Vec<u64>, MigrateError> {
        let keyspace = self.target_keyspace(session)?;
        let tables = self.tables(&keyspace);
        let pick = |history: &BTreeMap<u64, HistoryRecord>| -> Vec<u64> {
            let applied = history
                .values()
                .rev()
                .filter(|r| r.state == RecordState::Applied)
                .map(|r| r.version);
            match target {
                RevertTarget::Count(n) => applied.take(n).collect(),
                RevertTarget::To(v) => applied.take_while(|a| *a > v).collect(),
            }
        };
        let check = |versions: &[u64]| -> Result<(), MigrateError> {
            for v in versions {
                let m = self
                    .set
                    .get(*v)
                    .ok_or(MigrateError::MissingFile { version: *v })?;
                if m.down.is_none() {
                    return Err(MigrateError::NotReversible {
                        version: *v,
                        file: m.up.file.clone(),
                    });
                }
            }
            Ok(())
        };
        if let RevertTarget::To(v) = target
            && v != 0
            && self.set.get(v).is_none()
        {
            return Err(MigrateError::UnknownVersion { version: v });
        }
        let Some(history) = tables.read(session).await? else {
            return Ok(Vec::new());
        };
        let versions = pick(&history);
        check(&versions)?;
        if versions.is_empty() {
            return Ok(Vec::new());
        }
        let lease = self.lock(session, &tables).await?;
        let outcome = async {
            let history = tables.read(session).await?.unwrap_or_default();
            let versions = pick(&history);
            check(&versions)?;
            if session.keyspace().as_deref() != Some(keyspace.as_str()) {
                session
                    .use_keyspace(&keyspace)
                    .await
                    .map_err(MigrateError::cluster(format!(
                        "switching to keyspace {keyspace}"
                    )))?;
            }
            for v in &versions {
                let (Some(m), Some(r)) = (self.set.get(*v), history.get(v)) else {
                    continue;
                };
                let Some(down) = &m.down else { continue };
                let started = Instant::now();
                for (i, s) in down.statements.iter().enumerate() {
                    lease.check()?;
                    if let Err(source) = session.query(Statement::new(s.cql.clone()), ()).await {
                        let mut failed = r.clone();
                        failed.state = RecordState::Failed;
                        failed.error = Some(format!(
                            "revert failed at statement {} of {} (line {}): {source}",
                            i + 1,
                            down.file,
                            s.line
                        ));
                        failed.applied_at = Some(Utc::now());
                        failed.execution_ms +=
                            i64::try_from(started.elapsed().as_millis()).unwrap_or(0);
                        tables.write(session, &failed).await?;
                        return Err(MigrateError::StatementFailed {
                            version: *v,
                            file: down.file.clone(),
                            statement: i + 1,
                            total: down.statements.len(),
                            line: s.line,
                            source: Box::new(source),
                        });
                    }
                    if probe::is_schema_change(&s.cql) {
                        session
                            .await_schema_agreement()
                            .await
                            .map_err(MigrateError::cluster(format!(
                                "waiting for schema agreement while reverting {v}"
                            )))?;
                    }
                }
                tables.delete(session, *v).await?;
                self.emit(MigrateEvent::MigrationReverted { version: *v });
            }
            Ok::<_, MigrateError>(versions)
        }
        .await;
        let released = lease.release().await;
        let versions = outcome?;
        released?;
        Ok(versions)
    }

    /// Adopts an existing database: records every migration up to `version` as applied
    /// (kind `baseline`) without running it. Refused when history already exists.
    pub async fn baseline(
        &self,
        session: &Session,
        version: u64,
    ) -> Result<Vec<u64>, MigrateError> {
        if self.set.get(version).is_none() {
            return Err(MigrateError::UnknownVersion { version });
        }
        let keyspace = self.target_keyspace(session)?;
        let tables = self.tables(&keyspace);
        let steps = self.setup_plan(session, &keyspace, &tables).await?;
        self.setup(session, &steps).await?;
        let lease = self.lock(session, &tables).await?;
        let outcome = async {
            let history = tables.read(session).await?.unwrap_or_default();
            if !history.is_empty() {
                return Err(MigrateError::HistoryNotEmpty {
                    table: tables.qualified(),
                    count: history.len(),
                });
            }
            let mut done = Vec::new();
            for m in self.set.iter().take_while(|m| m.version <= version) {
                lease.check()?;
                let record = HistoryRecord {
                    version: m.version,
                    name: m.name.clone(),
                    checksum: m.up.checksum.clone(),
                    state: RecordState::Applied,
                    statements_done: m.up.statements.len(),
                    statements_total: m.up.statements.len(),
                    statement_checksums: m
                        .up
                        .statements
                        .iter()
                        .map(|s| s.checksum.clone())
                        .collect(),
                    applied_at: Some(Utc::now()),
                    applied_by: self.applied_by(),
                    execution_ms: 0,
                    error: None,
                    kind: "baseline".to_owned(),
                };
                tables.write(session, &record).await?;
                done.push(m.version);
            }
            Ok::<_, MigrateError>(done)
        }
        .await;
        let released = lease.release().await;
        let done = outcome?;
        released?;
        Ok(done)
    }

    /// After a reviewed edit: records the current checksums of edited applied migrations,
    /// and clears failed ones (a failure before any statement removes the row; otherwise
    /// the applied statements are re-blessed and the next run resumes after them).
    pub async fn repair(&self, session: &Session) -> Result<RepairReport, MigrateError> {
        let keyspace = self.target_keyspace(session)?;
        let tables = self.tables(&keyspace);
        if !tables.exists(session).await? {
            return Ok(RepairReport::default());
        }
        let lease = self.lock(session, &tables).await?;
        let outcome = async {
            let history = tables.read(session).await?.unwrap_or_default();
            let mut report = RepairReport::default();
            for r in history.values() {
                let Some(m) = self.set.get(r.version) else {
                    continue;
                };
                let sums: Vec<String> =
                    m.up.statements.iter().map(|s| s.checksum.clone()).collect();
                lease.check()?;
                match r.state {
                    RecordState::Applied if r.checksum != m.up.checksum => {
                        let mut fixed = r.clone();
                        fixed.checksum = m.up.checksum.clone();
                        fixed.statements_total = sums.len();
                        fixed.statements_done = sums.len();
                        fixed.statement_checksums = sums;
                        tables.write(session, &fixed).await?;
                        report.realigned.push(r.version);
                    }
                    RecordState::Failed if r.statements_done == 0 => {
                        tables.delete(session, r.version).await?;
                        report.cleared.push(r.version);
                    }
                    RecordState::Failed => {
                        let mut fixed = r.clone();
                        // An empty checksum never equals a file's, so the next run treats
                        // the migration as fixed and resumes after the applied prefix.
                        fixed.checksum = String::new();
                        fixed.statement_checksums =
                            sums.into_iter().take(r.statements_done).collect();
                        fixed.error = None;
                        tables.write(session, &fixed).await?;
                        report.cleared.push(r.version);
                    }
                    _ => {}
                }
            }
            Ok::<_, MigrateError>(report)
        }
        .await;
        let released = lease.release().await;
        let report = outcome?;
        released?;
        Ok(report)
    }
}

/// The problems among migration statuses.
pub(crate) fn problems(infos: &[MigrationInfo], allow_out_of_order: bool) -> Vec<Problem> {
    infos
        .iter()
        .filter_map(|i| {
            let file = i.file.as_deref().unwrap_or("(no file)");
            let message = match &i.status {
                MigrationStatus::Edited => format!(
                    "{file} changed after it was applied (checksum {} applied, {} now); restore it or run `cassia migrate repair` after review",
                    short(i.applied_checksum.as_deref()),
                    short(i.checksum.as_deref())
                ),
                MigrationStatus::Failed { statement, fixed } => format!(
                    "{file} failed at statement {statement}{}: {}",
                    if *fixed { " (file changed since: the next run resumes)" } else { "" },
                    i.error.as_deref().unwrap_or("unknown error")
                ),
                MigrationStatus::Running { done } => format!(
                    "{file} is being applied, or its runner died after {done} statement(s) (the next run resumes)"
                ),
                MigrationStatus::Missing => format!(
                    "migration {} ({}) is recorded as applied but its file is missing",
                    i.version, i.name
                ),
                MigrationStatus::OutOfOrder if !allow_out_of_order => format!(
                    "{file} is older than the newest applied migration; run with --allow-out-of-order"
                ),
                _ => return None,
            };
            Some(Problem {
                version: i.version,
                status: i.status.clone(),
                message,
            })
        })
        .collect()
}

fn short(sum: Option<&str>) -> String {
    sum.map_or_else(|| "-".to_owned(), |s| s.chars().take(12).collect())
}

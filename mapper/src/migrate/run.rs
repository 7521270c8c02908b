//! `run`: apply pending migrations under the lock, statement by statement, recording
//! progress after each so an interrupted or failed migration resumes where it stopped.
//! With nothing pending it reads the history once and returns: no lock, no writes.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use cassia_driver::error::{ErrorKind, ExecuteError};
use cassia_driver::{Session, Statement};
use chrono::Utc;

use super::history::{HistoryRecord, HistoryTables, RecordState};
use super::lock::{self, Lease};
use super::status::{self, PlannedMigration};
use super::{MigrateError, MigrateEvent, Migrator, probe};

/// What `run` should do.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RunOptions {
    /// Stop after this version (inclusive); default: the newest.
    pub target: Option<u64>,
    /// Print instead of apply: read the history, send nothing that changes anything.
    pub dry_run: bool,
}

impl RunOptions {
    /// Up to `version` (inclusive).
    pub fn target(mut self, version: Option<u64>) -> Self {
        self.target = version;
        self
    }

    /// Plan only.
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }
}

/// One migration a run applied.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AppliedMigration {
    /// Version.
    pub version: u64,
    /// Name.
    pub name: String,
    /// Statements this run sent (fewer than the file's when it resumed).
    pub statements: usize,
    /// Statements an earlier run had applied.
    pub resumed_at: usize,
    /// Time spent.
    pub elapsed: Duration,
}

/// Where a run's time went (the whole run, every migration).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RunTimings {
    /// Reading the history (before and after taking the lock).
    pub history_reads: Duration,
    /// Creating missing keyspaces and history tables, agreement waits included.
    pub setup: Duration,
    /// Taking the lock (including waiting for another runner) and releasing it.
    pub lock: Duration,
    /// Sending the migrations' statements.
    pub statements: Duration,
    /// Waiting for schema agreement after DDL statements.
    pub schema_agreement: Duration,
    /// Writing history rows and per-statement progress.
    pub history_writes: Duration,
    /// Requests sent by the migrator (history, lock, statements, system_schema checks).
    pub requests: u32,
}

/// What a run did (or, for a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RunReport {
    /// Target keyspace.
    pub keyspace: String,
    /// Migrations applied, in order (empty for a dry run).
    pub applied: Vec<AppliedMigration>,
    /// The plan: migrations pending when the run started (for a dry run: what would run).
    pub planned: Vec<PlannedMigration>,
    /// Statements creating keyspaces and history tables (run, or for a dry run, to run).
    pub setup: Vec<String>,
    /// Whether the lock was taken (never when nothing was pending).
    pub locked: bool,
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// Where the time went.
    pub timings: RunTimings,
}

impl Migrator {
    /// Applies every pending migration.
    pub async fn run(&self, session: &Session) -> Result<RunReport, MigrateError> {
        self.run_with(session, RunOptions::default()).await
    }

    /// Applies pending migrations up to a target, or plans them (`dry_run`).
    pub async fn run_with(
        &self,
        session: &Session,
        options: RunOptions,
    ) -> Result<RunReport, MigrateError> {
        let keyspace = self.target_keyspace(session)?;
        let tables = self.tables(&keyspace);
        // The fast path: one read. Every pod of a deployment can call this at start-up.
        let t = Instant::now();
        let history = tables.read(session).await?;
        let read_time = t.elapsed();
        let planned = status::plan(
            &self.set,
            history.as_ref().unwrap_or(&BTreeMap::new()),
            options.target,
            self.config.allow_out_of_order,
        )?;
        let mut report = RunReport {
            keyspace: keyspace.clone(),
            dry_run: options.dry_run,
            ..RunReport::default()
        };
        report.timings.history_reads = read_time;
        report.timings.requests = 1;
        if planned.is_empty() {
            return Ok(report);
        }
        let t = Instant::now();
        let steps = self.setup_plan(session, &keyspace, &tables).await?;
        report.setup = steps.iter().map(|s| s.cql.clone()).collect();
        if options.dry_run {
            report.planned = planned;
            return Ok(report);
        }
        self.setup(session, &steps).await?;
        report.timings.setup = t.elapsed();
        let t = Instant::now();
        let lease = self.lock(session, &tables).await?;
        report.timings.lock = t.elapsed();
        report.locked = true;
        let outcome = self
            .apply_locked(
                session,
                &keyspace,
                &tables,
                &lease,
                options.target,
                &mut report,
            )
            .await;
        let t = Instant::now();
        let released = lease.release().await;
        report.timings.lock += t.elapsed();
        outcome?;
        released?;
        Ok(report)
    }

    pub(crate) async fn lock(
        &self,
        session: &Session,
        tables: &HistoryTables,
    ) -> Result<Lease, MigrateError> {
        let on_wait = |h: &super::LockHolder| self.emit(MigrateEvent::WaitingForLock { holder: h });
        let lease = lock::acquire(
            session,
            tables,
            &self.owner_id(),
            self.config.lock_ttl,
            self.config.lock_wait,
            &on_wait,
        )
        .await?;
        self.emit(MigrateEvent::LockAcquired);
        Ok(lease)
    }

    async fn apply_locked(
        &self,
        session: &Session,
        keyspace: &str,
        tables: &HistoryTables,
        lease: &Lease,
        target: Option<u64>,
        report: &mut RunReport,
    ) -> Result<(), MigrateError> {
        // Another runner may have applied everything while this one waited: plan again
        // from the history as it is now that the lock is ours.
        let t = Instant::now();
        let history = tables.read(session).await?.unwrap_or_default();
        report.timings.history_reads += t.elapsed();
        report.timings.requests += 1;
        let planned = status::plan(&self.set, &history, target, self.config.allow_out_of_order)?;
        report.planned = planned.clone();
        if planned.is_empty() {
            return Ok(());
        }
        if session.keyspace().as_deref() != Some(keyspace) {
            session
                .use_keyspace(keyspace)
                .await
                .map_err(MigrateError::cluster(format!(
                    "switching to keyspace {keyspace}"
                )))?;
        }
        for p in &planned {
            let applied = self
                .apply_one(
                    session,
                    keyspace,
                    tables,
                    lease,
                    p,
                    history.get(&p.version),
                    &mut report.timings,
                )
                .await?;
            report.applied.push(applied);
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)] // one migration's whole context; a struct would only rename it
    async fn apply_one(
        &self,
        session: &Session,
        keyspace: &str,
        tables: &HistoryTables,
        lease: &Lease,
        p: &PlannedMigration,
        previous: Option<&HistoryRecord>,
        timings: &mut RunTimings,
    ) -> Result<AppliedMigration, MigrateError> {
        let Some(m) = self.set.get(p.version) else {
            return Err(MigrateError::UnknownVersion { version: p.version });
        };
        let started = Instant::now();
        let earlier_ms = previous.map_or(0, |r| r.execution_ms);
        let mut record = HistoryRecord {
            version: m.version,
            name: m.name.clone(),
            checksum: m.up.checksum.clone(),
            state: RecordState::Running,
            statements_done: p.resume_at,
            statements_total: m.up.statements.len(),
            statement_checksums: m.up.statements[..p.resume_at]
                .iter()
                .map(|s| s.checksum.clone())
                .collect(),
            applied_at: Some(Utc::now()),
            applied_by: self.applied_by(),
            execution_ms: earlier_ms,
            error: None,
            kind: "migration".to_owned(),
        };
        lease.check()?;
        let t = Instant::now();
        tables.write(session, &record).await?;
        timings.history_writes += t.elapsed();
        timings.requests += 1;
        self.emit(MigrateEvent::MigrationStarted {
            version: m.version,
            name: &m.name,
            total: p.total,
            resume_at: p.resume_at,
        });
        let mut sent = 0;
        for (i, statement) in m.up.statements.iter().enumerate().skip(p.resume_at) {
            let index = i + 1;
            lease.check()?;
            let step = Instant::now();
            // The first statement after an interruption may have taken effect without being
            // recorded (the runner died in between): look before sending it again.
            let already = i == p.resume_at
                && p.interrupted
                && probe::applied(session, &statement.cql, keyspace).await? == Some(true);
            timings.requests += u32::from(i == p.resume_at && p.interrupted);
            if already {
                self.emit(MigrateEvent::StatementAlreadyApplied {
                    version: m.version,
                    index,
                });
            } else {
                let t = Instant::now();
                let sent_result = self.execute(session, keyspace, &statement.cql).await;
                timings.statements += t.elapsed();
                timings.requests += 1;
                if let Err(source) = sent_result {
                    let source = match source {
                        Failure::Uncertain(after) => {
                            return Err(MigrateError::Uncertain {
                                version: m.version,
                                file: m.up.file.clone(),
                                statement: index,
                                after,
                            });
                        }
                        Failure::Error(e) => e,
                    };
                    record.state = RecordState::Failed;
                    record.error = Some(source.to_string());
                    record.execution_ms = earlier_ms + elapsed_ms(started);
                    record.applied_at = Some(Utc::now());
                    tables.write(session, &record).await?;
                    return Err(MigrateError::StatementFailed {
                        version: m.version,
                        file: m.up.file.clone(),
                        statement: index,
                        total: m.up.statements.len(),
                        line: statement.line,
                        source: Box::new(source),
                    });
                }
                sent += 1;
                if probe::is_schema_change(&statement.cql) {
                    // Progress is recorded below only once every node has the change, so a
                    // resumed run never builds on a schema some nodes lack.
                    let t = Instant::now();
                    let agreed = session.await_schema_agreement().await.map_err(
                        MigrateError::cluster(format!(
                            "waiting for schema agreement after statement {index} of migration {}",
                            m.version
                        )),
                    );
                    timings.schema_agreement += t.elapsed();
                    agreed?;
                }
            }
            let t = Instant::now();
            tables
                .progress(session, m.version, index, &statement.checksum)
                .await?;
            timings.history_writes += t.elapsed();
            timings.requests += 1;
            record.statements_done = index;
            record.statement_checksums.push(statement.checksum.clone());
            self.emit(MigrateEvent::StatementApplied {
                version: m.version,
                index,
                total: m.up.statements.len(),
                elapsed: step.elapsed(),
            });
        }
        record.state = RecordState::Applied;
        record.applied_at = Some(Utc::now());
        record.execution_ms = earlier_ms + elapsed_ms(started);
        let t = Instant::now();
        tables.write(session, &record).await?;
        timings.history_writes += t.elapsed();
        timings.requests += 1;
        self.emit(MigrateEvent::MigrationApplied {
            version: m.version,
            elapsed: started.elapsed(),
        });
        Ok(AppliedMigration {
            version: m.version,
            name: m.name.clone(),
            statements: sent,
            resumed_at: p.resume_at,
            elapsed: started.elapsed(),
        })
    }

    /// Sends one statement. A timeout is not taken as failure at once: the statement may
    /// have taken effect on the cluster, so system_schema is read first; only a statement
    /// that certainly did not take effect is sent again (once).
    async fn execute(&self, session: &Session, keyspace: &str, cql: &str) -> Result<(), Failure> {
        let statement = || {
            let s = Statement::new(cql.to_owned());
            match self.config.statement_timeout {
                Some(t) => s.with_request_timeout(t),
                None => s,
            }
        };
        let first = session.query(statement(), ()).await;
        let after = match first {
            Ok(_) => return Ok(()),
            Err(e) => match timed_out(&e) {
                Some(after) => after,
                None => return Err(Failure::Error(e)),
            },
        };
        match probe::applied(session, cql, keyspace).await {
            Ok(Some(true)) => Ok(()),
            Ok(Some(false)) => session
                .query(statement(), ())
                .await
                .map(|_| ())
                .map_err(Failure::Error),
            Ok(None) | Err(_) => Err(Failure::Uncertain(after)),
        }
    }
}

enum Failure {
    Error(ExecuteError),
    Uncertain(Duration),
}

/// How long the request waited, when the error is a timeout (client or coordinator).
pub(crate) fn timed_out(e: &ExecuteError) -> Option<Duration> {
    match e {
        ExecuteError::Timeout { after, .. } => Some(*after),
        ExecuteError::Server { error, .. } => match error.kind {
            ErrorKind::WriteTimeout { .. } | ErrorKind::ReadTimeout { .. } => Some(Duration::ZERO),
            _ => None,
        },
        _ => None,
    }
}

fn elapsed_ms(since: Instant) -> i64 {
    i64::try_from(since.elapsed().as_millis()).unwrap_or(i64::MAX)
}

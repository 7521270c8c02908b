//! [`MigrateError`]: why a migration command refused or failed. Every variant names the
//! migration (version and file) or the table involved, so a CI log says what to fix.

use std::time::Duration;

use cassia_driver::error::ExecuteError;

use crate::exec::ExecError;

use super::SourceError;

/// Why a migration command refused to start or failed part-way.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MigrateError {
    /// The migration files could not be read.
    #[error(transparent)]
    Source(Box<SourceError>),
    /// A request to the cluster failed outside a migration's own statements.
    #[error("{context}: {source}")]
    Cluster {
        /// What the migrator was doing.
        context: String,
        /// The driver's error.
        #[source]
        source: Box<ExecuteError>,
    },
    /// Reading the live schema failed.
    #[error(transparent)]
    Schema(Box<ExecError>),
    /// A statement of a migration failed; the history records the failure.
    #[error(
        "migration {version} ({file}) failed at statement {statement} of {total} (line {line}): {source}"
    )]
    StatementFailed {
        /// Version of the migration.
        version: u64,
        /// File the statement comes from.
        file: String,
        /// 1-based index of the failed statement.
        statement: usize,
        /// Statements in the file.
        total: usize,
        /// Line of the statement in the file.
        line: u32,
        /// The driver's error.
        #[source]
        source: Box<ExecuteError>,
    },
    /// Applied migrations whose files changed since (checksums differ).
    #[error("{} applied migration(s) changed since they ran: {}; restore the files, or run `cassia migrate repair` after review", .migrations.len(), list(.migrations))]
    Drift {
        /// `version (file)` of each edited migration.
        migrations: Vec<String>,
    },
    /// A failed migration blocks later runs until its file is fixed or it is repaired.
    #[error(
        "migration {version} ({file}) failed at statement {statement}: {error}; fix the file (the run resumes at statement {statement}) or run `cassia migrate repair`"
    )]
    Blocked {
        /// Version.
        version: u64,
        /// File.
        file: String,
        /// 1-based statement that failed.
        statement: usize,
        /// The recorded error.
        error: String,
    },
    /// A partly applied migration's already-applied statements were edited.
    #[error(
        "migration {version} ({file}) was interrupted after {done} statement(s), and statement {changed} (line {line}), already applied, has been edited since; restore it, or run `cassia migrate repair` after review"
    )]
    PrefixEdited {
        /// Version.
        version: u64,
        /// File.
        file: String,
        /// Statements already applied.
        done: usize,
        /// 1-based index of the first edited applied statement.
        changed: usize,
        /// Its line.
        line: u32,
    },
    /// Pending migrations older than the newest applied one.
    #[error("migration(s) {} are older than the newest applied migration {latest}; run with --allow-out-of-order to apply them", list(.versions))]
    OutOfOrder {
        /// The pending versions.
        versions: Vec<String>,
        /// The newest applied version.
        latest: u64,
    },
    /// Another runner holds the migration lock.
    #[error(
        "the migration lock on {table} is held by {owner} (since {acquired_at}, expires {expires_at}); wait, or run `cassia migrate unlock --force` if that runner is gone"
    )]
    LockHeld {
        /// `keyspace.table` of the lock.
        table: String,
        /// The holder's owner id (host, process, tool).
        owner: String,
        /// When it was taken (RFC 3339).
        acquired_at: String,
        /// When the lease lapses unless renewed (RFC 3339).
        expires_at: String,
    },
    /// The lock lease was lost while running (renewal failed or another runner forced it).
    #[error(
        "the migration lock was lost during the run ({reason}); stopped before the next statement"
    )]
    LockLost {
        /// Why.
        reason: String,
    },
    /// The target keyspace does not exist and no replication is configured to create it.
    #[error(
        "keyspace {keyspace} does not exist: create it, or configure replication (profile `replication`) so that cassia creates it"
    )]
    NoKeyspace {
        /// The keyspace.
        keyspace: String,
    },
    /// Neither the migrator nor the session names a keyspace.
    #[error(
        "no target keyspace: configure one (profile `keyspace`, CASSIA_KEYSPACE or --keyspace)"
    )]
    NoTargetKeyspace,
    /// A requested version is not among the migrations.
    #[error("no migration with version {version}")]
    UnknownVersion {
        /// The version asked for.
        version: u64,
    },
    /// A migration to revert has no down script.
    #[error("migration {version} ({file}) has no .down.cql file, so it cannot be reverted")]
    NotReversible {
        /// Version.
        version: u64,
        /// Its up file.
        file: String,
    },
    /// An applied migration to revert has no file any more.
    #[error("migration {version} is applied but its file is missing, so it cannot be reverted")]
    MissingFile {
        /// Version.
        version: u64,
    },
    /// `baseline` on a keyspace that already has migration history.
    #[error(
        "{table} already records {count} migration(s); baseline only adopts a keyspace without history"
    )]
    HistoryNotEmpty {
        /// History table.
        table: String,
        /// Rows in it.
        count: usize,
    },
    /// A statement timed out and whether it took effect could not be established.
    #[error(
        "migration {version} ({file}) statement {statement} timed out after {after:?} and cassia cannot tell from system_schema whether it took effect; check, then run again"
    )]
    Uncertain {
        /// Version.
        version: u64,
        /// File.
        file: String,
        /// 1-based statement.
        statement: usize,
        /// The timeout.
        after: Duration,
    },
    /// The history table holds a row cassia cannot read (edited by hand?).
    #[error("history row for version {version} in {table} is invalid: {detail}")]
    BadHistory {
        /// History table.
        table: String,
        /// Version of the row.
        version: i64,
        /// What is wrong.
        detail: String,
    },
}

fn list(items: &[String]) -> String {
    items.join(", ")
}

// The variants carrying large errors box them, so `Result<_, MigrateError>` stays small.
impl From<SourceError> for MigrateError {
    fn from(e: SourceError) -> Self {
        MigrateError::Source(Box::new(e))
    }
}

impl From<ExecError> for MigrateError {
    fn from(e: ExecError) -> Self {
        MigrateError::Schema(Box::new(e))
    }
}

impl MigrateError {
    /// Rows of a system or history table that could not be read, as a cluster error.
    pub(crate) fn decode(
        context: impl Into<String>,
    ) -> impl FnOnce(cassia_driver::error::RowDecodeError) -> Self {
        let wrap = MigrateError::cluster(context);
        move |e| wrap(e.into())
    }

    pub(crate) fn cluster(context: impl Into<String>) -> impl FnOnce(ExecuteError) -> Self {
        let context = context.into();
        move |source| MigrateError::Cluster {
            context,
            source: Box::new(source),
        }
    }
}

//! Progress of a run, for progress bars and logs: the migrator calls a
//! [`MigrateObserver`] at each step (the CLI draws an indicatif bar from them).

use std::time::Duration;

use super::lock::LockHolder;

/// One step of a migration command.
#[derive(Debug)]
#[non_exhaustive]
pub enum MigrateEvent<'a> {
    /// A keyspace (the target or the history's) was created.
    KeyspaceCreated {
        /// Its name.
        keyspace: &'a str,
    },
    /// Another runner holds the lock; this one waits.
    WaitingForLock {
        /// The holder.
        holder: &'a LockHolder,
    },
    /// The lock was taken.
    LockAcquired,
    /// A migration starts (or resumes after `resume_at` statements).
    MigrationStarted {
        /// Version.
        version: u64,
        /// Name.
        name: &'a str,
        /// Statements in the file.
        total: usize,
        /// Statements already applied by an earlier run.
        resume_at: usize,
    },
    /// A statement was applied (and schema agreement reached, for DDL).
    StatementApplied {
        /// Version.
        version: u64,
        /// 1-based index.
        index: usize,
        /// Statements in the file.
        total: usize,
        /// Time it took, agreement wait included.
        elapsed: Duration,
    },
    /// The statement had already taken effect (found in system_schema), so it was recorded
    /// without being sent again.
    StatementAlreadyApplied {
        /// Version.
        version: u64,
        /// 1-based index.
        index: usize,
    },
    /// A migration finished.
    MigrationApplied {
        /// Version.
        version: u64,
        /// Time spent in this run.
        elapsed: Duration,
    },
    /// A migration was reverted (its down script ran and its history row was removed).
    MigrationReverted {
        /// Version.
        version: u64,
    },
}

/// Receives [`MigrateEvent`]s; implementations must be cheap (they run inline).
pub trait MigrateObserver: Send + Sync {
    /// Called at each step.
    fn on_event(&self, event: &MigrateEvent<'_>);
}

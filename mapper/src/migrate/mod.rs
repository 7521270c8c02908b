//! Versioned schema migrations, for applications (embedded at start-up) and for the
//! `cassia` command-line tool, which is a thin layer over this module.
//!
//! * **Files**: `<version>_<name>.up.cql` (+ optional `.down.cql`) or `<version>_<name>.cql`
//!   in a directory ([`MigrationSet::from_dir`]), or embedded at compile time with
//!   [`migrate!`](crate::migrate!).
//! * **History**: a table (`cassia_migrations` in the target keyspace by default) with one
//!   row per migration: state (running / applied / failed), statements done, SHA-256 of the
//!   normalised CQL (line endings, whitespace and comments do not count), applied_at,
//!   applied_by, execution time.
//! * **Lock**: a lease row taken with `INSERT ... IF NOT EXISTS USING TTL`, renewed while a
//!   run lasts, expiring by itself if the runner dies. With nothing pending, no lock is
//!   taken: `run` reads the history once and returns.
//! * **Cassandra's rules**: a schema agreement wait after every DDL statement, progress
//!   recorded per statement (a failed migration resumes at the failed statement once the
//!   file is fixed, and refuses if the applied part was edited), a timed-out DDL checked
//!   against system_schema before it is sent again, out-of-order files refused unless
//!   allowed, missing keyspaces created with the configured [`Replication`].
//!
//! ```no_run
//! # async fn demo(session: cassia::Session) -> Result<(), cassia::migrate::MigrateError> {
//! use cassia::migrate::{Migrator, Replication};
//! let report = Migrator::new(cassia::migrate::MigrationSet::from_dir("migrations")?)
//!     .keyspace("shop")
//!     .replication(Replication::simple(1))
//!     .run(&session)
//!     .await?;
//! for m in &report.applied {
//!     println!("applied {} {}", m.version, m.name);
//! }
//! # Ok(()) }
//! ```

mod admin;
mod config;
mod error;
mod events;
mod history;
mod lock;
mod migrator;
mod probe;
mod run;
mod source;
mod status;

pub use admin::{Problem, RepairReport, RevertTarget};
pub use config::{DEFAULT_HISTORY_TABLE, Replication};
pub use error::MigrateError;
pub use events::{MigrateEvent, MigrateObserver};
pub use history::{HistoryRecord, RecordState};
pub use lock::LockHolder;
pub use migrator::Migrator;
pub use run::{AppliedMigration, RunOptions, RunReport, RunTimings};
pub use source::*;
pub use status::{MigrationInfo, MigrationStatus, PlannedMigration};

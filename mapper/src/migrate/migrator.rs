//! [`Migrator`]: a set of migrations and the settings to apply them with. The commands
//! themselves live in `run.rs` (run, dry run) and `admin.rs` (info, validate, revert,
//! baseline, repair, unlock).

use std::sync::Arc;
use std::time::Duration;

use cassia_driver::Session;

use super::config::{MigratorConfig, Replication};
use super::events::{MigrateEvent, MigrateObserver};
use super::history::{HistoryTables, keyspace_exists};
use super::{MigrateError, MigrationSet};

/// Applies a [`MigrationSet`] to a keyspace and keeps its history.
///
/// ```no_run
/// use cassia::migrate::{MigrationSet, Migrator, Replication};
/// # async fn demo(session: cassia::Session) -> Result<(), cassia::migrate::MigrateError> {
/// let migrator = Migrator::new(MigrationSet::from_dir("migrations")?)
///     .keyspace("shop")
///     .replication(Replication::simple(3));
/// let report = migrator.run(&session).await?;
/// println!("applied {} migration(s)", report.applied.len());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Migrator {
    pub(crate) set: MigrationSet,
    pub(crate) config: MigratorConfig,
    pub(crate) observer: Option<Arc<dyn MigrateObserver>>,
}

impl std::fmt::Debug for Migrator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Migrator")
            .field("migrations", &self.set.len())
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Migrator {
    /// A migrator for these migrations (a directory, or `cassia::migrate!` embedded files).
    pub fn new(migrations: impl Into<MigrationSet>) -> Self {
        Migrator {
            set: migrations.into(),
            config: MigratorConfig::default(),
            observer: None,
        }
    }

    /// The migrations.
    pub fn migrations(&self) -> &MigrationSet {
        &self.set
    }

    /// The keyspace migrations run in (default: the session's keyspace). The session is
    /// switched to it (`USE`) before the first statement.
    pub fn keyspace(mut self, keyspace: impl Into<String>) -> Self {
        self.config.keyspace = Some(keyspace.into());
        self
    }

    /// The keyspace of the history and lock tables (default: the target keyspace).
    pub fn history_keyspace(mut self, keyspace: impl Into<String>) -> Self {
        self.config.history_keyspace = Some(keyspace.into());
        self
    }

    /// The history table's name (default `cassia_migrations`; the lock table is
    /// `<name>_lock`).
    pub fn history_table(mut self, table: impl Into<String>) -> Self {
        self.config.history_table = table.into();
        self
    }

    /// Creates missing keyspaces with this replication (otherwise a missing keyspace is an
    /// error).
    pub fn replication(mut self, replication: Replication) -> Self {
        self.config.replication = Some(replication);
        self
    }

    /// Applies pending migrations older than the newest applied one instead of refusing.
    pub fn allow_out_of_order(mut self, allow: bool) -> Self {
        self.config.allow_out_of_order = allow;
        self
    }

    /// How long a lock lease lasts without renewal (default 60 s). A runner that dies
    /// blocks others for at most this long.
    pub fn lock_ttl(mut self, ttl: Duration) -> Self {
        self.config.lock_ttl = ttl;
        self
    }

    /// How long to wait for another runner's lock before failing with
    /// [`MigrateError::LockHeld`] (default 10 minutes; zero: do not wait).
    pub fn lock_wait(mut self, wait: Duration) -> Self {
        self.config.lock_wait = wait;
        self
    }

    /// The tool recorded in `applied_by` next to the host name (default `cassia/<version>`).
    pub fn tool(mut self, tool: impl Into<String>) -> Self {
        self.config.tool = tool.into();
        self
    }

    /// A request timeout for each migration statement (default: the session's).
    pub fn statement_timeout(mut self, timeout: Duration) -> Self {
        self.config.statement_timeout = Some(timeout);
        self
    }

    /// Receives progress events.
    pub fn observer(mut self, observer: Arc<dyn MigrateObserver>) -> Self {
        self.observer = Some(observer);
        self
    }

    pub(crate) fn emit(&self, event: MigrateEvent<'_>) {
        if let Some(o) = &self.observer {
            o.on_event(&event);
        }
    }

    /// The keyspace the migrations run in.
    pub fn target_keyspace(&self, session: &Session) -> Result<String, MigrateError> {
        self.config
            .keyspace
            .clone()
            .or_else(|| session.keyspace())
            .ok_or(MigrateError::NoTargetKeyspace)
    }

    pub(crate) fn tables(&self, keyspace: &str) -> HistoryTables {
        HistoryTables {
            keyspace: self
                .config
                .history_keyspace
                .clone()
                .unwrap_or_else(|| keyspace.to_owned()),
            table: self.config.history_table.clone(),
        }
    }

    /// `keyspace.table` of the history table.
    pub fn history_table_name(&self, session: &Session) -> Result<String, MigrateError> {
        Ok(self.tables(&self.target_keyspace(session)?).qualified())
    }

    /// The statements that create whatever is missing before a run: keyspaces, then the
    /// history and lock tables. Reads only.
    pub(crate) async fn setup_plan(
        &self,
        session: &Session,
        keyspace: &str,
        tables: &HistoryTables,
    ) -> Result<Vec<SetupStep>, MigrateError> {
        let mut out = Vec::new();
        let mut keyspaces = vec![keyspace.to_owned()];
        if tables.keyspace != keyspace {
            keyspaces.push(tables.keyspace.clone());
        }
        for ks in keyspaces {
            if !keyspace_exists(session, &ks).await? {
                let replication =
                    self.config
                        .replication
                        .as_ref()
                        .ok_or_else(|| MigrateError::NoKeyspace {
                            keyspace: ks.clone(),
                        })?;
                out.push(SetupStep {
                    cql: replication.create_keyspace_cql(&ks),
                    creates_keyspace: Some(ks),
                });
            }
        }
        if !tables.exists(session).await?
            || !super::history::table_exists(session, &tables.keyspace, &tables.lock_table())
                .await?
        {
            out.extend(tables.create_cql().map(|cql| SetupStep {
                cql,
                creates_keyspace: None,
            }));
        }
        Ok(out)
    }

    /// Runs the set-up steps, each followed by a schema agreement wait.
    pub(crate) async fn setup(
        &self,
        session: &Session,
        steps: &[SetupStep],
    ) -> Result<(), MigrateError> {
        for step in steps {
            let cql = &step.cql;
            session
                .query(cql.as_str(), ())
                .await
                .map_err(MigrateError::cluster(format!("running `{cql}`")))?;
            session
                .await_schema_agreement()
                .await
                .map_err(MigrateError::cluster("waiting for schema agreement"))?;
            if let Some(keyspace) = &step.creates_keyspace {
                self.emit(MigrateEvent::KeyspaceCreated { keyspace });
            }
        }
        Ok(())
    }

    /// `host tool`, recorded in the history's `applied_by`.
    pub(crate) fn applied_by(&self) -> String {
        format!("{} {}", host_name(), self.config.tool)
    }

    /// A lock owner id unique to this run: host, process, tool, start time.
    pub(crate) fn owner_id(&self) -> String {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        format!(
            "{} pid {} ({}) #{:x}",
            host_name(),
            std::process::id(),
            self.config.tool,
            nanos & 0xffff_ffff
        )
    }
}

/// One statement run before migrations: a keyspace or the history tables.
#[derive(Debug, Clone)]
pub(crate) struct SetupStep {
    pub(crate) cql: String,
    /// The keyspace it creates, if it creates one.
    pub(crate) creates_keyspace: Option<String>,
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_else(|| "unknown-host".to_owned())
}

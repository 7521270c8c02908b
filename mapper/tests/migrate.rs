//! The migration library end to end: on the in-process emulator by default, or unchanged on
//! a real cluster through `CASSIA_CONTACT_POINTS` (each test in its own keyspace). Every
//! test checks what the cluster holds afterwards: tables in system_schema, rows in the
//! history table, and (on the emulator) the requests that were actually sent.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;

use cassia::migrate::{
    MigrateError, MigrateEvent, MigrateObserver, Migration, MigrationSet, MigrationStatus,
    Migrator, RecordState, Replication, RevertTarget, RunOptions,
};
use cassia_driver::Session;
use cassia_emulator::EmulatorHandle;
use cassia_emulator::engine::RequestKind;

struct Target {
    session: Session,
    emulator: Option<EmulatorHandle>,
    keyspace: String,
    contact: String,
}

impl Target {
    async fn new(test: &str) -> Target {
        let (contact, emulator) = match std::env::var("CASSIA_CONTACT_POINTS") {
            Ok(points) if !points.trim().is_empty() => (points, None),
            _ => {
                let emu = cassia_emulator::Emulator::builder()
                    .start()
                    .await
                    .expect("emulator starts");
                (emu.addr().to_string(), Some(emu))
            }
        };
        let session = connect(&contact).await;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let keyspace = format!("mig_{test}_{}_{nanos}", std::process::id());
        Target {
            session,
            emulator,
            keyspace,
            contact,
        }
    }

    fn migrator(&self, set: MigrationSet) -> Migrator {
        Migrator::new(set)
            .keyspace(self.keyspace.clone())
            .replication(Replication::simple(1))
    }

    /// Requests sent since the last call (emulator only).
    fn requests(&self) -> Option<Vec<cassia_emulator::engine::LoggedRequest>> {
        self.emulator.as_ref().map(|e| e.engine().take_requests())
    }

    fn record_requests(&self) {
        if let Some(e) = &self.emulator {
            e.engine().record_requests(true);
            e.engine().take_requests();
        }
    }

    async fn tables(&self) -> Vec<String> {
        let rows: Vec<(String,)> = self
            .session
            .query(
                "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?",
                (self.keyspace.as_str(),),
            )
            .await
            .expect("system_schema")
            .rows()
            .expect("rows");
        let mut names: Vec<String> = rows.into_iter().map(|(t,)| t).collect();
        names.sort();
        names
    }

    async fn history(&self) -> BTreeMap<i64, (String, i32, Option<String>)> {
        let rows: Vec<(i64, String, i32, Option<String>)> = self
            .session
            .query(
                format!(
                    "SELECT version, state, statements_done, kind FROM {}.cassia_migrations",
                    self.keyspace
                ),
                (),
            )
            .await
            .expect("history")
            .rows()
            .expect("rows");
        rows.into_iter()
            .map(|(v, s, d, k)| (v, (s, d, k)))
            .collect()
    }

    async fn drop(self) {
        let _ = self
            .session
            .query(format!("DROP KEYSPACE IF EXISTS {}", self.keyspace), ())
            .await;
        self.session.shutdown().await;
        if let Some(e) = self.emulator {
            e.shutdown().await;
        }
    }
}

async fn connect(contact: &str) -> Session {
    Session::builder()
        .known_nodes(contact.split(',').map(str::trim).map(str::to_owned))
        .build()
        .await
        .expect("session")
}

fn m(version: u64, name: &str, up: &str, down: Option<&str>) -> Migration {
    Migration::from_texts(version, name, up, down).expect("valid migration")
}

fn set(ms: Vec<Migration>) -> MigrationSet {
    MigrationSet::new(ms).expect("unique versions")
}

fn base() -> Vec<Migration> {
    vec![
        m(
            20240101000000,
            "users",
            "CREATE TABLE users (id int PRIMARY KEY, name text);\n\
             -- an index on name\n\
             CREATE INDEX users_name ON users (name);",
            Some("DROP TABLE users;"),
        ),
        m(
            20240102000000,
            "posts",
            "CREATE TABLE posts (author int, at timestamp, title text, PRIMARY KEY (author, at)) \
             WITH CLUSTERING ORDER BY (at DESC);\n\
             ALTER TABLE users ADD email text;",
            Some("DROP TABLE posts; ALTER TABLE users DROP email;"),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applies_pending_migrations_then_only_reads() {
    let t = Target::new("apply").await;
    let migrator = t.migrator(set(base()));
    let report = migrator.run(&t.session).await.expect("run");
    assert_eq!(
        report.applied.iter().map(|a| a.version).collect::<Vec<_>>(),
        vec![20240101000000, 20240102000000]
    );
    assert!(report.locked);
    assert_eq!(
        t.tables().await,
        vec![
            "cassia_migrations",
            "cassia_migrations_lock",
            "posts",
            "users"
        ]
    );
    let history = t.history().await;
    assert_eq!(
        history[&20240101000000],
        ("applied".into(), 2, Some("migration".into()))
    );
    assert_eq!(
        history[&20240102000000],
        ("applied".into(), 2, Some("migration".into()))
    );
    // The replication the migrator created the keyspace with.
    let (replication,): (BTreeMap<String, String>,) = t
        .session
        .query(
            "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?",
            (t.keyspace.as_str(),),
        )
        .await
        .expect("keyspace")
        .first_row()
        .expect("row");
    assert!(
        replication["class"].ends_with("SimpleStrategy"),
        "{replication:?}"
    );
    assert_eq!(replication["replication_factor"], "1");

    // Nothing pending: one read of the history, no lock, no writes.
    t.record_requests();
    let again = migrator.run(&t.session).await.expect("second run");
    assert!(again.applied.is_empty() && !again.locked);
    if let Some(requests) = t.requests() {
        assert_eq!(requests.len(), 1, "{requests:?}");
        assert_eq!(requests[0].kind, RequestKind::Query);
        assert!(
            requests[0].cql.starts_with("SELECT") && requests[0].cql.contains("cassia_migrations")
        );
        assert!(!requests.iter().any(|r| r.is_write()));
    }
    let info = migrator.info(&t.session).await.expect("info");
    assert!(
        info.iter().all(|i| i.status == MigrationStatus::Applied),
        "{info:?}"
    );
    assert!(
        info[0]
            .applied_by
            .as_deref()
            .is_some_and(|b| b.contains("cassia/"))
    );
    t.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_sends_no_ddl_and_changes_nothing() {
    let t = Target::new("dry").await;
    let migrator = t.migrator(set(base()));
    t.record_requests();
    let report = migrator
        .run_with(&t.session, RunOptions::default().dry_run(true))
        .await
        .expect("dry run");
    assert!(report.applied.is_empty() && !report.locked);
    assert!(
        report.setup[0].starts_with("CREATE KEYSPACE IF NOT EXISTS"),
        "{:?}",
        report.setup
    );
    let statements: Vec<&str> = report
        .planned
        .iter()
        .flat_map(|p| p.statements.iter().map(|(_, _, c)| c.as_str()))
        .collect();
    assert_eq!(statements.len(), 4);
    assert!(statements[1].starts_with("CREATE INDEX users_name"));
    // Checked, not assumed: the keyspace still does not exist.
    let (count,): (i64,) = t
        .session
        .query(
            "SELECT count(*) FROM system_schema.keyspaces WHERE keyspace_name = ?",
            (t.keyspace.as_str(),),
        )
        .await
        .expect("count")
        .first_row()
        .expect("row");
    assert_eq!(count, 0);
    if let Some(requests) = t.requests() {
        assert!(!requests.iter().any(|r| r.is_write()), "{requests:?}");
    }
    t.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_statement_blocks_until_fixed_then_resumes_there() {
    let t = Target::new("failed").await;
    let broken = m(
        1,
        "three",
        "CREATE TABLE a (k int PRIMARY KEY);\nCREATE TABLE b (k int PRIMARY KEY, v nosuchtype);\nCREATE TABLE c (k int PRIMARY KEY);",
        None,
    );
    let err = t
        .migrator(set(vec![broken.clone()]))
        .run(&t.session)
        .await
        .expect_err("refused");
    assert!(
        matches!(
            err,
            MigrateError::StatementFailed {
                version: 1,
                statement: 2,
                total: 3,
                line: 2,
                ..
            }
        ),
        "{err}"
    );
    let history = t.history().await;
    assert_eq!(history[&1].0, "failed");
    assert_eq!(history[&1].1, 1);
    // The same file again: blocked, nothing sent.
    let err = t
        .migrator(set(vec![broken]))
        .run(&t.session)
        .await
        .expect_err("refused");
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
    // Fixed: resumes at statement 2 (statement 1 is not sent again, or it would fail).
    let fixed = m(
        1,
        "three",
        "CREATE TABLE a (k int PRIMARY KEY);\nCREATE TABLE b (k int PRIMARY KEY, v text);\nCREATE TABLE c (k int PRIMARY KEY);",
        None,
    );
    let report = t
        .migrator(set(vec![fixed]))
        .run(&t.session)
        .await
        .expect("resumes");
    assert_eq!(report.applied[0].resumed_at, 1);
    assert_eq!(report.applied[0].statements, 2);
    assert_eq!(
        t.history().await[&1],
        ("applied".into(), 3, Some("migration".into()))
    );
    let tables = t.tables().await;
    assert!(
        ["a", "b", "c"]
            .iter()
            .all(|n| tables.contains(&(*n).to_owned())),
        "{tables:?}"
    );
    t.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edited_files_are_drift_crlf_is_not_and_repair_accepts_a_reviewed_edit() {
    let t = Target::new("drift").await;
    t.migrator(set(base())).run(&t.session).await.expect("run");
    // A CRLF checkout with extra comments and indentation is the same migration.
    let crlf: Vec<Migration> = base()
        .into_iter()
        .map(|x| {
            let up = format!(
                "-- checked out on Windows\r\n{}",
                x.up.text.replace('\n', "\r\n    ")
            );
            m(
                x.version,
                &x.name,
                &up,
                x.down.as_ref().map(|d| d.text.as_str()),
            )
        })
        .collect();
    let report = t
        .migrator(set(crlf))
        .run(&t.session)
        .await
        .expect("no drift");
    assert!(report.applied.is_empty());
    // A real edit is drift: run refuses, info and validate report it.
    let mut edited = base();
    edited[0] = m(
        20240101000000,
        "users",
        "CREATE TABLE users (id int PRIMARY KEY, name text, extra int);\nCREATE INDEX users_name ON users (name);",
        None,
    );
    let migrator = t.migrator(set(edited));
    let err = migrator.run(&t.session).await.expect_err("refused");
    assert!(
        matches!(&err, MigrateError::Drift { migrations } if migrations.len() == 1),
        "{err}"
    );
    assert_eq!(
        migrator.info(&t.session).await.expect("info")[0].status,
        MigrationStatus::Edited
    );
    let problems = migrator.validate(&t.session).await.expect("validate");
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].message.contains("changed after it was applied"),
        "{}",
        problems[0].message
    );
    let repaired = migrator.repair(&t.session).await.expect("repair");
    assert_eq!(repaired.realigned, vec![20240101000000]);
    assert!(
        migrator
            .validate(&t.session)
            .await
            .expect("validate")
            .is_empty()
    );
    assert!(
        migrator
            .run(&t.session)
            .await
            .expect("run")
            .applied
            .is_empty()
    );
    t.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_runners_apply_each_migration_once() {
    let t = Target::new("race").await;
    // The counter increments would show any migration applied twice.
    let migrations = vec![
        m(
            1,
            "counter",
            "CREATE TABLE hits (k int PRIMARY KEY, n counter);",
            None,
        ),
        m(
            2,
            "bump",
            "UPDATE hits SET n = n + 1 WHERE k = 1;\nCREATE TABLE t2 (k int PRIMARY KEY);",
            None,
        ),
        m(
            3,
            "bump_again",
            "UPDATE hits SET n = n + 1 WHERE k = 1;\nALTER TABLE t2 ADD v text;",
            None,
        ),
    ];
    let mut runners = Vec::new();
    for _ in 0..20 {
        let migrator = t
            .migrator(set(migrations.clone()))
            .lock_ttl(Duration::from_secs(10));
        let contact = t.contact.clone();
        runners.push(tokio::spawn(async move {
            let session = connect(&contact).await;
            let r = migrator.run(&session).await;
            session.shutdown().await;
            r
        }));
    }
    let mut applied = Vec::new();
    for r in runners {
        let report = r.await.expect("task").expect("every runner succeeds");
        applied.extend(report.applied.iter().map(|a| a.version));
    }
    applied.sort_unstable();
    assert_eq!(
        applied,
        vec![1, 2, 3],
        "each migration applied by exactly one runner"
    );
    let (n,): (i64,) = t
        .session
        .query(format!("SELECT n FROM {}.hits WHERE k = 1", t.keyspace), ())
        .await
        .expect("counter")
        .first_row()
        .expect("row");
    assert_eq!(n, 2);
    let history = t.history().await;
    assert!(
        history.values().all(|(s, _, _)| s == "applied"),
        "{history:?}"
    );
    t.drop().await;
}

#[derive(Default)]
struct Events(Mutex<Vec<String>>);

impl MigrateObserver for Events {
    fn on_event(&self, event: &MigrateEvent<'_>) {
        let e = match event {
            MigrateEvent::WaitingForLock { holder } => format!("wait {}", holder.owner),
            MigrateEvent::StatementAlreadyApplied { version, index } => {
                format!("already {version}.{index}")
            }
            MigrateEvent::StatementApplied { version, index, .. } => {
                format!("applied {version}.{index}")
            }
            _ => return,
        };
        self.0.lock().expect("events").push(e);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_runner_s_lease_expires_and_its_migration_resumes_without_repeating() {
    let t = Target::new("dead").await;
    let three = m(
        7,
        "three",
        "CREATE TABLE x1 (k int PRIMARY KEY);\nCREATE TABLE x2 (k int PRIMARY KEY);\nCREATE TABLE x3 (k int PRIMARY KEY);",
        None,
    );
    let migrator = t
        .migrator(set(vec![three.clone()]))
        .lock_ttl(Duration::from_secs(2));
    // Build the state a `kill -9` after statement 2 ran (but before it was recorded) leaves:
    // history says 1 done, x1 and x2 exist, and the dead runner's lease is still there.
    migrator
        .run_with(&t.session, RunOptions::default().dry_run(true))
        .await
        .expect("plan");
    t.migrator(set(vec![m(
        1,
        "setup",
        "CREATE TABLE scratch (k int PRIMARY KEY)",
        None,
    )]))
    .run(&t.session)
    .await
    .expect("creates keyspace and history tables");
    let ks = &t.keyspace;
    for cql in [
        format!("DELETE FROM {ks}.cassia_migrations WHERE version = 1"),
        format!("CREATE TABLE {ks}.x1 (k int PRIMARY KEY)"),
        format!("CREATE TABLE {ks}.x2 (k int PRIMARY KEY)"),
    ] {
        t.session.query(cql, ()).await.expect("setup");
        t.session.await_schema_agreement().await.expect("agreement");
    }
    t.session
        .query(
            format!(
                "INSERT INTO {ks}.cassia_migrations (version, name, checksum, state, statements_done, \
                 statements_total, statement_checksums, applied_by, execution_ms, kind) \
                 VALUES (7, 'three', ?, 'running', 1, 3, ?, 'dead-host cassia/0', 5, 'migration')"
            ),
            (three.up.checksum.as_str(), vec![three.up.statements[0].checksum.as_str()]),
        )
        .await
        .expect("history row");
    t.session
        .query(
            format!(
                "INSERT INTO {ks}.cassia_migrations_lock (name, owner) VALUES ('migrations', 'dead-host pid 1') USING TTL 2"
            ),
            (),
        )
        .await
        .expect("lease");
    let info = migrator.info(&t.session).await.expect("info");
    assert_eq!(
        info.iter()
            .find(|i| i.version == 7)
            .map(|i| i.status.clone()),
        Some(MigrationStatus::Running { done: 1 })
    );
    let holder = migrator
        .lock_holder(&t.session)
        .await
        .expect("holder")
        .expect("held");
    assert_eq!(holder.owner, "dead-host pid 1");

    let events = Arc::new(Events::default());
    let report = migrator
        .clone()
        .lock_wait(Duration::from_secs(30))
        .observer(events.clone())
        .run(&t.session)
        .await
        .expect("takes over after the lease expires");
    assert_eq!(report.applied[0].resumed_at, 1);
    assert_eq!(
        report.applied[0].statements, 1,
        "x2 was found in system_schema, only x3 sent"
    );
    let events = events.0.lock().expect("events").clone();
    assert_eq!(
        events,
        vec![
            "wait dead-host pid 1",
            "already 7.2",
            "applied 7.2",
            "applied 7.3"
        ]
    );
    assert_eq!(
        t.history().await[&7],
        ("applied".into(), 3, Some("migration".into()))
    );
    t.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lock_held_is_reported_with_its_owner_and_force_unlock_frees_it() {
    let t = Target::new("held").await;
    let migrator = t.migrator(set(base())).lock_wait(Duration::ZERO);
    t.migrator(set(vec![]))
        .run(&t.session)
        .await
        .expect("nothing");
    // Create the tables through a first migration, then hold the lock as someone else.
    t.migrator(set(vec![base().remove(0)]))
        .run(&t.session)
        .await
        .expect("first");
    t.session
        .query(
            format!(
                "INSERT INTO {}.cassia_migrations_lock (name, owner) VALUES ('migrations', 'other-host pid 9') USING TTL 600",
                t.keyspace
            ),
            (),
        )
        .await
        .expect("lease");
    let err = migrator.run(&t.session).await.expect_err("refused");
    assert!(
        matches!(&err, MigrateError::LockHeld { owner, .. } if owner == "other-host pid 9"),
        "{err}"
    );
    assert!(err.to_string().contains("unlock --force"), "{err}");
    migrator.force_unlock(&t.session).await.expect("unlock");
    assert!(
        migrator
            .lock_holder(&t.session)
            .await
            .expect("holder")
            .is_none()
    );
    assert_eq!(
        migrator.run(&t.session).await.expect("run").applied.len(),
        1
    );
    t.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_order_needs_permission() {
    let t = Target::new("order").await;
    let a = m(10, "a", "CREATE TABLE a (k int PRIMARY KEY)", None);
    let b = m(20, "b", "CREATE TABLE b (k int PRIMARY KEY)", None);
    t.migrator(set(vec![b.clone()]))
        .run(&t.session)
        .await
        .expect("b");
    let both = t.migrator(set(vec![a, b]));
    let err = both.run(&t.session).await.expect_err("refused");
    assert!(
        matches!(&err, MigrateError::OutOfOrder { latest: 20, versions } if versions.len() == 1),
        "{err}"
    );
    assert!(err.to_string().contains("--allow-out-of-order"));
    let report = both
        .allow_out_of_order(true)
        .run(&t.session)
        .await
        .expect("allowed");
    assert_eq!(report.applied[0].version, 10);
    t.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revert_runs_down_scripts_newest_first() {
    let t = Target::new("revert").await;
    let migrator = t.migrator(set(base()));
    migrator.run(&t.session).await.expect("run");
    assert_eq!(
        migrator
            .revert(&t.session, RevertTarget::Count(1))
            .await
            .expect("revert"),
        vec![20240102000000]
    );
    assert_eq!(
        t.tables().await,
        vec!["cassia_migrations", "cassia_migrations_lock", "users"]
    );
    assert_eq!(t.history().await.len(), 1);
    let columns: Vec<(String,)> = t
        .session
        .query(
            "SELECT column_name FROM system_schema.columns WHERE keyspace_name = ? AND table_name = 'users'",
            (t.keyspace.as_str(),),
        )
        .await
        .expect("columns")
        .rows()
        .expect("rows");
    assert!(!columns.iter().any(|(c,)| c == "email"), "{columns:?}");
    // Applying again re-creates posts; reverting everything empties the history.
    migrator.run(&t.session).await.expect("run again");
    assert_eq!(
        migrator
            .revert(&t.session, RevertTarget::To(0))
            .await
            .expect("all")
            .len(),
        2
    );
    assert!(t.history().await.is_empty());
    // A migration without a down script cannot be reverted, and nothing is touched.
    let forward = t.migrator(set(vec![m(
        5,
        "fwd",
        "CREATE TABLE f (k int PRIMARY KEY)",
        None,
    )]));
    forward.run(&t.session).await.expect("run");
    let err = forward
        .revert(&t.session, RevertTarget::Count(1))
        .await
        .expect_err("refused");
    assert!(
        matches!(err, MigrateError::NotReversible { version: 5, .. }),
        "{err}"
    );
    assert!(t.tables().await.contains(&"f".to_owned()));
    t.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn baseline_adopts_an_existing_keyspace() {
    let t = Target::new("baseline").await;
    let ks = &t.keyspace;
    t.session
        .query(format!("CREATE KEYSPACE {ks} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': 1}}"), ())
        .await
        .expect("keyspace");
    t.session
        .query(
            format!("CREATE TABLE {ks}.users (id int PRIMARY KEY, name text)"),
            (),
        )
        .await
        .expect("table");
    t.session.await_schema_agreement().await.expect("agreement");
    let migrator = t.migrator(set(base()));
    assert_eq!(
        migrator
            .baseline(&t.session, 20240101000000)
            .await
            .expect("baseline"),
        vec![20240101000000]
    );
    let history = t.history().await;
    assert_eq!(history[&20240101000000].2.as_deref(), Some("baseline"));
    assert_eq!(
        migrator.info(&t.session).await.expect("info")[0].status,
        MigrationStatus::Baseline
    );
    let report = migrator.run(&t.session).await.expect("run");
    assert_eq!(
        report.applied.iter().map(|a| a.version).collect::<Vec<_>>(),
        vec![20240102000000]
    );
    let err = migrator
        .baseline(&t.session, 20240101000000)
        .await
        .expect_err("refused");
    assert!(
        matches!(err, MigrateError::HistoryNotEmpty { count: 2, .. }),
        "{err}"
    );
    t.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_keyspace_without_replication_is_a_clear_error() {
    let t = Target::new("noks").await;
    let err = Migrator::new(set(base()))
        .keyspace(t.keyspace.clone())
        .run(&t.session)
        .await
        .expect_err("refused");
    assert!(
        matches!(&err, MigrateError::NoKeyspace { keyspace } if *keyspace == t.keyspace),
        "{err}"
    );
    let _ = RecordState::Applied;
    t.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_migrations_at_start_up_twice_in_a_row() {
    let t = Target::new("embedded").await;
    // What an application does in main(): the files are compiled into the binary.
    let start_up = || async {
        Migrator::new(cassia::migrate!("tests/ui/migrations_ok"))
            .keyspace(t.keyspace.clone())
            .replication(Replication::simple(1))
            .run(&t.session)
            .await
            .expect("start-up migration")
    };
    let first = start_up().await;
    assert_eq!(first.applied.len(), 2);
    assert!(first.locked);
    let (name,): (String,) = t
        .session
        .query(
            format!(
                "SELECT name FROM {}.users WHERE id = 5b6962dd-3f90-4c93-8f61-eabfa4a803e2",
                t.keyspace
            ),
            (),
        )
        .await
        .expect("seeded row")
        .first_row()
        .expect("row");
    assert_eq!(
        name, "O'Brien; admin",
        "a ';' inside a string did not split the statement"
    );
    t.record_requests();
    let second = start_up().await;
    assert!(second.applied.is_empty() && !second.locked, "{second:?}");
    if let Some(requests) = t.requests() {
        assert_eq!(
            requests.len(),
            1,
            "one read, no lock, no write: {requests:?}"
        );
    }
    t.drop().await;
}

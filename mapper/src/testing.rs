//! Test support behind `#[cassia::test]` (feature `testing`): every test gets a fresh
//! keyspace, optionally with models synced and migrations applied, on an emulator shared by
//! the whole test binary — or on the cluster `CASSIA_CONTACT_POINTS` names — and the
//! keyspace is dropped afterwards, whether the test passed or panicked. Tests running in
//! parallel never see each other's rows.
//!
//! ```ignore
//! #[cassia::test(models(Post))]
//! async fn posts_are_listed_newest_first(session: cassia::Session) {
//!     // `session` is connected, its keyspace selected, `posts` created.
//! }
//!
//! #[cassia::test(migrations = "migrations")]
//! async fn migrated(db: cassia::testing::TestDb) -> Result<(), cassia::ExecError> {
//!     println!("running in {}", db.keyspace);
//!     Ok(())
//! }
//! ```
//!
//! The emulator runs on a thread of its own with its own runtime, so it outlives each
//! test's runtime; it is started by the first test that needs it. Against a cluster, the
//! session is built from the `CASSIA_*` variables ([`SessionConfig`]).

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use cassia_driver::{Session, SessionConfig};

use crate::exec::ExecError;
use crate::migrate::{MigrationSet, Migrator, Replication};
use crate::model::Model;

/// A boxed future that syncs one model's table.
pub type SyncFuture<'a> = Pin<Box<dyn Future<Output = Result<(), ExecError>> + Send + 'a>>;

/// Syncs one model (what `models(...)` expands to).
pub type SyncFn = for<'a> fn(&'a Session) -> SyncFuture<'a>;

/// What a test asked for; built by `#[cassia::test]`.
#[derive(Debug, Default)]
pub struct TestOptions {
    /// The test's name (part of its keyspace's name).
    pub name: &'static str,
    /// Models whose tables are synced before the test.
    pub models: &'static [SyncFn],
    /// Migrations applied to the keyspace before the test.
    pub migrations: Option<MigrationSet>,
}

/// The database a test runs against.
#[derive(Debug, Clone)]
pub struct TestDb {
    /// Connected, with [`keyspace`](Self::keyspace) selected.
    pub session: Session,
    /// The test's own keyspace (dropped after the test).
    pub keyspace: String,
}

/// What a `#[cassia::test]` function may take: the [`Session`] or the whole [`TestDb`].
pub trait FromTestDb {
    /// Picks the value out of the test's database.
    fn from_test_db(db: &TestDb) -> Self;
}

impl FromTestDb for Session {
    fn from_test_db(db: &TestDb) -> Self {
        db.session.clone()
    }
}

impl FromTestDb for TestDb {
    fn from_test_db(db: &TestDb) -> Self {
        db.clone()
    }
}

/// The sync step of `models(M)`.
pub fn sync_model<M: Model>(session: &Session) -> SyncFuture<'_> {
    Box::pin(async move {
        crate::schema::sync_table::<M>(session).await?;
        Ok(())
    })
}

/// The shared emulator's address, starting it on first use.
fn shared_emulator() -> Result<SocketAddr, String> {
    static ADDR: OnceLock<Result<SocketAddr, String>> = OnceLock::new();
    ADDR.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("cassia-test-emulator".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(r) => r,
                    Err(e) => {
                        let _ = tx.send(Err(format!("cannot start the emulator's runtime: {e}")));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match cassia_emulator::Emulator::builder().start().await {
                        Ok(handle) => {
                            let _ = tx.send(Ok(handle.addr()));
                            // Serve until the test binary exits.
                            std::future::pending::<()>().await;
                            drop(handle);
                        }
                        Err(e) => {
                            let _ = tx.send(Err(format!("cannot start the emulator: {e}")));
                        }
                    }
                });
            });
        match spawned {
            Ok(_) => rx
                .recv()
                .unwrap_or_else(|_| Err("the emulator thread ended before it started".into())),
            Err(e) => Err(format!("cannot spawn the emulator thread: {e}")),
        }
    })
    .clone()
}

/// A keyspace name unique to this test run: the test's name (shortened), the process id
/// and a counter, within Cassandra's 48 characters.
fn keyspace_name(test: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let clean: String = test
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(24)
        .collect();
    format!("t_{clean}_{}_{n}", std::process::id())
}

async fn connect() -> Result<Session, String> {
    let from_env = SessionConfig::from_env().map_err(|e| e.to_string())?;
    let builder = if from_env.contact_points.is_empty() {
        Session::builder().known_node(shared_emulator()?)
    } else {
        // The test chooses its keyspace; a configured one would not exist yet.
        let config = SessionConfig {
            keyspace: None,
            ..from_env
        };
        Session::builder()
            .config(&config)
            .map_err(|e| e.to_string())?
    };
    builder.build().await.map_err(|e| e.to_string())
}

async fn set_up(options: &TestOptions) -> Result<TestDb, String> {
    let session = connect().await?;
    let keyspace = keyspace_name(options.name);
    let fail = |what: &str, e: &dyn std::fmt::Display| format!("{what} {keyspace}: {e}");
    match &options.migrations {
        Some(set) => {
            Migrator::new(set.clone())
                .keyspace(keyspace.clone())
                .replication(Replication::simple(1))
                .run(&session)
                .await
                .map_err(|e| fail("cannot migrate", &e))?;
        }
        None => {
            session
                .query(crate::schema::create_keyspace_simple(&keyspace, 1), ())
                .await
                .map_err(|e| fail("cannot create", &e))?;
            session
                .await_schema_agreement()
                .await
                .map_err(|e| fail("no schema agreement after creating", &e))?;
        }
    }
    session
        .use_keyspace(&keyspace)
        .await
        .map_err(|e| fail("cannot use", &e))?;
    for sync in options.models {
        sync(&session)
            .await
            .map_err(|e| fail("cannot sync a model in", &e))?;
    }
    Ok(TestDb { session, keyspace })
}

/// Runs one test: sets up its keyspace, runs `test`, drops the keyspace, then returns the
/// test's result or resumes its panic. Set-up failures panic with the reason (a test cannot
/// run without its database).
pub fn run<A, F, Fut, T>(options: TestOptions, test: F) -> T
where
    A: FromTestDb,
    F: FnOnce(A) -> Fut,
    Fut: Future<Output = T>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("cannot start the test runtime: {e}"));
    let db = runtime
        .block_on(set_up(&options))
        .unwrap_or_else(|e| panic!("#[cassia::test] {}: {e}", options.name));
    // The body runs on this thread (it need not be `Send`); a panic is caught so that the
    // keyspace is dropped before it is resumed.
    let arg = A::from_test_db(&db);
    let outcome =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| runtime.block_on(test(arg))));
    let dropped = runtime.block_on(async {
        let dropped = db
            .session
            .query(format!("DROP KEYSPACE IF EXISTS {}", db.keyspace), ())
            .await;
        db.session.shutdown().await;
        dropped
    });
    match outcome {
        Ok(value) => {
            if let Err(e) = dropped {
                panic!(
                    "#[cassia::test] {}: cannot drop {}: {e}",
                    options.name, db.keyspace
                );
            }
            value
        }
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

#[cfg(test)]
mod tests {
    use super::keyspace_name;

    #[test]
    fn keyspace_names_are_valid_and_distinct() {
        let a = keyspace_name("a_Very-Long::test_name_with_many_parts_indeed");
        let b = keyspace_name("a_Very-Long::test_name_with_many_parts_indeed");
        assert_ne!(a, b);
        for name in [&a, &b] {
            assert!(name.len() <= 48, "{name}");
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{name}"
            );
        }
    }
}

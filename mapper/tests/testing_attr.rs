//! `#[cassia::test]`: each test runs in a fresh keyspace on the test binary's shared
//! emulator (or `CASSIA_CONTACT_POINTS`), with models synced or migrations applied, and the
//! keyspace is gone afterwards — also when the test panics.

use cassia::prelude::*;
use cassia::testing::{TestDb, TestOptions, run};
use cassia_driver::Session;

#[derive(Debug, Clone, PartialEq, Model)]
#[cassia(table = "notes")]
struct Note {
    #[cassia(partition_key)]
    id: i32,
    body: String,
}

async fn all_notes(session: &Session) -> Vec<Note> {
    Note::objects().all_on(session).await.expect("notes read")
}

#[cassia::test(models(Note))]
async fn models_are_synced_before_the_test(session: Session) {
    Note {
        id: 1,
        body: "first".into(),
    }
    .insert()
    .execute_on(&session)
    .await
    .expect("insert");
    assert_eq!(
        all_notes(&session).await,
        [Note {
            id: 1,
            body: "first".into()
        }]
    );
}

/// Writes key 7 of `notes`, waits, and finds only its own row there.
async fn sees_only_its_own_row(db: TestDb) {
    let note = Note {
        id: 7,
        body: format!("written in {}", db.keyspace),
    };
    note.insert().execute_on(&db.session).await.expect("insert");
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert_eq!(all_notes(&db.session).await, [note]);
}

// The two tests below write the same key of the same table, in parallel: each sees only its
// own row.
#[cassia::test(models(Note))]
async fn parallel_tests_do_not_share_rows_a(db: TestDb) {
    sees_only_its_own_row(db).await;
}

#[cassia::test(models(Note))]
async fn parallel_tests_do_not_share_rows_b(db: TestDb) {
    sees_only_its_own_row(db).await;
}

#[cassia::test(migrations = "tests/ui/migrations_ok")]
async fn migrations_are_applied_before_the_test(
    db: TestDb,
) -> Result<(), Box<dyn std::error::Error>> {
    let (count,): (i64,) = db
        .session
        .query("SELECT COUNT(*) FROM users", ())
        .await?
        .first_row()?;
    assert_eq!(count, 2, "the seed migration's two users");
    let (applied,): (i64,) = db
        .session
        .query(
            format!("SELECT COUNT(*) FROM {}.cassia_migrations", db.keyspace),
            (),
        )
        .await?
        .first_row()?;
    assert!(applied >= 2, "history rows: {applied}");
    Ok(())
}

async fn keyspaces(session: &Session) -> Vec<String> {
    session
        .query("SELECT keyspace_name FROM system_schema.keyspaces", ())
        .await
        .expect("keyspaces")
        .rows::<(String,)>()
        .expect("names")
        .into_iter()
        .map(|(k,)| k)
        .collect()
}

#[test]
fn keyspaces_are_dropped_after_passing_and_panicking_tests() {
    let passed = run(
        TestOptions {
            name: "drop_after_pass",
            ..TestOptions::default()
        },
        |db: TestDb| async move { db.keyspace },
    );
    let panicked = std::panic::catch_unwind(|| {
        run(
            TestOptions {
                name: "drop_after_panic",
                ..TestOptions::default()
            },
            |db: TestDb| async move {
                // Leave the name where the outer test can find it, then fail.
                std::panic::panic_any(db.keyspace);
            },
        )
    })
    .expect_err("the test body panicked");
    let panicked = panicked
        .downcast::<String>()
        .expect("the keyspace name as panic payload");
    let (passed, panicked) = (passed, *panicked);
    assert!(passed.starts_with("t_drop_after_pass_"), "{passed}");

    run(
        TestOptions {
            name: "observer",
            ..TestOptions::default()
        },
        move |session: Session| async move {
            let live = keyspaces(&session).await;
            assert!(!live.contains(&passed), "{passed} still exists");
            assert!(!live.contains(&panicked), "{panicked} still exists");
        },
    );
}

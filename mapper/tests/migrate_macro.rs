//! `cassia::migrate!` embeds a migrations directory at compile time: the same migrations,
//! statements and checksums as reading the directory at run time (the fixture is
//! `tests/ui/migrations_ok`; the compile errors are UI cases `tests/ui/migrate_*.rs`).

use cassia::migrate::{EmbeddedMigrations, MigrationSet, checksum, split_statements};

static MIGRATIONS: EmbeddedMigrations = cassia::migrate!("tests/ui/migrations_ok");

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ui/migrations_ok");

#[test]
fn embeds_versions_names_and_files_in_order() {
    let summary: Vec<(u64, &str, &str, Option<&str>)> = MIGRATIONS
        .0
        .iter()
        .map(|m| (m.version, m.name, m.up.file, m.down.map(|d| d.file)))
        .collect();
    assert_eq!(
        summary,
        [
            (
                20240101120000,
                "init",
                "20240101120000_init.up.cql",
                Some("20240101120000_init.down.cql")
            ),
            (20240215093000, "seed", "20240215093000_seed.cql", None),
        ]
    );
}

#[test]
fn embeds_the_statements_ready_to_send() {
    let statements = |i: usize| -> Vec<(&str, u32)> {
        MIGRATIONS.0[i]
            .up
            .statements
            .iter()
            .map(|s| (s.cql, s.line))
            .collect()
    };
    assert_eq!(
        statements(0),
        [
            (
                "CREATE TABLE users (\n    id uuid PRIMARY KEY,\n    name text,\n    email text\n)",
                2
            ),
            (
                "CREATE TABLE posts (\n    user_id uuid,\n    posted timeuuid,\n    body text,\n    \
                 PRIMARY KEY (user_id, posted)\n) WITH CLUSTERING ORDER BY (posted DESC)",
                9
            ),
        ]
    );
    assert_eq!(
        statements(1),
        [
            (
                "INSERT INTO users (id, name, email)\nVALUES (5b6962dd-3f90-4c93-8f61-eabfa4a803e2, \
                 'O''Brien; admin', 'ob@example.com')",
                2
            ),
            (
                "INSERT INTO \"users\" (id, name) VALUES (a4a70900-24e1-11df-8924-001ff3591711, \
                 $$two\nlines; one string$$)",
                4
            ),
        ]
    );
    let down: Vec<&str> = MIGRATIONS.0[0]
        .down
        .iter()
        .flat_map(|d| d.statements)
        .map(|s| s.cql)
        .collect();
    assert_eq!(down, ["DROP TABLE posts", "DROP TABLE users"]);
}

#[test]
fn embeds_the_file_texts_and_their_checksums() {
    for m in MIGRATIONS.0 {
        for script in std::iter::once(&m.up).chain(&m.down) {
            let path = format!("{FIXTURE}/{}", script.file);
            let on_disk = std::fs::read_to_string(&path).expect("fixture readable");
            assert_eq!(script.text, on_disk, "{path}");
            assert_eq!(
                Ok(script.checksum.to_owned()),
                checksum(script.text),
                "{path}"
            );
            let split = split_statements(script.text).expect("splits");
            let checksums: Vec<&str> = script.statements.iter().map(|s| s.checksum).collect();
            let want: Vec<&str> = split.iter().map(|s| s.checksum.as_str()).collect();
            assert_eq!(checksums, want, "{path}");
        }
    }
    assert_eq!(MIGRATIONS.0[0].up.checksum.len(), 64);
}

#[test]
fn equals_reading_the_directory_at_run_time() {
    let read = MigrationSet::from_dir(FIXTURE).expect("fixture loads");
    let embedded = MigrationSet::from(MIGRATIONS);
    assert_eq!(embedded, read);
    assert!(
        embedded
            .get(20240101120000)
            .expect("present")
            .is_reversible()
    );
    assert!(
        !embedded
            .get(20240215093000)
            .expect("present")
            .is_reversible()
    );
}

#[test]
fn expands_in_let_and_const_positions() {
    const IN_A_CONST: EmbeddedMigrations = cassia::migrate!("tests/ui/migrations_ok");
    let in_a_let = cassia::migrate!("tests/ui/migrations_ok");
    assert_eq!(IN_A_CONST, MIGRATIONS);
    assert_eq!(in_a_let, MIGRATIONS);
    assert_eq!(hygiene::MIGRATIONS, MIGRATIONS);
}

/// The expansion names everything by absolute path: it compiles without the prelude, next
/// to items that shadow the names it uses.
mod hygiene {
    #![no_implicit_prelude]
    #![allow(dead_code, unused_macros)]

    struct Option;
    struct Some;
    struct None;
    macro_rules! include_str {
        ($($t:tt)*) => {
            "shadowed"
        };
    }
    mod cassia {}

    pub static MIGRATIONS: ::cassia::migrate::EmbeddedMigrations =
        ::cassia::migrate!("tests/ui/migrations_ok");
}

//! Golden tests of the schema diff engine against the emulator.
//!
//! Each directory under `tests/schema_diff/` is one case:
//! - `before.cql`: applied to a fresh keyspace (may be empty);
//! - `models.json`: a `SchemaSnapshot` of the models;
//! - `expected.cql`: the migration rendered without destructive changes allowed;
//! - `expected-destructive.cql`: the same with them allowed (only when there are some);
//! - `expected-plan.txt` (some cases): the plan `schema diff` prints.
//!
//! Every case also runs the migration (destructive changes allowed) and diffs again: what
//! remains must be exactly the impossible changes (nothing, for most cases).
//! `BLESS=1 cargo test -p cassia --test schema_diff` rewrites the expected files; review
//! every one of them by eye before committing.

use std::path::{Path, PathBuf};

use cassia::CqlType;
use cassia::schema::{
    ChangeClass, ColumnKind, ColumnSchema, DiffOptions, IndexKind, LiveKeyspace, SchemaDiff,
    SchemaSnapshot, TableSchema, create_keyspace_simple, diff_keyspace, read_keyspace,
};
use cassia_driver::Session;
use cassia_emulator::Emulator;

#[path = "schema_diff/split.rs"]
mod split;
use split::statements;

/// Every case, so a directory that goes missing fails the test.
const CASES: &[&str] = &[
    "add_column",
    "add_static_column",
    "add_udt_field",
    "clustering_order_change",
    "column_type_change",
    "counter_to_regular",
    "drop_column",
    "drop_index",
    "drop_table",
    "drop_type",
    "mixed",
    "new_index",
    "new_table",
    "new_type",
    "new_type_nested",
    "no_change",
    "primary_key_change",
    "static_to_regular",
    "table_options",
    "udt_field_change",
];

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schema_diff")
}

fn bless() -> bool {
    std::env::var_os("BLESS").is_some_and(|v| v != "0")
}

async fn run_all(session: &Session, cql: &str, what: &str) -> Result<(), String> {
    for s in statements(cql) {
        session
            .query(s.as_str(), ())
            .await
            .map_err(|e| format!("{what}: `{s}` failed: {e}"))?;
    }
    Ok(())
}

async fn read(session: &Session, keyspace: &str) -> Result<LiveKeyspace, String> {
    read_keyspace(session, keyspace)
        .await
        .map_err(|e| format!("reading {keyspace}: {e}"))?
        .ok_or_else(|| format!("keyspace {keyspace} not found"))
}

/// Compares `actual` with the file (or writes it when blessing).
fn check_file(path: &Path, actual: &str) -> Result<(), String> {
    if bless() {
        return std::fs::write(path, actual).map_err(|e| format!("{}: {e}", path.display()));
    }
    let expected = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: {e} (run with BLESS=1 to create it)", path.display()))?;
    if expected != actual {
        return Err(format!(
            "{} differs.\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        ));
    }
    Ok(())
}

fn impossible_descriptions(diff: &SchemaDiff) -> Vec<&str> {
    diff.changes
        .iter()
        .filter(|c| c.class == ChangeClass::Impossible)
        .map(|c| c.description.as_str())
        .collect()
}

async fn run_case(addr: &str, case: &str) -> Result<(), String> {
    let dir = cases_dir().join(case);
    let read_text = |name: &str| {
        std::fs::read_to_string(dir.join(name)).map_err(|e| format!("{case}/{name}: {e}"))
    };
    let before = read_text("before.cql")?;
    let snapshot: SchemaSnapshot = serde_json::from_str(&read_text("models.json")?)
        .map_err(|e| format!("{case}/models.json: {e}"))?;
    let keyspace = format!("diff_{case}");
    let session = Session::builder()
        .known_node(addr)
        .build()
        .await
        .map_err(|e| format!("session: {e}"))?;
    session
        .query(create_keyspace_simple(&keyspace, 1), ())
        .await
        .map_err(|e| format!("keyspace: {e}"))?;
    session
        .use_keyspace(&keyspace)
        .await
        .map_err(|e| format!("use: {e}"))?;
    run_all(&session, &before, "before.cql").await?;

    let live = read(&session, &keyspace).await?;
    let models = snapshot.models();
    let options = DiffOptions::default();
    let diff = diff_keyspace(&models, Some(&live), &keyspace, &options);
    check_file(&dir.join("expected.cql"), &diff.render_migration(false))?;
    let destructive_file = dir.join("expected-destructive.cql");
    if diff.has_destructive() {
        check_file(&destructive_file, &diff.render_migration(true))?;
    } else if destructive_file.exists() {
        return Err(format!(
            "{case}: expected-destructive.cql exists but the diff has no destructive change"
        ));
    }

    // The plan `schema diff` prints, pinned for the cases that have the file.
    let plan_file = dir.join("expected-plan.txt");
    if plan_file.exists() || (bless() && case == "mixed") {
        check_file(&plan_file, &diff.render_plan())?;
    }

    // The round trip: after the migration only the impossible changes remain.
    run_all(&session, &diff.render_migration(true), "the migration").await?;
    let after = read(&session, &keyspace).await?;
    let again = diff_keyspace(&models, Some(&after), &keyspace, &options);
    let remaining = again.count(ChangeClass::Safe) + again.count(ChangeClass::Destructive);
    if remaining > 0 || impossible_descriptions(&again) != impossible_descriptions(&diff) {
        return Err(format!(
            "{case}: after the migration the diff is not just the impossible changes:\n{}",
            again.render_plan()
        ));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn golden_cases() {
    let emu = Emulator::builder()
        .listen("127.0.0.1:0".parse().expect("literal"))
        .start()
        .await
        .expect("emulator starts");
    let addr = emu.addr().to_string();
    let mut failures = Vec::new();
    for case in CASES {
        if let Err(e) = run_case(&addr, case).await {
            failures.push(format!("case {case}: {e}"));
        }
    }
    let mut on_disk: Vec<String> = std::fs::read_dir(cases_dir())
        .expect("cases dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    assert_eq!(on_disk, CASES, "case directories and CASES differ");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A missing keyspace diffs as an empty one: everything is created.
#[test]
fn missing_keyspace_creates_everything() {
    let snapshot: SchemaSnapshot = serde_json::from_str(
        &std::fs::read_to_string(cases_dir().join("new_type/models.json")).expect("models"),
    )
    .expect("snapshot");
    let diff = diff_keyspace(&snapshot.models(), None, "nowhere", &DiffOptions::default());
    let steps: Vec<&str> = diff.changes.iter().map(|c| c.object.as_str()).collect();
    assert_eq!(steps, ["type address", "table users"]);
    assert!(!diff.has_destructive() && !diff.has_impossible());
}

/// Ignored tables are neither dropped nor created; models of other keyspaces are left out.
#[test]
fn ignored_tables_and_other_keyspaces_are_left_out() {
    let mut live = LiveKeyspace::empty("app");
    live.tables
        .push(cassia::schema::LiveTable::new("cassia_migrations"));
    let mut other = TableSchema::new(Some("elsewhere"), "audit");
    other.columns = vec![ColumnSchema::new("id", CqlType::Int).kind(ColumnKind::PartitionKey(0))];
    let mut history = TableSchema::new(None, "cassia_migrations");
    history.columns = other.columns.clone();
    let options = DiffOptions::default().ignore_table("cassia_migrations");
    let diff = diff_keyspace(&[&other, &history], Some(&live), "app", &options);
    assert!(diff.is_empty(), "{}", diff.render_plan());
    assert!(diff.render_migration(false).contains("No changes"));
    // Without the option the history table would be compared (and found to differ).
    let diff = diff_keyspace(&[&other], Some(&live), "app", &DiffOptions::default());
    assert_eq!(diff.changes.len(), 1);
    assert_eq!(diff.changes[0].object, "table cassia_migrations");
    assert_eq!(diff.changes[0].class, ChangeClass::Destructive);
}

/// Every `CqlType` variant survives a JSON round trip inside a snapshot.
#[test]
fn snapshot_json_round_trip() {
    let address = CqlType::Udt {
        name: "Address".into(),
        fields: vec![
            ("street".into(), CqlType::Text),
            ("zip".into(), CqlType::Int),
        ],
    };
    let scalars = [
        CqlType::Ascii,
        CqlType::BigInt,
        CqlType::Blob,
        CqlType::Boolean,
        CqlType::Date,
        CqlType::Decimal,
        CqlType::Double,
        CqlType::Duration,
        CqlType::Float,
        CqlType::Inet,
        CqlType::Int,
        CqlType::SmallInt,
        CqlType::Text,
        CqlType::Time,
        CqlType::Timestamp,
        CqlType::Timeuuid,
        CqlType::TinyInt,
        CqlType::Uuid,
        CqlType::Varint,
    ];
    let mut t = TableSchema::new(Some("app"), "everything");
    t.columns
        .push(ColumnSchema::new("id", CqlType::Uuid).kind(ColumnKind::PartitionKey(0)));
    t.columns.push(
        ColumnSchema::new("at", CqlType::Timestamp).kind(ColumnKind::Clustering(
            0,
            cassia::schema::ClusteringOrder::Desc,
        )),
    );
    for (i, s) in scalars.into_iter().enumerate() {
        t.columns.push(ColumnSchema::new(format!("c{i}"), s));
    }
    t.columns.extend([
        ColumnSchema::new("l", CqlType::List(Box::new(CqlType::Int))).index(IndexKind::Values),
        ColumnSchema::new("s", CqlType::Set(Box::new(CqlType::Text))),
        ColumnSchema::new(
            "m",
            CqlType::Map(Box::new(CqlType::Text), Box::new(address.clone().frozen())),
        )
        .index(IndexKind::Entries),
        ColumnSchema::new("tu", CqlType::Tuple(vec![CqlType::Int, CqlType::Text])),
        ColumnSchema::new("v", CqlType::Vector(Box::new(CqlType::Float), 3)),
        ColumnSchema::new("u", address.clone()).kind(ColumnKind::Static),
        ColumnSchema::new("fl", CqlType::List(Box::new(CqlType::Int)).frozen())
            .index(IndexKind::Full),
        ColumnSchema::new(
            "mk",
            CqlType::Map(Box::new(CqlType::Int), Box::new(CqlType::Int)),
        )
        .index(IndexKind::Keys),
    ]);
    t.options.default_ttl = Some(60);
    t.options.comment = Some("every type".into());
    t.options.gc_grace_seconds = Some(10);
    t.options.compaction = Some("{'class': 'LeveledCompactionStrategy'}".into());
    t.options.caching = Some("{'keys': 'NONE'}".into());
    t.discriminator = Some("c12".into());
    let counter = {
        let mut c = TableSchema::new(None, "hits");
        c.columns = vec![
            ColumnSchema::new("page", CqlType::Text).kind(ColumnKind::PartitionKey(0)),
            ColumnSchema::new("n", CqlType::Counter),
        ];
        c
    };
    let snapshot = SchemaSnapshot::new(&[&t, &counter]);
    let json = serde_json::to_string_pretty(&snapshot).expect("serializes");
    let back: SchemaSnapshot = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(back, snapshot);
    assert_eq!(back.format, SchemaSnapshot::FORMAT);
    // The shape the snapshot documents: CQL's own names.
    assert!(json.contains(r#""cql_type": "bigint""#), "{json}");
    assert!(json.contains(r#""kind": {"#) && json.contains(r#""partition_key": 0"#));
    assert!(json.contains(r#""vector": ["#), "{json}");
}

//! Schema metadata against the emulator: what `Session::metadata` lists (kinds, clustering
//! order, parsed types, indexes), refreshes after another session's DDL, one refresh per
//! burst of events, an export that replays to the same `system_schema` rows, and replicas.
//!
//! The emulator has no materialized views, functions or aggregates (`system_schema.views`,
//! `functions` and `aggregates` are empty there): their reading and export are covered by
//! the unit tests in `src/metadata/`.

mod common;

use std::time::Duration;

use cassia_driver::metadata::{ClusteringOrder, ColumnKind, IndexKind, SchemaMetadata};
use cassia_driver::{ColumnType, Session};
use cassia_emulator::{Emulator, EmulatorHandle};
use common::schema_rows::schema_rows;

async fn start(record: bool) -> EmulatorHandle {
    Emulator::builder()
        .listen("127.0.0.1:0".parse().expect("literal"))
        .record_requests(record)
        .start()
        .await
        .expect("emulator starts")
}

async fn connect(emu: &EmulatorHandle, debounce: Duration) -> Session {
    Session::builder()
        .known_node(emu.addr().to_string())
        .schema_refresh_debounce(debounce)
        .build()
        .await
        .expect("session")
}

async fn run(session: &Session, statements: &[&str]) {
    for s in statements {
        session
            .query(*s, ())
            .await
            .unwrap_or_else(|e| panic!("`{s}` failed: {e}"));
    }
}

/// Polls `session.metadata()` until `ready` holds (or fails after 10 s).
async fn eventually(session: &Session, what: &str, ready: impl Fn(&SchemaMetadata) -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !ready(&session.metadata()) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the metadata never showed {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

const SCHEMA: &[&str] = &[
    "CREATE KEYSPACE meta WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    "CREATE TYPE meta.geo (lat double, lon double)",
    "CREATE TYPE meta.address (street text, \"Zip\" int, at frozen<geo>)",
    "CREATE TABLE meta.events (site text, day date, at timestamp, seq int, owner text static, \
     note text, home frozen<address>, tags set<text>, embedding vector<float, 3>, \
     PRIMARY KEY ((site, day), at, seq)) WITH CLUSTERING ORDER BY (at DESC, seq ASC) \
     AND comment = 'it''s events' AND gc_grace_seconds = 7200 \
     AND compaction = {'class': 'LeveledCompactionStrategy'}",
    "CREATE INDEX tags_idx ON meta.events (tags)",
    "CREATE CUSTOM INDEX note_sai ON meta.events (note) USING 'StorageAttachedIndex'",
];

#[tokio::test]
async fn lists_keyspaces_tables_columns_types_and_indexes() {
    let emu = start(false).await;
    let session = connect(&emu, Duration::from_millis(50)).await;
    assert!(
        session.metadata().keyspace("system_schema").is_some(),
        "read at connect time"
    );
    run(&session, SCHEMA).await;
    let ks = session
        .refresh_keyspace("meta")
        .await
        .expect("read")
        .expect("keyspace exists");
    assert_eq!(ks.replication_strategy(), "SimpleStrategy");
    assert_eq!(
        ks.replication.get("replication_factor").map(String::as_str),
        Some("1")
    );
    assert!(ks.durable_writes);
    assert_eq!(
        ks.user_type("address").expect("udt").fields,
        vec![
            ("street".to_owned(), "text".to_owned()),
            ("Zip".to_owned(), "int".to_owned()),
            ("at".to_owned(), "frozen<geo>".to_owned()),
        ]
    );

    let events = ks.table("events").expect("table");
    let columns: Vec<(&str, ColumnKind, i32)> = events
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.kind, c.position))
        .collect();
    assert_eq!(
        columns,
        [
            ("site", ColumnKind::PartitionKey, 0),
            ("day", ColumnKind::PartitionKey, 1),
            ("at", ColumnKind::Clustering, 0),
            ("seq", ColumnKind::Clustering, 1),
            ("embedding", ColumnKind::Regular, -1),
            ("home", ColumnKind::Regular, -1),
            ("note", ColumnKind::Regular, -1),
            ("owner", ColumnKind::Static, -1),
            ("tags", ColumnKind::Regular, -1),
        ]
    );
    let order: Vec<ClusteringOrder> = events
        .clustering_columns()
        .iter()
        .map(|c| c.clustering_order)
        .collect();
    assert_eq!(order, [ClusteringOrder::Desc, ClusteringOrder::Asc]);
    let home = events.column("home").expect("column");
    assert_eq!(home.cql_type, "frozen<address>");
    let Some(ColumnType::Udt { name, fields, .. }) = &home.column_type else {
        panic!("home parsed as a user type: {:?}", home.column_type);
    };
    assert_eq!(name, "address");
    assert!(matches!(&fields[2], (f, ColumnType::Udt { name, .. }) if f == "at" && name == "geo"));
    assert_eq!(
        events.column("embedding").expect("column").column_type,
        Some(ColumnType::Vector {
            element: Box::new(ColumnType::Float),
            dimension: 3
        })
    );
    assert_eq!(events.options.comment.as_deref(), Some("it's events"));
    assert_eq!(events.options.gc_grace_seconds, Some(7200));
    assert!(
        events.options.compaction.as_ref().expect("compaction")["class"]
            .ends_with("LeveledCompactionStrategy")
    );

    let tags = events.index("tags_idx").expect("index");
    assert_eq!(
        (tags.kind, tags.target.as_str()),
        (IndexKind::Composites, "values(tags)")
    );
    let sai = events.index("note_sai").expect("index");
    assert_eq!(sai.kind, IndexKind::Custom);
    assert!(
        sai.class_name()
            .expect("class")
            .ends_with("StorageAttachedIndex"),
        "{:?}",
        sai.options
    );
    assert!(
        events
            .to_cql()
            .contains("CREATE CUSTOM INDEX note_sai ON meta.events (note) USING '"),
        "{}",
        events.to_cql()
    );

    run(&session, &["DROP KEYSPACE meta"]).await;
    assert!(
        session
            .refresh_keyspace("meta")
            .await
            .expect("read")
            .is_none()
    );
    assert!(
        session.metadata().keyspace("meta").is_none(),
        "removed from the snapshot"
    );
}

#[tokio::test]
async fn another_sessions_change_shows_after_the_debounce() {
    let emu = start(false).await;
    let writer = connect(&emu, Duration::from_millis(50)).await;
    let reader = connect(&emu, Duration::from_millis(100)).await;
    run(
        &writer,
        &[
            "CREATE KEYSPACE seen WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
            "CREATE TABLE seen.t (id int PRIMARY KEY, v text)",
        ],
    )
    .await;
    eventually(&reader, "seen.t", |m| m.table("seen", "t").is_some()).await;
    run(&writer, &["ALTER TABLE seen.t ADD extra int"]).await;
    eventually(&reader, "seen.t.extra", |m| {
        m.table("seen", "t")
            .and_then(|t| t.column("extra"))
            .is_some()
    })
    .await;
    run(&writer, &["DROP TABLE seen.t"]).await;
    eventually(&reader, "seen.t dropped", |m| {
        m.keyspace("seen").is_some() && m.table("seen", "t").is_none()
    })
    .await;
}

#[tokio::test]
async fn a_burst_of_changes_costs_one_refresh_of_its_keyspace() {
    let emu = start(true).await;
    // The writer never refreshes within the test, so every schema read logged is the
    // reader's.
    let writer = connect(&emu, Duration::from_secs(3600)).await;
    let reader = connect(&emu, Duration::from_millis(700)).await;
    run(
        &writer,
        &["CREATE KEYSPACE burst WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"],
    )
    .await;
    eventually(&reader, "burst", |m| m.keyspace("burst").is_some()).await;
    emu.engine().take_requests();

    let tables: Vec<String> = (0..5)
        .map(|i| format!("CREATE TABLE burst.t{i} (id int PRIMARY KEY)"))
        .collect();
    let tables: Vec<&str> = tables.iter().map(String::as_str).collect();
    run(&writer, &tables).await;
    eventually(&reader, "the five tables", |m| {
        m.keyspace("burst").is_some_and(|k| k.tables.len() == 5)
    })
    .await;
    // Late refreshes would show up in this time.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let reads: Vec<String> = emu
        .engine()
        .take_requests()
        .into_iter()
        .map(|r| r.cql)
        .filter(|cql| cql.contains("system_schema.tables"))
        .collect();
    assert_eq!(
        reads,
        ["SELECT * FROM system_schema.tables WHERE keyspace_name = ?"],
        "one read of the keyspace named by the events, none of the whole schema"
    );
}

#[tokio::test]
async fn an_export_replays_to_the_same_system_schema_rows() {
    let source = start(false).await;
    let session = connect(&source, Duration::from_millis(50)).await;
    run(&session, SCHEMA).await;
    let cql = session
        .refresh_keyspace("meta")
        .await
        .expect("read")
        .expect("keyspace")
        .to_cql();

    let fresh = start(false).await;
    let replay = connect(&fresh, Duration::from_millis(50)).await;
    for statement in cql.split(";\n\n") {
        let statement = statement.trim().trim_end_matches(';');
        replay
            .query(statement, ())
            .await
            .unwrap_or_else(|e| panic!("`{statement}` failed: {e}"));
    }
    for table in ["keyspaces", "tables", "columns", "types", "indexes"] {
        assert_eq!(
            schema_rows(&replay, table, "meta", &["id"]).await,
            schema_rows(&session, table, "meta", &["id"]).await,
            "system_schema.{table} differs after replaying:\n{cql}"
        );
    }
}

#[tokio::test]
async fn replicas_of_a_partition_key() {
    let emu = start(false).await;
    let session = connect(&emu, Duration::from_millis(50)).await;
    run(&session, SCHEMA).await;
    session.refresh_keyspace("meta").await.expect("read");
    let date = cassia_driver::CqlDate(1 << 31);
    let replicas = session
        .replicas("meta", "events", ("eu", date))
        .expect("replicas");
    let addresses: Vec<_> = replicas.iter().map(|n| n.address()).collect();
    assert_eq!(addresses, [emu.addr()]);
    let err = session
        .replicas("meta", "events", ("eu",))
        .expect_err("one value for two key columns");
    assert!(
        err.to_string().starts_with("partition key of meta.events"),
        "{err}"
    );
    assert!(matches!(
        session.replicas("meta", "nope", (1,)),
        Err(cassia_driver::error::MetadataError::UnknownTable { .. })
    ));
}

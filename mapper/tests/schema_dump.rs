//! `schema dump` against two emulators: a keyspace built on A with nested types, composite
//! keys, clustering order, static and counter columns, collections, frozen and non-frozen
//! user types, every table option and every index kind is dumped, replayed on a fresh B,
//! and the `system_schema` rows of both (ids aside) must be equal.

mod common;

use cassia::schema::{LiveKeyspace, read_keyspace};
use cassia_driver::Session;
use cassia_emulator::EmulatorHandle;

#[path = "schema_diff/split.rs"]
mod split;
use split::statements;

#[path = "../../driver/client/tests/common/schema_rows.rs"]
mod schema_rows;

/// What a replay may change: the table ids and, into another keyspace, its name.
const UNCOMPARED: &[&str] = &["id", "keyspace_name"];

const KEYSPACE: &str = "dump_src";

/// The source schema; types are created in an order the dump must not simply copy
/// (`address` uses `geo`, `tagged` uses `address`).
const SCHEMA: &str = r#"
CREATE KEYSPACE dump_src WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 1}
    AND durable_writes = false;
USE dump_src;
CREATE TYPE geo (lat double, lon double);
CREATE TYPE address (street text, "Zip" int, at frozen<geo>);
CREATE TYPE tagged (names frozen<set<text>>, home frozen<address>);
CREATE TABLE events (
    site text,
    day date,
    at timestamp,
    seq int,
    owner text static,
    kind text,
    note text,
    tags set<text>,
    scores list<int>,
    attrs map<text, int>,
    sizes frozen<list<int>>,
    pos tuple<int, text>,
    place frozen<address>,
    home address,
    labels map<text, frozen<tagged>>,
    "userId" bigint,
    legacy text,
    PRIMARY KEY ((site, day), at, seq)
) WITH CLUSTERING ORDER BY (at DESC, seq ASC)
    AND comment = 'it''s events'
    AND default_time_to_live = 3600
    AND gc_grace_seconds = 7200
    AND compaction = {'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb': '160'}
    AND caching = {'keys': 'NONE', 'rows_per_partition': 'ALL'}
    AND compression = {'class': 'ZstdCompressor', 'chunk_length_in_kb': '64'}
    AND bloom_filter_fp_chance = 0.1
    AND crc_check_chance = 0.5
    AND speculative_retry = '95p'
    AND additional_write_policy = 'NEVER'
    AND read_repair = 'NONE'
    AND memtable_flush_period_in_ms = 60000
    AND min_index_interval = 64
    AND max_index_interval = 1024
    AND cdc = true;
ALTER TABLE events DROP legacy;
CREATE TABLE page_views (page text, day date, views counter, likes counter,
    PRIMARY KEY ((page), day)) WITH CLUSTERING ORDER BY (day DESC);
CREATE TABLE "Mixed" ("Id" int PRIMARY KEY, "Value" text);
CREATE INDEX ON events (kind);
CREATE INDEX tags_idx ON events (tags);
CREATE INDEX ON events (KEYS(attrs));
CREATE INDEX attrs_entries ON events (ENTRIES(attrs));
CREATE INDEX ON events (FULL(sizes));
CREATE INDEX ON events (day);
CREATE INDEX ON events ("userId");
CREATE INDEX "Mixed_value" ON "Mixed" ("Value");
CREATE CUSTOM INDEX events_note_sai ON events (note) USING 'StorageAttachedIndex'
    WITH OPTIONS = {'case_sensitive': 'false'};
"#;

async fn start() -> (EmulatorHandle, Session) {
    let (emu, session) = common::own_emulator(Session::builder()).await;
    (emu, session)
}

async fn run(session: &Session, cql: &str) {
    for s in statements(cql) {
        session
            .query(s.as_str(), ())
            .await
            .unwrap_or_else(|e| panic!("`{s}` failed: {e}"));
    }
}

async fn live(session: &Session, keyspace: &str) -> LiveKeyspace {
    read_keyspace(session, keyspace)
        .await
        .expect("read")
        .expect("keyspace exists")
}

const SCHEMA_TABLES: &[&str] = &["keyspaces", "tables", "columns", "types", "indexes"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dump_replays_to_the_same_schema() {
    let (_a, source) = start().await;
    run(&source, SCHEMA).await;
    let original = live(&source, KEYSPACE).await;
    let dump = original.to_cql();

    // Statements come in dependency order, kinds in the documented order.
    let order: Vec<String> = statements(&dump)
        .iter()
        .map(|s| s.split(" (").next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        order,
        [
            "CREATE KEYSPACE dump_src WITH replication = {'class': 'org.apache.cassandra.locator.NetworkTopologyStrategy', 'datacenter1': '1'} AND durable_writes = false",
            "CREATE TYPE dump_src.geo",
            "CREATE TYPE dump_src.address",
            "CREATE TYPE dump_src.tagged",
            "CREATE TABLE dump_src.\"Mixed\"",
            "CREATE TABLE dump_src.events",
            "CREATE TABLE dump_src.page_views",
            "CREATE INDEX \"Mixed_value\" ON dump_src.\"Mixed\"",
            "CREATE INDEX attrs_entries ON dump_src.events",
            "CREATE INDEX events_attrs_idx ON dump_src.events",
            "CREATE INDEX events_day_idx ON dump_src.events",
            "CREATE INDEX events_kind_idx ON dump_src.events",
            "CREATE CUSTOM INDEX events_note_sai ON dump_src.events",
            "CREATE INDEX events_sizes_idx ON dump_src.events",
            "CREATE INDEX \"events_userId_idx\" ON dump_src.events",
            "CREATE INDEX tags_idx ON dump_src.events",
        ],
        "{dump}"
    );
    assert!(dump.ends_with(";\n"));
    assert!(
        dump.contains(
            "CREATE CUSTOM INDEX events_note_sai ON dump_src.events (note) USING \
             'StorageAttachedIndex' WITH OPTIONS = {'case_sensitive': 'false'};"
        ),
        "{dump}"
    );
    assert!(!dump.contains("legacy"), "dropped columns are not dumped");

    let (_b, target) = start().await;
    run(&target, &dump).await;
    for table in SCHEMA_TABLES {
        let expected = schema_rows::schema_rows(&source, table, KEYSPACE, UNCOMPARED).await;
        assert!(!expected.is_empty(), "no rows in system_schema.{table}");
        assert_eq!(
            schema_rows::schema_rows(&target, table, KEYSPACE, UNCOMPARED).await,
            expected,
            "system_schema.{table} differs after the replay"
        );
    }
    let replayed = live(&target, KEYSPACE).await;
    assert_eq!(
        replayed.to_cql(),
        dump,
        "a dump of the replay is the same dump"
    );

    // Without the keyspace statement, names are unqualified: the dump replays into a
    // keyspace of another name created separately.
    let bare = original.without_keyspace_statement();
    assert!(!bare.contains("dump_src"), "{bare}");
    run(
        &target,
        "CREATE KEYSPACE copy WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};",
    )
    .await;
    target.use_keyspace("copy").await.expect("use");
    run(&target, &bare).await;
    for table in SCHEMA_TABLES.iter().filter(|t| **t != "keyspaces") {
        assert_eq!(
            schema_rows::schema_rows(&target, table, "copy", UNCOMPARED).await,
            schema_rows::schema_rows(&source, table, KEYSPACE, UNCOMPARED).await,
            "system_schema.{table} differs after the replay into another keyspace"
        );
    }
    assert_eq!(
        live(&target, "copy").await.without_keyspace_statement(),
        bare
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_keyspace_reads_as_none() {
    let (_emu, session) = start().await;
    assert!(
        read_keyspace(&session, "nope")
            .await
            .expect("read")
            .is_none()
    );
}

//! CREATE/ALTER/DROP TABLE: column order, kinds, wire and declared types, schema rows,
//! errors with Cassandra's codes and messages.

mod catalog_common;

use cassia_emulator::catalog::ColumnKind;
use cassia_emulator::cql::ast::Order;
use cassia_protocol::response::{
    ErrorKind, ResultBody, SchemaChange, SchemaChangeTarget, SchemaChangeType,
};
use cassia_protocol::types::ColumnType;
use cassia_protocol::value::CqlValue;
use catalog_common::*;

type Cell = Option<CqlValue>;

#[test]
fn create_table_orders_columns_like_select_star() {
    let mut c = with_keyspace();
    let out = ok(
        &mut c,
        "CREATE TABLE ks.t (z int, b text STATIC, pk2 int, a map<text, int>, ck1 int, ck2 text, pk1 text, \
         PRIMARY KEY ((pk1, pk2), ck1, ck2)) WITH CLUSTERING ORDER BY (ck1 DESC, ck2 ASC)",
    );
    let change = SchemaChange {
        change: SchemaChangeType::Created,
        target: SchemaChangeTarget::Table {
            keyspace: "ks".into(),
            table: "t".into(),
        },
    };
    assert_eq!(out.result(), ResultBody::SchemaChange(change.clone()));
    assert_eq!(out.events, vec![change]);

    let table = c.table("ks", "t").expect("table");
    let cols: Vec<(&str, ColumnKind)> = table
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.kind))
        .collect();
    assert_eq!(
        cols,
        vec![
            ("pk1", ColumnKind::PartitionKey(0)),
            ("pk2", ColumnKind::PartitionKey(1)),
            ("ck1", ColumnKind::Clustering(0, Order::Desc)),
            ("ck2", ColumnKind::Clustering(1, Order::Asc)),
            ("b", ColumnKind::Static),
            ("a", ColumnKind::Regular),
            ("z", ColumnKind::Regular),
        ]
    );
    assert_eq!(
        table.column("a").map(|c| c.typ.clone()),
        Some(ColumnType::Map(
            Box::new(ColumnType::Text),
            Box::new(ColumnType::Int)
        ))
    );
    assert!(!table.is_counter);

    let rows = schema_rows(&c, "columns", "ks", Some("t"));
    let summary: Vec<[Cell; 4]> = rows
        .iter()
        .map(|r| {
            [
                get(r, "column_name").clone(),
                get(r, "kind").clone(),
                get(r, "position").clone(),
                get(r, "clustering_order").clone(),
            ]
        })
        .collect();
    let int = |i| Some(CqlValue::Int(i));
    assert_eq!(
        summary,
        vec![
            [t("a"), t("regular"), int(-1), t("none")],
            [t("b"), t("static"), int(-1), t("none")],
            [t("ck1"), t("clustering"), int(0), t("desc")],
            [t("ck2"), t("clustering"), int(1), t("asc")],
            [t("pk1"), t("partition_key"), int(0), t("none")],
            [t("pk2"), t("partition_key"), int(1), t("none")],
            [t("z"), t("regular"), int(-1), t("none")],
        ]
    );
    let a = rows
        .iter()
        .find(|r| get(r, "column_name") == &t("a"))
        .expect("a");
    assert_eq!(get(a, "type"), &t("map<text, int>"));
    assert_eq!(
        get(a, "column_name_bytes"),
        &Some(CqlValue::Blob(b"a".to_vec()))
    );
}

#[test]
fn declared_types_keep_frozen_and_wire_types_drop_it() {
    let mut c = with_keyspace();
    ok(
        &mut c,
        "CREATE TYPE ks.address (street text, zip int, phones list<text>)",
    );
    ok(&mut c, "CREATE TYPE ks.point (x int, y int)");
    assert_invalid(
        &mut c,
        "CREATE TABLE ks.bad (pk int PRIMARY KEY, a address)",
        "Non-frozen UDTs with nested non-frozen collections are not supported",
    );
    ok(
        &mut c,
        "CREATE TABLE ks.all (pk int PRIMARY KEY, c_udt frozen<address>, c_tuple tuple<int, text>, \
         c_lfs frozen<list<frozen<set<int>>>>, c_mfl map<text, frozen<list<int>>>, \
         c_sft set<frozen<tuple<int, text>>>, c_mu map<uuid, frozen<address>>, \
         c_custom 'org.apache.cassandra.db.marshal.LexicalUUIDType', c_vec vector<float, 3>, \
         c_nf point, c_deep frozen<list<set<int>>>)",
    );
    let types: Vec<(String, Cell)> = schema_rows(&c, "columns", "ks", Some("all"))
        .iter()
        .map(|r| {
            (
                format!("{:?}", get(r, "column_name")),
                get(r, "type").clone(),
            )
        })
        .collect();
    let ty = |name: &str| {
        types
            .iter()
            .find(|(n, _)| n == &format!("{:?}", t(name)))
            .map(|(_, v)| v.clone())
            .expect("column")
    };
    assert_eq!(ty("c_udt"), t("frozen<address>"));
    assert_eq!(ty("c_tuple"), t("frozen<tuple<int, text>>"));
    assert_eq!(ty("c_lfs"), t("frozen<list<frozen<set<int>>>>"));
    assert_eq!(ty("c_mfl"), t("map<text, frozen<list<int>>>"));
    assert_eq!(ty("c_sft"), t("set<frozen<tuple<int, text>>>"));
    assert_eq!(ty("c_mu"), t("map<uuid, frozen<address>>"));
    assert_eq!(
        ty("c_custom"),
        t("'org.apache.cassandra.db.marshal.LexicalUUIDType'")
    );
    assert_eq!(ty("c_vec"), t("vector<float, 3>"));
    assert_eq!(ty("c_nf"), t("point"));
    // Everything inside a frozen collection is frozen too.
    assert_eq!(ty("c_deep"), t("frozen<list<frozen<set<int>>>>"));

    let table = c.table("ks", "all").expect("table");
    let address = ColumnType::Udt {
        keyspace: "ks".into(),
        name: "address".into(),
        fields: vec![
            ("street".into(), ColumnType::Text),
            ("zip".into(), ColumnType::Int),
            (
                "phones".into(),
                ColumnType::List(Box::new(ColumnType::Text)),
            ),
        ],
    };
    let wire = |n: &str| table.column(n).map(|c| c.typ.clone()).expect("column");
    assert_eq!(wire("c_udt"), address);
    assert_eq!(
        wire("c_mu"),
        ColumnType::Map(Box::new(ColumnType::Uuid), Box::new(address.clone()))
    );
    assert_eq!(
        wire("c_lfs"),
        ColumnType::List(Box::new(ColumnType::Set(Box::new(ColumnType::Int))))
    );
    assert_eq!(
        wire("c_vec"),
        ColumnType::Vector {
            element: Box::new(ColumnType::Float),
            dimension: 3
        }
    );
    assert!(table.column("c_udt").expect("c").is_frozen());
    assert!(table.column("c_nf").expect("c").is_multi_cell());
}

#[test]
fn table_options_have_cassandra_defaults_and_are_echoed() {
    let mut c = with_keyspace();
    ok(&mut c, "CREATE TABLE ks.d (k int PRIMARY KEY, v int)");
    ok(
        &mut c,
        "CREATE TABLE ks.o (k int PRIMARY KEY, v int) WITH comment = 'hello' AND gc_grace_seconds = 3600 \
         AND default_time_to_live = 60 AND compaction = {'class': 'LeveledCompactionStrategy'} \
         AND caching = {'keys': 'NONE'}",
    );
    let d = &schema_rows(&c, "tables", "ks", Some("d"))[0];
    assert_eq!(get(d, "comment"), &t(""));
    assert_eq!(get(d, "gc_grace_seconds"), &Some(CqlValue::Int(864_000)));
    assert_eq!(
        get(d, "bloom_filter_fp_chance"),
        &Some(CqlValue::Double(0.01))
    );
    assert_eq!(get(d, "speculative_retry"), &t("99p"));
    assert_eq!(get(d, "read_repair"), &t("BLOCKING"));
    assert_eq!(
        get(d, "flags"),
        &Some(CqlValue::Set(vec![CqlValue::Text("compound".into())]))
    );
    assert_eq!(
        get(d, "compaction"),
        &Some(CqlValue::Map(vec![
            (
                CqlValue::Text("class".into()),
                CqlValue::Text(
                    "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy".into()
                )
            ),
            (
                CqlValue::Text("max_threshold".into()),
                CqlValue::Text("32".into())
            ),
            (
                CqlValue::Text("min_threshold".into()),
                CqlValue::Text("4".into())
            ),
        ]))
    );
    let id = c.table("ks", "d").expect("d").id;
    assert_eq!(get(d, "id"), &Some(CqlValue::Uuid(id)));

    let o = &schema_rows(&c, "tables", "ks", Some("o"))[0];
    assert_eq!(get(o, "comment"), &t("hello"));
    assert_eq!(get(o, "gc_grace_seconds"), &Some(CqlValue::Int(3600)));
    assert_eq!(get(o, "default_time_to_live"), &Some(CqlValue::Int(60)));
    assert_eq!(
        get(o, "compaction"),
        // CompactionParams.create fills in the thresholds for every built-in strategy.
        &Some(CqlValue::Map(vec![
            (
                CqlValue::Text("class".into()),
                CqlValue::Text(
                    "org.apache.cassandra.db.compaction.LeveledCompactionStrategy".into()
                )
            ),
            (
                CqlValue::Text("max_threshold".into()),
                CqlValue::Text("32".into())
            ),
            (
                CqlValue::Text("min_threshold".into()),
                CqlValue::Text("4".into())
            ),
        ]))
    );
    assert_eq!(
        get(o, "caching"),
        &Some(CqlValue::Map(vec![
            (CqlValue::Text("keys".into()), CqlValue::Text("NONE".into())),
            (
                CqlValue::Text("rows_per_partition".into()),
                CqlValue::Text("NONE".into())
            ),
        ]))
    );

    ok(&mut c, "ALTER TABLE ks.o WITH comment = 'changed'");
    let o = &schema_rows(&c, "tables", "ks", Some("o"))[0];
    assert_eq!(get(o, "comment"), &t("changed"));
    assert_eq!(get(o, "gc_grace_seconds"), &Some(CqlValue::Int(3600)));

    let e = err(
        &mut c,
        "CREATE TABLE ks.bad (k int PRIMARY KEY) WITH nonsense = 1",
    );
    assert_eq!(e.kind, ErrorKind::SyntaxError);
    assert_eq!(e.message, "Unknown property 'nonsense'");
}

#[test]
fn counter_tables() {
    let mut c = with_keyspace();
    ok(
        &mut c,
        "CREATE TABLE ks.c (pk text PRIMARY KEY, hits counter, misses counter)",
    );
    let table = c.table("ks", "c").expect("c");
    assert!(table.is_counter);
    let row = &schema_rows(&c, "tables", "ks", Some("c"))[0];
    assert_eq!(
        get(row, "flags"),
        &Some(CqlValue::Set(vec![
            CqlValue::Text("compound".into()),
            CqlValue::Text("counter".into())
        ]))
    );
    assert_invalid(
        &mut c,
        "CREATE TABLE ks.m (pk int PRIMARY KEY, hits counter, name text)",
        "Cannot mix counter and non counter columns in the same table",
    );
    assert_invalid(
        &mut c,
        "CREATE TABLE ks.k (pk counter PRIMARY KEY, v int)",
        "counter type is not supported for PRIMARY KEY column 'pk'",
    );
    assert_invalid(
        &mut c,
        "CREATE TABLE ks.l (pk int PRIMARY KEY, v list<counter>)",
        "Counters are not allowed inside collections: list<counter>",
    );
    assert_invalid(
        &mut c,
        "CREATE TABLE ks.t (pk int PRIMARY KEY, v counter) WITH default_time_to_live = 5",
        "Cannot set default_time_to_live on a table with counters",
    );
    let e = err(&mut c, "ALTER TABLE ks.c ADD name text");
    assert_eq!(e.kind, ErrorKind::ConfigError);
    assert_eq!(
        e.message,
        "Cannot have a non counter column (\"name\") in a counter table"
    );
    ok(&mut c, "CREATE TABLE ks.plain (pk int PRIMARY KEY, v int)");
    let e = err(&mut c, "ALTER TABLE ks.plain ADD n counter");
    assert_eq!(
        e.message,
        "Cannot have a counter column (\"n\") in a non counter table"
    );
}

#[test]
fn create_table_errors() {
    let mut c = with_keyspace();
    ok(&mut c, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
    let e = err(&mut c, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
    assert_eq!(
        e.kind,
        ErrorKind::AlreadyExists {
            keyspace: "ks".into(),
            table: "t".into()
        }
    );
    assert_eq!(
        e.message,
        "Cannot add already existing table \"t\" to keyspace \"ks\""
    );
    let out = ok(
        &mut c,
        "CREATE TABLE IF NOT EXISTS ks.t (k int PRIMARY KEY)",
    );
    assert_eq!(out.result(), ResultBody::Void);
    assert!(out.events.is_empty());

    assert_invalid(
        &mut c,
        "CREATE TABLE nope.t (k int PRIMARY KEY)",
        "Keyspace 'nope' doesn't exist",
    );
    assert_invalid(
        &mut c,
        "CREATE TABLE ks.s (k int PRIMARY KEY, s int STATIC)",
        "Static columns are only useful (and thus allowed) if the table has at least one clustering column",
    );
    assert_invalid(
        &mut c,
        "CREATE TABLE ks.s (k int, c int, PRIMARY KEY (k, x))",
        "Unknown column 'x' referenced in PRIMARY KEY for table 's'",
    );
    assert_invalid(
        &mut c,
        "CREATE TABLE ks.s (k list<int> PRIMARY KEY)",
        "Invalid non-frozen collection type list<int> for PRIMARY KEY column 'k'",
    );
    assert_invalid(
        &mut c,
        "CREATE TABLE ks.s (k duration PRIMARY KEY)",
        "duration type is not supported for PRIMARY KEY column 'k'",
    );
    assert_invalid(
        &mut c,
        "CREATE TABLE ks.s (k int PRIMARY KEY, v list<list<int>>)",
        "Non-frozen collections are not allowed inside collections: list<list<int>>",
    );
    assert_invalid(
        &mut c,
        "CREATE TABLE ks.s (k int, a int, b int, PRIMARY KEY (k, a, b)) WITH CLUSTERING ORDER BY (b DESC, a ASC)",
        "The order of columns in the CLUSTERING ORDER directive must match that of the clustering columns (a must appear before b)",
    );
    assert_invalid(
        &mut c,
        "CREATE TABLE ks.s (k int, a int, b int, PRIMARY KEY (k, a, b)) WITH CLUSTERING ORDER BY (b DESC)",
        "Missing CLUSTERING ORDER for column a",
    );
    assert_invalid(
        &mut c,
        "CREATE TABLE ks.s (k int PRIMARY KEY, v set<duration>)",
        "Durations are not allowed inside sets: set<duration>",
    );
    assert_invalid(
        &mut c,
        "CREATE TABLE ks.s (k int PRIMARY KEY, v frozen<int>)",
        "frozen<> is only allowed on collections, tuples, and user-defined types",
    );
    assert_invalid(
        &mut c,
        "CREATE TABLE ks.s (k int PRIMARY KEY, v nosuchtype)",
        "Unknown type ks.nosuchtype",
    );
    let e = err(&mut c, "CREATE TABLE t2 (k int PRIMARY KEY)");
    assert_eq!(
        e.message,
        "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename"
    );
    assert!(ddl(&mut c, "CREATE TABLE t2 (k int PRIMARY KEY)", Some("ks")).is_ok());
    assert_unauthorized(
        &mut c,
        "CREATE TABLE system.mine (k int PRIMARY KEY)",
        "system keyspace is not user-modifiable.",
    );
}

#[test]
fn alter_table_add_drop_rename() {
    let mut c = with_keyspace();
    ok(
        &mut c,
        "CREATE TABLE ks.t (k int, c int, v int, PRIMARY KEY (k, c))",
    );
    let before = c.schema_version();
    let out = ok(&mut c, "ALTER TABLE ks.t ADD a text");
    assert_ne!(c.schema_version(), before);
    assert_eq!(
        out.result(),
        ResultBody::SchemaChange(SchemaChange {
            change: SchemaChangeType::Updated,
            target: SchemaChangeTarget::Table {
                keyspace: "ks".into(),
                table: "t".into()
            },
        })
    );
    ok(&mut c, "ALTER TABLE ks.t ADD s int static");
    let names: Vec<String> = c
        .table("ks", "t")
        .expect("t")
        .columns
        .iter()
        .map(|c| c.name.clone())
        .collect();
    assert_eq!(names, ["k", "c", "s", "a", "v"]);

    assert_invalid(
        &mut c,
        "ALTER TABLE ks.t ADD v int",
        "Column with name 'v' already exists",
    );
    assert_invalid(
        &mut c,
        "ALTER TABLE ks.t DROP k",
        "Cannot drop PRIMARY KEY column k",
    );
    assert_invalid(
        &mut c,
        "ALTER TABLE ks.t DROP nope",
        "Column nope was not found in table 'ks.t'",
    );
    assert_invalid(
        &mut c,
        "ALTER TABLE ks.t RENAME v TO w",
        "Cannot rename non PRIMARY KEY column v",
    );
    assert_invalid(
        &mut c,
        "ALTER TABLE ks.t RENAME c TO v",
        "Cannot rename column c to v in table 'ks.t'; another column with that name already exists",
    );
    assert_invalid(
        &mut c,
        "ALTER TABLE ks.t ALTER v TYPE bigint",
        "Altering column types is no longer supported",
    );
    assert_invalid(
        &mut c,
        "ALTER TABLE ks.nope ADD x int",
        "Table 'ks.nope' doesn't exist",
    );
    // Cassandra 4.0's grammar has no IF EXISTS / IF NOT EXISTS in ALTER TABLE (4.1 added it).
    for cql in [
        "ALTER TABLE IF EXISTS ks.nope ADD x int",
        "ALTER TABLE ks.t ADD IF NOT EXISTS x int",
        "ALTER TABLE ks.t DROP IF EXISTS v",
        "ALTER KEYSPACE IF EXISTS ks WITH durable_writes = false",
    ] {
        assert!(cassia_emulator::cql::parse_statement(cql).is_err(), "{cql}");
    }

    ok(&mut c, "ALTER TABLE ks.t DROP v");
    assert!(c.table("ks", "t").expect("t").column("v").is_none());
    let dropped = schema_rows(&c, "dropped_columns", "ks", Some("t"));
    assert_eq!(dropped.len(), 1);
    assert_eq!(get(&dropped[0], "column_name"), &t("v"));
    assert_eq!(get(&dropped[0], "type"), &t("int"));
    assert_eq!(get(&dropped[0], "kind"), &t("regular"));
    assert!(matches!(
        get(&dropped[0], "dropped_time"),
        Some(CqlValue::Timestamp(_))
    ));

    ok(&mut c, "ALTER TABLE ks.t RENAME c TO c2");
    let table = c.table("ks", "t").expect("t");
    assert_eq!(
        table.column("c2").map(|c| c.kind),
        Some(ColumnKind::Clustering(0, Order::Asc))
    );
    let cols = schema_rows(&c, "columns", "ks", Some("t"));
    assert!(cols.iter().any(|r| get(r, "column_name") == &t("c2")));
    assert!(!cols.iter().any(|r| get(r, "column_name") == &t("c")));
}

#[test]
fn drop_table() {
    let mut c = with_keyspace();
    ok(&mut c, "CREATE TABLE ks.t (k int PRIMARY KEY)");
    let out = ok(&mut c, "DROP TABLE ks.t");
    assert_eq!(
        out.events,
        vec![SchemaChange {
            change: SchemaChangeType::Dropped,
            target: SchemaChangeTarget::Table {
                keyspace: "ks".into(),
                table: "t".into()
            },
        }]
    );
    assert!(schema_rows(&c, "tables", "ks", None).is_empty());
    assert!(schema_rows(&c, "columns", "ks", None).is_empty());
    let e = c.table("ks", "t").expect_err("gone");
    assert_eq!(e.kind, ErrorKind::Invalid);
    assert_eq!(e.message, "table t does not exist");
    assert_invalid(&mut c, "DROP TABLE ks.t", "Table 'ks.t' doesn't exist");
    assert_eq!(
        ok(&mut c, "DROP TABLE IF EXISTS ks.t").result(),
        ResultBody::Void
    );
}

#[test]
fn alter_that_changes_nothing_answers_void() {
    let mut c = with_keyspace();
    ok(
        &mut c,
        "CREATE TABLE ks.t (k int PRIMARY KEY, v int) WITH comment = 'x'",
    );
    let version = c.schema_version();
    let out = ok(&mut c, "ALTER TABLE ks.t WITH comment = 'x'");
    assert_eq!(out.result(), ResultBody::Void);
    assert!(out.events.is_empty());
    assert_eq!(c.schema_version(), version);
    let out = ok(
        &mut c,
        "ALTER KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    assert_eq!(out.result(), ResultBody::Void);
    assert_eq!(c.schema_version(), version);
}

#[test]
fn rename_of_a_missing_column() {
    let mut c = with_keyspace();
    ok(&mut c, "CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
    assert_invalid(
        &mut c,
        "ALTER TABLE ks.t RENAME nope TO other",
        "Undefined column name nope in table ks.t",
    );
}

#[test]
fn create_table_with_id() {
    let mut c = with_keyspace();
    ok(
        &mut c,
        "CREATE TABLE ks.t (k int PRIMARY KEY) WITH ID = 5a1c395e-b41f-11e5-9f22-ba0be0483c18",
    );
    assert_eq!(
        c.table("ks", "t").expect("t").id.to_string(),
        "5a1c395e-b41f-11e5-9f22-ba0be0483c18"
    );
}

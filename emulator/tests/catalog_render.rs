//! `to_cql()` renderings: exact text for a small table and type, and a round trip through
//! the parser that must rebuild the same definitions.

mod catalog_common;

use cassia_emulator::catalog::Catalog;
use catalog_common::*;

#[test]
fn table_and_type_text() {
    let mut c = with_keyspace();
    ok(&mut c, "CREATE TYPE ks.point (x int, y frozen<list<int>>)");
    ok(
        &mut c,
        "CREATE TABLE ks.t (k int, c text, s int static, \"Mixed\" frozen<point>, PRIMARY KEY ((k), c)) \
         WITH CLUSTERING ORDER BY (c DESC) AND comment = 'it''s'",
    );
    let udt = c.user_type("ks", "point").expect("type");
    assert_eq!(
        udt.to_cql(),
        "CREATE TYPE ks.point (\n    x int,\n    y frozen<list<int>>\n);"
    );
    let table = c.table("ks", "t").expect("t");
    let cql = table.to_cql();
    assert!(
        cql.starts_with(
            "CREATE TABLE ks.t (\n    k int,\n    c text,\n    s int static,\n    \"Mixed\" frozen<point>,\n    PRIMARY KEY (k, c)\n) WITH CLUSTERING ORDER BY (c DESC)\n    AND additional_write_policy = '99p'\n    AND bloom_filter_fp_chance = 0.01\n"
        ),
        "{cql}"
    );
    assert!(cql.contains("\n    AND comment = 'it''s'\n"), "{cql}");
    assert!(
        cql.ends_with("\n    AND speculative_retry = '99p';"),
        "{cql}"
    );
    let ks = c.find_keyspace("ks").expect("ks");
    assert_eq!(
        ks.to_cql(),
        "CREATE KEYSPACE ks WITH replication = {'class': 'org.apache.cassandra.locator.SimpleStrategy', 'replication_factor': '1'}  AND durable_writes = true;"
    );
}

#[test]
fn rendered_ddl_rebuilds_the_same_schema() {
    let mut c = with_keyspace();
    ok(
        &mut c,
        "CREATE TYPE ks.addr (street text, phones set<text>)",
    );
    ok(
        &mut c,
        "CREATE TABLE ks.big (a int, b bigint, c timeuuid, d text static, e map<text, frozen<addr>>, \
         f tuple<int, text>, g list<frozen<list<int>>>, h int, PRIMARY KEY ((a, b), c)) \
         WITH CLUSTERING ORDER BY (c DESC) AND default_time_to_live = 10 AND gc_grace_seconds = 5",
    );
    ok(&mut c, "CREATE INDEX ON ks.big (KEYS(e))");
    ok(
        &mut c,
        "CREATE TABLE ks.cnt (k text PRIMARY KEY, n counter)",
    );

    let mut copy = Catalog::new();
    let ks = c.find_keyspace("ks").expect("ks");
    ok(&mut copy, &ks.to_cql());
    for udt in ks.types.values() {
        ok(&mut copy, &udt.to_cql());
    }
    for table in ks.tables.values() {
        ok(&mut copy, &table.to_cql());
        for index in &table.indexes {
            ok(&mut copy, &index.to_cql(table));
        }
    }
    let copied = copy.find_keyspace("ks").expect("ks");
    assert_eq!(copied.replication, ks.replication);
    assert_eq!(copied.types, ks.types);
    for (name, table) in &ks.tables {
        let other = copied.tables.get(name).expect("table copied");
        assert_eq!(other.columns, table.columns, "{name}");
        assert_eq!(other.options, table.options, "{name}");
        assert_eq!(other.indexes, table.indexes, "{name}");
        assert_eq!(other.is_counter, table.is_counter, "{name}");
    }
}

//! CREATE/DROP INDEX: default names, targets on collections, schema rows, errors.

mod catalog_common;

use cassia_emulator::catalog::IndexTargetKind;
use cassia_protocol::response::{ResultBody, SchemaChange, SchemaChangeTarget, SchemaChangeType};
use cassia_protocol::value::CqlValue;
use catalog_common::*;

fn options(pairs: &[(&str, &str)]) -> Option<CqlValue> {
    Some(CqlValue::Map(
        pairs
            .iter()
            .map(|(k, v)| (CqlValue::Text((*k).into()), CqlValue::Text((*v).into())))
            .collect(),
    ))
}

fn table(c: &mut cassia_emulator::catalog::Catalog) {
    ok(
        c,
        "CREATE TABLE ks.t (k int, c int, v int, l list<int>, m map<text, int>, fl frozen<list<int>>, \
         d duration, PRIMARY KEY (k, c))",
    );
}

#[test]
fn create_index_default_names_and_rows() {
    let mut c = with_keyspace();
    table(&mut c);
    let out = ok(&mut c, "CREATE INDEX ON ks.t (v)");
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
    ok(&mut c, "CREATE INDEX ON ks.t (l)");
    ok(&mut c, "CREATE INDEX mk ON ks.t (KEYS(m))");
    ok(&mut c, "CREATE INDEX me ON ks.t (ENTRIES(m))");
    ok(&mut c, "CREATE INDEX ff ON ks.t (FULL(fl))");
    ok(&mut c, "CREATE INDEX ON ks.t (c)");
    let tdef = c.table("ks", "t").expect("t");
    let summary: Vec<(&str, &str, IndexTargetKind)> = tdef
        .indexes
        .iter()
        .map(|i| (i.name.as_str(), i.column.as_str(), i.target))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("t_v_idx", "v", IndexTargetKind::Simple),
            ("t_l_idx", "l", IndexTargetKind::Values),
            ("mk", "m", IndexTargetKind::Keys),
            ("me", "m", IndexTargetKind::Entries),
            ("ff", "fl", IndexTargetKind::Full),
            ("t_c_idx", "c", IndexTargetKind::Simple),
        ]
    );
    let rows = schema_rows(&c, "indexes", "ks", Some("t"));
    let by_name = |n: &str| {
        rows.iter()
            .find(|r| get(r, "index_name") == &t(n))
            .expect("index")
    };
    assert_eq!(get(by_name("t_v_idx"), "kind"), &t("COMPOSITES"));
    assert_eq!(
        get(by_name("t_v_idx"), "options"),
        &options(&[("target", "v")])
    );
    assert_eq!(
        get(by_name("t_l_idx"), "options"),
        &options(&[("target", "values(l)")])
    );
    assert_eq!(
        get(by_name("mk"), "options"),
        &options(&[("target", "keys(m)")])
    );
    assert_eq!(
        get(by_name("me"), "options"),
        &options(&[("target", "entries(m)")])
    );
    assert_eq!(
        get(by_name("ff"), "options"),
        &options(&[("target", "full(fl)")])
    );

    // Taken default names get a numeric suffix.
    ok(
        &mut c,
        "CREATE TABLE ks.u (k int PRIMARY KEY, v int, w int)",
    );
    ok(&mut c, "CREATE INDEX t_v_idx_dummy ON ks.u (w)");
    ok(&mut c, "CREATE INDEX IF NOT EXISTS ON ks.u (v)");
    assert_eq!(
        c.table("ks", "u")
            .expect("u")
            .index("u_v_idx")
            .map(|i| i.column.as_str()),
        Some("v")
    );
}

#[test]
fn index_errors() {
    let mut c = with_keyspace();
    table(&mut c);
    ok(&mut c, "CREATE INDEX iv ON ks.t (v)");
    assert_invalid(
        &mut c,
        "CREATE INDEX iv ON ks.t (c)",
        "Index 'iv' already exists",
    );
    assert_eq!(
        ok(&mut c, "CREATE INDEX IF NOT EXISTS iv ON ks.t (c)").result(),
        ResultBody::Void
    );
    assert_invalid(
        &mut c,
        "CREATE INDEX other ON ks.t (v)",
        "Index other is a duplicate of existing index iv",
    );
    assert_invalid(
        &mut c,
        "CREATE INDEX ON ks.t (fl)",
        "Cannot create values() index on frozen column fl. Frozen collections are immutable and must be fully indexed by using the 'full(fl)' modifier",
    );
    assert_invalid(
        &mut c,
        "CREATE INDEX ON ks.t (FULL(l))",
        "full() indexes can only be created on frozen collections",
    );
    assert_invalid(
        &mut c,
        "CREATE INDEX ON ks.t (KEYS(v))",
        "Cannot create keys() index on v. Non-collection columns only support simple indexes",
    );
    assert_invalid(
        &mut c,
        "CREATE INDEX ON ks.t (KEYS(l))",
        "Cannot create index on keys of column l with non-map type",
    );
    assert_invalid(
        &mut c,
        "CREATE INDEX ON ks.t (d)",
        "Secondary indexes are not supported on duration columns",
    );
    assert_invalid(
        &mut c,
        "CREATE INDEX ON ks.t (nope)",
        "Undefined column name nope in table ks.t",
    );
    assert_invalid(
        &mut c,
        "CREATE INDEX ON ks.nope (v)",
        "Table 'nope' doesn't exist",
    );
    ok(&mut c, "CREATE TABLE ks.one (k int PRIMARY KEY, v int)");
    assert_invalid(
        &mut c,
        "CREATE INDEX ON ks.one (k)",
        "Cannot create secondary index on the only partition key column k",
    );
    ok(&mut c, "CREATE TABLE ks.cnt (k int PRIMARY KEY, n counter)");
    assert_invalid(
        &mut c,
        "CREATE INDEX ON ks.cnt (n)",
        "Secondary indexes on counter tables aren't supported",
    );
    assert_invalid(
        &mut c,
        "ALTER TABLE ks.t DROP v",
        "Cannot drop column v because it has dependent secondary indexes (iv)",
    );
}

#[test]
fn drop_index() {
    let mut c = with_keyspace();
    table(&mut c);
    ok(&mut c, "CREATE INDEX iv ON ks.t (v)");
    let out = ok(&mut c, "DROP INDEX ks.iv");
    assert_eq!(
        out.events,
        vec![SchemaChange {
            change: SchemaChangeType::Updated,
            target: SchemaChangeTarget::Table {
                keyspace: "ks".into(),
                table: "t".into()
            },
        }]
    );
    assert!(schema_rows(&c, "indexes", "ks", None).is_empty());
    assert_invalid(&mut c, "DROP INDEX ks.iv", "Index 'ks.iv' doesn't exist");
    assert_eq!(
        ok(&mut c, "DROP INDEX IF EXISTS ks.iv").result(),
        ResultBody::Void
    );
    // Dropping the column is allowed again.
    ok(&mut c, "ALTER TABLE ks.t DROP v");
}

#[test]
fn custom_indexes() {
    let mut c = with_keyspace();
    table(&mut c);
    // Cassandra 5.0 analyses text only: the option is refused on an int column.
    assert_invalid(
        &mut c,
        "CREATE CUSTOM INDEX sai_v ON ks.t (v) USING 'StorageAttachedIndex' WITH OPTIONS = {'case_sensitive': 'false'}",
        "CQL type int cannot be analyzed.",
    );
    ok(&mut c, "ALTER TABLE ks.t ADD s text");
    ok(
        &mut c,
        "CREATE CUSTOM INDEX sai_v ON ks.t (s) USING 'StorageAttachedIndex' WITH OPTIONS = {'case_sensitive': 'false'}",
    );
    let rows = schema_rows(&c, "indexes", "ks", Some("t"));
    assert_eq!(get(&rows[0], "kind"), &t("CUSTOM"));
    assert_eq!(
        get(&rows[0], "options"),
        &options(&[
            ("case_sensitive", "false"),
            ("class_name", "StorageAttachedIndex"),
            ("target", "s")
        ])
    );
    assert_invalid(
        &mut c,
        "CREATE INDEX i2 ON ks.t (c) WITH OPTIONS = {'a': 'b'}",
        "Cannot specify options for a non-CUSTOM index",
    );
    let table = c.table("ks", "t").expect("t");
    assert_eq!(
        table.indexes[0].to_cql(&table),
        "CREATE CUSTOM INDEX sai_v ON ks.t (s) USING 'StorageAttachedIndex' WITH OPTIONS = {'case_sensitive': 'false'};"
    );
}

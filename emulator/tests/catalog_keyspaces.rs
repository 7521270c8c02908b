//! CREATE/ALTER/DROP KEYSPACE: replication validation, schema rows, AlreadyExists, and the
//! events pushed when a keyspace is dropped.

mod catalog_common;

use cassia_emulator::catalog::Catalog;
use cassia_protocol::response::{
    ErrorKind, ResultBody, SchemaChange, SchemaChangeTarget, SchemaChangeType,
};
use cassia_protocol::value::CqlValue;
use catalog_common::*;

fn replication(pairs: &[(&str, &str)]) -> Option<CqlValue> {
    Some(CqlValue::Map(
        pairs
            .iter()
            .map(|(k, v)| (CqlValue::Text((*k).into()), CqlValue::Text((*v).into())))
            .collect(),
    ))
}

#[test]
fn create_keyspace_rows_and_events() {
    let mut c = Catalog::new();
    let before = c.schema_version();
    let out = ok(
        &mut c,
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    let change = SchemaChange {
        change: SchemaChangeType::Created,
        target: SchemaChangeTarget::Keyspace {
            keyspace: "ks".into(),
        },
    };
    assert_eq!(out.result(), ResultBody::SchemaChange(change.clone()));
    assert_eq!(out.events, vec![change]);
    assert_ne!(c.schema_version(), before);

    let rows = schema_rows(&c, "keyspaces", "ks", None);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        get(&rows[0], "durable_writes"),
        &Some(CqlValue::Boolean(true))
    );
    assert_eq!(
        get(&rows[0], "replication"),
        &replication(&[
            ("class", "org.apache.cassandra.locator.SimpleStrategy"),
            ("replication_factor", "1")
        ])
    );

    ok(
        &mut c,
        "CREATE KEYSPACE nts WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 3} AND durable_writes = false",
    );
    let rows = schema_rows(&c, "keyspaces", "nts", None);
    assert_eq!(
        get(&rows[0], "durable_writes"),
        &Some(CqlValue::Boolean(false))
    );
    assert_eq!(
        get(&rows[0], "replication"),
        &replication(&[
            (
                "class",
                "org.apache.cassandra.locator.NetworkTopologyStrategy"
            ),
            ("datacenter1", "3")
        ])
    );
}

#[test]
fn keyspace_errors() {
    let mut c = with_keyspace();
    let e = err(
        &mut c,
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    assert_eq!(
        e.kind,
        ErrorKind::AlreadyExists {
            keyspace: "ks".into(),
            table: String::new()
        }
    );
    assert_eq!(e.message, "Cannot add existing keyspace \"ks\"");
    let out = ok(
        &mut c,
        "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    assert_eq!(out.result(), ResultBody::Void);

    assert_invalid(
        &mut c,
        "CREATE KEYSPACE x WITH durable_writes = true",
        "Missing mandatory option 'replication'",
    );
    let e = err(
        &mut c,
        "CREATE KEYSPACE x WITH replication = {'class': 'SimpleStrategy'}",
    );
    assert_eq!(e.kind, ErrorKind::ConfigError);
    assert_eq!(
        e.message,
        "SimpleStrategy requires a replication_factor strategy option."
    );
    let e = err(
        &mut c,
        "CREATE KEYSPACE x WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1, 'foo': 2}",
    );
    assert_eq!(e.kind, ErrorKind::ConfigError);
    assert_eq!(
        e.message,
        "Unrecognized strategy option {foo} passed to SimpleStrategy for keyspace x"
    );
    let e = err(
        &mut c,
        "CREATE KEYSPACE x WITH replication = {'class': 'NetworkTopologyStrategy', 'dc9': 1}",
    );
    assert_eq!(
        e.message,
        "Unrecognized strategy option {dc9} passed to NetworkTopologyStrategy for keyspace x"
    );
    let e = err(
        &mut c,
        "CREATE KEYSPACE x WITH replication = {'class': 'Bogus'}",
    );
    assert_eq!(e.kind, ErrorKind::ConfigError);
    assert_eq!(
        e.message,
        "Unable to find replication strategy class 'org.apache.cassandra.locator.Bogus'"
    );
    let e = err(
        &mut c,
        "CREATE KEYSPACE x WITH replication = {'class': 'SimpleStrategy', 'replication_factor': -1}",
    );
    assert_eq!(
        e.message,
        "Replication factor must be non-negative, found -1"
    );
    assert_invalid(
        &mut c,
        "CREATE KEYSPACE x WITH replication = {'class': 'LocalStrategy'}",
        "Unable to use given strategy class: LocalStrategy is reserved for internal use.",
    );
    let e = err(
        &mut c,
        "CREATE KEYSPACE x WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1} AND foo = 1",
    );
    assert_eq!(e.kind, ErrorKind::SyntaxError);
    assert_eq!(e.message, "Unknown property 'foo'");
    assert_invalid(
        &mut c,
        "DROP KEYSPACE nope",
        "Keyspace 'nope' doesn't exist",
    );
    assert_eq!(
        ok(&mut c, "DROP KEYSPACE IF EXISTS nope").result(),
        ResultBody::Void
    );
    assert_invalid(
        &mut c,
        "ALTER KEYSPACE nope WITH durable_writes = false",
        "Keyspace 'nope' doesn't exist",
    );
    assert_unauthorized(
        &mut c,
        "DROP KEYSPACE system",
        "system keyspace is not user-modifiable.",
    );
    let e = c.keyspace("nope").expect_err("missing");
    assert_eq!(e.message, "keyspace nope does not exist");
    let e = c.table("nope", "t").expect_err("missing");
    assert_eq!(e.message, "keyspace nope does not exist");
}

#[test]
fn alter_keyspace() {
    let mut c = with_keyspace();
    let out = ok(
        &mut c,
        "ALTER KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy', 'replication_factor': 2} AND durable_writes = false",
    );
    assert_eq!(
        out.result(),
        ResultBody::SchemaChange(SchemaChange {
            change: SchemaChangeType::Updated,
            target: SchemaChangeTarget::Keyspace {
                keyspace: "ks".into()
            },
        })
    );
    let rows = schema_rows(&c, "keyspaces", "ks", None);
    assert_eq!(
        get(&rows[0], "durable_writes"),
        &Some(CqlValue::Boolean(false))
    );
    // `replication_factor` expands to the node's datacenter.
    assert_eq!(
        get(&rows[0], "replication"),
        &replication(&[
            (
                "class",
                "org.apache.cassandra.locator.NetworkTopologyStrategy"
            ),
            ("datacenter1", "2")
        ])
    );
}

/// Mirrors the wire captures: dropping `wirecap` pushed one DROPPED event per table, then per
/// type, then the keyspace (10 events for 6 tables and 3 types).
#[test]
fn drop_keyspace_reports_tables_types_then_keyspace() {
    let mut c = Catalog::new();
    ok(
        &mut c,
        "CREATE KEYSPACE wirecap WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    for cql in [
        "CREATE TYPE wirecap.address (street text, zip int, phones list<text>)",
        "CREATE TYPE wirecap.person (name text, age smallint, addr frozen<address>, tags set<text>, scores map<text, int>)",
        "CREATE TYPE wirecap.point (x int, y int)",
        "CREATE TABLE wirecap.all_types (pk int PRIMARY KEY, c_udt frozen<person>, c_point point)",
        "CREATE TABLE wirecap.counters (pk text PRIMARY KEY, hits counter, misses counter)",
        "CREATE TABLE wirecap.paged (pk int, ck int, v text, PRIMARY KEY (pk, ck))",
        "CREATE TABLE wirecap.kv (k text PRIMARY KEY, v int)",
        "CREATE TABLE wirecap.lwt (k text PRIMARY KEY, v int)",
        "CREATE TABLE wirecap.big (k int PRIMARY KEY, b blob)",
    ] {
        ok(&mut c, cql);
    }
    let out = ok(&mut c, "DROP KEYSPACE wirecap");
    assert_eq!(out.events.len(), 10);
    let dropped = |target| SchemaChange {
        change: SchemaChangeType::Dropped,
        target,
    };
    let table = |t: &str| {
        dropped(SchemaChangeTarget::Table {
            keyspace: "wirecap".into(),
            table: t.into(),
        })
    };
    let typ = |t: &str| {
        dropped(SchemaChangeTarget::Type {
            keyspace: "wirecap".into(),
            name: t.into(),
        })
    };
    let mut tables: Vec<_> = out.events[..6].to_vec();
    tables.sort_by_key(|e| format!("{e:?}"));
    let mut expected: Vec<_> = ["all_types", "big", "counters", "kv", "lwt", "paged"]
        .map(table)
        .to_vec();
    expected.sort_by_key(|e| format!("{e:?}"));
    assert_eq!(tables, expected);
    assert_eq!(out.events[6..9], ["address", "person", "point"].map(typ));
    let ks = dropped(SchemaChangeTarget::Keyspace {
        keyspace: "wirecap".into(),
    });
    assert_eq!(out.events[9], ks);
    assert_eq!(out.result(), ResultBody::SchemaChange(ks));
    assert!(c.find_keyspace("wirecap").is_none());
    assert!(schema_rows(&c, "keyspaces", "wirecap", None).is_empty());
    assert!(schema_rows(&c, "types", "wirecap", None).is_empty());
}

#[test]
fn system_keyspaces_are_protected() {
    let mut c = Catalog::new();
    assert_unauthorized(
        &mut c,
        "ALTER KEYSPACE system WITH durable_writes = false",
        "system keyspace is not user-modifiable.",
    );
    assert_unauthorized(
        &mut c,
        "CREATE TABLE system_schema.x (k int PRIMARY KEY)",
        "system_schema keyspace is not user-modifiable.",
    );
    assert_unauthorized(
        &mut c,
        "DROP TABLE system_virtual_schema.tables",
        "system_virtual_schema keyspace is not user-modifiable.",
    );
    assert_unauthorized(
        &mut c,
        "DROP KEYSPACE system_auth",
        "Cannot DROP <keyspace system_auth>",
    );
    // The replicated system keyspaces may have their replication changed.
    ok(
        &mut c,
        "ALTER KEYSPACE system_auth WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}",
    );
    let row = &schema_rows(&c, "keyspaces", "system_auth", None)[0];
    assert_eq!(
        get(row, "replication"),
        &replication(&[
            ("class", "org.apache.cassandra.locator.SimpleStrategy"),
            ("replication_factor", "3")
        ])
    );
}

//! CREATE/ALTER/DROP TYPE: schema rows, wire types of tables using them, errors.

mod catalog_common;

use cassia_protocol::response::{ResultBody, SchemaChange, SchemaChangeTarget, SchemaChangeType};
use cassia_protocol::types::ColumnType;
use cassia_protocol::value::CqlValue;
use catalog_common::*;

fn texts(items: &[&str]) -> Option<CqlValue> {
    Some(CqlValue::List(
        items.iter().map(|s| CqlValue::Text((*s).into())).collect(),
    ))
}

#[test]
fn create_type_rows() {
    let mut c = with_keyspace();
    let out = ok(
        &mut c,
        "CREATE TYPE ks.address (street text, zip int, phones list<text>)",
    );
    assert_eq!(
        out.result(),
        ResultBody::SchemaChange(SchemaChange {
            change: SchemaChangeType::Created,
            target: SchemaChangeTarget::Type {
                keyspace: "ks".into(),
                name: "address".into()
            },
        })
    );
    ok(
        &mut c,
        "CREATE TYPE ks.person (name text, age smallint, addr frozen<address>, tags set<text>, scores map<text, int>)",
    );
    let rows = schema_rows(&c, "types", "ks", None);
    assert_eq!(rows.len(), 2);
    let person = rows
        .iter()
        .find(|r| get(r, "type_name") == &t("person"))
        .expect("person");
    assert_eq!(
        get(person, "field_names"),
        &texts(&["name", "age", "addr", "tags", "scores"])
    );
    assert_eq!(
        get(person, "field_types"),
        &texts(&[
            "text",
            "smallint",
            "frozen<address>",
            "set<text>",
            "map<text, int>"
        ])
    );
    let udt = c.user_type("ks", "person").expect("person");
    assert_eq!(udt.fields.len(), 5);
    assert_eq!(
        c.user_type("ks", "nope").expect_err("missing").message,
        "Unknown type ks.nope"
    );
}

#[test]
fn type_errors() {
    let mut c = with_keyspace();
    ok(&mut c, "CREATE TYPE ks.p (x int, y int)");
    assert_invalid(
        &mut c,
        "CREATE TYPE ks.p (x int)",
        "A user type with name 'p' already exists",
    );
    assert_eq!(
        ok(&mut c, "CREATE TYPE IF NOT EXISTS ks.p (x int)").result(),
        ResultBody::Void
    );
    assert_invalid(
        &mut c,
        "CREATE TYPE ks.q (x int, x text)",
        "Duplicate field name 'x' in type 'q'",
    );
    assert_invalid(
        &mut c,
        "CREATE TYPE ks.q (x counter)",
        "A user type cannot contain counters",
    );
    assert_invalid(
        &mut c,
        "CREATE TYPE ks.q (x p)",
        "A user type cannot contain non-frozen UDTs",
    );
    assert_invalid(
        &mut c,
        "CREATE TYPE nope.q (x int)",
        "Keyspace 'nope' doesn't exist",
    );
    assert_invalid(
        &mut c,
        "ALTER TYPE ks.nope ADD z int",
        "Type ks.nope doesn't exist",
    );
    assert_invalid(
        &mut c,
        "ALTER TYPE ks.p ADD x int",
        "Cannot add field x to type ks.p: a field with name x already exists",
    );
    assert_invalid(
        &mut c,
        "ALTER TYPE ks.p RENAME zz TO w",
        "Unkown field zz in user type ks.p",
    );
    assert_invalid(&mut c, "DROP TYPE ks.nope", "Type 'ks.nope' doesn't exist");
    assert_eq!(
        ok(&mut c, "DROP TYPE IF EXISTS ks.nope").result(),
        ResultBody::Void
    );
}

#[test]
fn alter_type_updates_tables_wire_types() {
    let mut c = with_keyspace();
    ok(&mut c, "CREATE TYPE ks.p (x int, y int)");
    ok(&mut c, "CREATE TYPE ks.wrap (inner frozen<p>)");
    ok(&mut c, "CREATE TABLE ks.t (k int PRIMARY KEY, v frozen<p>)");
    ok(
        &mut c,
        "CREATE TABLE ks.u (k int PRIMARY KEY, w list<frozen<wrap>>)",
    );
    ok(&mut c, "CREATE TABLE ks.other (k int PRIMARY KEY)");
    let out = ok(&mut c, "ALTER TYPE ks.p ADD z text");
    // The type, then each type nesting it, then each table using them.
    let updated = |target| SchemaChange {
        change: SchemaChangeType::Updated,
        target,
    };
    assert_eq!(
        out.events,
        vec![
            updated(SchemaChangeTarget::Type {
                keyspace: "ks".into(),
                name: "p".into()
            }),
            updated(SchemaChangeTarget::Type {
                keyspace: "ks".into(),
                name: "wrap".into()
            }),
            updated(SchemaChangeTarget::Table {
                keyspace: "ks".into(),
                table: "t".into()
            }),
            updated(SchemaChangeTarget::Table {
                keyspace: "ks".into(),
                table: "u".into()
            }),
        ]
    );
    assert_eq!(
        out.result(),
        ResultBody::SchemaChange(out.events[0].clone())
    );
    ok(&mut c, "ALTER TYPE ks.p RENAME x TO xx");
    let udt = c.user_type("ks", "p").expect("p");
    let names: Vec<&str> = udt.fields.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["xx", "y", "z"]);
    let table = c.table("ks", "t").expect("t");
    assert_eq!(
        table.column("v").map(|c| c.typ.clone()),
        Some(ColumnType::Udt {
            keyspace: "ks".into(),
            name: "p".into(),
            fields: vec![
                ("xx".into(), ColumnType::Int),
                ("y".into(), ColumnType::Int),
                ("z".into(), ColumnType::Text),
            ],
        })
    );
}

#[test]
fn drop_type_in_use_is_refused() {
    let mut c = with_keyspace();
    ok(&mut c, "CREATE TYPE ks.a (x int)");
    ok(&mut c, "CREATE TYPE ks.b (inner frozen<a>)");
    ok(
        &mut c,
        "CREATE TABLE ks.t (k int PRIMARY KEY, v map<int, frozen<b>>)",
    );
    assert_invalid(
        &mut c,
        "DROP TYPE ks.a",
        "Cannot drop user type 'ks.a' as it is still used by user types b",
    );
    assert_invalid(
        &mut c,
        "DROP TYPE ks.b",
        "Cannot drop user type 'ks.b' as it is still used by tables t",
    );
    ok(&mut c, "DROP TABLE ks.t");
    ok(&mut c, "DROP TYPE ks.b");
    let out = ok(&mut c, "DROP TYPE ks.a");
    assert_eq!(
        out.result(),
        ResultBody::SchemaChange(SchemaChange {
            change: SchemaChangeType::Dropped,
            target: SchemaChangeTarget::Type {
                keyspace: "ks".into(),
                name: "a".into()
            },
        })
    );
    assert!(schema_rows(&c, "types", "ks", None).is_empty());
}

#[test]
fn user_types_resolve_in_the_statement_keyspace_only() {
    let mut c = with_keyspace();
    ok(
        &mut c,
        "CREATE KEYSPACE other WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    ok(&mut c, "CREATE TYPE other.p (x int)");
    assert_invalid(
        &mut c,
        "CREATE TABLE ks.t (k int PRIMARY KEY, v frozen<other.p>)",
        "Statement on keyspace ks cannot refer to a user type in keyspace other; user types can only be used in the keyspace they are defined in",
    );
    assert_invalid(
        &mut c,
        "CREATE TABLE ks.t (k int PRIMARY KEY, v frozen<p>)",
        "Unknown type ks.p",
    );
    assert_invalid(
        &mut c,
        "CREATE TABLE other.t (k int PRIMARY KEY, v list<p>)",
        "Non-frozen UDTs are not allowed inside collections: list<p>",
    );
}

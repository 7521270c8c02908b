//! What the derives produce: the static schema and its DDL, and rows read back from
//! result pages (columns matched by name, UDTs by field name, enums by stored value).

mod common;

use std::collections::{BTreeMap, BTreeSet};

use cassia::CqlType;
use cassia::prelude::*;
use cassia::schema::{ClusteringOrder, ColumnKind, IndexKind};
use cassia_protocol::response::{ColumnSpec, ResultMetadata, RowsBuilder};
use cassia_protocol::row::typed_rows;
use cassia_protocol::types::ColumnType;
use common::*;
use uuid::Uuid;

#[test]
fn schema_describes_keys_types_and_options() {
    let s = SensorReading::schema();
    assert_eq!(s.keyspace.as_deref(), Some("app"));
    assert_eq!(s.name, "sensor_reading");
    let kinds: Vec<_> = s
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("day", ColumnKind::PartitionKey(1)),
            ("sensor", ColumnKind::PartitionKey(0)),
            ("at", ColumnKind::Clustering(0, ClusteringOrder::Desc)),
            ("seq", ColumnKind::Clustering(1, ClusteringOrder::Asc)),
            ("location", ColumnKind::Static),
            ("value", ColumnKind::Regular),
            ("event", ColumnKind::Regular),
        ]
    );
    assert_eq!(
        s.column("event").map(|c| &c.cql_type),
        Some(&CqlType::Timeuuid)
    );
    assert_eq!(s.options.default_ttl, Some(86400));
    assert_eq!(
        s.create_table_cql(None),
        "CREATE TABLE IF NOT EXISTS app.sensor_reading (day int, sensor uuid, at bigint, seq int, \
         location text static, value double, event timeuuid, PRIMARY KEY ((sensor, day), at, seq)) \
         WITH CLUSTERING ORDER BY (at DESC, seq ASC) AND default_time_to_live = 86400"
    );
}

#[test]
fn user_schema_with_udt_enum_and_indexes() {
    let s = User::schema();
    assert_eq!(
        s.create_table_cql(None),
        "CREATE TABLE IF NOT EXISTS app.users (id int, name text, age int, tags set<text>, \
         addr address, status text, level int, scores list<int>, attrs map<text, text>, \
         PRIMARY KEY ((id))) WITH comment = 'people'"
    );
    assert_eq!(
        s.create_index_cql(None),
        [
            "CREATE INDEX IF NOT EXISTS users_age_idx ON app.users (age)",
            "CREATE INDEX IF NOT EXISTS users_tags_idx ON app.users (values(tags))",
        ]
    );
    assert_eq!(
        s.column("tags").and_then(|c| c.index),
        Some(IndexKind::Values)
    );
    let types = s.user_types();
    assert_eq!(types.len(), 1);
    assert_eq!(
        types[0].create_type_cql(None),
        "CREATE TYPE IF NOT EXISTS app.address (street text, zip int)"
    );
    assert_eq!(
        <Address as cassia::UserType>::udt_schema().create_type_cql(Some("ks")),
        "CREATE TYPE IF NOT EXISTS ks.address (street text, zip int)"
    );
    assert_eq!(
        <Status as cassia::CqlEnum>::stored_values(),
        ["Active", "gone"]
    );
    assert_eq!(<Level as cassia::CqlEnum>::stored_values(), ["1", "5"]);
}

fn spec(name: &str, typ: ColumnType) -> ColumnSpec {
    ColumnSpec {
        keyspace: "app".into(),
        table: "users".into(),
        name: name.into(),
        typ,
    }
}

#[test]
fn rows_read_by_column_name_in_any_order() {
    let keyspace = "app";
    let schema = User::schema();
    // Columns as Cassandra orders SELECT *: key first, then regular columns alphabetically.
    let mut names: Vec<&str> = schema.columns.iter().map(|c| c.name.as_str()).collect();
    names.sort_by_key(|n| (*n != "id", *n));
    let columns: Vec<ColumnSpec> = names
        .iter()
        .map(|n| {
            let c = schema.column(n).expect("column");
            spec(n, c.cql_type.to_column_type(keyspace))
        })
        .collect();
    let row = User {
        id: 3,
        name: "ada".into(),
        age: None,
        tags: BTreeSet::from(["a".to_owned(), "b".to_owned()]),
        address: Some(Address {
            street: "Main".into(),
            zip: Some(75001),
        }),
        status: Status::Deleted,
        level: None,
        scores: vec![3, 1],
        attrs: BTreeMap::from([("k".to_owned(), "v".to_owned())]),
    };
    let mut page = RowsBuilder::new(ResultMetadata {
        column_count: columns.len(),
        columns: columns.clone().into(),
        ..ResultMetadata::default()
    });
    for c in &columns {
        let index = schema
            .columns
            .iter()
            .position(|s| s.name == c.name)
            .expect("index");
        let mut buf = Vec::new();
        row.write_column(index, &c.typ, &mut buf)
            .expect("serializes");
        let len = i32::from_be_bytes(buf[..4].try_into().expect("prefix"));
        if len < 0 {
            page.push_null();
        } else {
            page.push_value(&buf[4..]).expect("push");
        }
    }
    let page = page.finish().expect("page");
    let rows: Vec<User> = typed_rows(&page)
        .expect("type check")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(rows, [row]);
}

#[test]
fn missing_column_and_unknown_enum_value_are_errors() {
    let columns = vec![spec("id", ColumnType::Int)];
    let err = <User as cassia_protocol::row::FromRow>::type_check(&columns).expect_err("missing");
    assert_eq!(err.to_string(), "no column name in the row");

    let columns = vec![spec("status", ColumnType::Text)];
    let err = <(Status,) as cassia_protocol::row::FromRow>::from_row(
        &columns,
        [Some(&b"zombie"[..])].into_iter(),
    )
    .expect_err("unknown variant");
    assert!(
        err.to_string()
            .contains("'zombie' is not a variant of Status"),
        "{err}"
    );
}

#[test]
fn udt_reads_fields_by_name_and_tolerates_missing_optional_ones() {
    use cassia_protocol::value::DeserializeValue;
    // The server's type lists zip first and lacks nothing; then a type without zip.
    let typ = ColumnType::Udt {
        keyspace: "app".into(),
        name: "address".into(),
        fields: vec![
            ("zip".into(), ColumnType::Int),
            ("street".into(), ColumnType::Text),
        ],
    };
    let mut bytes = vec![0, 0, 0, 4];
    bytes.extend_from_slice(&7i32.to_be_bytes());
    bytes.extend_from_slice(&[0, 0, 0, 1, b'x']);
    let a = Address::deserialize_value(&typ, Some(&bytes)).expect("reads");
    assert_eq!(
        a,
        Address {
            street: "x".into(),
            zip: Some(7)
        }
    );

    let typ = ColumnType::Udt {
        keyspace: "app".into(),
        name: "address".into(),
        fields: vec![("street".into(), ColumnType::Text)],
    };
    let a = Address::deserialize_value(&typ, Some(&[0, 0, 0, 1, b'y'])).expect("reads");
    assert_eq!(
        a,
        Address {
            street: "y".into(),
            zip: None
        }
    );
    let _ = Uuid::nil();
}

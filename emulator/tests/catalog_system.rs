//! The system keyspaces and generated system tables drivers read at connect time.

mod catalog_common;

use cassia_emulator::catalog::{Catalog, ColumnKind};
use cassia_emulator::engine::EngineConfig;
use cassia_protocol::types::ColumnType;
use cassia_protocol::value::CqlValue;
use catalog_common::*;

#[test]
fn system_keyspaces_exist_with_cassandra_replication() {
    let c = Catalog::new();
    let names: Vec<String> = rows(&c, "system_schema", "keyspaces")
        .iter()
        .map(|r| format!("{:?}", get(r, "keyspace_name")))
        .collect();
    for ks in [
        "system",
        "system_schema",
        "system_auth",
        "system_distributed",
        "system_traces",
    ] {
        assert!(
            names.contains(&format!("{:?}", t(ks))),
            "{ks} missing from {names:?}"
        );
    }
    // Virtual keyspaces are not part of system_schema.
    assert!(!names.contains(&format!("{:?}", t("system_virtual_schema"))));
    let traces = &schema_rows(&c, "keyspaces", "system_traces", None)[0];
    assert_eq!(
        get(traces, "replication"),
        &Some(CqlValue::Map(vec![
            (
                CqlValue::Text("class".into()),
                CqlValue::Text("org.apache.cassandra.locator.SimpleStrategy".into())
            ),
            (
                CqlValue::Text("replication_factor".into()),
                CqlValue::Text("2".into())
            ),
        ]))
    );
    for (ks, table) in [
        ("system", "local"),
        ("system", "peers"),
        ("system", "peers_v2"),
        ("system_schema", "keyspaces"),
        ("system_schema", "tables"),
        ("system_schema", "columns"),
        ("system_schema", "types"),
        ("system_schema", "indexes"),
        ("system_schema", "views"),
        ("system_schema", "functions"),
        ("system_schema", "aggregates"),
        ("system_schema", "triggers"),
        ("system_schema", "dropped_columns"),
        ("system_traces", "sessions"),
        ("system_traces", "events"),
        ("system_auth", "roles"),
        ("system_virtual_schema", "keyspaces"),
        ("system_virtual_schema", "tables"),
        ("system_virtual_schema", "columns"),
    ] {
        let def = c
            .table(ks, table)
            .unwrap_or_else(|e| panic!("{ks}.{table}: {e:?}"));
        assert!(def.is_system);
    }
    // Stored (not generated) system tables are left to the engine.
    assert!(
        c.system_rows(&EngineConfig::default(), "system_traces", "sessions")
            .is_none()
    );
    assert!(c.system_rows(&EngineConfig::default(), "ks", "t").is_none());
}

#[test]
fn system_local_row() {
    let c = Catalog::new();
    let local = rows(&c, "system", "local");
    assert_eq!(local.len(), 1);
    let row = &local[0];
    let cfg = EngineConfig::default();
    assert_eq!(get(row, "key"), &t("local"));
    assert_eq!(get(row, "bootstrapped"), &t("COMPLETED"));
    assert_eq!(get(row, "cluster_name"), &t(&cfg.cluster_name));
    assert_eq!(get(row, "cql_version"), &t("3.4.5"));
    assert_eq!(get(row, "data_center"), &t("datacenter1"));
    assert_eq!(get(row, "rack"), &t("rack1"));
    assert_eq!(get(row, "release_version"), &t("4.0.13"));
    assert_eq!(
        get(row, "partitioner"),
        &t("org.apache.cassandra.dht.Murmur3Partitioner")
    );
    assert_eq!(
        get(row, "rpc_address"),
        &Some(CqlValue::Inet(cfg.native_address.ip()))
    );
    assert_eq!(get(row, "rpc_port"), &Some(CqlValue::Int(9042)));
    assert_eq!(get(row, "host_id"), &Some(CqlValue::Uuid(c.host_id())));
    assert_eq!(
        get(row, "schema_version"),
        &Some(CqlValue::Uuid(c.schema_version()))
    );
    // num_tokens defaults to 16, as in Cassandra 4.0 (the node owns the whole ring either way).
    assert!(matches!(get(row, "tokens"), Some(CqlValue::Set(tokens)) if tokens.len() == 16));
    assert!(rows(&c, "system", "peers").is_empty());
    assert!(rows(&c, "system", "peers_v2").is_empty());

    let def = c.table("system", "local").expect("local");
    assert_eq!(def.columns[0].name, "key");
    assert_eq!(def.columns[0].kind, ColumnKind::PartitionKey(0));
    assert_eq!(
        def.column("tokens").map(|c| c.typ.clone()),
        Some(ColumnType::Set(Box::new(ColumnType::Text)))
    );
}

#[test]
fn system_local_follows_schema_version() {
    let mut c = Catalog::new();
    ok(
        &mut c,
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    let row = &rows(&c, "system", "local")[0];
    assert_eq!(
        get(row, "schema_version"),
        &Some(CqlValue::Uuid(c.schema_version()))
    );
    let host = c.host_id();
    ok(&mut c, "DROP KEYSPACE ks");
    assert_eq!(c.host_id(), host);
}

#[test]
fn schema_tables_describe_themselves() {
    let c = Catalog::new();
    let cols = schema_rows(&c, "columns", "system_schema", Some("columns"));
    let kinds: Vec<(String, Option<CqlValue>, Option<CqlValue>)> = cols
        .iter()
        .map(|r| {
            (
                format!("{:?}", get(r, "column_name")),
                get(r, "kind").clone(),
                get(r, "type").clone(),
            )
        })
        .collect();
    assert_eq!(kinds.len(), 8);
    let find = |n: &str| {
        kinds
            .iter()
            .find(|(c, _, _)| c == &format!("{:?}", t(n)))
            .cloned()
            .expect("column")
    };
    assert_eq!(find("keyspace_name").1, t("partition_key"));
    assert_eq!(find("table_name").1, t("clustering"));
    assert_eq!(find("column_name_bytes").2, t("blob"));
    let tables = schema_rows(&c, "tables", "system_schema", Some("tables"));
    assert_eq!(get(&tables[0], "comment"), &t("table definitions"));

    // The virtual keyspaces: system_virtual_schema's 3 tables and the 18 of system_views.
    let virt = rows(&c, "system_virtual_schema", "tables");
    let count = |ks: &str| {
        virt.iter()
            .filter(|r| get(r, "keyspace_name") == &t(ks))
            .count()
    };
    assert_eq!(count("system_virtual_schema"), 3);
    assert_eq!(count("system_views"), 18);
    assert_eq!(virt.len(), 21);
}

#[test]
fn use_keyspace_check() {
    let c = with_keyspace();
    assert!(c.check_use("ks").is_ok());
    assert!(c.check_use("system").is_ok());
    let e = c.check_use("nope").expect_err("missing");
    assert_eq!(e.kind, cassia_protocol::response::ErrorKind::Invalid);
    assert_eq!(e.message, "Keyspace 'nope' does not exist");
}

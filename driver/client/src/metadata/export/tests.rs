//! Golden exports built from hand-made metadata (the emulator has no views or UDFs, so
//! those statements are checked here; the replay of tables, types and indexes is tested
//! end to end in `tests/metadata.rs`).

use std::collections::BTreeMap;

use super::*;
use crate::metadata::index::IndexKind;
use crate::metadata::routine::{AggregateMetadata, FunctionMetadata, UserTypeMetadata};
use crate::metadata::table::{ClusteringOrder, ColumnKind, ColumnMetadata};
use crate::metadata::view::ViewMetadata;

fn column(
    name: &str,
    kind: ColumnKind,
    position: i32,
    order: ClusteringOrder,
    typ: &str,
) -> ColumnMetadata {
    ColumnMetadata {
        name: name.into(),
        kind,
        position,
        clustering_order: order,
        cql_type: typ.into(),
        column_type: None,
    }
}

#[test]
fn exports_keyspace_types_tables_and_indexes_in_order() {
    use ClusteringOrder::{Desc, None as NoOrder};
    let mut events = TableMetadata::new("App", "events");
    events.columns = vec![
        column("at", ColumnKind::Clustering, 0, Desc, "timestamp"),
        column("day", ColumnKind::PartitionKey, 1, NoOrder, "date"),
        column("owner", ColumnKind::Static, -1, NoOrder, "text"),
        column("site", ColumnKind::PartitionKey, 0, NoOrder, "text"),
        column("where", ColumnKind::Regular, -1, NoOrder, "frozen<place>"),
    ];
    events.options.comment = Some("it's".into());
    events.options.bloom_filter_fp_chance = Some(1.0);
    events.indexes = vec![IndexMetadata::new(
        "ev_sasi",
        IndexKind::Custom,
        BTreeMap::from([
            ("class_name".into(), "org.example.Sasi".into()),
            ("mode".into(), "CONTAINS".into()),
            ("target".into(), "owner".into()),
        ]),
    )];
    let mut ks = KeyspaceMetadata::new("App");
    ks.replication = BTreeMap::from([
        ("DC1".into(), "3".into()),
        (
            "class".into(),
            "org.apache.cassandra.locator.NetworkTopologyStrategy".into(),
        ),
    ]);
    ks.tables.insert("events".into(), events);
    for (name, field, typ) in [("place", "geo", "frozen<point>"), ("point", "x", "int")] {
        ks.user_types.insert(
            name.into(),
            UserTypeMetadata::new("App", name, vec![(field.into(), typ.into())]),
        );
    }
    assert_eq!(
        ks.to_cql(),
        "CREATE KEYSPACE \"App\" WITH replication = {'class': \
         'org.apache.cassandra.locator.NetworkTopologyStrategy', 'DC1': '3'} AND durable_writes = true;\n\
         \n\
         CREATE TYPE \"App\".point (\n    x int\n);\n\
         \n\
         CREATE TYPE \"App\".place (\n    geo frozen<point>\n);\n\
         \n\
         CREATE TABLE \"App\".events (\n    site text,\n    day date,\n    at timestamp,\n    \
         owner text static,\n    \"where\" frozen<place>,\n    PRIMARY KEY ((site, day), at)\n) \
         WITH CLUSTERING ORDER BY (at DESC)\n    AND bloom_filter_fp_chance = 1.0\n    \
         AND comment = 'it''s';\n\
         \n\
         CREATE CUSTOM INDEX ev_sasi ON \"App\".events (owner) USING 'org.example.Sasi' \
         WITH OPTIONS = {'mode': 'CONTAINS'};\n"
    );
    assert!(
        ks.without_keyspace_statement()
            .starts_with("CREATE TYPE point (\n")
    );
    let table = ks.table("events").expect("table");
    assert!(
        table
            .to_cql()
            .starts_with("CREATE TABLE \"App\".events (\n")
    );
    assert!(
        table
            .to_cql()
            .ends_with("\nCREATE CUSTOM INDEX ev_sasi ON \"App\".events (owner) USING 'org.example.Sasi' WITH OPTIONS = {'mode': 'CONTAINS'};\n")
    );
}

#[test]
fn exports_functions_aggregates_and_views() {
    let mut ks = KeyspaceMetadata::new("ks");
    ks.functions.push(FunctionMetadata {
        keyspace: "ks".into(),
        name: "plus".into(),
        argument_names: vec!["a".into(), "b".into()],
        argument_types: vec!["int".into(), "int".into()],
        return_type: "int".into(),
        language: "java".into(),
        body: "return a + b;".into(),
        called_on_null_input: false,
    });
    ks.aggregates.push(AggregateMetadata {
        keyspace: "ks".into(),
        name: "total".into(),
        argument_types: vec!["int".into()],
        state_func: "plus".into(),
        state_type: "int".into(),
        final_func: None,
        initcond: Some("0".into()),
        return_type: "int".into(),
    });
    let mut view = ViewMetadata::new("ks", "by_name", "users");
    view.where_clause = "name IS NOT NULL AND id IS NOT NULL".into();
    view.columns = vec![
        column(
            "name",
            ColumnKind::PartitionKey,
            0,
            ClusteringOrder::None,
            "text",
        ),
        column(
            "id",
            ColumnKind::Clustering,
            0,
            ClusteringOrder::Desc,
            "int",
        ),
    ];
    view.options.comment = Some(String::new());
    ks.views.insert("by_name".into(), view);
    let cql = ks.without_keyspace_statement();
    assert_eq!(
        cql,
        "CREATE FUNCTION plus(a int, b int)\n    RETURNS NULL ON NULL INPUT\n    RETURNS int\n    \
         LANGUAGE java\n    AS $$return a + b;$$;\n\
         \n\
         CREATE AGGREGATE total(int)\n    SFUNC plus\n    STYPE int\n    INITCOND 0;\n\
         \n\
         CREATE MATERIALIZED VIEW by_name AS\n    SELECT name, id\n    FROM users\n    \
         WHERE name IS NOT NULL AND id IS NOT NULL\n    PRIMARY KEY ((name), id) \
         WITH CLUSTERING ORDER BY (id DESC)\n    AND comment = '';\n"
    );
}

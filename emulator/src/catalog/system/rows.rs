//! Rows of the generated system tables: `system.local`, `system.peers[_v2]` (empty on a
//! single node, the other nodes of a simulated cluster otherwise), every `system_schema` table,
//! `system_virtual_schema` and `system_views` (see `settings.rs`). Schema rows are
//! computed from the catalog on each read, so they reflect DDL immediately.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use cassia_protocol::value::{CqlTimestamp, CqlValue};

use crate::cluster::{NodeInfo, NodeView};
use crate::cql::ast::Order;
use crate::engine::EngineConfig;

use super::super::Catalog;
use super::super::model::{ColumnKind, IndexClass, KeyspaceDef, KeyspaceKind, TableDef};
use super::super::options::TableOptions;
use super::super::types::render;

/// The node's partitioner, as `system.local` and `system_views.settings` name it.
pub(super) const PARTITIONER: &str = "org.apache.cassandra.dht.Murmur3Partitioner";

/// A generated row: values by column name, ordered by the table's columns on output.
type NamedRow = Vec<(&'static str, Option<CqlValue>)>;

/// The rows of a generated system table, each in the table's column order; `None` for any
/// other table (including empty system tables, which the engine stores like user tables).
pub(in crate::catalog) fn system_rows(
    catalog: &Catalog,
    config: &EngineConfig,
    view: Option<&NodeView>,
    keyspace: &str,
    table: &str,
) -> Option<Vec<Vec<Option<CqlValue>>>> {
    let def = catalog.keyspaces.get(keyspace)?.tables.get(table)?.clone();
    let named: Vec<NamedRow> = match (keyspace, table) {
        ("system", "local") => vec![local_row(catalog, config, view.map(|v| &v.0))],
        ("system", "peers") => peers(view)
            .map(|p| peer_row(catalog, config, p, false))
            .collect(),
        ("system", "peers_v2") => peers(view)
            .map(|p| peer_row(catalog, config, p, true))
            .collect(),
        ("system_schema", "keyspaces") => schema_keyspaces(catalog)
            .map(|ks| {
                vec![
                    ("keyspace_name", text(&ks.name)),
                    ("durable_writes", Some(CqlValue::Boolean(ks.durable_writes))),
                    ("replication", text_map(&ks.replication)),
                ]
            })
            .collect(),
        ("system_schema", "tables") => schema_tables(catalog).map(table_row).collect(),
        ("system_schema", "columns") => schema_tables(catalog).flat_map(column_rows).collect(),
        ("system_schema", "dropped_columns") => {
            schema_tables(catalog).flat_map(dropped_rows).collect()
        }
        ("system_schema", "types") => schema_keyspaces(catalog)
            .flat_map(|ks| ks.types.values())
            .map(|t| {
                vec![
                    ("keyspace_name", text(&t.keyspace)),
                    ("type_name", text(&t.name)),
                    (
                        "field_names",
                        list(t.fields.iter().map(|(n, _)| n.clone()).collect()),
                    ),
                    (
                        "field_types",
                        list(t.fields.iter().map(|(_, ty)| render(ty)).collect()),
                    ),
                ]
            })
            .collect(),
        ("system_schema", "indexes") => schema_tables(catalog).flat_map(index_rows).collect(),
        ("system_schema", "views")
        | ("system_schema", "functions")
        | ("system_schema", "aggregates")
        | ("system_schema", "triggers") => Vec::new(),
        ("system_views", "settings") => super::settings::settings(config, view)
            .into_iter()
            .map(|[name, value]| vec![("name", Some(name)), ("value", Some(value))])
            .collect(),
        // `clients` is filled in by the engine, which knows the connections; the other
        // tables report metrics and tasks the emulator does not have: empty, as on an idle
        // node, but never the (refused) writes of a client.
        ("system_views", _) => Vec::new(),
        ("system_virtual_schema", "keyspaces") => virtual_keyspaces(catalog)
            .map(|ks| vec![("keyspace_name", text(&ks.name))])
            .collect(),
        ("system_virtual_schema", "tables") => virtual_keyspaces(catalog)
            .flat_map(|ks| ks.tables.values())
            .map(|t| {
                vec![
                    ("keyspace_name", text(&t.keyspace)),
                    ("table_name", text(&t.name)),
                    ("comment", text(&t.options.comment)),
                ]
            })
            .collect(),
        ("system_virtual_schema", "columns") => virtual_keyspaces(catalog)
            .flat_map(|ks| ks.tables.values())
            .flat_map(|t| column_rows(t))
            .collect(),
        _ => return None,
    };
    Some(
        named
            .into_iter()
            .map(|r| in_column_order(&def, r))
            .collect(),
    )
}

fn in_column_order(def: &TableDef, mut row: NamedRow) -> Vec<Option<CqlValue>> {
    def.columns
        .iter()
        .map(|c| {
            row.iter_mut()
                .find(|(n, _)| *n == c.name)
                .and_then(|(_, v)| v.take())
        })
        .collect()
}

fn schema_keyspaces(catalog: &Catalog) -> impl Iterator<Item = &KeyspaceDef> {
    catalog
        .keyspaces
        .values()
        .map(|k| &**k)
        .filter(|k| k.kind != KeyspaceKind::Virtual)
}

fn virtual_keyspaces(catalog: &Catalog) -> impl Iterator<Item = &KeyspaceDef> {
    catalog
        .keyspaces
        .values()
        .map(|k| &**k)
        .filter(|k| k.kind == KeyspaceKind::Virtual)
}

fn schema_tables(catalog: &Catalog) -> impl Iterator<Item = &TableDef> {
    schema_keyspaces(catalog).flat_map(|ks| ks.tables.values().map(|t| &**t))
}

fn text(s: &str) -> Option<CqlValue> {
    Some(CqlValue::Text(s.to_owned()))
}

fn text_map(m: &BTreeMap<String, String>) -> Option<CqlValue> {
    Some(CqlValue::Map(
        m.iter()
            .map(|(k, v)| (CqlValue::Text(k.clone()), CqlValue::Text(v.clone())))
            .collect(),
    ))
}

fn list(items: Vec<String>) -> Option<CqlValue> {
    Some(CqlValue::List(
        items.into_iter().map(CqlValue::Text).collect(),
    ))
}

fn peers(view: Option<&NodeView>) -> impl Iterator<Item = &NodeInfo> {
    view.into_iter().flat_map(|(_, peers)| peers.iter())
}

fn token_set(tokens: &[i64]) -> Option<CqlValue> {
    // A set<text> is ordered by its elements' text, as Cassandra returns it.
    let mut texts: Vec<String> = tokens.iter().map(i64::to_string).collect();
    texts.sort();
    Some(CqlValue::Set(
        texts.into_iter().map(CqlValue::Text).collect(),
    ))
}

/// A `system.peers` (or, with `v2`, `system.peers_v2`) row about `peer`. Only the native
/// address tells drivers where to connect: in peers_v2 with its port, so nodes sharing an
/// address on different ports are told apart; `peer` is the (simulated) gossip address.
fn peer_row(catalog: &Catalog, config: &EngineConfig, peer: &NodeInfo, v2: bool) -> NamedRow {
    let ip = Some(CqlValue::Inet(peer.addr.ip()));
    let mut row = vec![
        ("peer", ip.clone()),
        ("data_center", text(&peer.datacenter)),
        ("host_id", Some(CqlValue::Uuid(peer.host_id))),
        ("preferred_ip", None),
        ("rack", text(&peer.rack)),
        ("release_version", text(&config.release_version)),
        (
            "schema_version",
            Some(CqlValue::Uuid(catalog.schema_version)),
        ),
        ("tokens", token_set(&peer.tokens)),
    ];
    if v2 {
        // Gossip ports must differ when nodes share an address, as real ones would.
        let gossip_port = 7000 + i32::try_from(peer.index).unwrap_or(0);
        row.extend([
            ("peer_port", Some(CqlValue::Int(gossip_port))),
            ("native_address", ip),
            (
                "native_port",
                Some(CqlValue::Int(i32::from(peer.addr.port()))),
            ),
            ("preferred_port", None),
        ]);
    } else {
        row.push(("rpc_address", ip));
    }
    row
}

fn local_row(catalog: &Catalog, config: &EngineConfig, node: Option<&NodeInfo>) -> NamedRow {
    let addr: SocketAddr = node.map_or(config.native_address, |n| n.addr);
    let ip = Some(CqlValue::Inet(addr.ip()));
    let datacenter = node.map_or(config.datacenter.as_str(), |n| n.datacenter.as_str());
    let rack = node.map_or(config.rack.as_str(), |n| n.rack.as_str());
    let host_id = node.map_or(catalog.host_id, |n| n.host_id);
    let tokens = match node {
        Some(n) => n.tokens.clone(),
        // A catalog outside any cluster: the tokens of a lone node.
        None => {
            crate::cluster::ring::initial_tokens(1, crate::cluster::DEFAULT_NUM_TOKENS).concat()
        }
    };
    let gossip_port = 7000 + node.map_or(0, |n| i32::try_from(n.index).unwrap_or(0));
    vec![
        ("key", text("local")),
        ("bootstrapped", text("COMPLETED")),
        ("broadcast_address", ip.clone()),
        ("broadcast_port", Some(CqlValue::Int(gossip_port))),
        ("cluster_name", text(&config.cluster_name)),
        ("cql_version", text("3.4.5")),
        ("data_center", text(datacenter)),
        (
            "gossip_generation",
            Some(CqlValue::Int(catalog.started_secs)),
        ),
        ("host_id", Some(CqlValue::Uuid(host_id))),
        ("listen_address", ip.clone()),
        ("listen_port", Some(CqlValue::Int(gossip_port))),
        ("native_protocol_version", text("5")),
        ("partitioner", text(PARTITIONER)),
        ("rack", text(rack)),
        ("release_version", text(&config.release_version)),
        ("rpc_address", ip),
        ("rpc_port", Some(CqlValue::Int(i32::from(addr.port())))),
        (
            "schema_version",
            Some(CqlValue::Uuid(catalog.schema_version)),
        ),
        ("tokens", token_set(&tokens)),
        ("truncated_at", None),
    ]
}

/// Seconds since the epoch, for `gossip_generation`.
pub(in crate::catalog) fn now_secs() -> i32 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i32::try_from(d.as_secs()).unwrap_or(i32::MAX))
        .unwrap_or(0)
}

fn table_row(t: &TableDef) -> NamedRow {
    let o: &TableOptions = &t.options;
    vec![
        ("keyspace_name", text(&t.keyspace)),
        ("table_name", text(&t.name)),
        ("additional_write_policy", text(&o.additional_write_policy)),
        (
            "bloom_filter_fp_chance",
            Some(CqlValue::Double(o.bloom_filter_fp_chance)),
        ),
        ("caching", text_map(&o.caching)),
        // `SchemaKeyspace` writes `cdc` only when CDC is enabled on the node (`cdc_enabled`,
        // off by default), so a default 4.0 node reads it back as null.
        ("cdc", None),
        ("comment", text(&o.comment)),
        ("compaction", text_map(&o.compaction)),
        ("compression", text_map(&o.compression)),
        (
            "crc_check_chance",
            Some(CqlValue::Double(o.crc_check_chance)),
        ),
        ("dclocal_read_repair_chance", Some(CqlValue::Double(0.0))),
        (
            "default_time_to_live",
            Some(CqlValue::Int(o.default_time_to_live)),
        ),
        (
            "extensions",
            Some(CqlValue::Map(
                o.extensions
                    .iter()
                    .map(|(k, v)| (CqlValue::Text(k.clone()), CqlValue::Blob(v.clone())))
                    .collect(),
            )),
        ),
        (
            "flags",
            Some(CqlValue::Set(
                TableOptions::flags(t.is_counter)
                    .into_iter()
                    .map(CqlValue::Text)
                    .collect(),
            )),
        ),
        ("gc_grace_seconds", Some(CqlValue::Int(o.gc_grace_seconds))),
        ("id", Some(CqlValue::Uuid(t.id))),
        (
            "max_index_interval",
            Some(CqlValue::Int(o.max_index_interval)),
        ),
        (
            "memtable_flush_period_in_ms",
            Some(CqlValue::Int(o.memtable_flush_period_in_ms)),
        ),
        (
            "min_index_interval",
            Some(CqlValue::Int(o.min_index_interval)),
        ),
        ("read_repair", text(&o.read_repair)),
        ("read_repair_chance", Some(CqlValue::Double(0.0))),
        ("speculative_retry", text(&o.speculative_retry)),
    ]
}

fn column_rows(t: &TableDef) -> Vec<NamedRow> {
    // Cassandra's partition is ordered by column name (the clustering key).
    let mut columns: Vec<_> = t.columns.iter().collect();
    columns.sort_by(|a, b| a.name.cmp(&b.name));
    columns
        .into_iter()
        .map(|c| {
            let (position, order) = match c.kind {
                ColumnKind::PartitionKey(p) => (p as i32, "none"),
                ColumnKind::Clustering(p, Order::Asc) => (p as i32, "asc"),
                ColumnKind::Clustering(p, Order::Desc) => (p as i32, "desc"),
                ColumnKind::Static | ColumnKind::Regular => (-1, "none"),
            };
            vec![
                ("keyspace_name", text(&t.keyspace)),
                ("table_name", text(&t.name)),
                ("column_name", text(&c.name)),
                ("clustering_order", text(order)),
                (
                    "column_name_bytes",
                    Some(CqlValue::Blob(c.name.as_bytes().to_vec())),
                ),
                ("kind", text(c.kind.schema_name())),
                ("position", Some(CqlValue::Int(position))),
                ("type", text(&render(&c.declared))),
            ]
        })
        .collect()
}

fn dropped_rows(t: &TableDef) -> Vec<NamedRow> {
    let mut dropped: Vec<_> = t.dropped_columns.iter().collect();
    dropped.sort_by(|a, b| a.name.cmp(&b.name));
    dropped
        .into_iter()
        .map(|d| {
            vec![
                ("keyspace_name", text(&t.keyspace)),
                ("table_name", text(&t.name)),
                ("column_name", text(&d.name)),
                (
                    "dropped_time",
                    Some(CqlValue::Timestamp(CqlTimestamp(
                        d.dropped_time_micros / 1000,
                    ))),
                ),
                ("kind", text(d.kind.schema_name())),
                ("type", text(&render(&d.declared))),
            ]
        })
        .collect()
}

fn index_rows(t: &TableDef) -> Vec<NamedRow> {
    let mut indexes: Vec<_> = t.indexes.iter().collect();
    indexes.sort_by(|a, b| a.name.cmp(&b.name));
    indexes
        .into_iter()
        .map(|i| {
            let mut options = i.options.clone();
            let kind = match &i.class {
                IndexClass::Composites => "COMPOSITES",
                IndexClass::Custom(class) => {
                    options.insert("class_name".to_owned(), class.clone());
                    "CUSTOM"
                }
            };
            options.insert("target".to_owned(), i.target_option());
            vec![
                ("keyspace_name", text(&t.keyspace)),
                ("table_name", text(&t.name)),
                ("index_name", text(&i.name)),
                ("kind", text(kind)),
                ("options", text_map(&options)),
            ]
        })
        .collect()
}

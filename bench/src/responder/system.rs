//! Plausible answers to the system-table queries drivers send while connecting:
//! `system.local` (one row describing a single-node cluster), `system.peers`/`peers_v2`
//! (no peers) and `system_schema.*` (no user schema).
//!
//! Drivers name the columns they want; the answer carries exactly those columns with the
//! types Cassandra 4.0 uses, so typed row checks in the clients pass.

use std::net::{IpAddr, Ipv4Addr};

use cassia_protocol::types::ColumnType as T;
use cassia_protocol::value::CqlValue as V;
use uuid::Uuid;

use super::body::Col;

/// A parsed `SELECT <columns> FROM <ks>.<table>`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SystemSelect {
    /// Keyspace.
    pub(crate) ks: String,
    /// Table.
    pub(crate) table: String,
    /// Requested columns; empty means `*`.
    pub(crate) columns: Vec<String>,
}

/// Recognises a SELECT on a system keyspace.
pub(crate) fn parse(query: &str) -> Option<SystemSelect> {
    let q = query.trim().to_ascii_lowercase();
    let rest = q.strip_prefix("select")?;
    let from = rest.find(" from ")?;
    let (cols, after) = rest.split_at(from);
    let target = after.get(6..)?.split_whitespace().next()?;
    let target = target.trim_end_matches(';');
    let (ks, table) = target.split_once('.')?;
    let ks = ks.trim_matches('"');
    if !ks.starts_with("system") {
        return None;
    }
    let cols = cols.trim();
    let columns = if cols == "*" {
        Vec::new()
    } else {
        cols.split(',')
            .map(|c| c.trim().trim_matches('"').to_string())
            .collect()
    };
    Some(SystemSelect {
        ks: ks.to_string(),
        table: table.trim_matches('"').to_string(),
        columns,
    })
}

const HOST_ID: Uuid = Uuid::from_u128(0x6a2f_1c2e_0b1d_4c11_9a5e_3d2b_1c0f_9e8d);
const SCHEMA_VERSION: Uuid = Uuid::from_u128(0x1f0e_6b5a_4c3d_3e2f_8a1b_0c9d_8e7f_6a5b);

fn localhost() -> V {
    V::Inet(IpAddr::V4(Ipv4Addr::LOCALHOST))
}

fn text(s: &str) -> Option<V> {
    Some(V::Text(s.to_string()))
}

/// system.local columns with this node's values.
fn local_columns(port: u16) -> Vec<(&'static str, T, Option<V>)> {
    vec![
        ("key", T::Text, text("local")),
        ("bootstrapped", T::Text, text("COMPLETED")),
        ("broadcast_address", T::Inet, Some(localhost())),
        ("broadcast_port", T::Int, Some(V::Int(7000))),
        ("cluster_name", T::Text, text("cassia-bench")),
        ("cql_version", T::Text, text("3.4.5")),
        ("data_center", T::Text, text("datacenter1")),
        ("gossip_generation", T::Int, Some(V::Int(1_700_000_000))),
        ("host_id", T::Uuid, Some(V::Uuid(HOST_ID))),
        ("listen_address", T::Inet, Some(localhost())),
        ("listen_port", T::Int, Some(V::Int(7000))),
        ("native_protocol_version", T::Text, text("5")),
        (
            "partitioner",
            T::Text,
            text("org.apache.cassandra.dht.Murmur3Partitioner"),
        ),
        ("rack", T::Text, text("rack1")),
        ("release_version", T::Text, text("4.0.13")),
        ("rpc_address", T::Inet, Some(localhost())),
        ("rpc_port", T::Int, Some(V::Int(i32::from(port)))),
        ("schema_version", T::Uuid, Some(V::Uuid(SCHEMA_VERSION))),
        (
            "tokens",
            T::Set(Box::new(T::Text)),
            Some(V::Set(vec![V::Text("0".into())])),
        ),
        (
            "truncated_at",
            T::Map(Box::new(T::Uuid), Box::new(T::Blob)),
            None,
        ),
    ]
}

/// Column types of the peers tables and of the system_schema tables drivers read.
fn known_type(name: &str) -> T {
    match name {
        "peer" | "preferred_ip" | "native_address" | "rpc_address" | "broadcast_address"
        | "listen_address" => T::Inet,
        "peer_port" | "native_port" | "preferred_port" | "position" | "rpc_port"
        | "broadcast_port" | "listen_port" | "gossip_generation" => T::Int,
        "host_id" | "schema_version" | "id" => T::Uuid,
        "tokens" | "flags" => T::Set(Box::new(T::Text)),
        "durable_writes" | "include_all_columns" => T::Boolean,
        "replication" | "options" | "compaction" | "compression" | "caching" | "extensions" => {
            T::Map(Box::new(T::Text), Box::new(T::Text))
        }
        "field_names" | "field_types" | "argument_names" | "argument_types" => {
            T::List(Box::new(T::Text))
        }
        "bloom_filter_fp_chance"
        | "crc_check_chance"
        | "read_repair_chance"
        | "dclocal_read_repair_chance" => T::Double,
        "default_time_to_live"
        | "gc_grace_seconds"
        | "max_index_interval"
        | "min_index_interval"
        | "memtable_flush_period_in_ms" => T::Int,
        _ => T::Text,
    }
}

/// The answer to a system SELECT: keyspace, table, columns and rows.
pub(crate) type Answer = (String, String, Vec<Col>, Vec<Vec<Option<V>>>);

/// Builds the answer to `select` for a responder listening on `port`.
pub(crate) fn answer(select: &SystemSelect, port: u16) -> Answer {
    let ks = select.ks.clone();
    let table = select.table.clone();
    if ks == "system" && table == "local" {
        let all = local_columns(port);
        let picked: Vec<(String, T, Option<V>)> = if select.columns.is_empty() {
            all.into_iter()
                .map(|(n, t, v)| (n.to_string(), t, v))
                .collect()
        } else {
            select
                .columns
                .iter()
                .map(|c| match all.iter().find(|(n, _, _)| n == c) {
                    Some((n, t, v)) => (n.to_string(), t.clone(), v.clone()),
                    None => (c.clone(), known_type(c), None),
                })
                .collect()
        };
        let cols = picked
            .iter()
            .map(|(n, t, _)| (n.clone(), t.clone()))
            .collect();
        let row = picked.into_iter().map(|(_, _, v)| v).collect();
        return (ks, table, cols, vec![row]);
    }
    let names: Vec<String> = if select.columns.is_empty() {
        [
            "peer",
            "data_center",
            "host_id",
            "rack",
            "release_version",
            "rpc_address",
            "schema_version",
            "tokens",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    } else {
        select.columns.clone()
    };
    let cols = names.iter().map(|n| (n.clone(), known_type(n))).collect();
    (ks, table, cols, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_driver_queries() {
        let s = parse("SELECT host_id, rpc_address FROM system.local WHERE key='local'")
            .expect("system select");
        assert_eq!(s.ks, "system");
        assert_eq!(s.table, "local");
        assert_eq!(s.columns, vec!["host_id", "rpc_address"]);
        assert_eq!(
            parse("SELECT * FROM system.peers_v2").map(|s| s.columns.len()),
            Some(0)
        );
        assert_eq!(parse("SELECT v1 FROM bench.kv WHERE k = ?"), None);
    }

    #[test]
    fn local_answer_has_requested_columns_in_order() {
        let s = parse("SELECT rpc_address, tokens, nope FROM system.local").expect("parse");
        let (_, _, cols, rows) = answer(&s, 9042);
        let names: Vec<&str> = cols.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["rpc_address", "tokens", "nope"]);
        assert_eq!(cols[1].1, T::Set(Box::new(T::Text)));
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0][0], Some(localhost()));
        assert_eq!(rows[0][2], None);
    }
}

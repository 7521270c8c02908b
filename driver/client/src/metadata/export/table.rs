//! `CREATE TABLE`, `CREATE [CUSTOM] INDEX` and `CREATE MATERIALIZED VIEW` statements, with
//! the `WITH` clauses tables and views share.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use cassia_protocol::cql::{quote_identifier, quote_string};

use crate::metadata::index::IndexMetadata;
use crate::metadata::options::TableOptions;
use crate::metadata::table::{
    ClusteringOrder, ColumnKind, ColumnMetadata, TableMetadata, key_columns,
};
use crate::metadata::view::ViewMetadata;

pub(super) fn table_cql(t: &TableMetadata, name: &str) -> String {
    let partition = t.partition_key();
    let clustering = t.clustering_columns();
    // Key columns in key order, then the others by name (as DESCRIBE lists them).
    let mut columns = partition.clone();
    columns.extend(clustering.iter().copied());
    let mut others: Vec<_> = t.columns.iter().filter(|c| !c.is_primary_key()).collect();
    others.sort_by(|a, b| a.name.cmp(&b.name));
    columns.extend(others);

    let mut lines: Vec<String> = columns
        .iter()
        .map(|c| {
            let mut line = format!("    {} {}", quote_identifier(&c.name), c.cql_type);
            if c.is_static() {
                line.push_str(" static");
            }
            line
        })
        .collect();
    lines.push(format!(
        "    PRIMARY KEY {}",
        primary_key(&partition, &clustering)
    ));
    let mut out = format!("CREATE TABLE {name} (\n{}\n)", lines.join(",\n"));
    out.push_str(&with_clauses(&clustering, &t.options));
    out.push_str(";\n");
    out
}

pub(super) fn view_cql(v: &ViewMetadata, name: &str, base: &str) -> String {
    let partition = key_columns(&v.columns, ColumnKind::PartitionKey);
    let clustering = key_columns(&v.columns, ColumnKind::Clustering);
    let selected = if v.include_all_columns {
        "*".to_owned()
    } else {
        names(&v.columns.iter().collect::<Vec<_>>())
    };
    let mut out = format!(
        "CREATE MATERIALIZED VIEW {name} AS\n    SELECT {selected}\n    FROM {base}\n    \
         WHERE {}\n    PRIMARY KEY {}",
        v.where_clause,
        primary_key(&partition, &clustering)
    );
    out.push_str(&with_clauses(&clustering, &v.options));
    out.push_str(";\n");
    out
}

fn names(columns: &[&ColumnMetadata]) -> String {
    columns
        .iter()
        .map(|c| quote_identifier(&c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `((p1, p2), c1, c2)`.
fn primary_key(partition: &[&ColumnMetadata], clustering: &[&ColumnMetadata]) -> String {
    let mut key = format!("(({})", names(partition));
    if !clustering.is_empty() {
        let _ = write!(key, ", {}", names(clustering));
    }
    key.push(')');
    key
}

/// ` WITH CLUSTERING ORDER BY (...)\n    AND option = value...`, empty without any.
fn with_clauses(clustering: &[&ColumnMetadata], options: &TableOptions) -> String {
    let mut with: Vec<String> = Vec::new();
    if !clustering.is_empty() {
        let order: Vec<String> = clustering
            .iter()
            .map(|c| {
                let dir = match c.clustering_order {
                    ClusteringOrder::Desc => "DESC",
                    _ => "ASC",
                };
                format!("{} {dir}", quote_identifier(&c.name))
            })
            .collect();
        with.push(format!("CLUSTERING ORDER BY ({})", order.join(", ")));
    }
    with.extend(option_clauses(options));
    if with.is_empty() {
        return String::new();
    }
    format!(" WITH {}", with.join("\n    AND "))
}

/// `name = literal` for every option the server reported, in name order.
fn option_clauses(o: &TableOptions) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |name: &str, value: Option<String>| {
        if let Some(v) = value {
            out.push(format!("{name} = {v}"));
        }
    };
    let text = |v: &Option<String>| v.as_deref().map(quote_string);
    let map = |m: &Option<BTreeMap<String, String>>| m.as_ref().map(map_literal);
    let plain = |v: Option<i32>| v.map(|v| v.to_string());
    let boolean = |v: Option<bool>| v.map(|b| b.to_string());
    // `{:?}` keeps a decimal point (`1.0`), which CQL needs to read a double.
    let double = |v: Option<f64>| v.map(|d| format!("{d:?}"));
    push("additional_write_policy", text(&o.additional_write_policy));
    push("allow_auto_snapshot", boolean(o.allow_auto_snapshot));
    push("bloom_filter_fp_chance", double(o.bloom_filter_fp_chance));
    push("caching", map(&o.caching));
    push("cdc", boolean(o.cdc));
    push("comment", text(&o.comment));
    push("compaction", map(&o.compaction));
    push("compression", map(&o.compression));
    push("crc_check_chance", double(o.crc_check_chance));
    push("default_time_to_live", plain(o.default_time_to_live));
    // Cassandra reads extension values as hex strings; an empty map is the default and
    // is left out, since some versions refuse the option without a registered extension.
    push(
        "extensions",
        o.extensions.as_ref().filter(|m| !m.is_empty()).map(|m| {
            let items: Vec<String> = m
                .iter()
                .map(|(k, v)| {
                    let hex: String = v.iter().map(|b| format!("{b:02x}")).collect();
                    format!("{}: {}", quote_string(k), quote_string(&hex))
                })
                .collect();
            format!("{{{}}}", items.join(", "))
        }),
    );
    push("gc_grace_seconds", plain(o.gc_grace_seconds));
    push("incremental_backups", boolean(o.incremental_backups));
    push("max_index_interval", plain(o.max_index_interval));
    push("memtable", text(&o.memtable));
    push(
        "memtable_flush_period_in_ms",
        plain(o.memtable_flush_period_in_ms),
    );
    push("min_index_interval", plain(o.min_index_interval));
    push("read_repair", text(&o.read_repair));
    push("speculative_retry", text(&o.speculative_retry));
    out
}

fn map_literal(m: &BTreeMap<String, String>) -> String {
    let items: Vec<String> = m
        .iter()
        .map(|(k, v)| format!("{}: {}", quote_string(k), quote_string(v)))
        .collect();
    format!("{{{}}}", items.join(", "))
}

pub(super) fn index_cql(index: &IndexMetadata, table: &str) -> String {
    let name = quote_identifier(&index.name);
    // The stored target is already CQL (`values(tags)`, `"userId"`).
    let target = &index.target;
    match index.class_name().filter(|_| index.is_custom()) {
        Some(class) => {
            let mut out = format!(
                "CREATE CUSTOM INDEX {name} ON {table} ({target}) USING {}",
                quote_string(class)
            );
            let options: BTreeMap<String, String> = index
                .options
                .iter()
                .filter(|(k, _)| *k != "target" && *k != "class_name")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if !options.is_empty() {
                let _ = write!(out, " WITH OPTIONS = {}", map_literal(&options));
            }
            out.push_str(";\n");
            out
        }
        None => format!("CREATE INDEX {name} ON {table} ({target});\n"),
    }
}

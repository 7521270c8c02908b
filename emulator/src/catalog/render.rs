//! CQL text for schema objects: identifier quoting and `CREATE` statements as
//! `DESCRIBE` prints them (for debugging and for schema diffs).

use std::collections::BTreeMap;

use crate::cql::ast::Order;

use super::model::{ColumnKind, IndexClass, IndexDef, KeyspaceDef, TableDef, UdtDef};
use super::types::render;

/// Quotes an identifier when CQL needs it (not all lower-case alphanumerics/underscores
/// starting with a letter, or a reserved word).
pub fn quote_ident(name: &str) -> String {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !is_reserved(name);
    if plain {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// Reserved keywords of CQL 3.4.5 (they must be quoted to be used as identifiers).
fn is_reserved(word: &str) -> bool {
    const RESERVED: &[&str] = &[
        "add",
        "allow",
        "alter",
        "and",
        "apply",
        "asc",
        "authorize",
        "batch",
        "begin",
        "by",
        "columnfamily",
        "create",
        "default",
        "delete",
        "desc",
        "describe",
        "drop",
        "entries",
        "execute",
        "from",
        "full",
        "grant",
        "if",
        "in",
        "index",
        "infinity",
        "insert",
        "into",
        "is",
        "keyspace",
        "limit",
        "mbean",
        "mbeans",
        "modify",
        "nan",
        "norecursive",
        "not",
        "null",
        "of",
        "on",
        "or",
        "order",
        "primary",
        "rename",
        "replace",
        "revoke",
        "schema",
        "select",
        "set",
        "table",
        "to",
        "token",
        "truncate",
        "unlogged",
        "unset",
        "update",
        "use",
        "using",
        "view",
        "where",
        "with",
    ];
    RESERVED.contains(&word)
}

/// A string literal with `'` doubled.
fn quote_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn string_map(m: &BTreeMap<String, String>) -> String {
    let items: Vec<String> = m
        .iter()
        .map(|(k, v)| format!("{}: {}", quote_string(k), quote_string(v)))
        .collect();
    format!("{{{}}}", items.join(", "))
}

impl KeyspaceDef {
    /// `CREATE KEYSPACE` as `DESCRIBE KEYSPACE` prints it (without the keyspace's contents).
    pub fn to_cql(&self) -> String {
        format!(
            "CREATE KEYSPACE {} WITH replication = {}  AND durable_writes = {};",
            quote_ident(&self.name),
            string_map(&self.replication),
            self.durable_writes
        )
    }
}

impl UdtDef {
    /// `CREATE TYPE` as `DESCRIBE TYPE` prints it.
    pub fn to_cql(&self) -> String {
        let fields: Vec<String> = self
            .fields
            .iter()
            .map(|(name, typ)| format!("    {} {}", quote_ident(name), render(typ)))
            .collect();
        format!(
            "CREATE TYPE {}.{} (\n{}\n);",
            quote_ident(&self.keyspace),
            quote_ident(&self.name),
            fields.join(",\n")
        )
    }
}

impl IndexDef {
    /// `CREATE INDEX` for this index on `table`, as `DESCRIBE` prints it.
    pub fn to_cql(&self, table: &TableDef) -> String {
        let on = format!(
            "{}.{} ({})",
            quote_ident(&table.keyspace),
            quote_ident(&table.name),
            self.target_option()
        );
        match &self.class {
            IndexClass::Composites => {
                format!("CREATE INDEX {} ON {on};", quote_ident(&self.name))
            }
            IndexClass::Custom(class) => {
                let mut out = format!(
                    "CREATE CUSTOM INDEX {} ON {on} USING {}",
                    quote_ident(&self.name),
                    quote_string(class)
                );
                if !self.options.is_empty() {
                    out.push_str(&format!(" WITH OPTIONS = {}", string_map(&self.options)));
                }
                out.push(';');
                out
            }
        }
    }
}

impl TableDef {
    /// `CREATE TABLE` as Cassandra 4.0's `DESCRIBE TABLE` prints it (indexes not included:
    /// see [`IndexDef::to_cql`]).
    pub fn to_cql(&self) -> String {
        let mut lines: Vec<String> = Vec::with_capacity(self.columns.len() + 1);
        let single_key = self.partition_key_len() == 1 && self.clustering_len() == 0;
        for c in &self.columns {
            let mut line = format!("    {} {}", quote_ident(&c.name), render(&c.declared));
            if c.kind == ColumnKind::Static {
                line.push_str(" static");
            }
            if single_key && matches!(c.kind, ColumnKind::PartitionKey(_)) {
                line.push_str(" PRIMARY KEY");
            }
            lines.push(line);
        }
        if !single_key {
            let pk: Vec<String> = self.partition_key().map(|c| quote_ident(&c.name)).collect();
            let pk = if pk.len() == 1 {
                pk.join("")
            } else {
                format!("({})", pk.join(", "))
            };
            let mut key = vec![pk];
            key.extend(self.clustering().map(|c| quote_ident(&c.name)));
            lines.push(format!("    PRIMARY KEY ({})", key.join(", ")));
        }
        let mut out = format!(
            "CREATE TABLE {}.{} (\n{}\n) WITH ",
            quote_ident(&self.keyspace),
            quote_ident(&self.name),
            lines.join(",\n")
        );
        let mut with: Vec<String> = Vec::new();
        if self.clustering_len() > 0 {
            let order: Vec<String> = self
                .clustering()
                .map(|c| {
                    let dir = match c.kind {
                        ColumnKind::Clustering(_, Order::Desc) => "DESC",
                        _ => "ASC",
                    };
                    format!("{} {dir}", quote_ident(&c.name))
                })
                .collect();
            with.push(format!("CLUSTERING ORDER BY ({})", order.join(", ")));
        }
        let o = &self.options;
        with.push(format!(
            "additional_write_policy = {}",
            quote_string(&o.additional_write_policy)
        ));
        with.push(format!(
            "bloom_filter_fp_chance = {:?}",
            o.bloom_filter_fp_chance
        ));
        with.push(format!("caching = {}", string_map(&o.caching)));
        with.push(format!("cdc = {}", o.cdc));
        with.push(format!("comment = {}", quote_string(&o.comment)));
        with.push(format!("compaction = {}", string_map(&o.compaction)));
        with.push(format!("compression = {}", string_map(&o.compression)));
        with.push(format!("crc_check_chance = {:?}", o.crc_check_chance));
        with.push(format!("default_time_to_live = {}", o.default_time_to_live));
        with.push("extensions = {}".to_owned());
        with.push(format!("gc_grace_seconds = {}", o.gc_grace_seconds));
        with.push(format!("max_index_interval = {}", o.max_index_interval));
        with.push(format!(
            "memtable_flush_period_in_ms = {}",
            o.memtable_flush_period_in_ms
        ));
        with.push(format!("min_index_interval = {}", o.min_index_interval));
        with.push(format!("read_repair = {}", quote_string(&o.read_repair)));
        with.push(format!(
            "speculative_retry = {}",
            quote_string(&o.speculative_retry)
        ));
        out.push_str(&with.join("\n    AND "));
        out.push(';');
        out
    }
}

//! The live schema of one keyspace as `system_schema` describes it: its replication, tables
//! (columns, indexes, every option column present), dropped columns and user types.
//!
//! Values are kept as Cassandra spells them (`kind` is `partition_key`, types are CQL text
//! such as `frozen<address>`), so a dump (`dump.rs`) replays them exactly and the diff
//! engine compares them with the models through one normalisation (`diff/compare.rs`).
//! Reading lives in `read.rs`.

use std::collections::{BTreeMap, BTreeSet};

mod dump;
mod read;

pub use read::read_keyspace;

/// Everything `system_schema` says about one keyspace (views, functions, aggregates and
/// triggers aside).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LiveKeyspace {
    /// Keyspace name.
    pub name: String,
    /// `replication` (`class` and its options, as stored).
    pub replication: BTreeMap<String, String>,
    /// `durable_writes`.
    pub durable_writes: bool,
    /// Tables, sorted by name.
    pub tables: Vec<LiveTable>,
    /// User types, sorted by name.
    pub types: Vec<LiveType>,
}

impl LiveKeyspace {
    /// A keyspace without tables or types (what a diff against a missing keyspace uses).
    pub fn empty(name: impl Into<String>) -> Self {
        LiveKeyspace {
            name: name.into(),
            replication: BTreeMap::new(),
            durable_writes: true,
            tables: Vec::new(),
            types: Vec::new(),
        }
    }

    /// The table called `name`.
    pub fn table(&self, name: &str) -> Option<&LiveTable> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// The user type called `name`.
    pub fn user_type(&self, name: &str) -> Option<&LiveType> {
        self.types.iter().find(|t| t.name == name)
    }

    /// Every index name in the keyspace (Cassandra requires them unique per keyspace).
    pub(crate) fn index_names(&self) -> BTreeSet<String> {
        self.tables
            .iter()
            .flat_map(|t| t.indexes.iter().map(|i| i.name.clone()))
            .collect()
    }

    /// The types in creation order: a type after the types its fields use, ties by name.
    pub(crate) fn types_in_dependency_order(&self) -> Vec<&LiveType> {
        let known: BTreeSet<&str> = self.types.iter().map(|t| t.name.as_str()).collect();
        let deps = |t: &LiveType| -> BTreeSet<String> {
            t.fields
                .iter()
                .flat_map(|(_, typ)| referenced_types(typ, &known))
                .filter(|d| d != &t.name)
                .collect()
        };
        dependency_order(&self.types, |t| t.name.clone(), deps)
    }
}

/// A table as `system_schema.tables`, `columns`, `indexes` and `dropped_columns` describe it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LiveTable {
    /// Table name.
    pub name: String,
    /// Columns, sorted by name (as `system_schema.columns` lists them).
    pub columns: Vec<LiveColumn>,
    /// Secondary indexes, sorted by name.
    pub indexes: Vec<LiveIndex>,
    /// Table options.
    pub options: LiveTableOptions,
    /// Columns dropped from the table (Cassandra restricts re-adding them).
    pub dropped_columns: Vec<LiveDroppedColumn>,
}

impl LiveTable {
    /// A table without columns, indexes or options.
    pub fn new(name: impl Into<String>) -> Self {
        LiveTable {
            name: name.into(),
            columns: Vec::new(),
            indexes: Vec::new(),
            options: LiveTableOptions::default(),
            dropped_columns: Vec::new(),
        }
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&LiveColumn> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Partition key columns in key order.
    pub fn partition_key(&self) -> Vec<&LiveColumn> {
        self.key_columns("partition_key")
    }

    /// Clustering columns in clustering order.
    pub fn clustering_columns(&self) -> Vec<&LiveColumn> {
        self.key_columns("clustering")
    }

    fn key_columns(&self, kind: &str) -> Vec<&LiveColumn> {
        let mut keys: Vec<&LiveColumn> = self.columns.iter().filter(|c| c.kind == kind).collect();
        keys.sort_by_key(|c| c.position);
        keys
    }

    /// Whether the table holds counters (Cassandra's `counter` flag follows its columns).
    pub fn is_counter(&self) -> bool {
        self.columns.iter().any(|c| c.cql_type == "counter")
    }
}

/// A column as `system_schema.columns` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LiveColumn {
    /// Column name (unquoted).
    pub name: String,
    /// `partition_key`, `clustering`, `static` or `regular`.
    pub kind: String,
    /// Position within the partition key or the clustering columns; -1 for other columns.
    pub position: i32,
    /// `asc` or `desc` for clustering columns, `none` for the others.
    pub clustering_order: String,
    /// The CQL type as Cassandra spells it (`frozen<address>`, `map<text, int>`).
    pub cql_type: String,
}

impl LiveColumn {
    /// Whether the column is part of the primary key.
    pub fn is_primary_key(&self) -> bool {
        self.kind == "partition_key" || self.kind == "clustering"
    }

    /// Whether the column is static.
    pub fn is_static(&self) -> bool {
        self.kind == "static"
    }
}

/// A secondary index as `system_schema.indexes` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LiveIndex {
    /// Index name (unique in the keyspace).
    pub name: String,
    /// `COMPOSITES` (a regular secondary index), `CUSTOM` or `KEYS` (legacy).
    pub kind: String,
    /// The indexed target as CQL: `cat`, `values(tags)`, `keys(m)`, `entries(m)`,
    /// `full(f)` (the `target` option).
    pub target: String,
    /// Every option as stored, `target` and, for custom indexes, `class_name` included.
    pub options: BTreeMap<String, String>,
}

impl LiveIndex {
    /// The implementation class of a custom index.
    pub fn class_name(&self) -> Option<&str> {
        self.options.get("class_name").map(String::as_str)
    }

    /// Whether this is a custom index (`CREATE CUSTOM INDEX ... USING`).
    pub fn is_custom(&self) -> bool {
        self.kind == "CUSTOM"
    }
}

/// The option columns of `system_schema.tables`; each is `None` when the server's
/// `system_schema.tables` has no such column (older or newer Cassandra versions).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct LiveTableOptions {
    /// `additional_write_policy` (4.0+).
    pub additional_write_policy: Option<String>,
    /// `bloom_filter_fp_chance`.
    pub bloom_filter_fp_chance: Option<f64>,
    /// `caching` (`keys`, `rows_per_partition`).
    pub caching: Option<BTreeMap<String, String>>,
    /// `cdc` (4.0+).
    pub cdc: Option<bool>,
    /// `comment`.
    pub comment: Option<String>,
    /// `compaction`, with the strategy's fully qualified `class`.
    pub compaction: Option<BTreeMap<String, String>>,
    /// `compression`.
    pub compression: Option<BTreeMap<String, String>>,
    /// `crc_check_chance`.
    pub crc_check_chance: Option<f64>,
    /// `default_time_to_live` in seconds.
    pub default_time_to_live: Option<i32>,
    /// `extensions` (raw bytes per name).
    pub extensions: Option<BTreeMap<String, Vec<u8>>>,
    /// `gc_grace_seconds`.
    pub gc_grace_seconds: Option<i32>,
    /// `max_index_interval`.
    pub max_index_interval: Option<i32>,
    /// `memtable_flush_period_in_ms`.
    pub memtable_flush_period_in_ms: Option<i32>,
    /// `min_index_interval`.
    pub min_index_interval: Option<i32>,
    /// `read_repair` (4.0+).
    pub read_repair: Option<String>,
    /// `speculative_retry`.
    pub speculative_retry: Option<String>,
}

/// A column recorded in `system_schema.dropped_columns`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LiveDroppedColumn {
    /// Column name.
    pub name: String,
    /// `static` or `regular` (empty when the server does not record it).
    pub kind: String,
    /// Its type when dropped (user types are recorded as tuples).
    pub cql_type: String,
}

/// A user type as `system_schema.types` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LiveType {
    /// Type name (unquoted).
    pub name: String,
    /// Fields in declaration order, as `(name, CQL type)`.
    pub fields: Vec<(String, String)>,
}

impl LiveType {
    /// A user type.
    pub fn new(name: impl Into<String>, fields: Vec<(String, String)>) -> Self {
        LiveType {
            name: name.into(),
            fields,
        }
    }
}

/// The names among `known` that the CQL type text `typ` mentions (`frozen<"Addr">` mentions
/// `Addr`): identifiers are read as CQL does, unquoted ones as written (Cassandra stores
/// type names lower-case and quotes the others).
pub(crate) fn referenced_types(typ: &str, known: &BTreeSet<&str>) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = typ.chars().peekable();
    while let Some(c) = chars.next() {
        let word = if c == '"' {
            let mut w = String::new();
            while let Some(n) = chars.next() {
                if n == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        w.push('"');
                    } else {
                        break;
                    }
                } else {
                    w.push(n);
                }
            }
            w
        } else if c.is_alphanumeric() || c == '_' {
            let mut w = String::from(c);
            while let Some(&n) = chars.peek() {
                if !(n.is_alphanumeric() || n == '_') {
                    break;
                }
                w.push(n);
                chars.next();
            }
            w
        } else {
            continue;
        };
        if known.contains(word.as_str()) && !out.contains(&word) {
            out.push(word);
        }
    }
    out
}

/// `items` ordered so each comes after its dependencies (named by `deps`), ties broken by
/// name; dependencies outside `items` are ignored, and a cycle (which Cassandra forbids)
/// falls back to name order rather than looping.
pub(crate) fn dependency_order<T>(
    items: &[T],
    name: impl Fn(&T) -> String,
    deps: impl Fn(&T) -> BTreeSet<String>,
) -> Vec<&T> {
    let mut pending: BTreeMap<String, (&T, BTreeSet<String>)> =
        items.iter().map(|t| (name(t), (t, deps(t)))).collect();
    let names: BTreeSet<String> = pending.keys().cloned().collect();
    for (_, d) in pending.values_mut() {
        d.retain(|n| names.contains(n));
    }
    let mut out = Vec::with_capacity(items.len());
    while !pending.is_empty() {
        let ready = pending
            .iter()
            .find(|(_, (_, d))| d.is_empty())
            .map(|(n, _)| n.clone())
            .or_else(|| pending.keys().next().cloned());
        let Some(next) = ready else { break };
        if let Some((item, _)) = pending.remove(&next) {
            out.push(item);
        }
        for (_, d) in pending.values_mut() {
            d.remove(&next);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_type_references_in_type_text() {
        let known = BTreeSet::from(["address", "Geo", "tag"]);
        assert_eq!(
            referenced_types("map<text, frozen<list<frozen<\"Geo\">>>>", &known),
            ["Geo"]
        );
        assert_eq!(
            referenced_types("frozen<tuple<address, tag, address>>", &known),
            ["address", "tag"]
        );
        assert!(referenced_types("frozen<geo>", &known).is_empty());
    }

    #[test]
    fn orders_types_after_their_dependencies() {
        let ks = LiveKeyspace {
            types: vec![
                LiveType::new("a", vec![("x".into(), "frozen<c>".into())]),
                LiveType::new("b", vec![("x".into(), "int".into())]),
                LiveType::new("c", vec![("x".into(), "frozen<b>".into())]),
            ],
            ..LiveKeyspace::empty("ks")
        };
        let order: Vec<&str> = ks
            .types_in_dependency_order()
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(order, ["b", "c", "a"]);
    }
}

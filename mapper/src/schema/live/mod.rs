//! The live schema of one keyspace as `system_schema` describes it: its replication, tables
//! (columns, indexes, every option column present), dropped columns and user types.
//!
//! A view of the driver's schema metadata ([`cassia_driver::metadata`]), which reads
//! `system_schema` and renders CQL: this module only converts (`convert.rs`). Values are
//! kept as Cassandra spells them (`kind` is `partition_key`, types are CQL text such as
//! `frozen<address>`), so the diff engine compares them with the models through one
//! normalisation (`diff/compare.rs`). Reading lives in `read.rs`, the dump in `dump.rs`.

use std::collections::{BTreeMap, BTreeSet};

mod convert;
mod dump;
mod read;

/// The option columns of `system_schema.tables`; each is `None` when the server's
/// `system_schema.tables` has no such column (older or newer Cassandra versions).
pub use cassia_driver::metadata::TableOptions as LiveTableOptions;
pub(crate) use cassia_driver::metadata::{
    dependency_order, referenced_user_types as referenced_types,
};
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

#[cfg(test)]
mod tests {
    use super::*;

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

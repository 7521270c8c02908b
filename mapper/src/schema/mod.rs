//! Static schema descriptions: what `#[derive(Model)]` and `#[derive(UserType)]` emit about
//! a table or a user type (columns, CQL types, key kinds, clustering order, indexes, table
//! options). Rendering to DDL (`ddl.rs`), the live schema (`live/`), the diff engine
//! (`diff/`), schema sync (`sync/`) and snapshots (`snapshot.rs`) work from these values
//! alone, never from Rust source.
//!
//! The descriptions are serde-serialisable so an application binary can write them as a
//! [`SchemaSnapshot`] for the standalone CLI; the JSON uses CQL's own names (`"int"`,
//! `{"partition_key": 0}`, `"desc"`).

use crate::types::CqlType;

mod ddl;
mod diff;
mod ident;
mod index;
mod live;
mod snapshot;
mod sync;

pub use ddl::{
    create_keyspace_network_topology, create_keyspace_simple, drop_keyspace, drop_table, drop_type,
};
pub use diff::{ChangeClass, DiffOptions, SchemaChange, SchemaDiff, diff_keyspace};
pub use ident::quote_ident;
pub use index::{IndexKind, SaiOptions, Similarity};
pub use live::{
    LiveColumn, LiveDroppedColumn, LiveIndex, LiveKeyspace, LiveTable, LiveTableOptions, LiveType,
    read_keyspace,
};
pub use snapshot::SchemaSnapshot;
pub use sync::{SyncReport, drop_model_table, drop_user_type, sync_table, sync_type};

/// The role of a column in its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ColumnKind {
    /// Part of the partition key, at this position (0-based).
    PartitionKey(usize),
    /// A clustering column, at this position, sorted this way.
    Clustering(usize, ClusteringOrder),
    /// A static column (one value per partition).
    Static,
    /// A regular column.
    Regular,
}

impl ColumnKind {
    /// Whether the column is part of the primary key.
    pub fn is_primary_key(self) -> bool {
        matches!(
            self,
            ColumnKind::PartitionKey(_) | ColumnKind::Clustering(_, _)
        )
    }
}

/// Sort order of a clustering column.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum ClusteringOrder {
    /// `ASC` (Cassandra's default).
    #[default]
    Asc,
    /// `DESC`.
    Desc,
}

impl ClusteringOrder {
    /// `ASC` or `DESC`.
    pub fn as_cql(self) -> &'static str {
        match self {
            ClusteringOrder::Asc => "ASC",
            ClusteringOrder::Desc => "DESC",
        }
    }
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct ColumnSchema {
    /// Column name in CQL (after `rename`).
    pub name: String,
    /// Its CQL type.
    pub cql_type: CqlType,
    /// Its role in the table.
    pub kind: ColumnKind,
    /// A secondary index on it, if declared.
    #[serde(default)]
    pub index: Option<IndexKind>,
}

impl ColumnSchema {
    /// A regular column.
    pub fn new(name: impl Into<String>, cql_type: CqlType) -> Self {
        ColumnSchema {
            name: name.into(),
            cql_type,
            kind: ColumnKind::Regular,
            index: None,
        }
    }

    /// With a role.
    pub fn kind(mut self, kind: ColumnKind) -> Self {
        self.kind = kind;
        self
    }

    /// With a secondary index.
    pub fn index(mut self, index: IndexKind) -> Self {
        self.index = Some(index);
        self
    }

    /// The name of the index Cassandra would give it by default (`<table>_<column>_idx`).
    pub fn index_name(&self, table: &str) -> String {
        format!("{table}_{}_idx", self.name)
    }
}

/// Per-table options rendered in `WITH ...`. In JSON every field may be left out (unset).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct TableOptions {
    /// `default_time_to_live` in seconds.
    pub default_ttl: Option<u32>,
    /// `comment`.
    pub comment: Option<String>,
    /// `gc_grace_seconds`.
    pub gc_grace_seconds: Option<u32>,
    /// `compaction`, as a CQL map literal (`{'class': 'LeveledCompactionStrategy'}`).
    pub compaction: Option<String>,
    /// `caching`, as a CQL map literal.
    pub caching: Option<String>,
}

impl TableOptions {
    /// The options as `(name, CQL literal)` pairs, in a fixed order.
    pub fn entries(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(c) = &self.caching {
            out.push(("caching", c.clone()));
        }
        if let Some(c) = &self.comment {
            out.push(("comment", ident::quote_string(c)));
        }
        if let Some(c) = &self.compaction {
            out.push(("compaction", c.clone()));
        }
        if let Some(t) = self.default_ttl {
            out.push(("default_time_to_live", t.to_string()));
        }
        if let Some(g) = self.gc_grace_seconds {
            out.push(("gc_grace_seconds", g.to_string()));
        }
        out
    }
}

/// A table as a model declares it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct TableSchema {
    /// Keyspace, when the model names one (else the session's keyspace).
    #[serde(default)]
    pub keyspace: Option<String>,
    /// Table name.
    pub name: String,
    /// Columns in declaration order.
    pub columns: Vec<ColumnSchema>,
    /// Table options.
    #[serde(default)]
    pub options: TableOptions,
    /// For polymorphic models, the discriminator column.
    #[serde(default)]
    pub discriminator: Option<String>,
}

impl TableSchema {
    /// A table without columns yet.
    pub fn new(keyspace: Option<&str>, name: impl Into<String>) -> Self {
        TableSchema {
            keyspace: keyspace.map(str::to_owned),
            name: name.into(),
            columns: Vec::new(),
            options: TableOptions::default(),
            discriminator: None,
        }
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&ColumnSchema> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Partition key columns in key order.
    pub fn partition_key(&self) -> Vec<&ColumnSchema> {
        let mut keys: Vec<(usize, &ColumnSchema)> = self
            .columns
            .iter()
            .filter_map(|c| match c.kind {
                ColumnKind::PartitionKey(p) => Some((p, c)),
                _ => None,
            })
            .collect();
        keys.sort_by_key(|(p, _)| *p);
        keys.into_iter().map(|(_, c)| c).collect()
    }

    /// Clustering columns in clustering order.
    pub fn clustering_columns(&self) -> Vec<&ColumnSchema> {
        let mut keys: Vec<(usize, &ColumnSchema)> = self
            .columns
            .iter()
            .filter_map(|c| match c.kind {
                ColumnKind::Clustering(p, _) => Some((p, c)),
                _ => None,
            })
            .collect();
        keys.sort_by_key(|(p, _)| *p);
        keys.into_iter().map(|(_, c)| c).collect()
    }

    /// Whether the table holds counters.
    pub fn is_counter_table(&self) -> bool {
        self.columns
            .iter()
            .any(|c| c.cql_type.unfrozen() == &CqlType::Counter)
    }

    /// `ks.table` with the model's keyspace, or `fallback` (the session's), or just `table`.
    pub fn qualified_name(&self, fallback: Option<&str>) -> String {
        match self.keyspace.as_deref().or(fallback) {
            Some(ks) => format!("{}.{}", quote_ident(ks), quote_ident(&self.name)),
            None => quote_ident(&self.name),
        }
    }
}

/// A user-defined type as `#[derive(UserType)]` declares it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct UdtSchema {
    /// Keyspace, when the type names one.
    pub keyspace: Option<String>,
    /// Type name.
    pub name: String,
    /// Fields in declaration order.
    pub fields: Vec<(String, CqlType)>,
}

impl UdtSchema {
    /// A user type.
    pub fn new(
        keyspace: Option<&str>,
        name: impl Into<String>,
        fields: Vec<(String, CqlType)>,
    ) -> Self {
        UdtSchema {
            keyspace: keyspace.map(str::to_owned),
            name: name.into(),
            fields,
        }
    }

    /// The schema of a UDT found inside a column type.
    pub fn from_cql_type(keyspace: Option<&str>, typ: &CqlType) -> Option<Self> {
        match typ {
            CqlType::Udt { name, fields } => {
                Some(UdtSchema::new(keyspace, name.clone(), fields.clone()))
            }
            _ => None,
        }
    }
}

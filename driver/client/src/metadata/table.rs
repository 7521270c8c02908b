//! Tables and their columns: [`TableMetadata`], [`ColumnMetadata`] with its
//! [`ColumnKind`] and [`ClusteringOrder`], and [`DroppedColumnMetadata`].

use cassia_protocol::types::ColumnType;
use uuid::Uuid;

use super::index::IndexMetadata;
use super::options::TableOptions;

/// A table as `system_schema.tables`, `columns`, `indexes` and `dropped_columns` describe it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TableMetadata {
    /// Keyspace name.
    pub keyspace: String,
    /// Table name.
    pub name: String,
    /// The table id (`None` if the server did not report one).
    pub id: Option<Uuid>,
    /// Columns in the order `DESCRIBE` lists them: partition key, clustering columns (each
    /// by position), then the others by name.
    pub columns: Vec<ColumnMetadata>,
    /// Every option column of `system_schema.tables` the server has.
    pub options: TableOptions,
    /// Secondary indexes, by name.
    pub indexes: Vec<IndexMetadata>,
    /// Columns recorded in `system_schema.dropped_columns`, by name.
    pub dropped_columns: Vec<DroppedColumnMetadata>,
}

impl TableMetadata {
    /// A table without columns, indexes or options.
    pub fn new(keyspace: impl Into<String>, name: impl Into<String>) -> Self {
        TableMetadata {
            keyspace: keyspace.into(),
            name: name.into(),
            id: None,
            columns: Vec::new(),
            options: TableOptions::default(),
            indexes: Vec::new(),
            dropped_columns: Vec::new(),
        }
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&ColumnMetadata> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Partition key columns in key order.
    pub fn partition_key(&self) -> Vec<&ColumnMetadata> {
        key_columns(&self.columns, ColumnKind::PartitionKey)
    }

    /// Clustering columns in clustering order.
    pub fn clustering_columns(&self) -> Vec<&ColumnMetadata> {
        key_columns(&self.columns, ColumnKind::Clustering)
    }

    /// The index called `name`.
    pub fn index(&self, name: &str) -> Option<&IndexMetadata> {
        self.indexes.iter().find(|i| i.name == name)
    }

    /// Whether the table holds counters (Cassandra's `counter` flag follows its columns).
    pub fn is_counter(&self) -> bool {
        self.columns.iter().any(|c| c.cql_type == "counter")
    }
}

/// The columns of `kind` ordered by position.
pub(super) fn key_columns(columns: &[ColumnMetadata], kind: ColumnKind) -> Vec<&ColumnMetadata> {
    let mut keys: Vec<&ColumnMetadata> = columns.iter().filter(|c| c.kind == kind).collect();
    keys.sort_by_key(|c| c.position);
    keys
}

/// Puts `columns` in `DESCRIBE` order: partition key, clustering (by position), then the
/// others by name.
pub(super) fn describe_order(columns: &mut [ColumnMetadata]) {
    columns.sort_by(|a, b| {
        let rank = |c: &ColumnMetadata| match c.kind {
            ColumnKind::PartitionKey => 0,
            ColumnKind::Clustering => 1,
            _ => 2,
        };
        let position = |c: &ColumnMetadata| if rank(c) < 2 { c.position } else { 0 };
        (rank(a), position(a), &a.name).cmp(&(rank(b), position(b), &b.name))
    });
}

/// A column as `system_schema.columns` describes it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ColumnMetadata {
    /// Column name (unquoted).
    pub name: String,
    /// Its role in the table.
    pub kind: ColumnKind,
    /// Position within the partition key or the clustering columns; -1 for the others.
    pub position: i32,
    /// Sort order of a clustering column ([`ClusteringOrder::None`] for the others).
    pub clustering_order: ClusteringOrder,
    /// The CQL type as Cassandra spells it (`frozen<address>`, `map<text, int>`).
    pub cql_type: String,
    /// The type parsed, user types resolved; `None` for text the driver cannot read.
    pub column_type: Option<ColumnType>,
}

impl ColumnMetadata {
    /// A column; `position` is -1 outside the key, `cql_type` is kept unparsed
    /// ([`KeyspaceMetadata::parse_type`](super::KeyspaceMetadata::parse_type) reads it).
    pub fn new(
        name: impl Into<String>,
        kind: ColumnKind,
        position: i32,
        clustering_order: ClusteringOrder,
        cql_type: impl Into<String>,
    ) -> Self {
        ColumnMetadata {
            name: name.into(),
            kind,
            position,
            clustering_order,
            cql_type: cql_type.into(),
            column_type: None,
        }
    }

    /// Whether the column is part of the primary key.
    pub fn is_primary_key(&self) -> bool {
        matches!(self.kind, ColumnKind::PartitionKey | ColumnKind::Clustering)
    }

    /// Whether the column is static.
    pub fn is_static(&self) -> bool {
        self.kind == ColumnKind::Static
    }
}

/// What a column is to its table (`system_schema.columns.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ColumnKind {
    /// Part of the partition key (`partition_key`).
    PartitionKey,
    /// A clustering column (`clustering`).
    Clustering,
    /// A regular column (`regular`).
    Regular,
    /// A static column (`static`).
    Static,
}

impl ColumnKind {
    /// Reads the kind as `system_schema` spells it; `None` for another word.
    pub fn from_schema(kind: &str) -> Option<Self> {
        Some(match kind.to_ascii_lowercase().as_str() {
            "partition_key" => ColumnKind::PartitionKey,
            "clustering" => ColumnKind::Clustering,
            "regular" => ColumnKind::Regular,
            "static" => ColumnKind::Static,
            _ => return None,
        })
    }

    /// The kind as `system_schema` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnKind::PartitionKey => "partition_key",
            ColumnKind::Clustering => "clustering",
            ColumnKind::Regular => "regular",
            ColumnKind::Static => "static",
        }
    }
}

/// The sort order of a clustering column (`system_schema.columns.clustering_order`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClusteringOrder {
    /// Ascending (`asc`).
    Asc,
    /// Descending (`desc`).
    Desc,
    /// Not a clustering column (`none`).
    None,
}

impl ClusteringOrder {
    /// Reads the order as `system_schema` spells it (anything else is `None`).
    pub fn from_schema(order: &str) -> Self {
        if order.eq_ignore_ascii_case("asc") {
            ClusteringOrder::Asc
        } else if order.eq_ignore_ascii_case("desc") {
            ClusteringOrder::Desc
        } else {
            ClusteringOrder::None
        }
    }

    /// The order as `system_schema` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ClusteringOrder::Asc => "asc",
            ClusteringOrder::Desc => "desc",
            ClusteringOrder::None => "none",
        }
    }
}

/// A column recorded in `system_schema.dropped_columns`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DroppedColumnMetadata {
    /// Column name.
    pub name: String,
    /// `static` or `regular` (empty when the server does not record it).
    pub kind: String,
    /// Its type when dropped (user types are recorded as tuples).
    pub cql_type: String,
}

impl DroppedColumnMetadata {
    /// A dropped column.
    pub fn new(
        name: impl Into<String>,
        kind: impl Into<String>,
        cql_type: impl Into<String>,
    ) -> Self {
        DroppedColumnMetadata {
            name: name.into(),
            kind: kind.into(),
            cql_type: cql_type.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str, kind: ColumnKind, position: i32) -> ColumnMetadata {
        ColumnMetadata {
            name: name.into(),
            kind,
            position,
            clustering_order: ClusteringOrder::None,
            cql_type: "int".into(),
            column_type: Some(ColumnType::Int),
        }
    }

    #[test]
    fn columns_sort_as_describe_lists_them() {
        let mut columns = vec![
            column("z", ColumnKind::Regular, -1),
            column("c2", ColumnKind::Clustering, 1),
            column("s", ColumnKind::Static, -1),
            column("p1", ColumnKind::PartitionKey, 1),
            column("c1", ColumnKind::Clustering, 0),
            column("p0", ColumnKind::PartitionKey, 0),
            column("a", ColumnKind::Regular, -1),
        ];
        describe_order(&mut columns);
        let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["p0", "p1", "c1", "c2", "a", "s", "z"]);
        let mut t = TableMetadata::new("ks", "t");
        t.columns = columns;
        let keys: Vec<&str> = t.partition_key().iter().map(|c| c.name.as_str()).collect();
        assert_eq!(keys, ["p0", "p1"]);
        assert_eq!(
            ColumnKind::from_schema("partition_key"),
            Some(ColumnKind::PartitionKey)
        );
        assert_eq!(ColumnKind::from_schema("other"), None);
    }
}

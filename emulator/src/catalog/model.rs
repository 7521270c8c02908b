//! The schema model: keyspaces, tables, columns, user types and indexes.
//!
//! Everything the engine reads while executing a statement lives here. Definitions are
//! immutable once built and shared through `Arc`, so the engine can hold on to a
//! `Arc<TableDef>` for the length of a request without keeping the catalog locked; DDL
//! replaces whole definitions (copy-on-write) instead of mutating them in place.

use std::collections::BTreeMap;
use std::sync::Arc;

use cassia_protocol::types::ColumnType;
use uuid::Uuid;

use crate::cql::ast::{CqlType, Order};

use super::options::TableOptions;

/// Where a keyspace comes from: user DDL or the node itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyspaceKind {
    /// Created with `CREATE KEYSPACE`.
    User,
    /// One of Cassandra's local or distributed system keyspaces (cannot be altered by users
    /// except for the replication of the distributed ones, which the emulator does not allow).
    System,
    /// A virtual keyspace (`system_virtual_schema`): not listed in `system_schema`.
    Virtual,
}

/// A keyspace with everything defined inside it.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyspaceDef {
    /// Name (case as stored).
    pub name: String,
    /// Replication options as `system_schema.keyspaces.replication` shows them: `class` holds
    /// the full Java class name (`org.apache.cassandra.locator.SimpleStrategy`).
    pub replication: BTreeMap<String, String>,
    /// `durable_writes`.
    pub durable_writes: bool,
    /// Tables by name.
    pub tables: BTreeMap<String, Arc<TableDef>>,
    /// User-defined types by name.
    pub types: BTreeMap<String, Arc<UdtDef>>,
    /// User or system keyspace.
    pub kind: KeyspaceKind,
}

impl KeyspaceDef {
    /// Whether users may not change this keyspace.
    pub fn is_system(&self) -> bool {
        matches!(self.kind, KeyspaceKind::System | KeyspaceKind::Virtual)
    }

    /// The index with this name, with the table holding it.
    pub fn index(&self, name: &str) -> Option<(&Arc<TableDef>, &IndexDef)> {
        self.tables
            .values()
            .find_map(|t| t.indexes.iter().find(|i| i.name == name).map(|i| (t, i)))
    }
}

/// The role of a column in its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnKind {
    /// Part of the partition key, at this position (0-based).
    PartitionKey(usize),
    /// Clustering column at this position (0-based), with its order.
    Clustering(usize, Order),
    /// `STATIC` column.
    Static,
    /// Regular column.
    Regular,
}

impl ColumnKind {
    /// Whether the column belongs to the primary key.
    pub fn is_primary_key(self) -> bool {
        matches!(
            self,
            ColumnKind::PartitionKey(_) | ColumnKind::Clustering(..)
        )
    }

    /// `system_schema.columns.kind`.
    pub fn schema_name(self) -> &'static str {
        match self {
            ColumnKind::PartitionKey(_) => "partition_key",
            ColumnKind::Clustering(..) => "clustering",
            ColumnKind::Static => "static",
            ColumnKind::Regular => "regular",
        }
    }
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDef {
    /// Name.
    pub name: String,
    /// Role in the table.
    pub kind: ColumnKind,
    /// Wire type (what result metadata carries; UDTs resolved with their fields).
    pub typ: ColumnType,
    /// Declared type in canonical form: UDT names qualified with their keyspace, `Frozen`
    /// wrapping every frozen collection/UDT/tuple (tuples are always frozen), including
    /// everything nested inside a frozen type. Rendered by [`super::types::render`].
    pub declared: CqlType,
}

impl ColumnDef {
    /// Whether the declared type is frozen (or not multi-cell: tuples, natives).
    pub fn is_frozen(&self) -> bool {
        matches!(self.declared, CqlType::Frozen(_))
    }

    /// Whether the column holds a non-frozen collection or UDT (stored cell by cell).
    pub fn is_multi_cell(&self) -> bool {
        matches!(
            self.declared,
            CqlType::List(_) | CqlType::Set(_) | CqlType::Map(..) | CqlType::UserType(_)
        )
    }
}

/// What a secondary index covers on its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndexTargetKind {
    /// Map keys: `KEYS(c)`.
    Keys,
    /// Collection values (default for non-frozen collections): `VALUES(c)`, or a plain column.
    Values,
    /// Map entries: `ENTRIES(c)`.
    Entries,
    /// A frozen collection as a whole: `FULL(c)`.
    Full,
    /// A non-collection column, indexed by value.
    Simple,
}

/// How Cassandra reports the index in `system_schema.indexes.kind`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum IndexClass {
    /// Built-in secondary index (`COMPOSITES`).
    Composites,
    /// `CREATE CUSTOM INDEX ... USING 'class'` (`CUSTOM`).
    Custom(String),
}

/// A secondary index.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexDef {
    /// Index name.
    pub name: String,
    /// Indexed column.
    pub column: String,
    /// What of the column is indexed.
    pub target: IndexTargetKind,
    /// Built-in or custom.
    pub class: IndexClass,
    /// Extra `WITH OPTIONS`, not including `target` (and `class_name` for custom ones).
    pub options: BTreeMap<String, String>,
}

impl IndexDef {
    /// The `target` option as Cassandra stores it: `c`, `keys(c)`, `values(c)`,
    /// `entries(c)`, `full(c)` (the column name quoted when it needs quoting).
    pub fn target_option(&self) -> String {
        let col = super::render::quote_ident(&self.column);
        match self.target {
            IndexTargetKind::Simple => col,
            IndexTargetKind::Keys => format!("keys({col})"),
            IndexTargetKind::Values => format!("values({col})"),
            IndexTargetKind::Entries => format!("entries({col})"),
            IndexTargetKind::Full => format!("full({col})"),
        }
    }
}

/// A column removed with `ALTER TABLE DROP`, kept as Cassandra does
/// (`system_schema.dropped_columns`).
#[derive(Debug, Clone, PartialEq)]
pub struct DroppedColumn {
    /// Name.
    pub name: String,
    /// Declared type at drop time (UDTs are recorded as their frozen tuple equivalents by
    /// Cassandra; the emulator keeps the declared type).
    pub declared: CqlType,
    /// Drop time, microseconds since the epoch.
    pub dropped_time_micros: i64,
    /// `regular` or `static`.
    pub kind: ColumnKind,
}

/// A table (user, or a system table the engine serves).
#[derive(Debug, Clone, PartialEq)]
pub struct TableDef {
    /// Keyspace.
    pub keyspace: String,
    /// Name.
    pub name: String,
    /// Table id (`system_schema.tables.id`).
    pub id: Uuid,
    /// Columns in `SELECT *` order: partition key columns by position, clustering columns
    /// by position, static columns by name, regular columns by name.
    pub columns: Vec<ColumnDef>,
    /// Table options (`WITH ...`), with Cassandra 4.0's defaults for those not given.
    pub options: TableOptions,
    /// Secondary indexes.
    pub indexes: Vec<IndexDef>,
    /// Columns dropped with `ALTER TABLE DROP`.
    pub dropped_columns: Vec<DroppedColumn>,
    /// Whether this is a counter table (every non-key column is a counter).
    pub is_counter: bool,
    /// Whether the table was created `WITH COMPACT STORAGE` (only recorded).
    pub compact_storage: bool,
    /// Whether the table belongs to a system keyspace (rows are generated by the catalog
    /// for the schema/local/peers tables, or kept empty).
    pub is_system: bool,
}

impl TableDef {
    /// The column with this name.
    pub fn column(&self, name: &str) -> Option<&ColumnDef> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Index of the column in [`TableDef::columns`].
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// Partition key columns in key order.
    pub fn partition_key(&self) -> impl Iterator<Item = &ColumnDef> {
        self.columns
            .iter()
            .filter(|c| matches!(c.kind, ColumnKind::PartitionKey(_)))
    }

    /// Clustering columns in clustering order.
    pub fn clustering(&self) -> impl Iterator<Item = &ColumnDef> {
        self.columns
            .iter()
            .filter(|c| matches!(c.kind, ColumnKind::Clustering(..)))
    }

    /// Static columns.
    pub fn statics(&self) -> impl Iterator<Item = &ColumnDef> {
        self.columns.iter().filter(|c| c.kind == ColumnKind::Static)
    }

    /// Regular columns.
    pub fn regulars(&self) -> impl Iterator<Item = &ColumnDef> {
        self.columns
            .iter()
            .filter(|c| c.kind == ColumnKind::Regular)
    }

    /// Number of partition key columns.
    pub fn partition_key_len(&self) -> usize {
        self.partition_key().count()
    }

    /// Number of clustering columns.
    pub fn clustering_len(&self) -> usize {
        self.clustering().count()
    }

    /// Whether an index with this name exists on the table.
    pub fn index(&self, name: &str) -> Option<&IndexDef> {
        self.indexes.iter().find(|i| i.name == name)
    }
}

/// A user-defined type.
#[derive(Debug, Clone, PartialEq)]
pub struct UdtDef {
    /// Keyspace.
    pub keyspace: String,
    /// Name.
    pub name: String,
    /// Fields in declaration order, with their canonical declared types (see
    /// [`ColumnDef::declared`]).
    pub fields: Vec<(String, CqlType)>,
}

impl UdtDef {
    /// The field with this name.
    pub fn field(&self, name: &str) -> Option<&CqlType> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, t)| t)
    }
}

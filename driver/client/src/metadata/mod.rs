//! Schema metadata: what `system_schema` says about every keyspace — tables and their
//! columns, options and indexes, materialized views, user types, functions and aggregates —
//! as the Python driver's `cluster.metadata` offers it, and exportable as CQL.
//!
//! A session reads it when it connects and keeps a snapshot ([`Session::metadata`]); its
//! control connection refreshes the keyspaces named by SCHEMA_CHANGE events (debounced, so
//! a burst of DDL costs one read) and the whole schema after it reconnects.
//!
//! Values are kept as Cassandra spells them (type text such as `frozen<address>`, option
//! maps as stored), so the CQL export (`export/`) replays to the same `system_schema` rows;
//! typed views (kinds, clustering order, parsed [`ColumnType`]s) sit beside them. Reading
//! lives in `read.rs` (tolerant of columns other Cassandra versions lack or add), parsing of
//! type text in `cql_type.rs`.
//!
//! [`Session::metadata`]: crate::Session::metadata
//! [`ColumnType`]: crate::ColumnType

use std::collections::BTreeMap;
use std::sync::Arc;

mod cells;
mod cql_type;
mod export;
mod index;
mod keyspace;
mod options;
pub(crate) mod read;
mod routine;
mod table;
mod view;

pub use index::{IndexKind, IndexMetadata};
pub use keyspace::{KeyspaceMetadata, dependency_order, referenced_user_types};
pub use options::TableOptions;
pub use routine::{AggregateMetadata, FunctionMetadata, UserTypeMetadata};
pub use table::{
    ClusteringOrder, ColumnKind, ColumnMetadata, DroppedColumnMetadata, TableMetadata,
};
pub use view::ViewMetadata;

/// Every keyspace of the cluster, as the control connection last read it: a snapshot that
/// refreshes never change in place (a refresh swaps in a new one).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct SchemaMetadata {
    /// Keyspaces by name (system keyspaces included).
    pub keyspaces: BTreeMap<String, Arc<KeyspaceMetadata>>,
}

impl SchemaMetadata {
    /// The keyspace called `name`.
    pub fn keyspace(&self, name: &str) -> Option<&KeyspaceMetadata> {
        self.keyspaces.get(name).map(Arc::as_ref)
    }

    /// Table `table` of keyspace `keyspace`.
    pub fn table(&self, keyspace: &str, table: &str) -> Option<&TableMetadata> {
        self.keyspace(keyspace)?.table(table)
    }
}

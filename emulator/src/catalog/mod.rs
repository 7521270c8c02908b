//! The schema catalog of the emulator: keyspaces, tables, user types and indexes, the DDL
//! statements that change them, and the system tables that describe them to drivers.
//!
//! The engine keeps one [`Catalog`] behind a lock. Reads hand out `Arc`s of immutable
//! definitions; [`Catalog::apply`] executes a DDL statement, bumps the schema version and
//! returns the schema-change result with the events Cassandra would push.
//!
//! This module is internal to the emulator and not a stable interface.
//!
//! Known differences from Cassandra 4.0: `WITH COMPACT STORAGE` is only recorded (no dense
//! or static-compact layouts); materialized views, functions, aggregates and triggers are not
//! supported (their schema tables stay empty); table ids of system tables are generated at
//! start rather than derived from their names; `DROP KEYSPACE` reports its tables in name
//! order, where Cassandra uses its internal hash order.

mod custom;
mod ddl;
mod errors;
mod model;
mod options;
mod render;
mod system;
mod types;

use std::collections::BTreeMap;
use std::sync::Arc;

use cassia_protocol::response::{ResultBody, SchemaChange, ServerError};
use cassia_protocol::value::CqlValue;
use uuid::Uuid;

use crate::cql::ast::{QualifiedName, Statement};
use crate::engine::EngineConfig;

pub use custom::{from_string as custom_from_string, parses_string_literals};
pub(crate) use ddl::sai::{is_sai_index, similarity_of};
pub use errors::{invalid, keyspace_exists, no_keyspace, table_exists};
pub use model::{
    ColumnDef, ColumnKind, DroppedColumn, IndexClass, IndexDef, IndexTargetKind, KeyspaceDef,
    KeyspaceKind, TableDef, UdtDef,
};
pub use options::TableOptions;
pub(crate) use options::double_to_string as java_double;
pub use render::quote_ident;
pub(crate) use system::is_virtual_keyspace;
pub use types::{render as render_type, resolve as resolve_type};

/// What a successful DDL statement produced.
#[derive(Debug, Clone, PartialEq)]
pub struct DdlOutcome {
    /// The schema change to return as the RESULT; `None` when nothing changed
    /// (`IF [NOT] EXISTS` that did not apply), in which case Cassandra answers `Void`.
    pub change: Option<SchemaChange>,
    /// Every SCHEMA_CHANGE event Cassandra pushes for this statement, in its order
    /// (`DROP KEYSPACE` reports each table and type, then the keyspace).
    pub events: Vec<SchemaChange>,
    /// Client warnings Cassandra attaches to the response.
    pub warnings: Vec<String>,
}

impl DdlOutcome {
    /// The RESULT body to send.
    pub fn result(&self) -> ResultBody {
        match &self.change {
            Some(change) => ResultBody::SchemaChange(change.clone()),
            None => ResultBody::Void,
        }
    }

    fn unchanged() -> DdlOutcome {
        DdlOutcome {
            change: None,
            events: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn single(change: SchemaChange) -> DdlOutcome {
        DdlOutcome {
            events: vec![change.clone()],
            change: Some(change),
            warnings: Vec::new(),
        }
    }
}

/// The whole schema of the node.
#[derive(Debug, Clone)]
pub struct Catalog {
    keyspaces: BTreeMap<String, Arc<KeyspaceDef>>,
    schema_version: Uuid,
    host_id: Uuid,
    /// The node's datacenter (NetworkTopologyStrategy only accepts known ones).
    datacenter: String,
    /// The other data centres of a simulated cluster (see `set_cluster_datacenters`).
    other_datacenters: Vec<String>,
    /// When the catalog was created (`system.local.gossip_generation`).
    started_secs: i32,
}

impl Default for Catalog {
    fn default() -> Self {
        Catalog::new()
    }
}

impl Catalog {
    /// A catalog holding only the system keyspaces, with a fresh host id, for a node in
    /// `datacenter1`.
    pub fn new() -> Catalog {
        Catalog::for_datacenter("datacenter1")
    }

    /// A catalog for a node in the given datacenter (see `EngineConfig::datacenter`).
    pub fn for_datacenter(datacenter: &str) -> Catalog {
        let mut keyspaces = BTreeMap::new();
        for ks in system::system_keyspaces() {
            keyspaces.insert(ks.name.clone(), Arc::new(ks));
        }
        Catalog {
            keyspaces,
            schema_version: Uuid::new_v4(),
            host_id: Uuid::new_v4(),
            datacenter: datacenter.to_owned(),
            other_datacenters: Vec::new(),
            started_secs: system::now_secs(),
        }
    }

    /// Every data centre NetworkTopologyStrategy accepts: the node's own and, in a
    /// simulated cluster, the others.
    pub(crate) fn datacenters(&self) -> Vec<String> {
        let mut all = self.other_datacenters.clone();
        all.push(self.datacenter.clone());
        all.sort();
        all.dedup();
        all
    }

    /// Makes NetworkTopologyStrategy accept the data centres of a simulated cluster.
    pub(crate) fn set_cluster_datacenters(&mut self, dcs: Vec<String>) {
        self.other_datacenters = dcs;
    }

    /// The schema version: changes after every DDL that changed something.
    pub fn schema_version(&self) -> Uuid {
        self.schema_version
    }

    /// The node's host id (stable for the life of the catalog).
    pub fn host_id(&self) -> Uuid {
        self.host_id
    }

    /// All keyspaces by name.
    pub fn keyspaces(&self) -> impl Iterator<Item = &Arc<KeyspaceDef>> {
        self.keyspaces.values()
    }

    /// The keyspace, if it exists.
    pub fn find_keyspace(&self, name: &str) -> Option<&Arc<KeyspaceDef>> {
        self.keyspaces.get(name)
    }

    /// The keyspace, or Cassandra's `keyspace x does not exist` (Invalid).
    pub fn keyspace(&self, name: &str) -> Result<&Arc<KeyspaceDef>, ServerError> {
        self.keyspaces
            .get(name)
            .ok_or_else(|| invalid(format!("keyspace {name} does not exist")))
    }

    /// Checks the keyspace of a `USE` statement: Cassandra's `Keyspace 'x' does not exist`
    /// (Invalid) when it is missing.
    pub fn check_use(&self, keyspace: &str) -> Result<(), ServerError> {
        if self.keyspaces.contains_key(keyspace) {
            Ok(())
        } else {
            Err(invalid(format!("Keyspace '{keyspace}' does not exist")))
        }
    }

    /// The table, or Cassandra's `keyspace x does not exist` / `table y does not exist`
    /// (Invalid), as for SELECT and DML.
    pub fn table(&self, keyspace: &str, name: &str) -> Result<Arc<TableDef>, ServerError> {
        if name.is_empty() {
            return Err(invalid("non-empty table is required"));
        }
        self.keyspace(keyspace)?
            .tables
            .get(name)
            .cloned()
            .ok_or_else(|| invalid(format!("table {name} does not exist")))
    }

    /// The table named by `name`, defaulting the keyspace to `current`.
    pub fn table_for(
        &self,
        name: &QualifiedName,
        current: Option<&str>,
    ) -> Result<Arc<TableDef>, ServerError> {
        let ks = keyspace_of(name, current)?;
        self.table(ks, &name.name)
    }

    /// The user type, or `Unknown type ks.name` (Invalid).
    pub fn user_type(&self, keyspace: &str, name: &str) -> Result<Arc<UdtDef>, ServerError> {
        self.keyspace(keyspace)?
            .types
            .get(name)
            .cloned()
            .ok_or_else(|| invalid(format!("Unknown type {keyspace}.{name}")))
    }

    /// Executes a DDL statement (CREATE/ALTER/DROP of keyspaces, tables, types, indexes).
    /// `current_keyspace` is the connection's keyspace, used for unqualified names.
    pub fn apply(
        &mut self,
        stmt: &Statement,
        current_keyspace: Option<&str>,
    ) -> Result<DdlOutcome, ServerError> {
        let before = self.keyspaces.clone();
        let outcome = ddl::apply(self, stmt, current_keyspace)?;
        if outcome.change.is_none() {
            return Ok(outcome);
        }
        // Like Cassandra, a statement that leaves the schema as it was (ALTER ... WITH the
        // current values) answers Void and announces nothing.
        if self.keyspaces == before {
            return Ok(DdlOutcome::unchanged());
        }
        self.schema_version = Uuid::new_v4();
        Ok(outcome)
    }

    /// The current rows of a table whose content the catalog generates (`system.local`,
    /// `system.peers`, `system.peers_v2`, `system_schema.*`, `system_virtual_schema.*`), each
    /// row in the table's column order. `None` for every other table: those (user tables and
    /// the other system tables, such as `system_traces.*`) are stored by the engine.
    pub fn system_rows(
        &self,
        config: &EngineConfig,
        keyspace: &str,
        table: &str,
    ) -> Option<Vec<Vec<Option<CqlValue>>>> {
        system::system_rows(self, config, None, keyspace, table)
    }

    /// [`Catalog::system_rows`] as node `view.0` of a simulated cluster reports them
    /// (`system.local` about itself, `system.peers[_v2]` about the others).
    pub(crate) fn node_system_rows(
        &self,
        config: &EngineConfig,
        view: &crate::cluster::NodeView,
        keyspace: &str,
        table: &str,
    ) -> Option<Vec<Vec<Option<CqlValue>>>> {
        system::system_rows(self, config, Some(view), keyspace, table)
    }

    /// Whether the statement is DDL that [`Catalog::apply`] executes.
    pub fn is_ddl(stmt: &Statement) -> bool {
        ddl::is_ddl(stmt)
    }

    fn keyspace_mut(&mut self, name: &str) -> Option<&mut KeyspaceDef> {
        self.keyspaces.get_mut(name).map(Arc::make_mut)
    }
}

/// The keyspace a possibly-qualified name refers to.
pub fn keyspace_of<'a>(
    name: &'a QualifiedName,
    current: Option<&'a str>,
) -> Result<&'a str, ServerError> {
    name.keyspace.as_deref().or(current).ok_or_else(no_keyspace)
}

//! The CQL engine: executes statements against the in-memory catalog and store.
//!
//! The transport layer (server, connections) hands it decoded requests and sends back what it
//! returns; the engine knows nothing about sockets, framing or compression. It is synchronous:
//! everything is in memory, so a call is short and connections call it directly.
//!
//! Layout: `plan` turns a parsed statement into an executable plan (prepared statements keep
//! theirs, so EXECUTE never re-parses), with `restrict` (WHERE), `selection` (SELECT
//! clause) and `specs` (bind-marker metadata); `select`, `modify` + `mutation`, `conditions`
//! and `batch` run plans against the store; `term`, `literal`, `functions`, `cast` and
//! `json` turn CQL values into bytes and back; `schema` is the runtime view of a catalog
//! table; `paging` and `result` encode what goes back; `system` and `trace` serve the
//! system keyspaces.
//!
//! Errors are `ServerError`s (the protocol's typed error: kind + Cassandra's message), since
//! that is exactly what the transport sends; messages follow Cassandra 4.0 word for word.

mod ann;
mod apply;
mod arith;
mod batch;
mod binds;
mod canonical;
mod cast;
mod clients;
mod conditions;
mod duration;
mod functions;
mod journal;
mod json;
mod kahan;
mod levels;
mod literal;
mod matching;
mod modify;
mod mutation;
mod paging;
mod placement;
mod plan;
mod read;
mod requests;
mod restrict;
mod restrict_keys;
mod result;
mod sai;
mod schema;
mod sel_collections;
mod select;
mod select_checks;
mod selection;
mod selector_ops;
mod selector_plan;
mod signatures;
mod specs;
mod system;
mod temporal_ops;
mod term;
mod trace;
mod vector_fns;
mod vector_sel;

pub(crate) use clients::{ClientHandle, TlsInfo};
pub(crate) use vector_fns::Similarity;

pub use requests::{LoggedRequest, RequestKind};
pub use trace::TraceRecord;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use bytes::Bytes;
use cassia_protocol::frame::ProtocolVersion;
use cassia_protocol::request::{Batch, Execute, QueryParameters};
use cassia_protocol::response::{
    ErrorKind, Prepared, PreparedMetadata, ResultBody, ResultMetadata, SchemaChange,
    SchemaChangeTarget, SchemaChangeType, ServerError,
};
use uuid::Uuid;

use crate::catalog::{Catalog, invalid};
use crate::cql::ast::{QualifiedName, Statement};
use crate::store::{now_micros, now_secs};
use plan::{Plan, Planned, Tables};
use schema::{Table, TableRuntime};
use term::Binds;

/// Facts about the node reported in `system.local` and friends.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// `cluster_name`.
    pub cluster_name: String,
    /// `data_center`.
    pub datacenter: String,
    /// `rack`.
    pub rack: String,
    /// `release_version` (the Cassandra version we imitate).
    pub release_version: String,
    /// Address clients connect to (`rpc_address`/`native_address` and port).
    pub native_address: SocketAddr,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            cluster_name: "Cassia Emulator".to_owned(),
            datacenter: "datacenter1".to_owned(),
            rack: "rack1".to_owned(),
            release_version: "4.0.13".to_owned(),
            native_address: SocketAddr::from(([127, 0, 0, 1], 9042)),
        }
    }
}

/// Per-connection state the engine reads and updates (`USE` changes the keyspace).
///
/// Build it with [`ClientState::new`]; it also carries private per-connection flags.
#[derive(Debug, Clone)]
pub struct ClientState {
    /// Current keyspace.
    pub keyspace: Option<String>,
    /// Negotiated protocol version (affects result encoding, e.g. v5 metadata ids).
    pub protocol_version: ProtocolVersion,
    /// Whether this connection already got the `USE` + PREPARE warning (Cassandra sends it
    /// once per connection). Shared by clones, as they stand for the same connection.
    use_warning_issued: Arc<AtomicBool>,
    /// The node of a simulated cluster this connection is on (the coordinator).
    node: usize,
    /// Whether replica availability is checked (not when replaying the journal).
    check_replicas: bool,
}

impl ClientState {
    /// The state of a fresh connection (no keyspace) speaking `protocol_version`.
    ///
    /// Prefer this to a struct literal: the engine will add per-connection fields (for
    /// example, Cassandra warns about `USE` + PREPARE only once per connection).
    pub fn new(protocol_version: ProtocolVersion) -> ClientState {
        ClientState {
            keyspace: None,
            protocol_version,
            use_warning_issued: Arc::new(AtomicBool::new(false)),
            node: 0,
            check_replicas: true,
        }
    }

    /// The same connection, coordinated by node `node` of a simulated cluster.
    pub(crate) fn on_node(mut self, node: usize) -> ClientState {
        self.node = node;
        self
    }

    /// A state for journal replay: no availability checks.
    pub(crate) fn replaying(mut self) -> ClientState {
        self.check_replicas = false;
        self
    }
}

/// What a successful request produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The RESULT body to send.
    pub body: ResultBody,
    /// Server warnings to attach (frame flag 0x08).
    pub warnings: Vec<String>,
}

impl Outcome {
    fn new(body: ResultBody) -> Outcome {
        Outcome {
            body,
            warnings: Vec::new(),
        }
    }
}

/// A cached prepared statement.
#[derive(Debug)]
struct PreparedEntry {
    planned: Planned,
    /// CQL text and planning keyspace, journaled with each EXECUTE so a replay can prepare
    /// the statement again.
    cql: String,
    keyspace: Option<String>,
}

/// The engine. Shared by all connections (`Arc<Engine>`); internally synchronised.
#[derive(Debug)]
pub struct Engine {
    config: EngineConfig,
    schema_events: tokio::sync::broadcast::Sender<SchemaChange>,
    catalog: RwLock<Catalog>,
    /// Runtime tables by table id, rebuilt when the catalog's definition changes.
    tables: RwLock<HashMap<Uuid, Arc<Table>>>,
    /// Data and column ids by table id (survive ALTER, dropped with the table).
    runtimes: Mutex<HashMap<Uuid, Arc<TableRuntime>>>,
    prepared: RwLock<HashMap<Bytes, Arc<PreparedEntry>>>,
    /// The write-ahead journal, when durability is on (see `journal`).
    journal: OnceLock<crate::durability::Journal>,
    /// Executed requests, when [`Engine::record_requests`] is on.
    requests: requests::RequestLog,
    /// The simulated cluster (one node unless the server was built with more).
    cluster: Arc<crate::cluster::Cluster>,
    /// The open connections, for `system_views.clients`.
    clients: clients::ClientRegistry,
}

fn read<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|p| p.into_inner())
}

fn write<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|p| p.into_inner())
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Cassandra's Unprepared error for an unknown statement id.
fn unprepared(id: &Bytes) -> ServerError {
    ServerError {
        kind: ErrorKind::Unprepared { id: id.clone() },
        message: format!(
            "Prepared query with ID {} not found (either the query was not prepared on this host (maybe the host has been restarted?) or you have prepared too many queries and it has been evicted from the internal cache)",
            hex(id)
        ),
    }
}

fn parse(cql: &str) -> Result<Statement, ServerError> {
    crate::cql::parse_statement(cql).map_err(|e| ServerError {
        kind: match e.kind() {
            crate::cql::SyntaxErrorKind::InvalidRequest { .. } => ErrorKind::Invalid,
            _ => ErrorKind::SyntaxError,
        },
        message: e.to_string(),
    })
}

impl Tables for Engine {
    fn table(
        &self,
        name: &QualifiedName,
        keyspace: Option<&str>,
    ) -> Result<Arc<Table>, ServerError> {
        let def = read(&self.catalog).table_for(name, keyspace)?;
        if let Some(t) = read(&self.tables).get(&def.id) {
            if Arc::ptr_eq(&t.def, &def) {
                return Ok(t.clone());
            }
        }
        // Get-or-create the runtime and build under one lock, so two connections using a
        // table for the first time at once share its data.
        let table = {
            let mut runtimes = self.runtimes.lock().unwrap_or_else(|p| p.into_inner());
            let existing = runtimes.get(&def.id).cloned();
            let table = Arc::new(Table::build(def.clone(), existing));
            runtimes
                .entry(def.id)
                .or_insert_with(|| table.runtime.clone());
            table
        };
        write(&self.tables).insert(def.id, table.clone());
        Ok(table)
    }
}

impl Engine {
    /// A fresh engine holding only the system keyspaces.
    pub fn new(config: EngineConfig) -> Engine {
        let node = (
            config.datacenter.clone(),
            config.rack.clone(),
            config.native_address,
        );
        Engine::with_cluster(config, vec![node], crate::cluster::DEFAULT_NUM_TOKENS)
    }

    /// An engine serving a simulated cluster of `nodes` (node 0 is `config`'s address).
    pub(crate) fn with_cluster(
        config: EngineConfig,
        nodes: Vec<crate::cluster::NodeSpec>,
        num_tokens: usize,
    ) -> Engine {
        let (schema_events, _) = tokio::sync::broadcast::channel(1024);
        let mut catalog = Catalog::for_datacenter(&config.datacenter);
        let cluster = crate::cluster::Cluster::new(nodes, num_tokens, catalog.host_id());
        catalog.set_cluster_datacenters(cluster.datacenters());
        Engine {
            cluster: Arc::new(cluster),
            config,
            schema_events,
            catalog: RwLock::new(catalog),
            tables: RwLock::new(HashMap::new()),
            runtimes: Mutex::new(HashMap::new()),
            prepared: RwLock::new(HashMap::new()),
            requests: requests::RequestLog::default(),
            journal: OnceLock::new(),
            clients: clients::ClientRegistry::default(),
        }
    }

    /// Registers a client connection to node `node` (see `system_views.clients`).
    pub(crate) fn register_client(
        &self,
        node: usize,
        remote: std::net::SocketAddr,
        tls: Option<TlsInfo>,
        protocol_version: ProtocolVersion,
    ) -> clients::ClientHandle {
        self.clients
            .register(node, remote, tls, i32::from(protocol_version.number()))
    }

    /// Starts (or stops) logging executed requests; see [`Engine::take_requests`].
    pub fn record_requests(&self, on: bool) {
        self.requests.set_enabled(on);
    }

    /// The requests executed since the log was last taken (empty unless
    /// [`Engine::record_requests`] is on).
    pub fn take_requests(&self) -> Vec<LoggedRequest> {
        self.requests.take()
    }

    /// The logged requests node `node` coordinated, leaving the other nodes' entries.
    pub fn take_node_requests(&self, node: usize) -> Vec<LoggedRequest> {
        self.requests.take_node(node)
    }

    /// Runs `f` on the current catalog (under its read lock: keep it short).
    pub(crate) fn with_catalog<R>(&self, f: impl FnOnce(&Catalog) -> R) -> R {
        f(&read(&self.catalog))
    }

    /// The simulated cluster.
    pub(crate) fn cluster(&self) -> &Arc<crate::cluster::Cluster> {
        &self.cluster
    }

    /// Lets NetworkTopologyStrategy name the data centres of the cluster as it is now.
    pub(crate) fn refresh_datacenters(&self) {
        write(&self.catalog).set_cluster_datacenters(self.cluster.datacenters());
    }

    /// The CQL text of a prepared statement (for fault rules matching EXECUTE).
    pub(crate) fn prepared_cql(&self, id: &Bytes) -> Option<String> {
        read(&self.prepared).get(id).map(|e| e.cql.clone())
    }

    /// The node facts this engine reports.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// QUERY: parse and execute one statement.
    pub fn query(
        &self,
        client: &mut ClientState,
        cql: &str,
        params: &QueryParameters,
    ) -> Result<Outcome, ServerError> {
        let mut log = self
            .requests
            .start(RequestKind::Query, client.node, || cql.to_owned());
        if let Some(entry) = log.as_mut() {
            entry.consistency = Some(params.consistency);
            entry.keyspace = params.keyspace.clone().or_else(|| client.keyspace.clone());
        }
        let out = self.query_logged(client, cql, params, &mut log);
        self.requests.push(log);
        out
    }

    fn query_logged(
        &self,
        client: &mut ClientState,
        cql: &str,
        params: &QueryParameters,
        log: &mut Option<LoggedRequest>,
    ) -> Result<Outcome, ServerError> {
        let _tape = self.start_tape();
        let stmt = parse(cql)?;
        let keyspace = params.keyspace.clone().or_else(|| client.keyspace.clone());
        let planned = plan::plan(self, &stmt, keyspace.as_deref())?;
        let binds = binds::decode(&params.values, &planned)?;
        let token = placement::check_plan(self, client, &planned.plan, &binds, params)?;
        if let Some(entry) = log.as_mut() {
            entry.token = token;
        }
        let client_keyspace = client.keyspace.clone();
        self.journaled(
            journal::mutates(&planned.plan),
            || self.run(client, &planned, &binds, params, keyspace.as_deref()),
            || journal::query(client_keyspace, cql, params),
        )
    }

    /// Parses and plans `cql` as QUERY does, without executing it: the errors 4.0 reports
    /// before `QueryProcessor.processStatement` looks at the consistency.
    pub(crate) fn plan_query(
        &self,
        client: &ClientState,
        cql: &str,
        keyspace: Option<&str>,
    ) -> Result<(), ServerError> {
        let stmt = parse(cql)?;
        let ks = keyspace.or(client.keyspace.as_deref());
        plan::plan(self, &stmt, ks).map(|_| ())
    }

    /// PREPARE: returns `ResultBody::Prepared` (id = MD5 of keyspace + query as Cassandra does).
    pub fn prepare(
        &self,
        client: &ClientState,
        cql: &str,
        keyspace: Option<&str>,
    ) -> Result<Outcome, ServerError> {
        let mut log = self
            .requests
            .start(RequestKind::Prepare, client.node, || cql.to_owned());
        if let Some(entry) = log.as_mut() {
            entry.keyspace = keyspace.or(client.keyspace.as_deref()).map(str::to_owned);
        }
        self.requests.push(log);
        let stmt = parse(cql)?;
        let ks = keyspace.or(client.keyspace.as_deref());
        let planned = plan::plan(self, &stmt, ks)?;
        let qualified = planned.fully_qualified && !planned.tables.is_empty();
        let id = result::statement_id(if qualified { None } else { ks }, cql);
        let mut warnings = Vec::new();
        // Cassandra warns once per connection; a v5 PREPARE carrying its own keyspace runs
        // on a fresh copy of the connection state, so it warns again.
        // Cassandra warns when it stores a new unqualified statement, once per connection
        // (ClientState.issuedPreparedStatementsUseWarning); a v5 PREPARE carrying its own
        // keyspace runs on a fresh copy of the connection state, so it warns again, and an
        // already cached statement is returned as is, without a warning.
        let cached = read(&self.prepared).contains_key(&id);
        if let (Some(used), false, false) = (ks, qualified || planned.tables.is_empty(), cached) {
            let first =
                keyspace.is_some() || !client.use_warning_issued.swap(true, Ordering::Relaxed);
            if first {
                warnings.push(format!(
                    "`USE <keyspace>` with prepared statements is considered to be an anti-pattern due to ambiguity in non-qualified table names. Please consider removing instances of `Session#setKeyspace(<keyspace>)`, `Session#execute(\"USE <keyspace>\")` and `cluster.newSession(<keyspace>)` from your code, and always use fully qualified table names (e.g. <keyspace>.<table>). Keyspace used: {used}, statement keyspace: {used}, statement id: {}",
                    hex(&id)
                ));
            }
        }
        let body = ResultBody::Prepared(Prepared {
            id: id.clone(),
            result_metadata_id: (client.protocol_version == ProtocolVersion::V5)
                .then(|| planned.metadata_id.clone()),
            metadata: PreparedMetadata {
                pk_indexes: planned.pk_indexes.clone(),
                columns: planned.bind_specs.clone(),
            },
            result_metadata: ResultMetadata {
                column_count: planned.result_columns.len(),
                paging_state: None,
                new_metadata_id: None,
                columns: planned.result_columns.clone().into(),
            },
        });
        let entry = PreparedEntry {
            planned,
            cql: cql.to_owned(),
            keyspace: ks.map(str::to_owned),
        };
        write(&self.prepared).insert(id, Arc::new(entry));
        Ok(Outcome { body, warnings })
    }

    /// EXECUTE a prepared statement (Unprepared error for unknown ids).
    pub fn execute(
        &self,
        client: &mut ClientState,
        execute: &Execute,
    ) -> Result<Outcome, ServerError> {
        let _tape = self.start_tape();
        let entry = read(&self.prepared)
            .get(&execute.id)
            .cloned()
            .ok_or_else(|| unprepared(&execute.id))?;
        let mut log = self
            .requests
            .start(RequestKind::Execute, client.node, || entry.cql.clone());
        let keyspace = execute
            .params
            .keyspace
            .clone()
            .or_else(|| client.keyspace.clone());
        if let Some(logged) = log.as_mut() {
            logged.consistency = Some(execute.params.consistency);
            logged.keyspace = entry.keyspace.clone().or_else(|| keyspace.clone());
            logged.prepared_id = Some(execute.id.clone());
        }
        let planned = &entry.planned;
        let checked = binds::decode(&execute.params.values, planned).and_then(|binds| {
            let token =
                placement::check_plan(self, client, &planned.plan, &binds, &execute.params)?;
            Ok((binds, token))
        });
        if let (Some(logged), Ok((_, token))) = (log.as_mut(), &checked) {
            logged.token = *token;
        }
        self.requests.push(log);
        let (binds, _) = checked?;
        let client_keyspace = client.keyspace.clone();
        let mut out = self.journaled(
            journal::mutates(&planned.plan),
            || {
                self.run(
                    client,
                    planned,
                    &binds,
                    &execute.params,
                    keyspace.as_deref(),
                )
            },
            || {
                journal::execute(
                    client_keyspace,
                    &entry.cql,
                    entry.keyspace.as_deref(),
                    &execute.params,
                )
            },
        )?;
        if let ResultBody::Rows(rows) = &mut out.body {
            // As Cassandra's ExecuteMessage: LWT results (whose columns vary with the
            // outcome) always carry metadata in v5; otherwise v5 compares the metadata id the
            // client sent, and v4 skips metadata only when it matches the prepared one.
            let conditional = match &planned.plan {
                Plan::Write(w) => w.condition.is_some(),
                Plan::Batch(b) => b.children.iter().any(|w| w.condition.is_some()),
                _ => false,
            };
            let response_id = if rows.metadata.columns.len() == planned.result_columns.len() {
                planned.metadata_id.clone()
            } else {
                let owned: Vec<(String, String)> = rows
                    .metadata
                    .columns
                    .iter()
                    .map(|c| {
                        (
                            c.name.clone(),
                            cassia_protocol::types::marshal_class_name(&c.typ),
                        )
                    })
                    .collect();
                result::metadata_id(owned.iter().map(|(a, b)| (a.as_str(), b.as_str())))
            };
            if client.protocol_version == ProtocolVersion::V5 {
                if !conditional {
                    if execute
                        .result_metadata_id
                        .as_ref()
                        .is_some_and(|sent| *sent != response_id)
                    {
                        rows.metadata.new_metadata_id = Some(response_id);
                    } else if execute.params.skip_metadata {
                        rows.metadata.columns = Default::default();
                    }
                }
            } else if execute.params.skip_metadata && response_id == planned.metadata_id {
                rows.metadata.columns = Default::default();
            }
        }
        Ok(out)
    }

    /// BATCH.
    pub fn batch(&self, client: &mut ClientState, batch: &Batch) -> Result<Outcome, ServerError> {
        let mut log = self.requests.start(RequestKind::Batch, client.node, || {
            let prepared = read(&self.prepared);
            let texts: Vec<String> = batch
                .statements
                .iter()
                .map(|s| match s {
                    cassia_protocol::request::BatchStatement::Query { query, .. } => query.clone(),
                    cassia_protocol::request::BatchStatement::Prepared { id, .. } => {
                        prepared.get(id).map_or_else(
                            || format!("<unknown prepared {}>", hex(id)),
                            |e| e.cql.clone(),
                        )
                    }
                })
                .collect();
            texts.join("; ")
        });
        if let Some(entry) = log.as_mut() {
            entry.consistency = Some(batch.consistency);
            entry.keyspace = batch.keyspace.clone().or_else(|| client.keyspace.clone());
        }
        self.requests.push(log);
        let _tape = self.start_tape();
        let client_keyspace = client.keyspace.clone();
        self.journaled(
            true,
            || batch::execute_message(self, client, batch),
            || journal::batch(self, client_keyspace, batch),
        )
    }

    /// Schema changes as they happen, for connections that sent REGISTER SCHEMA_CHANGE.
    /// One event per change Cassandra would push (dropping a keyspace also reports its
    /// tables and types).
    pub fn subscribe_schema_changes(&self) -> tokio::sync::broadcast::Receiver<SchemaChange> {
        self.schema_events.subscribe()
    }

    fn prepared_entry(&self, id: &Bytes) -> Result<Arc<PreparedEntry>, ServerError> {
        read(&self.prepared)
            .get(id)
            .cloned()
            .ok_or_else(|| unprepared(id))
    }

    /// Runs a planned statement.
    fn run(
        &self,
        client: &mut ClientState,
        planned: &Planned,
        binds: &Binds<'_>,
        params: &QueryParameters,
        keyspace: Option<&str>,
    ) -> Result<Outcome, ServerError> {
        let now = params.now_in_seconds.map_or_else(now_secs, i64::from);
        match &planned.plan {
            Plan::Select(p) => {
                let warnings = p.warnings();
                let paging = params.paging_state.as_deref();
                let body = if p.table.def.is_system {
                    let clients =
                        (p.table.keyspace(), p.table.name()) == ("system_views", "clients");
                    let rows = match self.cluster.view(client.node) {
                        _ if clients => Some(self.clients.rows(client.node)),
                        Some(view) => read(&self.catalog).node_system_rows(
                            &self.config,
                            &view,
                            p.table.keyspace(),
                            p.table.name(),
                        ),
                        None => read(&self.catalog).system_rows(
                            &self.config,
                            p.table.keyspace(),
                            p.table.name(),
                        ),
                    };
                    match rows {
                        Some(rows) => {
                            let data = system::materialize(&p.table, &rows);
                            p.execute_on(&data, binds, params.page_size, paging, now)?
                        }
                        None => p.execute(binds, params.page_size, paging, now)?,
                    }
                } else {
                    p.execute(binds, params.page_size, paging, now)?
                };
                Ok(Outcome { body, warnings })
            }
            Plan::Write(w) => {
                system::refuse_virtual_write(w)?;
                let ts = params.timestamp.unwrap_or_else(now_micros);
                batch::execute_write(w, binds, ts, now).map(Outcome::new)
            }
            Plan::Batch(b) => batch::execute_statement(b, binds, params.timestamp, now),
            Plan::Use(ks) => {
                if read(&self.catalog).find_keyspace(ks).is_none() {
                    return Err(invalid(format!("Keyspace '{ks}' does not exist")));
                }
                client.keyspace = Some(ks.clone());
                Ok(Outcome::new(ResultBody::SetKeyspace(ks.clone())))
            }
            Plan::Truncate(t) => {
                system::refuse_virtual_truncate(t)?;
                t.runtime.lock().truncate();
                Ok(Outcome::new(ResultBody::Void))
            }
            Plan::Ddl(stmt) => self.ddl(stmt, keyspace),
        }
    }

    /// Executes DDL through the catalog, then broadcasts its events and drops what the
    /// change made stale (prepared statements, runtime tables, data of dropped tables).
    fn ddl(&self, stmt: &Statement, keyspace: Option<&str>) -> Result<Outcome, ServerError> {
        let outcome = write(&self.catalog).apply(stmt, keyspace)?;
        for ev in &outcome.events {
            self.invalidate(ev);
            // Rebuild altered tables now, so a dropped column's id is retired before a
            // column of the same name can be added back (its old cells must stay hidden).
            if let (SchemaChangeType::Updated, SchemaChangeTarget::Table { keyspace, table }) =
                (ev.change, &ev.target)
            {
                let name = QualifiedName {
                    keyspace: Some(keyspace.clone()),
                    name: table.clone(),
                };
                let _ = Tables::table(self, &name, None);
            }
            let _ = self.schema_events.send(ev.clone());
        }
        if !outcome.events.is_empty() {
            let live: std::collections::HashSet<Uuid> = read(&self.catalog)
                .keyspaces()
                .flat_map(|k| k.tables.values().map(|t| t.id).collect::<Vec<_>>())
                .collect();
            self.runtimes
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .retain(|id, _| live.contains(id));
            write(&self.tables).retain(|id, _| live.contains(id));
        }
        Ok(Outcome {
            body: outcome.result(),
            warnings: outcome.warnings.clone(),
        })
    }

    fn invalidate(&self, ev: &SchemaChange) {
        if ev.change == SchemaChangeType::Created {
            return;
        }
        let hit = |tables: &[(String, String)]| match &ev.target {
            SchemaChangeTarget::Table { keyspace, table } => {
                tables.iter().any(|(k, t)| k == keyspace && t == table)
            }
            SchemaChangeTarget::Keyspace { keyspace }
            | SchemaChangeTarget::Type { keyspace, .. } => {
                tables.iter().any(|(k, _)| k == keyspace)
            }
            _ => false,
        };
        write(&self.prepared).retain(|_, e| !hit(&e.planned.tables));
    }
}

#[cfg(test)]
mod tests;

//! The CQL engine: executes statements against the in-memory catalog and store.
//!
//! The transport layer (server, connections) hands it decoded requests and sends back what it
//! returns; the engine knows nothing about sockets, framing or compression. It is synchronous:
//! everything is in memory, so a call is short and connections call it directly.

use std::net::SocketAddr;

use cassia_protocol::frame::ProtocolVersion;
use cassia_protocol::request::{Batch, Execute, QueryParameters};
use cassia_protocol::response::{ErrorKind, ResultBody, SchemaChange, ServerError};

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
#[derive(Debug, Clone)]
pub struct ClientState {
    /// Current keyspace.
    pub keyspace: Option<String>,
    /// Negotiated protocol version (affects result encoding, e.g. v5 metadata ids).
    pub protocol_version: ProtocolVersion,
}

/// What a successful request produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The RESULT body to send.
    pub body: ResultBody,
    /// Server warnings to attach (frame flag 0x08).
    pub warnings: Vec<String>,
}

/// The engine. Shared by all connections (`Arc<Engine>`); internally synchronised.
#[derive(Debug)]
pub struct Engine {
    config: EngineConfig,
    schema_events: tokio::sync::broadcast::Sender<SchemaChange>,
}

impl Engine {
    /// A fresh engine holding only the system keyspaces.
    pub fn new(config: EngineConfig) -> Engine {
        let (schema_events, _) = tokio::sync::broadcast::channel(1024);
        Engine {
            config,
            schema_events,
        }
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
        let _ = (client, cql, params);
        Err(not_yet())
    }

    /// PREPARE: returns `ResultBody::Prepared` (id = MD5 of keyspace + query as Cassandra does).
    pub fn prepare(
        &self,
        client: &ClientState,
        cql: &str,
        keyspace: Option<&str>,
    ) -> Result<Outcome, ServerError> {
        let _ = (client, cql, keyspace);
        Err(not_yet())
    }

    /// EXECUTE a prepared statement (Unprepared error for unknown ids).
    pub fn execute(
        &self,
        client: &mut ClientState,
        execute: &Execute,
    ) -> Result<Outcome, ServerError> {
        let _ = (client, execute);
        Err(not_yet())
    }

    /// BATCH.
    pub fn batch(&self, client: &mut ClientState, batch: &Batch) -> Result<Outcome, ServerError> {
        let _ = (client, batch);
        Err(not_yet())
    }

    /// Schema changes as they happen, for connections that sent REGISTER SCHEMA_CHANGE.
    /// One event per change Cassandra would push (dropping a keyspace also reports its
    /// tables and types).
    pub fn subscribe_schema_changes(&self) -> tokio::sync::broadcast::Receiver<SchemaChange> {
        self.schema_events.subscribe()
    }
}

// Placeholder until the engine lands; removed by the engine engineer.
fn not_yet() -> ServerError {
    ServerError {
        kind: ErrorKind::ServerError,
        message: "the emulator engine is not implemented yet".to_owned(),
    }
}

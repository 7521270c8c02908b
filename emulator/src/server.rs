//! The server: [`Emulator::builder`] configures it, [`EmulatorBuilder::start`] binds the
//! sockets (one per node of a simulated cluster) and spawns the accept loops, and
//! [`EmulatorHandle`] controls the nodes and stops everything (explicitly or on drop).
//!
//! Every accepted socket gets its own task (see `connection`); the engine is shared by all of
//! them, on every node, behind an `Arc`.
//!
//! - `listen`: binding, node addresses, the accept loop.
//! - `node`: per-node runtime and [`NodeHandle`] (stop, start, pause, decommission).

mod listen;
mod node;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use cassia_protocol::frame::ProtocolVersion;
use tokio::sync::watch;

use crate::auth::Credentials;
use crate::cluster::NodeInfo;
use crate::cluster::faults::{FaultRule, RuleId};
use crate::engine::{Engine, EngineConfig};
use crate::tls::{TlsError, TlsSource};
pub(crate) use listen::stopped;
pub use node::{NodeError, NodeHandle};
use node::{NodeRuntime, lock};

/// Default cap on one frame (header + body), as Cassandra's `native_transport_max_frame_size`
/// is in spirit: large enough for any sane request, small enough to refuse garbage lengths.
pub const DEFAULT_MAX_FRAME_SIZE: usize = 256 * 1024 * 1024;

/// Entry point: `Emulator::builder()...start().await`.
#[derive(Debug)]
pub struct Emulator;

impl Emulator {
    /// A builder with the defaults: 127.0.0.1 on an ephemeral port, no authentication, no
    /// TLS, protocol v4 and v5, frames up to 256 MiB.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            credentials: None,
            tls: None,
            max_frame_size: DEFAULT_MAX_FRAME_SIZE,
            versions: vec![ProtocolVersion::V4, ProtocolVersion::V5],
            engine_config: EngineConfig::default(),
            data_dir: None,
            topology: None,
            racks: 1,
            num_tokens: crate::cluster::DEFAULT_NUM_TOKENS,
            record_requests: false,
        }
    }
}

/// Configures an emulator; see [`Emulator::builder`].
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    listen: SocketAddr,
    credentials: Option<Credentials>,
    tls: Option<TlsSource>,
    max_frame_size: usize,
    versions: Vec<ProtocolVersion>,
    engine_config: EngineConfig,
    data_dir: Option<PathBuf>,
    /// Nodes per data centre; `None`: one node in the engine config's data centre.
    topology: Option<Vec<(String, usize)>>,
    racks: usize,
    num_tokens: usize,
    record_requests: bool,
}

impl EmulatorBuilder {
    /// Address to listen on; port 0 picks a free port (see [`EmulatorHandle::addr`]).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Requires password authentication (`PasswordAuthenticator`) with this one user.
    pub fn auth(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::new(user, password));
        self
    }

    /// Serves TLS only, with a PEM certificate chain and a PEM private key read from files.
    pub fn tls(
        mut self,
        cert_pem_path: impl Into<PathBuf>,
        key_pem_path: impl Into<PathBuf>,
    ) -> Self {
        self.tls = Some(TlsSource::Files {
            cert: cert_pem_path.into(),
            key: key_pem_path.into(),
        });
        self
    }

    /// Serves TLS only, with a PEM certificate chain and key given in memory.
    pub fn tls_pem(mut self, cert_pem: impl Into<Vec<u8>>, key_pem: impl Into<Vec<u8>>) -> Self {
        self.tls = Some(TlsSource::Pem {
            cert: cert_pem.into(),
            key: key_pem.into(),
        });
        self
    }

    /// Largest accepted frame (9-byte header included); bigger ones get a ProtocolError and
    /// the connection is closed.
    pub fn max_frame_size(mut self, bytes: usize) -> Self {
        self.max_frame_size = bytes;
        self
    }

    /// Protocol versions to accept (default v4 and v5). Others get Cassandra's
    /// "Invalid or unsupported protocol version" error, so drivers step down.
    pub fn protocol_versions(
        mut self,
        versions: impl IntoIterator<Item = ProtocolVersion>,
    ) -> Self {
        let mut versions: Vec<_> = versions.into_iter().collect();
        versions.sort();
        versions.dedup();
        self.versions = versions;
        self
    }

    /// Node facts reported in `system.local`; `native_address` is overwritten with the
    /// address actually bound.
    pub fn engine_config(mut self, config: EngineConfig) -> Self {
        self.engine_config = config;
        self
    }

    /// Makes writes durable: every acknowledged state change is journaled (and fsynced
    /// before the reply) in `dir`, created if missing, and replayed at the next start on the
    /// same directory. Without it everything stays in memory. See [`crate::durability`].
    pub fn data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.data_dir = Some(dir.into());
        self
    }

    /// Simulates a cluster of `count` nodes in the engine config's data centre (default
    /// `datacenter1`). Node `i` listens on 127.0.0.(1+i) with node 0's port when the listen
    /// address is 127.0.0.1 and those addresses can be bound (the whole 127/8 is local on
    /// Linux), else on consecutive ports; see [`EmulatorHandle::node_addrs`].
    pub fn nodes(mut self, count: usize) -> Self {
        self.topology = Some(vec![(self.engine_config.datacenter.clone(), count.max(1))]);
        self
    }

    /// Simulates a cluster with these data centres and node counts, in order:
    /// `.datacenters([("dc1", 3), ("dc2", 2)])` makes nodes 0-2 in dc1 and 3-4 in dc2. Node 0's
    /// data centre becomes the engine config's.
    pub fn datacenters<S: Into<String>>(
        mut self,
        dcs: impl IntoIterator<Item = (S, usize)>,
    ) -> Self {
        let dcs: Vec<(String, usize)> = dcs
            .into_iter()
            .map(|(dc, n)| (dc.into(), n))
            .filter(|(_, n)| *n > 0)
            .collect();
        if let Some((first, _)) = dcs.first() {
            self.engine_config.datacenter = first.clone();
            self.topology = Some(dcs);
        }
        self
    }

    /// Spreads each data centre's nodes over `count` racks, round robin: its k-th node is in
    /// `rack{k % count + 1}` (default one rack, `rack1`).
    pub fn racks(mut self, count: usize) -> Self {
        self.racks = count.max(1);
        self
    }

    /// Tokens per node (default 16, as `num_tokens` in Cassandra 4.0). They are
    /// deterministic: with `n` nodes, token `j` of node `i` is
    /// `i64::MIN + step * (j * n + i + 1)` where `step = 2^64 / (n * num_tokens)`.
    pub fn num_tokens(mut self, count: usize) -> Self {
        self.num_tokens = count.max(1);
        self
    }

    /// Logs every request from the start (see [`Engine::record_requests`] and
    /// [`NodeHandle::take_requests`]).
    pub fn record_requests(mut self, on: bool) -> Self {
        self.record_requests = on;
        self
    }

    /// Binds the socket and starts serving in the current tokio runtime (after replaying
    /// the journal, with [`Self::data_dir`]).
    pub async fn start(self) -> Result<EmulatorHandle, StartError> {
        if self.versions.is_empty() {
            return Err(StartError::NoProtocolVersion);
        }
        let tls = self.tls.as_ref().map(crate::tls::acceptor).transpose()?;
        let topology = self
            .topology
            .clone()
            .unwrap_or_else(|| vec![(self.engine_config.datacenter.clone(), 1)]);
        let count: usize = topology.iter().map(|(_, n)| n).sum();
        let (listeners, layout) = listen::bind_cluster(self.listen, count)
            .map_err(|(addr, source)| StartError::Bind { addr, source })?;
        let mut addrs = Vec::with_capacity(count);
        for l in &listeners {
            addrs.push(l.local_addr().map_err(|source| StartError::Bind {
                addr: self.listen,
                source,
            })?);
        }
        let mut specs = Vec::with_capacity(count);
        for (dc, n) in &topology {
            for k in 0..*n {
                let rack = format!("rack{}", k % self.racks + 1);
                specs.push((dc.clone(), rack, addrs[specs.len()]));
            }
        }
        let mut engine_config = self.engine_config;
        engine_config.native_address = addrs[0];
        engine_config.rack = specs[0].1.clone();
        let engine = Arc::new(Engine::with_cluster(engine_config, specs, self.num_tokens));
        engine.record_requests(self.record_requests);
        if let Some(dir) = &self.data_dir {
            let journal = crate::durability::open(dir, &engine)?;
            engine.attach_journal(journal);
        }
        let serving = Arc::new(Serving {
            tls,
            credentials: self.credentials,
            versions: self.versions,
            max_frame_size: self.max_frame_size,
            layout,
        });
        let nodes = listeners
            .into_iter()
            .zip(&addrs)
            .enumerate()
            .map(|(i, (l, addr))| NodeRuntime::spawn(i, l, *addr, &engine, &serving, false))
            .collect();
        Ok(EmulatorHandle {
            addr: addrs[0],
            engine,
            serving,
            nodes: Mutex::new(nodes),
        })
    }
}

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// Requested address.
        addr: SocketAddr,
        /// OS error.
        #[source]
        source: std::io::Error,
    },
    /// The TLS certificate or key is unusable.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// The data directory or its journal is unusable.
    #[error(transparent)]
    Durability(#[from] crate::durability::DurabilityError),
    /// `protocol_versions` was given an empty list.
    #[error("no protocol version enabled")]
    NoProtocolVersion,
}

/// A running emulator (one node, or a simulated cluster). Dropping it stops every node
/// (without waiting).
#[derive(Debug)]
pub struct EmulatorHandle {
    addr: SocketAddr,
    engine: Arc<Engine>,
    serving: Arc<Serving>,
    nodes: Mutex<Vec<NodeRuntime>>,
}

impl EmulatorHandle {
    /// The address node 0 listens on (with the real port when 0 was asked).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every node's address, by node index (decommissioned nodes keep theirs).
    pub fn node_addrs(&self) -> Vec<SocketAddr> {
        lock(&self.nodes).iter().map(|n| n.addr).collect()
    }

    /// Node `index`, to inspect or control it.
    ///
    /// # Panics
    /// If there is no such node (indexes go from 0 to `node_addrs().len() - 1`).
    pub fn node(&self, index: usize) -> NodeHandle<'_> {
        assert!(
            index < lock(&self.nodes).len(),
            "no node {index} in this emulator"
        );
        NodeHandle {
            handle: self,
            index,
        }
    }

    /// What the cluster knows about every node (placement, tokens, host id, status).
    pub fn nodes(&self) -> Vec<NodeInfo> {
        self.engine.cluster().nodes()
    }

    /// The replicas (node indexes, primary first) of the partition with `token` in
    /// `keyspace`; empty for an unknown or node-local keyspace.
    pub fn replicas(&self, keyspace: &str, token: i64) -> Vec<usize> {
        let replication = self
            .engine
            .with_catalog(|c| c.find_keyspace(keyspace).map(|k| k.replication.clone()));
        match replication {
            Some(r) => self.engine.cluster().replicas(&r, token),
            None => Vec::new(),
        }
    }

    /// Adds a node to data centre `datacenter`, rack `rack`, on the next address (or port);
    /// it takes tokens from the widest ranges, and the other nodes announce NEW_NODE then UP.
    /// Returns its index.
    pub async fn add_node(
        &self,
        datacenter: impl Into<String>,
        rack: impl Into<String>,
    ) -> Result<usize, NodeError> {
        let index = {
            let mut nodes = lock(&self.nodes);
            let index = nodes.len();
            let addr =
                listen::node_addr(self.addr, self.serving.layout, index).ok_or_else(|| {
                    NodeError::Bind {
                        index,
                        addr: self.addr,
                        source: std::io::Error::other("no address left for a new node"),
                    }
                })?;
            let listener = listen::bind(addr).map_err(|source| NodeError::Bind {
                index,
                addr,
                source,
            })?;
            let cluster = self.engine.cluster();
            let added = cluster.add(datacenter.into(), rack.into(), addr);
            debug_assert_eq!(added, index, "the cluster and the runtimes index alike");
            nodes.push(NodeRuntime::spawn(
                index,
                listener,
                addr,
                &self.engine,
                &self.serving,
                false,
            ));
            index
        };
        self.engine.refresh_datacenters();
        self.engine.cluster().announce_new(index);
        Ok(index)
    }

    /// Adds a fault rule (see [`crate::cluster::faults`]); returns its id for
    /// [`Self::remove_rule`].
    pub fn add_rule(&self, rule: FaultRule) -> RuleId {
        self.engine.cluster().faults.add(rule)
    }

    /// Removes a fault rule; `false` if it was already gone.
    pub fn remove_rule(&self, id: RuleId) -> bool {
        self.engine.cluster().faults.remove(id)
    }

    /// Removes every fault rule.
    pub fn clear_rules(&self) {
        self.engine.cluster().faults.clear();
    }

    /// The engine behind the server, to inspect or prepare state in tests.
    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// Stops accepting on every node, closes every connection and waits until they are gone.
    pub async fn shutdown(self) {
        let tasks: Vec<_> = lock(&self.nodes)
            .iter_mut()
            .map(NodeRuntime::signal_stop)
            .collect();
        for task in tasks {
            node::join(task).await;
        }
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        for node in lock(&self.nodes).iter_mut() {
            // Detached: the tasks end on their own once signalled.
            drop(node.signal_stop());
        }
    }
}

/// What every node serves with (fixed at start).
pub(crate) struct Serving {
    pub tls: Option<tokio_rustls::TlsAcceptor>,
    pub credentials: Option<Credentials>,
    pub versions: Vec<ProtocolVersion>,
    pub max_frame_size: usize,
    pub layout: listen::Layout,
}

impl std::fmt::Debug for Serving {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The TLS acceptor has no Debug; whether there is one is what matters.
        f.debug_struct("Serving")
            .field("tls", &self.tls.is_some())
            .field("versions", &self.versions)
            .field("max_frame_size", &self.max_frame_size)
            .field("layout", &self.layout)
            .finish_non_exhaustive()
    }
}

/// What every connection task of one node shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub engine: Arc<Engine>,
    pub credentials: Option<Credentials>,
    /// Accepted versions, ascending.
    pub versions: Vec<ProtocolVersion>,
    pub max_frame_size: usize,
    /// Becomes `true` when the node (or the whole server) stops.
    pub stop: watch::Receiver<bool>,
    /// `true` while the node is paused: connections read and answer nothing.
    pub pause: watch::Receiver<bool>,
    /// The node's index in the cluster.
    pub node: usize,
}

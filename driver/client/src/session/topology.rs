//! The nodes a session talks to and their pools, replaced copy-on-write when the cluster
//! changes: peers found at startup, and TOPOLOGY_CHANGE events (NEW_NODE, REMOVED_NODE)
//! pushed to the control connection afterwards.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock, Weak};

use cassia_protocol::response::{Event, SchemaChangeTarget};

use super::SessionInner;
use super::control::ControlSignals;
use super::pool::NodePool;
use crate::cluster::Node;
use crate::cluster::peers::PeerInfo;
use crate::cluster::token_map::{Replication, TokenMap};
use crate::config::SessionConfig;
use crate::connection;

/// A snapshot of the cluster as the session uses it.
#[derive(Debug, Default)]
pub(crate) struct Topology {
    pub(crate) nodes: Vec<Arc<Node>>,
    pub(crate) pools: HashMap<SocketAddr, Arc<NodePool>>,
    /// Token ring and replication; rebuilt after topology and keyspace changes.
    pub(crate) token_map: Arc<TokenMap>,
}

impl Topology {
    pub(crate) fn with_node(&self, pool: Arc<NodePool>) -> Topology {
        let mut nodes = self.nodes.clone();
        let mut pools = self.pools.clone();
        nodes.push(pool.node().clone());
        pools.insert(pool.address(), pool);
        Topology {
            nodes,
            pools,
            token_map: self.token_map.clone(),
        }
    }

    pub(super) fn with_token_map(&self, token_map: TokenMap) -> Topology {
        Topology {
            nodes: self.nodes.clone(),
            pools: self.pools.clone(),
            token_map: Arc::new(token_map),
        }
    }

    fn without_node(&self, addr: SocketAddr) -> Topology {
        Topology {
            nodes: self
                .nodes
                .iter()
                .filter(|n| n.address() != addr)
                .cloned()
                .collect(),
            pools: self
                .pools
                .iter()
                .filter(|(a, _)| **a != addr)
                .map(|(a, p)| (*a, p.clone()))
                .collect(),
            token_map: self.token_map.clone(),
        }
    }
}

impl SessionInner {
    /// The current topology.
    pub(crate) fn topology(&self) -> Arc<Topology> {
        self.topology
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub(super) fn replace_topology(&self, update: impl FnOnce(&Topology) -> Option<Topology>) {
        let mut guard = self.topology.write().unwrap_or_else(|p| p.into_inner());
        if let Some(next) = update(&guard) {
            *guard = Arc::new(next);
        }
    }
}

/// The token map for `nodes` from what `system.local` / `system.peers` said about them.
pub(crate) fn token_map_for(
    nodes: &[Arc<Node>],
    described: &[PeerInfo],
    replication: HashMap<String, Replication>,
) -> TokenMap {
    let owners = described
        .iter()
        .filter(|p| !p.tokens.is_empty())
        .filter_map(|p| {
            nodes
                .iter()
                .find(|n| n.address() == p.address)
                .map(|n| (n.clone(), p.tokens.clone()))
        })
        .collect();
    TokenMap::new(owners, replication)
}

/// Re-reads tokens and replication and swaps in a new token map (best effort).
pub(crate) async fn refresh_token_map(inner: &SessionInner) {
    let mut described: Vec<PeerInfo> = inner.control.local().await.into_iter().collect();
    let peers = inner.control.peers(inner.default_port).await;
    described.extend(translate_peers(&inner.config, peers));
    let replication = replication_for_token_map(inner).await;
    let nodes = inner.topology().nodes.clone();
    let map = token_map_for(&nodes, &described, replication);
    inner.replace_topology(|t| Some(t.with_token_map(map)));
}

/// Keyspace replication from the schema metadata; read on its own only when the metadata
/// has none (its last full read failed).
async fn replication_for_token_map(inner: &SessionInner) -> HashMap<String, Replication> {
    let schema = inner.schema_snapshot();
    if schema.keyspaces.is_empty() {
        inner.control.replication().await
    } else {
        super::schema::replication_of(&schema)
    }
}

/// Polls the schema versions of the control node and of every peer that is not known to
/// be down, until they all agree (as the Python driver does after DDL).
pub(crate) async fn await_schema_agreement(
    inner: &SessionInner,
) -> Result<uuid::Uuid, crate::error::ExecuteError> {
    let limit = inner.config.schema_agreement_timeout;
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let mut versions: Vec<uuid::Uuid> = inner
            .control
            .local_schema_version()
            .await?
            .into_iter()
            .collect();
        let down: Vec<SocketAddr> = inner
            .topology()
            .nodes
            .iter()
            .filter(|n| !n.is_up())
            .map(|n| n.address())
            .collect();
        for (addr, version) in inner
            .control
            .peer_schema_versions(inner.default_port)
            .await?
        {
            let addr = translate(&inner.config, addr);
            match version {
                Some(v) if !down.contains(&addr) => versions.push(v),
                _ => {}
            }
        }
        versions.sort();
        versions.dedup();
        if let [only] = versions.as_slice() {
            return Ok(*only);
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(crate::error::ExecuteError::NotComplete {
                what: "schema agreement",
                after: limit,
            });
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// Opens a pool to a node that is not a contact point. An unreachable node starts down and
/// its pool keeps retrying.
pub(crate) async fn open_peer_pool(
    peer: PeerInfo,
    connection_config: &Arc<RwLock<crate::config::ConnectionConfig>>,
    pool_size: usize,
    reconnect: Arc<dyn crate::policies::ReconnectionPolicy>,
) -> Arc<NodePool> {
    let node = Arc::new(Node::new(peer.address));
    node.set_placement(peer.datacenter, peer.rack, peer.host_id);
    let host = peer.address.ip().to_string();
    let cfg = connection_config
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let first = match connection::open(peer.address, &host, &cfg, None).await {
        Ok(c) => Some(c),
        Err(e) => {
            tracing::warn!(node = %peer.address, error = %e, "node is unreachable; will retry");
            None
        }
    };
    tracing::info!(node = %peer.address, "node added");
    NodePool::start(
        node,
        host,
        pool_size,
        first,
        connection_config.clone(),
        reconnect,
    )
    .await
}

/// Applies server events (and control-connection reopenings) to the session until it is
/// dropped or the event channel closes.
pub(crate) async fn handle_events(session: Weak<SessionInner>, mut signals: ControlSignals) {
    loop {
        let event = tokio::select! {
            event = signals.events.recv() => match event {
                Some(event) => event,
                None => return,
            },
            Some(addr) = signals.reconnected.recv() => {
                let Some(inner) = session.upgrade() else {
                    return;
                };
                wake_after_control_reconnect(&inner, addr);
                continue;
            }
        };
        let Some(inner) = session.upgrade() else {
            return;
        };
        if inner.is_closed() {
            return;
        }
        let event = translate_event(&inner.config, event);
        match event {
            Event::TopologyChange { change, address } if change == "NEW_NODE" => {
                if inner.topology().pools.contains_key(&address) {
                    continue;
                }
                let peer = PeerInfo {
                    address,
                    datacenter: None,
                    rack: None,
                    host_id: None,
                    tokens: Vec::new(),
                };
                let pool = open_peer_pool(
                    peer,
                    &inner.connection_config,
                    inner.config.pool_size,
                    inner.config.reconnection_policy.clone(),
                )
                .await;
                let mut added = false;
                inner.replace_topology(|t| {
                    if t.pools.contains_key(&address) {
                        return None;
                    }
                    added = true;
                    Some(t.with_node(pool.clone()))
                });
                if !added {
                    pool.close();
                } else {
                    inner.control.add_candidates([address]);
                }
                refresh_token_map(&inner).await;
            }
            Event::TopologyChange { change, address } if change == "REMOVED_NODE" => {
                let removed = inner.topology().pools.get(&address).cloned();
                inner.replace_topology(|t| {
                    t.pools
                        .contains_key(&address)
                        .then(|| t.without_node(address))
                });
                if let Some(pool) = removed {
                    tracing::info!(node = %address, "node removed from the cluster");
                    pool.close();
                }
                refresh_token_map(&inner).await;
            }
            Event::StatusChange { change, address } if change == "UP" => {
                tracing::info!(node = %address, "node announced up");
                if let Some(pool) = inner.topology().pools.get(&address) {
                    pool.wake();
                }
            }
            Event::SchemaChange(change) => {
                tracing::info!(?change, "schema change");
                // Every target names its keyspace; the metadata refresh (debounced) also
                // updates the token map when the keyspace's replication changed.
                let (SchemaChangeTarget::Keyspace { keyspace }
                | SchemaChangeTarget::Table { keyspace, .. }
                | SchemaChangeTarget::Type { keyspace, .. }
                | SchemaChangeTarget::Function { keyspace, .. }
                | SchemaChangeTarget::Aggregate { keyspace, .. }) = change.target;
                inner
                    .schema
                    .request(super::schema::Scope::Keyspace(keyspace));
            }
            other => tracing::info!(event = ?other, "cluster event"),
        }
    }
}

/// The control connection reopened on `addr`: that node is reachable again, and any other
/// down node may have come back while no one listened for its UP event. Their pools try
/// now instead of waiting out their backoff.
fn wake_after_control_reconnect(inner: &SessionInner, addr: SocketAddr) {
    if inner.is_closed() {
        return;
    }
    // Schema events sent while no one listened are lost too.
    inner.schema.request(super::schema::Scope::All);
    for pool in inner.topology().pools.values() {
        if pool.address() == addr || !pool.is_up() {
            tracing::debug!(node = %pool.address(), "control connection reopened; waking the pool");
            pool.wake();
        }
    }
}

/// The address to connect to for an address a node reported (`SessionBuilder::address_translator`).
pub(crate) fn translate(config: &SessionConfig, reported: SocketAddr) -> SocketAddr {
    match &config.address_translator {
        Some(translator) => {
            let to = translator.translate(reported);
            if to != reported {
                tracing::debug!(%reported, translated = %to, "address translated");
            }
            to
        }
        None => reported,
    }
}

/// Peers read from `system.peers`, with their addresses translated.
pub(crate) fn translate_peers(config: &SessionConfig, mut peers: Vec<PeerInfo>) -> Vec<PeerInfo> {
    for peer in &mut peers {
        peer.address = translate(config, peer.address);
    }
    peers
}

/// A topology or status event, naming the node by its translated address.
fn translate_event(config: &SessionConfig, event: Event) -> Event {
    match event {
        Event::TopologyChange { change, address } => Event::TopologyChange {
            change,
            address: translate(config, address),
        },
        Event::StatusChange { change, address } => Event::StatusChange {
            change,
            address: translate(config, address),
        },
        other => other,
    }
}

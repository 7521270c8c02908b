//! The simulated cluster: which nodes exist, where they sit (data centre, rack, tokens), which
//! are up, and the events drivers are told about when that changes.
//!
//! Every node serves the same data set (one engine); what differs per node is what it
//! reports about itself and its peers (`system.local`, `system.peers[_v2]`), which requests it
//! coordinates, and whether it answers at all. Replication is simulated, not performed: a
//! request succeeds only when enough replicas of its partition are up for its consistency
//! level (see `availability`), as on a real cluster.
//!
//! - `ring`: deterministic tokens and replica placement (SimpleStrategy, NTS with racks).
//! - `availability`: required replica counts and Cassandra's Unavailable error.
//! - `faults`: Simulacron-style fault rules (delay, error, drop, close).

pub(crate) mod availability;
pub mod faults;
pub(crate) mod ring;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::RwLock;

use cassia_protocol::consistency::Consistency;
use cassia_protocol::response::{Event, ServerError};
use tokio::sync::broadcast;
use uuid::Uuid;

use availability::ReplicaView;
use ring::{Member, Ring, Strategy};

/// Default tokens per node, as `num_tokens` in Cassandra 4.0's cassandra.yaml.
pub const DEFAULT_NUM_TOKENS: usize = 16;

/// Whether a node is serving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NodeStatus {
    /// Serving requests.
    Up,
    /// Stopped: not listening; its replicas count as down.
    Down,
    /// Accepts connections and reads nothing until resumed. Its replicas still count as up
    /// (the cluster has not convicted it yet), as right after a real node hangs.
    Paused,
    /// Left the ring: gone from `system.peers`, its ranges belong to the others.
    Decommissioned,
}

/// What the cluster knows about one node.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NodeInfo {
    /// Position in [`crate::EmulatorHandle::node_addrs`] (stable: never reused).
    pub index: usize,
    /// Native protocol address (`rpc_address`/`native_address` and port).
    pub addr: SocketAddr,
    /// `data_center`.
    pub datacenter: String,
    /// `rack`.
    pub rack: String,
    /// `host_id`.
    pub host_id: Uuid,
    /// Its Murmur3 tokens, ascending.
    pub tokens: Vec<i64>,
    /// Whether it serves.
    pub status: NodeStatus,
}

impl NodeInfo {
    fn in_ring(&self) -> bool {
        self.status != NodeStatus::Decommissioned
    }

    fn alive(&self) -> bool {
        matches!(self.status, NodeStatus::Up | NodeStatus::Paused)
    }
}

/// Which REGISTER event type an event belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventType {
    Topology,
    Status,
}

/// A topology or status event about node `about`, for connections on the other nodes.
#[derive(Debug, Clone)]
pub(crate) struct ClusterEvent {
    pub about: usize,
    pub kind: EventType,
    pub event: Event,
}

/// The cluster state shared by every node's connections and the engine.
#[derive(Debug)]
pub(crate) struct Cluster {
    state: RwLock<State>,
    events: broadcast::Sender<ClusterEvent>,
    pub(crate) faults: faults::FaultSet,
}

#[derive(Debug)]
struct State {
    nodes: Vec<NodeInfo>,
    ring: Ring,
    num_tokens: usize,
}

impl State {
    fn rebuild_ring(&mut self) {
        let members: Vec<Member> = self
            .nodes
            .iter()
            .filter(|n| n.in_ring())
            .map(|n| Member {
                node: n.index,
                datacenter: n.datacenter.clone(),
                rack: n.rack.clone(),
                tokens: n.tokens.clone(),
            })
            .collect();
        self.ring = Ring::new(&members);
    }
}

/// A node as it describes itself, and its peers (ring members but itself).
pub(crate) type NodeView = (NodeInfo, Vec<NodeInfo>);

/// Placement of a node to create: `(data centre, rack, address)`.
pub(crate) type NodeSpec = (String, String, SocketAddr);

impl Cluster {
    /// A cluster of `nodes`, with evenly interleaved tokens; the first node gets `first_host_id`
    /// (the catalog's, so a single node reports the host id it always did).
    pub(crate) fn new(nodes: Vec<NodeSpec>, num_tokens: usize, first_host_id: Uuid) -> Cluster {
        let tokens = ring::initial_tokens(nodes.len(), num_tokens);
        let nodes = nodes
            .into_iter()
            .zip(tokens)
            .enumerate()
            .map(|(index, ((datacenter, rack, addr), mut tokens))| {
                tokens.sort_unstable();
                NodeInfo {
                    index,
                    addr,
                    datacenter,
                    rack,
                    host_id: if index == 0 {
                        first_host_id
                    } else {
                        Uuid::new_v4()
                    },
                    tokens,
                    status: NodeStatus::Up,
                }
            })
            .collect();
        let mut state = State {
            nodes,
            ring: Ring::default(),
            num_tokens,
        };
        state.rebuild_ring();
        let (events, _) = broadcast::channel(1024);
        Cluster {
            state: RwLock::new(state),
            events,
            faults: faults::FaultSet::default(),
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Every node ever created, decommissioned ones included, by index.
    pub(crate) fn nodes(&self) -> Vec<NodeInfo> {
        self.read().nodes.clone()
    }

    pub(crate) fn node(&self, index: usize) -> Option<NodeInfo> {
        self.read().nodes.get(index).cloned()
    }

    /// Data centres of the ring members, sorted (what NetworkTopologyStrategy accepts).
    pub(crate) fn datacenters(&self) -> Vec<String> {
        let mut dcs: Vec<String> = self
            .read()
            .nodes
            .iter()
            .filter(|n| n.in_ring())
            .map(|n| n.datacenter.clone())
            .collect();
        dcs.sort();
        dcs.dedup();
        dcs
    }

    /// Node `index` as it describes itself, and its peers (ring members but itself).
    pub(crate) fn view(&self, index: usize) -> Option<NodeView> {
        let state = self.read();
        let local = state.nodes.get(index)?.clone();
        let peers = state
            .nodes
            .iter()
            .filter(|n| n.index != index && n.in_ring())
            .cloned()
            .collect();
        Some((local, peers))
    }

    /// Replicas of the partition with `token` in a keyspace replicated as `replication`.
    pub(crate) fn replicas(
        &self,
        replication: &BTreeMap<String, String>,
        token: i64,
    ) -> Vec<usize> {
        self.read()
            .ring
            .replicas(&Strategy::from_replication(replication), token)
    }

    /// Checks that enough replicas are up for `cl`, for the partitions with `tokens` (or every
    /// range of the ring when `None`: a range scan), as coordinated by node `coordinator`.
    pub(crate) fn check_available(
        &self,
        coordinator: usize,
        replication: &BTreeMap<String, String>,
        tokens: Option<&[i64]>,
        cl: Consistency,
        write: bool,
    ) -> Result<(), ServerError> {
        let strategy = Strategy::from_replication(replication);
        if strategy == Strategy::Local {
            return Ok(());
        }
        let state = self.read();
        let local_dc = state
            .nodes
            .get(coordinator)
            .map_or("", |n| n.datacenter.as_str());
        let check_token = |token: i64| {
            let replicas = state
                .ring
                .replicas(&strategy, token)
                .into_iter()
                .filter_map(|r| state.nodes.get(r))
                .map(|n| (n.datacenter.as_str(), n.alive()))
                .collect();
            let view = ReplicaView {
                strategy: &strategy,
                replicas,
                local_dc,
            };
            availability::check(cl, &view, write)
        };
        match tokens {
            Some(tokens) => tokens.iter().try_for_each(|t| check_token(*t)),
            None => state.ring.tokens().try_for_each(check_token),
        }
    }

    /// Marks node `index` with `status` and tells the other nodes' registered connections, as
    /// Cassandra's gossip would (UP/DOWN; REMOVED_NODE on decommission).
    pub(crate) fn set_status(&self, index: usize, status: NodeStatus) {
        let (addr, before) = {
            let mut state = self.write();
            let Some(node) = state.nodes.get_mut(index) else {
                return;
            };
            let before = node.status;
            node.status = status;
            let addr = node.addr;
            if status == NodeStatus::Decommissioned {
                state.rebuild_ring();
            }
            (addr, before)
        };
        let was_alive = matches!(before, NodeStatus::Up | NodeStatus::Paused);
        match status {
            NodeStatus::Down if was_alive => self.emit(index, EventType::Status, "DOWN", addr),
            NodeStatus::Up if before == NodeStatus::Down => {
                self.emit(index, EventType::Status, "UP", addr)
            }
            NodeStatus::Decommissioned if before != NodeStatus::Decommissioned => {
                self.emit(index, EventType::Topology, "REMOVED_NODE", addr)
            }
            _ => {}
        }
    }

    /// Adds a node (status Up) with tokens split from the widest ranges; returns its index.
    /// Call [`Cluster::announce_new`] once it listens.
    pub(crate) fn add(&self, datacenter: String, rack: String, addr: SocketAddr) -> usize {
        let mut state = self.write();
        let existing: Vec<i64> = state.ring.tokens().collect();
        let tokens = ring::joining_tokens(&existing, state.num_tokens);
        let index = state.nodes.len();
        state.nodes.push(NodeInfo {
            index,
            addr,
            datacenter,
            rack,
            host_id: Uuid::new_v4(),
            tokens,
            status: NodeStatus::Up,
        });
        state.rebuild_ring();
        index
    }

    /// NEW_NODE then UP for a node that joined, as Cassandra's `EventNotifier.onUp` sends them.
    pub(crate) fn announce_new(&self, index: usize) {
        if let Some(node) = self.node(index) {
            self.emit(index, EventType::Topology, "NEW_NODE", node.addr);
            self.emit(index, EventType::Status, "UP", node.addr);
        }
    }

    fn emit(&self, about: usize, kind: EventType, change: &str, address: SocketAddr) {
        let event = match kind {
            EventType::Topology => Event::TopologyChange {
                change: change.to_owned(),
                address,
            },
            EventType::Status => Event::StatusChange {
                change: change.to_owned(),
                address,
            },
        };
        // No receiver (nobody registered): nothing to deliver.
        let _ = self.events.send(ClusterEvent { about, kind, event });
    }

    /// Topology and status events, for a connection that REGISTERed for them.
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<ClusterEvent> {
        self.events.subscribe()
    }
}

//! What the driver knows about the cluster: its nodes ([`Node`]) and, through the control
//! connection, their data centres, racks and schema versions.
//!
//! At startup the session connects to its contact points and to every peer the control
//! connection finds in `system.peers_v2` / `system.peers`; later TOPOLOGY_CHANGE events add
//! and remove nodes. The token ring and keyspace replication (`token_map`) give the
//! replicas of a prepared statement's partition, which `TokenAwarePolicy` tries first.

mod node;
pub(crate) mod peers;
pub(crate) mod token_map;

pub use node::Node;
pub use token_map::TokenMap;

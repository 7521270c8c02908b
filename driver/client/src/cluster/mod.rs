//! What the driver knows about the cluster: its nodes ([`Node`]) and, through the control
//! connection, their data centres, racks and schema versions.
//!
//! At startup the session connects to its contact points and to every peer the control
//! connection finds in `system.peers_v2` / `system.peers`; later TOPOLOGY_CHANGE events add
//! and remove nodes. Token-aware replica selection is not done yet: `RoutingInfo` already
//! carries the routing key and token for such a policy, but token ownership is not read.

mod node;
pub(crate) mod peers;

pub use node::Node;

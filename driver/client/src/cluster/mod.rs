//! What the driver knows about the cluster: its nodes ([`Node`]) and, through the control
//! connection, their data centres, racks and schema versions.
//!
//! Today the session talks to its contact points; the control connection already reads
//! `system.local` / `system.peers(_v2)` and registers for events, so multi-node discovery and
//! token-aware routing can be added here without touching the request path.

mod node;

pub use node::Node;

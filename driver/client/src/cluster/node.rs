//! One Cassandra node as the driver sees it: address, placement and liveness.

use std::net::SocketAddr;
use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, Ordering};

use uuid::Uuid;

/// A node of the cluster. Shared (`Arc<Node>`) between the session, the load-balancing
/// policy and the node's connection pool.
#[derive(Debug)]
pub struct Node {
    address: SocketAddr,
    placement: RwLock<Placement>,
    up: AtomicBool,
}

#[derive(Debug, Clone, Default)]
struct Placement {
    datacenter: Option<String>,
    rack: Option<String>,
    host_id: Option<Uuid>,
}

impl Node {
    pub(crate) fn new(address: SocketAddr) -> Self {
        Node {
            address,
            placement: RwLock::new(Placement::default()),
            up: AtomicBool::new(true),
        }
    }

    /// The address the driver connects to (`rpc_address:native_port`).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Data centre, once known from `system.local` / `system.peers`.
    pub fn datacenter(&self) -> Option<String> {
        self.placement
            .read()
            .ok()
            .and_then(|p| p.datacenter.clone())
    }

    /// Rack, once known.
    pub fn rack(&self) -> Option<String> {
        self.placement.read().ok().and_then(|p| p.rack.clone())
    }

    /// Host id, once known.
    pub fn host_id(&self) -> Option<Uuid> {
        self.placement.read().ok().and_then(|p| p.host_id)
    }

    /// Whether the driver currently has a working connection to the node.
    pub fn is_up(&self) -> bool {
        self.up.load(Ordering::Relaxed)
    }

    pub(crate) fn set_up(&self, up: bool) {
        self.up.store(up, Ordering::Relaxed);
    }

    pub(crate) fn set_placement(
        &self,
        datacenter: Option<String>,
        rack: Option<String>,
        host_id: Option<Uuid>,
    ) {
        if let Ok(mut p) = self.placement.write() {
            *p = Placement {
                datacenter,
                rack,
                host_id,
            };
        }
    }
}

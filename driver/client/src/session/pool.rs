//! The connection pool of one node: `pool_size` connections, each kept open by its own
//! task that reconnects with the session's reconnection policy when the connection closes.
//!
//! Requests go to the open connection with the fewest requests in flight.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use crate::cluster::Node;
use crate::config::ConnectionConfig;
use crate::connection::{self, Connection};
use crate::error::{ConnectError, ConnectionError};
use crate::policies::ReconnectionPolicy;

/// Connections to one node.
#[derive(Debug)]
pub(crate) struct NodePool {
    node: Arc<Node>,
    host: String,
    slots: RwLock<Vec<Option<Connection>>>,
    shutting_down: AtomicBool,
}

impl NodePool {
    /// Opens the first connection eagerly (so configuration errors surface from `build`)
    /// and starts the tasks that keep every slot filled.
    pub(crate) async fn start(
        node: Arc<Node>,
        host: String,
        size: usize,
        first: Connection,
        config: Arc<RwLock<ConnectionConfig>>,
        reconnect: Arc<dyn ReconnectionPolicy>,
    ) -> Arc<NodePool> {
        let size = size.max(1);
        let mut slots = vec![None; size];
        if let Some(slot) = slots.first_mut() {
            *slot = Some(first.clone());
        }
        let pool = Arc::new(NodePool {
            node,
            host,
            slots: RwLock::new(slots),
            shutting_down: AtomicBool::new(false),
        });
        for index in 0..size {
            let existing = if index == 0 {
                Some(first.clone())
            } else {
                None
            };
            tokio::spawn(maintain(
                Arc::downgrade(&pool),
                index,
                existing,
                config.clone(),
                reconnect.clone(),
            ));
        }
        pool
    }

    pub(crate) fn address(&self) -> SocketAddr {
        self.node.address()
    }

    /// The open connection with the fewest requests in flight.
    pub(crate) fn pick(&self) -> Result<Connection, ConnectionError> {
        let slots = self.slots.read().unwrap_or_else(|p| p.into_inner());
        slots
            .iter()
            .flatten()
            .filter(|c| c.close_reason().is_none())
            .min_by_key(|c| c.in_flight())
            .cloned()
            .ok_or(ConnectionError::NotConnected)
    }

    /// Every open connection (for `USE`, shutdown).
    pub(crate) fn connections(&self) -> Vec<Connection> {
        let slots = self.slots.read().unwrap_or_else(|p| p.into_inner());
        slots.iter().flatten().cloned().collect()
    }

    fn set(&self, index: usize, conn: Option<Connection>) {
        let mut slots = self.slots.write().unwrap_or_else(|p| p.into_inner());
        if let Some(slot) = slots.get_mut(index) {
            *slot = conn;
        }
        let up = slots.iter().flatten().any(|c| c.close_reason().is_none());
        self.node.set_up(up);
    }

    /// Stops reconnecting; connections are closed by the caller.
    pub(crate) fn begin_shutdown(&self) {
        self.shutting_down.store(true, Ordering::SeqCst);
    }
}

/// Keeps slot `index` filled until the pool is dropped or shut down.
async fn maintain(
    pool: std::sync::Weak<NodePool>,
    index: usize,
    mut current: Option<Connection>,
    config: Arc<RwLock<ConnectionConfig>>,
    reconnect: Arc<dyn ReconnectionPolicy>,
) {
    loop {
        if let Some(conn) = current.take() {
            conn.closed().await;
            let Some(p) = pool.upgrade() else { return };
            p.set(index, None);
            if p.shutting_down.load(Ordering::SeqCst) {
                return;
            }
            tracing::info!(node = %p.address(), reason = ?conn.close_reason(), "connection lost; reconnecting");
        }
        let mut schedule = reconnect.new_schedule();
        let mut first_try = true;
        loop {
            let (addr, host) = match pool.upgrade() {
                Some(p) if !p.shutting_down.load(Ordering::SeqCst) => (p.address(), p.host.clone()),
                _ => return,
            };
            if !first_try {
                let delay = schedule
                    .next()
                    .unwrap_or(std::time::Duration::from_secs(60));
                tokio::time::sleep(delay).await;
            }
            first_try = false;
            let cfg = config.read().unwrap_or_else(|p| p.into_inner()).clone();
            match connection::open(addr, &host, &cfg, None).await {
                Ok(conn) => {
                    let Some(p) = pool.upgrade() else {
                        conn.close();
                        return;
                    };
                    if p.shutting_down.load(Ordering::SeqCst) {
                        conn.close();
                        return;
                    }
                    tracing::debug!(node = %addr, slot = index, "pool connection open");
                    p.set(index, Some(conn.clone()));
                    current = Some(conn);
                    break;
                }
                Err(e) => log_failure(addr, &e),
            }
        }
    }
}

fn log_failure(addr: SocketAddr, e: &ConnectError) {
    tracing::warn!(node = %addr, error = %e, "reconnection attempt failed");
}

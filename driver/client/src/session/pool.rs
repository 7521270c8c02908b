//! The connection pool of one node: `pool_size` connections, each kept open by its own
//! task that reconnects with the session's reconnection policy when the connection closes.
//!
//! Requests go to the open connection with the fewest requests in flight.
//!
//! A pool can be woken ([`NodePool::wake`]): when the server announces the node UP or the
//! control connection reopens, every slot that is waiting out a backoff tries at once and
//! starts its schedule over, instead of waiting for a delay that may have grown to minutes.

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
    /// Bumped to cut reconnection backoffs short. A counter in a watch channel, not a
    /// `Notify`: a wake that arrives while a slot is busy connecting is remembered.
    wakeup: tokio::sync::watch::Sender<u64>,
}

impl NodePool {
    /// Starts the tasks that keep every slot filled. `first` is a connection opened
    /// eagerly (so configuration errors surface from `build`); without one the node starts
    /// down and the pool keeps trying.
    pub(crate) async fn start(
        node: Arc<Node>,
        host: String,
        size: usize,
        first: Option<Connection>,
        config: Arc<RwLock<ConnectionConfig>>,
        reconnect: Arc<dyn ReconnectionPolicy>,
    ) -> Arc<NodePool> {
        let size = size.max(1);
        let mut slots = vec![None; size];
        if let Some(slot) = slots.first_mut() {
            slot.clone_from(&first);
        }
        node.set_up(first.is_some());
        if first.is_some() {
            crate::metrics::connection_change(node.address(), true);
        }
        let pool = Arc::new(NodePool {
            node,
            host,
            slots: RwLock::new(slots),
            shutting_down: AtomicBool::new(false),
            wakeup: tokio::sync::watch::Sender::new(0),
        });
        for index in 0..size {
            let existing = if index == 0 { first.clone() } else { None };
            tokio::spawn(maintain(
                Arc::downgrade(&pool),
                index,
                existing,
                pool.wakeup.subscribe(),
                config.clone(),
                reconnect.clone(),
            ));
        }
        pool
    }

    pub(crate) fn node(&self) -> &Arc<Node> {
        &self.node
    }

    /// Stops reconnecting and closes every connection (the node left the cluster).
    pub(crate) fn close(&self) {
        self.begin_shutdown();
        for conn in self.connections() {
            conn.close();
        }
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

    /// Whether the node has an open connection.
    pub(crate) fn is_up(&self) -> bool {
        self.node.is_up()
    }

    /// Makes every slot without a connection try now and restart its backoff schedule.
    pub(crate) fn wake(&self) {
        self.wakeup.send_modify(|n| *n = n.wrapping_add(1));
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
    mut wakeup: tokio::sync::watch::Receiver<u64>,
    config: Arc<RwLock<ConnectionConfig>>,
    reconnect: Arc<dyn ReconnectionPolicy>,
) {
    loop {
        if let Some(conn) = current.take() {
            conn.closed().await;
            crate::metrics::connection_change(conn.node(), false);
            let Some(p) = pool.upgrade() else { return };
            p.set(index, None);
            if p.shutting_down.load(Ordering::SeqCst) {
                return;
            }
            tracing::info!(node = %p.address(), reason = ?conn.close_reason(), "connection lost; reconnecting");
        }
        // Wakes from while the slot was connected are stale: this outage starts now.
        wakeup.borrow_and_update();
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
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {}
                    changed = wakeup.changed() => {
                        if changed.is_err() {
                            return; // the pool is gone
                        }
                        tracing::debug!(node = %addr, "node reported up; reconnecting now");
                        // The node is back: should this attempt still fail (its native
                        // transport not listening yet), retry on the short early delays.
                        schedule = reconnect.new_schedule();
                    }
                }
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
                    crate::metrics::connection_change(addr, true);
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

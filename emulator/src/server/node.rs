//! Running and controlling the nodes of a simulated cluster: each has its own listener, accept
//! task and stop/pause signals; [`NodeHandle`] stops, starts, pauses, resumes and
//! decommissions one, and the cluster tells the other nodes' registered connections.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::{EmulatorHandle, Serving, Shared, listen};
use crate::cluster::{NodeInfo, NodeStatus};
use crate::engine::{Engine, LoggedRequest};

/// Why a node operation could not be done.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NodeError {
    /// There is no node with this index.
    #[error("no node {0}")]
    NoSuchNode(usize),
    /// The node left the ring; it cannot come back.
    #[error("node {0} was decommissioned")]
    Decommissioned(usize),
    /// Its address could not be bound again.
    #[error("node {index} cannot listen on {addr}: {source}")]
    Bind {
        /// The node.
        index: usize,
        /// Its address.
        addr: SocketAddr,
        /// OS error.
        #[source]
        source: std::io::Error,
    },
}

/// One node's serving machinery.
#[derive(Debug)]
pub(crate) struct NodeRuntime {
    pub addr: SocketAddr,
    stop: watch::Sender<bool>,
    pause: watch::Sender<bool>,
    accept: Option<JoinHandle<()>>,
}

impl NodeRuntime {
    /// Starts serving `listener` as node `index`.
    pub(crate) fn spawn(
        index: usize,
        listener: TcpListener,
        addr: SocketAddr,
        engine: &Arc<Engine>,
        serving: &Arc<Serving>,
        paused: bool,
    ) -> NodeRuntime {
        let (stop, stop_rx) = watch::channel(false);
        let (pause, pause_rx) = watch::channel(paused);
        let shared = Arc::new(Shared {
            engine: Arc::clone(engine),
            credentials: serving.credentials.clone(),
            versions: serving.versions.clone(),
            max_frame_size: serving.max_frame_size,
            stop: stop_rx,
            pause: pause_rx,
            node: index,
        });
        let accept = tokio::spawn(listen::accept_loop(listener, serving.tls.clone(), shared));
        tracing::info!(node = index, %addr, "cassia emulator node listening");
        NodeRuntime {
            addr,
            stop,
            pause,
            accept: Some(accept),
        }
    }

    /// Signals the stop; returns the accept task to await (listener closed, connections gone).
    pub(crate) fn signal_stop(&mut self) -> Option<JoinHandle<()>> {
        let _ = self.stop.send(true);
        self.accept.take()
    }

    fn running(&self) -> bool {
        self.accept.is_some()
    }
}

pub(crate) fn lock(nodes: &Mutex<Vec<NodeRuntime>>) -> std::sync::MutexGuard<'_, Vec<NodeRuntime>> {
    nodes.lock().unwrap_or_else(|p| p.into_inner())
}

/// Waits for an accept task: its end means the listener and every connection are closed.
pub(crate) async fn join(task: Option<JoinHandle<()>>) {
    if let Some(task) = task {
        // It only ends by itself or by a panic we cannot act on.
        let _ = task.await;
    }
}

/// One node of a running emulator: see [`EmulatorHandle::node`].
#[derive(Debug, Clone, Copy)]
pub struct NodeHandle<'a> {
    pub(crate) handle: &'a EmulatorHandle,
    pub(crate) index: usize,
}

impl NodeHandle<'_> {
    /// Its index.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The address clients connect to.
    pub fn addr(&self) -> SocketAddr {
        lock(&self.handle.nodes)[self.index].addr
    }

    /// What the cluster knows about it (placement, tokens, host id, status).
    pub fn info(&self) -> NodeInfo {
        self.handle
            .engine
            .cluster()
            .node(self.index)
            .expect("NodeHandle indexes exist in the cluster")
    }

    /// Stops it: closes its listener and connections (new ones are refused) and waits until
    /// they are gone. Its replicas count as down; the other nodes announce DOWN.
    pub async fn stop(&self) -> Result<(), NodeError> {
        let task = {
            let mut nodes = lock(&self.handle.nodes);
            self.ensure_member()?;
            nodes[self.index].signal_stop()
        };
        join(task).await;
        self.handle
            .engine
            .cluster()
            .set_status(self.index, NodeStatus::Down);
        Ok(())
    }

    /// Starts it again, on the same address and with the same host id; the other nodes
    /// announce UP. Starting a running node does nothing.
    pub async fn start(&self) -> Result<(), NodeError> {
        {
            let mut nodes = lock(&self.handle.nodes);
            self.ensure_member()?;
            let node = &mut nodes[self.index];
            if node.running() {
                return Ok(());
            }
            let listener = listen::bind(node.addr).map_err(|source| NodeError::Bind {
                index: self.index,
                addr: node.addr,
                source,
            })?;
            *node = NodeRuntime::spawn(
                self.index,
                listener,
                node.addr,
                &self.handle.engine,
                &self.handle.serving,
                false,
            );
        }
        self.handle
            .engine
            .cluster()
            .set_status(self.index, NodeStatus::Up);
        Ok(())
    }

    /// Pauses it: connections are still accepted, but nothing is read or answered until
    /// [`Self::resume`]. The cluster does not notice (no event; replicas count as up), as
    /// right after a real node hangs.
    pub fn pause(&self) -> Result<(), NodeError> {
        self.set_paused(true)
    }

    /// Resumes a paused node: requests sent meanwhile are answered now.
    pub fn resume(&self) -> Result<(), NodeError> {
        self.set_paused(false)
    }

    fn set_paused(&self, paused: bool) -> Result<(), NodeError> {
        let nodes = lock(&self.handle.nodes);
        self.ensure_member()?;
        let _ = nodes[self.index].pause.send(paused);
        let cluster = self.handle.engine.cluster();
        let running = nodes[self.index].running();
        drop(nodes);
        if running {
            let status = if paused {
                NodeStatus::Paused
            } else {
                NodeStatus::Up
            };
            cluster.set_status(self.index, status);
        }
        Ok(())
    }

    /// Takes it out of the ring for good: it stops, disappears from the other nodes'
    /// `system.peers`, its token ranges move to the others, and REMOVED_NODE is announced.
    pub async fn decommission(&self) -> Result<(), NodeError> {
        let task = {
            let mut nodes = lock(&self.handle.nodes);
            self.ensure_member()?;
            nodes[self.index].signal_stop()
        };
        join(task).await;
        let cluster = self.handle.engine.cluster();
        cluster.set_status(self.index, NodeStatus::Decommissioned);
        self.handle.engine.refresh_datacenters();
        Ok(())
    }

    /// The logged requests this node coordinated (see [`Engine::record_requests`], which
    /// [`crate::EmulatorBuilder::record_requests`] turns on at start).
    pub fn take_requests(&self) -> Vec<LoggedRequest> {
        self.handle.engine.take_node_requests(self.index)
    }

    fn ensure_member(&self) -> Result<(), NodeError> {
        match self.handle.engine.cluster().node(self.index) {
            None => Err(NodeError::NoSuchNode(self.index)),
            Some(n) if n.status == NodeStatus::Decommissioned => {
                Err(NodeError::Decommissioned(self.index))
            }
            Some(_) => Ok(()),
        }
    }
}

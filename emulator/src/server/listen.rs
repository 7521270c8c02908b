//! Listening for one node: binding its address (with `SO_REUSEADDR`, so a stopped node can
//! bind again at once), choosing the addresses of a cluster's nodes, the accept loop and the
//! TLS handshake. Every accepted socket gets its own task (see `connection`).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::Shared;

/// Binds `addr` for listening (address reuse on, so restarting a node never waits for
/// TIME_WAIT sockets of its previous life).
pub(crate) fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}

/// How a cluster's nodes are told apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// 127.0.0.1, 127.0.0.2, ... on one port (the whole 127/8 is local on Linux).
    Addresses,
    /// One address, consecutive ports.
    Ports,
}

/// The address of node `index` given node 0's address.
pub(crate) fn node_addr(first: SocketAddr, layout: Layout, index: usize) -> Option<SocketAddr> {
    match (layout, first.ip()) {
        (Layout::Addresses, IpAddr::V4(ip)) => {
            let next = u32::from(ip).checked_add(u32::try_from(index).ok()?)?;
            Some(SocketAddr::new(
                IpAddr::V4(Ipv4Addr::from(next)),
                first.port(),
            ))
        }
        _ => {
            let port = first.port().checked_add(u16::try_from(index).ok()?)?;
            Some(SocketAddr::new(first.ip(), port))
        }
    }
}

/// Binds `count` listeners for a cluster whose node 0 asks for `listen`: distinct loopback
/// addresses on one port when `listen` is 127.0.0.1 and those addresses can be bound, else
/// consecutive ports. A port 0 request is retried a few times if the ports it leads to are
/// taken.
pub(crate) fn bind_cluster(
    listen: SocketAddr,
    count: usize,
) -> Result<(Vec<TcpListener>, Layout), (SocketAddr, std::io::Error)> {
    let loopback = listen.ip() == IpAddr::V4(Ipv4Addr::LOCALHOST);
    let layouts: &[Layout] = if loopback && count > 1 {
        &[Layout::Addresses, Layout::Ports]
    } else {
        &[Layout::Ports]
    };
    let attempts = if listen.port() == 0 { 8 } else { 1 };
    let mut last_error = None;
    for layout in layouts {
        for _ in 0..attempts {
            match try_bind(listen, count, *layout) {
                Ok(listeners) => return Ok((listeners, *layout)),
                Err(e) => last_error = Some(e),
            }
        }
    }
    Err(last_error.unwrap_or_else(|| (listen, std::io::Error::other("no address to bind"))))
}

fn try_bind(
    listen: SocketAddr,
    count: usize,
    layout: Layout,
) -> Result<Vec<TcpListener>, (SocketAddr, std::io::Error)> {
    let first = bind(listen).map_err(|e| (listen, e))?;
    let first_addr = first.local_addr().map_err(|e| (listen, e))?;
    let mut listeners = vec![first];
    for index in 1..count {
        let addr = node_addr(first_addr, layout, index)
            .ok_or_else(|| (first_addr, std::io::Error::other("address range exhausted")))?;
        listeners.push(bind(addr).map_err(|e| (addr, e))?);
    }
    Ok(listeners)
}

pub(crate) async fn accept_loop(
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    shared: Arc<Shared>,
) {
    let mut stop = shared.stop.clone();
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = stopped(&mut stop) => break,
            accepted = listener.accept() => match accepted {
                Ok((socket, peer)) => {
                    let _ = socket.set_nodelay(true);
                    let shared = Arc::clone(&shared);
                    let tls = tls.clone();
                    connections.spawn(async move {
                        match tls {
                            None => crate::connection::serve(socket, peer, shared, None).await,
                            Some(acceptor) => {
                                if let Some(stream) = tls_handshake(&acceptor, socket, peer, &shared).await {
                                    // For `system_views.clients`.
                                    let session = crate::engine::TlsInfo::of(stream.get_ref().1);
                                    crate::connection::serve(stream, peer, shared, Some(session)).await;
                                }
                            }
                        }
                    });
                }
                // Running out of descriptors and the like: back off briefly instead of spinning.
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            },
            // Reap finished connections so the set does not grow forever.
            Some(done) = connections.join_next(), if !connections.is_empty() => log_panic(done),
        }
    }
    drop(listener);
    // Connections watch the same signal and end on their own; wait for them.
    while let Some(done) = connections.join_next().await {
        log_panic(done);
    }
}

/// A connection task that panicked lost only its own connection; say so in the log.
fn log_panic(done: Result<(), tokio::task::JoinError>) {
    if let Err(e) = done {
        if e.is_panic() {
            tracing::error!(error = %e, "a connection task panicked");
        }
    }
}

/// How long a client may take to complete the TLS handshake.
const TLS_HANDSHAKE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Runs the TLS handshake, giving up on timeout or when the server stops, so a silent
/// client cannot hold a task (or a shutdown) forever.
async fn tls_handshake(
    acceptor: &tokio_rustls::TlsAcceptor,
    socket: tokio::net::TcpStream,
    peer: SocketAddr,
    shared: &Shared,
) -> Option<tokio_rustls::server::TlsStream<tokio::net::TcpStream>> {
    let mut stop = shared.stop.clone();
    tokio::select! {
        handshake = tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(socket)) => match handshake {
            Ok(Ok(stream)) => Some(stream),
            Ok(Err(e)) => {
                tracing::debug!(%peer, error = %e, "TLS handshake failed");
                None
            }
            Err(_) => {
                tracing::debug!(%peer, "TLS handshake timed out");
                None
            }
        },
        _ = stopped(&mut stop) => None,
    }
}

/// Resolves once the server is stopping (or its handle is gone).
pub(crate) async fn stopped(stop: &mut watch::Receiver<bool>) {
    while !*stop.borrow_and_update() {
        if stop.changed().await.is_err() {
            return;
        }
    }
}

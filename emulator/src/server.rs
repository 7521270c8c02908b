//! The server: [`Emulator::builder`] configures it, [`EmulatorBuilder::start`] binds the
//! socket and spawns the accept loop, and [`EmulatorHandle`] stops it (explicitly or on drop).
//!
//! Every accepted socket gets its own task (see `connection`); the engine is shared by all of
//! them behind an `Arc`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use cassia_protocol::frame::ProtocolVersion;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::auth::Credentials;
use crate::engine::{Engine, EngineConfig};
use crate::tls::{TlsError, TlsSource};

/// Default cap on one frame (header + body), as Cassandra's `native_transport_max_frame_size`
/// is in spirit: large enough for any sane request, small enough to refuse garbage lengths.
pub const DEFAULT_MAX_FRAME_SIZE: usize = 256 * 1024 * 1024;

/// Entry point: `Emulator::builder()...start().await`.
#[derive(Debug)]
pub struct Emulator;

impl Emulator {
    /// A builder with the defaults: 127.0.0.1 on an ephemeral port, no authentication, no
    /// TLS, protocol v4 and v5, frames up to 256 MiB.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            credentials: None,
            tls: None,
            max_frame_size: DEFAULT_MAX_FRAME_SIZE,
            versions: vec![ProtocolVersion::V4, ProtocolVersion::V5],
            engine_config: EngineConfig::default(),
        }
    }
}

/// Configures an emulator; see [`Emulator::builder`].
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    listen: SocketAddr,
    credentials: Option<Credentials>,
    tls: Option<TlsSource>,
    max_frame_size: usize,
    versions: Vec<ProtocolVersion>,
    engine_config: EngineConfig,
}

impl EmulatorBuilder {
    /// Address to listen on; port 0 picks a free port (see [`EmulatorHandle::addr`]).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Requires password authentication (`PasswordAuthenticator`) with this one user.
    pub fn auth(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::new(user, password));
        self
    }

    /// Serves TLS only, with a PEM certificate chain and a PEM private key read from files.
    pub fn tls(
        mut self,
        cert_pem_path: impl Into<PathBuf>,
        key_pem_path: impl Into<PathBuf>,
    ) -> Self {
        self.tls = Some(TlsSource::Files {
            cert: cert_pem_path.into(),
            key: key_pem_path.into(),
        });
        self
    }

    /// Serves TLS only, with a PEM certificate chain and key given in memory.
    pub fn tls_pem(mut self, cert_pem: impl Into<Vec<u8>>, key_pem: impl Into<Vec<u8>>) -> Self {
        self.tls = Some(TlsSource::Pem {
            cert: cert_pem.into(),
            key: key_pem.into(),
        });
        self
    }

    /// Largest accepted frame (9-byte header included); bigger ones get a ProtocolError and
    /// the connection is closed.
    pub fn max_frame_size(mut self, bytes: usize) -> Self {
        self.max_frame_size = bytes;
        self
    }

    /// Protocol versions to accept (default v4 and v5). Others get Cassandra's
    /// "Invalid or unsupported protocol version" error, so drivers step down.
    pub fn protocol_versions(
        mut self,
        versions: impl IntoIterator<Item = ProtocolVersion>,
    ) -> Self {
        let mut versions: Vec<_> = versions.into_iter().collect();
        versions.sort();
        versions.dedup();
        self.versions = versions;
        self
    }

    /// Node facts reported in `system.local`; `native_address` is overwritten with the
    /// address actually bound.
    pub fn engine_config(mut self, config: EngineConfig) -> Self {
        self.engine_config = config;
        self
    }

    /// Binds the socket and starts serving in the current tokio runtime.
    pub async fn start(self) -> Result<EmulatorHandle, StartError> {
        if self.versions.is_empty() {
            return Err(StartError::NoProtocolVersion);
        }
        let tls = self.tls.as_ref().map(crate::tls::acceptor).transpose()?;
        let listener = TcpListener::bind(self.listen)
            .await
            .map_err(|source| StartError::Bind {
                addr: self.listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: self.listen,
            source,
        })?;
        let mut engine_config = self.engine_config;
        engine_config.native_address = addr;
        let engine = Arc::new(Engine::new(engine_config));
        let (stop_tx, stop_rx) = watch::channel(false);
        let shared = Arc::new(Shared {
            engine: Arc::clone(&engine),
            credentials: self.credentials,
            versions: self.versions,
            max_frame_size: self.max_frame_size,
            stop: stop_rx,
        });
        let accept = tokio::spawn(accept_loop(listener, tls, shared));
        tracing::info!(%addr, "cassia emulator listening");
        Ok(EmulatorHandle {
            addr,
            engine,
            stop: stop_tx,
            accept: Some(accept),
        })
    }
}

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// Requested address.
        addr: SocketAddr,
        /// OS error.
        #[source]
        source: std::io::Error,
    },
    /// The TLS certificate or key is unusable.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// `protocol_versions` was given an empty list.
    #[error("no protocol version enabled")]
    NoProtocolVersion,
}

/// A running emulator. Dropping it stops the server (without waiting).
#[derive(Debug)]
pub struct EmulatorHandle {
    addr: SocketAddr,
    engine: Arc<Engine>,
    stop: watch::Sender<bool>,
    accept: Option<tokio::task::JoinHandle<()>>,
}

impl EmulatorHandle {
    /// The address the server listens on (with the real port when 0 was asked).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The engine behind the server, to inspect or prepare state in tests.
    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// Stops accepting, closes every connection and waits until they are gone.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(accept) = self.accept.take() {
            // The accept task only ends by itself or by a panic we cannot act on.
            let _ = accept.await;
        }
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// What every connection task shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub engine: Arc<Engine>,
    pub credentials: Option<Credentials>,
    /// Accepted versions, ascending.
    pub versions: Vec<ProtocolVersion>,
    pub max_frame_size: usize,
    /// Becomes `true` when the server stops.
    pub stop: watch::Receiver<bool>,
}

async fn accept_loop(
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
                            None => crate::connection::serve(socket, peer, shared).await,
                            Some(acceptor) => {
                                if let Some(stream) = tls_handshake(&acceptor, socket, peer, &shared).await {
                                    crate::connection::serve(stream, peer, shared).await;
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
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    // Connections watch the same signal and end on their own; wait for them.
    while connections.join_next().await.is_some() {}
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

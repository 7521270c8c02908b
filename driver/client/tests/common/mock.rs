//! A scripted CQL server for driver tests, built from cassia-protocol's codec.
//!
//! It answers the handshake itself (OPTIONS, STARTUP, REGISTER, optional SASL PLAIN) and
//! hands every other request to the test's handler, which says what to send back: a
//! response, raw bytes (to inject broken frames), nothing (to provoke timeouts), or a close.
//! It speaks v4 (plain or compressed) and v5 (segments), switching framing as Cassandra does.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use cassia_protocol::codec::{FrameDecoder, FrameEncoder};
use cassia_protocol::compression::Compression;
use cassia_protocol::envelope::{RequestFrame, ResponseFrame};
use cassia_protocol::frame::{HEADER_LEN, ProtocolVersion};
use cassia_protocol::request::Request;
use cassia_protocol::response::{ErrorKind, Response, ServerError};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the server does in answer to a request.
#[derive(Debug, Clone)]
pub enum Action {
    /// Send this response on the request's stream.
    Reply(Response),
    /// Send this response, with warnings and a tracing id.
    ReplyFrame(ResponseFrame),
    /// Push a server event (stream -1).
    Push(Response),
    /// Send these bytes verbatim.
    Raw(Vec<u8>),
    /// Send nothing.
    Ignore,
    /// Wait, then do the inner action.
    Delay(Duration, Box<Action>),
    /// Close the connection.
    Close,
}

/// Answers requests other than the handshake.
pub type Handler = Arc<dyn Fn(&RequestFrame, ConnInfo) -> Vec<Action> + Send + Sync>;

/// Which connection a request arrived on.
#[derive(Debug, Clone, Copy)]
pub struct ConnInfo {
    /// Order in which the server accepted the connection (0-based).
    pub index: usize,
    pub version: ProtocolVersion,
}

/// How the server behaves during the handshake.
#[derive(Clone)]
pub struct MockConfig {
    /// Highest version accepted; higher ones get a PROTOCOL_ERROR.
    pub max_version: u8,
    /// SUPPORTED compression list.
    pub compression: Vec<String>,
    /// Required credentials (user, password), if any.
    pub credentials: Option<(String, String)>,
    /// Answer OPTIONS only during the handshake (heartbeats go unanswered).
    pub ignore_heartbeats: bool,
    /// Serve over TLS with this configuration.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    pub handler: Handler,
}

impl MockConfig {
    pub fn new(
        handler: impl Fn(&RequestFrame, ConnInfo) -> Vec<Action> + Send + Sync + 'static,
    ) -> Self {
        MockConfig {
            max_version: 4,
            compression: vec!["lz4".into(), "snappy".into()],
            credentials: None,
            ignore_heartbeats: false,
            tls: None,
            handler: Arc::new(handler),
        }
    }
}

/// A running mock server.
pub struct MockServer {
    pub addr: SocketAddr,
    /// Every request received, with its connection index (handshake included).
    pub log: Arc<Mutex<Vec<(usize, RequestFrame)>>>,
    pub connections: Arc<AtomicUsize>,
    /// Connections currently open (accepted and not yet closed by the peer).
    open: Arc<AtomicUsize>,
    /// Once set, new connections are dropped and open ones close at their next read.
    stopped: Arc<std::sync::atomic::AtomicBool>,
    /// Byte-level chunks as read from each connection (for write-coalescing checks).
    pub reads: Arc<Mutex<Vec<(usize, usize)>>>,
}

impl MockServer {
    pub async fn start(config: MockConfig) -> MockServer {
        Self::start_on("127.0.0.1:0".parse().expect("literal"), config).await
    }

    /// Like [`start`](Self::start), on a given address.
    pub async fn start_on(addr: SocketAddr, config: MockConfig) -> MockServer {
        let listener = TcpListener::bind(addr).await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let reads = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let open = Arc::new(AtomicUsize::new(0));
        let stopped = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (l, c, r, o) = (
            log.clone(),
            connections.clone(),
            reads.clone(),
            open.clone(),
        );
        let st = stopped.clone();
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                if st.load(Ordering::SeqCst) {
                    drop(socket);
                    continue;
                }
                let st = st.clone();
                let index = c.fetch_add(1, Ordering::SeqCst);
                let (config, l, r, o) = (config.clone(), l.clone(), r.clone(), o.clone());
                o.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    match config.tls.clone() {
                        None => serve(socket, index, config, l, r, st).await,
                        Some(tls) => {
                            let acceptor = tokio_rustls::TlsAcceptor::from(tls);
                            if let Ok(stream) = acceptor.accept(socket).await {
                                serve(stream, index, config, l, r, st).await;
                            }
                        }
                    }
                    o.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        MockServer {
            addr,
            log,
            connections,
            open,
            stopped,
            reads,
        }
    }

    /// Refuses new connections and closes open ones at their next request.
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
    }

    /// Connections the server still holds open.
    pub fn open_connections(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }

    pub fn requests(&self) -> Vec<(usize, RequestFrame)> {
        self.log.lock().expect("log").clone()
    }

    /// User requests (not OPTIONS/STARTUP/REGISTER/AUTH_RESPONSE).
    pub fn user_requests(&self) -> Vec<(usize, RequestFrame)> {
        self.requests()
            .into_iter()
            .filter(|(_, f)| {
                !matches!(
                    f.request,
                    Request::Options
                        | Request::Startup(_)
                        | Request::Register(_)
                        | Request::AuthResponse(_)
                )
            })
            .collect()
    }
}

fn frame(version: ProtocolVersion, stream: i16, response: Response) -> Vec<u8> {
    ResponseFrame::new(stream, response)
        .encode(version)
        .expect("mock response encodes")
}

pub fn error(kind: ErrorKind, message: &str) -> Response {
    Response::Error(ServerError {
        kind,
        message: message.to_owned(),
    })
}

async fn serve<S: AsyncRead + AsyncWrite + Unpin + Send>(
    mut socket: S,
    index: usize,
    config: MockConfig,
    log: Arc<Mutex<Vec<(usize, RequestFrame)>>>,
    reads: Arc<Mutex<Vec<(usize, usize)>>>,
    stopped: Arc<std::sync::atomic::AtomicBool>,
) {
    let mut buf = BytesMut::new();
    let mut chunk = vec![0u8; 65536];
    let mut decoder = FrameDecoder::new();
    let mut encoder = FrameEncoder::new();
    let mut checked_version = false;
    let mut startup_seen = false;
    loop {
        if !checked_version && buf.len() >= HEADER_LEN {
            checked_version = true;
            let requested = buf[0] & 0x7f;
            let stream = i16::from_be_bytes([buf[2], buf[3]]);
            if requested > config.max_version {
                let bytes = frame(
                    ProtocolVersion::V4,
                    stream,
                    error(
                        ErrorKind::ProtocolError,
                        &format!(
                            "Invalid or unsupported protocol version ({requested}); supported versions are (3/v3, 4/v4)"
                        ),
                    ),
                );
                let _ = socket.write_all(&bytes).await;
                return;
            }
        }
        while let Some(f) = decoder.decode(&mut buf).expect("valid request framing") {
            let version = f.header.version;
            let request = RequestFrame::decode(&f.header, &f.body).expect("valid request");
            log.lock().expect("log").push((index, request.clone()));
            let mut switch_after = None;
            let actions = match &request.request {
                Request::Options if startup_seen && config.ignore_heartbeats => {
                    vec![Action::Ignore]
                }
                Request::Options => vec![Action::Reply(Response::Supported(vec![
                    ("CQL_VERSION".into(), vec!["3.4.5".into()]),
                    ("COMPRESSION".into(), config.compression.clone()),
                    (
                        "PROTOCOL_VERSIONS".into(),
                        vec!["4/v4".into(), "5/v5".into()],
                    ),
                ]))],
                Request::Startup(st) => {
                    startup_seen = true;
                    let compression =
                        st.options
                            .iter()
                            .find(|(k, _)| k == "COMPRESSION")
                            .map(|(_, v)| {
                                if v == "lz4" {
                                    Compression::Lz4
                                } else {
                                    Compression::Snappy
                                }
                            });
                    match version {
                        ProtocolVersion::V4 => {
                            decoder.set_compression(compression);
                            encoder.set_compression(compression);
                        }
                        ProtocolVersion::V5 => {
                            switch_after = Some(compression == Some(Compression::Lz4))
                        }
                    }
                    match &config.credentials {
                        Some(_) => vec![Action::Reply(Response::Authenticate(
                            "org.apache.cassandra.auth.PasswordAuthenticator".into(),
                        ))],
                        None => vec![Action::Reply(Response::Ready)],
                    }
                }
                Request::AuthResponse(a) => {
                    let expected = config
                        .credentials
                        .as_ref()
                        .map(|(u, p)| format!("\0{u}\0{p}").into_bytes());
                    if a.token.as_deref() == expected.as_deref() {
                        vec![Action::Reply(Response::AuthSuccess(None))]
                    } else {
                        vec![Action::Reply(error(
                            ErrorKind::AuthenticationError,
                            "Provided username and/or password are incorrect",
                        ))]
                    }
                }
                Request::Register(_) => vec![Action::Reply(Response::Ready)],
                _ => (config.handler)(&request, ConnInfo { index, version }),
            };
            for action in actions {
                if !perform(&mut socket, &mut encoder, version, request.stream, action).await {
                    return;
                }
            }
            if let Some(lz4) = switch_after {
                encoder.use_segments(lz4);
                decoder.use_segments(lz4);
            }
        }
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(_) if stopped.load(Ordering::SeqCst) => return,
            Ok(n) => {
                reads.lock().expect("reads").push((index, n));
                buf.extend_from_slice(&chunk[..n]);
            }
        }
    }
}

fn perform<'a, S: AsyncWrite + Unpin + Send>(
    socket: &'a mut S,
    encoder: &'a mut FrameEncoder,
    version: ProtocolVersion,
    stream: i16,
    action: Action,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = bool> + Send + 'a>> {
    Box::pin(async move {
        match action {
            Action::Reply(r) => {
                let mut out = BytesMut::new();
                encoder
                    .encode(&frame(version, stream, r), &mut out)
                    .expect("framing");
                socket.write_all(&out).await.is_ok()
            }
            Action::ReplyFrame(mut f) => {
                f.stream = stream;
                let bytes = f.encode(version).expect("mock response encodes");
                let mut out = BytesMut::new();
                encoder.encode(&bytes, &mut out).expect("framing");
                socket.write_all(&out).await.is_ok()
            }
            Action::Push(r) => {
                let mut out = BytesMut::new();
                encoder
                    .encode(&frame(version, -1, r), &mut out)
                    .expect("framing");
                socket.write_all(&out).await.is_ok()
            }
            Action::Raw(bytes) => socket.write_all(&bytes).await.is_ok(),
            Action::Ignore => true,
            Action::Delay(d, inner) => {
                tokio::time::sleep(d).await;
                perform(socket, encoder, version, stream, *inner).await
            }
            Action::Close => {
                let _ = socket.shutdown().await;
                false
            }
        }
    })
}

/// A Void result.
pub fn void() -> Response {
    Response::Result(cassia_protocol::response::ResultBody::Void)
}

/// Bytes helper.
pub fn bytes(b: &[u8]) -> Bytes {
    Bytes::copy_from_slice(b)
}

//! A scripted CQL server for driver tests, built from cassia-protocol's codec.
//!
//! It answers the handshake itself (OPTIONS, STARTUP, REGISTER, optional SASL PLAIN) and
//! hands every other request to the test's handler, which says what to send back: a
//! response, raw bytes (to inject broken frames), nothing (to provoke timeouts), or a close.
//! Only bare frames are spoken (protocol v4 uncompressed, and the v5 handshake).

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use cassia_protocol::envelope::{RequestFrame, ResponseFrame};
use cassia_protocol::frame::{FrameHeader, HEADER_LEN, ProtocolVersion};
use cassia_protocol::request::Request;
use cassia_protocol::response::{ErrorKind, Response, ServerError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// What the server does in answer to a request.
#[derive(Debug, Clone)]
pub enum Action {
    /// Send this response on the request's stream.
    Reply(Response),
    /// Send this response, with warnings and a tracing id.
    ReplyFrame(ResponseFrame),
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
    /// Byte-level chunks as read from each connection (for write-coalescing checks).
    pub reads: Arc<Mutex<Vec<(usize, usize)>>>,
    kill: mpsc::UnboundedSender<usize>,
}

impl MockServer {
    pub async fn start(config: MockConfig) -> MockServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let reads = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let (kill, _kill_rx) = mpsc::unbounded_channel();
        let (l, c, r) = (log.clone(), connections.clone(), reads.clone());
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let index = c.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve(socket, index, config.clone(), l.clone(), r.clone()));
            }
        });
        MockServer {
            addr,
            log,
            connections,
            reads,
            kill,
        }
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

async fn serve(
    mut socket: TcpStream,
    index: usize,
    config: MockConfig,
    log: Arc<Mutex<Vec<(usize, RequestFrame)>>>,
    reads: Arc<Mutex<Vec<(usize, usize)>>>,
) {
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 65536];
    loop {
        // Parse every complete frame in the buffer.
        while buf.len() >= HEADER_LEN {
            let mut head = [0u8; HEADER_LEN];
            head.copy_from_slice(&buf[..HEADER_LEN]);
            let requested = head[0] & 0x7f;
            let stream = i16::from_be_bytes([head[2], head[3]]);
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
            let header = FrameHeader::parse(&head).expect("valid request header");
            let len = header.length as usize;
            if buf.len() < HEADER_LEN + len {
                break;
            }
            let body: Vec<u8> = buf[HEADER_LEN..HEADER_LEN + len].to_vec();
            buf.drain(..HEADER_LEN + len);
            let version = header.version;
            let request = RequestFrame::decode(&header, &body).expect("valid request");
            log.lock().expect("log").push((index, request.clone()));
            let actions = match &request.request {
                Request::Options => vec![Action::Reply(Response::Supported(vec![
                    ("CQL_VERSION".into(), vec!["3.4.5".into()]),
                    ("COMPRESSION".into(), config.compression.clone()),
                    ("PROTOCOL_VERSIONS".into(), vec!["4/v4".into()]),
                ]))],
                Request::Startup(_) => match &config.credentials {
                    Some(_) => vec![Action::Reply(Response::Authenticate(
                        "org.apache.cassandra.auth.PasswordAuthenticator".into(),
                    ))],
                    None => vec![Action::Reply(Response::Ready)],
                },
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
                if !perform(&mut socket, version, request.stream, action).await {
                    return;
                }
            }
        }
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                reads.lock().expect("reads").push((index, n));
                buf.extend_from_slice(&chunk[..n]);
            }
        }
    }
}

fn perform<'a>(
    socket: &'a mut TcpStream,
    version: ProtocolVersion,
    stream: i16,
    action: Action,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = bool> + Send + 'a>> {
    Box::pin(async move {
        match action {
            Action::Reply(r) => socket.write_all(&frame(version, stream, r)).await.is_ok(),
            Action::ReplyFrame(mut f) => {
                f.stream = stream;
                let bytes = f.encode(version).expect("mock response encodes");
                socket.write_all(&bytes).await.is_ok()
            }
            Action::Raw(bytes) => socket.write_all(&bytes).await.is_ok(),
            Action::Ignore => true,
            Action::Delay(d, inner) => {
                tokio::time::sleep(d).await;
                perform(socket, version, stream, *inner).await
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

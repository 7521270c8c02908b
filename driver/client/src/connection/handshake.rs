//! Opening a connection: TCP, optional TLS, then OPTIONS → SUPPORTED → STARTUP → READY, or
//! AUTHENTICATE followed by the SASL exchange.
//!
//! Without a fixed version the driver starts at v5 and, when the server answers the first
//! request with a PROTOCOL_ERROR (as Cassandra 3.x does for v5), reconnects with v4, as the
//! DataStax Python driver does. The first messages travel as bare frames; in v5 framing
//! switches to segments once the server has answered STARTUP.
//!
//! A plaintext connection that the server closes before any CQL answer, or answers with a
//! TLS record, is reported as [`ConnectError::ClosedDuringHandshake`] rather than as a
//! version the server does not support: that is what a TLS-only port does to a client
//! without TLS, whatever version it asks for.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use cassia_protocol::frame::ProtocolVersion;
use cassia_protocol::request::{AuthResponse, Request, Startup};
use cassia_protocol::response::{ErrorKind, Event, Response};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tracing::Instrument;

use super::codec::{self, Envelope, FrameReader, FrameWriter, Framing, Incoming};
use super::{Connection, SendError};
use crate::config::{Compression, ConnectionConfig};
use crate::error::{ConnectError, ExecuteError, excerpt};

/// A socket, plain or TLS.
pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// The byte stream under a connection.
pub(crate) type Transport = Box<dyn Io>;

/// CQL version announced in STARTUP; every Cassandra since 2.0 accepts it.
const CQL_VERSION: &str = "3.0.0";
/// Driver name announced in STARTUP (shown in `system_views.clients`).
const DRIVER_NAME: &str = "Cassia";

/// Outcome of one attempt at one protocol version.
enum Attempt {
    Open(Connection),
    VersionRejected(String),
    Failed(ConnectError),
}

/// Opens a connection to `node` (`host` is the name used for the TLS host-name check).
pub(crate) async fn open(
    node: SocketAddr,
    host: &str,
    config: &ConnectionConfig,
    events: Option<mpsc::UnboundedSender<Event>>,
) -> Result<Connection, ConnectError> {
    let span = tracing::debug_span!("connect", %node);
    let attempt = open_any_version(node, host, config, events).instrument(span);
    match tokio::time::timeout(config.connect_timeout, attempt).await {
        Ok(result) => result,
        Err(_) => Err(ConnectError::Timeout {
            node,
            after: config.connect_timeout,
        }),
    }
}

async fn open_any_version(
    node: SocketAddr,
    host: &str,
    config: &ConnectionConfig,
    events: Option<mpsc::UnboundedSender<Event>>,
) -> Result<Connection, ConnectError> {
    let versions: &[ProtocolVersion] = match config.protocol_version {
        Some(ProtocolVersion::V4) => &[ProtocolVersion::V4],
        Some(ProtocolVersion::V5) => &[ProtocolVersion::V5],
        None => &[ProtocolVersion::V5, ProtocolVersion::V4],
    };
    let mut last = String::new();
    for (i, &version) in versions.iter().enumerate() {
        match attempt(node, host, config, version, events.clone()).await {
            Attempt::Open(conn) => {
                tracing::debug!(%node, version = version.number(), "connection ready");
                return Ok(conn);
            }
            Attempt::VersionRejected(message) => {
                tracing::debug!(%node, version = version.number(), %message, "protocol version rejected; stepping down");
                last = message;
            }
            // A server may drop a version it cannot parse without a word; the next
            // version tells that apart from a port that wants TLS.
            Attempt::Failed(e @ ConnectError::ClosedDuringHandshake { .. })
                if i + 1 < versions.len() =>
            {
                tracing::debug!(%node, version = version.number(), error = %e, "closed during the handshake; stepping down");
                last = e.to_string();
            }
            Attempt::Failed(e) => return Err(e),
        }
    }
    Err(ConnectError::UnsupportedVersion {
        node,
        version: versions.last().map_or(4, |v| v.number()),
        message: last,
    })
}

async fn connect_transport(
    node: SocketAddr,
    host: &str,
    config: &ConnectionConfig,
) -> Result<Transport, ConnectError> {
    let tcp = TcpStream::connect(node)
        .await
        .map_err(|source| ConnectError::Io { node, source })?;
    tcp.set_nodelay(true)
        .map_err(|source| ConnectError::Io { node, source })?;
    let Some(tls) = &config.tls else {
        return Ok(Box::new(tcp));
    };
    let name = tls.config.server_name(host)?;
    let connector = tokio_rustls::TlsConnector::from(tls.client.clone());
    let mut stream = connector
        .connect(name, tcp)
        .await
        .map_err(|e| crate::tls::classify(node, &e))?;
    // TLS 1.3 reports a rejected client certificate only with the first read; a flush
    // surfaces nothing, so such failures show up as the handshake's first response.
    stream
        .flush()
        .await
        .map_err(|e| crate::tls::classify(node, &e))?;
    Ok(Box::new(stream))
}

/// One request and its response on a socket without I/O tasks (handshake only).
struct RawChannel {
    transport: Transport,
    writer: FrameWriter,
    reader: FrameReader,
    buf: BytesMut,
    version: ProtocolVersion,
    node: SocketAddr,
    /// Without TLS, a close before any answer (or a TLS record) points at a TLS-only port.
    plaintext: bool,
    /// Whether the server has answered anything in CQL yet.
    answered: bool,
}

/// Whether `bytes` start like a TLS record (alert 0x15 or handshake 0x16, version 3.x):
/// never the first byte of a CQL response (0x83 to 0x85).
fn looks_like_tls(bytes: &[u8]) -> bool {
    matches!(bytes, [0x15 | 0x16, 0x03, ..])
}

impl RawChannel {
    /// The error for a connection closed (or reset) before the server answered.
    fn closed_early(&self) -> Option<ConnectError> {
        (self.plaintext && !self.answered).then(|| ConnectError::ClosedDuringHandshake {
            node: self.node,
            tls_alert: looks_like_tls(&self.buf),
        })
    }

    fn io_error(&self, e: std::io::Error) -> ConnectError {
        use std::io::ErrorKind as K;
        let node = self.node;
        if e.get_ref()
            .is_some_and(|i| i.downcast_ref::<rustls::Error>().is_some())
        {
            return crate::tls::classify(node, &e);
        }
        if matches!(
            e.kind(),
            K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof
        ) && let Some(closed) = self.closed_early()
        {
            return closed;
        }
        ConnectError::Io { node, source: e }
    }

    async fn round_trip(&mut self, request: Request) -> Result<Incoming, ConnectError> {
        let node = self.node;
        let mut frame = Vec::new();
        codec::encode_request_into(&mut frame, self.version, 0, &Envelope::new(request)).map_err(
            |e| ConnectError::Handshake {
                node,
                detail: e.to_string(),
            },
        )?;
        let mut out = BytesMut::new();
        self.writer
            .write(&frame, &mut out)
            .map_err(|e| ConnectError::Handshake {
                node,
                detail: e.to_string(),
            })?;
        if let Err(e) = self.transport.write_all(&out).await {
            return Err(self.io_error(e));
        }
        if let Err(e) = self.transport.flush().await {
            return Err(self.io_error(e));
        }
        loop {
            // Checked before decoding: a 7-byte alert is shorter than a frame header, so
            // the frame reader would only wait for more.
            if self.plaintext
                && !self.answered
                && looks_like_tls(&self.buf)
                && let Some(closed) = self.closed_early()
            {
                return Err(closed);
            }
            match self.reader.read(&mut self.buf) {
                Ok(Some(incoming)) => {
                    self.answered = true;
                    return Ok(incoming);
                }
                Ok(None) => {}
                Err(e) => {
                    return Err(ConnectError::Handshake {
                        node,
                        detail: e.to_string(),
                    });
                }
            }
            let n = match self.transport.read_buf(&mut self.buf).await {
                Ok(n) => n,
                Err(e) => return Err(self.io_error(e)),
            };
            if n == 0 {
                return Err(self.closed_early().unwrap_or(ConnectError::Handshake {
                    node,
                    detail: "the server closed the connection".into(),
                }));
            }
        }
    }
}

fn choose_compression(
    wanted: Option<Compression>,
    version: ProtocolVersion,
    supported: &[(String, Vec<String>)],
    node: SocketAddr,
) -> Option<Compression> {
    let wanted = wanted?;
    if wanted == Compression::Snappy && version == ProtocolVersion::V5 {
        tracing::warn!(%node, "snappy is not available in protocol v5; running uncompressed");
        return None;
    }
    let offered = supported
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("COMPRESSION"))
        .is_some_and(|(_, v)| v.iter().any(|c| c.eq_ignore_ascii_case(wanted.name())));
    if !offered {
        tracing::warn!(%node, compression = wanted.name(), "server does not offer this compression; running uncompressed");
        return None;
    }
    Some(wanted)
}

async fn attempt(
    node: SocketAddr,
    host: &str,
    config: &ConnectionConfig,
    version: ProtocolVersion,
    events: Option<mpsc::UnboundedSender<Event>>,
) -> Attempt {
    let transport = match connect_transport(node, host, config).await {
        Ok(t) => t,
        Err(e) => return Attempt::Failed(e),
    };
    let mut raw = RawChannel {
        transport,
        writer: FrameWriter::new(),
        reader: FrameReader::new(config.max_frame_size),
        buf: BytesMut::new(),
        version,
        node,
        plaintext: config.tls.is_none(),
        answered: false,
    };
    let supported = match raw.round_trip(Request::Options).await {
        Ok(Incoming {
            response: Response::Supported(options),
            ..
        }) => options,
        Ok(Incoming {
            response: Response::Error(e),
            ..
        }) if e.kind == ErrorKind::ProtocolError => return Attempt::VersionRejected(e.message),
        Ok(other) => return Attempt::Failed(unexpected(node, "OPTIONS", &other.response)),
        // A server that cannot parse the version may also answer with a frame we cannot
        // decode (e.g. a v3 header); treat that as a rejection of the version too.
        Err(ConnectError::Handshake { detail, .. }) if version == ProtocolVersion::V5 => {
            return Attempt::VersionRejected(detail);
        }
        Err(e) => return Attempt::Failed(e),
    };
    let compression = choose_compression(config.compression, version, &supported, node);
    let mut options = vec![("CQL_VERSION".to_owned(), CQL_VERSION.to_owned())];
    if let Some(c) = compression {
        options.push(("COMPRESSION".to_owned(), c.name().to_owned()));
    }
    options.push(("DRIVER_NAME".to_owned(), DRIVER_NAME.to_owned()));
    options.push((
        "DRIVER_VERSION".to_owned(),
        env!("CARGO_PKG_VERSION").to_owned(),
    ));
    if version == ProtocolVersion::V4 {
        // The server compresses its answer to STARTUP already.
        raw.reader.set_compression(compression);
    }
    let startup = raw.round_trip(Request::Startup(Startup { options })).await;
    let authenticate = match startup {
        Ok(Incoming {
            response: Response::Ready,
            ..
        }) => None,
        Ok(Incoming {
            response: Response::Authenticate(class),
            ..
        }) => Some(class),
        Ok(other) => return Attempt::Failed(unexpected(node, "STARTUP", &other.response)),
        Err(e) => return Attempt::Failed(e),
    };
    let framing = match version {
        ProtocolVersion::V5 => Framing::Segments {
            lz4: compression == Some(Compression::Lz4),
        },
        ProtocolVersion::V4 => Framing::Frames { compression },
    };
    if !raw.buf.is_empty() {
        return Attempt::Failed(ConnectError::Handshake {
            node,
            detail: "unexpected bytes after the STARTUP response".into(),
        });
    }
    let conn = Connection::start(
        node,
        version,
        config.max_streams,
        raw.transport,
        framing,
        config.max_frame_size,
        events,
    );
    if let Some(class) = authenticate
        && let Err(e) = authenticate_conn(&conn, &class, config).await
    {
        conn.close();
        return Attempt::Failed(e);
    }
    if let Some(ks) = &config.keyspace
        && let Err(e) = use_keyspace(&conn, ks, config.connect_timeout).await
    {
        conn.close();
        return Attempt::Failed(ConnectError::Connection {
            node,
            source: Box::new(e),
        });
    }
    if let Some(interval) = config.heartbeat_interval {
        super::heartbeat::spawn(conn.clone(), interval);
    }
    Attempt::Open(conn)
}

fn unexpected(node: SocketAddr, after: &str, response: &Response) -> ConnectError {
    let detail = match response {
        Response::Error(e) => format!("{after} failed: {}", e.message),
        other => format!(
            "unexpected answer to {after}: {}",
            super::response_name(other)
        ),
    };
    ConnectError::Handshake { node, detail }
}

async fn authenticate_conn(
    conn: &Connection,
    class: &str,
    config: &ConnectionConfig,
) -> Result<(), ConnectError> {
    let node = conn.node();
    let auth_err = |message: String| ConnectError::Authentication { node, message };
    let Some(authenticator) = &config.authenticator else {
        return Err(auth_err(format!(
            "the server requires authentication ({class}) but no authenticator is configured"
        )));
    };
    let mut session = authenticator.new_session(class);
    let mut token = session.initial_response();
    loop {
        let request = Request::AuthResponse(AuthResponse {
            token: token.take().map(Bytes::from),
        });
        let reply = conn
            .send(&Envelope::new(request), config.connect_timeout)
            .await
            .map_err(|e| send_to_connect(node, e))?;
        match reply.response {
            Response::AuthSuccess(final_token) => {
                return session.on_success(final_token.as_deref()).map_err(auth_err);
            }
            Response::AuthChallenge(challenge) => {
                token = session
                    .evaluate_challenge(challenge.as_deref())
                    .map_err(auth_err)?;
            }
            Response::Error(e) => return Err(auth_err(e.message)),
            other => return Err(unexpected(node, "AUTH_RESPONSE", &other)),
        }
    }
}

fn send_to_connect(node: SocketAddr, e: SendError) -> ConnectError {
    let statement = excerpt("<handshake>");
    let source = match e {
        SendError::Closed(source) => ExecuteError::Connection {
            node,
            statement,
            source,
        },
        SendError::Timeout(after) | SendError::NoStreamId(after) => {
            return ConnectError::Timeout { node, after };
        }
        SendError::Busy => ExecuteError::Busy { node },
        SendError::Encode(e) => ExecuteError::Encode {
            statement,
            detail: e.to_string(),
        },
    };
    ConnectError::Connection {
        node,
        source: Box::new(source),
    }
}

/// Runs `USE <keyspace>` on a fresh connection.
pub(crate) async fn use_keyspace(
    conn: &Connection,
    keyspace: &str,
    timeout: Duration,
) -> Result<(), ExecuteError> {
    let cql = format!("USE {}", quote_identifier(keyspace));
    let request = super::simple_query(&cql);
    let node = conn.node();
    let statement: Arc<str> = excerpt(&cql);
    let reply = conn
        .send(&Envelope::new(request), timeout)
        .await
        .map_err(|e| super::send_error(node, statement.clone(), e))?;
    match reply.response {
        Response::Result(_) => Ok(()),
        Response::Error(error) => Err(ExecuteError::Server {
            node,
            statement,
            error: Box::new(error),
        }),
        other => Err(ExecuteError::UnexpectedResponse {
            node,
            statement,
            detail: super::response_name(&other).to_owned(),
        }),
    }
}

/// Quotes a keyspace name for `USE` unless it can stand bare.
pub(crate) fn quote_identifier(name: &str) -> String {
    cassia_protocol::cql::quote_identifier(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_when_needed() {
        assert_eq!(quote_identifier("ks_1"), "ks_1");
        assert_eq!(quote_identifier("MyKs"), "\"MyKs\"");
        assert_eq!(quote_identifier("a\"b"), "\"a\"\"b\"");
    }

    #[test]
    fn snappy_is_dropped_in_v5_and_unoffered_compression_ignored() {
        let node: SocketAddr = "127.0.0.1:9042".parse().expect("literal");
        let supported = vec![(
            "COMPRESSION".to_owned(),
            vec!["snappy".to_owned(), "lz4".to_owned()],
        )];
        let v5 = ProtocolVersion::V5;
        let v4 = ProtocolVersion::V4;
        assert_eq!(
            choose_compression(Some(Compression::Snappy), v5, &supported, node),
            None
        );
        assert_eq!(
            choose_compression(Some(Compression::Snappy), v4, &supported, node),
            Some(Compression::Snappy)
        );
        assert_eq!(
            choose_compression(Some(Compression::Lz4), v5, &supported, node),
            Some(Compression::Lz4)
        );
        assert_eq!(
            choose_compression(Some(Compression::Lz4), v4, &[], node),
            None
        );
    }
}

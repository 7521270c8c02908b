//! One client connection: a single task that reads whatever bytes are available, decodes and
//! executes every complete request in them, and writes all the responses with one write.
//!
//! Doing read → execute → write in one task keeps it simple and gives backpressure for free:
//! while a slow client is not reading our responses we do not read its requests, so its
//! buffers stay bounded and other connections are unaffected. The engine is synchronous and
//! in memory, so executing inline is cheaper than handing requests to other tasks.
//!
//! - `dispatch`: the protocol state machine (handshake, auth, requests → engine).
//! - `framing`: bytes ↔ frames (over the protocol crate's codec) and the refusals of bad input.

mod dispatch;
mod framing;

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::BytesMut;
use cassia_protocol::envelope::ResponseFrame;
use cassia_protocol::response::{Event, Response, SchemaChange, ServerError};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::broadcast;

use crate::server::Shared;
use dispatch::{After, Dispatcher};
use framing::{BadInput, FrameReader, FrameWriter};

/// Initial read buffer; it grows to the largest frame seen (capped by `max_frame_size`).
const READ_BUFFER: usize = 64 * 1024;

/// How long closing a connection may wait for the peer.
const CLOSE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);

/// Serves one connection until the client leaves, sends garbage, or the server stops.
pub(crate) async fn serve<S>(mut stream: S, peer: SocketAddr, shared: Arc<Shared>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    tracing::debug!(%peer, "connection opened");
    let mut conn = Connection {
        reader: FrameReader::new(&shared),
        writer: FrameWriter::default(),
        dispatcher: None,
        events: None,
        shared: Arc::clone(&shared),
        out: BytesMut::with_capacity(READ_BUFFER),
        closing: false,
    };
    let mut input = BytesMut::with_capacity(READ_BUFFER);
    let mut stop = shared.stop.clone();
    loop {
        tokio::select! {
            biased;
            _ = crate::server::stopped(&mut stop) => break,
            event = next_event(&mut conn.events) => conn.push_event(event),
            read = stream.read_buf(&mut input) => match read {
                Ok(0) => {
                    if !input.is_empty() {
                        tracing::debug!(%peer, pending = input.len(), "client left mid-frame");
                    }
                    break;
                }
                Ok(_) => conn.process(&mut input),
                Err(e) => {
                    tracing::debug!(%peer, error = %e, "read failed");
                    break;
                }
            },
        }
        if !conn.out.is_empty() {
            // A client that never reads blocks only this write; stopping the server still
            // interrupts it.
            let written = tokio::select! {
                written = stream.write_all(&conn.out) => written,
                _ = crate::server::stopped(&mut stop) => break,
            };
            if let Err(e) = written {
                tracing::debug!(%peer, error = %e, "write failed");
                break;
            }
            conn.out.clear();
            // Do not keep a huge buffer around after one large result.
            if conn.out.capacity() > 4 * READ_BUFFER {
                conn.out = BytesMut::with_capacity(READ_BUFFER);
            }
        }
        if conn.closing {
            break;
        }
        if input.capacity() - input.len() < 1024 {
            input.reserve(READ_BUFFER);
        }
    }
    // TLS sends close_notify here, which a client that never reads could block forever.
    let _ = tokio::time::timeout(CLOSE_TIMEOUT, stream.shutdown()).await;
    tracing::debug!(%peer, "connection closed");
}

/// Everything a connection owns besides its socket and input buffer.
struct Connection {
    reader: FrameReader,
    writer: FrameWriter,
    /// Created by the first frame, which fixes the protocol version.
    dispatcher: Option<Dispatcher>,
    /// Schema events, after REGISTER SCHEMA_CHANGE.
    events: Option<broadcast::Receiver<SchemaChange>>,
    shared: Arc<Shared>,
    /// Encoded responses waiting for the next write.
    out: BytesMut,
    /// Set after a fatal error: write what is pending, then close.
    closing: bool,
}

impl Connection {
    /// Decodes and answers every complete frame in `input`.
    fn process(&mut self, input: &mut BytesMut) {
        while !self.closing {
            match self.reader.next(input) {
                Ok(None) => break,
                Ok(Some(frame)) => self.handle(frame),
                Err(bad) => self.reject(bad),
            }
        }
        self.writer.flush(&mut self.out);
    }

    fn handle(&mut self, frame: framing::Frame) {
        let dispatcher = self
            .dispatcher
            .get_or_insert_with(|| Dispatcher::new(Arc::clone(&self.shared), frame.header.version));
        if let Err(e) = dispatcher.check_stage(frame.header.opcode) {
            let reply = error_reply(frame.header.stream, e);
            self.writer
                .write(frame.header.version, &reply, &mut self.out);
            return;
        }
        let request = match frame.decode() {
            Ok(request) => request,
            Err(e) => {
                // A body that does not parse: the framing can no longer be trusted either.
                let message = format!(
                    "Invalid or malformed {:?} message: {e}",
                    frame.header.opcode
                );
                let reply = error_reply(frame.header.stream, dispatch::protocol_error(message));
                self.writer
                    .write(frame.header.version, &reply, &mut self.out);
                self.closing = true;
                return;
            }
        };
        let (reply, after) = dispatcher.handle(request);
        match after {
            After::Nothing => self
                .writer
                .write(frame.header.version, &reply, &mut self.out),
            After::Started(compression) => {
                // v4 compresses the READY/AUTHENTICATE itself; v5 frames it bare and
                // switches to segments after it (see the wire captures).
                self.reader.started(compression);
                self.writer
                    .started_before_reply(frame.header.version, compression);
                self.writer
                    .write(frame.header.version, &reply, &mut self.out);
                self.writer
                    .started_after_reply(frame.header.version, compression, &mut self.out);
            }
            After::SubscribeSchema => {
                if self.events.is_none() {
                    self.events = Some(self.shared.engine.subscribe_schema_changes());
                }
                self.writer
                    .write(frame.header.version, &reply, &mut self.out);
            }
            After::Close => {
                self.writer
                    .write(frame.header.version, &reply, &mut self.out);
                self.closing = true;
            }
        }
    }

    /// A frame that cannot be handled: answer with an error if we know enough, then close.
    fn reject(&mut self, bad: BadInput) {
        tracing::debug!(error = %bad, "bad input, closing connection");
        self.writer.write_rejection(&bad, &mut self.out);
        self.closing = true;
    }

    fn push_event(&mut self, event: Option<SchemaChange>) {
        let (Some(change), Some(dispatcher)) = (event, self.dispatcher.as_ref()) else {
            // The engine is gone (server stopping): stop listening for events.
            self.events = None;
            return;
        };
        let version = dispatcher.version();
        let reply = ResponseFrame::new(-1, Response::Event(Event::SchemaChange(change)));
        self.writer.write(version, &reply, &mut self.out);
        self.writer.flush(&mut self.out);
    }
}

fn error_reply(stream: i16, error: ServerError) -> ResponseFrame {
    ResponseFrame::new(stream, Response::Error(error))
}

/// The next schema event, or `None` once the channel is closed; pending forever when the
/// connection has not registered (so `select!` ignores it).
async fn next_event(
    events: &mut Option<broadcast::Receiver<SchemaChange>>,
) -> Option<SchemaChange> {
    let Some(rx) = events else {
        return std::future::pending().await;
    };
    loop {
        match rx.recv().await {
            Ok(change) => return Some(change),
            // A client too slow to keep up loses old events rather than blocking the engine;
            // Cassandra drops events for slow clients too.
            Err(broadcast::error::RecvError::Lagged(n)) => {
                tracing::warn!(missed = n, "schema events dropped for a slow client");
            }
            Err(broadcast::error::RecvError::Closed) => return None,
        }
    }
}

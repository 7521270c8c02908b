//! One client connection: a single task that reads whatever bytes are available, decodes and
//! executes every complete request in them, and writes all the responses with one write.
//!
//! Doing read → execute → write in one task keeps it simple and gives backpressure for free:
//! while a slow client is not reading our responses we do not read its requests, so its
//! buffers stay bounded and other connections are unaffected. The engine is synchronous and
//! in memory, so executing inline is cheaper than handing requests to other tasks.
//!
//! - `dispatch`: the protocol state machine (handshake, auth, requests → engine).
//! - `traces`: `system_traces` sessions for requests sent with the tracing flag.
//! - `framing`: bytes ↔ frames (over the protocol crate's codec) and the refusals of bad input.
//! - `legacy`: protocol v3, read and answered through the v4 codec (the v6 beta is read and
//!   answered as v5 by `framing`).
//! - `faults`: which fault rule (if any) applies to a request.
//!
//! In a simulated cluster the task also forwards topology and status events about other
//! nodes, stops reading while its node is paused, and sends the responses a `Delay` fault
//! held back when their time comes (without holding up the other requests).

mod dispatch;
mod faults;
mod framing;
mod legacy;
mod traces;

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::BytesMut;
use cassia_protocol::envelope::ResponseFrame;
use cassia_protocol::frame::{Opcode, ProtocolVersion};
use cassia_protocol::response::{Event, Response, SchemaChange, ServerError};
use cassia_protocol::wire::DecodeError;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{broadcast, mpsc};

use crate::cluster::faults::Fault;
use crate::cluster::{ClusterEvent, EventType};

use crate::engine::TlsInfo;
use crate::server::Shared;
use dispatch::{After, Dispatcher};
use framing::{BadInput, FrameReader, FrameWriter};

/// Initial read buffer; it grows to the largest frame seen (capped by `max_frame_size`).
const READ_BUFFER: usize = 64 * 1024;

/// Output size after which a connection writes before executing more requests.
const OUTPUT_HIGH_WATER: usize = 4 * 1024 * 1024;

/// How long closing a connection may wait for the peer.
const CLOSE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);

/// 4.0's default `consecutive_message_errors_threshold`: within one v5 segment, an error
/// after this many consecutive ones closes the connection.
const CONSECUTIVE_ERRORS_THRESHOLD: u32 = 1;

/// Serves one connection until the client leaves, sends garbage, or the server stops.
pub(crate) async fn serve<S>(
    mut stream: S,
    peer: SocketAddr,
    shared: Arc<Shared>,
    tls: Option<TlsInfo>,
) where
    S: AsyncRead + AsyncWrite + Unpin,
{
    tracing::debug!(%peer, "connection opened");
    let (delayed_tx, mut delayed_rx) = mpsc::unbounded_channel();
    let mut conn = Connection {
        cluster_events: None,
        delayed: delayed_tx,
        reader: FrameReader::new(&shared),
        writer: FrameWriter::default(),
        dispatcher: None,
        events: None,
        shared: Arc::clone(&shared),
        out: BytesMut::with_capacity(READ_BUFFER),
        closing: false,
        more_input: false,
        peer,
        tls,
        durable_seq: 0,
        segment_errors: 0,
    };
    let mut input = BytesMut::with_capacity(READ_BUFFER);
    let mut stop = shared.stop.clone();
    let mut pause = shared.pause.clone();
    loop {
        if *pause.borrow_and_update() {
            // Paused: read and answer nothing (clients see a hung node) until resumed.
            tokio::select! {
                _ = crate::server::stopped(&mut stop) => break,
                changed = pause.changed() => if changed.is_err() { break },
            }
            continue;
        }
        if conn.more_input {
            // The last batch stopped at the output high-water mark: finish it before
            // reading anything new.
            conn.process(&mut input);
        } else {
            tokio::select! {
                biased;
                _ = crate::server::stopped(&mut stop) => break,
                // Paused (or resumed): go back to the top, which waits while paused.
                changed = pause.changed() => if changed.is_err() { break },
                event = next_event(&mut conn.events) => conn.push_event(event),
                event = next_cluster_event(&mut conn.cluster_events, shared.node) => {
                    conn.push_cluster_event(event)
                }
                Some((version, reply)) = delayed_rx.recv() => {
                    conn.writer.write(version, &reply, &mut conn.out);
                    conn.writer.flush(&mut conn.out);
                }
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
        }
        if conn.durable_seq > 0 {
            let seq = std::mem::take(&mut conn.durable_seq);
            if let Some(journal) = shared.engine.journal() {
                // A write that is not durable is never acknowledged: close instead.
                if journal.wait(seq).await.is_err() {
                    tracing::warn!(%peer, "closing: the journal could not be written");
                    break;
                }
            }
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
    /// Created by the first frame; STARTUP fixes its protocol version.
    dispatcher: Option<Dispatcher>,
    /// Schema events, after REGISTER SCHEMA_CHANGE.
    events: Option<broadcast::Receiver<SchemaChange>>,
    /// Topology/status events about other nodes, after REGISTER, with the kinds asked for.
    cluster_events: Option<ClusterEvents>,
    /// Replies held back by a `Delay` fault come back here when due.
    delayed: mpsc::UnboundedSender<(ProtocolVersion, ResponseFrame)>,
    shared: Arc<Shared>,
    /// Encoded responses waiting for the next write.
    out: BytesMut,
    /// Set after a fatal error: write what is pending, then close.
    closing: bool,
    /// `process` stopped at the output high-water mark; frames may remain in the input.
    more_input: bool,
    peer: SocketAddr,
    /// The TLS session, on a TLS connection.
    tls: Option<TlsInfo>,
    /// Highest journal record behind a reply in `out`: `out` is written only once it is
    /// durable (0 = none).
    durable_seq: u64,
    /// Consecutive erroneous envelopes in the current v5 segment (see
    /// [`Connection::repeated_error`]).
    segment_errors: u32,
}

impl Connection {
    /// Decodes and answers every complete frame in `input`.
    fn process(&mut self, input: &mut BytesMut) {
        self.more_input = false;
        while !self.closing {
            if self.out.len() >= OUTPUT_HIGH_WATER {
                // Write what we have before executing more: many small requests asking
                // for large results must not pile up unbounded output.
                self.more_input = true;
                break;
            }
            let next = self.reader.next(input);
            self.writer.use_v3(self.reader.is_v3());
            self.writer.use_beta(self.reader.is_beta());
            match next {
                Ok(None) => break,
                Ok(Some(frame)) => {
                    self.enter_segment();
                    self.handle(frame)
                }
                Err(bad) => {
                    if !bad.fatal {
                        self.enter_segment();
                    }
                    self.reject(bad)
                }
            }
        }
        self.writer.flush(&mut self.out);
    }

    fn handle(&mut self, frame: framing::Frame) {
        // v3 is read as v4 and the v6 beta as v5; `system_views.clients` shows the real one.
        let spoken = if self.reader.is_v3() {
            Some(3)
        } else if self.reader.is_beta() {
            Some(6)
        } else {
            None
        };
        let dispatcher = self.dispatcher.get_or_insert_with(|| {
            let d = Dispatcher::new(
                Arc::clone(&self.shared),
                self.peer,
                self.tls.take(),
                frame.header.version,
            );
            if let Some(version) = spoken {
                d.report_version(version);
            }
            d
        });
        if frame.header.opcode == Opcode::Startup {
            // Before STARTUP each frame has its own version; STARTUP's is the connection's.
            let shown = spoken.unwrap_or(i32::from(frame.header.version.number()));
            dispatcher.set_version(frame.header.version, shown);
        }
        if let Err(e) = dispatcher.check_stage(frame.header.opcode) {
            let reply = error_reply(frame.header.stream, e);
            self.writer
                .write(frame.header.version, &reply, &mut self.out);
            return;
        }
        let decoded = match frame.decode() {
            Ok(decoded) => {
                // 4.0 resets its count once a message is decoded and handed on.
                self.segment_errors = 0;
                decoded
            }
            Err(DecodeError::Protocol { message }) => {
                // A check 4.0's codecs make while reading a body (unknown consistency code,
                // `Long.MIN_VALUE` timestamp, bad batch type): its ProtocolException reaches
                // the client as an ERROR on the request's stream, and the connection stays
                // open (`PreV5Handlers.ExceptionHandler` sees it wrapped, so not fatal; v5's
                // `CQLMessageHandler.processRequest` makes only a repeated error fatal).
                self.closing = self.repeated_error();
                let reply = error_reply(frame.header.stream, dispatch::protocol_error(message));
                self.writer
                    .write(frame.header.version, &reply, &mut self.out);
                return;
            }
            Err(e @ DecodeError::Truncated { .. })
                if matches!(
                    frame.header.opcode,
                    Opcode::Query | Opcode::Execute | Opcode::Batch
                ) =>
            {
                // A body ending mid-field: 4.0's Netty buffer throws an
                // IndexOutOfBoundsException, which `ErrorMessage.fromException` answers as a
                // SERVER_ERROR carrying the exception's `toString()`, on the request's stream
                // and keeping the connection (the text cannot be reproduced exactly). A
                // repeat in one v5 segment becomes a fatal ProtocolException instead.
                let detail = format!("java.lang.IndexOutOfBoundsException: {e}");
                let error = if self.repeated_error() {
                    self.closing = true;
                    dispatch::protocol_error(format!(
                        "Error encountered decoding CQL message: {detail}"
                    ))
                } else {
                    ServerError {
                        kind: cassia_protocol::response::ErrorKind::ServerError,
                        message: detail,
                    }
                };
                let reply = error_reply(frame.header.stream, error);
                self.writer
                    .write(frame.header.version, &reply, &mut self.out);
                return;
            }
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
        let request = decoded.frame;
        if decoded.node_local {
            let reply = error_reply(frame.header.stream, dispatcher.refuse_node_local(&request));
            self.writer
                .write(frame.header.version, &reply, &mut self.out);
            return;
        }
        let mut delay = None;
        match faults::decide(&self.shared, frame.header.opcode, &request) {
            None => {}
            Some(Fault::Error(e)) => {
                let reply = error_reply(frame.header.stream, e);
                self.writer
                    .write(frame.header.version, &reply, &mut self.out);
                return;
            }
            Some(Fault::Drop) => return,
            Some(Fault::CloseConnection) => {
                self.closing = true;
                return;
            }
            Some(Fault::Delay(d)) => delay = Some(d),
            // A fault added later: behave normally rather than guess.
            #[allow(unreachable_patterns)]
            Some(_) => {}
        }
        let (reply, after) = dispatcher.handle(request);
        if let (Some(d), After::Nothing) = (delay, after) {
            let (tx, version) = (self.delayed.clone(), frame.header.version);
            if let Some(seq) = crate::durability::tape::take_pending() {
                self.durable_seq = self.durable_seq.max(seq);
            }
            tokio::spawn(async move {
                tokio::time::sleep(d).await;
                // The connection may be gone by then: nothing to answer.
                let _ = tx.send((version, reply));
            });
            return;
        }
        // The engine ran on this thread: pick up the journal record it appended, if any.
        if let Some(seq) = crate::durability::tape::take_pending() {
            self.durable_seq = self.durable_seq.max(seq);
        }
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
            After::Subscribe {
                schema,
                topology,
                status,
            } => {
                if schema && self.events.is_none() {
                    self.events = Some(self.shared.engine.subscribe_schema_changes());
                }
                if topology || status {
                    let (was_topology, was_status) = self
                        .cluster_events
                        .as_ref()
                        .map_or((false, false), |c| (c.topology, c.status));
                    let rx = match self.cluster_events.take() {
                        Some(c) => c.rx,
                        None => self.shared.engine.cluster().subscribe(),
                    };
                    self.cluster_events = Some(ClusterEvents {
                        rx,
                        topology: topology || was_topology,
                        status: status || was_status,
                    });
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

    /// A frame that cannot be handled: answer with an error if we know enough, then close
    /// unless the refusal leaves the stream in step.
    fn reject(&mut self, mut bad: BadInput) {
        if !bad.fatal && self.repeated_error() {
            // 4.0 turns the same ProtocolException fatal (`handleProtocolException`).
            bad.fatal = true;
        }
        tracing::debug!(error = %bad, fatal = bad.fatal, "bad input");
        self.writer.write_rejection(&bad, &mut self.out);
        self.closing = bad.fatal;
    }

    /// A frame was read: the first of a v5 segment starts 4.0's count of consecutive errors
    /// afresh (`CQLMessageHandler.process` resets it for each frame).
    fn enter_segment(&mut self) {
        if self.reader.opened_segment() {
            self.segment_errors = 0;
        }
    }

    /// Counts a non-fatal error and tells whether it is fatal after all: inside v5 segments
    /// 4.0 closes the connection on more than `consecutive_message_errors_threshold`
    /// consecutive errors within one segment; before v5 nothing is counted.
    fn repeated_error(&mut self) -> bool {
        if !self.reader.uses_segments() {
            return false;
        }
        self.segment_errors += 1;
        self.segment_errors > CONSECUTIVE_ERRORS_THRESHOLD
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

impl Connection {
    fn push_cluster_event(&mut self, event: Option<ClusterEvent>) {
        let (Some(event), Some(dispatcher)) = (event, self.dispatcher.as_ref()) else {
            self.cluster_events = None;
            return;
        };
        let reply = ResponseFrame::new(-1, Response::Event(event.event));
        self.writer
            .write(dispatcher.version(), &reply, &mut self.out);
        self.writer.flush(&mut self.out);
    }
}

/// A REGISTERed connection's subscription to topology and status events.
struct ClusterEvents {
    rx: broadcast::Receiver<ClusterEvent>,
    topology: bool,
    status: bool,
}

/// The next event this connection registered for about another node (a node does not
/// announce itself), or `None` once the channel is closed; pending when not registered.
async fn next_cluster_event(
    events: &mut Option<ClusterEvents>,
    node: usize,
) -> Option<ClusterEvent> {
    let Some(sub) = events else {
        return std::future::pending().await;
    };
    loop {
        match sub.rx.recv().await {
            Ok(e) if e.about == node => {}
            Ok(e) => {
                let wanted = match e.kind {
                    EventType::Topology => sub.topology,
                    EventType::Status => sub.status,
                };
                if wanted {
                    return Some(e);
                }
            }
            Err(broadcast::error::RecvError::Lagged(n)) => {
                tracing::warn!(missed = n, "cluster events dropped for a slow client");
            }
            Err(broadcast::error::RecvError::Closed) => return None,
        }
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

//! One connection to one node: pipelined requests over stream ids, a writer task that
//! coalesces queued frames into few writes, and a reader task that dispatches responses and
//! server events.
//!
//! When anything goes wrong with the byte stream (I/O error, peer close, a truncated,
//! oversized, corrupt or unknown frame) the connection is closed at once and every request
//! in flight on it fails with the same [`ConnectionError`]; the owner (a pool) learns of it
//! through [`Connection::closed`] and reconnects.

#[cfg(test)]
mod captures_test;
pub(crate) mod codec;
mod handshake;
mod heartbeat;
mod io;
pub(crate) mod stream_ids;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use cassia_protocol::frame::ProtocolVersion;
use cassia_protocol::response::Event;
use cassia_protocol::wire::EncodeError;
use tokio::sync::{Notify, mpsc, oneshot, watch};

pub(crate) use codec::{Envelope, Incoming};
pub(crate) use handshake::{open, use_keyspace};

use crate::error::ConnectionError;
use stream_ids::StreamIds;

/// Why a request on a connection did not get a response.
#[derive(Debug)]
pub(crate) enum SendError {
    /// Every stream id is in use (and the caller did not ask to wait).
    Busy,
    /// Every stream id stayed in use until the timeout: the request was never sent.
    NoStreamId(Duration),
    /// The connection is closed (or closed while waiting).
    Closed(ConnectionError),
    /// No response within the timeout; the stream id stays reserved.
    Timeout(Duration),
    /// The request could not be encoded.
    Encode(EncodeError),
}

struct State {
    ids: StreamIds<Incoming, ConnectionError>,
    closed: Option<ConnectionError>,
}

struct Shared {
    node: SocketAddr,
    version: ProtocolVersion,
    state: Mutex<State>,
    /// Frames waiting for the writer task, back to back: requests are encoded straight
    /// into it, and the writer swaps it for its spare buffer, so queueing a request
    /// allocates nothing once the buffers have grown.
    outbox: Mutex<Vec<u8>>,
    /// Wakes the writer task when frames are queued.
    wake_writer: Notify,
    /// Signalled once per freed stream id (and to all on close), for requests waiting for
    /// one.
    ids_freed: Notify,
    /// Flips to `true` once the connection is closed; the I/O tasks and the pool watch it.
    closed_tx: watch::Sender<bool>,
    /// Set by `send`, cleared by the heartbeat: whether the connection carried traffic lately.
    active: AtomicBool,
    /// Set when draining for a graceful shutdown: new requests are refused.
    draining: AtomicBool,
}

/// A handle to an open connection; cheap to clone.
#[derive(Clone)]
pub(crate) struct Connection {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("node", &self.shared.node)
            .field("version", &self.shared.version)
            .field("in_flight", &self.in_flight())
            .finish()
    }
}

impl Shared {
    fn outbox(&self) -> MutexGuard<'_, Vec<u8>> {
        // Poisoning cannot leave a torn frame: encoding truncates on error before returning.
        self.outbox.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A poisoned lock only means another task panicked mid-update; the table is still
        // consistent enough to fail requests, which is all we do after that.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Closes the connection once, failing every request in flight with `reason`.
    fn close(&self, reason: ConnectionError) {
        let waiters = {
            let mut state = self.lock();
            if state.closed.is_some() {
                return;
            }
            tracing::debug!(node = %self.node, %reason, in_flight = state.ids.in_flight(), "connection closed");
            state.closed = Some(reason.clone());
            state.ids.drain()
        };
        for w in waiters {
            let _ = w.send(Err(reason.clone()));
        }
        let _ = self.closed_tx.send(true);
        // Requests waiting for a stream id learn of the close.
        self.ids_freed.notify_waiters();
    }

    /// A stream id became free: one waiting request may take it.
    fn id_freed(&self) {
        self.ids_freed.notify_one();
    }
}

impl Connection {
    /// Wraps the I/O tasks' shared state; called by the handshake once the socket is ready.
    fn start(
        node: SocketAddr,
        version: ProtocolVersion,
        max_streams: usize,
        transport: handshake::Transport,
        framing: codec::Framing,
        max_frame_size: usize,
        events: Option<mpsc::UnboundedSender<Event>>,
    ) -> Connection {
        let (closed_tx, _) = watch::channel(false);
        let shared = Arc::new(Shared {
            node,
            version,
            state: Mutex::new(State {
                ids: StreamIds::new(max_streams),
                closed: None,
            }),
            outbox: Mutex::new(Vec::new()),
            wake_writer: Notify::new(),
            ids_freed: Notify::new(),
            closed_tx,
            active: AtomicBool::new(false),
            draining: AtomicBool::new(false),
        });
        io::spawn(shared.clone(), transport, framing, max_frame_size, events);
        Connection { shared }
    }

    /// The node this connection is open to.
    pub(crate) fn node(&self) -> SocketAddr {
        self.shared.node
    }

    /// The negotiated protocol version.
    pub(crate) fn version(&self) -> ProtocolVersion {
        self.shared.version
    }

    /// Requests waiting for a response (including timed-out ones whose id is still reserved).
    pub(crate) fn in_flight(&self) -> usize {
        self.shared.lock().ids.in_flight()
    }

    /// Why the connection closed, or `None` while it is open.
    pub(crate) fn close_reason(&self) -> Option<ConnectionError> {
        self.shared.lock().closed.clone()
    }

    /// Resolves once the connection is closed.
    pub(crate) async fn closed(&self) {
        let mut rx = self.shared.closed_tx.subscribe();
        let _ = rx.wait_for(|closed| *closed).await;
    }

    /// Closes the connection now; in-flight requests fail with `ClosedByDriver`.
    pub(crate) fn close(&self) {
        self.shared.close(ConnectionError::ClosedByDriver);
    }

    /// Refuses new requests, waits (up to `limit`) for those in flight, then closes.
    pub(crate) async fn drain_and_close(&self, limit: Duration) {
        self.shared.draining.store(true, Ordering::SeqCst);
        let deadline = tokio::time::Instant::now() + limit;
        while self.pending_waiters() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        self.close();
    }

    fn pending_waiters(&self) -> usize {
        let state = self.shared.lock();
        if state.closed.is_some() {
            0
        } else {
            state.ids.waiting()
        }
    }

    /// Sends a request and waits for its response; fails with [`SendError::Busy`] at once
    /// when every stream id is in use.
    pub(crate) async fn send(
        &self,
        envelope: &Envelope<'_>,
        timeout: Duration,
    ) -> Result<Incoming, SendError> {
        self.send_with(envelope, timeout, false).await
    }

    /// Sends a request and waits for its response. With `wait_for_id`, a request that
    /// finds every stream id in use waits for one to be freed instead of failing with
    /// `Busy`; `timeout` then covers that wait and the response together.
    pub(crate) async fn send_with(
        &self,
        envelope: &Envelope<'_>,
        timeout: Duration,
        wait_for_id: bool,
    ) -> Result<Incoming, SendError> {
        let deadline = tokio::time::Instant::now() + timeout;
        let (tx, rx) = oneshot::channel();
        let mut tx = Some(tx);
        let stream = loop {
            if self.shared.draining.load(Ordering::SeqCst) {
                return Err(SendError::Closed(ConnectionError::ClosedByDriver));
            }
            // Registered before looking at the table, so an id freed in between is not
            // missed.
            let freed = self.shared.ids_freed.notified();
            tokio::pin!(freed);
            freed.as_mut().enable();
            {
                let mut state = self.shared.lock();
                if let Some(reason) = &state.closed {
                    return Err(SendError::Closed(reason.clone()));
                }
                if !state.ids.is_full() {
                    // `tx` is only taken here, and the loop ends with it either way.
                    let allocated = tx.take().and_then(|reply| state.ids.allocate(reply));
                    match allocated {
                        Some(id) => break id,
                        None => return Err(SendError::Busy),
                    }
                }
                if !wait_for_id {
                    return Err(SendError::Busy);
                }
            }
            if tokio::time::timeout_at(deadline, freed).await.is_err() {
                tracing::debug!(node = %self.shared.node, "no stream id freed before the timeout");
                return Err(SendError::NoStreamId(timeout));
            }
        };
        // A closed connection's writer is gone, but `close` fails every waiter registered
        // before it (ours included), so a frame queued after that is simply never sent.
        let queued = {
            let mut outbox = self.shared.outbox();
            codec::encode_request_into(&mut outbox, self.shared.version, stream, envelope)
        };
        if let Err(e) = queued {
            self.shared.lock().ids.release_unsent(stream);
            self.shared.id_freed();
            return Err(SendError::Encode(e));
        }
        self.shared.wake_writer.notify_one();
        tracing::Span::current().record("stream", stream);
        tracing::trace!(node = %self.shared.node, stream, "request queued");
        self.shared.active.store(true, Ordering::Relaxed);
        match tokio::time::timeout_at(deadline, rx).await {
            Ok(Ok(Ok(incoming))) => Ok(incoming),
            Ok(Ok(Err(reason))) => Err(SendError::Closed(reason)),
            Ok(Err(_)) => Err(SendError::Closed(
                self.close_reason()
                    .unwrap_or(ConnectionError::ClosedByDriver),
            )),
            Err(_) => {
                // Keep the id reserved: a late response must not be taken for another
                // request's answer.
                self.shared.lock().ids.orphan(stream);
                Err(SendError::Timeout(timeout))
            }
        }
    }
}

/// A short name for a response, for "unexpected response" errors.
pub(crate) fn response_name(response: &cassia_protocol::response::Response) -> &'static str {
    use cassia_protocol::response::{Response, ResultBody};
    match response {
        Response::Error(_) => "ERROR",
        Response::Ready => "READY",
        Response::Authenticate(_) => "AUTHENTICATE",
        Response::Supported(_) => "SUPPORTED",
        Response::Result(ResultBody::Void) => "RESULT (void)",
        Response::Result(ResultBody::Rows(_)) => "RESULT (rows)",
        Response::Result(ResultBody::SetKeyspace(_)) => "RESULT (set keyspace)",
        Response::Result(ResultBody::Prepared(_)) => "RESULT (prepared)",
        Response::Result(ResultBody::SchemaChange(_)) => "RESULT (schema change)",
        Response::Event(_) => "EVENT",
        Response::AuthChallenge(_) => "AUTH_CHALLENGE",
        Response::AuthSuccess(_) => "AUTH_SUCCESS",
        _ => "unknown response",
    }
}

/// A QUERY with default parameters (consistency ONE), for internal statements.
pub(crate) fn simple_query(cql: &str) -> cassia_protocol::request::Request {
    use cassia_protocol::request::{Query, QueryParameters, Request};
    Request::Query(Query {
        query: cql.to_owned(),
        params: QueryParameters {
            consistency: cassia_protocol::consistency::Consistency::One,
            ..QueryParameters::default()
        },
    })
}

/// Turns a connection-level failure into the execute error callers see.
pub(crate) fn send_error(
    node: SocketAddr,
    statement: Arc<str>,
    e: SendError,
) -> crate::error::ExecuteError {
    use crate::error::ExecuteError;
    match e {
        SendError::Busy => ExecuteError::Busy { node },
        SendError::Closed(source) => ExecuteError::Connection {
            node,
            statement,
            source,
        },
        SendError::Timeout(after) => ExecuteError::Timeout {
            node,
            statement,
            after,
        },
        SendError::NoStreamId(after) => ExecuteError::StreamIdTimeout {
            node,
            statement,
            after,
        },
        SendError::Encode(e) => ExecuteError::Encode {
            statement,
            detail: e.to_string(),
        },
    }
}

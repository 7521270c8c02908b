//! The two tasks behind a connection.
//!
//! The writer takes every frame queued so far (requests encode straight into the
//! connection's outbox) and writes them with one `write_all`, so under load many requests
//! share a syscall (and, in v5, a segment). The reader decodes
//! responses as bytes arrive and hands each to the request waiting on its stream id; events
//! (stream -1) go to the control connection's channel. Any failure closes the connection
//! through `Shared::close`, which fails every waiter with the same error.

use std::sync::Arc;

use bytes::BytesMut;
use cassia_protocol::response::{Event, Response};
use tokio::io::{AsyncReadExt, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::sync::mpsc;

use super::Shared;
use super::codec::{FrameReader, FrameWriter, Framing, Incoming};
use super::handshake::Transport;
use crate::error::{BadFrame, ConnectionError};

/// Initial read buffer size.
const READ_CHUNK: usize = 64 * 1024;

pub(super) fn spawn(
    shared: Arc<Shared>,
    transport: Transport,
    framing: Framing,
    max_frame_size: usize,
    events: Option<mpsc::UnboundedSender<Event>>,
) {
    let (read_half, write_half) = tokio::io::split(transport);
    let mut read_framer = FrameReader::new(max_frame_size);
    read_framer.switch(framing);
    let mut write_framer = FrameWriter::new();
    write_framer.switch(framing);
    let r = shared.clone();
    tokio::spawn(async move {
        let reason = read_loop(&r, read_half, read_framer, events).await;
        r.close(reason);
    });
    tokio::spawn(async move {
        if let Err(reason) = write_loop(&shared, write_half, write_framer).await {
            shared.close(reason);
        }
    });
}

async fn write_loop(
    shared: &Shared,
    mut w: WriteHalf<Transport>,
    mut framer: FrameWriter,
) -> Result<(), ConnectionError> {
    let mut closed = shared.closed_tx.subscribe();
    // Swapped with the outbox: requests queue into one buffer while the other is written.
    let mut queued: Vec<u8> = Vec::new();
    let mut out = BytesMut::with_capacity(READ_CHUNK);
    loop {
        let woken = tokio::select! {
            () = shared.wake_writer.notified() => true,
            _ = closed.wait_for(|c| *c) => false,
        };
        if !woken {
            let _ = w.shutdown().await;
            return Ok(());
        }
        queued.clear();
        std::mem::swap(&mut queued, &mut *shared.outbox());
        if queued.is_empty() {
            continue;
        }
        out.clear();
        framer
            .write(&queued, &mut out)
            .map_err(ConnectionError::BadFrame)?;
        w.write_all(&out)
            .await
            .map_err(|e| ConnectionError::Io(Arc::new(e)))?;
        w.flush()
            .await
            .map_err(|e| ConnectionError::Io(Arc::new(e)))?;
        tracing::trace!(node = %shared.node, bytes = out.len(), "wrote queued frames");
    }
}

async fn read_loop(
    shared: &Shared,
    mut r: ReadHalf<Transport>,
    mut framer: FrameReader,
    events: Option<mpsc::UnboundedSender<Event>>,
) -> ConnectionError {
    let mut closed = shared.closed_tx.subscribe();
    let mut buf = BytesMut::with_capacity(READ_CHUNK);
    loop {
        loop {
            match framer.read(&mut buf) {
                Ok(Some(incoming)) => {
                    if let Err(reason) = dispatch(shared, incoming, events.as_ref()) {
                        return reason;
                    }
                }
                Ok(None) => break,
                Err(bad) => {
                    tracing::warn!(node = %shared.node, error = %bad, "invalid frame from server; closing connection");
                    return ConnectionError::BadFrame(bad);
                }
            }
        }
        if buf.capacity() - buf.len() < 4096 {
            buf.reserve(READ_CHUNK);
        }
        tokio::select! {
            read = r.read_buf(&mut buf) => match read {
                Ok(0) => return ConnectionError::ClosedByPeer,
                Ok(_) => {}
                Err(e) => return ConnectionError::Io(Arc::new(e)),
            },
            _ = closed.wait_for(|c| *c) => {}
        }
        if *closed.borrow() {
            return ConnectionError::ClosedByDriver;
        }
    }
}

/// Hands a response to its waiter. A response on a stream with no request is a protocol
/// violation that closes the connection.
fn dispatch(
    shared: &Shared,
    incoming: Incoming,
    events: Option<&mpsc::UnboundedSender<Event>>,
) -> Result<(), ConnectionError> {
    if incoming.stream < 0 {
        if let Response::Event(event) = incoming.response {
            tracing::debug!(node = %shared.node, ?event, "server event");
            if let Some(tx) = events {
                let _ = tx.send(event);
            }
            return Ok(());
        }
        return Err(ConnectionError::BadFrame(BadFrame::NotAnEvent {
            stream: incoming.stream,
        }));
    }
    let stream = incoming.stream;
    let waiter = shared.lock().ids.complete(stream);
    if waiter.is_some() {
        shared.id_freed();
    }
    match waiter {
        Some(Some(reply)) => {
            let _ = reply.send(Ok(incoming));
            Ok(())
        }
        Some(None) => {
            tracing::debug!(node = %shared.node, stream, "late response to a timed-out request");
            Ok(())
        }
        None => Err(ConnectionError::BadFrame(BadFrame::UnknownStream {
            stream,
        })),
    }
}

//! The two tasks behind a connection.
//!
//! The writer drains every frame queued so far and writes them with one `write_all`, so
//! under load many requests share a syscall (and, in v5, a segment). The reader decodes
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

/// Most frames coalesced into one write.
const MAX_BATCH: usize = 256;
/// Initial read buffer size.
const READ_CHUNK: usize = 64 * 1024;

pub(super) fn spawn(
    shared: Arc<Shared>,
    transport: Transport,
    framing: Framing,
    max_frame_size: usize,
    writer_rx: mpsc::UnboundedReceiver<Vec<u8>>,
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
        if let Err(reason) = write_loop(&shared, write_half, write_framer, writer_rx).await {
            shared.close(reason);
        }
    });
}

async fn write_loop(
    shared: &Shared,
    mut w: WriteHalf<Transport>,
    mut framer: FrameWriter,
    mut rx: mpsc::UnboundedReceiver<Vec<u8>>,
) -> Result<(), ConnectionError> {
    let mut closed = shared.closed_tx.subscribe();
    let mut batch: Vec<Vec<u8>> = Vec::with_capacity(MAX_BATCH);
    let mut out = BytesMut::with_capacity(READ_CHUNK);
    loop {
        let first = tokio::select! {
            frame = rx.recv() => match frame {
                Some(f) => Some(f),
                None => return Ok(()),
            },
            _ = closed.wait_for(|c| *c) => None,
        };
        let Some(first) = first else {
            let _ = w.shutdown().await;
            return Ok(());
        };
        batch.clear();
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(f) => batch.push(f),
                Err(_) => break,
            }
        }
        out.clear();
        framer
            .write(&batch, &mut out)
            .map_err(ConnectionError::BadFrame)?;
        w.write_all(&out)
            .await
            .map_err(|e| ConnectionError::Io(Arc::new(e)))?;
        w.flush()
            .await
            .map_err(|e| ConnectionError::Io(Arc::new(e)))?;
        tracing::trace!(node = %shared.node, frames = batch.len(), bytes = out.len(), "wrote batch");
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

//! The driver's view of the protocol codec: requests in, envelopes out, and a stream framer
//! that applies v4 compression or v5 segments. A thin adapter over `cassia-protocol`, so
//! the connection code does not depend on the exact shape of the codec's API.

use bytes::{Bytes, BytesMut};
use cassia_protocol::envelope::{RequestFrame, ResponseFrame};
use cassia_protocol::frame::ProtocolVersion;
use cassia_protocol::frame::{FrameHeader, HEADER_LEN};
use cassia_protocol::request::Request;
use cassia_protocol::response::Response;
use cassia_protocol::wire::EncodeError;
use uuid::Uuid;

use crate::config::Compression;

/// A request plus its envelope options.
#[derive(Debug, Clone)]
pub(crate) struct Envelope {
    pub(crate) request: Request,
    pub(crate) tracing: bool,
    pub(crate) custom_payload: Vec<(String, Bytes)>,
}

impl Envelope {
    pub(crate) fn new(request: Request) -> Self {
        Envelope {
            request,
            tracing: false,
            custom_payload: Vec::new(),
        }
    }
}

/// A decoded response frame.
#[derive(Debug, Clone)]
pub(crate) struct Incoming {
    pub(crate) stream: i16,
    pub(crate) tracing_id: Option<Uuid>,
    pub(crate) warnings: Vec<String>,
    pub(crate) response: Response,
}

/// Encodes one uncompressed frame (header + body) for `stream`.
pub(crate) fn encode_request(
    version: ProtocolVersion,
    stream: i16,
    envelope: &Envelope,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    let frame = RequestFrame {
        stream,
        tracing: envelope.tracing,
        custom_payload: if envelope.custom_payload.is_empty() {
            None
        } else {
            Some(
                envelope
                    .custom_payload
                    .iter()
                    .map(|(k, v)| (k.clone(), Some(v.to_vec())))
                    .collect(),
            )
        },
        request: envelope.request.clone(),
    };
    *out = frame.encode(version)?;
    Ok(())
}

/// How frames travel on the socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// Bare frames (v4, and v5 during the handshake), optionally with compressed bodies.
    Frames {
        version: ProtocolVersion,
        compression: Option<Compression>,
    },
    /// v5 segments (CRC24 header, CRC32 payload), optionally LZ4-compressed.
    Segments { lz4: bool },
}

/// Turns frames into socket bytes (the writer task's half).
#[derive(Debug)]
pub(crate) struct FrameWriter {
    framing: Framing,
}

impl FrameWriter {
    pub(crate) fn new(framing: Framing) -> Self {
        FrameWriter { framing }
    }

    /// Appends the wire form of `frames` (each an uncompressed frame) to `out`.
    pub(crate) fn write(&mut self, frames: &[Vec<u8>], out: &mut Vec<u8>) -> Result<(), String> {
        match self.framing {
            Framing::Frames {
                compression: None, ..
            } => {
                for f in frames {
                    out.extend_from_slice(f);
                }
                Ok(())
            }
            // TODO(proto-framing): compression and v5 segments come with the protocol
            // crate's FrameEncoder.
            other => Err(format!("framing {other:?} is not available yet")),
        }
    }
}

/// Turns socket bytes into responses (the reader task's half).
#[derive(Debug)]
pub(crate) struct FrameReader {
    framing: Framing,
    max_frame_size: usize,
}

impl FrameReader {
    pub(crate) fn new(framing: Framing, max_frame_size: usize) -> Self {
        FrameReader {
            framing,
            max_frame_size,
        }
    }

    /// Takes one complete response from the front of `buf`, `None` when more bytes are needed.
    pub(crate) fn read(&mut self, buf: &mut BytesMut) -> Result<Option<Incoming>, String> {
        match self.framing {
            Framing::Frames {
                compression: None, ..
            } => read_plain(buf, self.max_frame_size),
            // TODO(proto-framing): compression and v5 segments come with the protocol
            // crate's FrameDecoder.
            other => Err(format!("framing {other:?} is not available yet")),
        }
    }
}

/// One bare, uncompressed frame from the front of `buf`.
fn read_plain(buf: &mut BytesMut, max_frame_size: usize) -> Result<Option<Incoming>, String> {
    let Some(head) = buf.get(..HEADER_LEN) else {
        return Ok(None);
    };
    let mut bytes = [0u8; HEADER_LEN];
    bytes.copy_from_slice(head);
    let header = FrameHeader::parse(&bytes).map_err(|e| e.to_string())?;
    let length = header.length as usize;
    if length > max_frame_size {
        return Err(format!(
            "frame of {length} bytes exceeds the maximum of {max_frame_size} bytes"
        ));
    }
    if buf.len() < HEADER_LEN + length {
        buf.reserve(HEADER_LEN + length - buf.len());
        return Ok(None);
    }
    let mut frame = buf.split_to(HEADER_LEN + length);
    let body: Bytes = frame.split_off(HEADER_LEN).freeze();
    let decoded = ResponseFrame::decode_bytes(&header, &body).map_err(|e| {
        format!(
            "cannot decode {:?} on stream {}: {e}",
            header.opcode, header.stream
        )
    })?;
    Ok(Some(Incoming {
        stream: decoded.stream,
        tracing_id: decoded.tracing_id,
        warnings: decoded.warnings,
        response: decoded.response,
    }))
}

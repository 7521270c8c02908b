//! The driver's view of the protocol codec: requests in, envelopes out, and a stream framer
//! that applies v4 compression or v5 segments. A thin adapter over `cassia-protocol`, so
//! the connection code does not depend on the exact shape of the codec's API.

use bytes::{Bytes, BytesMut};
use cassia_protocol::codec::{FrameDecoder, FrameEncoder};
use cassia_protocol::compression::Compression;
use cassia_protocol::envelope::{RequestFrame, ResponseFrame};
use cassia_protocol::frame::ProtocolVersion;
use cassia_protocol::request::Request;
use cassia_protocol::response::Response;
use cassia_protocol::wire::EncodeError;
use uuid::Uuid;

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

/// How frames travel on the socket once the handshake is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// Bare frames (v4), optionally with compressed bodies.
    Frames { compression: Option<Compression> },
    /// v5 segments (CRC24 header, CRC32 payload), optionally LZ4-compressed.
    Segments { lz4: bool },
}

/// Turns frames into socket bytes (the writer task's half).
#[derive(Debug, Default)]
pub(crate) struct FrameWriter {
    encoder: FrameEncoder,
}

impl FrameWriter {
    /// A writer in plain framing (the handshake).
    pub(crate) fn new() -> Self {
        FrameWriter::default()
    }

    /// Switches to the framing negotiated by the handshake.
    pub(crate) fn switch(&mut self, framing: Framing) {
        match framing {
            Framing::Frames { compression } => self.encoder.set_compression(compression),
            Framing::Segments { lz4 } => self.encoder.use_segments(lz4),
        }
    }

    /// Appends the wire form of `frames` (each an uncompressed frame) to `out`; in v5 they
    /// share segments.
    pub(crate) fn write(&mut self, frames: &[Vec<u8>], out: &mut BytesMut) -> Result<(), String> {
        self.encoder
            .encode_all(frames.iter().map(Vec::as_slice), out)
            .map_err(|e| e.to_string())
    }
}

/// Turns socket bytes into responses (the reader task's half).
#[derive(Debug)]
pub(crate) struct FrameReader {
    decoder: FrameDecoder,
}

impl FrameReader {
    /// A reader in plain framing (the handshake) with the given frame size cap.
    pub(crate) fn new(max_frame_size: usize) -> Self {
        let mut decoder = FrameDecoder::new();
        decoder.set_max_frame_size(max_frame_size);
        FrameReader { decoder }
    }

    /// v4: frames flagged compressed are decompressed from now on (set once STARTUP
    /// named a compression, as the server compresses its READY already).
    pub(crate) fn set_compression(&mut self, compression: Option<Compression>) {
        self.decoder.set_compression(compression);
    }

    /// Switches to the framing negotiated by the handshake.
    pub(crate) fn switch(&mut self, framing: Framing) {
        match framing {
            Framing::Frames { compression } => self.decoder.set_compression(compression),
            Framing::Segments { lz4 } => self.decoder.use_segments(lz4),
        }
    }

    /// Takes one complete response from the front of `buf`, `None` when more bytes are needed.
    pub(crate) fn read(&mut self, buf: &mut BytesMut) -> Result<Option<Incoming>, String> {
        let Some(frame) = self.decoder.decode(buf).map_err(|e| e.to_string())? else {
            return Ok(None);
        };
        let header = frame.header;
        let decoded = ResponseFrame::decode_bytes(&header, &frame.body).map_err(|e| {
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
}

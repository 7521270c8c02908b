//! The driver's view of the protocol codec: requests in, envelopes out, and a stream framer
//! that applies v4 compression or v5 segments. A thin adapter over `cassia-protocol`, so
//! the connection code does not depend on the exact shape of the codec's API.

use bytes::{Bytes, BytesMut};
use cassia_protocol::codec::{FrameDecoder, FrameEncoder};
use cassia_protocol::compression::Compression;
use cassia_protocol::envelope::{CustomPayload, ResponseFrame, encode_request_frame_into};
use cassia_protocol::frame::ProtocolVersion;
use cassia_protocol::request::{Request, RequestRef};
use cassia_protocol::response::{MetadataCache, Response};
use cassia_protocol::wire::EncodeError;
use uuid::Uuid;

use crate::error::BadFrame;

/// A request plus its envelope options, ready to be encoded for any stream id. The request
/// is either owned (handshake, control queries) or a borrowed view of what the caller holds
/// (statements on the hot path), so bound values are written straight into the frame.
#[derive(Debug, Clone)]
pub(crate) struct Envelope<'a> {
    request: Body<'a>,
    tracing: bool,
    custom_payload: Option<CustomPayload>,
}

#[derive(Debug, Clone)]
enum Body<'a> {
    Owned(Request),
    Borrowed(RequestRef<'a>),
}

impl Envelope<'static> {
    pub(crate) fn new(request: Request) -> Self {
        Envelope {
            request: Body::Owned(request),
            tracing: false,
            custom_payload: None,
        }
    }
}

impl<'a> Envelope<'a> {
    /// An envelope around a borrowed request.
    pub(crate) fn borrowed(request: RequestRef<'a>) -> Self {
        Envelope {
            request: Body::Borrowed(request),
            tracing: false,
            custom_payload: None,
        }
    }

    fn request(&self) -> RequestRef<'_> {
        match &self.request {
            Body::Owned(r) => RequestRef::Owned(r),
            Body::Borrowed(r) => *r,
        }
    }

    /// Asks the server to trace the request.
    pub(crate) fn with_tracing(mut self, tracing: bool) -> Self {
        self.tracing = tracing;
        self
    }

    /// Attaches a custom payload (nothing when empty).
    pub(crate) fn with_custom_payload(mut self, payload: &[(String, Bytes)]) -> Self {
        self.custom_payload = (!payload.is_empty()).then(|| {
            payload
                .iter()
                .map(|(k, v)| (k.clone(), Some(v.to_vec())))
                .collect()
        });
        self
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

/// Appends the whole uncompressed frame for `envelope` on `stream` to `out` (the
/// connection's queue of frames waiting for the writer). On error `out` is unchanged.
pub(crate) fn encode_request_into(
    out: &mut Vec<u8>,
    version: ProtocolVersion,
    stream: i16,
    envelope: &Envelope<'_>,
) -> Result<(), EncodeError> {
    encode_request_frame_into(
        out,
        version,
        stream,
        envelope.tracing,
        envelope.custom_payload.as_ref(),
        envelope.request(),
    )
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

    /// Appends the wire form of the frames queued back to back in `queued` (each an
    /// uncompressed frame) to `out`; in v5 they share segments.
    pub(crate) fn write(&mut self, queued: &[u8], out: &mut BytesMut) -> Result<(), BadFrame> {
        self.encoder
            .encode_contiguous(queued, out)
            .map_err(BadFrame::Outgoing)
    }
}

/// Turns socket bytes into responses (the reader task's half).
#[derive(Debug)]
pub(crate) struct FrameReader {
    decoder: FrameDecoder,
    /// Column specs of recent results: a statement's responses share one decoded set.
    metadata: MetadataCache,
}

impl FrameReader {
    /// A reader in plain framing (the handshake) with the given frame size cap.
    pub(crate) fn new(max_frame_size: usize) -> Self {
        let mut decoder = FrameDecoder::new();
        decoder.set_max_frame_size(max_frame_size);
        FrameReader {
            decoder,
            metadata: MetadataCache::new(),
        }
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
    pub(crate) fn read(&mut self, buf: &mut BytesMut) -> Result<Option<Incoming>, BadFrame> {
        let Some(frame) = self.decoder.decode(buf)? else {
            return Ok(None);
        };
        let header = frame.header;
        let decoded = ResponseFrame::decode_bytes_cached(&header, &frame.body, &mut self.metadata)
            .map_err(|source| BadFrame::Body {
                opcode: opcode_name(header.opcode),
                stream: header.stream,
                source,
            })?;
        Ok(Some(Incoming {
            stream: decoded.stream,
            tracing_id: decoded.tracing_id,
            warnings: decoded.warnings,
            response: decoded.response,
        }))
    }
}

/// The protocol's name for an opcode, for errors.
fn opcode_name(opcode: cassia_protocol::frame::Opcode) -> &'static str {
    use cassia_protocol::frame::Opcode;
    match opcode {
        Opcode::Error => "ERROR",
        Opcode::Ready => "READY",
        Opcode::Authenticate => "AUTHENTICATE",
        Opcode::Supported => "SUPPORTED",
        Opcode::Result => "RESULT",
        Opcode::Event => "EVENT",
        Opcode::AuthChallenge => "AUTH_CHALLENGE",
        Opcode::AuthSuccess => "AUTH_SUCCESS",
        _ => "a request opcode",
    }
}

//! Bytes ↔ frames for one connection, as the negotiated version requires:
//! - v4: bare frames; after a STARTUP with `COMPRESSION`, every body (READY included) is
//!   LZ4- or Snappy-compressed with flag 0x01;
//! - v5: bare frames for OPTIONS/SUPPORTED and STARTUP/READY, then segments (CRC24 header,
//!   CRC32 payload, optionally LZ4), several whole frames per segment when they fit.
//!
//! The header checks (version, opcode, length cap) happen here, before any body is decoded,
//! so a hostile length never makes us buffer more than `max_frame_size`.

use bytes::{Buf, Bytes, BytesMut};
use cassia_protocol::frame::{FrameFlags, FrameHeader, HEADER_LEN, Opcode, ProtocolVersion};
use cassia_protocol::request::Request;
use cassia_protocol::response::{Response, ServerError};
use cassia_protocol::wire::{DecodeError, Reader};

use super::dispatch::{Compression, Reply, protocol_error, version_label};
use super::segments::{SegmentReader, SegmentWriter};
use crate::server::Shared;

/// A request frame whose header passed the checks and whose body is complete.
#[derive(Debug)]
pub(crate) struct Frame {
    pub header: FrameHeader,
    /// Body after decompression.
    body: Bytes,
}

impl Frame {
    /// Decodes the message (skipping a custom payload, which the emulator ignores).
    pub(crate) fn decode(&self) -> Result<Request, DecodeError> {
        let mut reader = Reader::new(&self.body);
        if self.header.flags.contains(FrameFlags::CUSTOM_PAYLOAD) {
            reader.bytes_map("custom payload")?;
        }
        super::codec::decode_request(self.header.opcode, self.header.version, reader.rest())
    }
}

/// Result of one attempt to take a frame from the input.
#[derive(Debug)]
pub(crate) enum Inbound {
    NeedMore,
    Frame(Frame),
}

/// Input that ends the connection, with what to answer (if the header was readable).
#[derive(Debug, thiserror::Error)]
#[error("{}", error.message)]
pub(crate) struct BadInput {
    /// Version byte (without direction bit) for the error frame: one the client reads.
    version: u8,
    stream: i16,
    error: ServerError,
    /// Whether the error frame must go inside segments (v5 after the handshake).
    in_segments: bool,
}

/// Splits the input into frames.
#[derive(Debug)]
pub(crate) struct FrameReader {
    versions: Vec<ProtocolVersion>,
    max_frame_size: usize,
    /// Fixed by the first frame.
    version: Option<ProtocolVersion>,
    compression: Option<Compression>,
    /// v5 after STARTUP: frames come out of segments.
    segments: Option<SegmentReader>,
    /// Reassembled segment payloads not yet split into frames.
    payload: BytesMut,
}

impl FrameReader {
    pub(crate) fn new(shared: &Shared) -> FrameReader {
        FrameReader {
            versions: shared.versions.clone(),
            max_frame_size: shared.max_frame_size,
            version: None,
            compression: None,
            segments: None,
            payload: BytesMut::new(),
        }
    }

    /// STARTUP was accepted: v4 bodies are compressed from now on; v5 switches to segments.
    pub(crate) fn started(&mut self, compression: Option<Compression>) {
        match self.version {
            Some(ProtocolVersion::V5) => {
                self.segments = Some(SegmentReader::new(
                    compression == Some(Compression::Lz4),
                    self.max_frame_size,
                ));
            }
            _ => self.compression = compression,
        }
    }

    /// The next complete frame, `NeedMore`, or the reason to close.
    pub(crate) fn next(&mut self, input: &mut BytesMut) -> Result<Inbound, BadInput> {
        if self.segments.is_none() {
            return self.next_frame_from(input, false);
        }
        // v5 after the handshake: move segment payloads out of the input until the
        // reassembled payload holds a complete frame.
        loop {
            let mut payload = std::mem::take(&mut self.payload);
            let attempt = self.next_frame_from(&mut payload, true);
            self.payload = payload;
            if !matches!(attempt, Ok(Inbound::NeedMore)) {
                return attempt;
            }
            let Some(segments) = self.segments.as_mut() else {
                return Ok(Inbound::NeedMore);
            };
            match segments.next(input, &mut self.payload) {
                Ok(true) => {}
                Ok(false) => return Ok(Inbound::NeedMore),
                Err(e) => {
                    return Err(BadInput {
                        version: ProtocolVersion::V5.number(),
                        stream: 0,
                        error: protocol_error(e.to_string()),
                        in_segments: true,
                    });
                }
            }
        }
    }

    fn next_frame_from(
        &mut self,
        buf: &mut BytesMut,
        in_segments: bool,
    ) -> Result<Inbound, BadInput> {
        let Some(head) = buf.get(..HEADER_LEN) else {
            return Ok(Inbound::NeedMore);
        };
        let raw = RawHeader::parse(head);
        let bad = |version: u8, error: ServerError| BadInput {
            version,
            stream: raw.stream,
            error,
            in_segments,
        };
        let version = self.check_version(&raw).map_err(|(v, e)| bad(v, e))?;
        let reply_version = version.number();
        let Some(opcode) = Opcode::from_code(raw.opcode).filter(|op| is_request(*op)) else {
            return Err(bad(reply_version, unknown_opcode(raw.opcode)));
        };
        let total = HEADER_LEN as u64 + u64::from(raw.length);
        if total > self.max_frame_size as u64 {
            return Err(bad(
                reply_version,
                protocol_error(format!(
                    "Request is too big: length {total} exceeds maximum allowed length {}.",
                    self.max_frame_size
                )),
            ));
        }
        let total = total as usize;
        if buf.len() < total {
            buf.reserve(total - buf.len());
            return Ok(Inbound::NeedMore);
        }
        let mut frame = buf.split_to(total).freeze();
        frame.advance(HEADER_LEN);
        let flags = FrameFlags(raw.flags);
        let body = if flags.contains(FrameFlags::COMPRESSION) && !in_segments {
            self.decompress(frame)
                .map_err(|e| bad(reply_version, protocol_error(e)))?
        } else {
            frame
        };
        Ok(Inbound::Frame(Frame {
            header: FrameHeader {
                version,
                direction: cassia_protocol::frame::Direction::Request,
                flags,
                stream: raw.stream,
                opcode,
                length: raw.length,
            },
            body,
        }))
    }

    /// The first frame fixes the version; later ones must repeat it.
    fn check_version(&mut self, raw: &RawHeader) -> Result<ProtocolVersion, (u8, ServerError)> {
        let number = raw.version & 0x7f;
        if let Some(fixed) = self.version {
            if number != fixed.number() || raw.version & 0x80 != 0 {
                return Err((
                    fixed.number(),
                    protocol_error(format!(
                        "Invalid message version. Got {} but previous messages on this connection had version {}",
                        version_text(number),
                        version_label(fixed)
                    )),
                ));
            }
            return Ok(fixed);
        }
        let accepted = ProtocolVersion::from_number(number)
            .filter(|v| self.versions.contains(v) && raw.version & 0x80 == 0);
        match accepted {
            Some(v) => {
                self.version = Some(v);
                Ok(v)
            }
            None => {
                let labels: Vec<String> = self.versions.iter().map(|v| version_label(*v)).collect();
                let message = format!(
                    "Invalid or unsupported protocol version ({number}); supported versions are ({})",
                    labels.join(", ")
                );
                // Answer in a version the client can read: its own if it is older than ours
                // (drivers then step down), else the newest we speak.
                let min = self.versions.first().map_or(4, |v| v.number());
                let max = self.versions.last().map_or(4, |v| v.number());
                let reply = if number < min { number.max(1) } else { max };
                Err((reply, protocol_error(message)))
            }
        }
    }

    fn decompress(&self, body: Bytes) -> Result<Bytes, String> {
        match self.compression {
            None => Err("Received a compressed frame but no compression was negotiated".to_owned()),
            Some(Compression::Lz4) => {
                let (len, block) = match body.get(..4) {
                    Some(prefix) => (
                        u32::from_be_bytes([prefix[0], prefix[1], prefix[2], prefix[3]]) as usize,
                        &body[4..],
                    ),
                    None => return Err("LZ4 body shorter than its length prefix".to_owned()),
                };
                if len > self.max_frame_size {
                    return Err(format!(
                        "Request is too big: length {len} exceeds maximum allowed length {}.",
                        self.max_frame_size
                    ));
                }
                lz4_flex::block::decompress(block, len)
                    .map(Bytes::from)
                    .map_err(|e| format!("Cannot decompress LZ4 body: {e}"))
            }
            Some(Compression::Snappy) => {
                let len = snap::raw::decompress_len(&body)
                    .map_err(|e| format!("Cannot decompress Snappy body: {e}"))?;
                if len > self.max_frame_size {
                    return Err(format!(
                        "Request is too big: length {len} exceeds maximum allowed length {}.",
                        self.max_frame_size
                    ));
                }
                snap::raw::Decoder::new()
                    .decompress_vec(&body)
                    .map(Bytes::from)
                    .map_err(|e| format!("Cannot decompress Snappy body: {e}"))
            }
        }
    }
}

/// The 9 header bytes before validation.
struct RawHeader {
    version: u8,
    flags: u8,
    stream: i16,
    opcode: u8,
    length: u32,
}

impl RawHeader {
    /// `head` is exactly `HEADER_LEN` bytes.
    fn parse(head: &[u8]) -> RawHeader {
        let mut h = [0u8; HEADER_LEN];
        h.copy_from_slice(head);
        RawHeader {
            version: h[0],
            flags: h[1],
            stream: i16::from_be_bytes([h[2], h[3]]),
            opcode: h[4],
            length: u32::from_be_bytes([h[5], h[6], h[7], h[8]]),
        }
    }
}

fn is_request(op: Opcode) -> bool {
    matches!(
        op,
        Opcode::Startup
            | Opcode::Options
            | Opcode::Query
            | Opcode::Prepare
            | Opcode::Execute
            | Opcode::Register
            | Opcode::Batch
            | Opcode::AuthResponse
    )
}

fn unknown_opcode(code: u8) -> ServerError {
    match Opcode::from_code(code) {
        Some(op) => protocol_error(format!(
            "Wrong protocol direction (expected RESPONSE, got REQUEST) for opcode {code} ({op:?})"
        )),
        None => protocol_error(format!("Unknown opcode {code}")),
    }
}

fn version_text(number: u8) -> String {
    match ProtocolVersion::from_number(number) {
        Some(v) => version_label(v),
        None => number.to_string(),
    }
}

/// Encodes responses into the output buffer.
#[derive(Debug, Default)]
pub(crate) struct FrameWriter {
    /// v4 body compression.
    compression: Option<Compression>,
    /// v5 after READY: frames are collected here and cut into segments on flush.
    segments: Option<SegmentWriter>,
    pending: Vec<u8>,
    scratch: Vec<u8>,
}

impl FrameWriter {
    /// Called before writing the STARTUP reply: v4 compresses that reply already.
    pub(crate) fn started_before_reply(
        &mut self,
        version: ProtocolVersion,
        compression: Option<Compression>,
    ) {
        if version == ProtocolVersion::V4 {
            self.compression = compression;
        }
    }

    /// Called after writing the STARTUP reply: v5 frames everything after it in segments.
    pub(crate) fn started_after_reply(
        &mut self,
        version: ProtocolVersion,
        compression: Option<Compression>,
        out: &mut Vec<u8>,
    ) {
        if version == ProtocolVersion::V5 {
            self.flush(out);
            self.segments = Some(SegmentWriter::new(compression == Some(Compression::Lz4)));
        }
    }

    /// Appends one response frame.
    pub(crate) fn write(&mut self, version: ProtocolVersion, reply: &Reply, out: &mut Vec<u8>) {
        let mut flags = FrameFlags::default();
        let body = &mut self.scratch;
        body.clear();
        if let Some(id) = reply.tracing_id {
            flags.set(FrameFlags::TRACING, true);
            body.extend_from_slice(id.as_bytes());
        }
        if !reply.warnings.is_empty() {
            flags.set(FrameFlags::WARNING, true);
            // Warnings are short server texts; one that cannot be encoded is dropped.
            if cassia_protocol::wire::put_string_list(body, &reply.warnings, "warnings").is_err() {
                flags.set(FrameFlags::WARNING, false);
                body.truncate(if reply.tracing_id.is_some() { 16 } else { 0 });
            }
        }
        let prefix = body.len();
        let mut opcode = super::codec::response_opcode(&reply.response);
        if let Err(e) = super::codec::encode_response(&reply.response, version, body) {
            // A result we cannot put on the wire: tell the client instead of hanging it.
            tracing::warn!(error = %e, "response could not be encoded");
            body.truncate(prefix);
            let error = Response::Error(ServerError {
                kind: cassia_protocol::response::ErrorKind::ServerError,
                message: format!("response could not be encoded: {e}"),
            });
            opcode = Opcode::Error;
            if super::codec::encode_response(&error, version, body).is_err() {
                body.truncate(prefix);
            }
        }
        let target = if self.segments.is_some() {
            &mut self.pending
        } else {
            &mut *out
        };
        match self.compression {
            Some(c) if self.segments.is_none() => {
                flags.set(FrameFlags::COMPRESSION, true);
                let compressed = compress(c, body);
                put_header(
                    target,
                    version.number(),
                    flags.0,
                    reply.stream,
                    opcode.code(),
                    compressed.len(),
                );
                target.extend_from_slice(&compressed);
            }
            _ => {
                put_header(
                    target,
                    version.number(),
                    flags.0,
                    reply.stream,
                    opcode.code(),
                    body.len(),
                );
                target.extend_from_slice(body);
            }
        }
    }

    /// Wraps frames written since the last flush into segments (v5); no-op otherwise.
    pub(crate) fn flush(&mut self, out: &mut Vec<u8>) {
        if let Some(segments) = &mut self.segments {
            if !self.pending.is_empty() {
                segments.write(&self.pending, out);
                self.pending.clear();
            }
        }
    }

    /// The error frame for input we reject, written even when no version was agreed.
    pub(crate) fn write_rejection(&mut self, bad: &BadInput, out: &mut Vec<u8>) {
        let mut body = Vec::new();
        let encoded = Response::Error(bad.error.clone());
        match ProtocolVersion::from_number(bad.version) {
            Some(version) => {
                if super::codec::encode_response(&encoded, version, &mut body).is_err() {
                    return;
                }
            }
            None => {
                // v1-v3: the error body has the same layout, but our codec only speaks v4+.
                cassia_protocol::wire::put_i32(&mut body, 0x000A);
                if cassia_protocol::wire::put_string(&mut body, &bad.error.message, "message")
                    .is_err()
                {
                    return;
                }
            }
        }
        let use_segments = bad.in_segments && self.segments.is_some();
        let compress_with = if use_segments { None } else { self.compression };
        let target = if use_segments {
            &mut self.pending
        } else {
            &mut *out
        };
        match compress_with {
            Some(c) => {
                let compressed = compress(c, &body);
                put_header(
                    target,
                    bad.version,
                    FrameFlags::COMPRESSION,
                    bad.stream,
                    0,
                    compressed.len(),
                );
                target.extend_from_slice(&compressed);
            }
            None => {
                put_header(target, bad.version, 0, bad.stream, 0, body.len());
                target.extend_from_slice(&body);
            }
        }
        self.flush(out);
    }
}

fn put_header(out: &mut Vec<u8>, version: u8, flags: u8, stream: i16, opcode: u8, len: usize) {
    out.push(0x80 | version);
    out.push(flags);
    out.extend_from_slice(&stream.to_be_bytes());
    out.push(opcode);
    // Bodies are bounded far below 2^31 by construction (results of an in-memory store).
    out.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_be_bytes());
}

/// v4 body compression: LZ4 with a big-endian length prefix, or raw Snappy.
fn compress(c: Compression, body: &[u8]) -> Vec<u8> {
    match c {
        Compression::Lz4 => {
            let mut out =
                Vec::with_capacity(4 + lz4_flex::block::get_maximum_output_size(body.len()));
            out.extend_from_slice(&u32::try_from(body.len()).unwrap_or(u32::MAX).to_be_bytes());
            out.extend_from_slice(&lz4_flex::block::compress(body));
            out
        }
        Compression::Snappy => snap::raw::Encoder::new()
            .compress_vec(body)
            // Only fails for inputs over ~4 GiB, which frames never are.
            .unwrap_or_default(),
    }
}

//! Bytes ↔ frames for one connection, on top of the protocol crate's streaming codec
//! (`FrameDecoder`/`FrameEncoder`: v4 bodies, LZ4/Snappy, v5 segments).
//!
//! What is added here is the server's side of the rules: which versions this server accepts
//! (STARTUP fixes the connection's), that clients send requests only, the frame size
//! cap, and Cassandra's wording for each refusal, answered on the offending stream when the
//! header was readable and in a version the client can read.

use bytes::{Bytes, BytesMut};
use cassia_protocol::codec::{FrameDecoder, FrameEncoder, FrameError};
use cassia_protocol::compression::Compression;
use cassia_protocol::envelope::{RequestFrame, ResponseFrame};
use cassia_protocol::frame::{
    Direction, FrameFlags, FrameHeader, HEADER_LEN, Opcode, ProtocolVersion,
};
use cassia_protocol::response::{ErrorKind, Response, ServerError};
use cassia_protocol::wire::DecodeError;

use super::dispatch::{BETA_VERSION, number_label, protocol_error, supported_labels};
use super::legacy;
use crate::server::Shared;

/// A request frame whose header passed the checks, body decompressed.
#[derive(Debug)]
pub(crate) struct Frame {
    pub header: FrameHeader,
    body: Bytes,
}

impl Frame {
    /// Decodes the message and its envelope (custom payload, tracing flag), as leniently as
    /// 4.0's `Message.Decoder`: bytes after the message and query flag bits 4.0 does not
    /// define are ignored. A QUERY at 4.0's NODE_LOCAL consistency, which 4.0 decodes (the
    /// driver's `Consistency` has no such level), decodes with ONE in its place and comes
    /// back flagged.
    pub(crate) fn decode(&self) -> Result<Decoded, DecodeError> {
        let error = match RequestFrame::decode_lenient(&self.header, &self.body) {
            Ok(frame) => {
                return Ok(Decoded {
                    frame,
                    node_local: false,
                });
            }
            Err(e) => e,
        };
        // The codec refuses code 0x000B: only then is the raw code worth looking for, so
        // well-formed requests are parsed once.
        let Some(at) = self.node_local_at() else {
            return Err(error);
        };
        let mut body = self.body.to_vec();
        if let Some(code) = body.get_mut(at..at + 2) {
            code.copy_from_slice(&1u16.to_be_bytes());
        }
        Ok(Decoded {
            frame: RequestFrame::decode_lenient(&self.header, &body)?,
            node_local: true,
        })
    }

    /// Where a QUERY's consistency sits in the body when it is NODE_LOCAL's code.
    fn node_local_at(&self) -> Option<usize> {
        if self.header.opcode != Opcode::Query {
            return None;
        }
        let mut r = cassia_protocol::wire::Reader::new(&self.body);
        if self.header.flags.contains(FrameFlags::CUSTOM_PAYLOAD) {
            r.bytes_map("custom payload").ok()?;
        }
        r.long_string("query string").ok()?;
        let at = self.body.len() - r.remaining();
        (r.u16("consistency").ok()? == NODE_LOCAL).then_some(at)
    }
}

/// A decoded request.
#[derive(Debug)]
pub(crate) struct Decoded {
    pub frame: RequestFrame,
    /// A QUERY at consistency 0x000B, 4.0's NODE_LOCAL (decoded with ONE in its place).
    pub node_local: bool,
}

/// 4.0's `ConsistencyLevel.NODE_LOCAL` code.
const NODE_LOCAL: u16 = 0x000B;

/// Input refused with an error, which mostly ends the connection.
#[derive(Debug, thiserror::Error)]
#[error("{}", error.message)]
pub(crate) struct BadInput {
    /// Version number for the error frame: one the client can read.
    version: u8,
    stream: i16,
    error: ServerError,
    /// Whether the connection closes after the error (a skipped envelope inside v5 segments
    /// leaves the stream in step).
    pub(crate) fatal: bool,
}

/// Splits the input into checked request frames.
#[derive(Debug)]
pub(crate) struct FrameReader {
    decoder: FrameDecoder,
    versions: Vec<ProtocolVersion>,
    max_frame_size: usize,
    /// The version of the frame last read; fixed by STARTUP.
    version: Option<ProtocolVersion>,
    /// The connection speaks v3 (before STARTUP: the frame last read did): frames are read
    /// as v4 (see `legacy`), `version` is V4.
    v3: bool,
    /// The connection speaks 4.0's v6 beta (with USE_BETA; before STARTUP: the frame last
    /// read did): it frames and encodes exactly as v5, so frames are read as v5 and
    /// `version` is V5.
    beta: bool,
    /// STARTUP was accepted: from then on 4.0's `PreV5Handlers.ProtocolDecoder` compares
    /// each frame's version with the connection's.
    established: bool,
    /// The version number the frame at the front of the input carried, once seen (its byte
    /// may since have been rewritten for the codec).
    front: Option<u8>,
}

impl FrameReader {
    pub(crate) fn new(shared: &Shared) -> FrameReader {
        FrameReader::accepting(shared.versions.clone(), shared.max_frame_size)
    }

    /// A reader accepting `versions` and frames of up to `max_frame_size` bytes.
    fn accepting(versions: Vec<ProtocolVersion>, max_frame_size: usize) -> FrameReader {
        let mut decoder = FrameDecoder::new();
        // Our cap counts the header, as Cassandra's `native_transport_max_frame_size` does.
        decoder.set_max_frame_size(max_frame_size.saturating_sub(HEADER_LEN));
        FrameReader {
            decoder,
            versions,
            max_frame_size,
            version: None,
            v3: false,
            beta: false,
            established: false,
            front: None,
        }
    }

    /// Whether the connection speaks the v6 beta (read as v5).
    pub(crate) fn is_beta(&self) -> bool {
        self.beta
    }

    /// Whether the connection speaks v3 (read as v4).
    pub(crate) fn is_v3(&self) -> bool {
        self.v3
    }

    /// Whether the frame last read is the first (or only) one of its v5 segment; always
    /// true in plain framing.
    pub(crate) fn opened_segment(&self) -> bool {
        self.decoder.last_frame_opened_segment()
    }

    /// Whether frames arrive in v5 segments.
    pub(crate) fn uses_segments(&self) -> bool {
        self.decoder.uses_segments()
    }

    fn accepts_v3(&self) -> bool {
        self.versions.contains(&ProtocolVersion::V4)
    }

    /// The connection's version, once STARTUP fixed it.
    fn fixed(&self) -> Option<ProtocolVersion> {
        self.version.filter(|_| self.established)
    }

    /// The number the connection's frames carry on the wire: v3 is read as v4 and the v6
    /// beta as v5.
    fn fixed_number(&self, fixed: ProtocolVersion) -> u8 {
        if self.v3 {
            legacy::V3
        } else if self.beta {
            BETA_VERSION
        } else {
            fixed.number()
        }
    }

    /// 4.0's refusal of a frame carrying `got` on a connection of version `fixed` (before
    /// v5 segments; inside them `envelope_error_in_segments` words it).
    fn version_mismatch(&self, got: u8, fixed: ProtocolVersion) -> ServerError {
        protocol_error(format!(
            "Invalid message version. Got {} but previous messages on this connection had version {}",
            number_label(got),
            number_label(self.fixed_number(fixed))
        ))
    }

    /// What the version byte at the front of `input` needs before the v4 codec sees it, as
    /// 4.0 reads each frame's version (`Envelope.Decoder`, then after STARTUP
    /// `PreV5Handlers.ProtocolDecoder`):
    /// - before STARTUP there is no connection version to compare with
    ///   (`InitialConnectionHandler`): each frame is read in its own version, v3 rewritten to
    ///   v4 and v6 (with USE_BETA) read as v5;
    /// - after STARTUP a frame of another version 4.0 can read (3, 4, 5, or 6 with USE_BETA)
    ///   is framed as the connection's version and refused in [`next`](Self::next) without
    ///   closing: `ProtocolDecoder` throws it wrapped with the stream id, which its
    ///   `ExceptionHandler` does not treat as fatal;
    /// - a v6 frame without USE_BETA is refused and closes (`Envelope.Decoder` throws it
    ///   unwrapped), and versions 4.0 cannot decode are left to the codec, which refuses them.
    fn legacy_version(&mut self, input: &mut BytesMut) -> Result<(), BadInput> {
        let Some(&first) = input.first() else {
            return Ok(());
        };
        // The byte may have been rewritten by an earlier call while the frame was incomplete.
        let wire = *self.front.get_or_insert(first & 0x7f);
        let stream = input
            .get(2..4)
            .map_or(0, |s| i16::from_be_bytes([s[0], s[1]]));
        if wire == BETA_VERSION && self.versions.contains(&ProtocolVersion::V5) {
            // 4.0's Envelope.Decoder checks the flags right after the version, on every frame.
            let Some(&flags) = input.get(1) else {
                return Ok(());
            };
            if flags & FrameFlags::USE_BETA == 0 {
                self.front = None;
                return Err(beta_flag_unset(stream));
            }
        }
        let readable = match wire {
            legacy::V3 => self.accepts_v3(),
            BETA_VERSION => self.versions.contains(&ProtocolVersion::V5),
            n => ProtocolVersion::from_number(n).is_some_and(|v| self.versions.contains(&v)),
        };
        let rewrite = match self.fixed() {
            Some(fixed) => (readable && (wire != self.fixed_number(fixed) || self.v3))
                .then_some(fixed.number()),
            None if !readable => None,
            None => {
                // The frame's own version; STARTUP makes it the connection's.
                self.v3 = wire == legacy::V3;
                self.beta = wire == BETA_VERSION;
                if self.beta {
                    // With USE_BETA, 4.0 serves v6 as v5 (its codecs test `>= V5`), with
                    // segments after STARTUP.
                    self.decoder
                        .read_version_as(BETA_VERSION, ProtocolVersion::V5);
                }
                self.v3.then_some(4)
            }
        };
        if let (Some(number), Some(byte)) = (rewrite, input.first_mut()) {
            *byte = (first & 0x80) | number;
        }
        Ok(())
    }

    /// The number a frame after STARTUP carried when it differs from the connection's
    /// (see [`legacy_version`](Self::legacy_version)).
    fn mismatch(&self, wire: Option<u8>) -> Option<(u8, ProtocolVersion)> {
        let fixed = self.fixed()?;
        wire.filter(|&w| w != self.fixed_number(fixed))
            .map(|w| (w, fixed))
    }

    /// STARTUP was accepted: v4 bodies are compressed from now on; v5 switches to segments
    /// (the client does so right after sending STARTUP).
    pub(crate) fn started(&mut self, compression: Option<Compression>) {
        self.established = true;
        match self.version {
            Some(ProtocolVersion::V5) => self
                .decoder
                .use_segments(compression == Some(Compression::Lz4)),
            _ => self.decoder.set_compression(compression),
        }
    }

    /// The next complete frame (`Ok(None)`: more bytes needed), or the reason to close.
    pub(crate) fn next(&mut self, input: &mut BytesMut) -> Result<Option<Frame>, BadInput> {
        if !self.decoder.uses_segments() {
            self.legacy_version(input)?;
        }
        // Peeked before decoding so a refusal can name the stream and answer in the frame's
        // version (plain framing only: inside segments the header is not at the front).
        let peeked = match input.get(..4) {
            Some(h) if !self.decoder.uses_segments() => {
                Some((h[0] & 0x7f, i16::from_be_bytes([h[2], h[3]])))
            }
            _ => None,
        };
        let decoded = self.decoder.decode(input);
        if !matches!(decoded, Ok(None)) {
            // The frame at the front is gone (read or refused): the next one is new.
            let wire = self.front.take();
            if let (Ok(Some(frame)), Some((got, fixed))) = (&decoded, self.mismatch(wire)) {
                return Err(BadInput {
                    version: fixed.number(),
                    stream: frame.header.stream,
                    error: self.version_mismatch(got, fixed),
                    fatal: false,
                });
            }
        }
        let frame = match decoded {
            Ok(None) => return Ok(None),
            Ok(Some(frame)) => frame,
            Err(e) => return Err(self.refusal(e, peeked)),
        };
        let header = frame.header;
        if let Some(refusal) = self.envelope_error_in_segments(&header) {
            return Err(refusal);
        }
        let bad = |version: u8, error: ServerError| BadInput {
            version,
            stream: header.stream,
            error,
            fatal: true,
        };
        let version = self
            .check_version(header.version.number())
            .map_err(|(v, e)| bad(v, e))?;
        if header.direction != Direction::Request || !is_request(header.opcode) {
            return Err(bad(version.number(), wrong_direction(header.opcode)));
        }
        Ok(Some(Frame {
            header,
            body: frame.body,
        }))
    }

    /// Inside v5 segments 4.0's `CQLMessageHandler` checks each envelope header itself: a
    /// version other than the connection's, or a beta envelope without USE_BETA, is answered
    /// on the envelope's stream, the envelope skipped and the connection kept (only a second
    /// consecutive error in one segment is fatal, which is not modelled). Its version message
    /// runs "previous" and "messages" together, as 4.0's does.
    fn envelope_error_in_segments(&self, header: &FrameHeader) -> Option<BadInput> {
        if !self.decoder.uses_segments() {
            return None;
        }
        let fixed = self.version?;
        // On a beta connection v6 is read as v5: only the number on the wire tells them apart.
        let got = self
            .decoder
            .last_version_number()
            .unwrap_or(header.version.number());
        let expected = self.fixed_number(fixed);
        let message = if got != expected {
            format!(
                "Invalid message version. Got {} but previousmessages on this connection had version {}",
                number_label(got),
                number_label(expected)
            )
        } else if self.beta && !header.flags.contains(FrameFlags::USE_BETA) {
            beta_flag_unset_message()
        } else {
            return None;
        };
        Some(BadInput {
            // Written as v5, which goes out as v6 with USE_BETA on a beta connection.
            version: fixed.number(),
            stream: header.stream,
            error: protocol_error(message),
            fatal: false,
        })
    }

    /// Before STARTUP each frame is read in its own version (the last one read is kept:
    /// STARTUP's becomes the connection's); after it, frames must repeat it.
    fn check_version(&mut self, number: u8) -> Result<ProtocolVersion, (u8, ServerError)> {
        if let Some(fixed) = self.fixed() {
            if number == fixed.number() {
                return Ok(fixed);
            }
            return Err((fixed.number(), self.version_mismatch(number, fixed)));
        }
        match ProtocolVersion::from_number(number).filter(|v| self.versions.contains(v)) {
            Some(v) => {
                self.version = Some(v);
                Ok(v)
            }
            None => Err(self.unsupported_version(number)),
        }
    }

    /// Cassandra's "Invalid or unsupported protocol version" error, in the client's own
    /// version if it is older than ours (drivers then step down), else in our newest.
    fn unsupported_version(&self, number: u8) -> (u8, ServerError) {
        let message = format!(
            "Invalid or unsupported protocol version ({number}); supported versions are ({})",
            supported_labels(&self.versions).join(", ")
        );
        let min = if self.accepts_v3() {
            legacy::V3
        } else {
            self.versions.first().map_or(4, |v| v.number())
        };
        let max = self.versions.last().map_or(4, |v| v.number());
        let reply = if number < min { number.max(1) } else { max };
        (reply, protocol_error(message))
    }

    fn refusal(&mut self, e: FrameError, peeked: Option<(u8, i16)>) -> BadInput {
        let peeked_version = peeked
            .and_then(|(v, _)| ProtocolVersion::from_number(v))
            .filter(|v| self.versions.contains(v));
        let peeked_stream = peeked.map_or(0, |(_, s)| s);
        let current = self
            .version
            .or(peeked_version)
            .or(self.versions.last().copied())
            .unwrap_or(ProtocolVersion::V4)
            .number();
        let (version, stream, error) = match e {
            FrameError::BadVersion { byte, stream } => {
                match self.fixed() {
                    // A frame of another (unknown) version on an established connection.
                    Some(_) => (
                        current,
                        stream,
                        self.check_version(byte & 0x7f).err().map(|x| x.1),
                    ),
                    None => {
                        let (v, err) = self.unsupported_version(byte & 0x7f);
                        (v, stream, Some(err))
                    }
                }
            }
            FrameError::UnknownOpcode { opcode, stream } => (
                current,
                stream,
                Some(protocol_error(format!("Unknown opcode {opcode}"))),
            ),
            FrameError::FrameTooLarge { length, .. } => (
                current,
                peeked_stream,
                Some(protocol_error(format!(
                    "Request is too big: length {} exceeds maximum allowed length {}.",
                    length + HEADER_LEN as u64,
                    self.max_frame_size
                ))),
            ),
            FrameError::UnexpectedCompression { stream } => (
                current,
                stream,
                Some(protocol_error(format!(
                    "Frame on stream {stream} is flagged compressed but no compression was negotiated"
                ))),
            ),
            other => (
                current,
                0,
                Some(protocol_error(capitalize(&other.to_string()))),
            ),
        };
        BadInput {
            version,
            stream,
            error: error.unwrap_or_else(|| protocol_error("Invalid frame".to_owned())),
            fatal: true,
        }
    }
}

#[cfg(test)]
#[path = "framing_tests.rs"]
mod tests;

/// 4.0's refusal of a v6 frame without the USE_BETA flag (answered as v6).
fn beta_flag_unset(stream: i16) -> BadInput {
    BadInput {
        version: BETA_VERSION,
        stream,
        error: protocol_error(beta_flag_unset_message()),
        fatal: true,
    }
}

/// 4.0's wording for a v6 frame or envelope without the USE_BETA flag.
fn beta_flag_unset_message() -> String {
    format!(
        "Beta version of the protocol used ({}), but USE_BETA flag is unset",
        number_label(BETA_VERSION)
    )
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
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

fn wrong_direction(op: Opcode) -> ServerError {
    protocol_error(format!(
        "Wrong protocol direction (expected RESPONSE, got REQUEST) for opcode {} ({op:?})",
        op.code()
    ))
}

/// Encodes responses into the output buffer in the connection's current framing.
#[derive(Debug, Default)]
pub(crate) struct FrameWriter {
    encoder: FrameEncoder,
    /// Whether frames are collected for one `encode_all` (v5 segments share segments).
    segments: bool,
    pending: Vec<Vec<u8>>,
    /// Replies go out as v3 (encoded as v4 and reshaped, see `legacy`).
    v3: bool,
}

impl FrameWriter {
    /// Whether replies go out as v3 (before STARTUP each frame is answered in its own
    /// version, so this can change until then).
    pub(crate) fn use_v3(&mut self, v3: bool) {
        self.v3 = v3;
    }

    /// Whether replies go out in the v6 beta: encoded as v5, sent as v6 with the USE_BETA
    /// flag, as 4.0's `Message.encode` flags every beta reply.
    pub(crate) fn use_beta(&mut self, beta: bool) {
        if beta {
            self.encoder
                .write_version_as(ProtocolVersion::V5, BETA_VERSION, FrameFlags::USE_BETA);
        } else {
            self.encoder.clear_version_alias();
        }
    }

    /// Called before writing the STARTUP reply: v4 compresses that reply already.
    pub(crate) fn started_before_reply(
        &mut self,
        version: ProtocolVersion,
        compression: Option<Compression>,
    ) {
        if version == ProtocolVersion::V4 {
            self.encoder.set_compression(compression);
        }
    }

    /// Called after writing the STARTUP reply: v5 frames everything after it in segments.
    pub(crate) fn started_after_reply(
        &mut self,
        version: ProtocolVersion,
        compression: Option<Compression>,
        out: &mut BytesMut,
    ) {
        if version == ProtocolVersion::V5 {
            self.flush(out);
            self.encoder
                .use_segments(compression == Some(Compression::Lz4));
            self.segments = true;
        }
    }

    /// Appends one response frame.
    pub(crate) fn write(
        &mut self,
        version: ProtocolVersion,
        reply: &ResponseFrame,
        out: &mut BytesMut,
    ) {
        let adapted;
        let reply = if self.v3 {
            adapted = legacy::adapt(reply);
            &adapted
        } else {
            reply
        };
        let mut frame = match reply.encode(version) {
            Ok(frame) => frame,
            Err(e) => {
                // A result we cannot put on the wire: tell the client instead of hanging it.
                tracing::warn!(error = %e, "response could not be encoded");
                let error = ResponseFrame::new(
                    reply.stream,
                    Response::Error(ServerError {
                        kind: ErrorKind::ServerError,
                        message: format!("Response could not be encoded: {e}"),
                    }),
                );
                match error.encode(version) {
                    Ok(frame) => frame,
                    Err(_) => return,
                }
            }
        };
        if self.v3 {
            legacy::drop_pk_indexes(&mut frame);
        }
        if self.segments {
            self.pending.push(frame);
            return;
        }
        let start = out.len();
        if let Err(e) = self.encoder.encode(&frame, out) {
            tracing::warn!(error = %e, "frame could not be written");
        } else if let Some(byte) = out.get_mut(start).filter(|_| self.v3) {
            *byte = (*byte & 0x80) | legacy::V3;
        }
    }

    /// Wraps frames written since the last flush into segments (v5); no-op otherwise.
    pub(crate) fn flush(&mut self, out: &mut BytesMut) {
        if self.pending.is_empty() {
            return;
        }
        let frames = self.pending.iter().map(Vec::as_slice);
        if let Err(e) = self.encoder.encode_all(frames, out) {
            tracing::warn!(error = %e, "frames could not be written");
        }
        self.pending.clear();
    }

    /// The error frame for input we reject (then the connection closes).
    pub(crate) fn write_rejection(&mut self, bad: &BadInput, out: &mut BytesMut) {
        let reply = ResponseFrame::new(bad.stream, Response::Error(bad.error.clone()));
        match ProtocolVersion::from_number(bad.version) {
            Some(version) => {
                self.write(version, &reply, out);
                self.flush(out);
            }
            None => {
                // v1-v3 (or unknown): the error body has the same layout in every version,
                // but the codec only speaks v4+, so write this one frame by hand.
                let mut body = Vec::new();
                cassia_protocol::wire::put_i32(&mut body, 0x000A);
                if cassia_protocol::wire::put_string(&mut body, &bad.error.message, "message")
                    .is_err()
                {
                    return;
                }
                // 4.0 flags any reply in its beta version with USE_BETA.
                let flags = if bad.version == BETA_VERSION {
                    FrameFlags::USE_BETA
                } else {
                    0
                };
                out.extend_from_slice(&[0x80 | bad.version, flags]);
                out.extend_from_slice(&bad.stream.to_be_bytes());
                out.extend_from_slice(&[Opcode::Error.code()]);
                out.extend_from_slice(&(body.len() as u32).to_be_bytes());
                out.extend_from_slice(&body);
            }
        }
    }
}

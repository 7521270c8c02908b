//! One client connection of the responder: handshake, then request → precomputed answer.
//!
//! Framing is the protocol crate's `FrameDecoder`/`FrameEncoder`. The handshake and
//! connection-time requests are decoded in full with its envelope decoder; EXECUTE, the
//! measured path, only has its prepared id and flags read. Every complete request of one
//! read is answered into one buffer (v5: frames sharing segments) and written with one call.

use std::sync::Arc;

use bytes::BytesMut;
use cassia_protocol::codec::{Frame, FrameDecoder, FrameEncoder};
use cassia_protocol::compression::Compression;
use cassia_protocol::envelope::RequestFrame;
use cassia_protocol::frame::{Direction, FrameFlags, FrameHeader, Opcode, ProtocolVersion};
use cassia_protocol::request::Request;
use cassia_protocol::response::ErrorKind;
use cassia_protocol::wire::Reader;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::ResponderError;
use super::answers::Answers;
use super::body::Body;

/// Per-connection protocol state.
struct Conn {
    answers: Arc<Answers>,
    /// v4 bodies go out LZ4-compressed (after STARTUP asked for it).
    v4_lz4: bool,
    /// v5 segments are on (after READY); frames then queue in `pending`.
    segments: bool,
    encoder: FrameEncoder,
    /// Whole response frames waiting to be packed into segments.
    pending: Vec<u8>,
    /// End offset of each frame in `pending`.
    ends: Vec<usize>,
}

/// Serves one connection until the peer closes it.
pub(crate) async fn serve(
    mut stream: TcpStream,
    answers: Arc<Answers>,
) -> Result<(), ResponderError> {
    stream.set_nodelay(true).map_err(ResponderError::Io)?;
    let mut decoder = FrameDecoder::new();
    let mut input = BytesMut::with_capacity(64 * 1024);
    let mut conn = Conn {
        answers,
        v4_lz4: false,
        segments: false,
        encoder: FrameEncoder::new(),
        pending: Vec::with_capacity(64 * 1024),
        ends: Vec::new(),
    };
    let mut out = BytesMut::with_capacity(64 * 1024);
    loop {
        if stream
            .read_buf(&mut input)
            .await
            .map_err(ResponderError::Io)?
            == 0
        {
            return Ok(());
        }
        while let Some(frame) = decoder.decode(&mut input)? {
            conn.answer(&frame, &mut out, &mut decoder)?;
        }
        conn.flush_segments(&mut out)?;
        if !out.is_empty() {
            stream.write_all(&out).await.map_err(ResponderError::Io)?;
            out.clear();
        }
    }
}

impl Conn {
    fn send(
        &mut self,
        out: &mut BytesMut,
        version: ProtocolVersion,
        stream: i16,
        opcode: Opcode,
        body: &Body,
    ) {
        let compressed = self.v4_lz4 && !self.segments;
        let payload = if compressed { &body.lz4 } else { &body.plain };
        let mut flags = FrameFlags::default();
        flags.set(FrameFlags::COMPRESSION, compressed);
        let header = FrameHeader {
            version,
            direction: Direction::Response,
            flags,
            stream,
            opcode,
            length: payload.len() as u32,
        }
        .to_bytes();
        if self.segments {
            self.pending.extend_from_slice(&header);
            self.pending.extend_from_slice(payload);
            self.ends.push(self.pending.len());
        } else {
            out.extend_from_slice(&header);
            out.extend_from_slice(payload);
        }
    }

    fn flush_segments(&mut self, out: &mut BytesMut) -> Result<(), ResponderError> {
        if self.ends.is_empty() {
            return Ok(());
        }
        let mut start = 0;
        let pending = &self.pending;
        let frames = self.ends.iter().map(|&end| {
            let frame = pending.get(start..end).unwrap_or_default();
            start = end;
            frame
        });
        self.encoder.encode_all(frames, out)?;
        self.pending.clear();
        self.ends.clear();
        Ok(())
    }

    fn answer(
        &mut self,
        f: &Frame,
        out: &mut BytesMut,
        decoder: &mut FrameDecoder,
    ) -> Result<(), ResponderError> {
        let version = f.header.version;
        let answers = Arc::clone(&self.answers);
        let table = answers.table(version);
        let stream = f.header.stream;
        match f.header.opcode {
            Opcode::Execute => {
                let (id, skip_metadata) = execute_id(&f.body, version)?;
                match table.execute(id) {
                    Some(e) => {
                        let b = if skip_metadata {
                            &e.no_meta
                        } else {
                            &e.with_meta
                        };
                        self.send(out, version, stream, Opcode::Result, b);
                    }
                    None => {
                        let kind = ErrorKind::Unprepared {
                            id: bytes::Bytes::copy_from_slice(id),
                        };
                        let b = table
                            .error(kind, "Prepared query with ID not found (bench responder)")?;
                        self.send(out, version, stream, Opcode::Error, &b);
                    }
                }
            }
            Opcode::Batch => self.send(out, version, stream, Opcode::Result, &table.void),
            Opcode::Options => self.send(out, version, stream, Opcode::Supported, &table.supported),
            Opcode::Register => self.send(out, version, stream, Opcode::Ready, &table.ready),
            Opcode::Startup | Opcode::Query | Opcode::Prepare => {
                let request = RequestFrame::decode(&f.header, &f.body)?.request;
                match request {
                    Request::Startup(s) => {
                        let lz4 = s.options.iter().any(|(k, v)| {
                            k.eq_ignore_ascii_case("COMPRESSION") && v.eq_ignore_ascii_case("lz4")
                        });
                        if version == ProtocolVersion::V5 {
                            // READY goes out bare; everything after it inside segments.
                            self.send(out, version, stream, Opcode::Ready, &table.ready);
                            self.segments = true;
                            self.encoder.use_segments(lz4);
                            decoder.use_segments(lz4);
                        } else {
                            self.v4_lz4 = lz4;
                            decoder.set_compression(lz4.then_some(Compression::Lz4));
                            self.send(out, version, stream, Opcode::Ready, &table.ready);
                        }
                    }
                    Request::Query(q) => {
                        let b = answers.query(version, &q.query)?;
                        self.send(out, version, stream, Opcode::Result, &b);
                    }
                    Request::Prepare(p) => match table.prepare(&p.query) {
                        Some(b) => self.send(out, version, stream, Opcode::Result, b),
                        None => {
                            let msg =
                                format!("bench responder does not know statement: {:.80}", p.query);
                            let b = table.error(ErrorKind::Invalid, msg)?;
                            self.send(out, version, stream, Opcode::Error, &b);
                        }
                    },
                    _ => {}
                }
            }
            other => {
                let msg = format!("bench responder does not handle {other:?}");
                let b = table.error(ErrorKind::ProtocolError, msg)?;
                self.send(out, version, stream, Opcode::Error, &b);
            }
        }
        Ok(())
    }
}

/// The prepared id and skip_metadata flag of an EXECUTE body, without decoding its values.
fn execute_id(body: &[u8], version: ProtocolVersion) -> Result<(&[u8], bool), ResponderError> {
    let mut r = Reader::new(body);
    let id = r.short_bytes("prepared id")?;
    if version == ProtocolVersion::V5 {
        r.short_bytes("result metadata id")?;
    }
    r.u16("consistency")?;
    let flags = match version {
        ProtocolVersion::V5 => r.u32("flags")?,
        ProtocolVersion::V4 => u32::from(r.u8("flags")?),
    };
    Ok((id, flags & 0x02 != 0))
}

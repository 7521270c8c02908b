//! One client connection of the responder: handshake, then request → precomputed answer.
//!
//! Reads whatever the socket has, answers every complete frame into one output buffer
//! (v5: packed into shared segments), and writes it with one syscall. No per-request
//! allocation beyond the decoder's body slices.

use std::sync::Arc;

use cassia_protocol::wire::Reader;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::ResponderError;
use super::answers::Answers;
use super::body::{self, Body};
use crate::codec::decode::Decoder;
use crate::codec::encode::{SegmentWriter, put_header};
use crate::codec::{Frame, Framing, op};

/// Per-connection protocol state.
struct Conn {
    answers: Arc<Answers>,
    /// Response version byte (0x84/0x85), fixed by the first frame.
    version_byte: u8,
    /// v4 bodies compressed after STARTUP.
    v4_lz4: bool,
    /// v5 segment writer after READY.
    segments: Option<SegmentWriter>,
}

/// Serves one connection until the peer closes it.
pub(crate) async fn serve(
    mut stream: TcpStream,
    answers: Arc<Answers>,
) -> Result<(), ResponderError> {
    stream.set_nodelay(true).map_err(ResponderError::Io)?;
    let mut dec = Decoder::new(Framing::Frames { lz4: false });
    let mut conn = Conn {
        answers,
        version_byte: 0x84,
        v4_lz4: false,
        segments: None,
    };
    let mut out = Vec::with_capacity(64 * 1024);
    loop {
        if stream
            .read_buf(&mut dec.buf)
            .await
            .map_err(ResponderError::Io)?
            == 0
        {
            return Ok(());
        }
        while let Some(frame) = dec.next_frame()? {
            conn.answer(&frame, &mut out, &mut dec)?;
        }
        if let Some(seg) = conn.segments.as_mut() {
            seg.flush(&mut out);
        }
        if !out.is_empty() {
            stream.write_all(&out).await.map_err(ResponderError::Io)?;
            out.clear();
        }
    }
}

impl Conn {
    fn send(&mut self, out: &mut Vec<u8>, stream: i16, opcode: u8, body: &Body) {
        let vb = self.version_byte;
        match self.segments.as_mut() {
            Some(seg) => seg.push_with(out, |p| {
                put_header(p, vb, 0, stream, opcode, body.plain.len());
                p.extend_from_slice(&body.plain);
            }),
            None if self.v4_lz4 => {
                put_header(out, vb, 0x01, stream, opcode, body.lz4.len());
                out.extend_from_slice(&body.lz4);
            }
            None => {
                put_header(out, vb, 0, stream, opcode, body.plain.len());
                out.extend_from_slice(&body.plain);
            }
        }
    }

    fn send_error(&mut self, out: &mut Vec<u8>, stream: i16, code: i32, msg: &str) {
        self.send(out, stream, op::ERROR, &Body::new(body::error(code, msg)));
    }

    fn answer(
        &mut self,
        f: &Frame,
        out: &mut Vec<u8>,
        dec: &mut Decoder,
    ) -> Result<(), ResponderError> {
        if f.version != 4 && f.version != 5 {
            let msg = format!(
                "Invalid or unsupported protocol version ({}); supported versions are (3/v3, 4/v4, 5/v5)",
                f.version
            );
            self.version_byte = 0x80 | f.version;
            self.send_error(out, f.stream, 0x000A, &msg);
            return Ok(());
        }
        self.version_byte = 0x80 | f.version;
        let v5 = f.version == 5;
        match f.opcode {
            op::OPTIONS => {
                let b = self.answers.supported.clone();
                self.send(out, f.stream, op::SUPPORTED, &b);
            }
            op::STARTUP => {
                let options = Reader::new(&f.body).string_map("startup options")?;
                let lz4 = options
                    .iter()
                    .any(|(k, v)| k.eq_ignore_ascii_case("COMPRESSION") && v == "lz4");
                if v5 {
                    // READY goes out bare; everything after it inside segments.
                    let b = self.answers.ready.clone();
                    self.send(out, f.stream, op::READY, &b);
                    self.segments = Some(SegmentWriter::new(lz4));
                    dec.set_framing(Framing::Segments { lz4 });
                } else {
                    self.v4_lz4 = lz4;
                    dec.set_framing(Framing::Frames { lz4 });
                    let b = self.answers.ready.clone();
                    self.send(out, f.stream, op::READY, &b);
                }
            }
            op::REGISTER => {
                let b = self.answers.ready.clone();
                self.send(out, f.stream, op::READY, &b);
            }
            op::EXECUTE => self.execute(f, v5, out)?,
            op::QUERY => {
                let text = Reader::new(&f.body).long_string("query")?;
                let b = self.answers.query(text)?;
                self.send(out, f.stream, op::RESULT, &b);
            }
            op::PREPARE => {
                let text = Reader::new(&f.body).long_string("query")?;
                match self.answers.prepare(text, v5).cloned() {
                    Some(b) => self.send(out, f.stream, op::RESULT, &b),
                    None => {
                        let msg = format!("bench responder does not know statement: {text:.80}");
                        self.send_error(out, f.stream, 0x2200, &msg);
                    }
                }
            }
            op::BATCH => {
                let b = self.answers.void.clone();
                self.send(out, f.stream, op::RESULT, &b);
            }
            other => {
                let msg = format!("bench responder does not handle opcode {other:#04x}");
                self.send_error(out, f.stream, 0x000A, &msg);
            }
        }
        Ok(())
    }

    fn execute(&mut self, f: &Frame, v5: bool, out: &mut Vec<u8>) -> Result<(), ResponderError> {
        let mut r = Reader::new(&f.body);
        let id = r.short_bytes("prepared id")?;
        if v5 {
            r.short_bytes("result metadata id")?;
        }
        r.u16("consistency")?;
        let flags = if v5 {
            r.u32("flags")?
        } else {
            u32::from(r.u8("flags")?)
        };
        let skip_metadata = flags & 0x02 != 0;
        let answers = Arc::clone(&self.answers);
        match answers.execute(id) {
            Some(e) => {
                let b = if skip_metadata {
                    &e.no_meta
                } else {
                    &e.with_meta
                };
                self.send(out, f.stream, op::RESULT, b);
            }
            None => {
                let b = Body::new(body::unprepared(id));
                self.send(out, f.stream, op::ERROR, &b);
            }
        }
        Ok(())
    }
}

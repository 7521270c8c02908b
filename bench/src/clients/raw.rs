//! The raw client: pre-encoded request frames pipelined on one tokio task, no decoding of
//! results beyond the frame header. It is the ceiling a driver could reach on this machine.
//!
//! A reader and a writer half are joined in the same task; the reader records each
//! response's latency and hands the stream id back to the writer, which re-sends the same
//! pre-encoded frame with only the stream id patched.

use std::net::SocketAddr;
use std::time::Instant;

use cassia_protocol::wire::{
    Reader, put_i32, put_long_string, put_short_bytes, put_string_map, put_u16,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

use super::lanes::{Outcome, Window};
use super::{ClientError, Timing};
use crate::codec::decode::Decoder;
use crate::codec::encode::{SegmentWriter, compress_body, put_frame, put_header};
use crate::codec::{Frame, Framing, op};
use crate::workload::{self, BATCH_SIZE, Case, Setting, Workload};

fn io(source: std::io::Error) -> ClientError {
    ClientError::Io {
        client: "raw",
        source,
    }
}

fn unexpected(what: impl Into<String>) -> ClientError {
    ClientError::Unexpected {
        client: "raw",
        what: what.into(),
    }
}

/// A connected, started connection (also used by the responder's tests).
#[derive(Debug)]
pub(crate) struct RawConn {
    stream: TcpStream,
    pub(crate) dec: Decoder,
    seg: Option<SegmentWriter>,
    setting: Setting,
    next_stream: i16,
}

impl RawConn {
    /// Connects and performs OPTIONS + STARTUP for `setting`.
    pub(crate) async fn connect(addr: SocketAddr, setting: Setting) -> Result<Self, ClientError> {
        let stream = TcpStream::connect(addr).await.map_err(io)?;
        stream.set_nodelay(true).map_err(io)?;
        let mut c = RawConn {
            stream,
            dec: Decoder::new(Framing::Frames { lz4: false }),
            seg: None,
            setting,
            next_stream: 1,
        };
        let supported = c.request(op::OPTIONS, &[]).await?;
        if supported.opcode != op::SUPPORTED {
            return Err(unexpected(format!(
                "OPTIONS answered with opcode {:#04x}",
                supported.opcode
            )));
        }
        let mut opts = vec![("CQL_VERSION", "3.0.0")];
        if setting.lz4 {
            opts.push(("COMPRESSION", "lz4"));
        }
        let mut body = Vec::new();
        put_string_map(&mut body, &opts, "startup").map_err(|e| unexpected(e.to_string()))?;
        // STARTUP itself is never compressed; the answer already follows the new framing in v4.
        let v4_lz4 = setting.version == 4 && setting.lz4;
        c.dec.set_framing(Framing::Frames { lz4: v4_lz4 });
        let ready = c.request(op::STARTUP, &body).await?;
        if ready.opcode != op::READY {
            return Err(unexpected(format!(
                "STARTUP answered with opcode {:#04x}",
                ready.opcode
            )));
        }
        if setting.version == 5 {
            c.seg = Some(SegmentWriter::new(setting.lz4));
            c.dec.set_framing(Framing::Segments { lz4: setting.lz4 });
        }
        Ok(c)
    }

    fn version_byte(&self) -> u8 {
        self.setting.version
    }

    /// Whether bodies are LZ4-compressed frame by frame (v4 after STARTUP).
    fn frame_lz4(&self, opcode: u8) -> bool {
        self.setting.version == 4
            && self.setting.lz4
            && opcode != op::STARTUP
            && opcode != op::OPTIONS
    }

    /// Encodes one request frame with `stream` into `out`, using the connection's framing.
    fn encode(&mut self, out: &mut Vec<u8>, stream: i16, opcode: u8, body: &[u8]) {
        let vb = self.version_byte();
        let lz4 = self.frame_lz4(opcode);
        match self.seg.as_mut() {
            Some(seg) => {
                seg.push_with(out, |p| put_frame(p, vb, 0, stream, opcode, body, false));
                seg.flush(out);
            }
            None => put_frame(out, vb, 0, stream, opcode, body, lz4),
        }
    }

    /// Sends one request and waits for its response (handshake and setup only).
    pub(crate) async fn request(&mut self, opcode: u8, body: &[u8]) -> Result<Frame, ClientError> {
        let stream = self.next_stream;
        self.next_stream = self.next_stream.wrapping_add(1).max(1);
        let mut out = Vec::new();
        self.encode(&mut out, stream, opcode, body);
        self.stream.write_all(&out).await.map_err(io)?;
        loop {
            if let Some(f) = self
                .dec
                .next_frame()
                .map_err(|e| unexpected(e.to_string()))?
            {
                if f.stream == stream {
                    return Ok(f);
                }
                continue;
            }
            if self.stream.read_buf(&mut self.dec.buf).await.map_err(io)? == 0 {
                return Err(unexpected("connection closed during setup"));
            }
        }
    }

    /// PREPAREs `text`, returning (id, result metadata id).
    pub(crate) async fn prepare(&mut self, text: &str) -> Result<(Vec<u8>, Vec<u8>), ClientError> {
        let mut body = Vec::new();
        put_long_string(&mut body, text, "query").map_err(|e| unexpected(e.to_string()))?;
        if self.setting.version == 5 {
            put_i32(&mut body, 0);
        }
        let f = self.request(op::PREPARE, &body).await?;
        let mut r = Reader::new(&f.body);
        let kind = r.i32("kind").map_err(|e| unexpected(e.to_string()))?;
        if f.opcode != op::RESULT || kind != 4 {
            return Err(unexpected(format!(
                "PREPARE answered with opcode {:#04x} kind {kind}",
                f.opcode
            )));
        }
        let id = r
            .short_bytes("id")
            .map_err(|e| unexpected(e.to_string()))?
            .to_vec();
        let meta = if self.setting.version == 5 {
            r.short_bytes("result metadata id")
                .map_err(|e| unexpected(e.to_string()))?
                .to_vec()
        } else {
            Vec::new()
        };
        Ok((id, meta))
    }

    /// An EXECUTE body binding `values` (each `[value]`-encoded already).
    pub(crate) fn execute_body(
        &self,
        id: &[u8],
        meta_id: &[u8],
        values: &[Vec<u8>],
        skip_metadata: bool,
    ) -> Vec<u8> {
        let mut b = Vec::new();
        let _ = put_short_bytes(&mut b, id, "id");
        if self.setting.version == 5 {
            let _ = put_short_bytes(&mut b, meta_id, "result metadata id");
        }
        put_u16(&mut b, 0x0001); // ONE
        let flags: u32 = 0x01 | if skip_metadata { 0x02 } else { 0 };
        if self.setting.version == 5 {
            b.extend_from_slice(&flags.to_be_bytes());
        } else {
            b.push(flags as u8);
        }
        put_u16(&mut b, values.len() as u16);
        for v in values {
            put_i32(&mut b, v.len() as i32);
            b.extend_from_slice(v);
        }
        b
    }

    fn batch_body(&self, id: &[u8]) -> Vec<u8> {
        let mut b = vec![1u8]; // unlogged
        put_u16(&mut b, BATCH_SIZE as u16);
        for i in 0..BATCH_SIZE as i64 {
            b.push(1);
            let _ = put_short_bytes(&mut b, id, "id");
            put_u16(&mut b, 3);
            for v in [i, i, -i] {
                put_i32(&mut b, 8);
                b.extend_from_slice(&v.to_be_bytes());
            }
        }
        put_u16(&mut b, 0x0001);
        if self.setting.version == 5 {
            put_i32(&mut b, 0);
        } else {
            b.push(0);
        }
        b
    }

    fn into_split(
        self,
    ) -> (
        OwnedReadHalf,
        OwnedWriteHalf,
        Decoder,
        Option<SegmentWriter>,
    ) {
        let (r, w) = self.stream.into_split();
        (r, w, self.dec, self.seg)
    }
}

fn bigint(v: i64) -> Vec<u8> {
    v.to_be_bytes().to_vec()
}

/// Connects, prepares, then pipelines `case.inflight` requests until the window closes.
pub(crate) async fn run(
    addr: SocketAddr,
    case: Case,
    timing: Timing,
    on_window: &dyn Fn(Window),
) -> Result<Outcome, ClientError> {
    let mut conn = RawConn::connect(addr, case.setting).await?;
    let (text, values): (&str, Vec<Vec<u8>>) = match case.workload {
        Workload::Insert | Workload::Batch => {
            (workload::INSERT_KV, vec![bigint(1), bigint(2), bigint(3)])
        }
        Workload::Select => (workload::SELECT_KV, vec![bigint(1)]),
        Workload::Page => (workload::SELECT_PAGE, vec![bigint(1)]),
        Workload::Blob16k | Workload::Blob256k => (
            workload::INSERT_BLOB,
            vec![bigint(1), super::blob(case.workload.blob_len())],
        ),
    };
    let (id, meta) = conn.prepare(text).await?;
    let (opcode, body) = if case.workload == Workload::Batch {
        (op::BATCH, conn.batch_body(&id))
    } else {
        (op::EXECUTE, conn.execute_body(&id, &meta, &values, true))
    };
    // The frame for stream 0; v4 LZ4 bodies are compressed once here, not per send.
    let vb = conn.version_byte();
    let mut template = Vec::with_capacity(body.len() + 16);
    if conn.frame_lz4(opcode) {
        let c = compress_body(&body);
        put_header(&mut template, vb, 0x01, 0, opcode, c.len());
        template.extend_from_slice(&c);
    } else {
        put_header(&mut template, vb, 0, 0, opcode, body.len());
        template.extend_from_slice(&body);
    }
    let inflight = case.inflight.clamp(1, 32_000);
    let window = timing.window_from_now();
    on_window(window);
    let (mut rd, mut wr, mut dec, mut seg) = conn.into_split();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<i16>();
    for s in 0..inflight {
        let _ = tx.send(s as i16);
    }
    let writer = async {
        let mut ids = Vec::with_capacity(inflight);
        let mut out = Vec::with_capacity(64 * 1024);
        while rx.recv_many(&mut ids, inflight).await > 0 {
            for &s in &ids {
                let sb = s.to_be_bytes();
                let put = |p: &mut Vec<u8>| {
                    let at = p.len();
                    p.extend_from_slice(&template);
                    if let Some(dst) = p.get_mut(at + 2..at + 4) {
                        dst.copy_from_slice(&sb);
                    }
                };
                match seg.as_mut() {
                    Some(w) => w.push_with(&mut out, put),
                    None => put(&mut out),
                }
            }
            ids.clear();
            if let Some(w) = seg.as_mut() {
                w.flush(&mut out);
            }
            wr.write_all(&out).await.map_err(io)?;
            out.clear();
        }
        Ok::<(), ClientError>(())
    };
    let reader = async move {
        let mut outcome = Outcome::new();
        let start = Instant::now();
        let mut scheduled = vec![start; inflight];
        let mut outstanding = inflight;
        while outstanding > 0 {
            if rd.read_buf(&mut dec.buf).await.map_err(io)? == 0 {
                return Err(unexpected("connection closed mid-run"));
            }
            let now = Instant::now();
            while let Some(f) = dec.next_frame().map_err(|e| unexpected(e.to_string()))? {
                let Some(sched) = usize::try_from(f.stream)
                    .ok()
                    .and_then(|i| scheduled.get_mut(i))
                else {
                    return Err(unexpected(format!(
                        "response on unknown stream {}",
                        f.stream
                    )));
                };
                if f.opcode != op::RESULT {
                    outcome.errors += 1;
                    outcome
                        .first_error
                        .get_or_insert_with(|| format!("opcode {:#04x} in response", f.opcode));
                } else if now >= window.start && now <= window.end {
                    outcome.ops += 1;
                    let _ = outcome
                        .hist
                        .record((now.duration_since(*sched).as_micros() as u64).max(1));
                }
                if now < window.end {
                    *sched = now;
                    let _ = tx.send(f.stream);
                } else {
                    outstanding -= 1;
                }
            }
        }
        drop(tx);
        Ok::<Outcome, ClientError>(outcome)
    };
    let (w, r) = tokio::join!(writer, reader);
    w?;
    r
}

//! The raw client: pre-encoded request frames pipelined on one tokio task, no decoding of
//! results beyond the frame header. It is the ceiling a driver could reach on this machine.
//!
//! Requests are encoded once with the protocol crate (envelope + request codec; v4 LZ4
//! bodies compressed once); per send only the stream id is patched. A reader and a writer
//! half are joined in the same task: the reader records each response's latency and hands
//! the stream id back to the writer.

use std::net::SocketAddr;
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use cassia_protocol::codec::{Frame, FrameDecoder, FrameEncoder};
use cassia_protocol::compression::Compression;
use cassia_protocol::consistency::Consistency;
use cassia_protocol::envelope::{RequestFrame, ResponseFrame};
use cassia_protocol::frame::{FrameFlags, FrameHeader, HEADER_LEN, Opcode, ProtocolVersion};
use cassia_protocol::request::{
    Batch, BatchStatement, BatchType, Execute, Prepare, QueryParameters, RawValue, Request,
    SerializedValues, Startup,
};
use cassia_protocol::response::{Response, ResultBody};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::lanes::{Outcome, Window};
use super::{ClientError, Timing};
use crate::workload::{self, BATCH_SIZE, Case, Setting, Workload};

/// Upper bound for any setup request (handshake, PREPARE).
const SETUP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

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

fn protocol(e: impl std::error::Error + Send + Sync + 'static) -> ClientError {
    ClientError::Driver {
        client: "raw",
        source: Box::new(e),
    }
}

/// The protocol version of a setting.
pub(crate) fn version_of(setting: Setting) -> ProtocolVersion {
    if setting.version == 5 {
        ProtocolVersion::V5
    } else {
        ProtocolVersion::V4
    }
}

/// A connected, started connection (also used by the responder's tests).
#[derive(Debug)]
pub(crate) struct RawConn {
    stream: TcpStream,
    decoder: FrameDecoder,
    encoder: FrameEncoder,
    input: BytesMut,
    version: ProtocolVersion,
    next_stream: i16,
}

impl RawConn {
    /// Connects and performs OPTIONS + STARTUP for `setting`.
    pub(crate) async fn connect(addr: SocketAddr, setting: Setting) -> Result<Self, ClientError> {
        let stream = TcpStream::connect(addr).await.map_err(io)?;
        stream.set_nodelay(true).map_err(io)?;
        let mut c = RawConn {
            stream,
            decoder: FrameDecoder::new(),
            encoder: FrameEncoder::new(),
            input: BytesMut::with_capacity(64 * 1024),
            version: version_of(setting),
            next_stream: 1,
        };
        let supported = c.request(Request::Options).await?;
        if supported.header.opcode != Opcode::Supported {
            return Err(unexpected(format!(
                "OPTIONS answered with {:?}",
                supported.header.opcode
            )));
        }
        let mut options = vec![("CQL_VERSION".to_string(), "3.0.0".to_string())];
        if setting.lz4 {
            options.push(("COMPRESSION".to_string(), "lz4".to_string()));
        }
        let startup = c.encode(Request::Startup(Startup { options }))?;
        c.send(&startup).await?;
        // From here each side speaks the negotiated framing: v4 compression covers READY
        // already; v5 segments start after the (bare) READY.
        if c.version == ProtocolVersion::V4 && setting.lz4 {
            c.encoder.set_compression(Some(Compression::Lz4));
            c.decoder.set_compression(Some(Compression::Lz4));
        }
        if c.version == ProtocolVersion::V5 {
            c.encoder.use_segments(setting.lz4);
        }
        let ready = c.receive(startup.0).await?;
        if ready.header.opcode != Opcode::Ready {
            return Err(unexpected(format!(
                "STARTUP answered with {:?}",
                ready.header.opcode
            )));
        }
        if c.version == ProtocolVersion::V5 {
            c.decoder.use_segments(setting.lz4);
        }
        Ok(c)
    }

    fn encode(&mut self, request: Request) -> Result<(i16, Vec<u8>), ClientError> {
        let stream = self.next_stream;
        self.next_stream = self.next_stream.wrapping_add(1).max(1);
        let frame = RequestFrame::new(stream, request)
            .encode(self.version)
            .map_err(protocol)?;
        Ok((stream, frame))
    }

    async fn send(&mut self, (_, frame): &(i16, Vec<u8>)) -> Result<(), ClientError> {
        let mut out = BytesMut::new();
        self.encoder.encode(frame, &mut out).map_err(protocol)?;
        self.stream.write_all(&out).await.map_err(io)
    }

    /// Waits (at most 10 s: setup never takes longer) for the response on `stream`.
    async fn receive(&mut self, stream: i16) -> Result<Frame, ClientError> {
        tokio::time::timeout(SETUP_TIMEOUT, self.receive_inner(stream))
            .await
            .map_err(|_| {
                unexpected(format!(
                    "no response on stream {stream} within {SETUP_TIMEOUT:?}"
                ))
            })?
    }

    async fn receive_inner(&mut self, stream: i16) -> Result<Frame, ClientError> {
        loop {
            if let Some(f) = self.decoder.decode(&mut self.input).map_err(protocol)? {
                if f.header.stream == stream {
                    return Ok(f);
                }
                continue;
            }
            if self.stream.read_buf(&mut self.input).await.map_err(io)? == 0 {
                return Err(unexpected("connection closed during setup"));
            }
        }
    }

    /// Sends one request and waits for its response (handshake and setup only).
    pub(crate) async fn request(&mut self, request: Request) -> Result<Frame, ClientError> {
        let encoded = self.encode(request)?;
        self.send(&encoded).await?;
        self.receive(encoded.0).await
    }

    /// Sends one request and decodes its response.
    pub(crate) async fn call(&mut self, request: Request) -> Result<Response, ClientError> {
        let f = self.request(request).await?;
        Ok(ResponseFrame::decode_bytes(&f.header, &f.body)
            .map_err(protocol)?
            .response)
    }

    /// PREPAREs `text`, returning (id, result metadata id).
    pub(crate) async fn prepare(
        &mut self,
        text: &str,
    ) -> Result<(Bytes, Option<Bytes>), ClientError> {
        let request = Request::Prepare(Prepare {
            query: text.to_string(),
            keyspace: None,
        });
        match self.call(request).await? {
            Response::Result(ResultBody::Prepared(p)) => Ok((p.id, p.result_metadata_id)),
            other => Err(unexpected(format!("PREPARE answered with {other:?}"))),
        }
    }
}

/// An EXECUTE binding `values` at consistency ONE.
pub(crate) fn execute(
    id: &Bytes,
    meta: &Option<Bytes>,
    values: &[&[u8]],
    skip_metadata: bool,
) -> Request {
    let mut bound = SerializedValues::new();
    for v in values {
        // Values here are small constants or the blob: within [value] limits.
        let _ = bound.push(RawValue::Value(v));
    }
    Request::Execute(Execute {
        id: id.clone(),
        result_metadata_id: meta.clone(),
        params: QueryParameters {
            consistency: Consistency::One,
            values: bound,
            skip_metadata,
            ..QueryParameters::default()
        },
    })
}

fn batch(id: &Bytes) -> Request {
    let statements = (0..BATCH_SIZE as i64)
        .map(|i| {
            let mut values = SerializedValues::new();
            for v in [i, i, -i] {
                let _ = values.push(RawValue::Value(&v.to_be_bytes()));
            }
            BatchStatement::Prepared {
                id: id.clone(),
                values,
            }
        })
        .collect();
    Request::Batch(Batch {
        batch_type: BatchType::Unlogged,
        statements,
        consistency: Consistency::One,
        serial_consistency: None,
        timestamp: None,
        keyspace: None,
        now_in_seconds: None,
    })
}

/// The request frame for stream 0 as it goes on the wire in v4 (LZ4 body compressed once).
fn template(conn: &RawConn, case: Case, request: Request) -> Result<Vec<u8>, ClientError> {
    let frame = RequestFrame::new(0, request)
        .encode(conn.version)
        .map_err(protocol)?;
    if !(conn.version == ProtocolVersion::V4 && case.setting.lz4) {
        return Ok(frame);
    }
    let body = Compression::Lz4
        .compress(frame.get(HEADER_LEN..).unwrap_or_default())
        .map_err(protocol)?;
    let head = frame
        .first_chunk::<HEADER_LEN>()
        .ok_or_else(|| unexpected("short frame"))?;
    let mut header = FrameHeader::parse(head).map_err(protocol)?;
    header.flags.set(FrameFlags::COMPRESSION, true);
    header.length = body.len() as u32;
    let mut out = header.to_bytes().to_vec();
    out.extend_from_slice(&body);
    Ok(out)
}

/// Connects, prepares, then pipelines `case.inflight` requests until the window closes.
pub(crate) async fn run(
    addr: SocketAddr,
    case: Case,
    timing: Timing,
    on_window: &dyn Fn(Window),
) -> Result<Outcome, ClientError> {
    let mut conn = RawConn::connect(addr, case.setting).await?;
    let one = 1i64.to_be_bytes();
    let blob = super::blob(case.workload.blob_len());
    let (text, values): (&str, Vec<&[u8]>) = match case.workload {
        Workload::Insert | Workload::Batch => (workload::INSERT_KV, vec![&one, &one, &one]),
        Workload::Select => (workload::SELECT_KV, vec![&one]),
        Workload::Page => (workload::SELECT_PAGE, vec![&one]),
        Workload::Blob16k | Workload::Blob256k => (workload::INSERT_BLOB, vec![&one, &blob]),
    };
    let (id, meta) = conn.prepare(text).await?;
    let request = if case.workload == Workload::Batch {
        batch(&id)
    } else {
        execute(&id, &meta, &values, true)
    };
    let template = template(&conn, case, request)?;
    let segments = conn.version == ProtocolVersion::V5;
    let inflight = case.inflight.clamp(1, 32_000);
    let window = timing.window_from_now();
    on_window(window);
    let RawConn {
        stream,
        mut decoder,
        mut encoder,
        mut input,
        ..
    } = conn;
    let (mut rd, mut wr) = stream.into_split();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<i16>();
    for s in 0..inflight {
        let _ = tx.send(s as i16);
    }
    let writer = async {
        let mut ids = Vec::with_capacity(inflight);
        let mut frames = Vec::with_capacity(64 * 1024);
        let mut out = BytesMut::with_capacity(64 * 1024);
        while rx.recv_many(&mut ids, inflight).await > 0 {
            for &s in &ids {
                let at = frames.len();
                frames.extend_from_slice(&template);
                if let Some(dst) = frames.get_mut(at + 2..at + 4) {
                    dst.copy_from_slice(&s.to_be_bytes());
                }
            }
            ids.clear();
            if segments {
                encoder
                    .encode_all(frames.chunks(template.len()), &mut out)
                    .map_err(protocol)?;
                wr.write_all(&out).await.map_err(io)?;
                out.clear();
            } else {
                wr.write_all(&frames).await.map_err(io)?;
            }
            frames.clear();
        }
        Ok::<(), ClientError>(())
    };
    let reader = async move {
        let mut outcome = Outcome::new();
        let start = Instant::now();
        let mut scheduled = vec![start; inflight];
        let mut outstanding = inflight;
        while outstanding > 0 {
            if rd.read_buf(&mut input).await.map_err(io)? == 0 {
                return Err(unexpected("connection closed mid-run"));
            }
            let now = Instant::now();
            while let Some(f) = decoder.decode(&mut input).map_err(protocol)? {
                let stream = f.header.stream;
                let Some(sched) = usize::try_from(stream)
                    .ok()
                    .and_then(|i| scheduled.get_mut(i))
                else {
                    return Err(unexpected(format!("response on unknown stream {stream}")));
                };
                if f.header.opcode != Opcode::Result {
                    outcome.errors += 1;
                    outcome
                        .first_error
                        .get_or_insert_with(|| format!("{:?} in response", f.header.opcode));
                } else if now >= window.start && now <= window.end {
                    outcome.ops += 1;
                    let _ = outcome
                        .hist
                        .record((now.duration_since(*sched).as_micros() as u64).max(1));
                }
                if now < window.end {
                    *sched = now;
                    let _ = tx.send(stream);
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

//! A raw CQL client for the transport tests: writes frames byte by byte and reads responses
//! back in whichever framing the connection is in (v4 bare or compressed, v5 segments), so
//! tests can assert exact bytes, error codes and messages.
//!
//! The v5 segment helpers here are deliberately independent of the emulator's own segment
//! code, so a bug there cannot hide itself.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use cassia_protocol::wire::{self, Reader};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Fails a test that would otherwise hang.
pub const TIMEOUT: Duration = Duration::from_secs(10);

pub const OPTIONS: u8 = 0x05;
pub const STARTUP: u8 = 0x01;
pub const QUERY: u8 = 0x07;
pub const REGISTER: u8 = 0x0B;
pub const AUTH_RESPONSE: u8 = 0x0F;
pub const ERROR: u8 = 0x00;
pub const READY: u8 = 0x02;
pub const AUTHENTICATE: u8 = 0x03;
pub const SUPPORTED: u8 = 0x06;
pub const EVENT: u8 = 0x0C;
pub const AUTH_SUCCESS: u8 = 0x10;

/// How frames travel on the connection right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Bare,
    /// Like `Bare`, but compressed bodies are returned as they are (to compare bytes).
    Raw,
    Lz4Body,
    SnappyBody,
    Segments {
        lz4: bool,
    },
}

/// One response frame, body decompressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub version: u8,
    pub flags: u8,
    pub stream: i16,
    pub opcode: u8,
    pub body: Vec<u8>,
}

impl Frame {
    /// `(code, message)` of an ERROR frame.
    pub fn error(&self) -> (i32, String) {
        assert_eq!(self.opcode, ERROR, "expected ERROR, got {self:?}");
        let mut r = Reader::new(&self.body);
        let code = r.i32("code").expect("error code");
        let message = r.string("message").expect("error message").to_owned();
        (code, message)
    }

    /// The multimap of a SUPPORTED frame.
    pub fn supported(&self) -> Vec<(String, Vec<String>)> {
        assert_eq!(self.opcode, SUPPORTED, "expected SUPPORTED, got {self:?}");
        Reader::new(&self.body)
            .string_multimap("supported")
            .expect("multimap")
    }
}

pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

pub struct RawClient {
    io: Box<dyn Io>,
    pub version: u8,
    pub mode: Mode,
    input: Vec<u8>,
    payload: Vec<u8>,
    /// v5 segments received so far.
    pub segments_read: usize,
}

impl RawClient {
    pub async fn connect(addr: SocketAddr, version: u8) -> RawClient {
        let socket = tokio::net::TcpStream::connect(addr).await.expect("connect");
        RawClient::over(Box::new(socket), version)
    }

    pub fn over(io: Box<dyn Io>, version: u8) -> RawClient {
        RawClient {
            io,
            version,
            mode: Mode::Bare,
            input: Vec::new(),
            payload: Vec::new(),
            segments_read: 0,
        }
    }

    /// Writes raw bytes as they are.
    pub async fn send_raw(&mut self, bytes: &[u8]) {
        self.io.write_all(bytes).await.expect("write");
    }

    /// Encodes a request frame in the current mode (without sending it).
    pub fn encode(&self, flags: u8, stream: i16, opcode: u8, body: &[u8]) -> Vec<u8> {
        let (flags, body) = match self.mode {
            Mode::Lz4Body if !body.is_empty() => {
                let mut c = (body.len() as u32).to_be_bytes().to_vec();
                c.extend(lz4_flex::block::compress(body));
                (flags | 0x01, c)
            }
            Mode::SnappyBody if !body.is_empty() => (
                flags | 0x01,
                snap::raw::Encoder::new()
                    .compress_vec(body)
                    .expect("snappy"),
            ),
            _ => (flags, body.to_vec()),
        };
        let mut frame = vec![self.version, flags];
        frame.extend(stream.to_be_bytes());
        frame.push(opcode);
        frame.extend((body.len() as u32).to_be_bytes());
        frame.extend(body);
        match self.mode {
            Mode::Segments { lz4 } => segment(&frame, lz4),
            _ => frame,
        }
    }

    pub async fn send(&mut self, flags: u8, stream: i16, opcode: u8, body: &[u8]) {
        let bytes = self.encode(flags, stream, opcode, body);
        self.send_raw(&bytes).await;
    }

    /// Reads more bytes; false on EOF or a reset.
    async fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 65536];
        match tokio::time::timeout(TIMEOUT, self.io.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) => false,
            Ok(Ok(n)) => {
                self.input.extend_from_slice(&chunk[..n]);
                true
            }
            Err(_) => panic!("no response within {TIMEOUT:?}"),
        }
    }

    /// The next response frame, or `None` once the server closed the connection.
    pub async fn recv(&mut self) -> Option<Frame> {
        loop {
            if let Mode::Segments { lz4 } = self.mode {
                while let Some(p) = take_segment(&mut self.input, lz4) {
                    self.segments_read += 1;
                    self.payload.extend(p);
                }
                if let Some(frame) = take_frame(&mut self.payload, Mode::Bare) {
                    return Some(frame);
                }
            } else if let Some(frame) = take_frame(&mut self.input, self.mode) {
                return Some(frame);
            }
            if !self.fill().await {
                return None;
            }
        }
    }

    pub async fn recv_some(&mut self) -> Frame {
        self.recv()
            .await
            .expect("connection closed before a response")
    }

    /// Asserts the server closes the connection without sending anything more.
    pub async fn expect_closed(&mut self) {
        if let Some(frame) = self.recv().await {
            panic!("expected the connection to be closed, got {frame:?}");
        }
    }

    /// OPTIONS then STARTUP (with `compression`), switching modes as a driver does.
    /// Returns the STARTUP reply.
    pub async fn handshake(&mut self, compression: Option<&str>) -> Frame {
        self.send(0, 0, OPTIONS, &[]).await;
        let supported = self.recv_some().await;
        assert_eq!(supported.opcode, SUPPORTED, "{supported:?}");
        self.send(0, 1, STARTUP, &startup_body(compression)).await;
        self.after_startup(compression);
        let reply = self.recv_some().await;
        if self.version == 5 {
            self.mode = Mode::Segments {
                lz4: compression == Some("lz4"),
            };
        }
        reply
    }

    /// After sending STARTUP: v4 compresses from now on (v5 waits for the reply).
    pub fn after_startup(&mut self, compression: Option<&str>) {
        if self.version == 4 {
            self.mode = match compression {
                Some("lz4") => Mode::Lz4Body,
                Some("snappy") => Mode::SnappyBody,
                _ => Mode::Bare,
            };
        }
    }
}

pub fn startup_body(compression: Option<&str>) -> Vec<u8> {
    let mut options = vec![("CQL_VERSION", "3.4.5")];
    if let Some(c) = compression {
        options.push(("COMPRESSION", c));
    }
    let mut body = Vec::new();
    wire::put_string_map(&mut body, &options, "options").expect("options");
    body
}

/// A QUERY body at consistency ONE without values or options.
pub fn query_body(version: u8, cql: &str) -> Vec<u8> {
    let mut body = Vec::new();
    wire::put_long_string(&mut body, cql, "query").expect("query");
    wire::put_u16(&mut body, 0x0001); // ONE
    if version >= 5 {
        wire::put_i32(&mut body, 0); // v5 flags are an [int]
    } else {
        body.push(0);
    }
    body
}

pub fn string_list_body(items: &[&str]) -> Vec<u8> {
    let mut body = Vec::new();
    wire::put_string_list(&mut body, items, "list").expect("list");
    body
}

pub fn bytes_body(token: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    wire::put_bytes(&mut body, Some(token), "token").expect("token");
    body
}

fn take_frame(buf: &mut Vec<u8>, mode: Mode) -> Option<Frame> {
    let head = buf.get(..9)?;
    let len = u32::from_be_bytes([head[5], head[6], head[7], head[8]]) as usize;
    if buf.len() < 9 + len {
        return None;
    }
    let frame: Vec<u8> = buf.drain(..9 + len).collect();
    let flags = frame[1];
    let raw = frame[9..].to_vec();
    let body = if flags & 0x01 != 0 {
        match mode {
            Mode::Lz4Body => {
                let n = u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]) as usize;
                lz4_flex::block::decompress(&raw[4..], n).expect("lz4 body")
            }
            Mode::SnappyBody => snap::raw::Decoder::new()
                .decompress_vec(&raw)
                .expect("snappy body"),
            Mode::Raw => raw,
            _ => panic!("compressed frame in mode {mode:?}"),
        }
    } else {
        raw
    };
    Some(Frame {
        version: frame[0],
        flags,
        stream: i16::from_be_bytes([frame[2], frame[3]]),
        opcode: frame[4],
        body,
    })
}

// ---- v5 segments, written from the spec for the tests ----

fn crc24(bytes: &[u8]) -> u32 {
    let mut crc: u32 = 0x875060;
    for b in bytes {
        crc ^= u32::from(*b) << 16;
        for _ in 0..8 {
            crc <<= 1;
            if crc & 0x1000000 != 0 {
                crc ^= 0x1974F0B;
            }
        }
    }
    crc & 0xffffff
}

fn crc32(payload: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new_with_initial(crc32fast::hash(&[0xfa, 0x2d, 0x55, 0xca]));
    h.update(payload);
    h.finalize()
}

/// `frame` as segments: one self-contained segment if it fits in 128 KiB, else
/// consecutive non-self-contained pieces of at most 131 071 bytes (as the drivers cut them).
pub fn segment(frame: &[u8], lz4: bool) -> Vec<u8> {
    const MAX: usize = (1 << 17) - 1;
    if frame.len() <= MAX {
        return one_segment(frame, lz4, true);
    }
    frame
        .chunks(MAX)
        .flat_map(|piece| one_segment(piece, lz4, false))
        .collect()
}

fn one_segment(frame: &[u8], lz4: bool, self_contained: bool) -> Vec<u8> {
    let sc = u64::from(self_contained);
    let (header, payload): (Vec<u8>, Vec<u8>) = if lz4 {
        let compressed = lz4_flex::block::compress(frame);
        if compressed.len() < frame.len() {
            let h: u64 = compressed.len() as u64 | ((frame.len() as u64) << 17) | (sc << 34);
            (h.to_le_bytes()[..5].to_vec(), compressed)
        } else {
            // LZ4 cannot shrink it: stored as is, uncompressed length 0.
            let h: u64 = frame.len() as u64 | (sc << 34);
            (h.to_le_bytes()[..5].to_vec(), frame.to_vec())
        }
    } else {
        let h: u32 = frame.len() as u32 | ((sc as u32) << 17);
        (h.to_le_bytes()[..3].to_vec(), frame.to_vec())
    };
    let mut out = header.clone();
    out.extend(&crc24(&header).to_le_bytes()[..3]);
    out.extend(&payload);
    out.extend(crc32(&payload).to_le_bytes());
    out
}

fn take_segment(buf: &mut Vec<u8>, lz4: bool) -> Option<Vec<u8>> {
    let hlen = if lz4 { 5 } else { 3 };
    let head = buf.get(..hlen + 3)?;
    let mut h = [0u8; 8];
    h[..hlen].copy_from_slice(&head[..hlen]);
    let header = u64::from_le_bytes(h);
    assert_eq!(
        &crc24(&head[..hlen]).to_le_bytes()[..3],
        &head[hlen..hlen + 3],
        "segment header CRC24"
    );
    let len = (header & 0x1ffff) as usize;
    let raw_len = if lz4 {
        ((header >> 17) & 0x1ffff) as usize
    } else {
        0
    };
    let total = hlen + 3 + len + 4;
    if buf.len() < total {
        return None;
    }
    let seg: Vec<u8> = buf.drain(..total).collect();
    let payload = &seg[hlen + 3..hlen + 3 + len];
    assert_eq!(
        crc32(payload).to_le_bytes(),
        seg[total - 4..],
        "segment payload CRC32"
    );
    Some(if raw_len == 0 {
        payload.to_vec()
    } else {
        lz4_flex::block::decompress(payload, raw_len).expect("lz4 segment")
    })
}

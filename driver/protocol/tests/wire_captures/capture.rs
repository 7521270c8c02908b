//! Loading a capture folder and decoding both directions of a connection with the crate's
//! codec, switching framing modes at the points the README gives.

use std::fs;
use std::path::{Path, PathBuf};

use bytes::BytesMut;
use cassia_protocol::codec::{Frame, FrameDecoder};
use cassia_protocol::compression::Compression;
use cassia_protocol::envelope::{RequestFrame, ResponseFrame};
use cassia_protocol::frame::{FrameFlags, Opcode, ProtocolVersion};
use cassia_protocol::request::Request;
use serde_json::Value;

/// Where the captures are, or a panic that says why the test cannot run.
pub fn root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/wire-captures");
    assert!(
        root.join("README.md").is_file(),
        "wire captures not found at {} (expected <clone>/testdata/wire-captures); \
         these tests need them and must not pass silently",
        root.display()
    );
    root
}

pub fn read_json(path: &Path) -> Value {
    let text =
        fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad JSON in {}: {e}", path.display()))
}

pub fn read_jsonl(path: &Path) -> Vec<Value> {
    let text =
        fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line: {e}")))
        .collect()
}

pub fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digit"))
        .collect()
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Direction of a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    C2s,
    S2c,
}

impl Dir {
    pub fn name(self) -> &'static str {
        match self {
            Dir::C2s => "c2s",
            Dir::S2c => "s2c",
        }
    }
}

/// A decoded message with its envelope.
#[derive(Debug, Clone)]
pub enum Message {
    Request(RequestFrame),
    Response(ResponseFrame),
}

/// One frame as decoded from a capture.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// Stream offset of the frame (plain framing only; `None` inside segments).
    pub offset: Option<usize>,
    pub frame: Frame,
    pub message: Message,
}

/// The recorded chunks of one direction, in `seq` order.
pub fn chunks(conn_file: &Path, dir: Dir) -> Vec<Vec<u8>> {
    let mut records: Vec<(u64, Vec<u8>)> = read_jsonl(conn_file)
        .into_iter()
        .filter(|r| r["dir"] == dir.name())
        .map(|r| {
            let seq = r["seq"].as_u64().expect("seq");
            (seq, unhex(r["hex"].as_str().expect("hex")))
        })
        .collect();
    records.sort_by_key(|(seq, _)| *seq);
    records.into_iter().map(|(_, c)| c).collect()
}

/// Everything decoding one direction produced.
#[derive(Debug, Default)]
pub struct Stream {
    pub frames: Vec<Decoded>,
    /// Offset where segment framing started (v5), if it did.
    pub segments_from: Option<usize>,
    /// v4 compression named by STARTUP (client stream only).
    pub compression: Option<Compression>,
}

/// Decodes one direction, feeding the recorded chunks as they came.
///
/// The client stream switches after the STARTUP frame (v5 segments, LZ4 if negotiated); the
/// server stream switches after READY or AUTHENTICATE. v4 compression is flag-driven, so the
/// server decoder is given the algorithm the client's STARTUP named from the start.
pub fn decode_stream(
    chunks: &[Vec<u8>],
    dir: Dir,
    version: ProtocolVersion,
    negotiated: Option<Compression>,
) -> Stream {
    let mut decoder = FrameDecoder::new();
    if dir == Dir::S2c && version == ProtocolVersion::V4 {
        decoder.set_compression(negotiated);
    }
    let mut out = Stream::default();
    let mut buf = BytesMut::new();
    let mut fed = 0usize;
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        fed += chunk.len();
        loop {
            let before = fed - buf.len();
            let plain = !decoder.uses_segments();
            let frame = match decoder.decode(&mut buf) {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) => panic!("{} decode error at offset {before}: {e}", dir.name()),
            };
            let message = decode_message(&frame, dir);
            let switch = match (&message, dir) {
                (Message::Request(r), Dir::C2s) => match &r.request {
                    Request::Startup(s) => {
                        let c = s.option("COMPRESSION").and_then(Compression::from_name);
                        out.compression = c;
                        true
                    }
                    _ => false,
                },
                (Message::Response(_), Dir::S2c) => {
                    matches!(frame.header.opcode, Opcode::Ready | Opcode::Authenticate)
                        && !decoder.uses_segments()
                }
                _ => panic!("{} frame in the wrong direction", dir.name()),
            };
            if switch {
                match (version, dir) {
                    (ProtocolVersion::V4, Dir::C2s) => decoder.set_compression(out.compression),
                    (ProtocolVersion::V4, Dir::S2c) => {}
                    (_, d) => {
                        let c = if d == Dir::C2s {
                            out.compression
                        } else {
                            negotiated
                        };
                        decoder.use_segments(c == Some(Compression::Lz4));
                        out.segments_from = Some(fed - buf.len());
                    }
                }
            }
            out.frames.push(Decoded {
                offset: plain.then_some(before),
                frame,
                message,
            });
        }
    }
    assert!(
        buf.is_empty(),
        "{}: {} bytes left after the last frame",
        dir.name(),
        buf.len()
    );
    out
}

fn decode_message(frame: &Frame, dir: Dir) -> Message {
    match dir {
        Dir::C2s => Message::Request(
            RequestFrame::decode(&frame.header, &frame.body)
                .unwrap_or_else(|e| panic!("request decode failed: {e} ({:?})", frame.header)),
        ),
        Dir::S2c => Message::Response(
            ResponseFrame::decode_bytes(&frame.header, &frame.body)
                .unwrap_or_else(|e| panic!("response decode failed: {e} ({:?})", frame.header)),
        ),
    }
}

/// The frame as it would be without v4 compression: flag 0x01 cleared, real body length.
pub fn uncompressed_frame(frame: &Frame) -> Vec<u8> {
    let mut header = frame.header;
    header.flags.set(FrameFlags::COMPRESSION, false);
    header.length = u32::try_from(frame.body.len()).expect("small body");
    let mut out = header.to_bytes().to_vec();
    out.extend_from_slice(&frame.body);
    out
}

/// Re-encodes the decoded message; must give back the exact frame.
pub fn reencode(d: &Decoded) -> Vec<u8> {
    let version = d.frame.header.version;
    match &d.message {
        Message::Request(r) => r.encode(version),
        Message::Response(r) => r.encode(version),
    }
    .unwrap_or_else(|e| panic!("re-encode failed: {e} ({:?})", d.frame.header))
}

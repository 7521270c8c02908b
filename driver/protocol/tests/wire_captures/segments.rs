//! v5 segment-level checks: walks the segments of each direction independently of the frame
//! decoder and compares their number, grouping and compression with the index and README.

use std::path::Path;

use bytes::BytesMut;
use cassia_protocol::segment::{crc24, crc32, decode_segment};

use crate::Conn;
use crate::capture::{Dir, read_jsonl};

/// One segment's header fields.
#[derive(Debug)]
struct SegInfo {
    wire_payload: usize,
    /// 0 for uncompressed mode or stored segments.
    uncompressed: u64,
}

fn walk(bytes: &[u8], lz4: bool) -> Vec<SegInfo> {
    let hlen = if lz4 { 5 } else { 3 };
    let mut buf = BytesMut::from(bytes);
    let mut out = Vec::new();
    while !buf.is_empty() {
        let header = buf[..hlen]
            .iter()
            .rev()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let wire_payload = (header & 0x1_ffff) as usize;
        let uncompressed = if lz4 { (header >> 17) & 0x1_ffff } else { 0 };
        // Recompute both checksums here as well, independently of decode_segment.
        let crc = u32::from_le_bytes([buf[hlen], buf[hlen + 1], buf[hlen + 2], 0]);
        assert_eq!(crc, crc24(&buf[..hlen]), "segment {} CRC24", out.len());
        let p = hlen + 3;
        let trailer = &buf[p + wire_payload..p + wire_payload + 4];
        let expected = u32::from_le_bytes(trailer.try_into().expect("4 bytes"));
        assert_eq!(expected, crc32(&buf[p..p + wire_payload]), "segment CRC32");
        decode_segment(&mut buf, lz4)
            .expect("valid segment")
            .expect("complete segment");
        out.push(SegInfo {
            wire_payload,
            uncompressed,
        });
    }
    out
}

pub fn check(dir: &Path, conn: &Conn, lz4: bool) {
    let index = read_jsonl(&dir.join("frames-index.jsonl"));
    for d in [Dir::C2s, Dir::S2c] {
        let (stream, bytes) = match d {
            Dir::C2s => (&conn.c2s, &conn.c2s_bytes),
            Dir::S2c => (&conn.s2c, &conn.s2c_bytes),
        };
        let from = stream.segments_from.expect("v5 switches to segments");
        let segs = walk(&bytes[from..], lz4);
        let entries: Vec<_> = index
            .iter()
            .filter(|e| e["conn"].as_u64() == Some(conn.n) && e["dir"] == d.name())
            .filter_map(|e| e["segments"].as_array())
            .collect();
        let max = entries
            .iter()
            .flat_map(|s| s.iter().filter_map(|v| v.as_u64()))
            .max()
            .expect("segmented frames");
        let ctx = format!("conn {} {}", conn.n, d.name());
        assert_eq!(segs.len() as u64, max + 1, "{ctx}: segment count");
        let split = entries.iter().filter(|s| s.len() > 1).count();
        if conn.n == 2 {
            assert_eq!(split, 2, "{ctx}: two >128 KiB frames per direction");
        }
        if lz4 && conn.n == 2 {
            let stored = segs.iter().filter(|s| s.uncompressed == 0).count();
            let expected = match d {
                Dir::C2s => (60, 88),
                Dir::S2c => (44, 87),
            };
            assert_eq!(
                (stored, segs.len()),
                expected,
                "{ctx}: stored vs total (README)"
            );
            if d == Dir::C2s {
                let pattern: Vec<(usize, u64)> = segs
                    .iter()
                    .filter(|s| s.uncompressed > 0 && s.wire_payload < 1000)
                    .map(|s| (s.wire_payload, s.uncompressed))
                    .filter(|(_, u)| *u == 131_071 || *u == 8_270)
                    .collect();
                assert_eq!(
                    pattern,
                    [(840, 131_071), (300, 8_270)],
                    "{ctx}: pattern blob"
                );
            }
        }
    }
}

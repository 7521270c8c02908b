//! The codec against real traffic: the v5-lz4 and v4-lz4 server streams of the Python
//! driver ↔ Cassandra 4.0.13 captures (bare handshake frames, then compressed segments or
//! compressed frames, including frames split across segments and segments stored
//! uncompressed).

use std::path::PathBuf;

use super::decode::Decoder;
use super::{Framing, op};

fn captures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/wire-captures")
}

/// The concatenated `dir` stream of a capture connection, or `None` if captures are absent.
fn stream(scenario: &str, conn: u32, dir: &str) -> Option<Vec<u8>> {
    let text =
        std::fs::read_to_string(captures().join(scenario).join(format!("conn-{conn}.jsonl")))
            .ok()?;
    let marker = format!("\"dir\": \"{dir}\"");
    let mut out = Vec::new();
    for line in text.lines().filter(|l| l.contains(&marker)) {
        let hex = line.split("\"hex\": \"").nth(1)?.split('"').next()?;
        let bytes = hex.as_bytes();
        for pair in bytes.chunks(2) {
            let s = std::str::from_utf8(pair).ok()?;
            out.push(u8::from_str_radix(s, 16).ok()?);
        }
    }
    Some(out)
}

/// Decodes a server stream: bare frames until READY, then `after`. Returns the opcodes.
fn decode_server(bytes: &[u8], after: Framing) -> Vec<u8> {
    let mut dec = Decoder::new(Framing::Frames { lz4: false });
    dec.buf.extend_from_slice(bytes);
    let mut opcodes = Vec::new();
    while let Some(f) = dec.next_frame().expect("capture decodes") {
        assert_eq!(f.flags & 0x01, 0, "bodies come out decompressed");
        if f.opcode == op::READY && !opcodes.contains(&op::READY) {
            dec.set_framing(after);
        }
        opcodes.push(f.opcode);
    }
    assert!(dec.buf.is_empty(), "{} bytes left undecoded", dec.buf.len());
    opcodes
}

#[test]
fn v5_lz4_pool_connection_decodes_completely() {
    let Some(bytes) = stream("v5-lz4", 2, "s2c") else {
        eprintln!("wire captures not found next to the checkout; skipping");
        return;
    };
    let opcodes = decode_server(&bytes, Framing::Segments { lz4: true });
    // 88 server frames on the pool connection (frames-index.jsonl).
    assert_eq!(opcodes.len(), 88);
    assert_eq!(opcodes.first(), Some(&op::SUPPORTED));
    assert!(opcodes.iter().filter(|&&o| o == op::RESULT).count() > 70);
}

#[test]
fn v4_lz4_pool_connection_decodes_completely() {
    let Some(bytes) = stream("v4-lz4", 2, "s2c") else {
        eprintln!("wire captures not found next to the checkout; skipping");
        return;
    };
    // In v4 READY itself is already compressed, so switch before it: decode SUPPORTED bare.
    let mut dec = Decoder::new(Framing::Frames { lz4: false });
    dec.buf.extend_from_slice(&bytes);
    let first = dec.next_frame().expect("decodes").expect("SUPPORTED");
    assert_eq!(first.opcode, op::SUPPORTED);
    dec.set_framing(Framing::Frames { lz4: true });
    let mut n = 1;
    while let Some(f) = dec.next_frame().expect("capture decodes") {
        assert_eq!(f.flags & 0x01, 0);
        n += 1;
    }
    assert!(dec.buf.is_empty());
    assert_eq!(n, 88);
}

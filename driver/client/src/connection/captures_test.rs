//! The driver's frame reader against real Cassandra 4.0.13 server bytes (the shared wire
//! captures): every response of every connection, in every protocol/compression scenario,
//! decodes with the framing switched at the point the handshake switches it.

use std::path::{Path, PathBuf};

use bytes::BytesMut;
use cassia_protocol::compression::Compression;
use cassia_protocol::response::{Response, ResultBody};

use super::codec::{FrameReader, Framing, Incoming};

fn captures_dir() -> PathBuf {
    // `<clone>/driver/client` -> `<clone>/testdata/wire-captures`: the evidence travels with the repository.
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/wire-captures")
}

fn field<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let key = format!("\"{name}\": ");
    let start = line.find(&key)? + key.len();
    let rest = line.get(start..)?;
    match rest.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next(),
        None => rest.split([',', '}']).next(),
    }
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .filter_map(|i| s.get(2 * i..2 * i + 2))
        .filter_map(|b| u8::from_str_radix(b, 16).ok())
        .collect()
}

fn opcode_name(r: &Response) -> &'static str {
    match r {
        Response::Error(_) => "ERROR",
        Response::Ready => "READY",
        Response::Authenticate(_) => "AUTHENTICATE",
        Response::Supported(_) => "SUPPORTED",
        Response::Result(_) => "RESULT",
        Response::Event(_) => "EVENT",
        Response::AuthChallenge(_) => "AUTH_CHALLENGE",
        Response::AuthSuccess(_) => "AUTH_SUCCESS",
        _ => "?",
    }
}

/// (opcode, flags) of every server frame of `conn`, from the index.
fn expected(dir: &Path, conn: u32) -> Vec<(String, u8)> {
    let index = std::fs::read_to_string(dir.join("frames-index.jsonl")).expect("index");
    index
        .lines()
        .filter(|l| field(l, "dir") == Some("s2c") && field(l, "conn") == Some(&conn.to_string()))
        .map(|l| {
            let flags = field(l, "flags")
                .and_then(|f| u8::from_str_radix(f.trim_start_matches("0x"), 16).ok())
                .unwrap_or(0);
            (field(l, "opcode").unwrap_or_default().to_owned(), flags)
        })
        .collect()
}

fn decode_conn(dir: &Path, scenario: &str, conn: u32) -> Vec<Incoming> {
    let text = std::fs::read_to_string(dir.join(format!("conn-{conn}.jsonl"))).expect("capture");
    let mut stream = BytesMut::new();
    for line in text.lines().filter(|l| field(l, "dir") == Some("s2c")) {
        stream.extend_from_slice(&hex(field(line, "hex").unwrap_or_default()));
    }
    let compression = if scenario.ends_with("lz4") {
        Some(Compression::Lz4)
    } else if scenario.ends_with("snappy") {
        Some(Compression::Snappy)
    } else {
        None
    };
    let v5 = scenario.starts_with("v5");
    let mut reader = FrameReader::new(256 * 1024 * 1024);
    if !v5 {
        // As the handshake does right before sending STARTUP.
        reader.set_compression(compression);
    }
    let mut out = Vec::new();
    let mut switched = false;
    loop {
        let next = reader
            .read(&mut stream)
            .unwrap_or_else(|e| panic!("{scenario} conn {conn} frame {}: {e}", out.len()));
        let Some(incoming) = next else { break };
        let after_startup = matches!(
            incoming.response,
            Response::Ready | Response::Authenticate(_)
        );
        out.push(incoming);
        if v5 && after_startup && !switched {
            switched = true;
            reader.switch(Framing::Segments {
                lz4: compression == Some(Compression::Lz4),
            });
        }
    }
    assert!(
        stream.is_empty(),
        "{scenario} conn {conn}: {} bytes left over",
        stream.len()
    );
    out
}

#[test]
fn every_server_frame_of_every_capture_decodes() {
    let dir = captures_dir();
    assert!(
        dir.is_dir(),
        "wire captures not found at {} (they travel with the repository in testdata/wire-captures)",
        dir.display()
    );
    for scenario in ["v4-plain", "v4-lz4", "v4-snappy", "v5-plain", "v5-lz4"] {
        let sdir = dir.join(scenario);
        let mut warnings = 0;
        let mut traced = 0;
        let mut rows = 0;
        for conn in [1, 2] {
            let frames = decode_conn(&sdir, scenario, conn);
            let want = expected(&sdir, conn);
            let got: Vec<&str> = frames.iter().map(|f| opcode_name(&f.response)).collect();
            let want_ops: Vec<&str> = want.iter().map(|(o, _)| o.as_str()).collect();
            assert_eq!(got, want_ops, "{scenario} conn {conn}");
            for (f, (_, flags)) in frames.iter().zip(&want) {
                assert_eq!(
                    f.warnings.is_empty(),
                    flags & 0x08 == 0,
                    "{scenario}: warning flag"
                );
                assert_eq!(
                    f.tracing_id.is_some(),
                    flags & 0x02 != 0,
                    "{scenario}: tracing flag"
                );
                warnings += usize::from(!f.warnings.is_empty());
                traced += usize::from(f.tracing_id.is_some());
                rows += usize::from(matches!(f.response, Response::Result(ResultBody::Rows(_))));
            }
        }
        assert!(warnings >= 1, "{scenario}: the count(*) warning");
        assert!(traced >= 1, "{scenario}: the traced query");
        assert!(rows >= 10, "{scenario}: rows results");
    }
}

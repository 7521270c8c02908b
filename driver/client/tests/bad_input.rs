//! A server sending a broken frame: the connection closes with a clear error, every request
//! in flight on it fails promptly, other connections keep working, and the pool reconnects.

mod common;

use std::time::{Duration, Instant};

use cassia_driver::error::{ConnectionError, ExecuteError};
use cassia_driver::policies::ConstantReconnectionPolicy;
use cassia_driver::{ProtocolVersion, Session};
use cassia_protocol::request::Request;
use common::mock::{Action, MockConfig, MockServer, void};

/// A 9-byte v4 response header.
fn header(flags: u8, stream: i16, opcode: u8, length: u32) -> Vec<u8> {
    let mut h = vec![0x84, flags];
    h.extend_from_slice(&stream.to_be_bytes());
    h.push(opcode);
    h.extend_from_slice(&length.to_be_bytes());
    h
}

fn server_breaking_with(bad: fn(i16) -> Vec<u8>) -> MockConfig {
    MockConfig::new(move |req, _| match &req.request {
        Request::Query(q) if q.query == "HANG" => vec![Action::Ignore],
        Request::Query(q) if q.query == "BREAK" => vec![Action::Raw(bad(req.stream))],
        _ => vec![Action::Reply(void())],
    })
}

async fn session(server: &MockServer) -> Session {
    Session::builder()
        .known_node(server.addr.to_string())
        .protocol_version(ProtocolVersion::V4)
        .max_frame_size(64 * 1024)
        .reconnection_policy(ConstantReconnectionPolicy::new(Duration::from_millis(50)))
        .build()
        .await
        .expect("session")
}

async fn check_break(bad: fn(i16) -> Vec<u8>, expected: &str) {
    let server = MockServer::start(server_breaking_with(bad)).await;
    let victim = session(&server).await;
    let bystander = session(&server).await;

    let started = Instant::now();
    let hanging: Vec<_> = (0..3)
        .map(|_| {
            let s = victim.clone();
            tokio::spawn(async move { s.query("HANG", ()).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let err = victim.query("BREAK", ()).await.expect_err("broken frame");
    let text = err.to_string();
    assert!(
        matches!(
            &err,
            ExecuteError::Connection {
                source: ConnectionError::BadFrame(_),
                ..
            }
        ),
        "{text}"
    );
    assert!(text.contains(expected), "{text}");
    assert!(text.contains("BREAK"), "error names the statement: {text}");
    for h in hanging {
        let err = h.await.expect("task").expect_err("in-flight request fails");
        assert!(err.to_string().contains(expected), "{err}");
    }
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "in-flight requests must fail promptly, not at their 10 s timeout"
    );

    bystander
        .query("SELECT ok", ())
        .await
        .expect("another connection keeps working");

    // The victim's pool reconnects with backoff.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match victim.query("SELECT again", ()).await {
            Ok(_) => break,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("pool did not reconnect: {e}"),
        }
    }
}

#[tokio::test]
async fn unknown_opcode_closes_the_connection() {
    check_break(|stream| header(0, stream, 0x42, 0), "unknown opcode 0x42").await;
}

#[tokio::test]
async fn oversized_frame_closes_the_connection_without_reading_the_body() {
    check_break(
        |stream| header(0, stream, 0x08, 10_000_000),
        "exceeds the maximum of 65536 bytes",
    )
    .await;
}

#[tokio::test]
async fn truncated_body_closes_the_connection() {
    // A RESULT of kind Rows whose body stops right after the kind.
    check_break(
        |stream| {
            let mut f = header(0, stream, 0x08, 4);
            f.extend_from_slice(&2i32.to_be_bytes());
            f
        },
        "truncated",
    )
    .await;
}

#[tokio::test]
async fn response_on_an_unused_stream_closes_the_connection() {
    check_break(
        |_| {
            let mut f = header(0, 999, 0x08, 4);
            f.extend_from_slice(&1i32.to_be_bytes());
            f
        },
        "stream 999, which has no request in flight",
    )
    .await;
}

#[tokio::test]
async fn bad_version_byte_closes_the_connection() {
    check_break(
        |stream| {
            let mut f = header(0, stream, 0x08, 4);
            f[0] = 0x83;
            f.extend_from_slice(&1i32.to_be_bytes());
            f
        },
        "protocol version",
    )
    .await;
}

#[tokio::test]
async fn corrupt_v5_segment_crc_closes_the_connection() {
    fn corrupt_segment(stream: i16) -> Vec<u8> {
        use cassia_protocol::codec::FrameEncoder;
        let frame = cassia_protocol::envelope::ResponseFrame::new(stream, void())
            .encode(ProtocolVersion::V5)
            .expect("frame");
        let mut encoder = FrameEncoder::new();
        encoder.use_segments(false);
        let mut out = bytes::BytesMut::new();
        encoder.encode(&frame, &mut out).expect("segment");
        let mut bytes = out.to_vec();
        // Flip a bit in the payload (after the 6-byte segment header): CRC32 mismatch.
        bytes[8] ^= 0x40;
        bytes
    }
    let mut config = server_breaking_with(corrupt_segment);
    config.max_version = 5;
    let server = MockServer::start(config).await;
    let session = Session::builder()
        .known_node(server.addr.to_string())
        .build()
        .await
        .expect("session");
    assert_eq!(session.protocol_version(), ProtocolVersion::V5);
    let started = Instant::now();
    let s = session.clone();
    let hanging = tokio::spawn(async move { s.query("HANG", ()).await });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let err = session
        .query("BREAK", ())
        .await
        .expect_err("corrupt segment");
    assert!(err.to_string().contains("CRC32 mismatch"), "{err}");
    let err = hanging.await.expect("task").expect_err("in-flight fails");
    assert!(err.to_string().contains("CRC32 mismatch"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

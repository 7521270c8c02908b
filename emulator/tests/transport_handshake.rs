//! Handshake as Cassandra 4.0 does it, byte for byte where the wire captures pin it down:
//! OPTIONS/SUPPORTED, STARTUP/READY in v4 (plain, LZ4, Snappy) and v5 (plain, LZ4 segments),
//! the version step-down error, and the stage errors.

mod transport_support;

use cassia_emulator::Emulator;
use cassia_protocol::frame::ProtocolVersion;
use transport_support::*;

fn expected_supported() -> Vec<(String, Vec<String>)> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        (
            "PROTOCOL_VERSIONS".into(),
            s(&["3/v3", "4/v4", "5/v5", "6/v6-beta"]),
        ),
        ("COMPRESSION".into(), s(&["snappy", "lz4"])),
        ("CQL_VERSION".into(), s(&["3.4.5"])),
    ]
}

#[tokio::test]
async fn v4_plain_handshake_and_heartbeat() {
    let emu = Emulator::builder().start().await.expect("start");
    let mut c = RawClient::connect(emu.addr(), 0x04).await;
    c.send(0, 0, OPTIONS, &[]).await;
    let supported = c.recv_some().await;
    assert_eq!((supported.version, supported.stream), (0x84, 0));
    assert_eq!(supported.supported(), expected_supported());

    c.send(0, 1, STARTUP, &startup_body(None)).await;
    c.after_startup(None);
    let ready = c.recv_some().await;
    assert_eq!(
        ready,
        Frame {
            version: 0x84,
            flags: 0,
            stream: 1,
            opcode: READY,
            body: vec![]
        }
    );
    // OPTIONS stays valid after STARTUP (drivers use it as a heartbeat).
    c.send(0, 7, OPTIONS, &[]).await;
    let again = c.recv_some().await;
    assert_eq!((again.stream, again.supported()), (7, expected_supported()));
}

#[tokio::test]
async fn v4_lz4_ready_is_compressed_exactly_as_cassandra() {
    let emu = Emulator::builder().start().await.expect("start");
    let mut c = RawClient::connect(emu.addr(), 0x04).await;
    c.send(0, 0, OPTIONS, &[]).await;
    c.recv_some().await;
    c.send(0, 1, STARTUP, &startup_body(Some("lz4"))).await;
    c.mode = Mode::Raw;
    // Read the raw bytes before any decompression: `84 01 0001 02 00000005 00000000 00`.
    let mut expected = vec![0x84, 0x01, 0x00, 0x01, 0x02, 0, 0, 0, 5];
    expected.extend([0, 0, 0, 0, 0]);
    assert_eq!(read_exact(&mut c, expected.len()).await, expected);
    // Later requests and responses are compressed too.
    c.mode = Mode::Lz4Body;
    c.send(0, 2, OPTIONS, &[]).await;
    let s = c.recv_some().await;
    assert_eq!(s.flags & 0x01, 0x01);
    assert_eq!(s.supported(), expected_supported());
}

#[tokio::test]
async fn v4_snappy_ready_is_compressed_exactly_as_cassandra() {
    let emu = Emulator::builder().start().await.expect("start");
    let mut c = RawClient::connect(emu.addr(), 0x04).await;
    c.send(0, 0, OPTIONS, &[]).await;
    c.recv_some().await;
    c.send(0, 1, STARTUP, &startup_body(Some("snappy"))).await;
    c.mode = Mode::Raw;
    let expected = vec![0x84, 0x01, 0x00, 0x01, 0x02, 0, 0, 0, 1, 0];
    assert_eq!(read_exact(&mut c, expected.len()).await, expected);
    c.mode = Mode::SnappyBody;
    c.send(0, 2, REGISTER, &string_list_body(&["SCHEMA_CHANGE"]))
        .await;
    let ready = c.recv_some().await;
    assert_eq!((ready.flags, ready.stream, ready.opcode), (0x01, 2, READY));
}

async fn read_exact(c: &mut RawClient, n: usize) -> Vec<u8> {
    // Frames come back whole in raw mode; re-encode the header to compare bytes.
    let f = c.recv_some().await;
    let mut raw = vec![f.version, f.flags];
    raw.extend(f.stream.to_be_bytes());
    raw.push(f.opcode);
    raw.extend((f.body.len() as u32).to_be_bytes());
    raw.extend(&f.body);
    assert_eq!(raw.len(), n, "frame {f:?}");
    raw
}

#[tokio::test]
async fn v5_switches_to_segments_after_ready() {
    for lz4 in [false, true] {
        let emu = Emulator::builder().start().await.expect("start");
        let mut c = RawClient::connect(emu.addr(), 0x05).await;
        let ready = c.handshake(lz4.then_some("lz4")).await;
        // READY itself is a bare v5 frame.
        assert_eq!(
            ready,
            Frame {
                version: 0x85,
                flags: 0,
                stream: 1,
                opcode: READY,
                body: vec![]
            }
        );
        assert_eq!(c.mode, Mode::Segments { lz4 });
        c.send(0, 2, REGISTER, &string_list_body(&["SCHEMA_CHANGE"]))
            .await;
        let registered = c.recv_some().await;
        assert_eq!(
            (registered.version, registered.stream, registered.opcode),
            (0x85, 2, READY)
        );
        c.send(0, 3, OPTIONS, &[]).await;
        assert_eq!(c.recv_some().await.supported(), expected_supported());
    }
}

#[tokio::test]
async fn v5_refuses_snappy() {
    let emu = Emulator::builder().start().await.expect("start");
    let mut c = RawClient::connect(emu.addr(), 0x05).await;
    c.send(0, 1, STARTUP, &startup_body(Some("snappy"))).await;
    let err = c.recv_some().await;
    assert_eq!(
        err.error(),
        (0x000A, "Unsupported compression type: snappy".into())
    );
}

#[tokio::test]
async fn unknown_compression_and_missing_cql_version() {
    let emu = Emulator::builder().start().await.expect("start");
    let mut c = RawClient::connect(emu.addr(), 0x04).await;
    c.send(0, 1, STARTUP, &startup_body(Some("zstd"))).await;
    assert_eq!(
        c.recv_some().await.error(),
        (0x000A, "Unknown compression algorithm: zstd".into())
    );
    let mut body = Vec::new();
    cassia_protocol::wire::put_string_map(&mut body, &[("DRIVER_NAME", "x")], "o").expect("map");
    c.send(0, 2, STARTUP, &body).await;
    assert_eq!(
        c.recv_some().await.error(),
        (
            0x000A,
            "Missing value CQL_VERSION in STARTUP message".into()
        )
    );
}

#[tokio::test]
async fn unsupported_version_gets_cassandras_error_in_a_readable_version() {
    let emu = Emulator::builder().start().await.expect("start");
    // Newer than we speak (v6 with USE_BETA is served as 4.0 serves its beta; v7 is not):
    // answered in our newest version, then closed.
    let mut c = RawClient::connect(emu.addr(), 0x07).await;
    c.send(0x10, 0, OPTIONS, &[]).await;
    let err = c.recv_some().await;
    assert_eq!((err.version, err.stream), (0x85, 0));
    assert_eq!(
        err.error(),
        (
            0x000A,
            "Invalid or unsupported protocol version (7); supported versions are (3/v3, 4/v4, 5/v5, 6/v6-beta)"
                .into()
        )
    );
    c.expect_closed().await;

    // Older than we speak: answered in the client's own version so it can read it.
    let mut c = RawClient::connect(emu.addr(), 0x02).await;
    c.send(0, 3, OPTIONS, &[]).await;
    let err = c.recv_some().await;
    assert_eq!((err.version, err.stream), (0x82, 3));
    assert!(
        err.error()
            .1
            .starts_with("Invalid or unsupported protocol version (2);")
    );
    c.expect_closed().await;
}

#[tokio::test]
async fn v4_only_server_steps_a_v5_client_down() {
    let emu = Emulator::builder()
        .protocol_versions([ProtocolVersion::V4])
        .start()
        .await
        .expect("start");
    let mut c = RawClient::connect(emu.addr(), 0x05).await;
    c.send(0, 0, OPTIONS, &[]).await;
    let err = c.recv_some().await;
    assert_eq!(err.version, 0x84);
    assert_eq!(
        err.error().1,
        "Invalid or unsupported protocol version (5); supported versions are (3/v3, 4/v4)"
    );
    c.expect_closed().await;
    // The same client retrying with v4 is served.
    let mut c = RawClient::connect(emu.addr(), 0x04).await;
    assert_eq!(c.handshake(None).await.opcode, READY);
}

#[tokio::test]
async fn requests_before_startup_and_second_startup_are_refused() {
    let emu = Emulator::builder().start().await.expect("start");
    let mut c = RawClient::connect(emu.addr(), 0x04).await;
    c.send(0, 5, QUERY, &query_body(4, "SELECT * FROM system.local"))
        .await;
    let err = c.recv_some().await;
    assert_eq!(err.stream, 5);
    assert_eq!(
        err.error(),
        (
            0x000A,
            "Unexpected message QUERY, expecting STARTUP or OPTIONS".into()
        )
    );
    assert_eq!(c.handshake(None).await.opcode, READY);
    c.send(0, 6, STARTUP, &startup_body(None)).await;
    assert_eq!(
        c.recv_some().await.error(),
        (
            0x000A,
            "Unexpected message STARTUP, the connection is already initialized".into()
        )
    );
}

#[tokio::test]
async fn register_rejects_unknown_event_types() {
    let emu = Emulator::builder().start().await.expect("start");
    let mut c = RawClient::connect(emu.addr(), 0x04).await;
    c.handshake(None).await;
    c.send(
        0,
        2,
        REGISTER,
        &string_list_body(&["SCHEMA_CHANGE", "NOPE"]),
    )
    .await;
    assert_eq!(
        c.recv_some().await.error(),
        (0x000A, "Invalid value 'NOPE' for Type".into())
    );
}

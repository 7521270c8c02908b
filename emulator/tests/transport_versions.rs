//! The protocol versions Cassandra 4.0 accepts and how it refuses the others
//! (`ProtocolVersion.decode` and `Envelope.Decoder` of 4.0): v3 is served with its own
//! version byte and v3-shaped results, v6 is a beta that needs the USE_BETA flag, v1/v2 are
//! answered in their own version and anything newer in v5, each time on the client's stream,
//! before the connection is closed.

mod transport_support;

use cassia_emulator::Emulator;
use cassia_protocol::wire;
use transport_support::*;

const PREPARE: u8 = 0x09;
const RESULT: u8 = 0x08;
const SUPPORTED_LIST: &str = "3/v3, 4/v4, 5/v5, 6/v6-beta";

async fn refused(version: u8, flags: u8) -> Frame {
    let emu = Emulator::builder().start().await.expect("start");
    let mut c = RawClient::connect(emu.addr(), version).await;
    c.send(flags, 9, OPTIONS, &[]).await;
    let err = c.recv_some().await;
    c.expect_closed().await;
    err
}

#[tokio::test]
async fn v6_without_the_beta_flag_is_refused_in_v6() {
    let err = refused(0x06, 0).await;
    assert_eq!((err.version, err.stream), (0x86, 9));
    assert_eq!(
        err.error(),
        (
            0x000A,
            "Beta version of the protocol used (6/v6-beta), but USE_BETA flag is unset".into()
        )
    );
}

#[tokio::test]
async fn versions_one_and_two_are_answered_in_their_own_version() {
    for version in [1u8, 2] {
        let err = refused(version, 0).await;
        assert_eq!((err.version, err.stream), (0x80 | version, 9));
        assert_eq!(
            err.error(),
            (
                0x000A,
                format!(
                    "Invalid or unsupported protocol version ({version}); supported versions are ({SUPPORTED_LIST})"
                )
            )
        );
    }
}

#[tokio::test]
async fn versions_after_six_are_answered_in_v5() {
    for version in [7u8, 0x41] {
        let err = refused(version, 0).await;
        assert_eq!((err.version, err.stream), (0x85, 9));
        assert_eq!(
            err.error().1,
            format!(
                "Invalid or unsupported protocol version ({version}); supported versions are ({SUPPORTED_LIST})"
            )
        );
    }
}

#[tokio::test]
async fn v3_handshake_query_and_prepare() {
    let emu = Emulator::builder().start().await.expect("start");
    let mut c = RawClient::connect(emu.addr(), 0x03).await;
    c.send(0, 0, OPTIONS, &[]).await;
    let supported = c.recv_some().await;
    assert_eq!(supported.version, 0x83);
    assert_eq!(
        supported.supported()[0],
        (
            "PROTOCOL_VERSIONS".to_owned(),
            SUPPORTED_LIST.split(", ").map(str::to_owned).collect()
        )
    );
    c.send(0, 1, STARTUP, &startup_body(None)).await;
    let ready = c.recv_some().await;
    assert_eq!((ready.version, ready.opcode), (0x83, READY));

    c.send(
        0,
        2,
        QUERY,
        &query_body(3, "SELECT release_version FROM system.local"),
    )
    .await;
    let rows = c.recv_some().await;
    assert_eq!((rows.version, rows.stream, rows.opcode), (0x83, 2, RESULT));
    assert_eq!(rows.body.get(..4), Some(&[0, 0, 0, 2][..]), "{rows:?}");

    // v3 prepared metadata has no partition key indexes: <flags><count> then the
    // global table spec directly.
    let mut body = Vec::new();
    wire::put_long_string(
        &mut body,
        "SELECT * FROM system.local WHERE key = ?",
        "query",
    )
    .expect("query");
    c.send(0, 3, PREPARE, &body).await;
    let prepared = c.recv_some().await;
    assert_eq!((prepared.version, prepared.opcode), (0x83, RESULT));
    let b = &prepared.body;
    assert_eq!(b.get(..4), Some(&[0, 0, 0, 4][..]));
    let id_len = u16::from_be_bytes([b[4], b[5]]) as usize;
    let meta = 6 + id_len;
    assert_eq!(b.get(meta..meta + 8), Some(&[0, 0, 0, 1, 0, 0, 0, 1][..]));
    // Global spec: keyspace "system" follows the column count at once.
    assert_eq!(b.get(meta + 8..meta + 10), Some(&[0, 6][..]));
    assert_eq!(b.get(meta + 10..meta + 16), Some(&b"system"[..]));
}

#[tokio::test]
async fn a_v4_frame_on_a_v3_connection_is_refused_without_closing() {
    let emu = Emulator::builder().start().await.expect("start");
    let mut c = RawClient::connect(emu.addr(), 0x03).await;
    assert_eq!(c.handshake(None).await.opcode, READY);
    c.version = 0x04;
    c.send(0, 4, OPTIONS, &[]).await;
    let err = c.recv_some().await;
    assert_eq!((err.version, err.stream), (0x83, 4));
    assert_eq!(
        err.error().1,
        "Invalid message version. Got 4/v4 but previous messages on this connection had version 3/v3"
    );
    // 4.0's `PreV5Handlers.ProtocolDecoder` wraps the error with the stream: not fatal.
    c.version = 0x03;
    c.send(0, 5, OPTIONS, &[]).await;
    let supported = c.recv_some().await;
    assert_eq!((supported.version, supported.opcode), (0x83, SUPPORTED));
}

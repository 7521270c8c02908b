//! The transport around real statement execution: REGISTER + pushed SCHEMA_CHANGE events
//! (stream -1, only to registered connections), tracing ids and warnings on results, and
//! results large enough to be split across v5 segments.

mod transport_support;

use cassia_emulator::Emulator;
use cassia_protocol::wire::Reader;
use transport_support::*;

const RESULT: u8 = 0x08;

const CREATE_KS: &str = "CREATE KEYSPACE ks_events WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}";

/// The body Cassandra sends for `CREATED KEYSPACE ks_events`.
fn created_keyspace_event() -> Vec<u8> {
    let mut body = Vec::new();
    for s in ["SCHEMA_CHANGE", "CREATED", "KEYSPACE", "ks_events"] {
        cassia_protocol::wire::put_string(&mut body, s, "s").expect("string");
    }
    body
}

#[tokio::test]
async fn schema_change_is_pushed_to_registered_connections_only() {
    for (version, compression) in [
        (4u8, None),
        (4, Some("snappy")),
        (5, None),
        (5, Some("lz4")),
    ] {
        let emu = Emulator::builder().start().await.expect("start");
        let mut control = RawClient::connect(emu.addr(), version).await;
        control.handshake(compression).await;
        control
            .send(
                0,
                2,
                REGISTER,
                &string_list_body(&["SCHEMA_CHANGE", "STATUS_CHANGE"]),
            )
            .await;
        assert_eq!(control.recv_some().await.opcode, READY);

        let mut other = RawClient::connect(emu.addr(), version).await;
        other.handshake(compression).await;
        other
            .send(0, 5, QUERY, &query_body(version, CREATE_KS))
            .await;
        let result = other.recv_some().await;
        assert_eq!((result.stream, result.opcode), (5, RESULT), "{result:?}");
        assert_eq!(
            Reader::new(&result.body).i32("kind").expect("kind"),
            5,
            "Schema_change result"
        );

        let event = control.recv_some().await;
        assert_eq!(
            (event.version, event.stream, event.opcode),
            (0x80 | version, -1, EVENT),
            "v{version} {compression:?}"
        );
        assert_eq!(event.body, created_keyspace_event());

        // The connection that did not register gets no event: its next frame answers OPTIONS.
        other.send(0, 6, OPTIONS, &[]).await;
        assert_eq!(other.recv_some().await.opcode, SUPPORTED);
    }
}

#[tokio::test]
async fn traced_query_carries_a_time_based_session_id() {
    let emu = Emulator::builder().start().await.expect("start");
    let mut c = RawClient::connect(emu.addr(), 4).await;
    c.handshake(None).await;
    let cql = "SELECT release_version FROM system.local";
    c.send(0x02, 3, QUERY, &query_body(4, cql)).await;
    let traced = c.recv_some().await;
    assert_eq!(
        (traced.opcode, traced.flags & 0x02),
        (RESULT, 0x02),
        "{traced:?}"
    );
    let id = uuid::Uuid::from_slice(&traced.body[..16]).expect("uuid");
    assert_eq!(id.get_version_num(), 1);
    // Untraced: no flag, the body starts with the result kind.
    c.send(0, 4, QUERY, &query_body(4, cql)).await;
    let plain = c.recv_some().await;
    assert_eq!(plain.flags & 0x02, 0);
    assert_eq!(Reader::new(&plain.body).i32("kind").expect("kind"), 2);
    assert_eq!(&traced.body[16..], &plain.body[..]);
}

#[tokio::test]
async fn errors_from_the_engine_keep_the_connection_open() {
    let emu = Emulator::builder().start().await.expect("start");
    let mut c = RawClient::connect(emu.addr(), 5).await;
    c.handshake(Some("lz4")).await;
    c.send(0, 3, QUERY, &query_body(5, "SELEKT nonsense")).await;
    let err = c.recv_some().await;
    assert_eq!((err.stream, err.error().0), (3, 0x2000));
    c.send(0, 4, OPTIONS, &[]).await;
    assert_eq!(c.recv_some().await.opcode, SUPPORTED);
}

/// A PREPARE body (v5 adds an empty `[int]` of flags).
fn prepare_body(version: u8, cql: &str) -> Vec<u8> {
    let mut body = Vec::new();
    cassia_protocol::wire::put_long_string(&mut body, cql, "query").expect("query");
    if version >= 5 {
        cassia_protocol::wire::put_i32(&mut body, 0);
    }
    body
}

#[tokio::test]
async fn engine_warnings_set_the_warning_flag() {
    for version in [4u8, 5] {
        let emu = Emulator::builder().start().await.expect("start");
        let mut c = RawClient::connect(emu.addr(), version).await;
        c.handshake(None).await;
        for (stream, cql) in [
            (2, CREATE_KS),
            (3, "CREATE TABLE ks_events.kv (k int PRIMARY KEY, v text)"),
            (4, "USE ks_events"),
        ] {
            c.send(0, stream, QUERY, &query_body(version, cql)).await;
            let r = c.recv_some().await;
            assert_eq!((r.stream, r.opcode), (stream, RESULT), "{cql}: {r:?}");
        }
        // Cassandra warns when a statement is prepared unqualified after USE.
        c.send(
            0,
            5,
            0x09,
            &prepare_body(version, "SELECT v FROM kv WHERE k = ?"),
        )
        .await;
        let prepared = c.recv_some().await;
        assert_eq!((prepared.opcode, prepared.flags & 0x08), (RESULT, 0x08));
        let mut r = Reader::new(&prepared.body);
        let warnings = r.string_list("warnings").expect("warnings");
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].starts_with(
                "`USE <keyspace>` with prepared statements is considered to be an anti-pattern"
            ),
            "{warnings:?}"
        );
        assert_eq!(
            r.i32("kind").expect("kind"),
            4,
            "Prepared result follows the warnings"
        );
    }
}

#[tokio::test]
async fn results_larger_than_a_segment_round_trip() {
    for compression in [None, Some("lz4")] {
        let emu = Emulator::builder().start().await.expect("start");
        let mut c = RawClient::connect(emu.addr(), 5).await;
        c.handshake(compression).await;
        // 200 KiB that LZ4 cannot shrink (xorshift), so both directions need split segments.
        let mut state: u32 = 0x2545_F491;
        let blob: Vec<u8> = (0..200 * 1024)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state as u8
            })
            .collect();
        let hex: String = blob.iter().map(|b| format!("{b:02x}")).collect();
        for (stream, cql) in [
            (2, CREATE_KS.to_owned()),
            (
                3,
                "CREATE TABLE ks_events.blobs (k int PRIMARY KEY, b blob)".to_owned(),
            ),
            (
                4,
                format!("INSERT INTO ks_events.blobs (k, b) VALUES (1, 0x{hex})"),
            ),
        ] {
            c.send(0, stream, QUERY, &query_body(5, &cql)).await;
            let r = c.recv_some().await;
            assert_eq!(
                (r.stream, r.opcode),
                (stream, RESULT),
                "{compression:?} {}",
                String::from_utf8_lossy(&r.body)
            );
        }
        c.send(
            0,
            5,
            QUERY,
            &query_body(5, "SELECT b FROM ks_events.blobs WHERE k = 1"),
        )
        .await;
        let rows = c.recv_some().await;
        assert_eq!((rows.stream, rows.opcode), (5, RESULT));
        assert!(rows.body.len() > (1 << 17), "needs more than one segment");
        // The cell is the last `[bytes]` of the body.
        let tail = &rows.body[rows.body.len() - blob.len() - 4..];
        assert_eq!(&tail[..4], &(blob.len() as i32).to_be_bytes());
        assert!(
            tail[4..] == blob[..],
            "blob differs after the round trip ({compression:?})"
        );
    }
}

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

//! Handshake against the mock server: version step-down, STARTUP options, compression
//! negotiation, authentication, keyspace.

mod common;

use cassia_driver::auth::PlainTextAuthenticator;
use cassia_driver::error::ConnectError;
use cassia_driver::{Compression, ProtocolVersion, Session};
use cassia_protocol::request::Request;
use common::mock::{Action, MockConfig, MockServer, void};

fn startup_options(server: &MockServer) -> Vec<Vec<(String, String)>> {
    server
        .requests()
        .into_iter()
        .filter_map(|(_, f)| match f.request {
            Request::Startup(s) => Some(s.options),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn steps_down_from_v5_to_v4_when_the_server_rejects_v5() {
    let server = MockServer::start(MockConfig::new(|_, _| vec![Action::Reply(void())])).await;
    let session = Session::builder()
        .known_node(server.addr.to_string())
        .build()
        .await
        .expect("session opens with v4");
    assert_eq!(session.protocol_version(), ProtocolVersion::V4);
    let options = startup_options(&server);
    assert!(!options.is_empty());
    let first = &options[0];
    assert!(
        first.contains(&("CQL_VERSION".into(), "3.0.0".into())),
        "{first:?}"
    );
    assert!(
        first.contains(&("DRIVER_NAME".into(), "Cassia".into())),
        "{first:?}"
    );
    assert!(first.iter().any(|(k, _)| k == "DRIVER_VERSION"));
    assert!(!first.iter().any(|(k, _)| k == "COMPRESSION"));
    // One rejected v5 attempt, then the control and the pool connection directly in v4.
    assert_eq!(
        server.connections.load(std::sync::atomic::Ordering::SeqCst),
        3
    );
}

#[tokio::test]
async fn a_fixed_v5_against_a_v4_server_is_a_clear_error() {
    let server = MockServer::start(MockConfig::new(|_, _| vec![])).await;
    let err = Session::builder()
        .known_node(server.addr.to_string())
        .protocol_version(ProtocolVersion::V5)
        .build()
        .await
        .expect_err("v5 is refused");
    match err {
        ConnectError::UnsupportedVersion {
            version, message, ..
        } => {
            assert_eq!(version, 5);
            assert!(
                message.contains("Invalid or unsupported protocol version (5)"),
                "{message}"
            );
        }
        other => panic!("unexpected error: {other}"),
    }
}

#[tokio::test]
async fn compression_is_requested_only_when_offered() {
    let mut config = MockConfig::new(|_, _| vec![Action::Reply(void())]);
    config.compression = vec!["snappy".into()];
    let server = MockServer::start(config).await;
    // LZ4 is not offered: the driver runs uncompressed rather than failing.
    let _session = Session::builder()
        .known_node(server.addr.to_string())
        .protocol_version(ProtocolVersion::V4)
        .compression(Some(Compression::Lz4))
        .build()
        .await
        .expect("session opens uncompressed");
    for options in startup_options(&server) {
        assert!(
            !options.iter().any(|(k, _)| k == "COMPRESSION"),
            "{options:?}"
        );
    }
}

#[tokio::test]
async fn plain_text_authentication_succeeds_and_wrong_password_fails() {
    let mut config = MockConfig::new(|_, _| vec![Action::Reply(void())]);
    config.credentials = Some(("cassandra".into(), "s3cret".into()));
    let server = MockServer::start(config).await;
    let session = Session::builder()
        .known_node(server.addr.to_string())
        .authenticator(PlainTextAuthenticator::new("cassandra", "s3cret"))
        .build()
        .await
        .expect("good credentials");
    let debug = format!("{session:?}");
    assert!(debug.contains("PlainTextAuthenticator"), "{debug}");
    assert!(
        !debug.contains("s3cret"),
        "credentials must not appear in Debug output"
    );

    let err = Session::builder()
        .known_node(server.addr.to_string())
        .authenticator(PlainTextAuthenticator::new("cassandra", "wrong"))
        .build()
        .await
        .expect_err("bad credentials");
    let text = err.to_string();
    assert!(matches!(err, ConnectError::Authentication { .. }), "{text}");
    assert!(
        text.contains("Provided username and/or password are incorrect"),
        "{text}"
    );
    assert!(!text.contains("wrong"), "credentials must not leak: {text}");

    let err = Session::builder()
        .known_node(server.addr.to_string())
        .build()
        .await
        .expect_err("no authenticator");
    assert!(
        err.to_string().contains("no authenticator is configured"),
        "{err}"
    );
}

#[tokio::test]
async fn default_keyspace_is_used_on_pool_connections() {
    let server = MockServer::start(MockConfig::new(|req, _| match &req.request {
        Request::Query(q) if q.query.starts_with("USE ") => {
            vec![Action::Reply(cassia_protocol::response::Response::Result(
                cassia_protocol::response::ResultBody::SetKeyspace(q.query[4..].to_owned()),
            ))]
        }
        _ => vec![Action::Reply(void())],
    }))
    .await;
    let session = Session::builder()
        .known_node(server.addr.to_string())
        .default_keyspace("shop")
        .pool_size(2)
        .build()
        .await
        .expect("session");
    assert_eq!(session.keyspace().as_deref(), Some("shop"));
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let uses = server
        .user_requests()
        .iter()
        .filter(|(_, f)| matches!(&f.request, Request::Query(q) if q.query == "USE shop"))
        .count();
    assert_eq!(
        uses, 2,
        "one USE per pool connection, none on the control connection"
    );

    // A `USE` statement run through query() switches every pool connection.
    session.query("USE shop2", ()).await.expect("use");
    let conns: std::collections::BTreeSet<usize> = server
        .user_requests()
        .iter()
        .filter(|(_, f)| matches!(&f.request, Request::Query(q) if q.query == "USE shop2"))
        .map(|(c, _)| *c)
        .collect();
    assert_eq!(conns.len(), 2, "both pool connections switched: {conns:?}");
    assert_eq!(session.keyspace().as_deref(), Some("shop2"));
}

#[tokio::test]
async fn unreachable_contact_point_reports_the_node() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let err = Session::builder()
        .known_node(addr.to_string())
        .build()
        .await
        .expect_err("nothing listens");
    assert!(err.to_string().contains(&addr.to_string()), "{err}");
}

async fn roundtrip_with(
    max_version: u8,
    fixed: Option<ProtocolVersion>,
    compression: Option<Compression>,
) -> (ProtocolVersion, Option<String>) {
    let mut config = MockConfig::new(|req, _| match &req.request {
        Request::Query(q) if q.query == "SELECT big" => {
            // Large enough that compression and segment splitting matter.
            let rows: Vec<Vec<Option<i32>>> = (0..40_000).map(|i| vec![Some(i)]).collect();
            vec![Action::Reply(common::int_rows(&["n"], &rows, None))]
        }
        _ => vec![Action::Reply(void())],
    });
    config.max_version = max_version;
    let server = MockServer::start(config).await;
    let mut builder = Session::builder()
        .known_node(server.addr.to_string())
        .compression(compression);
    if let Some(v) = fixed {
        builder = builder.protocol_version(v);
    }
    let session = builder.build().await.expect("session");
    let r = session.query("SELECT big", ()).await.expect("query");
    assert_eq!(r.row_count(), 40_000);
    let rows: Vec<(i32,)> = r.rows().expect("rows");
    assert_eq!(rows[39_999], (39_999,));
    let negotiated = startup_options(&server).last().and_then(|o| {
        o.iter()
            .find(|(k, _)| k == "COMPRESSION")
            .map(|(_, v)| v.clone())
    });
    (session.protocol_version(), negotiated)
}

#[tokio::test]
async fn compression_negotiation_in_both_versions() {
    use ProtocolVersion::{V4, V5};
    assert_eq!(roundtrip_with(5, None, None).await, (V5, None));
    assert_eq!(
        roundtrip_with(5, None, Some(Compression::Lz4)).await,
        (V5, Some("lz4".into()))
    );
    // Snappy does not exist in v5: the session runs uncompressed rather than failing.
    assert_eq!(
        roundtrip_with(5, None, Some(Compression::Snappy)).await,
        (V5, None)
    );
    assert_eq!(
        roundtrip_with(4, None, Some(Compression::Lz4)).await,
        (V4, Some("lz4".into()))
    );
    assert_eq!(
        roundtrip_with(5, Some(V4), Some(Compression::Snappy)).await,
        (V4, Some("snappy".into()))
    );
}

#[tokio::test]
async fn idle_connections_get_heartbeats() {
    let server = MockServer::start(MockConfig::new(|_, _| vec![Action::Reply(void())])).await;
    let _session = Session::builder()
        .known_node(server.addr.to_string())
        .protocol_version(ProtocolVersion::V4)
        .heartbeat_interval(Some(std::time::Duration::from_millis(100)))
        .build()
        .await
        .expect("session");
    let options_after_handshake = || {
        let mut per_conn = std::collections::HashMap::new();
        for (conn, f) in server.requests() {
            if matches!(f.request, Request::Options) {
                *per_conn.entry(conn).or_insert(0usize) += 1;
            }
        }
        per_conn
    };
    // Allow for a busy machine: at least one heartbeat after the handshake's OPTIONS.
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    let counts = options_after_handshake();
    assert!(
        counts.len() >= 2 && counts.values().all(|n| *n >= 2),
        "each idle connection sent OPTIONS after its handshake one: {counts:?}"
    );
}

#[tokio::test]
async fn a_silent_server_hits_the_connect_timeout() {
    // Accepts TCP connections but never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let started = std::time::Instant::now();
    let err = Session::builder()
        .known_node(addr.to_string())
        .connect_timeout(std::time::Duration::from_millis(200))
        .build()
        .await
        .expect_err("no answer");
    assert!(matches!(err, ConnectError::Timeout { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        format!("connecting to {addr} timed out after 200ms")
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}

#[tokio::test]
async fn an_unanswered_heartbeat_closes_the_connection_and_the_pool_reconnects() {
    let mut config = MockConfig::new(|_, _| vec![Action::Reply(void())]);
    config.ignore_heartbeats = true;
    let server = MockServer::start(config).await;
    let session = Session::builder()
        .known_node(server.addr.to_string())
        .protocol_version(ProtocolVersion::V4)
        .heartbeat_interval(Some(std::time::Duration::from_millis(100)))
        .reconnection_policy(cassia_driver::policies::ConstantReconnectionPolicy::new(
            std::time::Duration::from_millis(20),
        ))
        .build()
        .await
        .expect("session");
    let before = server.connections.load(std::sync::atomic::Ordering::SeqCst);
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let after = server.connections.load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        after > before,
        "dead connections were replaced ({before} -> {after})"
    );
    // Between heartbeats the session still works.
    session
        .query("SELECT 1", ())
        .await
        .expect("query on a fresh connection");
}

#[tokio::test]
async fn dropping_the_last_session_handle_closes_its_connections() {
    let server = MockServer::start(MockConfig::new(|_, _| vec![Action::Reply(void())])).await;
    let session = Session::builder()
        .known_node(server.addr.to_string())
        .protocol_version(ProtocolVersion::V4)
        .pool_size(2)
        .build()
        .await
        .expect("session");
    session.query("SELECT 1", ()).await.expect("query");
    let open = server.open_connections();
    assert_eq!(open, 3, "control + 2 pool connections");
    drop(session);
    for _ in 0..100 {
        if server.open_connections() == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!(
        "{} connections still open after the session was dropped",
        server.open_connections()
    );
}

/// A listener that reads what the client sends first (OPTIONS), answers with `reply`
/// (nothing, or TLS-alert-like bytes), then closes: what a TLS-only port does to a
/// plaintext client. Serves every connection the same way.
async fn closing_listener(reply: &'static [u8]) -> std::net::SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                // A frame header is 9 bytes; read at least that much before answering.
                let mut seen = Vec::new();
                let mut buf = [0u8; 256];
                while seen.len() < 9 {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(buf.get(..n).unwrap_or_default()),
                    }
                }
                let _ = socket.write_all(reply).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    addr
}

/// The TLS alert a TLS 1.2 server sends for a record it cannot parse (fatal,
/// decode_error).
const TLS_ALERT: &[u8] = &[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x32];

async fn connect_error(
    addr: std::net::SocketAddr,
    version: Option<ProtocolVersion>,
) -> ConnectError {
    let mut builder = Session::builder()
        .known_node(addr.to_string())
        .connect_timeout(std::time::Duration::from_secs(20));
    if let Some(v) = version {
        builder = builder.protocol_version(v);
    }
    builder.build().await.expect_err("the server closes")
}

fn assert_closed_during_handshake(err: &ConnectError, alert: bool, case: &str) {
    match err {
        ConnectError::ClosedDuringHandshake { tls_alert, .. } => {
            assert_eq!(*tls_alert, alert, "{case}: {err}");
        }
        other => panic!("{case}: unexpected error kind: {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("closed during the handshake"),
        "{case}: {message}"
    );
    assert!(message.contains("may require TLS"), "{case}: {message}");
    assert!(
        !message.contains("does not support protocol"),
        "{case}: {message}"
    );
}

#[tokio::test]
async fn a_close_during_the_handshake_suggests_tls_not_a_version_problem() {
    let addr = closing_listener(&[]).await;
    for version in [Some(ProtocolVersion::V5), Some(ProtocolVersion::V4), None] {
        let err = connect_error(addr, version).await;
        assert_closed_during_handshake(&err, false, &format!("{version:?}"));
        assert!(err.to_string().contains(&addr.to_string()), "{err}");
    }
}

#[tokio::test]
async fn a_tls_alert_during_the_handshake_suggests_tls() {
    let addr = closing_listener(TLS_ALERT).await;
    for version in [Some(ProtocolVersion::V5), Some(ProtocolVersion::V4), None] {
        let err = connect_error(addr, version).await;
        assert_closed_during_handshake(&err, true, &format!("{version:?}"));
        assert!(err.to_string().contains("TLS alert"), "{err}");
    }
}

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
    // Every connection after the control connection was opened directly in v4.
    let versions: Vec<_> = server.requests().iter().map(|(_, f)| f.stream).collect();
    assert!(!versions.is_empty());
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
    Session::builder()
        .known_node(server.addr.to_string())
        .authenticator(PlainTextAuthenticator::new("cassandra", "s3cret"))
        .build()
        .await
        .expect("good credentials");

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
        Request::Query(q) if q.query == "USE shop" => {
            vec![Action::Reply(cassia_protocol::response::Response::Result(
                cassia_protocol::response::ResultBody::SetKeyspace("shop".into()),
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

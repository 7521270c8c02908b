//! Every server ERROR decodes into its typed variant with the server's message, and the
//! default retry policy retries only where it is safe.

mod common;

use std::time::Duration;

use bytes::Bytes;
use cassia_driver::error::{ErrorKind, ExecuteError, WriteType};
use cassia_driver::{Consistency, ProtocolVersion, Session, Statement};
use cassia_protocol::request::Request;
use common::mock::{Action, MockConfig, MockServer, error, void};

fn all_errors() -> Vec<(ErrorKind, &'static str)> {
    vec![
        (ErrorKind::ServerError, "java.lang.NullPointerException"),
        (ErrorKind::ProtocolError, "Invalid query flags"),
        (ErrorKind::AuthenticationError, "bad token"),
        (
            ErrorKind::Unavailable {
                consistency: Consistency::All,
                required: 3,
                alive: 1,
            },
            "Cannot achieve consistency level ALL",
        ),
        (ErrorKind::Overloaded, "Server is in overloaded state"),
        (
            ErrorKind::IsBootstrapping,
            "Cannot read from a bootstrapping node",
        ),
        (ErrorKind::TruncateError, "Error during truncate"),
        (
            ErrorKind::WriteTimeout {
                consistency: Consistency::Quorum,
                received: 1,
                block_for: 2,
                write_type: WriteType::Simple,
                contentions: None,
            },
            "Operation timed out - received only 1 responses.",
        ),
        (
            ErrorKind::ReadTimeout {
                consistency: Consistency::Quorum,
                received: 1,
                block_for: 2,
                data_present: false,
            },
            "Operation timed out - received only 1 responses.",
        ),
        (
            ErrorKind::ReadFailure {
                consistency: Consistency::One,
                received: 0,
                block_for: 1,
                num_failures: 1,
                reasons: Vec::new(),
                data_present: false,
            },
            "Operation failed - received 0 responses and 1 failures",
        ),
        (
            ErrorKind::FunctionFailure {
                keyspace: "ks".into(),
                function: "f".into(),
                arg_types: vec!["int".into()],
            },
            "execution of 'ks.f[int]' failed",
        ),
        (
            ErrorKind::WriteFailure {
                consistency: Consistency::One,
                received: 0,
                block_for: 1,
                num_failures: 1,
                reasons: Vec::new(),
                write_type: WriteType::BatchLog,
            },
            "Operation failed - received 0 responses and 1 failures",
        ),
        (
            ErrorKind::SyntaxError,
            "line 1:0 no viable alternative at input 'SELEC'",
        ),
        (ErrorKind::Unauthorized, "User bob has no SELECT permission"),
        (ErrorKind::Invalid, "table t does not exist"),
        (ErrorKind::ConfigError, "Cannot drop non existing keyspace"),
        (
            ErrorKind::AlreadyExists {
                keyspace: "ks".into(),
                table: "t".into(),
            },
            "Cannot add already existing table \"t\" to keyspace \"ks\"",
        ),
    ]
    .into_iter()
    .chain(std::iter::once((
        ErrorKind::CdcWriteFailure,
        "CDC space exhausted",
    )))
    .collect()
}

#[tokio::test]
async fn each_server_error_decodes_into_its_variant_with_its_message() {
    let errors = all_errors();
    let table = errors.clone();
    let server = MockServer::start(MockConfig::new(move |req, _| match &req.request {
        Request::Query(q) => {
            let i: usize = q
                .query
                .trim_start_matches("Q")
                .parse()
                .unwrap_or(usize::MAX);
            match table.get(i) {
                Some((kind, msg)) => vec![Action::Reply(error(kind.clone(), msg))],
                None => vec![Action::Reply(void())],
            }
        }
        _ => vec![Action::Reply(void())],
    }))
    .await;
    let session = Session::builder()
        .known_node(server.addr.to_string())
        .protocol_version(ProtocolVersion::V4)
        .build()
        .await
        .expect("session");
    for (i, (kind, msg)) in errors.iter().enumerate() {
        let cql = format!("Q{i}");
        let err = session
            .query(cql.as_str(), ())
            .await
            .expect_err("server error");
        let server_error = err
            .server_error()
            .unwrap_or_else(|| panic!("{cql}: not a server error: {err}"));
        assert_eq!(&server_error.kind, kind, "{cql}");
        assert_eq!(server_error.message, *msg, "{cql}");
        let text = err.to_string();
        assert_eq!(
            text,
            format!("{} rejected \"{cql}\": {msg}", server.addr),
            "{cql}"
        );
    }
}

#[tokio::test]
async fn read_timeout_with_enough_replicas_but_no_data_is_retried_once() {
    let server = MockServer::start(MockConfig::new(|req, _| match &req.request {
        Request::Query(_) => vec![Action::Reply(error(
            ErrorKind::ReadTimeout {
                consistency: Consistency::Quorum,
                received: 2,
                block_for: 2,
                data_present: false,
            },
            "Operation timed out - received only 2 responses.",
        ))],
        _ => vec![Action::Reply(void())],
    }))
    .await;
    let session = Session::builder()
        .known_node(server.addr.to_string())
        .protocol_version(ProtocolVersion::V4)
        .build()
        .await
        .expect("session");
    let err = session
        .query("SELECT", ())
        .await
        .expect_err("fails after the retry");
    assert!(matches!(
        err.server_error().map(|e| &e.kind),
        Some(ErrorKind::ReadTimeout { .. })
    ));
    let queries = server
        .user_requests()
        .iter()
        .filter(|(_, f)| matches!(&f.request, Request::Query(q) if q.query == "SELECT"))
        .count();
    assert_eq!(queries, 2, "one retry on the same node");
}

#[tokio::test]
async fn non_idempotent_writes_are_never_retried_after_a_timeout() {
    let server = MockServer::start(MockConfig::new(|req, _| match &req.request {
        Request::Query(q) if q.query.starts_with("INSERT") => vec![Action::Reply(error(
            ErrorKind::WriteTimeout {
                consistency: Consistency::Quorum,
                received: 0,
                block_for: 2,
                write_type: WriteType::BatchLog,
                contentions: None,
            },
            "Operation timed out - received only 0 responses.",
        ))],
        Request::Query(q) if q.query == "SLOW" => vec![Action::Ignore],
        _ => vec![Action::Reply(void())],
    }))
    .await;
    let session = Session::builder()
        .known_node(server.addr.to_string())
        .protocol_version(ProtocolVersion::V4)
        .build()
        .await
        .expect("session");
    let count = |server: &MockServer, text: &str| {
        server
            .user_requests()
            .iter()
            .filter(|(_, f)| matches!(&f.request, Request::Query(q) if q.query == text))
            .count()
    };
    session
        .query("INSERT a", ())
        .await
        .expect_err("not retried");
    assert_eq!(count(&server, "INSERT a"), 1);
    session
        .query(Statement::new("INSERT b").with_idempotent(true), ())
        .await
        .expect_err("retried once, then fails");
    assert_eq!(
        count(&server, "INSERT b"),
        2,
        "idempotent BATCH_LOG write timeout is retried once"
    );

    let err = session
        .query(
            Statement::new("SLOW").with_request_timeout(Duration::from_millis(50)),
            (),
        )
        .await
        .expect_err("client timeout");
    assert!(matches!(err, ExecuteError::Timeout { .. }), "{err}");
    assert_eq!(count(&server, "SLOW"), 1);
}

#[tokio::test]
async fn unknown_execution_profile_is_reported() {
    let server = MockServer::start(MockConfig::new(|_, _| vec![Action::Reply(void())])).await;
    let session = Session::builder()
        .known_node(server.addr.to_string())
        .protocol_version(ProtocolVersion::V4)
        .execution_profile(
            "analytics",
            cassia_driver::ExecutionProfile::new().with_consistency(Consistency::All),
        )
        .build()
        .await
        .expect("session");
    session
        .query(Statement::new("A").with_execution_profile("analytics"), ())
        .await
        .expect("profile exists");
    let sent = server.user_requests();
    match &sent.last().expect("sent").1.request {
        Request::Query(q) => assert_eq!(q.params.consistency, Consistency::All),
        other => panic!("{other:?}"),
    }
    let err = session
        .query(Statement::new("A").with_execution_profile("nope"), ())
        .await
        .expect_err("unknown profile");
    assert_eq!(err.to_string(), "unknown execution profile \"nope\"");
    let _ = Bytes::new();
}

#[tokio::test]
async fn the_request_timeout_covers_retries() {
    let server = MockServer::start(MockConfig::new(|req, _| match &req.request {
        Request::Query(q) if q.query == "SELECT slow" => vec![Action::Delay(
            Duration::from_millis(300),
            Box::new(Action::Reply(error(
                ErrorKind::ReadTimeout {
                    consistency: Consistency::Quorum,
                    received: 2,
                    block_for: 2,
                    data_present: false,
                },
                "Operation timed out - received only 2 responses.",
            ))),
        )],
        _ => vec![Action::Reply(void())],
    }))
    .await;
    let session = Session::builder()
        .known_node(server.addr.to_string())
        .protocol_version(ProtocolVersion::V4)
        .build()
        .await
        .expect("session");
    let started = std::time::Instant::now();
    let err = session
        .query(
            Statement::new("SELECT slow").with_request_timeout(Duration::from_millis(450)),
            (),
        )
        .await
        .expect_err("times out during the retry");
    assert!(matches!(err, ExecuteError::Timeout { .. }), "{err}");
    assert!(err.to_string().contains("timed out after 450ms"), "{err}");
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "the retry only got the time left: {:?}",
        started.elapsed()
    );
}

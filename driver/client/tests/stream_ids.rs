//! A connection whose stream ids are all in use: by default a request fails at once with
//! `Busy`; with waiting enabled (session-wide or per execution profile) it waits for a free
//! id, bounded by its request timeout.
//!
//! One connection with a single stream id, and a mock server that holds the answer to
//! `SELECT slow` for a few seconds, make "every id in use" certain.

mod common;

use std::time::Duration;

use cassia_driver::error::ExecuteError;
use cassia_driver::{ExecutionProfile, ProtocolVersion, Session, SessionBuilder, Statement};
use cassia_protocol::request::Request;
use common::mock::{Action, MockConfig, MockServer, void};

/// How long the server holds the slow answer: far longer than the short timeouts below.
const SLOW: Duration = Duration::from_secs(3);

async fn server() -> MockServer {
    MockServer::start(MockConfig::new(|req, _| match &req.request {
        Request::Query(q) if q.query == "SELECT slow" => {
            vec![Action::Delay(SLOW, Box::new(Action::Reply(void())))]
        }
        _ => vec![Action::Reply(void())],
    }))
    .await
}

async fn session(server: &MockServer, f: impl FnOnce(SessionBuilder) -> SessionBuilder) -> Session {
    f(Session::builder()
        .known_node(server.addr.to_string())
        .protocol_version(ProtocolVersion::V4)
        .pool_size(1)
        .max_requests_per_connection(1)
        .heartbeat_interval(None))
    .build()
    .await
    .expect("session")
}

/// Starts `SELECT slow` in a task and returns once the server has received it, so that the
/// pool connection's only stream id is certainly taken.
async fn occupy(session: &Session, server: &MockServer) -> tokio::task::JoinHandle<()> {
    let s = session.clone();
    let slow = tokio::spawn(async move {
        s.query("SELECT slow", ()).await.expect("the slow query");
    });
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let seen = server
                .user_requests()
                .iter()
                .any(|(_, f)| matches!(&f.request, Request::Query(q) if q.query == "SELECT slow"));
            if seen {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the server receives the slow query");
    slow
}

#[tokio::test]
async fn a_full_connection_fails_at_once_with_busy_by_default() {
    let server = server().await;
    let session = session(&server, |b| b).await;
    let slow = occupy(&session, &server).await;
    let err = tokio::time::timeout(SLOW, session.query("SELECT fast", ()))
        .await
        .expect("Busy comes at once, not after the slow answer")
        .expect_err("no stream id is free");
    assert!(
        matches!(err, ExecuteError::Busy { node } if node == server.addr),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("every stream id is in use"),
        "{err}"
    );
    slow.await.expect("slow task");
}

#[tokio::test]
async fn waiting_for_stream_ids_runs_the_request_once_an_id_is_free() {
    let server = server().await;
    let session = session(&server, |b| b.wait_for_stream_ids(true)).await;
    let slow = occupy(&session, &server).await;
    let occupied = tokio::time::Instant::now();

    // Too short a timeout: the wait ends first, and the error says what was awaited.
    let err = session
        .query(
            Statement::new("SELECT impatient").with_request_timeout(Duration::from_millis(300)),
            (),
        )
        .await
        .expect_err("the only id stays taken for seconds");
    match &err {
        ExecuteError::StreamIdTimeout { node, after, .. } => {
            assert_eq!(*node, server.addr);
            assert_eq!(*after, Duration::from_millis(300));
        }
        other => panic!("unexpected error: {other:?}"),
    }
    assert!(
        err.to_string().contains("waiting for a free stream id"),
        "{err}"
    );
    assert!(
        !server.user_requests().iter().any(|(_, f)| {
            matches!(&f.request, Request::Query(q) if q.query == "SELECT impatient")
        }),
        "a request that got no stream id is never sent"
    );

    // A timeout long enough: the request waits for the slow answer, then runs.
    session
        .query(
            Statement::new("SELECT patient").with_request_timeout(Duration::from_secs(30)),
            (),
        )
        .await
        .expect("runs once the slow query's id is freed");
    // The server held the slow answer for `SLOW` from (just before) `occupied`; the id
    // was only freed then.
    let waited = occupied.elapsed();
    assert!(
        waited >= SLOW - Duration::from_millis(200),
        "ran after {waited:?}, before the slow query's id was freed"
    );
    slow.await.expect("slow task");
}

#[tokio::test]
async fn an_execution_profile_can_choose_to_wait() {
    let server = server().await;
    let patient = ExecutionProfile::new()
        .with_wait_for_stream_ids(true)
        .with_request_timeout(Duration::from_secs(30));
    let session = session(&server, |b| b.execution_profile("patient", patient)).await;
    let slow = occupy(&session, &server).await;
    let err = session
        .query("SELECT fast", ())
        .await
        .expect_err("the default profile does not wait");
    assert!(matches!(err, ExecuteError::Busy { .. }), "{err:?}");
    session
        .query(
            Statement::new("SELECT fast").with_execution_profile("patient"),
            (),
        )
        .await
        .expect("the patient profile waits for the id");
    slow.await.expect("slow task");
}

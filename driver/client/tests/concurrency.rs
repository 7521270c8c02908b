//! Session-wide concurrency: `execute_concurrent` (order, every row lands, stopping at the
//! first error) and request throttling (`max_concurrent_requests` / `max_queued_requests`).

mod common;

use std::time::Duration;

use cassia_driver::error::{ErrorKind, ExecuteError};
use cassia_driver::{ConcurrentOptions, Session, Statement};
use cassia_emulator::{EmulatorHandle, Fault, FaultRule};

/// A session on `emulator` with `ks.t (k int PRIMARY KEY, v int)` created.
async fn session_with_table(emulator: &EmulatorHandle, ks: &str) -> Session {
    let session = Session::builder()
        .known_node(emulator.addr())
        .build()
        .await
        .expect("session");
    common::emulator::create_keyspace(&session, ks, 1).await;
    session
        .query(
            format!("CREATE TABLE {ks}.t (k int PRIMARY KEY, v int)"),
            (),
        )
        .await
        .expect("table");
    session
}

async fn keys(session: &Session, ks: &str) -> Vec<i32> {
    let result = session
        .query(format!("SELECT k FROM {ks}.t"), ())
        .await
        .expect("select");
    let mut keys: Vec<i32> = result
        .rows::<(i32,)>()
        .expect("rows")
        .into_iter()
        .map(|(k,)| k)
        .collect();
    keys.sort_unstable();
    keys
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn execute_concurrent_lands_every_row_and_keeps_input_order() {
    let emulator = common::emulator::start().await;
    let session = session_with_table(&emulator, "conc").await;
    let insert = session
        .prepare("INSERT INTO conc.t (k, v) VALUES (?, ?)")
        .await
        .expect("prepare");
    let results = session
        .execute_concurrent(&insert, (0..1000).map(|k| (k, k * 10)), 32)
        .await;
    assert_eq!(results.len(), 1000);
    if let Some((i, Err(e))) = results.iter().enumerate().find(|(_, r)| r.is_err()) {
        panic!("insert {i} failed: {e}");
    }
    assert_eq!(keys(&session, "conc").await, (0..1000).collect::<Vec<_>>());

    // Each result is its own input's: read back, in input order, from shuffled keys.
    let select = session
        .prepare("SELECT v FROM conc.t WHERE k = ?")
        .await
        .expect("prepare");
    let order: Vec<i32> = (0..200).map(|i| (i * 7919) % 1000).collect();
    let results = session
        .execute_concurrent(&select, order.iter().map(|k| (*k,)), 16)
        .await;
    assert_eq!(results.len(), order.len());
    for (k, result) in order.iter().zip(results) {
        let (v,): (i32,) = result.expect("select").first_row().expect("one row");
        assert_eq!(v, k * 10, "result of key {k}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_on_error_sends_nothing_after_the_first_failure() {
    let emulator = common::emulator::start().await;
    let session = session_with_table(&emulator, "stop").await;
    // A negative TTL is rejected by the server: input 100 fails.
    let insert = session
        .prepare("INSERT INTO stop.t (k, v) VALUES (?, ?) USING TTL ?")
        .await
        .expect("prepare");
    let failing = 100;
    let values = (0..1000).map(|k| (k, k, if k == failing { -1 } else { 3600 }));
    let options = ConcurrentOptions::new(4).stop_on_error(true);
    let results = session.execute_concurrent(&insert, values, options).await;

    // Inputs are sent in order and at most 4 at once: at most 3 after the failing one.
    let sent = results.len();
    assert!((101..=104).contains(&sent), "{sent} results");
    let failing_index = usize::try_from(failing).expect("small");
    for (i, result) in results.iter().enumerate() {
        match result {
            Err(ExecuteError::Server { error, .. }) if i == failing_index => {
                assert_eq!(error.kind, ErrorKind::Invalid, "{}", error.message);
            }
            Err(e) => panic!("input {i} failed: {e}"),
            Ok(_) => assert_ne!(i, failing_index, "the negative TTL was accepted"),
        }
    }
    let stored = keys(&session, "stop").await;
    let expected: Vec<i32> = (0..i32::try_from(sent).expect("small"))
        .filter(|k| *k != failing)
        .collect();
    assert_eq!(
        stored, expected,
        "exactly the inputs sent, minus the failed one"
    );

    // Without stop_on_error every input runs, the failure stays in its place.
    let values = (1000..1010).map(|k| (k, k, if k == 1003 { -1 } else { 3600 }));
    let results = session.execute_concurrent(&insert, values, 4).await;
    assert_eq!(results.len(), 10);
    assert_eq!(
        results.iter().position(Result::is_err),
        Some(3),
        "only input 3 fails"
    );
    assert_eq!(results.iter().filter(|r| r.is_err()).count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_queue_refuses_requests_at_once() {
    let emulator = common::emulator::start().await;
    emulator.add_rule(
        FaultRule::new()
            .cql_contains("release_version")
            .then(Fault::Delay(Duration::from_millis(500))),
    );
    let session = Session::builder()
        .known_node(emulator.addr())
        .max_concurrent_requests(1)
        .max_queued_requests(1)
        .build()
        .await
        .expect("session");
    let slow = || {
        session.query(
            Statement::new("SELECT release_version FROM system.local"),
            (),
        )
    };
    // Polled in order: the first runs, the second queues, the third finds the queue full.
    let (first, second, third) = tokio::join!(slow(), slow(), slow());
    first.expect("runs");
    second.expect("queued, then runs");
    match third {
        Err(ExecuteError::Throttled { in_flight, queued }) => {
            assert_eq!((in_flight, queued), (1, 1));
        }
        other => panic!("expected Throttled, got {other:?}"),
    }

    // A queued request's wait counts against its timeout: it fails without being sent.
    let short = Statement::new("SELECT release_version FROM system.local")
        .with_request_timeout(Duration::from_millis(100));
    let (running, queued) = tokio::join!(slow(), session.query(short, ()));
    running.expect("runs");
    assert!(
        matches!(queued, Err(ExecuteError::QueueTimeout { limit: 1, .. })),
        "{queued:?}"
    );
}

//! The metrics the driver records through the `metrics` facade, captured with
//! `metrics-util`'s debugging recorder (installed once for this test binary; each check
//! reads only the series of its own emulator's node address).

use std::sync::OnceLock;

use cassia_driver::{Session, metrics as m};
use cassia_emulator::Emulator;
use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};

fn snapshotter() -> &'static Snapshotter {
    static SNAPSHOTTER: OnceLock<Snapshotter> = OnceLock::new();
    SNAPSHOTTER.get_or_init(|| {
        let recorder = DebuggingRecorder::new();
        let snapshotter = recorder.snapshotter();
        recorder
            .install()
            .expect("the only recorder of this binary");
        snapshotter
    })
}

/// A recorded series: its name, its labels (sorted) and its value.
type Series = (String, Vec<(String, String)>, DebugValue);

fn series() -> Vec<Series> {
    snapshotter()
        .snapshot()
        .into_vec()
        .into_iter()
        .map(|(key, _, _, value)| {
            let key = key.key();
            let mut labels: Vec<(String, String)> = key
                .labels()
                .map(|l| (l.key().to_owned(), l.value().to_owned()))
                .collect();
            labels.sort();
            (key.name().to_owned(), labels, value)
        })
        .collect()
}

fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_errors_and_connections_are_recorded_with_their_labels() {
    snapshotter();
    let emulator = Emulator::builder().start().await.expect("emulator");
    let node = emulator.addr().to_string();
    let session = Session::builder()
        .known_node(emulator.addr())
        .pool_size(2)
        .build()
        .await
        .expect("session");
    session
        .query("SELECT release_version FROM system.local", ())
        .await
        .expect("query");
    let err = session
        .query("SELECT * FROM no_such_keyspace.t", ())
        .await
        .expect_err("no such table");
    assert!(err.server_error().is_some(), "{err}");
    let prepared = session
        .prepare("SELECT release_version FROM system.local")
        .await
        .expect("prepare");
    session.execute(&prepared, ()).await.expect("execute");

    let recorded = series();
    let find = |name: &str, wanted: &[(String, String)]| {
        recorded
            .iter()
            .find(|(n, l, _)| n == name && l == wanted)
            .map(|(_, _, v)| v)
    };
    let ok_query = labels(&[("node", &node), ("kind", "query"), ("outcome", "ok")]);
    match find(m::REQUEST_DURATION, &ok_query) {
        Some(DebugValue::Histogram(samples)) => {
            assert_eq!(samples.len(), 1, "one query: {samples:?}");
            assert!(samples[0].into_inner() > 0.0 && samples[0].into_inner() < 60.0);
        }
        other => panic!("no latency sample for {ok_query:?}: {other:?}\n{recorded:#?}"),
    }
    let ok_execute = labels(&[("node", &node), ("kind", "execute"), ("outcome", "ok")]);
    assert!(
        matches!(find(m::REQUEST_DURATION, &ok_execute), Some(DebugValue::Histogram(s)) if s.len() == 1),
        "{recorded:#?}"
    );
    let invalid = labels(&[("node", &node), ("kind", "query"), ("outcome", "invalid")]);
    assert!(
        matches!(
            find(m::REQUEST_ERRORS, &invalid),
            Some(DebugValue::Counter(1))
        ),
        "{recorded:#?}"
    );
    assert!(
        matches!(find(m::REQUEST_DURATION, &invalid), Some(DebugValue::Histogram(s)) if s.len() == 1),
        "failed requests have a latency sample too"
    );
    let connections = labels(&[("node", &node)]);
    match find(m::CONNECTIONS_OPEN, &connections) {
        Some(DebugValue::Gauge(open)) => assert_eq!(open.into_inner(), 2.0, "pool_size(2)"),
        other => panic!("no connection gauge: {other:?}\n{recorded:#?}"),
    }
    assert!(
        recorded.iter().any(|(n, _, _)| n == m::PREPARED_CACHE_SIZE),
        "{recorded:#?}"
    );

    // Closing the session closes its connections: the gauge follows.
    session.shutdown().await;
    let mut open = f64::NAN;
    for _ in 0..100 {
        open = match series()
            .into_iter()
            .find(|(n, l, _)| n == m::CONNECTIONS_OPEN && *l == connections)
        {
            Some((_, _, DebugValue::Gauge(g))) => g.into_inner(),
            _ => f64::NAN,
        };
        if open == 0.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(open, 0.0, "every connection closed");
}

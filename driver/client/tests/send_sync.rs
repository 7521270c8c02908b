//! Compile-time checks: the session and its futures can be shared across tasks and threads;
//! and futures carrying named values or a mixed-type batch are spawned on a multi-threaded
//! runtime against the emulator.

mod common;

use cassia_driver::values::AnyValues;
use cassia_driver::{
    Batch, BatchType, NamedValues, PreparedStatement, RowStream, Session, Statement,
};

fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
fn assert_send<T: Send>(_: &T) {}
fn assert_send_sync_only<T: Send + Sync>() {}

#[test]
fn session_and_futures_are_send() {
    assert_send_sync::<Session>();
    assert_send_sync::<PreparedStatement>();
    assert_send_sync::<Statement>();
    assert_send_sync::<Batch>();
    assert_send_sync::<cassia_driver::blocking::Session>();
    assert_send_sync_only::<NamedValues<'static>>();
    assert_send_sync_only::<[AnyValues<'static>; 2]>();
    assert_send_sync_only::<Vec<AnyValues<'static>>>();
    fn futures(session: &Session, p: &PreparedStatement, b: &Batch) {
        assert_send(&session.query("SELECT 1", (1i32, "a")));
        assert_send(&session.prepare("SELECT 1"));
        assert_send(&session.execute(p, (1i64,)));
        assert_send(&session.batch(b, &[(1i32,)]));
        assert_send(&session.query_iter("SELECT 1", ()));
        assert_send(&session.shutdown());
        assert_send(&session.await_schema_agreement());
        assert_send(&session.query("SELECT 1", NamedValues::new().with("k", 1i32)));
        let mixed: [AnyValues<'_>; 2] = [&(), &(1i32, "a")];
        assert_send(&session.batch(b, &mixed));
    }
    fn stream_is_send(_: RowStream<(i32,)>) {}
    let _ = (futures, stream_is_send as fn(RowStream<(i32,)>));
    let _ = Batch::new(BatchType::Logged);
}

/// Named values and a mixed-type batch, each held across awaits in a spawned task.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn named_values_and_mixed_batches_run_in_spawned_tasks() {
    let (_emu, session) = common::emulator::session_in(
        Session::builder(),
        "sendks",
        &["CREATE TABLE t (k int PRIMARY KEY, name text)"],
    )
    .await;

    let s = session.clone();
    let named = tokio::spawn(async move {
        let name = String::from("named");
        let values = NamedValues::new().with("k", 1i32).with("name", name);
        s.query("INSERT INTO t (k, name) VALUES (:k, :name)", values)
            .await
            .map(|_| ())
    });
    named
        .await
        .expect("task runs")
        .expect("insert with named values");

    let s = session.clone();
    let batched = tokio::spawn(async move {
        let insert = s.prepare("INSERT INTO t (k, name) VALUES (?, ?)").await?;
        let batch = Batch::new(BatchType::Logged)
            .with_statement("INSERT INTO t (k, name) VALUES (2, 'simple')")
            .with_prepared(&insert)
            .with_statement("INSERT INTO t (k, name) VALUES (?, ?)");
        let prepared_row = (3i32, String::from("prepared"));
        let simple_row = NamedValues::new()
            .with("k", 4i32)
            .with("name", "named in batch");
        let values: [AnyValues<'_>; 3] = [&(), &prepared_row, &simple_row];
        s.batch(&batch, &values).await.map(|_| ())
    });
    batched
        .await
        .expect("task runs")
        .expect("batch with mixed values");

    let mut rows: Vec<(i32, String)> = session
        .query("SELECT k, name FROM t", ())
        .await
        .expect("select")
        .rows()
        .expect("rows");
    rows.sort();
    assert_eq!(
        rows,
        vec![
            (1, "named".to_owned()),
            (2, "simple".to_owned()),
            (3, "prepared".to_owned()),
            (4, "named in batch".to_owned()),
        ]
    );
}

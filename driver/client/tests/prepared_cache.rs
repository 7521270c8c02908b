//! The bounded prepared-statement cache against the emulator: many distinct texts keep it
//! at its capacity, and a statement evicted from it is prepared again and runs.

mod common;

use cassia_driver::{Session, SessionBuilder};
use cassia_emulator::EmulatorHandle;

async fn setup(builder: SessionBuilder) -> (EmulatorHandle, Session) {
    common::emulator::session_in(
        builder,
        "pc",
        &["CREATE TABLE pc.kv (k int PRIMARY KEY, v int)"],
    )
    .await
}

/// A distinct text per `i` (the literal differs), as an application that puts values in
/// its CQL produces.
fn text(i: i32) -> String {
    format!("INSERT INTO pc.kv (k, v) VALUES (?, {i})")
}

#[tokio::test]
async fn distinct_texts_stay_within_capacity_and_evicted_ones_still_run() {
    const CAPACITY: usize = 8;
    let (_emu, session) = setup(Session::builder().prepared_cache_capacity(CAPACITY)).await;
    let first = session.prepare(text(0)).await.expect("prepare");
    for i in 1..(CAPACITY as i32 + 12) {
        session.query(text(i), (i,)).await.expect("insert");
        assert!(
            session.prepared_cache_len() <= CAPACITY,
            "after {i}: {}",
            session.prepared_cache_len()
        );
    }
    assert_eq!(session.prepared_cache_len(), CAPACITY);

    // Text 0 was evicted long ago: a statement handed out before still runs, and asking
    // for the text again prepares it anew.
    session
        .execute(&first, (100,))
        .await
        .expect("held statement");
    let again = session.prepare(text(0)).await.expect("re-prepare");
    assert_eq!(again.id(), first.id(), "the server's id for the same text");
    session.execute(&again, (101,)).await.expect("re-prepared");
    session.query(text(0), (102,)).await.expect("by text");
    assert_eq!(session.prepared_cache_len(), CAPACITY);

    let rows: Vec<(i32, i32)> = session
        .query("SELECT k, v FROM pc.kv WHERE k IN (100, 101, 102, 5)", ())
        .await
        .expect("select")
        .rows()
        .expect("rows");
    let mut rows = rows;
    rows.sort();
    assert_eq!(rows, [(5, 5), (100, 0), (101, 0), (102, 0)]);
}

#[tokio::test]
async fn a_capacity_of_zero_keeps_one_statement() {
    let (_emu, session) = setup(Session::builder().prepared_cache_capacity(0)).await;
    for i in 0..3 {
        session.query(text(i), (i,)).await.expect("insert");
    }
    assert_eq!(session.prepared_cache_len(), 1);
}

//! Re-preparing after a schema change refreshes a prepared statement's result columns.
//!
//! Cassandra (and the emulator) drop the prepared statements of a table that is altered and
//! answer their next EXECUTE with UNPREPARED; the driver prepares again. In protocol v4 the
//! PREPARED answer has no result metadata id, so the new columns must be taken from it
//! directly, or `result_columns()` keeps describing the table as it was.

mod common;

use cassia_driver::{CqlValue, ProtocolVersion, Row, Session};

fn names(columns: &[cassia_driver::ColumnSpec]) -> Vec<String> {
    columns.iter().map(|c| c.name.clone()).collect()
}

async fn select_star_sees_added_column(version: ProtocolVersion) {
    let (_emu, session) = common::emulator::session_in(
        Session::builder().protocol_version(version),
        "rp",
        &["CREATE TABLE t (k int PRIMARY KEY, v int)"],
    )
    .await;
    session
        .query("INSERT INTO t (k, v) VALUES (1, 10)", ())
        .await
        .expect("insert");

    let select = session.prepare("SELECT * FROM t").await.expect("prepare");
    assert_eq!(names(&select.result_columns()), ["k", "v"]);
    let copy = select.clone();

    session
        .query("ALTER TABLE t ADD extra text", ())
        .await
        .expect("alter");
    session
        .query("UPDATE t SET extra = 'new' WHERE k = 1", ())
        .await
        .expect("update");

    // The emulator dropped the statement with the ALTER: this EXECUTE is answered with
    // UNPREPARED and the driver prepares it again.
    let result = session.execute(&select, ()).await.expect("execute");
    let expected = ["k", "extra", "v"];
    assert_eq!(names(result.column_specs()), expected, "{version:?} rows");
    assert_eq!(
        names(&select.result_columns()),
        expected,
        "{version:?}: result_columns() after the re-prepare"
    );
    assert_eq!(
        names(&copy.result_columns()),
        expected,
        "{version:?}: clones share the refreshed columns"
    );
    let cached = session.prepare("SELECT * FROM t").await.expect("cached");
    assert_eq!(
        names(&cached.result_columns()),
        expected,
        "{version:?} cache"
    );

    let rows: Vec<Row> = result.rows().expect("rows decode");
    assert_eq!(rows.len(), 1);
    let row = rows.first().expect("one row");
    assert_eq!(
        row.get("extra").expect("column"),
        Some(&CqlValue::Text("new".into()))
    );
    assert_eq!(row.get("v").expect("column"), Some(&CqlValue::Int(10)));
    let typed: Vec<(i32, Option<String>, i32)> = session
        .execute(&select, ())
        .await
        .expect("second execute")
        .rows()
        .expect("typed rows");
    assert_eq!(typed, vec![(1, Some("new".to_owned()), 10)]);
}

#[tokio::test]
async fn reprepare_refreshes_result_columns_v4() {
    select_star_sees_added_column(ProtocolVersion::V4).await;
}

#[tokio::test]
async fn reprepare_refreshes_result_columns_v5() {
    select_star_sees_added_column(ProtocolVersion::V5).await;
}

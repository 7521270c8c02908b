//! Running statements against the mock server: pipelining, stream ids, timeouts,
//! re-preparing, paging, LWT results, warnings, retries and batches.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use cassia_driver::SerializeRow;
use cassia_driver::error::ExecuteError;
use cassia_driver::{Batch, BatchType, Consistency, CqlValue, ProtocolVersion, Session, Statement};
use cassia_protocol::envelope::ResponseFrame;
use cassia_protocol::request::{BatchStatement, Request};
use cassia_protocol::response::{
    ErrorKind, Prepared, PreparedMetadata, Response, ResultBody, ResultMetadata, RowsBuilder,
};
use cassia_protocol::types::ColumnType;
use common::mock::{Action, MockConfig, MockServer, error, void};
use common::{col, int_rows};

async fn session_with(
    server: &MockServer,
    f: impl FnOnce(cassia_driver::SessionBuilder) -> cassia_driver::SessionBuilder,
) -> Session {
    f(Session::builder()
        .known_node(server.addr.to_string())
        .protocol_version(ProtocolVersion::V4))
    .build()
    .await
    .expect("session")
}

fn query_text(req: &Request) -> &str {
    match req {
        Request::Query(q) => &q.query,
        _ => "",
    }
}

#[tokio::test]
async fn pipelined_requests_share_writes_and_all_complete() {
    let server = MockServer::start(MockConfig::new(|req, _| {
        let n: i32 = query_text(&req.request)
            .trim_start_matches("SELECT ")
            .parse()
            .unwrap_or(-1);
        vec![Action::Reply(int_rows(&["n"], &[vec![Some(n)]], None))]
    }))
    .await;
    let session = session_with(&server, |b| b.heartbeat_interval(None)).await;
    let reads_before = server.reads.lock().expect("reads").len();
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let s = session.clone();
            tokio::spawn(async move { (i, s.query(format!("SELECT {i}"), ()).await) })
        })
        .collect();
    for t in tasks {
        let (i, result) = t.await.expect("task");
        let rows: Vec<(i32,)> = result.expect("query").rows().expect("rows");
        assert_eq!(rows, vec![(i,)]);
    }
    let reads = server.reads.lock().expect("reads").len() - reads_before;
    assert!(
        reads <= 20,
        "200 pipelined requests arrived in {reads} reads; writes are not coalesced"
    );
}

#[tokio::test]
async fn stream_ids_are_reused_and_exhaustion_is_reported() {
    let server = MockServer::start(MockConfig::new(|req, _| match query_text(&req.request) {
        "HANG" => vec![Action::Ignore],
        _ => vec![Action::Reply(void())],
    }))
    .await;
    let session = session_with(&server, |b| {
        b.max_requests_per_connection(2).heartbeat_interval(None)
    })
    .await;
    for _ in 0..10 {
        session
            .query("SELECT 1", ())
            .await
            .expect("ids are freed after each response");
    }
    let ids: std::collections::BTreeSet<i16> = server
        .user_requests()
        .iter()
        .map(|(_, f)| f.stream)
        .collect();
    assert!(
        ids.iter().all(|id| *id < 2),
        "only ids 0 and 1 exist: {ids:?}"
    );

    let hang = |s: Session| tokio::spawn(async move { s.query("HANG", ()).await });
    let _h1 = hang(session.clone());
    let _h2 = hang(session.clone());
    tokio::time::sleep(Duration::from_millis(50)).await;
    let err = session.query("SELECT 1", ()).await.expect_err("no id left");
    assert!(matches!(err, ExecuteError::Busy { .. }), "{err}");
    assert!(
        err.to_string().contains("too many requests in flight"),
        "{err}"
    );
}

#[tokio::test]
async fn timed_out_request_keeps_its_stream_id_until_the_late_response() {
    let server = MockServer::start(MockConfig::new(|req, _| match query_text(&req.request) {
        "SLOW" => vec![Action::Delay(
            Duration::from_millis(400),
            Box::new(Action::Reply(void())),
        )],
        _ => vec![Action::Reply(void())],
    }))
    .await;
    let session = session_with(&server, |b| {
        b.max_requests_per_connection(1).heartbeat_interval(None)
    })
    .await;
    let slow = Statement::new("SLOW").with_request_timeout(Duration::from_millis(100));
    let err = session.query(slow, ()).await.expect_err("times out");
    assert!(matches!(err, ExecuteError::Timeout { .. }), "{err}");
    assert!(err.to_string().contains("\"SLOW\""), "{err}");
    assert!(err.to_string().contains("timed out after 100ms"), "{err}");
    // The only id is still reserved for the late answer.
    let busy = session
        .query("SELECT 1", ())
        .await
        .expect_err("id reserved");
    assert!(matches!(busy, ExecuteError::Busy { .. }), "{busy}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    session
        .query("SELECT 1", ())
        .await
        .expect("id freed by the late response");
}

fn prepared(id: &[u8]) -> Response {
    Response::Result(ResultBody::Prepared(Prepared {
        id: Bytes::copy_from_slice(id),
        result_metadata_id: None,
        metadata: PreparedMetadata {
            pk_indexes: vec![0],
            columns: vec![col("k", ColumnType::Int)],
        },
        result_metadata: ResultMetadata {
            column_count: 1,
            paging_state: None,
            new_metadata_id: None,
            columns: vec![col("v", ColumnType::Int)].into(),
        },
    }))
}

#[tokio::test]
async fn unprepared_is_handled_by_re_preparing_transparently() {
    let executes = Arc::new(AtomicUsize::new(0));
    let e = executes.clone();
    let server = MockServer::start(MockConfig::new(move |req, _| match &req.request {
        Request::Prepare(_) => vec![Action::Reply(prepared(b"stmt-1"))],
        Request::Execute(x) => {
            if e.fetch_add(1, Ordering::SeqCst) == 1 {
                vec![Action::Reply(error(
                    ErrorKind::Unprepared { id: x.id.clone() },
                    "Prepared query with ID 73746d742d31 not found",
                ))]
            } else {
                vec![Action::Reply(int_rows(&["v"], &[vec![Some(7)]], None))]
            }
        }
        _ => vec![Action::Reply(void())],
    }))
    .await;
    let session = session_with(&server, |b| b).await;
    let p = session
        .prepare("SELECT v FROM t WHERE k = ?")
        .await
        .expect("prepare");
    assert_eq!(p.id(), b"stmt-1");
    assert_eq!(p.bind_columns()[0].name, "k");
    let again = session
        .prepare("SELECT v FROM t WHERE k = ?")
        .await
        .expect("cached");
    assert_eq!(again.id(), p.id());

    let first = session.execute(&p, (1i32,)).await.expect("first execute");
    assert_eq!(first.one::<(i32,)>().expect("one row"), (7,));
    let second = session
        .execute(&p, (1i32,))
        .await
        .expect("re-prepared and retried");
    assert_eq!(second.one::<(i32,)>().expect("one row"), (7,));
    // Values are checked against the bind markers' types.
    let err = session
        .execute(&p, ("text",))
        .await
        .expect_err("wrong type");
    assert!(matches!(err, ExecuteError::Bind { .. }), "{err}");
    assert!(
        err.to_string().contains("ks.t.k"),
        "names the marker: {err}"
    );

    let kinds: Vec<&str> = server
        .user_requests()
        .iter()
        .filter_map(|(_, f)| match &f.request {
            Request::Prepare(_) => Some("PREPARE"),
            Request::Execute(_) => Some("EXECUTE"),
            _ => None,
        })
        .collect();
    assert_eq!(
        kinds,
        ["PREPARE", "EXECUTE", "EXECUTE", "PREPARE", "EXECUTE"]
    );
}

#[tokio::test]
async fn automatic_paging_walks_every_page() {
    let server = MockServer::start(MockConfig::new(|req, _| match &req.request {
        Request::Query(q) => {
            let state = q.params.paging_state.as_deref();
            let page_size = q.params.page_size;
            assert_eq!(page_size, Some(2), "page size is sent");
            let rows = match state {
                None => int_rows(&["n"], &[vec![Some(1)], vec![Some(2)]], Some(b"p1")),
                Some(b"p1") => int_rows(&["n"], &[vec![Some(3)], vec![None]], Some(b"p2")),
                _ => int_rows(&["n"], &[vec![Some(5)]], None),
            };
            vec![Action::Reply(rows)]
        }
        _ => vec![Action::Reply(void())],
    }))
    .await;
    let session = session_with(&server, |b| b).await;
    let mut stream = session
        .query_iter(Statement::new("SELECT n FROM t").with_page_size(2), ())
        .await
        .expect("stream");
    // The first row as a dynamic Row, the rest typed.
    let first = stream.next_row().await.expect("a row").expect("row");
    assert_eq!(first.get("n").expect("column n"), Some(&CqlValue::Int(1)));
    let mut typed = stream.rows_stream::<(Option<i32>,)>();
    let mut seen = vec![Some(CqlValue::Int(1))];
    while let Some(row) = typed.next_row().await {
        seen.push(row.expect("row").0.map(CqlValue::Int));
    }
    assert_eq!(
        seen,
        vec![
            Some(CqlValue::Int(1)),
            Some(CqlValue::Int(2)),
            Some(CqlValue::Int(3)),
            None,
            Some(CqlValue::Int(5))
        ]
    );

    // Manual paging: the state from one page starts the next.
    let first = session
        .query(Statement::new("SELECT n FROM t").with_page_size(2), ())
        .await
        .expect("page 1");
    let state = first.paging_state().cloned().expect("more pages");
    assert_eq!(state.as_bytes(), b"p1");
    let second = session
        .query(
            Statement::new("SELECT n FROM t")
                .with_page_size(2)
                .with_paging_state(state),
            (),
        )
        .await
        .expect("page 2");
    assert_eq!(second.row_count(), 2);
    assert_eq!(
        second.paging_state().map(|p| p.as_bytes().to_vec()),
        Some(b"p2".to_vec())
    );
}

fn lwt_result(applied: bool) -> Response {
    let mut columns = vec![col("[applied]", ColumnType::Boolean)];
    if !applied {
        columns.push(col("v", ColumnType::Int));
    }
    let mut b = RowsBuilder::new(ResultMetadata {
        column_count: columns.len(),
        paging_state: None,
        new_metadata_id: None,
        columns: columns.into(),
    });
    b.push_value(&[u8::from(applied)]).expect("cell");
    if !applied {
        b.push_value(&5i32.to_be_bytes()).expect("cell");
    }
    Response::Result(ResultBody::Rows(b.finish().expect("rows")))
}

#[tokio::test]
async fn lwt_helper_reads_applied() {
    let server = MockServer::start(MockConfig::new(|req, _| match query_text(&req.request) {
        "INSERT IF NOT EXISTS" => vec![Action::Reply(lwt_result(true))],
        "UPDATE IF v = 1" => vec![Action::Reply(lwt_result(false))],
        "SELECT" => vec![Action::Reply(int_rows(&["n"], &[], None))],
        _ => vec![Action::Reply(void())],
    }))
    .await;
    let session = session_with(&server, |b| b).await;
    let r = session
        .query("INSERT IF NOT EXISTS", ())
        .await
        .expect("lwt");
    assert!(r.was_applied().expect("applied column"));
    let r = session.query("UPDATE IF v = 1", ()).await.expect("lwt");
    assert!(!r.was_applied().expect("applied column"));
    assert_eq!(r.one::<(bool, i32)>().expect("row"), (false, 5));
    let r = session.query("plain write", ()).await.expect("write");
    assert!(r.was_applied().expect("void counts as applied"));
    let r = session.query("SELECT", ()).await.expect("select");
    let err = r.was_applied().expect_err("not an LWT");
    assert!(err.to_string().contains("no [applied] column"), "{err}");
}

#[tokio::test]
async fn warnings_and_tracing_id_are_surfaced() {
    let trace = uuid::Uuid::from_u128(0x1234);
    let server = MockServer::start(MockConfig::new(move |_, _| {
        let mut f = ResponseFrame::new(0, void());
        f.warnings =
            vec!["Batch for [ks.t] is of size 6.0KiB, exceeding specified threshold".into()];
        f.tracing_id = Some(trace);
        vec![Action::ReplyFrame(f)]
    }))
    .await;
    let session = session_with(&server, |b| b).await;
    let r = session
        .query(Statement::new("INSERT").with_tracing(true), ())
        .await
        .expect("query");
    assert_eq!(r.warnings().len(), 1);
    assert!(r.warnings()[0].contains("exceeding specified threshold"));
    assert_eq!(r.tracing_id(), Some(trace));
    let sent = server.user_requests();
    assert!(sent.last().expect("sent").1.tracing, "tracing flag is sent");
}

#[tokio::test]
async fn statement_options_reach_the_wire() {
    let server = MockServer::start(MockConfig::new(|_, _| vec![Action::Reply(void())])).await;
    let session = session_with(&server, |b| b.default_consistency(Consistency::Quorum)).await;
    session.query("A", ()).await.expect("query");
    session
        .query(
            Statement::new("B")
                .with_consistency(Consistency::One)
                .with_serial_consistency(Consistency::LocalSerial)
                .with_timestamp(42)
                .with_custom_payload("k", Bytes::from_static(b"v")),
            (),
        )
        .await
        .expect("query");
    let sent = server.user_requests();
    let params = |i: usize| match &sent[i].1.request {
        Request::Query(q) => q.params.clone(),
        other => panic!("unexpected {other:?}"),
    };
    let a = params(sent.len() - 2);
    assert_eq!(a.consistency, Consistency::Quorum);
    assert_eq!(a.page_size, Some(5000));
    assert!(
        a.timestamp.is_some_and(|t| t > 1_600_000_000_000_000),
        "monotonic µs timestamp"
    );
    let b = params(sent.len() - 1);
    assert_eq!(b.consistency, Consistency::One);
    assert_eq!(b.serial_consistency, Some(Consistency::LocalSerial));
    assert_eq!(b.timestamp, Some(42));
    assert_eq!(
        sent.last().expect("sent").1.custom_payload,
        Some(vec![("k".to_owned(), Some(b"v".to_vec()))])
    );
}

#[tokio::test]
async fn batch_mixes_simple_and_prepared_statements() {
    let server = MockServer::start(MockConfig::new(|req, _| match &req.request {
        Request::Prepare(_) => vec![Action::Reply(prepared(b"ins"))],
        _ => vec![Action::Reply(void())],
    }))
    .await;
    let session = session_with(&server, |b| b).await;
    let p = session
        .prepare("INSERT INTO t (k) VALUES (?)")
        .await
        .expect("prepare");
    let batch = Batch::new(BatchType::Unlogged)
        .with_statement("INSERT INTO t (k) VALUES (1)")
        .with_prepared(&p)
        .with_consistency(Consistency::Quorum);
    let values: [&dyn SerializeRow; 2] = [&(), &(2i32,)];
    session.batch(&batch, &values).await.expect("batch");
    let Some((_, frame)) = server.user_requests().pop() else {
        panic!("nothing sent")
    };
    let Request::Batch(b) = frame.request else {
        panic!("not a batch: {:?}", frame.request)
    };
    assert_eq!(b.batch_type, BatchType::Unlogged);
    assert_eq!(b.consistency, Consistency::Quorum);
    assert_eq!(b.statements.len(), 2);
    assert!(
        matches!(&b.statements[0], BatchStatement::Query { query, .. } if query == "INSERT INTO t (k) VALUES (1)")
    );
    assert!(
        matches!(&b.statements[1], BatchStatement::Prepared { id, values } if id.as_ref() == b"ins" && values.bytes == [0, 0, 0, 4, 0, 0, 0, 2])
    );

    let err = session
        .batch(&batch, &[()])
        .await
        .expect_err("value count mismatch");
    assert!(
        err.to_string()
            .contains("2 statements but 1 sets of values"),
        "{err}"
    );
}

#[tokio::test]
async fn shutdown_lets_in_flight_requests_finish_and_refuses_new_ones() {
    let server = MockServer::start(MockConfig::new(|req, _| match query_text(&req.request) {
        "SLOW" => vec![Action::Delay(
            Duration::from_millis(200),
            Box::new(Action::Reply(void())),
        )],
        _ => vec![Action::Reply(void())],
    }))
    .await;
    let session = session_with(&server, |b| b).await;
    let s = session.clone();
    let slow = tokio::spawn(async move { s.query("SLOW", ()).await });
    tokio::time::sleep(Duration::from_millis(50)).await;
    session.shutdown().await;
    slow.await
        .expect("task")
        .expect("in-flight request completes");
    let err = session.query("SELECT 1", ()).await.expect_err("closed");
    assert!(matches!(err, ExecuteError::SessionClosed), "{err}");
    assert_eq!(err.to_string(), "the session has been shut down");
}

#[tokio::test]
async fn simple_statement_with_values_is_prepared_and_rows_decode_typed() {
    let server = MockServer::start(MockConfig::new(|req, _| match &req.request {
        Request::Prepare(_) => vec![Action::Reply(prepared(b"sel"))],
        Request::Execute(_) => vec![Action::Reply(int_rows(
            &["v"],
            &[vec![Some(7)], vec![None]],
            None,
        ))],
        _ => vec![Action::Reply(void())],
    }))
    .await;
    let session = session_with(&server, |b| b).await;
    let named = cassia_driver::NamedValues::new().with("k", 1i32);
    let r = session
        .query("SELECT v FROM t WHERE k = :k", named)
        .await
        .expect("query with named values");
    assert_eq!(
        r.rows::<(Option<i32>,)>().expect("rows"),
        vec![(Some(7),), (None,)]
    );
    let err = r.one::<(i32,)>().expect_err("two rows");
    assert_eq!(err.to_string(), "expected exactly one row, got 2");
    let err = r.rows::<(String,)>().expect_err("wrong type");
    let text = err.to_string();
    assert!(text.contains("ks.t.v"), "names the column: {text}");
    assert!(text.contains("int"), "names the CQL type: {text}");
    let err = r.rows::<(i32,)>().expect_err("null into i32");
    assert!(err.to_string().contains("ks.t.v"), "{err}");
    let kinds: Vec<&str> = server
        .user_requests()
        .iter()
        .filter_map(|(_, f)| match &f.request {
            Request::Prepare(p) if p.query.contains(":k") => Some("PREPARE"),
            Request::Execute(_) => Some("EXECUTE"),
            Request::Query(q) if q.query.contains(":k") => Some("QUERY"),
            _ => None,
        })
        .collect();
    assert_eq!(kinds, ["PREPARE", "EXECUTE"]);
}

#[tokio::test]
async fn v5_result_metadata_id_is_sent_and_updated_from_metadata_changed() {
    fn prepared_v5() -> Response {
        let Response::Result(ResultBody::Prepared(mut p)) = prepared(b"sel5") else {
            unreachable!("prepared() builds a Prepared result")
        };
        p.result_metadata_id = Some(Bytes::from_static(b"meta-1"));
        Response::Result(ResultBody::Prepared(p))
    }
    let server = MockServer::start({
        let mut c = MockConfig::new(|req, _| match &req.request {
            Request::Prepare(_) => vec![Action::Reply(prepared_v5())],
            Request::Execute(x) if x.result_metadata_id.as_deref() == Some(b"meta-1") => {
                // The table changed: new metadata id and columns.
                let metadata = ResultMetadata {
                    column_count: 2,
                    paging_state: None,
                    new_metadata_id: Some(Bytes::from_static(b"meta-2")),
                    columns: vec![col("v", ColumnType::Int), col("w", ColumnType::Int)].into(),
                };
                let mut b = RowsBuilder::new(metadata);
                b.push_value(&1i32.to_be_bytes()).expect("cell");
                b.push_value(&2i32.to_be_bytes()).expect("cell");
                vec![Action::Reply(Response::Result(ResultBody::Rows(
                    b.finish().expect("rows"),
                )))]
            }
            Request::Execute(x) => {
                assert!(
                    x.params.skip_metadata,
                    "v5 with a metadata id skips metadata"
                );
                // Rows without metadata: the driver must use the columns it cached.
                let mut b = RowsBuilder::new(ResultMetadata {
                    column_count: 2,
                    paging_state: None,
                    new_metadata_id: None,
                    columns: Default::default(),
                });
                b.push_value(&3i32.to_be_bytes()).expect("cell");
                b.push_value(&4i32.to_be_bytes()).expect("cell");
                vec![Action::Reply(Response::Result(ResultBody::Rows(
                    b.finish().expect("rows"),
                )))]
            }
            _ => vec![Action::Reply(void())],
        });
        c.max_version = 5;
        c
    })
    .await;
    let session = Session::builder()
        .known_node(server.addr.to_string())
        .build()
        .await
        .expect("session");
    assert_eq!(session.protocol_version(), ProtocolVersion::V5);
    let p = session
        .prepare("SELECT * FROM t WHERE k = ?")
        .await
        .expect("prepare");
    let r = session.execute(&p, (1i32,)).await.expect("execute");
    assert_eq!(r.one::<(i32, i32)>().expect("row"), (1, 2));
    assert_eq!(
        p.result_columns().len(),
        2,
        "prepared statement learned the new columns"
    );
    let r = session.execute(&p, (1i32,)).await.expect("execute");
    assert_eq!(
        r.one::<(i32, i32)>().expect("row with cached metadata"),
        (3, 4)
    );
    let ids: Vec<Option<Bytes>> = server
        .user_requests()
        .iter()
        .filter_map(|(_, f)| match &f.request {
            Request::Execute(x) => Some(x.result_metadata_id.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        ids,
        vec![
            Some(Bytes::from_static(b"meta-1")),
            Some(Bytes::from_static(b"meta-2"))
        ]
    );
}

#[tokio::test]
async fn get_trace_polls_until_the_session_is_complete() {
    use cassia_protocol::response::Rows;
    let polls = Arc::new(AtomicUsize::new(0));
    let p = polls.clone();
    let trace_rows = move |complete: bool| -> Response {
        let columns = vec![
            col("coordinator", ColumnType::Inet),
            col("duration", ColumnType::Int),
            col(
                "parameters",
                ColumnType::Map(Box::new(ColumnType::Text), Box::new(ColumnType::Text)),
            ),
            col("request", ColumnType::Text),
            col("started_at", ColumnType::Timestamp),
        ];
        let mut b = RowsBuilder::new(ResultMetadata {
            column_count: columns.len(),
            paging_state: None,
            new_metadata_id: None,
            columns: columns.into(),
        });
        b.push_value(&[127, 0, 0, 1]).expect("cell");
        if complete {
            b.push_value(&1500i32.to_be_bytes()).expect("cell");
        } else {
            b.push_null();
        }
        let mut map = Vec::new();
        map.extend_from_slice(&1i32.to_be_bytes());
        for s in ["query", "SELECT 1"] {
            map.extend_from_slice(&(s.len() as i32).to_be_bytes());
            map.extend_from_slice(s.as_bytes());
        }
        b.push_value(&map).expect("cell");
        b.push_value(b"Execute CQL3 query").expect("cell");
        b.push_value(&1_700_000_000_000i64.to_be_bytes())
            .expect("cell");
        let rows: Rows = b.finish().expect("rows");
        Response::Result(ResultBody::Rows(rows))
    };
    let server = MockServer::start(MockConfig::new(move |req, _| match &req.request {
        Request::Query(q) if q.query.contains("system_traces.sessions") => {
            let n = p.fetch_add(1, Ordering::SeqCst);
            vec![Action::Reply(trace_rows(n >= 2))]
        }
        Request::Query(q) if q.query.contains("system_traces.events") => {
            let columns = vec![
                col("activity", ColumnType::Text),
                col("source", ColumnType::Inet),
                col("source_elapsed", ColumnType::Int),
                col("thread", ColumnType::Text),
            ];
            let mut b = RowsBuilder::new(ResultMetadata {
                column_count: 4,
                paging_state: None,
                new_metadata_id: None,
                columns: columns.into(),
            });
            b.push_value(b"Parsing SELECT 1").expect("cell");
            b.push_value(&[127, 0, 0, 1]).expect("cell");
            b.push_value(&42i32.to_be_bytes()).expect("cell");
            b.push_value(b"Native-Transport-Requests-1").expect("cell");
            vec![Action::Reply(Response::Result(ResultBody::Rows(
                b.finish().expect("rows"),
            )))]
        }
        _ => vec![Action::Reply(void())],
    }))
    .await;
    let session = session_with(&server, |b| b).await;
    let id = uuid::Uuid::from_u128(7);
    let trace = session.get_trace(id).await.expect("trace");
    assert_eq!(
        polls.load(Ordering::SeqCst),
        3,
        "polled until duration was set"
    );
    assert_eq!(trace.duration_micros, Some(1500));
    assert_eq!(trace.request.as_deref(), Some("Execute CQL3 query"));
    assert_eq!(
        trace.parameters.get("query").map(String::as_str),
        Some("SELECT 1")
    );
    assert_eq!(trace.started_at, Some(1_700_000_000_000));
    assert_eq!(trace.events.len(), 1);
    assert_eq!(
        trace.events[0].activity.as_deref(),
        Some("Parsing SELECT 1")
    );
    assert_eq!(trace.events[0].source_elapsed_micros, Some(42));
    // The session id was bound as a uuid value.
    let bound = server
        .user_requests()
        .iter()
        .find_map(|(_, f)| match &f.request {
            Request::Query(q) if q.query.contains("system_traces.sessions") => {
                Some(q.params.values.bytes.clone())
            }
            _ => None,
        })
        .expect("trace query sent");
    assert_eq!(&bound[4..], id.as_bytes());
}

#[tokio::test]
async fn load_balancing_policy_sees_the_routing_key_and_token() {
    use cassia_driver::cluster::Node;
    use cassia_driver::policies::{LoadBalancingPolicy, QueryPlan, RoundRobinPolicy, RoutingInfo};
    use std::sync::Mutex;

    /// Routing key, token and keyspace of one plan request.
    type Seen = (Option<Vec<u8>>, Option<i64>, Option<String>);

    #[derive(Debug, Default)]
    struct Recording {
        seen: Mutex<Vec<Seen>>,
        inner: RoundRobinPolicy,
    }
    impl LoadBalancingPolicy for Recording {
        fn plan(&self, request: &RoutingInfo<'_>, nodes: &[Arc<Node>]) -> QueryPlan {
            self.seen.lock().expect("lock").push((
                request.routing_key.map(<[u8]>::to_vec),
                request.token,
                request.keyspace.map(str::to_owned),
            ));
            self.inner.plan(request, nodes)
        }
    }

    let server = MockServer::start(MockConfig::new(|req, _| match &req.request {
        Request::Prepare(_) => vec![Action::Reply(prepared(b"p"))],
        Request::Execute(_) => vec![Action::Reply(int_rows(&["v"], &[], None))],
        _ => vec![Action::Reply(void())],
    }))
    .await;
    let policy = Arc::new(Recording::default());
    let session = session_with(&server, |b| {
        b.default_execution_profile(
            cassia_driver::ExecutionProfile::new().with_load_balancing_policy(policy.clone()),
        )
    })
    .await;
    let p = session
        .prepare("SELECT v FROM t WHERE k = ?")
        .await
        .expect("prepare");
    session.execute(&p, (1i32,)).await.expect("execute");
    let seen = policy.seen.lock().expect("lock").clone();
    let key = vec![0, 0, 0, 1];
    // No keyspace is selected: the routing keyspace is the one the server named for the
    // bind markers (the mock's `ks`), where the partition's replicas are.
    assert_eq!(
        seen.last(),
        Some(&(
            Some(key.clone()),
            Some(cassia_protocol::token::murmur3_token(&key)),
            Some("ks".to_owned())
        ))
    );
}

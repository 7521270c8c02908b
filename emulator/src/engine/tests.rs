//! Engine unit tests: statements through `Engine::query`/`prepare`/`execute`/`batch`,
//! asserting stored rows (as raw cells), result metadata and exact errors.

#![allow(clippy::unwrap_used)]

use bytes::Bytes;
use cassia_protocol::consistency::Consistency;
use cassia_protocol::frame::ProtocolVersion;
use cassia_protocol::request::{
    Batch, BatchStatement, BatchType, Execute, QueryParameters, SerializedValues,
};
use cassia_protocol::response::{ErrorKind, ResultBody, Rows, ServerError};
use cassia_protocol::wire::Reader;

use super::*;

fn engine() -> (Engine, ClientState) {
    let e = Engine::new(EngineConfig::default());
    let mut c = ClientState {
        keyspace: None,
        protocol_version: ProtocolVersion::V5,
    };
    q(
        &e,
        &mut c,
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    q(&e, &mut c, "USE ks");
    (e, c)
}

fn q(e: &Engine, c: &mut ClientState, cql: &str) -> Outcome {
    e.query(c, cql, &QueryParameters::default())
        .unwrap_or_else(|err| panic!("{cql}: {err:?}"))
}

fn err(e: &Engine, c: &mut ClientState, cql: &str) -> ServerError {
    match e.query(c, cql, &QueryParameters::default()) {
        Ok(o) => panic!("{cql}: expected an error, got {:?}", o.body),
        Err(err) => err,
    }
}

fn rows(o: &Outcome) -> &Rows {
    match &o.body {
        ResultBody::Rows(r) => r,
        other => panic!("expected rows, got {other:?}"),
    }
}

/// Cells of each row as Option<Vec<u8>>.
fn cells(r: &Rows) -> Vec<Vec<Option<Vec<u8>>>> {
    let mut rd = Reader::new(&r.content);
    (0..r.row_count)
        .map(|_| {
            (0..r.metadata.column_count)
                .map(|_| rd.bytes("cell").unwrap().map(<[u8]>::to_vec))
                .collect()
        })
        .collect()
}

fn int(v: i32) -> Option<Vec<u8>> {
    Some(v.to_be_bytes().to_vec())
}

fn text(s: &str) -> Option<Vec<u8>> {
    Some(s.as_bytes().to_vec())
}

fn values(vals: &[Option<&[u8]>]) -> SerializedValues {
    let mut bytes = Vec::new();
    for v in vals {
        match v {
            Some(b) => {
                bytes.extend_from_slice(&(b.len() as i32).to_be_bytes());
                bytes.extend_from_slice(b);
            }
            None => bytes.extend_from_slice(&(-1i32).to_be_bytes()),
        }
    }
    SerializedValues {
        count: vals.len() as u16,
        named: false,
        bytes,
    }
}

#[test]
fn insert_select_and_upsert() {
    let (e, mut c) = engine();
    q(&e, &mut c, "CREATE TABLE kv (k text PRIMARY KEY, v int)");
    q(&e, &mut c, "INSERT INTO kv (k, v) VALUES ('a', 1)");
    q(&e, &mut c, "INSERT INTO kv (k, v) VALUES ('a', 2)");
    q(&e, &mut c, "INSERT INTO kv (k, v) VALUES ('b', 3)");
    let o = q(&e, &mut c, "SELECT k, v FROM kv WHERE k = 'a'");
    assert_eq!(cells(rows(&o)), vec![vec![text("a"), int(2)]]);
    let o = q(&e, &mut c, "SELECT * FROM kv");
    let r = rows(&o);
    assert_eq!(r.row_count, 2);
    assert_eq!(r.metadata.columns[0].name, "k");
    assert_eq!(r.metadata.columns[0].keyspace, "ks");
}

#[test]
fn clustering_order_slices_and_desc() {
    let (e, mut c) = engine();
    q(
        &e,
        &mut c,
        "CREATE TABLE t (p int, c int, v text, PRIMARY KEY (p, c)) WITH CLUSTERING ORDER BY (c DESC)",
    );
    for i in [3, 1, 2, 5, 4] {
        q(
            &e,
            &mut c,
            &format!("INSERT INTO t (p, c, v) VALUES (1, {i}, 'v{i}')"),
        );
    }
    let o = q(&e, &mut c, "SELECT c FROM t WHERE p = 1");
    assert_eq!(
        cells(rows(&o)),
        vec![
            vec![int(5)],
            vec![int(4)],
            vec![int(3)],
            vec![int(2)],
            vec![int(1)]
        ]
    );
    let o = q(
        &e,
        &mut c,
        "SELECT c FROM t WHERE p = 1 AND c >= 2 AND c < 5 ORDER BY c ASC",
    );
    assert_eq!(
        cells(rows(&o)),
        vec![vec![int(2)], vec![int(3)], vec![int(4)]]
    );
    let o = q(&e, &mut c, "SELECT c FROM t WHERE p = 1 LIMIT 2");
    assert_eq!(cells(rows(&o)), vec![vec![int(5)], vec![int(4)]]);
}

#[test]
fn null_cells_row_markers_and_deletes() {
    let (e, mut c) = engine();
    q(
        &e,
        &mut c,
        "CREATE TABLE t (k int PRIMARY KEY, a int, b int)",
    );
    q(&e, &mut c, "INSERT INTO t (k, a) VALUES (1, null)");
    q(&e, &mut c, "UPDATE t SET a = 5 WHERE k = 2");
    q(&e, &mut c, "UPDATE t SET a = null WHERE k = 2");
    let o = q(&e, &mut c, "SELECT k, a FROM t");
    // The INSERTed row survives with null cells; the UPDATEd one vanishes with its only cell.
    assert_eq!(cells(rows(&o)), vec![vec![int(1), None]]);
    q(&e, &mut c, "DELETE FROM t WHERE k = 1");
    assert_eq!(rows(&q(&e, &mut c, "SELECT * FROM t")).row_count, 0);
}

#[test]
fn using_timestamp_last_write_wins() {
    let (e, mut c) = engine();
    q(&e, &mut c, "CREATE TABLE t (k int PRIMARY KEY, v int)");
    q(
        &e,
        &mut c,
        "INSERT INTO t (k, v) VALUES (1, 10) USING TIMESTAMP 100",
    );
    q(
        &e,
        &mut c,
        "INSERT INTO t (k, v) VALUES (1, 5) USING TIMESTAMP 50",
    );
    let o = q(&e, &mut c, "SELECT v, writetime(v) FROM t WHERE k = 1");
    assert_eq!(
        cells(rows(&o)),
        vec![vec![int(10), Some(100i64.to_be_bytes().to_vec())]]
    );
    assert_eq!(rows(&o).metadata.columns[1].name, "writetime(v)");
    q(&e, &mut c, "DELETE FROM t USING TIMESTAMP 99 WHERE k = 1");
    assert_eq!(
        rows(&q(&e, &mut c, "SELECT v FROM t WHERE k = 1")).row_count,
        1
    );
    q(&e, &mut c, "DELETE FROM t USING TIMESTAMP 100 WHERE k = 1");
    assert_eq!(
        rows(&q(&e, &mut c, "SELECT v FROM t WHERE k = 1")).row_count,
        0
    );
}

#[test]
fn collections_merge_per_element() {
    let (e, mut c) = engine();
    q(
        &e,
        &mut c,
        "CREATE TABLE t (k int PRIMARY KEY, s set<int>, l list<text>, m map<text, int>)",
    );
    q(
        &e,
        &mut c,
        "INSERT INTO t (k, s, l, m) VALUES (1, {3, 1}, ['b'], {'x': 1})",
    );
    q(
        &e,
        &mut c,
        "UPDATE t SET s = s + {2}, l = l + ['c'], m['y'] = 2 WHERE k = 1",
    );
    q(
        &e,
        &mut c,
        "UPDATE t SET s = s - {3}, l = ['a'] + l WHERE k = 1",
    );
    q(&e, &mut c, "DELETE m['x'] FROM t WHERE k = 1");
    let o = q(&e, &mut c, "SELECT s, l, m FROM t WHERE k = 1");
    let enc = |items: &[&[u8]]| {
        let mut v = (items.len() as i32).to_be_bytes().to_vec();
        for i in items {
            v.extend_from_slice(&(i.len() as i32).to_be_bytes());
            v.extend_from_slice(i);
        }
        Some(v)
    };
    assert_eq!(
        cells(rows(&o)),
        vec![vec![
            enc(&[&1i32.to_be_bytes(), &2i32.to_be_bytes()]),
            enc(&[b"a", b"b", b"c"]),
            Some(
                [
                    &1i32.to_be_bytes()[..],
                    &1i32.to_be_bytes(),
                    b"y",
                    &4i32.to_be_bytes(),
                    &2i32.to_be_bytes()
                ]
                .concat()
            ),
        ]]
    );
    q(&e, &mut c, "UPDATE t SET l[1] = 'B' WHERE k = 1");
    let o = q(&e, &mut c, "SELECT l FROM t WHERE k = 1");
    assert_eq!(cells(rows(&o)), vec![vec![enc(&[b"a", b"B", b"c"])]]);
    let er = err(&e, &mut c, "UPDATE t SET l[7] = 'x' WHERE k = 1");
    assert_eq!(er.message, "List index 7 out of bound, list has size 3");
    // Overwriting an empty collection reads back as null.
    q(&e, &mut c, "UPDATE t SET s = {} WHERE k = 1");
    assert_eq!(
        cells(rows(&q(&e, &mut c, "SELECT s FROM t WHERE k = 1"))),
        vec![vec![None]]
    );
}

#[test]
fn counters() {
    let (e, mut c) = engine();
    q(
        &e,
        &mut c,
        "CREATE TABLE counters (pk text PRIMARY KEY, hits counter, misses counter)",
    );
    q(
        &e,
        &mut c,
        "UPDATE counters SET hits = hits + 5, misses = misses - 3 WHERE pk = 'a'",
    );
    q(
        &e,
        &mut c,
        "UPDATE counters SET hits = hits + 10 WHERE pk = 'a'",
    );
    let o = q(&e, &mut c, "SELECT pk, hits, misses FROM counters");
    assert_eq!(
        cells(rows(&o)),
        vec![vec![
            text("a"),
            Some(15i64.to_be_bytes().to_vec()),
            Some((-3i64).to_be_bytes().to_vec())
        ]]
    );
    let er = err(
        &e,
        &mut c,
        "INSERT INTO counters (pk, hits) VALUES ('b', 1)",
    );
    assert_eq!(
        er.message,
        "INSERT statements are not allowed on counter tables, use UPDATE instead"
    );
}

#[test]
fn lwt_insert_if_not_exists_returns_existing_row() {
    let (e, mut c) = engine();
    q(&e, &mut c, "CREATE TABLE lwt (k text PRIMARY KEY, v int)");
    let o = q(
        &e,
        &mut c,
        "INSERT INTO lwt (k, v) VALUES ('x', 1) IF NOT EXISTS",
    );
    assert_eq!(cells(rows(&o)), vec![vec![Some(vec![1])]]);
    assert_eq!(rows(&o).metadata.columns[0].name, "[applied]");
    let o = q(
        &e,
        &mut c,
        "INSERT INTO lwt (k, v) VALUES ('x', 2) IF NOT EXISTS",
    );
    let names: Vec<_> = rows(&o)
        .metadata
        .columns
        .iter()
        .map(|c| c.name.clone())
        .collect();
    assert_eq!(names, ["[applied]", "k", "v"]);
    assert_eq!(
        cells(rows(&o)),
        vec![vec![Some(vec![0]), text("x"), int(1)]]
    );
    let o = q(&e, &mut c, "UPDATE lwt SET v = 3 WHERE k = 'x' IF v = 2");
    assert_eq!(cells(rows(&o)), vec![vec![Some(vec![0]), int(1)]]);
    let o = q(&e, &mut c, "UPDATE lwt SET v = 3 WHERE k = 'x' IF v = 1");
    assert_eq!(cells(rows(&o)), vec![vec![Some(vec![1])]]);
    let o = q(&e, &mut c, "DELETE FROM lwt WHERE k = 'nope' IF EXISTS");
    assert_eq!(cells(rows(&o)), vec![vec![Some(vec![0])]]);
}

#[test]
fn errors_match_cassandra() {
    let (e, mut c) = engine();
    q(&e, &mut c, "CREATE TABLE kv (k text PRIMARY KEY, v int)");
    q(
        &e,
        &mut c,
        "CREATE TABLE t3 (a int, b int, c int, d int, v int, PRIMARY KEY ((a, b), c, d))",
    );
    let cases = [
        (
            "INSERT INTO kv (k, v) VALUES ('e', 'not an int')",
            "Invalid STRING constant (not an int) for \"v\" of type int",
        ),
        (
            "SELECT * FROM ks.no_such_table",
            "table no_such_table does not exist",
        ),
        ("SELECT nope FROM kv", "Undefined column name nope"),
        (
            "SELECT * FROM kv WHERE v = 1",
            super::restrict::FILTERING_MESSAGE,
        ),
        (
            "SELECT * FROM t3 WHERE a = 1 AND b = 1 AND d = 1",
            "PRIMARY KEY column \"d\" cannot be restricted as preceding column \"c\" is not restricted",
        ),
        (
            "UPDATE t3 SET v = 1 WHERE a = 1 AND c = 1 AND d = 1",
            "Some partition key parts are missing: b",
        ),
        (
            "UPDATE t3 SET v = 1 WHERE a = 1 AND b = 1 AND c = 1",
            "Some clustering keys are missing: d",
        ),
        (
            "INSERT INTO kv (k, v) VALUES (5, 1)",
            "Invalid INTEGER constant (5) for \"k\" of type text",
        ),
    ];
    for (cql, msg) in cases {
        let er = err(&e, &mut c, cql);
        assert_eq!(er.kind, ErrorKind::Invalid, "{cql}");
        assert_eq!(er.message, msg, "{cql}");
    }
    let er = err(&e, &mut c, "SELEC * FROM kv");
    assert_eq!(er.kind, ErrorKind::SyntaxError);
    assert_eq!(
        er.message,
        "line 1:0 no viable alternative at input 'SELEC' ([SELEC]...)"
    );
    // With ALLOW FILTERING the same query runs.
    q(&e, &mut c, "INSERT INTO kv (k, v) VALUES ('a', 1)");
    let o = q(&e, &mut c, "SELECT k FROM kv WHERE v = 1 ALLOW FILTERING");
    assert_eq!(cells(rows(&o)), vec![vec![text("a")]]);
}

#[test]
fn prepared_ids_warnings_and_invalidation() {
    let (e, mut c) = engine();
    q(&e, &mut c, "CREATE TABLE big (k int PRIMARY KEY, b blob)");
    let o = e
        .prepare(&c, "SELECT k, b FROM big WHERE k = ?", Some("ks"))
        .unwrap();
    let ResultBody::Prepared(p) = &o.body else {
        panic!("not prepared")
    };
    let id = p.id.clone();
    assert_eq!(
        id,
        super::result::statement_id(Some("ks"), "SELECT k, b FROM big WHERE k = ?")
    );
    assert_eq!(p.metadata.pk_indexes, vec![0]);
    assert_eq!(p.metadata.columns[0].name, "k");
    assert_eq!(
        p.result_metadata_id
            .as_deref()
            .map(|b| b.iter().map(|x| format!("{x:02x}")).collect::<String>()),
        Some("197990e83105dab2f0452563e2dbab60".to_owned())
    );
    assert_eq!(o.warnings.len(), 1);
    assert!(
        o.warnings[0].starts_with("`USE <keyspace>` with prepared statements"),
        "{}",
        o.warnings[0]
    );
    assert!(o.warnings[0].ends_with(&format!(
        "Keyspace used: ks, statement keyspace: ks, statement id: {}",
        hex(&id)
    )));

    let ins = e
        .prepare(&c, "INSERT INTO big (k, b) VALUES (?, ?)", None)
        .unwrap();
    let ResultBody::Prepared(ip) = &ins.body else {
        panic!()
    };
    let exec = |id: &Bytes, vals: SerializedValues, md: Option<Bytes>| Execute {
        id: id.clone(),
        result_metadata_id: md,
        params: QueryParameters {
            values: vals,
            consistency: Consistency::One,
            ..QueryParameters::default()
        },
    };
    e.execute(
        &mut c,
        &exec(
            &ip.id,
            values(&[Some(&7i32.to_be_bytes()), Some(b"\x01\x02")]),
            None,
        ),
    )
    .unwrap();
    let out = e
        .execute(
            &mut c,
            &exec(
                &id,
                values(&[Some(&7i32.to_be_bytes())]),
                p.result_metadata_id.clone(),
            ),
        )
        .unwrap();
    assert_eq!(cells(rows(&out)), vec![vec![int(7), Some(vec![1, 2])]]);
    assert_eq!(rows(&out).metadata.new_metadata_id, None);

    let bad = e
        .execute(
            &mut c,
            &exec(&ip.id, values(&[Some(&[1, 2, 3]), None]), None),
        )
        .unwrap_err();
    assert_eq!(bad.message, "Expected 4 or 0 byte int (3)");

    q(&e, &mut c, "ALTER TABLE big ADD extra text");
    let gone = e
        .execute(
            &mut c,
            &exec(
                &id,
                values(&[Some(&7i32.to_be_bytes())]),
                p.result_metadata_id.clone(),
            ),
        )
        .unwrap_err();
    assert_eq!(gone.kind, ErrorKind::Unprepared { id: id.clone() });
    assert!(
        gone.message
            .starts_with(&format!("Prepared query with ID {} not found", hex(&id)))
    );
    let re = e
        .prepare(&c, "SELECT * FROM big WHERE k = ?", None)
        .unwrap();
    let ResultBody::Prepared(rp) = &re.body else {
        panic!()
    };
    let out = e
        .execute(
            &mut c,
            &exec(
                &rp.id,
                values(&[Some(&7i32.to_be_bytes())]),
                p.result_metadata_id.clone(),
            ),
        )
        .unwrap();
    assert_eq!(rows(&out).metadata.new_metadata_id, rp.result_metadata_id);
}

#[test]
fn paging_resumes_after_last_row() {
    let (e, mut c) = engine();
    q(
        &e,
        &mut c,
        "CREATE TABLE paged (pk int, ck int, v text, PRIMARY KEY (pk, ck))",
    );
    for i in 0..30 {
        q(
            &e,
            &mut c,
            &format!("INSERT INTO paged (pk, ck, v) VALUES (1, {i}, 'row-{i:02}')"),
        );
    }
    let mut state: Option<Bytes> = None;
    let mut seen = Vec::new();
    let mut states = Vec::new();
    for _ in 0..4 {
        let params = QueryParameters {
            page_size: Some(10),
            paging_state: state.clone(),
            ..QueryParameters::default()
        };
        let o = e
            .query(&mut c, "SELECT ck, v FROM paged WHERE pk = 1", &params)
            .unwrap();
        let r = rows(&o);
        for row in cells(r) {
            seen.push(row[0].clone());
        }
        state = r.metadata.paging_state.clone();
        states.push(state.clone());
    }
    assert_eq!(seen.len(), 30);
    assert_eq!(seen[29], int(29));
    let hexs: Vec<Option<String>> = states.iter().map(|s| s.as_ref().map(|b| hex(b))).collect();
    assert_eq!(
        hexs[0].as_deref(),
        Some("0006000400000009f07ffffff5f07ffffff5")
    );
    assert_eq!(
        hexs[1].as_deref(),
        Some("0006000400000013f07fffffebf07fffffeb")
    );
    assert_eq!(
        hexs[2].as_deref(),
        Some("000600040000001df07fffffe1f07fffffe1")
    );
    assert_eq!(hexs[3], None);
    let o = q(&e, &mut c, "SELECT count(*) FROM paged");
    assert_eq!(
        o.warnings,
        vec!["Aggregation query used without partition key".to_owned()]
    );
    assert_eq!(
        cells(rows(&o)),
        vec![vec![Some(30i64.to_be_bytes().to_vec())]]
    );
    assert_eq!(rows(&o).metadata.columns[0].name, "count");
}

#[test]
fn batch_message_with_simple_and_prepared_children() {
    let (e, mut c) = engine();
    q(&e, &mut c, "CREATE TABLE kv (k text PRIMARY KEY, v int)");
    let p = e
        .prepare(&c, "INSERT INTO kv (k, v) VALUES (?, ?)", None)
        .unwrap();
    let ResultBody::Prepared(p) = &p.body else {
        panic!()
    };
    let batch = Batch {
        batch_type: BatchType::Logged,
        statements: vec![
            BatchStatement::Query {
                query: "INSERT INTO kv (k, v) VALUES ('b1', 1)".into(),
                values: SerializedValues::default(),
            },
            BatchStatement::Prepared {
                id: p.id.clone(),
                values: values(&[Some(b"b2"), Some(&2i32.to_be_bytes())]),
            },
            BatchStatement::Query {
                query: "UPDATE kv SET v = 3 WHERE k = 'b3'".into(),
                values: SerializedValues::default(),
            },
        ],
        consistency: Consistency::One,
        serial_consistency: None,
        timestamp: Some(1_700_000_000_034_000),
        keyspace: None,
        now_in_seconds: None,
    };
    let o = e.batch(&mut c, &batch).unwrap();
    assert_eq!(o.body, ResultBody::Void);
    let o = q(&e, &mut c, "SELECT k, v FROM kv");
    // Token order, as the capture shows: b2, b1, b3.
    assert_eq!(
        cells(rows(&o)),
        vec![
            vec![text("b2"), int(2)],
            vec![text("b1"), int(1)],
            vec![text("b3"), int(3)]
        ]
    );
    let o = q(&e, &mut c, "SELECT writetime(v) FROM kv WHERE k = 'b3'");
    assert_eq!(
        cells(rows(&o)),
        vec![vec![Some(1_700_000_000_034_000i64.to_be_bytes().to_vec())]]
    );
    q(
        &e,
        &mut c,
        "BEGIN BATCH INSERT INTO kv (k, v) VALUES ('c', 9); DELETE FROM kv WHERE k = 'b1' APPLY BATCH",
    );
    assert_eq!(rows(&q(&e, &mut c, "SELECT k FROM kv")).row_count, 3);
}

#[test]
fn ttl_and_static_columns() {
    let (e, mut c) = engine();
    q(
        &e,
        &mut c,
        "CREATE TABLE t (p int, c int, s text static, v int, PRIMARY KEY (p, c))",
    );
    q(&e, &mut c, "INSERT INTO t (p, s) VALUES (1, 'only static')");
    let o = q(&e, &mut c, "SELECT p, c, s, v FROM t");
    assert_eq!(
        cells(rows(&o)),
        vec![vec![int(1), None, text("only static"), None]]
    );
    q(
        &e,
        &mut c,
        "INSERT INTO t (p, c, v) VALUES (1, 1, 10) USING TTL 100",
    );
    let o = q(&e, &mut c, "SELECT c, s, ttl(v) FROM t WHERE p = 1");
    let r = cells(rows(&o));
    assert_eq!(r.len(), 1);
    assert_eq!(r[0][1], text("only static"));
    let ttl = i32::from_be_bytes(r[0][2].clone().unwrap().try_into().unwrap());
    assert!((99..=100).contains(&ttl), "{ttl}");
    let params = QueryParameters {
        now_in_seconds: Some((now_secs() + 101) as i32),
        ..QueryParameters::default()
    };
    let o = e
        .query(&mut c, "SELECT c FROM t WHERE p = 1 AND c = 1", &params)
        .unwrap();
    assert_eq!(rows(&o).row_count, 0, "expired");
}

#[test]
fn token_in_and_functions() {
    let (e, mut c) = engine();
    q(
        &e,
        &mut c,
        "CREATE TABLE t (k int PRIMARY KEY, v int, b blob)",
    );
    for k in 1..=5 {
        q(
            &e,
            &mut c,
            &format!("INSERT INTO t (k, v, b) VALUES ({k}, {k}, intAsBlob({k}))"),
        );
    }
    let o = q(&e, &mut c, "SELECT k, token(k) FROM t WHERE k IN (2, 1)");
    assert_eq!(
        cells(rows(&o)),
        vec![
            vec![
                int(1),
                Some((-4_069_959_284_402_364_209i64).to_be_bytes().to_vec())
            ],
            vec![
                int(2),
                Some((-3_248_873_570_005_575_792i64).to_be_bytes().to_vec())
            ],
        ]
    );
    assert_eq!(rows(&o).metadata.columns[1].name, "system.token(k)");
    let o = q(
        &e,
        &mut c,
        "SELECT k FROM t WHERE token(k) > -4069959284402364209 AND token(k) <= -3248873570005575792",
    );
    assert_eq!(cells(rows(&o)), vec![vec![int(2)]]);
    let o = q(&e, &mut c, "SELECT max(v), min(v), sum(v), avg(v) FROM t");
    assert_eq!(cells(rows(&o)), vec![vec![int(5), int(1), int(15), int(3)]]);
    let o = q(&e, &mut c, "SELECT blobAsInt(b) AS x FROM t WHERE k = 4");
    assert_eq!(cells(rows(&o)), vec![vec![int(4)]]);
    assert_eq!(rows(&o).metadata.columns[0].name, "x");
}

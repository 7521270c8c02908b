//! INSERT/UPDATE/DELETE semantics: row markers, timestamps, collections, counters, LWT, batches, TTL.

#![allow(clippy::unwrap_used)]

use super::*;

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
fn dropped_column_data_stays_hidden_when_re_added() {
    let (e, mut c) = engine();
    q(&e, &mut c, "CREATE TABLE t (k int PRIMARY KEY, v int)");
    q(&e, &mut c, "INSERT INTO t (k, v) VALUES (1, 1)");
    q(&e, &mut c, "ALTER TABLE t DROP v");
    q(&e, &mut c, "ALTER TABLE t ADD v int");
    assert_eq!(
        cells(rows(&q(&e, &mut c, "SELECT k, v FROM t"))),
        vec![vec![int(1), None]]
    );
}

//! SELECT semantics: clustering order, slices, paging, functions, system tables.

#![allow(clippy::unwrap_used)]

use super::*;

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

fn page_through(
    e: &Engine,
    c: &mut ClientState,
    cql: &str,
    size: i32,
) -> (Vec<Vec<Option<Vec<u8>>>>, usize) {
    let mut state: Option<Bytes> = None;
    let mut all = Vec::new();
    let mut pages = 0;
    loop {
        let params = QueryParameters {
            page_size: Some(size),
            paging_state: state.clone(),
            ..QueryParameters::default()
        };
        let o = e.query(c, cql, &params).unwrap();
        pages += 1;
        let r = rows(&o);
        assert!(r.row_count <= size as usize);
        all.extend(cells(r));
        state = r.metadata.paging_state.clone();
        if state.is_none() || pages > 50 {
            return (all, pages);
        }
    }
}

#[test]
fn paging_across_partitions_with_limits() {
    let (e, mut c) = engine();
    q(
        &e,
        &mut c,
        "CREATE TABLE t (p int, c int, PRIMARY KEY (p, c))",
    );
    for p in 0..3 {
        for ck in 0..3 {
            q(
                &e,
                &mut c,
                &format!("INSERT INTO t (p, c) VALUES ({p}, {ck})"),
            );
        }
    }
    let unpaged = cells(rows(&q(&e, &mut c, "SELECT p, c FROM t")));
    assert_eq!(unpaged.len(), 9);
    let (paged, pages) = page_through(&e, &mut c, "SELECT p, c FROM t", 2);
    assert_eq!(paged, unpaged);
    assert_eq!(pages, 5);
    let (limited, _) = page_through(&e, &mut c, "SELECT p, c FROM t LIMIT 5", 2);
    assert_eq!(limited, unpaged[..5].to_vec());
    let (ppl, _) = page_through(&e, &mut c, "SELECT p, c FROM t PER PARTITION LIMIT 2", 3);
    let expected: Vec<_> = unpaged.iter().filter(|r| r[1] != int(2)).cloned().collect();
    assert_eq!(ppl, expected);
    let (rev, _) = page_through(&e, &mut c, "SELECT c FROM t WHERE p = 1 ORDER BY c DESC", 2);
    assert_eq!(rev, vec![vec![int(2)], vec![int(1)], vec![int(0)]]);
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

#[test]
fn system_tables_read_through_select() {
    let (e, mut c) = engine();
    q(&e, &mut c, "CREATE TABLE kv (k text PRIMARY KEY, v int)");
    let o = q(
        &e,
        &mut c,
        "SELECT release_version, cluster_name FROM system.local WHERE key = 'local'",
    );
    assert_eq!(
        cells(rows(&o)),
        vec![vec![text("4.0.13"), text("Cassia Emulator")]]
    );
    let o = q(
        &e,
        &mut c,
        "SELECT table_name FROM system_schema.tables WHERE keyspace_name = 'ks'",
    );
    assert_eq!(cells(rows(&o)), vec![vec![text("kv")]]);
    let o = q(
        &e,
        &mut c,
        "SELECT column_name, kind FROM system_schema.columns WHERE keyspace_name = 'ks' AND table_name = 'kv'",
    );
    assert_eq!(
        cells(rows(&o)),
        vec![
            vec![text("k"), text("partition_key")],
            vec![text("v"), text("regular")]
        ]
    );
}

//! Cassandra 5.0 vector search: storage-attached indexes, `ORDER BY ... ANN OF`, SAI
//! filtering and the similarity functions, each asserted on rows, names and exact errors.

// The expected floats are written with all the digits Python printed for them: exact, on
// purpose.
#![allow(clippy::excessive_precision)]

use super::*;

fn floats(vals: &[f32]) -> Option<Vec<u8>> {
    Some(vals.iter().flat_map(|f| f.to_be_bytes()).collect())
}

fn float(v: f32) -> Option<Vec<u8>> {
    Some(v.to_be_bytes().to_vec())
}

/// The DataStax quickstart's table, index and rows.
fn quickstart(e: &Engine, c: &mut ClientState) {
    q(
        e,
        c,
        "CREATE TABLE IF NOT EXISTS vector_test (id INT PRIMARY KEY, text TEXT, vector VECTOR<FLOAT,5>)",
    );
    let o = q(
        e,
        c,
        "CREATE CUSTOM INDEX IF NOT EXISTS idx_vector_test ON vector_test (vector) \
         USING 'StorageAttachedIndex' WITH OPTIONS = {'similarity_function' : 'cosine'}",
    );
    assert_eq!(o.warnings.len(), 1);
    assert!(o.warnings[0].starts_with("SAI ANN indexes on vector columns are experimental"));
    for (id, text, v) in [
        (
            1,
            "Chat bot integrated sneakers that talk to you",
            "[0.1, 0.15, 0.3, 0.12, 0.05]",
        ),
        (
            2,
            "An AI quilt to help you sleep forever",
            "[0.45, 0.09, 0.01, 0.2, 0.11]",
        ),
        (
            3,
            "A deep learning display that controls your mood",
            "[0.1, 0.05, 0.08, 0.3, 0.6]",
        ),
    ] {
        q(
            e,
            c,
            &format!("INSERT INTO vector_test (id, text, vector) VALUES ({id}, '{text}', {v})"),
        );
    }
}

fn invalid_msg(e: &Engine, c: &mut ClientState, cql: &str) -> String {
    let err = err(e, c, cql);
    assert_eq!(err.kind, ErrorKind::Invalid, "{cql}: {err:?}");
    err.message
}

#[test]
fn quickstart_ann_query_ranks_by_cosine() {
    let (e, mut c) = engine();
    quickstart(&e, &mut c);
    let o = q(
        &e,
        &mut c,
        "SELECT id, text, similarity_cosine(vector, [0.15, 0.1, 0.1, 0.35, 0.55]) as sim \
         FROM vector_test ORDER BY vector ANN OF [0.15, 0.1, 0.1, 0.35, 0.55] LIMIT 2",
    );
    let r = rows(&o);
    let names: Vec<&str> = r.metadata.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "text", "sim"]);
    assert_eq!(
        cells(r),
        vec![
            vec![
                int(3),
                text("A deep learning display that controls your mood"),
                float(0.994_447_35)
            ],
            vec![
                int(2),
                text("An AI quilt to help you sleep forever"),
                float(0.796_708_4)
            ],
        ]
    );
}

#[test]
fn similarity_columns_are_named_as_cassandra_names_them() {
    let (e, mut c) = engine();
    quickstart(&e, &mut c);
    let o = q(
        &e,
        &mut c,
        "SELECT similarity_dot_product(vector, [0.15, 0.1, 0.1, 0.35, 0.55]), \
         similarity_euclidean([0.15, 0.1, 0.1, 0.35, 0.55], vector) FROM vector_test WHERE id = 1",
    );
    let r = rows(&o);
    let names: Vec<&str> = r.metadata.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "system.similarity_dot_product(vector, [0.15, 0.1, 0.1, 0.35, 0.55])",
            "system.similarity_euclidean([0.15, 0.1, 0.1, 0.35, 0.55], vector)"
        ]
    );
    assert_eq!(
        cells(r),
        vec![vec![float(0.564_750_02), float(0.741_894_8)]]
    );
}

#[test]
fn ann_follows_the_index_similarity_function() {
    let (e, mut c) = engine();
    q(
        &e,
        &mut c,
        "CREATE TABLE t (k int PRIMARY KEY, v vector<float, 2>)",
    );
    q(
        &e,
        &mut c,
        "CREATE INDEX ON t (v) USING 'sai' WITH OPTIONS = {'similarity_function': 'EUCLIDEAN'}",
    );
    q(&e, &mut c, "INSERT INTO t (k, v) VALUES (1, [10, 0])");
    q(&e, &mut c, "INSERT INTO t (k, v) VALUES (2, [1, 1])");
    q(&e, &mut c, "INSERT INTO t (k, v) VALUES (3, [2, 2])");
    // Cosine would put [10, 0] and [1, 1] level; euclidean puts [1, 1] first.
    let o = q(
        &e,
        &mut c,
        "SELECT k FROM t ORDER BY v ANN OF [1, 0.9] LIMIT 3",
    );
    assert_eq!(
        cells(rows(&o)),
        vec![vec![int(2)], vec![int(3)], vec![int(1)]]
    );
}

#[test]
fn ann_errors_are_worded_as_cassandra_5_0() {
    let (e, mut c) = engine();
    q(
        &e,
        &mut c,
        "CREATE TABLE t (pk int, ck int, v vector<float, 3>, w vector<float, 3>, n int, s text, \
         PRIMARY KEY (pk, ck))",
    );
    assert_eq!(
        invalid_msg(
            &e,
            &mut c,
            "SELECT * FROM t ORDER BY v ANN OF [1, 2, 3] LIMIT 5"
        ),
        "ANN ordering by vector requires the column to be indexed"
    );
    q(
        &e,
        &mut c,
        "CREATE CUSTOM INDEX ON t (v) USING 'StorageAttachedIndex'",
    );
    q(&e, &mut c, "CREATE INDEX ON t (n)");
    let cases = [
        (
            "SELECT * FROM t ORDER BY v ANN OF [1, 2, 3]",
            "Top-K queries must have a limit specified and the limit must be less than the query page size",
        ),
        (
            "SELECT * FROM t ORDER BY v ANN OF [1, 2, 3] LIMIT 1001",
            "Use of ANN OF in an ORDER BY clause requires a LIMIT that is not greater than 1000. LIMIT was 1001",
        ),
        (
            "SELECT * FROM t ORDER BY v ANN OF [1, 2, 3], ck ASC LIMIT 2",
            "ANN ordering does not support any other ordering",
        ),
        (
            "SELECT * FROM t ORDER BY v ANN OF [1, 2, 3], w ANN OF [1, 2, 3] LIMIT 2",
            "Cannot specify more than one ANN ordering",
        ),
        (
            "SELECT * FROM t ORDER BY v ANN OF [1, 2, 3] DESC LIMIT 2",
            "Descending ANN ordering is not supported",
        ),
        (
            "SELECT * FROM t ORDER BY v ANN OF [1, 2] LIMIT 2",
            "Invalid vector literal for v of type vector<float, 3>; expected 3 elements, but given 2",
        ),
        (
            "SELECT * FROM t ORDER BY v ANN OF [0, 0, 0] LIMIT 2",
            "Zero vectors cannot be indexed or queried with cosine similarity",
        ),
        (
            "SELECT * FROM t ORDER BY n ANN OF 1 LIMIT 1",
            "ANN ordering is only supported on float vector indexes",
        ),
        (
            "SELECT * FROM t ORDER BY bad ANN OF [1.0] LIMIT 1",
            "Undefined column name bad in table ks.t",
        ),
        (
            "SELECT * FROM t WHERE s = 'x' ORDER BY v ANN OF [1, 2, 3] LIMIT 1 ALLOW FILTERING",
            "ANN ordering by vector requires all restricted column(s) to be indexed",
        ),
        (
            "SELECT * FROM t WHERE v = [1, 2, 3]",
            "Vector indexes only support ANN queries",
        ),
        (
            "SELECT sum(n) FROM t ORDER BY v ANN OF [1, 2, 3] LIMIT 4",
            "Top-K queries can not be run with aggregation",
        ),
        (
            "SELECT * FROM t ORDER BY v ANN OF [1, 2, 3] PER PARTITION LIMIT 1 LIMIT 3",
            "Top-K queries do not support per-partition limits",
        ),
        (
            "SELECT * FROM t WHERE v > [5, 1, 1] ORDER BY v ANN OF [2, 1, 1] LIMIT 1",
            "v cannot be restricted by more than one relation in an ANN ordering",
        ),
    ];
    for (cql, expected) in cases {
        assert_eq!(invalid_msg(&e, &mut c, cql), expected, "{cql}");
    }
}

#[test]
fn ann_combines_with_partition_key_and_indexed_restrictions() {
    let (e, mut c) = engine();
    q(
        &e,
        &mut c,
        "CREATE TABLE t (pk int, ck int, n int, v vector<float, 2>, PRIMARY KEY (pk, ck))",
    );
    q(
        &e,
        &mut c,
        "CREATE CUSTOM INDEX ON t (v) USING 'sai' WITH OPTIONS = {'similarity_function': 'dot_product'}",
    );
    q(&e, &mut c, "CREATE CUSTOM INDEX ON t (n) USING 'sai'");
    for (pk, ck, n, v) in [
        (1, 1, 5, "[1, 0]"),
        (1, 2, 6, "[0.5, 0]"),
        (2, 1, 5, "[2, 0]"),
        (2, 2, 7, "[3, 0]"),
    ] {
        q(
            &e,
            &mut c,
            &format!("INSERT INTO t (pk, ck, n, v) VALUES ({pk}, {ck}, {n}, {v})"),
        );
    }
    let o = q(
        &e,
        &mut c,
        "SELECT pk, ck FROM t WHERE pk = 1 ORDER BY v ANN OF [1, 0] LIMIT 5",
    );
    assert_eq!(
        cells(rows(&o)),
        vec![vec![int(1), int(1)], vec![int(1), int(2)]]
    );
    let o = q(
        &e,
        &mut c,
        "SELECT pk, ck FROM t WHERE n = 5 ORDER BY v ANN OF [1, 0] LIMIT 5",
    );
    assert_eq!(
        cells(rows(&o)),
        vec![vec![int(2), int(1)], vec![int(1), int(1)]]
    );
    let o = q(
        &e,
        &mut c,
        "SELECT pk, ck FROM t WHERE pk = 2 AND ck > 1 ORDER BY v ANN OF [1, 0] LIMIT 5",
    );
    assert_eq!(cells(rows(&o)), vec![vec![int(2), int(2)]]);
    assert_eq!(
        invalid_msg(
            &e,
            &mut c,
            "SELECT * FROM t WHERE ck = 1 ORDER BY v ANN OF [1, 0] LIMIT 5"
        ),
        "ANN ordering by vector requires all restricted column(s) to be indexed"
    );
}

#[test]
fn sai_serves_equality_and_ranges_without_allow_filtering() {
    let (e, mut c) = engine();
    q(
        &e,
        &mut c,
        "CREATE TABLE t (k int PRIMARY KEY, n int, s text, f float)",
    );
    q(
        &e,
        &mut c,
        "CREATE CUSTOM INDEX ON t (n) USING 'StorageAttachedIndex'",
    );
    q(
        &e,
        &mut c,
        "CREATE CUSTOM INDEX ON t (s) USING 'org.apache.cassandra.index.sai.StorageAttachedIndex'",
    );
    for k in 1..=4 {
        q(
            &e,
            &mut c,
            &format!(
                "INSERT INTO t (k, n, s, f) VALUES ({k}, {}, 's{}', {k}.5)",
                k * 10,
                k % 2
            ),
        );
    }
    let o = q(&e, &mut c, "SELECT k FROM t WHERE n >= 20 AND n < 40");
    let mut got = cells(rows(&o));
    got.sort();
    assert_eq!(got, vec![vec![int(2)], vec![int(3)]]);
    let o = q(&e, &mut c, "SELECT k FROM t WHERE n > 10 AND s = 's1'");
    assert_eq!(cells(rows(&o)), vec![vec![int(3)]]);
    // Text is equality only in SAI; an unindexed column still needs ALLOW FILTERING.
    for cql in [
        "SELECT k FROM t WHERE s > 'a'",
        "SELECT k FROM t WHERE n = 10 AND f > 1",
    ] {
        assert_eq!(
            invalid_msg(&e, &mut c, cql),
            crate::engine::restrict::FILTERING_MESSAGE,
            "{cql}"
        );
    }
}

#[test]
fn sai_options_are_validated_and_stored() {
    let (e, mut c) = engine();
    q(
        &e,
        &mut c,
        "CREATE TABLE t (k int PRIMARY KEY, n int, s text, v vector<float, 2>, one vector<float, 1>, iv vector<int, 2>)",
    );
    q(
        &e,
        &mut c,
        "CREATE TABLE p (k int, c text, PRIMARY KEY (k, c))",
    );
    let bad = err(
        &e,
        &mut c,
        "CREATE CUSTOM INDEX ON t (v) USING 'sai' WITH OPTIONS = {'foo': 'bar'}",
    );
    assert_eq!(bad.kind, ErrorKind::ConfigError);
    assert_eq!(
        bad.message,
        "Properties specified [foo] are not understood by StorageAttachedIndex"
    );
    let cases = [
        (
            "CREATE CUSTOM INDEX ON t (v) USING 'sai' WITH OPTIONS = {'similarity_function': 'manhattan'}",
            "Similarity function MANHATTAN was not recognized for index null. Valid values are: EUCLIDEAN, DOT_PRODUCT, COSINE",
        ),
        (
            "CREATE CUSTOM INDEX ON t (n) USING 'sai' WITH OPTIONS = {'similarity_function': 'cosine'}",
            "CQL type int cannot have vector options",
        ),
        (
            "CREATE CUSTOM INDEX ON t (n) USING 'sai' WITH OPTIONS = {'case_sensitive': 'false'}",
            "CQL type int cannot be analyzed.",
        ),
        (
            "CREATE CUSTOM INDEX ON t (s) USING 'sai' WITH OPTIONS = {'normalize': 'maybe'}",
            "Illegal value for boolean option 'normalize': maybe",
        ),
        (
            "CREATE CUSTOM INDEX ON p (c) USING 'sai' WITH OPTIONS = {'ascii': 'true'}",
            "Analysis options are not supported on primary key columns, but found {'ascii': 'true'}",
        ),
        (
            "CREATE CUSTOM INDEX ON t (one) USING 'sai'",
            "Cosine similarity is not supported for single-dimension vectors",
        ),
        (
            "CREATE CUSTOM INDEX ON t (iv) USING 'sai'",
            "SAI ANN indexes are only allowed on vector columns with float elements",
        ),
    ];
    for (cql, expected) in cases {
        assert_eq!(invalid_msg(&e, &mut c, cql), expected, "{cql}");
    }
    q(
        &e,
        &mut c,
        "CREATE CUSTOM INDEX s_idx ON t (s) USING 'sai' WITH OPTIONS = {'case_sensitive': 'false', 'normalize': 'true'}",
    );
    assert_eq!(
        invalid_msg(
            &e,
            &mut c,
            "CREATE CUSTOM INDEX ON t (s) USING 'StorageAttachedIndex'"
        ),
        "Cannot create more than one storage-attached index on the same column: s"
    );
    let o = q(
        &e,
        &mut c,
        "SELECT kind, options FROM system_schema.indexes WHERE keyspace_name = 'ks' AND table_name = 't' AND index_name = 's_idx'",
    );
    let r = cells(rows(&o));
    assert_eq!(r[0][0], text("CUSTOM"));
    let mut options = Vec::new();
    let entries = [
        ("case_sensitive", "false"),
        ("class_name", "sai"),
        ("normalize", "true"),
        ("target", "s"),
    ];
    options.extend_from_slice(&(entries.len() as i32).to_be_bytes());
    for (k, v) in entries {
        for part in [k, v] {
            options.extend_from_slice(&(part.len() as i32).to_be_bytes());
            options.extend_from_slice(part.as_bytes());
        }
    }
    assert_eq!(r[0][1], Some(options));
}

#[test]
fn similarity_function_errors() {
    let (e, mut c) = engine();
    q(
        &e,
        &mut c,
        "CREATE TABLE t (k int PRIMARY KEY, v vector<float, 2>, l list<float>, v1 vector<float, 1>)",
    );
    q(
        &e,
        &mut c,
        "INSERT INTO t (k, v, l, v1) VALUES (0, [1, 2], [1, 2], [1])",
    );
    let cases = [
        (
            "SELECT similarity_cosine(l, v) FROM t",
            "Function system.similarity_cosine requires a float vector argument, but found argument l of type list<float>",
        ),
        (
            "SELECT similarity_euclidean(v, v1) FROM t",
            "All arguments must have the same vector dimensions",
        ),
        (
            "SELECT similarity_dot_product(v, [1]) FROM t",
            "All arguments must have the same vector dimensions",
        ),
        (
            "SELECT similarity_cosine(null, null) FROM t",
            "Cannot infer type of argument NULL in call to function system.similarity_cosine",
        ),
        (
            "SELECT similarity_cosine(v, [0, 0]) FROM t",
            "Function system.similarity_cosine doesn't support all-zero vectors.",
        ),
        (
            "SELECT similarity_cosine(v) FROM t",
            "Invalid number of arguments in call to function system.similarity_cosine: 2 required but 1 provided",
        ),
    ];
    for (cql, expected) in cases {
        assert_eq!(invalid_msg(&e, &mut c, cql), expected, "{cql}");
    }
    let o = q(
        &e,
        &mut c,
        "SELECT similarity_euclidean(v, [0, 0]), similarity_cosine(v, null) FROM t",
    );
    // 1 / (1 + 5)
    assert_eq!(cells(rows(&o)), vec![vec![float(1.0 / 6.0), None]]);
}

#[test]
fn ann_with_a_bound_query_vector_and_ties_in_token_order() {
    let (e, mut c) = engine();
    q(
        &e,
        &mut c,
        "CREATE TABLE t (k int PRIMARY KEY, v vector<float, 2>)",
    );
    q(&e, &mut c, "CREATE CUSTOM INDEX ON t (v) USING 'sai'");
    for k in 0..6 {
        q(
            &e,
            &mut c,
            &format!("INSERT INTO t (k, v) VALUES ({k}, [1, 1])"),
        );
    }
    let all = q(&e, &mut c, "SELECT k FROM t");
    let token_order: Vec<_> = cells(rows(&all)).into_iter().take(4).collect();
    let params = QueryParameters {
        values: values(&[floats(&[2.0, 2.0]).as_deref()]),
        ..QueryParameters::default()
    };
    let o = e
        .query(
            &mut c,
            "SELECT k FROM t ORDER BY v ANN OF ? LIMIT 4",
            &params,
        )
        .expect("bound ANN query");
    assert_eq!(cells(rows(&o)), token_order);
}

"""Vector search as Cassandra 5.0 serves it: storage-attached indexes, ORDER BY ... ANN OF,
SAI filtering and the similarity functions, through the official Python driver.

A server without vectors (a real Cassandra 4.0 node) skips every test here, visibly.
"""

import logging
import math
import struct

import pytest
from cassandra import InvalidRequest
from cassandra.protocol import ConfigurationException, SyntaxException


def f32(x):
    """Rounds a Python float to float32, as every step of the Java code does."""
    return struct.unpack(">f", struct.pack(">f", x))[0]


def dot(a, b):
    """jvector's dot product: len % 8 leading terms, then unrolled blocks, all in float32."""
    n, res, i = len(a), 0.0, 0
    while i < n % 8:
        res = f32(res + f32(b[i] * a[i]))
        i += 1
    if n < 8:
        return res

    def eight(j):
        s = f32(b[j] * a[j])
        for k in range(1, 8):
            s = f32(s + f32(b[j + k] * a[j + k]))
        return s

    while i + 31 < n:
        for block in range(4):
            res = f32(res + eight(i + block * 8))
        i += 32
    while i + 7 < n:
        res = f32(res + eight(i))
        i += 8
    return res


def cosine(a, b):
    s = n1 = n2 = 0.0
    for x, y in zip(a, b):
        s, n1, n2 = f32(s + f32(x * y)), f32(n1 + f32(x * x)), f32(n2 + f32(y * y))
    return f32(s / math.sqrt(n1 * n2))


def square_distance(a, b):
    n, s, i = len(a), 0.0, 0
    while i + 8 <= n:
        d = [f32(a[i + k] - b[i + k]) for k in range(8)]
        block = f32(d[0] * d[0])
        for k in range(1, 8):
            block = f32(block + f32(d[k] * d[k]))
        s = f32(s + block)
        i += 8
    while i < n:
        d = f32(a[i] - b[i])
        s = f32(s + f32(d * d))
        i += 1
    return s


SIMILARITY = {
    "cosine": lambda a, b: f32(f32(1 + cosine(a, b)) / 2),
    "dot_product": lambda a, b: f32(f32(1 + dot(a, b)) / 2),
    "euclidean": lambda a, b: f32(1 / f32(1 + square_distance(a, b))),
}


def vec32(v):
    return [f32(x) for x in v]


def server_message(err):
    """The message part of a server error as the driver reports it."""
    return str(err.value)


def assert_refused(session, cql, message, kind=InvalidRequest):
    with pytest.raises(kind) as err:
        session.execute(cql)
    assert f'message="{message}"' in server_message(err), server_message(err)


@pytest.fixture
def vks(session, ks):
    """The per-test keyspace, once the server has shown it knows vectors and SAI."""
    try:
        session.execute("CREATE TABLE probe_vector (k int PRIMARY KEY, v vector<float, 2>)")
        session.execute("CREATE CUSTOM INDEX ON probe_vector (v) USING 'StorageAttachedIndex'")
    except (InvalidRequest, SyntaxException, ConfigurationException) as err:
        pytest.skip(f"server has no vector search (Cassandra 5.0+): {err}")
    return ks


def test_quickstart_example_verbatim(session, vks):
    keyspace = vks
    v_dimension = 5

    session.execute((
        "CREATE TABLE IF NOT EXISTS {keyspace}.vector_test (id INT PRIMARY KEY, "
        "text TEXT, vector VECTOR<FLOAT,{v_dimension}>);"
    ).format(keyspace=keyspace, v_dimension=v_dimension))

    session.execute((
        "CREATE CUSTOM INDEX IF NOT EXISTS idx_vector_test "
        "ON {keyspace}.vector_test "
        "(vector) USING 'StorageAttachedIndex' WITH OPTIONS = "
        "{{'similarity_function' : 'cosine'}};"
    ).format(keyspace=keyspace))

    text_blocks = [
        (1, "Chat bot integrated sneakers that talk to you", [0.1, 0.15, 0.3, 0.12, 0.05]),
        (2, "An AI quilt to help you sleep forever", [0.45, 0.09, 0.01, 0.2, 0.11]),
        (3, "A deep learning display that controls your mood", [0.1, 0.05, 0.08, 0.3, 0.6]),
    ]
    for block in text_blocks:
        id, text, vector = block
        session.execute(
            f"INSERT INTO {keyspace}.vector_test (id, text, vector) VALUES (%s, %s, %s)",
            (id, text, vector)
        )

    ann_query = (
        f"SELECT id, text, similarity_cosine(vector, [0.15, 0.1, 0.1, 0.35, 0.55]) as sim FROM {keyspace}.vector_test "
        "ORDER BY vector ANN OF [0.15, 0.1, 0.1, 0.35, 0.55] LIMIT 2"
    )
    rows = list(session.execute(ann_query))

    query = vec32([0.15, 0.1, 0.1, 0.35, 0.55])
    by_id = {i: vec32(v) for i, _, v in text_blocks}
    assert [r.id for r in rows] == [3, 2]
    for r in rows:
        assert r.sim == SIMILARITY["cosine"](by_id[r.id], query)
    assert f"[{rows[0].id}] \"{rows[0].text}\" (sim: {rows[0].sim:.4f})" == (
        '[3] "A deep learning display that controls your mood" (sim: 0.9944)'
    )


@pytest.mark.parametrize("function", ["cosine", "dot_product", "euclidean"])
def test_similarity_functions_match_float32_arithmetic(session, vks, function):
    session.execute("CREATE TABLE sims (k int PRIMARY KEY, v vector<float, 3>)")
    vectors = [
        [1.0, 0.0, 0.0],
        [-1.0, -2.0, -3.0],
        [1e9, -2e9, 3e9],
        [0.1, 0.2, 0.3],
        [-0.5, 1.25, -2.0],
    ]
    for k, v in enumerate(vectors):
        session.execute("INSERT INTO sims (k, v) VALUES (%s, %s)", (k, v))
    query = [0.3, -0.7, 1.1]
    rows = session.execute(f"SELECT k, similarity_{function}(v, [0.3, -0.7, 1.1]) AS s FROM sims")
    got = {r.k: r.s for r in rows}
    for k, v in enumerate(vectors):
        assert got[k] == SIMILARITY[function](vec32(v), vec32(query)), (function, v)


def test_similarity_column_is_named_like_cassandra(session, vks):
    session.execute("CREATE TABLE named (k int PRIMARY KEY, v vector<float, 2>)")
    session.execute("INSERT INTO named (k, v) VALUES (1, [1.0, 2.0])")
    rs = session.execute("SELECT similarity_euclidean(v, [1.0, 2.0]) FROM named")
    assert rs.column_names == ["system.similarity_euclidean(v, [1.0, 2.0])"]
    assert rs.one()[0] == 1.0


def test_ann_with_bound_vector_and_partition_key(session, vks):
    session.execute("CREATE TABLE pts (p int, c int, v vector<float, 2>, PRIMARY KEY (p, c))")
    session.execute(
        "CREATE INDEX ON pts (v) USING 'sai' WITH OPTIONS = {'similarity_function': 'DOT_PRODUCT'}"
    )
    for p, c, v in [(1, 1, [1.0, 0.0]), (1, 2, [3.0, 0.0]), (2, 1, [5.0, 0.0]), (1, 3, [2.0, 0.0])]:
        session.execute("INSERT INTO pts (p, c, v) VALUES (%s, %s, %s)", (p, c, v))
    ann = session.prepare("SELECT c FROM pts WHERE p = ? ORDER BY v ANN OF ? LIMIT 2")
    assert [r.c for r in session.execute(ann, (1, [1.0, 0.0]))] == [2, 3]
    everywhere = session.prepare("SELECT p, c FROM pts ORDER BY v ANN OF ? LIMIT 3")
    assert [(r.p, r.c) for r in session.execute(everywhere, ([1.0, 0.0],))] == [(2, 1), (1, 2), (1, 3)]



def test_similarity_of_a_bound_query_vector(session, vks):
    """The score and the ordering may both take the query vector as a bind marker; the
    marker in the selection is typed from the other argument and comes first."""
    session.execute("CREATE TABLE scored (id int PRIMARY KEY, v vector<float, 2>)")
    session.execute(
        "CREATE CUSTOM INDEX ON scored (v) USING 'StorageAttachedIndex' "
        "WITH OPTIONS = {'similarity_function': 'euclidean'}"
    )
    for i, v in [(1, [0.0, 0.0]), (2, [3.0, 4.0]), (3, [1.0, 1.0])]:
        session.execute("INSERT INTO scored (id, v) VALUES (%s, %s)", (i, v))
    q = session.prepare(
        "SELECT id, similarity_euclidean(v, ?) AS s FROM scored ORDER BY v ANN OF ? LIMIT 3"
    )
    assert [c.name for c in q.column_metadata] == ["arg1(system.similarity_euclidean)", "v"]
    assert q.column_metadata[0].type.typename == "org.apache.cassandra.db.marshal.VectorType"
    rows = [(r.id, r.s) for r in session.execute(q, ([0.0, 0.0], [0.0, 0.0]))]
    assert rows == [(1, 1.0), (3, f32(1 / 3)), (2, f32(1 / 26))]


ERRORS = [
    ("SELECT * FROM t ORDER BY u ANN OF [1, 2, 3] LIMIT 5",
     "ANN ordering by vector requires the column to be indexed"),
    ("SELECT * FROM t ORDER BY v ANN OF [1, 2, 3]",
     "Top-K queries must have a limit specified and the limit must be less than the query page size"),
    ("SELECT * FROM t ORDER BY v ANN OF [1, 2, 3] LIMIT 1001",
     "Use of ANN OF in an ORDER BY clause requires a LIMIT that is not greater than 1000. LIMIT was 1001"),
    ("SELECT * FROM t ORDER BY v ANN OF [1, 2, 3], ck ASC LIMIT 2",
     "ANN ordering does not support any other ordering"),
    ("SELECT * FROM t ORDER BY v ANN OF [1, 2, 3] DESC LIMIT 2",
     "Descending ANN ordering is not supported"),
    ("SELECT * FROM t ORDER BY v ANN OF [1, 2] LIMIT 2",
     "Invalid vector literal for v of type vector<float, 3>; expected 3 elements, but given 2"),
    ("SELECT * FROM t ORDER BY v ANN OF [0, 0, 0] LIMIT 2",
     "Zero vectors cannot be indexed or queried with cosine similarity"),
    ("SELECT * FROM t ORDER BY n ANN OF 1 LIMIT 1",
     "ANN ordering is only supported on float vector indexes"),
    ("SELECT * FROM t WHERE s = 'x' ORDER BY v ANN OF [1, 2, 3] LIMIT 1 ALLOW FILTERING",
     "ANN ordering by vector requires all restricted column(s) to be indexed"),
    ("SELECT * FROM t WHERE v = [1, 2, 3]", "Vector indexes only support ANN queries"),
    ("SELECT similarity_cosine(v, [0, 0, 0]) FROM t",
     "Function system.similarity_cosine doesn't support all-zero vectors."),
    ("SELECT similarity_dot_product(v, [1, 2]) FROM t",
     "All arguments must have the same vector dimensions"),
]


@pytest.mark.parametrize("cql,message", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_errors_are_worded_as_cassandra(session, vks, cql, message):
    session.execute(
        "CREATE TABLE t (pk int, ck int, v vector<float, 3>, u vector<float, 3>, n int, s text, "
        "PRIMARY KEY (pk, ck))"
    )
    session.execute("CREATE CUSTOM INDEX ON t (v) USING 'StorageAttachedIndex'")
    session.execute("CREATE INDEX ON t (n)")
    session.execute("INSERT INTO t (pk, ck, v, u, n, s) VALUES (1, 1, [1, 2, 3], [1, 2, 3], 1, 'a')")
    assert_refused(session, cql, message)


def test_index_options_are_checked(session, vks):
    session.execute("CREATE TABLE opts (k int PRIMARY KEY, n int, s text, v vector<float, 2>)")
    assert_refused(
        session,
        "CREATE CUSTOM INDEX ON opts (v) USING 'sai' WITH OPTIONS = {'similarity_function': 'manhattan'}",
        "Similarity function MANHATTAN was not recognized for index null. "
        "Valid values are: EUCLIDEAN, DOT_PRODUCT, COSINE",
    )
    assert_refused(
        session,
        "CREATE CUSTOM INDEX ON opts (n) USING 'sai' WITH OPTIONS = {'similarity_function': 'cosine'}",
        "CQL type int cannot have vector options",
    )
    assert_refused(
        session,
        "CREATE CUSTOM INDEX ON opts (s) USING 'sai' WITH OPTIONS = {'normalize': 'maybe'}",
        "Illegal value for boolean option 'normalize': maybe",
    )
    assert_refused(
        session,
        "CREATE CUSTOM INDEX ON opts (v) USING 'sai' WITH OPTIONS = {'foo': 'bar'}",
        "Properties specified [foo] are not understood by StorageAttachedIndex",
        kind=ConfigurationException,
    )


def test_sai_filters_without_allow_filtering(session, vks):
    session.execute("CREATE TABLE f (k int PRIMARY KEY, n int, s text, v vector<float, 2>)")
    session.execute("CREATE CUSTOM INDEX ON f (n) USING 'StorageAttachedIndex'")
    session.execute(
        "CREATE CUSTOM INDEX ON f (s) USING 'StorageAttachedIndex' WITH OPTIONS = {'case_sensitive': 'true'}"
    )
    session.execute("CREATE CUSTOM INDEX ON f (v) USING 'StorageAttachedIndex' WITH OPTIONS = {'similarity_function': 'euclidean'}")
    for k in range(1, 7):
        session.execute(
            "INSERT INTO f (k, n, s, v) VALUES (%s, %s, %s, %s)", (k, k * 10, f"s{k % 2}", [float(k), 0.0])
        )
    assert sorted(r.k for r in session.execute("SELECT k FROM f WHERE n > 15 AND n <= 40")) == [2, 3, 4]
    assert sorted(r.k for r in session.execute("SELECT k FROM f WHERE s = 's1' AND n < 50")) == [1, 3]
    ranked = session.execute("SELECT k FROM f WHERE s = 's0' ORDER BY v ANN OF [3.9, 0] LIMIT 2")
    assert [r.k for r in ranked] == [4, 2]


def test_driver_metadata_reads_the_vector_table_and_index(session, vks, driver_log):
    session.execute("CREATE TABLE meta (k int PRIMARY KEY, v vector<float, 3>)")
    session.execute(
        "CREATE CUSTOM INDEX meta_v ON meta (v) USING 'StorageAttachedIndex' "
        "WITH OPTIONS = {'similarity_function': 'dot_product'}"
    )
    # Cassandra 5.0 warns about vector indexes on CREATE; only the metadata read is judged.
    driver_log.clear()
    cluster = session.cluster
    cluster.refresh_table_metadata(vks, "meta")
    table = cluster.metadata.keyspaces[vks].tables["meta"]
    index = table.indexes["meta_v"]
    assert index.kind == "CUSTOM"
    assert index.index_options == {
        "class_name": "StorageAttachedIndex",
        "similarity_function": "dot_product",
        "target": "v",
    }
    assert index.as_cql_query() == (
        f"CREATE CUSTOM INDEX meta_v ON {vks}.meta (v) USING 'StorageAttachedIndex' "
        "WITH OPTIONS = {'similarity_function': 'dot_product'}"
    )
    assert "vector" in table.columns["v"].cql_type
    problems = [r for r in driver_log.records if r.levelno >= logging.WARNING]
    assert problems == [], [r.getMessage() for r in problems]

"""SELECT restrictions, ordering, limits, aggregates, indexes and functions."""

import pytest
from cassandra import InvalidRequest
from cassandra.cqltypes import Int32Type
from cassandra.murmur3 import murmur3
from conftest import when_index_ready

FILTERING_MESSAGE = (
    "Cannot execute this query as it might involve data filtering and thus may have unpredictable "
    "performance. If you want to execute this query despite the performance unpredictability, use ALLOW FILTERING"
)


@pytest.fixture
def grid(session, ks):
    """Table g: partitions p 0..3, clustering (c1, c2) in 0..2 x 0..2, v = p*100 + c1*10 + c2."""
    session.execute(
        "CREATE TABLE g (p int, c1 int, c2 int, v int, tag text, PRIMARY KEY (p, c1, c2)) "
        "WITH CLUSTERING ORDER BY (c1 ASC, c2 DESC)"
    )
    ins = session.prepare("INSERT INTO g (p, c1, c2, v, tag) VALUES (?, ?, ?, ?, ?)")
    for p in range(4):
        for c1 in range(3):
            for c2 in range(3):
                session.execute(ins, (p, c1, c2, p * 100 + c1 * 10 + c2, "even" if c2 % 2 == 0 else "odd"))
    return session


def vs(result):
    return [r.v for r in result]


def test_clustering_order_and_reverse(grid):
    assert vs(grid.execute("SELECT v FROM g WHERE p = 1 AND c1 = 0")) == [102, 101, 100]
    assert vs(grid.execute("SELECT v FROM g WHERE p = 1 AND c1 = 0 ORDER BY c1 DESC, c2 ASC")) == [100, 101, 102]
    assert vs(grid.execute("SELECT v FROM g WHERE p = 1 ORDER BY c1 DESC")) == [
        120, 121, 122, 110, 111, 112, 100, 101, 102
    ]


def test_slices_and_multi_column(grid):
    assert vs(grid.execute("SELECT v FROM g WHERE p = 2 AND c1 > 0 AND c1 <= 1")) == [212, 211, 210]
    assert vs(grid.execute("SELECT v FROM g WHERE p = 2 AND c1 = 1 AND c2 < 2")) == [211, 210]
    # Tuple slices compare values (CASSANDRA-7281), results come in clustering order (c2 DESC).
    assert vs(grid.execute("SELECT v FROM g WHERE p = 2 AND (c1, c2) > (1, 1)")) == [212, 222, 221, 220]
    assert vs(grid.execute("SELECT v FROM g WHERE p = 2 AND (c1, c2) IN ((0, 1), (2, 2))")) == [201, 222]


def test_in_limit_and_per_partition_limit(grid):
    got = sorted(vs(grid.execute("SELECT v FROM g WHERE p IN (3, 1) AND c1 = 2 AND c2 = 0")))
    assert got == [120, 320]
    assert len(list(grid.execute("SELECT v FROM g WHERE p = 0 LIMIT 4"))) == 4
    lim = grid.prepare("SELECT v FROM g WHERE p = ? LIMIT ?")
    assert vs(grid.execute(lim, (0, 2))) == [2, 1]
    per = list(grid.execute("SELECT p, v FROM g PER PARTITION LIMIT 2"))
    assert len(per) == 8
    assert sorted(r.v for r in per if r.p == 3) == [301, 302]


def test_distinct_count_and_aggregates(grid):
    assert sorted(r.p for r in grid.execute("SELECT DISTINCT p FROM g")) == [0, 1, 2, 3]
    assert grid.execute("SELECT COUNT(*) FROM g WHERE p = 1").one().count == 9
    r = grid.execute(
        "SELECT min(v) AS lo, max(v) AS hi, sum(v) AS total, avg(v) AS mean, count(v) AS n FROM g WHERE p = 1"
    ).one()
    assert (r.lo, r.hi, r.total, r.n) == (100, 122, sum(100 + a * 10 + b for a in range(3) for b in range(3)), 9)
    assert r.mean == 111  # avg of an int column is an int
    result = grid.execute("SELECT count(*) FROM g")
    assert result.one().count == 36
    assert "Aggregation query used without partition key" in (result.response_future.warnings or [])


def test_filtering_requires_allow_filtering(grid):
    with pytest.raises(InvalidRequest) as err:
        grid.execute("SELECT v FROM g WHERE tag = 'odd'")
    assert FILTERING_MESSAGE in str(err.value)
    odd = grid.execute("SELECT v FROM g WHERE tag = 'odd' ALLOW FILTERING")
    assert sorted(vs(odd)) == sorted(p * 100 + c1 * 10 + 1 for p in range(4) for c1 in range(3))


def test_secondary_index(grid):
    grid.execute("CREATE INDEX g_tag_idx ON g (tag)")
    assert len(when_index_ready(grid, "SELECT v FROM g WHERE tag = 'odd'")) == 12
    assert sorted(vs(grid.execute("SELECT v FROM g WHERE p = 1 AND tag = 'odd'"))) == [101, 111, 121]


def test_collection_index(session, ks):
    session.execute("CREATE TABLE ci (k int PRIMARY KEY, tags set<text>, attrs map<text, text>)")
    session.execute("CREATE INDEX ON ci (tags)")
    session.execute("CREATE INDEX ON ci (KEYS(attrs))")
    session.execute("INSERT INTO ci (k, tags, attrs) VALUES (1, {'a', 'b'}, {'color': 'red'})")
    session.execute("INSERT INTO ci (k, tags, attrs) VALUES (2, {'b'}, {'size': 'xl'})")
    assert sorted(r.k for r in when_index_ready(session, "SELECT k FROM ci WHERE tags CONTAINS 'b'")) == [1, 2]
    when_index_ready(session, "SELECT k FROM ci WHERE attrs CONTAINS KEY 'size'")
    assert [r.k for r in session.execute("SELECT k FROM ci WHERE tags CONTAINS 'a'")] == [1]
    assert [r.k for r in session.execute("SELECT k FROM ci WHERE attrs CONTAINS KEY 'size'")] == [2]


def test_token_function_matches_murmur3(session, ks):
    session.execute("CREATE TABLE tk (k int PRIMARY KEY, v int)")
    for k in range(20):
        session.execute("INSERT INTO tk (k, v) VALUES (%s, %s)", (k, k))
    rows = list(session.execute("SELECT token(k) AS t, k FROM tk"))
    assert len(rows) == 20
    for r in rows:
        assert r.t == murmur3(Int32Type.serialize(r.k, 4))
    tokens = [r.t for r in rows]
    assert tokens == sorted(tokens), "an unrestricted scan returns partitions in token order"
    mid = tokens[10]
    after = [r.k for r in session.execute("SELECT k FROM tk WHERE token(k) > %s", (mid,))]
    assert after == [r.k for r in rows[11:]]


def test_writetime_ttl_and_aliases(session, ks):
    session.execute("CREATE TABLE wt (k int PRIMARY KEY, v text)")
    session.execute("INSERT INTO wt (k, v) VALUES (1, 'a') USING TIMESTAMP 12345 AND TTL 500")
    r = session.execute("SELECT k AS key, v AS value, writetime(v) AS w, ttl(v) AS t FROM wt").one()
    assert r.key == 1 and r.value == "a" and r.w == 12345 and 0 < r.t <= 500


def test_composite_partition_key(session, ks):
    session.execute("CREATE TABLE cp (a int, b text, c int, v int, PRIMARY KEY ((a, b), c))")
    session.execute("INSERT INTO cp (a, b, c, v) VALUES (1, 'x', 1, 11)")
    session.execute("INSERT INTO cp (a, b, c, v) VALUES (1, 'y', 1, 12)")
    assert session.execute("SELECT v FROM cp WHERE a = 1 AND b = 'y'").one().v == 12
    with pytest.raises(InvalidRequest) as err:
        session.execute("SELECT v FROM cp WHERE a = 1 AND c = 1")
    assert "partition key" in str(err.value).lower() or "ALLOW FILTERING" in str(err.value)

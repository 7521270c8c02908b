"""WHERE, DISTINCT, GROUP BY and ORDER BY shapes as Cassandra 4.0 validates and runs them
(`StatementRestrictions`, `SingleColumnRelation`, `SelectStatement`, `ModificationStatement`)."""

import pytest
from cassandra.cqltypes import Int32Type
from cassandra.murmur3 import murmur3

from conftest import error_of


@pytest.fixture
def st(session, ks):
    """Table st: partitions k 0..2 with static s = k and rows c 0..2, v = 10 * k + c."""
    session.execute("CREATE TABLE st (k int, c int, s int static, v int, PRIMARY KEY (k, c))")
    for k in range(3):
        for c in range(3):
            session.execute("INSERT INTO st (k, c, s, v) VALUES (%s, %s, %s, %s)", (k, c, k, 10 * k + c))
    return session


def test_distinct_needs_the_whole_partition_key_over_a_range(st):
    assert "SELECT DISTINCT queries must request all the partition key columns (missing k)" in error_of(
        st, "SELECT DISTINCT s FROM st"
    )
    assert [r.s for r in st.execute("SELECT DISTINCT s FROM st WHERE k = 1")] == [1]
    assert sorted(r.x for r in st.execute("SELECT DISTINCT k AS x, s FROM st")) == [0, 1, 2]
    assert "SELECT DISTINCT queries must only request partition key columns and/or static columns (not c)" in (
        error_of(st, "SELECT DISTINCT k, c FROM st")
    )
    assert (
        "SELECT DISTINCT with WHERE clause only supports restriction by partition key and/or static columns."
        in error_of(st, "SELECT DISTINCT k FROM st WHERE c = 1 ALLOW FILTERING")
    )


def test_distinct_filtered_on_a_static_column_keeps_matching_partitions(st):
    rows = list(st.execute("SELECT DISTINCT k, s FROM st WHERE s = 1 ALLOW FILTERING"))
    assert [(r.k, r.s) for r in rows] == [(1, 1)]


def test_in_on_regular_columns_is_refused(st):
    message = "IN predicates on non-primary-key columns (v) is not yet supported"
    assert message in error_of(st, "SELECT * FROM st WHERE v IN (1, 2) ALLOW FILTERING")
    assert message in error_of(st, "SELECT * FROM st WHERE v IN (1, 2)")
    # A one-value IN is an EQ.
    assert [r.v for r in st.execute("SELECT v FROM st WHERE v IN (11) ALLOW FILTERING")] == [11]


def test_is_not_null_only_in_materialized_views(st):
    assert "Unsupported restriction: v IS NOT null" in error_of(
        st, "SELECT * FROM st WHERE v IS NOT NULL ALLOW FILTERING"
    )


def test_token_and_key_restrictions_combine(st):
    token = murmur3(Int32Type.serialize(1, 4))
    assert [r.k for r in st.execute("SELECT k FROM st WHERE token(k) > %s AND k = 1", (token,))] == []
    assert [r.k for r in st.execute("SELECT k FROM st WHERE token(k) >= %s AND k = 1", (token,))] == [1, 1, 1]


def test_group_by_may_skip_columns_restricted_by_eq(session, ks):
    session.execute("CREATE TABLE g2 (k int, c1 int, c2 int, v int, PRIMARY KEY (k, c1, c2))")
    for c1 in range(2):
        for c2 in range(3):
            session.execute("INSERT INTO g2 (k, c1, c2, v) VALUES (1, %s, %s, 1)", (c1, c2))
    rows = session.execute("SELECT c2, count(*) FROM g2 WHERE k = 1 AND c1 = 0 GROUP BY c2")
    assert [(r.c2, r.count) for r in rows] == [(0, 1), (1, 1), (2, 1)]
    rows = session.execute("SELECT c1, count(*) FROM g2 WHERE k = 1 GROUP BY c1")
    assert [(r.c1, r.count) for r in rows] == [(0, 3), (1, 3)]
    assert (
        "Group by currently only support groups of columns following their declared order in the PRIMARY KEY"
        in error_of(session, "SELECT c2, count(*) FROM g2 WHERE k = 1 GROUP BY c2")
    )
    # ORDER BY skips EQ-restricted clustering columns the same way.
    rows = session.execute("SELECT c2 FROM g2 WHERE k = 1 AND c1 = 1 ORDER BY c2 DESC")
    assert [r.c2 for r in rows] == [2, 1, 0]


def test_a_column_ordered_twice_keeps_its_last_direction(st):
    assert [r.c for r in st.execute("SELECT c FROM st WHERE k = 1 ORDER BY c DESC, c DESC")] == [2, 1, 0]
    assert [r.c for r in st.execute("SELECT c FROM st WHERE k = 1 ORDER BY c DESC, c ASC")] == [0, 1, 2]


def test_delete_with_in_on_a_clustering_prefix(session, ks):
    session.execute("CREATE TABLE d2 (k int, c1 int, c2 int, v int, PRIMARY KEY (k, c1, c2))")
    for c1 in range(3):
        for c2 in range(3):
            session.execute("INSERT INTO d2 (k, c1, c2, v) VALUES (1, %s, %s, 0)", (c1, c2))
    session.execute("DELETE FROM d2 WHERE k = 1 AND c1 IN (0, 1) AND c2 > 0")
    session.execute("DELETE FROM d2 WHERE k = 1 AND c1 IN (2)")
    rows = session.execute("SELECT c1, c2 FROM d2 WHERE k = 1")
    assert [(r.c1, r.c2) for r in rows] == [(0, 0), (1, 0)]


def test_in_on_the_partition_key_reads_keys_in_their_type_order(st):
    # Cassandra sorts (and deduplicates) the IN values by the key's type, not by token.
    rows = st.execute("SELECT k, c FROM st WHERE k IN (2, 0, 1, 0) AND c = 0")
    assert [r.k for r in rows] == [0, 1, 2]
    st.execute("CREATE TABLE tk (k text PRIMARY KEY, v int)")
    for k in ("b", "c", "a"):
        st.execute("INSERT INTO tk (k, v) VALUES (%s, 1)", (k,))
    assert [r.k for r in st.execute("SELECT k FROM tk WHERE k IN ('c', 'a', 'b')")] == ["a", "b", "c"]

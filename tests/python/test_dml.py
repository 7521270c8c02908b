"""Writes with Cassandra's semantics: upserts, row markers, timestamps, TTL, tombstones,
collection and counter operations, static columns."""

import time

import pytest


def rows(session, cql, *args):
    return list(session.execute(cql, args) if args else session.execute(cql))


def test_insert_is_an_upsert_and_keeps_a_row_marker(session, ks):
    session.execute("CREATE TABLE kv (k int PRIMARY KEY, v int, w text)")
    session.execute("INSERT INTO kv (k, v) VALUES (1, 10)")
    session.execute("INSERT INTO kv (k, w) VALUES (1, 'x')")
    r = session.execute("SELECT v, w FROM kv WHERE k = 1").one()
    assert (r.v, r.w) == (10, "x")
    # INSERT creates a row that survives its cells being nulled; UPDATE does not.
    session.execute("INSERT INTO kv (k) VALUES (2)")
    assert session.execute("SELECT k, v FROM kv WHERE k = 2").one() == (2, None)
    session.execute("UPDATE kv SET v = 5 WHERE k = 3")
    session.execute("UPDATE kv SET v = null WHERE k = 3")
    assert session.execute("SELECT * FROM kv WHERE k = 3").one() is None


def test_last_write_wins_by_timestamp_and_tombstones(session, ks):
    session.execute("CREATE TABLE lww (k int PRIMARY KEY, v int)")
    session.execute("INSERT INTO lww (k, v) VALUES (1, 1) USING TIMESTAMP 100")
    session.execute("INSERT INTO lww (k, v) VALUES (1, 2) USING TIMESTAMP 50")
    assert session.execute("SELECT v, writetime(v) AS wt FROM lww WHERE k = 1").one() == (1, 100)
    session.execute("DELETE FROM lww USING TIMESTAMP 99 WHERE k = 1")
    assert session.execute("SELECT v FROM lww WHERE k = 1").one().v == 1, "older tombstone loses"
    session.execute("DELETE FROM lww USING TIMESTAMP 200 WHERE k = 1")
    assert session.execute("SELECT v FROM lww WHERE k = 1").one() is None
    session.execute("INSERT INTO lww (k, v) VALUES (1, 3) USING TIMESTAMP 150")
    assert session.execute("SELECT v FROM lww WHERE k = 1").one() is None, "tombstone hides older write"
    session.execute("INSERT INTO lww (k, v) VALUES (1, 4) USING TIMESTAMP 300")
    assert session.execute("SELECT v FROM lww WHERE k = 1").one().v == 4


def test_ttl_expiry_and_ttl_function(session, ks):
    session.execute("CREATE TABLE ttl (k int PRIMARY KEY, v int, w int)")
    session.execute("INSERT INTO ttl (k, v, w) VALUES (1, 1, 1) USING TTL 1000")
    r = session.execute("SELECT TTL(v) AS t FROM ttl WHERE k = 1").one()
    assert 990 <= r.t <= 1000
    session.execute("UPDATE ttl USING TTL 1 SET v = 2 WHERE k = 2")
    session.execute("INSERT INTO ttl (k, v, w) VALUES (3, 3, 3) USING TTL 1")
    session.execute("UPDATE ttl USING TTL 1 SET w = 9 WHERE k = 1")
    time.sleep(2.1)
    assert session.execute("SELECT * FROM ttl WHERE k = 2").one() is None
    assert session.execute("SELECT * FROM ttl WHERE k = 3").one() is None
    r = session.execute("SELECT v, w FROM ttl WHERE k = 1").one()
    assert (r.v, r.w) == (1, None)


def test_clustering_ranges_and_deletes(session, ks):
    session.execute("CREATE TABLE ev (p int, c int, v text, PRIMARY KEY (p, c))")
    ins = session.prepare("INSERT INTO ev (p, c, v) VALUES (?, ?, ?)")
    for c in range(10):
        session.execute(ins, (1, c, f"v{c}"))
    session.execute("DELETE FROM ev WHERE p = 1 AND c >= 3 AND c < 6")
    assert [r.c for r in session.execute("SELECT c FROM ev WHERE p = 1")] == [0, 1, 2, 6, 7, 8, 9]
    session.execute("DELETE v FROM ev WHERE p = 1 AND c = 7")
    assert session.execute("SELECT c, v FROM ev WHERE p = 1 AND c = 7").one() == (7, None)
    session.execute("DELETE FROM ev WHERE p = 1 AND c = 8")
    assert [r.c for r in session.execute("SELECT c FROM ev WHERE p = 1")] == [0, 1, 2, 6, 7, 9]
    session.execute("DELETE FROM ev WHERE p = 1")
    assert rows(session, "SELECT * FROM ev WHERE p = 1") == []


def test_collection_operations(session, ks):
    session.execute("CREATE TABLE coll (k int PRIMARY KEY, l list<int>, s set<text>, m map<text, int>)")
    session.execute("INSERT INTO coll (k, l, s, m) VALUES (1, [1, 2], {'a'}, {'x': 1})")
    session.execute("UPDATE coll SET l = l + [3], s = s + {'b', 'c'}, m = m + {'y': 2} WHERE k = 1")
    session.execute("UPDATE coll SET l = [0] + l WHERE k = 1")
    session.execute("UPDATE coll SET l[1] = 10, m['z'] = 3 WHERE k = 1")
    session.execute("UPDATE coll SET s = s - {'a'}, m = m - {'x'} WHERE k = 1")
    r = session.execute("SELECT l, s, m FROM coll WHERE k = 1").one()
    assert r.l == [0, 10, 2, 3]
    assert set(r.s) == {"b", "c"}
    assert dict(r.m) == {"y": 2, "z": 3}
    session.execute("DELETE l[0], m['y'] FROM coll WHERE k = 1")
    session.execute("UPDATE coll SET l = l - [3] WHERE k = 1")
    r = session.execute("SELECT l, m FROM coll WHERE k = 1").one()
    assert r.l == [10, 2] and dict(r.m) == {"z": 3}
    # Removing the last elements leaves a null collection.
    session.execute("UPDATE coll SET s = s - {'b', 'c'} WHERE k = 1")
    assert session.execute("SELECT s FROM coll WHERE k = 1").one().s is None
    # Overwriting replaces the whole collection.
    session.execute("UPDATE coll SET l = [7] WHERE k = 1")
    assert session.execute("SELECT l FROM coll WHERE k = 1").one().l == [7]


def test_counters(session, ks):
    session.execute("CREATE TABLE cnt (k text PRIMARY KEY, hits counter, misses counter)")
    session.execute("UPDATE cnt SET hits = hits + 5 WHERE k = 'a'")
    upd = session.prepare("UPDATE cnt SET hits = hits + ?, misses = misses - ? WHERE k = ?")
    session.execute(upd, (2, 3, "a"))
    r = session.execute("SELECT hits, misses FROM cnt WHERE k = 'a'").one()
    assert (r.hits, r.misses) == (7, -3)


def test_static_columns(session, ks):
    session.execute("CREATE TABLE st (p int, c int, s text STATIC, v int, PRIMARY KEY (p, c))")
    session.execute("INSERT INTO st (p, c, s, v) VALUES (1, 1, 'first', 1)")
    session.execute("INSERT INTO st (p, c, v) VALUES (1, 2, 2)")
    session.execute("UPDATE st SET s = 'shared' WHERE p = 1")
    got = [(r.c, r.s, r.v) for r in session.execute("SELECT c, s, v FROM st WHERE p = 1")]
    assert got == [(1, "shared", 1), (2, "shared", 2)]
    # A partition with only a static cell returns one row with null clustering.
    session.execute("INSERT INTO st (p, s) VALUES (2, 'alone')")
    assert [(r.c, r.s) for r in session.execute("SELECT c, s FROM st WHERE p = 2")] == [(None, "alone")]


def test_truncate(session, ks):
    session.execute("CREATE TABLE tr (k int PRIMARY KEY)")
    for i in range(5):
        session.execute("INSERT INTO tr (k) VALUES (%s)", (i,))
    session.execute("TRUNCATE tr")
    assert rows(session, "SELECT * FROM tr") == []


def test_named_bind_markers(session, ks):
    session.execute("CREATE TABLE nb (k int PRIMARY KEY, v text)")
    ps = session.prepare("INSERT INTO nb (k, v) VALUES (:key, :val)")
    session.execute(ps, {"val": "named", "key": 4})
    assert session.execute("SELECT v FROM nb WHERE k = 4").one().v == "named"


@pytest.mark.parametrize("kind", ["LOGGED", "UNLOGGED"])
def test_batches(session, ks, kind):
    from cassandra.query import BatchStatement, BatchType, SimpleStatement

    session.execute("CREATE TABLE b (p int, c int, v text, PRIMARY KEY (p, c))")
    ins = session.prepare("INSERT INTO b (p, c, v) VALUES (?, ?, ?)")
    batch = BatchStatement(batch_type=getattr(BatchType, kind))
    for c in range(5):
        batch.add(ins, (1, c, str(c)))
    batch.add(SimpleStatement("INSERT INTO b (p, c, v) VALUES (2, 0, 'simple')"))
    batch.add(SimpleStatement("DELETE FROM b WHERE p = 1 AND c = 4"))
    session.execute(batch)
    assert [r.c for r in session.execute("SELECT c FROM b WHERE p = 1")] == [0, 1, 2, 3]
    assert session.execute("SELECT v FROM b WHERE p = 2 AND c = 0").one().v == "simple"
    session.execute(
        f"BEGIN {'UNLOGGED ' if kind == 'UNLOGGED' else ''}BATCH USING TIMESTAMP 1000 "
        "INSERT INTO b (p, c, v) VALUES (3, 1, 'x'); UPDATE b SET v = 'y' WHERE p = 3 AND c = 2; APPLY BATCH"
    )
    got = [(r.c, r.v, r.wt) for r in session.execute("SELECT c, v, writetime(v) AS wt FROM b WHERE p = 3")]
    assert got == [(1, "x", 1000), (2, "y", 1000)]


def test_counter_batch(session, ks):
    from cassandra.query import BatchStatement, BatchType

    session.execute("CREATE TABLE cb (k int PRIMARY KEY, n counter)")
    upd = session.prepare("UPDATE cb SET n = n + ? WHERE k = ?")
    batch = BatchStatement(batch_type=BatchType.COUNTER)
    batch.add(upd, (3, 1))
    batch.add(upd, (4, 1))
    session.execute(batch)
    assert session.execute("SELECT n FROM cb WHERE k = 1").one().n == 7

"""Protocol v3, which Cassandra 4.0 still serves (cqlengine and older drivers use it).

Each test opens its own v3 cluster: the suite's CASSIA_PROTOCOL_VERSIONS choose v4/v5 for the
others. Values of the types v3 lacks (date, time, smallint, tinyint) still round-trip: 4.0
describes them to a v3 client as custom types by their Java class, which the driver knows.
"""

import datetime
import os
import uuid

import pytest
from cassandra.query import SimpleStatement

from conftest import make_cluster

COMPRESSIONS = os.environ.get("CASSIA_COMPRESSIONS", "none").split(",")


@pytest.fixture(scope="module", params=COMPRESSIONS, ids=lambda c: f"v3-{c}")
def v3_session(request):
    cluster = make_cluster(3, request.param)
    session = cluster.connect()
    name = "conf_" + uuid.uuid4().hex[:12]
    session.execute(
        f"CREATE KEYSPACE {name} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': 1}}"
    )
    session.set_keyspace(name)
    yield session
    session.execute(f"DROP KEYSPACE IF EXISTS {name}")
    cluster.shutdown()


def test_v3_is_negotiated(v3_session):
    assert v3_session.cluster.protocol_version == 3
    row = v3_session.execute("SELECT release_version FROM system.local").one()
    assert row.release_version.startswith("4.0")


def test_v3_writes_and_reads_values(v3_session):
    s = v3_session
    s.execute(
        "CREATE TABLE vals (k int PRIMARY KEY, t text, n bigint, l list<int>, m map<text, int>,"
        " d date, tm time, si smallint, ti tinyint)"
    )
    s.execute(
        "INSERT INTO vals (k, t, n, l, m, d, tm, si, ti) VALUES"
        " (1, 'one', 10000000000, [1, 2], {'a': 1}, '2024-02-29', '12:34:56', 7, -3)"
    )
    row = s.execute("SELECT * FROM vals WHERE k = 1").one()
    assert (row.k, row.t, row.n, row.l, row.m) == (1, "one", 10000000000, [1, 2], {"a": 1})
    assert row.d.date() == datetime.date(2024, 2, 29)
    assert row.tm.time() == datetime.time(12, 34, 56)
    assert (row.si, row.ti) == (7, -3)


def test_v3_prepared_statements(v3_session):
    s = v3_session
    s.execute("CREATE TABLE prep (p int, c int, v text, d date, PRIMARY KEY (p, c))")
    ins = s.prepare("INSERT INTO prep (p, c, v, d) VALUES (?, ?, ?, ?)")
    # The driver routes by the partition key: with v3 it learns it from the table metadata.
    for c in range(3):
        s.execute(ins, (1, c, f"v{c}", datetime.date(2020, 1, c + 1)))
    sel = s.prepare("SELECT c, v, d FROM prep WHERE p = ? AND c >= ?")
    rows = list(s.execute(sel, (1, 1)))
    assert [(r.c, r.v) for r in rows] == [(1, "v1"), (2, "v2")]
    assert rows[0].d.date() == datetime.date(2020, 1, 2)
    assert s.execute(sel, (2, 0)).one() is None


def test_v3_paging(v3_session):
    s = v3_session
    s.execute("CREATE TABLE pg (p int, c int, PRIMARY KEY (p, c))")
    ins = s.prepare("INSERT INTO pg (p, c) VALUES (?, ?)")
    for p in range(3):
        for c in range(10):
            s.execute(ins, (p, c))
    stmt = SimpleStatement("SELECT c FROM pg WHERE p = 1", fetch_size=4)
    first = s.execute(stmt)
    assert [r.c for r in first.current_rows] == [0, 1, 2, 3]
    assert first.has_more_pages
    second = s.execute(stmt, paging_state=first.paging_state)
    assert [r.c for r in second.current_rows] == [4, 5, 6, 7]
    assert [r.c for r in s.execute(stmt)] == list(range(10))
    # Across partitions, with a prepared statement.
    everything_stmt = s.prepare("SELECT p, c FROM pg")
    everything_stmt.fetch_size = 7
    everything = s.execute(everything_stmt)
    assert len(everything.current_rows) == 7 and everything.has_more_pages
    assert sorted((r.p, r.c) for r in everything) == [(p, c) for p in range(3) for c in range(10)]

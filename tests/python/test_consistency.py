"""Consistency levels a statement may not use: Cassandra 4.0 refuses them with InvalidRequest
(`ConsistencyLevel.validateForRead`, `validateForWrite`, `validateCounterForWrite`,
`validateForCas`, `validateForCasCommit`) before asking any replica."""

import pytest
from cassandra import ConsistencyLevel, InvalidRequest, Unavailable
from cassandra.policies import FallthroughRetryPolicy
from cassandra.query import SimpleStatement

COMMIT_MESSAGE = (
    "{} is not supported as conditional update commit consistency. Use ANY if you mean "
    '"make sure it is accepted but I don\'t care how many replicas commit it for non-SERIAL reads"'
)


@pytest.fixture
def tables(session, ks):
    session.execute("CREATE TABLE kv (k int PRIMARY KEY, v int)")
    session.execute("CREATE TABLE hits (k int PRIMARY KEY, n counter)")
    return session


def run(session, cql, cl, serial=None):
    stmt = SimpleStatement(cql, consistency_level=cl)
    if serial is not None:
        # The driver only lets SERIAL/LOCAL_SERIAL be set; the protocol carries any level.
        stmt._serial_consistency_level = serial
    return session.execute(stmt)


def refused(session, cql, cl, serial=None):
    with pytest.raises(InvalidRequest) as err:
        run(session, cql, cl, serial)
    return str(err.value)


def test_any_is_for_writes_only(tables):
    run(tables, "INSERT INTO kv (k, v) VALUES (1, 1)", ConsistencyLevel.ANY)
    assert "ANY ConsistencyLevel is only supported for writes" in refused(
        tables, "SELECT v FROM kv WHERE k = 1", ConsistencyLevel.ANY
    )
    assert run(tables, "SELECT v FROM kv WHERE k = 1", ConsistencyLevel.SERIAL).one().v == 1


@pytest.mark.parametrize("cl", [ConsistencyLevel.SERIAL, ConsistencyLevel.LOCAL_SERIAL])
def test_serial_writes_need_conditions(tables, cl):
    assert "You must use conditional updates for serializable writes" in refused(
        tables, "INSERT INTO kv (k, v) VALUES (2, 2)", cl
    )
    assert "You must use conditional updates for serializable writes" in refused(
        tables, "DELETE FROM kv WHERE k = 2", cl
    )
    assert tables.execute("SELECT v FROM kv WHERE k = 2").one() is None


def test_counter_tables_refuse_any_and_serial(tables):
    update = "UPDATE hits SET n = n + 1 WHERE k = 1"
    assert "Consistency level ANY is not yet supported for counter table hits" in refused(
        tables, update, ConsistencyLevel.ANY
    )
    assert "Counter operations are inherently non-serializable" in refused(
        tables, update, ConsistencyLevel.SERIAL
    )
    run(tables, update, ConsistencyLevel.ONE)
    assert tables.execute("SELECT n FROM hits WHERE k = 1").one().n == 1


def test_conditional_update_levels(tables):
    lwt = "INSERT INTO kv (k, v) VALUES (3, 3) IF NOT EXISTS"
    assert "Invalid consistency for conditional update. Must be one of SERIAL or LOCAL_SERIAL" in refused(
        tables, lwt, ConsistencyLevel.ONE, serial=ConsistencyLevel.QUORUM
    )
    assert COMMIT_MESSAGE.format("SERIAL") in refused(tables, lwt, ConsistencyLevel.SERIAL)
    assert COMMIT_MESSAGE.format("LOCAL_SERIAL") in refused(tables, lwt, ConsistencyLevel.LOCAL_SERIAL)
    assert (
        "consistency level EACH_QUORUM not compatible with replication strategy "
        "(org.apache.cassandra.locator.SimpleStrategy)"
    ) in refused(tables, lwt, ConsistencyLevel.EACH_QUORUM)
    assert tables.execute("SELECT v FROM kv WHERE k = 3").one() is None
    # ANY is a valid commit level, LOCAL_SERIAL a valid serial level.
    assert run(tables, lwt, ConsistencyLevel.ANY, serial=ConsistencyLevel.LOCAL_SERIAL).one()[0] is True


def unavailable(session, cql, cl):
    # No retry: the default policy would try another host, and one node has none.
    stmt = SimpleStatement(cql, consistency_level=cl, retry_policy=FallthroughRetryPolicy())
    with pytest.raises(Unavailable) as err:
        session.execute(stmt)
    return err.value


@pytest.mark.parametrize(
    "cl, required",
    [(ConsistencyLevel.TWO, 2), (ConsistencyLevel.THREE, 3)],
    ids=["TWO", "THREE"],
)
def test_levels_beyond_the_replicas_are_unavailable(tables, cl, required):
    # One node, replication factor 1: a level needing more replicas than are alive fails
    # before anything is written (StorageProxy's assureSufficientLiveReplicas).
    for cql in ("INSERT INTO kv (k, v) VALUES (1, 1)", "SELECT * FROM kv WHERE k = 1"):
        err = unavailable(tables, cql, cl)
        assert (err.consistency, err.required_replicas, err.alive_replicas) == (cl, required, 1)
        assert f"Cannot achieve consistency level {ConsistencyLevel.value_to_name[cl]}" in str(err)
    assert tables.execute("SELECT * FROM kv WHERE k = 1").one() is None


def test_quorum_and_all_count_the_replication_factor(session, ks):
    # Replication factor 3 on this one-node cluster: QUORUM needs 2 replicas, ALL needs 3.
    rf3 = ks + "_rf3"
    session.execute(
        f"CREATE KEYSPACE {rf3} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': 3}}"
    )
    try:
        session.execute(f"CREATE TABLE {rf3}.kv (k int PRIMARY KEY, v int)")
        cql = f"INSERT INTO {rf3}.kv (k, v) VALUES (1, 1)"
        for cl, required in ((ConsistencyLevel.QUORUM, 2), (ConsistencyLevel.ALL, 3)):
            err = unavailable(session, cql, cl)
            assert (err.required_replicas, err.alive_replicas) == (required, 1)
        # ONE is met by the one live replica.
        session.execute(SimpleStatement(cql, consistency_level=ConsistencyLevel.ONE))
        assert session.execute(f"SELECT v FROM {rf3}.kv WHERE k = 1").one().v == 1
    finally:
        session.execute(f"DROP KEYSPACE IF EXISTS {rf3}")

"""Batch size checks and batch warnings of Cassandra 4.0 (BatchStatement.verifyBatchSize and
verifyBatchType, defaults batch_size_warn_threshold_in_kb: 5, batch_size_fail_threshold_in_kb: 50,
unlogged_batch_across_partitions_warn_threshold: 10).

Only a batch spanning more than one mutation (one per keyspace and partition key) is checked.
Its size is the sum of 4.0's PartitionUpdate.dataSize(): the static row's cells, then per
row the clustering values and 16 bytes plus the value per cell (row liveness and deletions
are not counted in 4.0). The client warning prints raw byte counts.
The exact size is asserted only against the emulator (CASSIA_EMULATOR_BINARY is set by
run_conformance.sh when it starts one); against a real node the stable parts are asserted.
"""

import os

import pytest
from cassandra import InvalidRequest

EMULATOR = bool(os.environ.get("CASSIA_EMULATOR_BINARY"))


@pytest.fixture
def tables(session, ks):
    session.execute("CREATE TABLE t (k int, c int, v text, PRIMARY KEY (k, c))")
    session.execute("CREATE TABLE u (k int PRIMARY KEY, v text)")
    session.execute("CREATE TABLE cnt (k int PRIMARY KEY, n counter)")


def insert(k, c, length):
    return f"INSERT INTO t (k, c, v) VALUES ({k}, {c}, '{'x' * length}')"


def batch(*statements, kind=""):
    return f"BEGIN {kind} BATCH " + " ".join(s + ";" for s in statements) + " APPLY BATCH"


def size_warnings(result):
    return [w for w in (result.response_future.warnings or []) if w.startswith("Batch for ")]


def unlogged_warning(partitions, table):
    return (
        f"Unlogged batch covering {partitions} partitions detected against table [{table}]. "
        "You should use a logged batch for atomicity, or asynchronous writes for performance."
    )


def expected_size(*lengths):
    # Per row: clustering int (4) + cell (16 + value).
    return sum(4 + 16 + n for n in lengths)


def test_batch_over_the_warn_threshold_warns(session, ks, tables):
    result = session.execute(batch(insert(1, 1, 2600), insert(2, 1, 2600)))
    warnings = size_warnings(result)
    assert len(warnings) == 1, result.response_future.warnings
    warning = warnings[0]
    assert warning.startswith(f"Batch for [{ks}.t] is of size ")
    assert ", exceeding specified threshold of 5120 by " in warning
    if EMULATOR:
        size = expected_size(2600, 2600)
        assert warning == (
            f"Batch for [{ks}.t] is of size {size}, exceeding specified threshold of 5120 by {size - 5120}."
        )
    assert len(list(session.execute("SELECT * FROM t"))) == 2


def test_batch_under_the_warn_threshold_does_not_warn(session, tables):
    result = session.execute(batch(insert(1, 1, 2000), insert(2, 1, 2000)))
    assert not size_warnings(result)


def test_prepared_batch_message_is_checked_too(session, ks, tables):
    from cassandra.query import BatchStatement

    stmt = session.prepare("INSERT INTO t (k, c, v) VALUES (?, ?, ?)")
    b = BatchStatement()
    b.add(stmt, (1, 1, "y" * 2600))
    b.add(stmt, (2, 1, "y" * 2600))
    warnings = size_warnings(session.execute(b))
    assert len(warnings) == 1
    assert warnings[0].startswith(f"Batch for [{ks}.t] is of size ")
    if EMULATOR:
        assert f"is of size {expected_size(2600, 2600)}," in warnings[0]


def test_batch_over_the_fail_threshold_is_refused_and_writes_nothing(session, tables):
    with pytest.raises(InvalidRequest) as err:
        session.execute(batch(insert(1, 1, 26000), insert(2, 1, 26000)))
    assert "Batch too large" in str(err.value)
    assert list(session.execute("SELECT * FROM t")) == []
    # Unlogged batches too.
    with pytest.raises(InvalidRequest) as err:
        session.execute(batch(insert(1, 1, 26000), insert(2, 1, 26000), kind="UNLOGGED"))
    assert "Batch too large" in str(err.value)
    assert list(session.execute("SELECT * FROM t")) == []


def test_a_bad_value_is_reported_before_the_size(session, tables):
    # getMutations builds (and validates) every update before verifyBatchSize runs.
    with pytest.raises(InvalidRequest) as err:
        session.execute(
            batch(insert(1, 1, 26000), insert(2, 1, 26000), "INSERT INTO t (k, c, v) VALUES (3, null, 'a')")
        )
    assert "Batch too large" not in str(err.value)
    assert list(session.execute("SELECT * FROM t")) == []


def test_single_partition_batches_are_not_checked(session, tables):
    # One mutation: neither warned nor refused, however large.
    result = session.execute(batch(insert(1, 1, 30000), insert(1, 2, 30000)))
    assert not size_warnings(result)
    assert len(list(session.execute("SELECT * FROM t WHERE k = 1"))) == 2


def test_one_partition_key_over_two_tables_is_one_mutation(session, tables):
    # A mutation holds every table's update of one keyspace and partition key.
    result = session.execute(
        batch(insert(1, 1, 30000), f"INSERT INTO u (k, v) VALUES (1, '{'z' * 30000}')")
    )
    assert not size_warnings(result)
    assert session.execute("SELECT k FROM u").one().k == 1


def test_conditional_batches_are_not_checked(session, tables):
    # A conditional batch goes through Paxos (executeWithConditions), never verifyBatchSize;
    # it is one partition anyway.
    result = session.execute(
        batch(insert(1, 1, 30000) + " IF NOT EXISTS", insert(1, 2, 30000) + " IF NOT EXISTS")
    )
    assert result.one()[0] is True
    assert not size_warnings(result)


def test_unlogged_batch_over_ten_partitions_warns(session, ks, tables):
    statements = [f"INSERT INTO u (k, v) VALUES ({k}, 'a')" for k in range(11)]
    result = session.execute(batch(*statements, kind="UNLOGGED"))
    assert (result.response_future.warnings or []) == [unlogged_warning(11, f"{ks}.u")]
    # Ten partitions: no warning; a logged batch: no warning.
    result = session.execute(batch(*statements[:10], kind="UNLOGGED"))
    assert not result.response_future.warnings
    assert not session.execute(batch(*statements)).response_future.warnings


def test_partitions_are_counted_by_key_across_tables(session, ks, tables):
    # verifyBatchType collects DecoratedKeys: the same key in two tables counts once.
    statements = [f"INSERT INTO u (k, v) VALUES ({k}, 'a')" for k in range(6)]
    statements += [f"INSERT INTO t (k, c, v) VALUES ({k}, 1, 'a')" for k in range(6)]
    result = session.execute(batch(*statements, kind="UNLOGGED"))
    assert not result.response_future.warnings
    statements += [f"INSERT INTO t (k, c, v) VALUES ({k}, 1, 'a')" for k in range(6, 11)]
    result = session.execute(batch(*statements, kind="UNLOGGED"))
    warnings = result.response_future.warnings or []
    assert len(warnings) == 1
    assert warnings[0].startswith("Unlogged batch covering 11 partitions detected against tables [")


def test_counter_batch_over_ten_partitions_warns(session, ks, tables):
    # verifyBatchType warns for every batch that is not LOGGED.
    statements = [f"UPDATE cnt SET n = n + 1 WHERE k = {k}" for k in range(11)]
    result = session.execute(batch(*statements, kind="COUNTER"))
    assert (result.response_future.warnings or []) == [unlogged_warning(11, f"{ks}.cnt")]

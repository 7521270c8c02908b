"""Conditions on static columns, as Cassandra 4.0 evaluates and reports them
(CQL3CasRequest, ModificationStatement.buildCasResultSet, BatchStatement.makeCasRequest).

A static column condition applies to the static row, whatever row the statement writes; row
conditions (and IF [NOT] EXISTS) apply to the statement's row. The read behind the check fetches
the conditioned rows (or, with static conditions only, the first live row of the partition),
every static column if the request writes the static row (else the conditioned ones), every
regular column if it writes a regular row. A failed request returns [applied] followed by the
conditioned columns (regular ones before static ones; the primary key first in a batch; every
column for IF [NOT] EXISTS) of each row read, or of the static row alone when no row was read,
with null for what was not fetched.
"""

import pytest
from cassandra.query import BatchStatement


@pytest.fixture
def t(session, ks):
    session.execute("CREATE TABLE t (pk int, ck int, s int static, v int, w int, PRIMARY KEY (pk, ck))")


def run(session, cql, params=None):
    result = session.execute(cql, params)
    return result.column_names, list(result)


def test_failed_static_condition_returns_the_static_column(session, t):
    session.execute("INSERT INTO t (pk, ck, s, v) VALUES (0, 1, 2, 1)")
    names, rows = run(session, "UPDATE t SET s = 1 WHERE pk = 0 IF s = 5")
    assert names == ["[applied]", "s"]
    assert [tuple(r) for r in rows] == [(False, 2)]
    names, rows = run(session, "UPDATE t SET s = 1 WHERE pk = 0 IF s = 2")
    assert names == ["[applied]"]
    assert [tuple(r) for r in rows] == [(True,)]
    assert session.execute("SELECT s FROM t WHERE pk = 0").one().s == 1


def test_static_condition_on_a_partition_with_only_static_data(session, t):
    session.execute("INSERT INTO t (pk, s) VALUES (0, 3)")
    names, rows = run(session, "UPDATE t SET s = 1 WHERE pk = 0 IF s = 5")
    assert (names, [tuple(r) for r in rows]) == (["[applied]", "s"], [(False, 3)])


def test_static_condition_on_rows_without_static_data(session, t):
    # The partition's first live row is read: the null static value is reported.
    session.execute("INSERT INTO t (pk, ck, v) VALUES (0, 1, 1)")
    names, rows = run(session, "UPDATE t SET s = 1 WHERE pk = 0 IF s = 5")
    assert (names, [tuple(r) for r in rows]) == (["[applied]", "s"], [(False, None)])
    # No partition at all: [applied] alone.
    names, rows = run(session, "UPDATE t SET s = 1 WHERE pk = 9 IF s = 5")
    assert (names, [tuple(r) for r in rows]) == (["[applied]"], [(False,)])


def test_static_condition_checks_the_static_row_whatever_row_is_written(session, t):
    session.execute("INSERT INTO t (pk, s) VALUES (0, 7)")
    # Row ck = 2 does not exist; the condition is on the static row, which matches.
    names, rows = run(session, "UPDATE t SET v = 5 WHERE pk = 0 AND ck = 2 IF s = 7")
    assert (names, [tuple(r) for r in rows]) == (["[applied]"], [(True,)])
    assert session.execute("SELECT v FROM t WHERE pk = 0 AND ck = 2").one().v == 5
    names, rows = run(session, "UPDATE t SET v = 6 WHERE pk = 0 AND ck = 3 IF s = 8")
    assert (names, [tuple(r) for r in rows]) == (["[applied]", "s"], [(False, 7)])


def test_regular_conditions_are_reported_before_static_ones(session, t):
    session.execute("INSERT INTO t (pk, ck, s, v) VALUES (0, 1, 7, 1)")
    names, rows = run(session, "UPDATE t SET v = 5 WHERE pk = 0 AND ck = 1 IF s = 7 AND v = 9")
    assert (names, [tuple(r) for r in rows]) == (["[applied]", "v", "s"], [(False, 1, 7)])
    # The row does not exist: the static row alone, the regular column null.
    names, rows = run(session, "UPDATE t SET v = 5 WHERE pk = 0 AND ck = 4 IF s = 7 AND v = 9")
    assert (names, [tuple(r) for r in rows]) == (["[applied]", "v", "s"], [(False, None, 7)])


def test_if_not_exists_on_a_row_of_a_static_only_partition(session, t):
    session.execute("INSERT INTO t (pk, s) VALUES (0, 7)")
    names, rows = run(session, "INSERT INTO t (pk, ck, v) VALUES (0, 1, 1) IF NOT EXISTS")
    assert (names, [tuple(r) for r in rows]) == (["[applied]"], [(True,)])
    # Now the row exists. The statement writes no static column: statics are not read.
    names, rows = run(session, "INSERT INTO t (pk, ck, v) VALUES (0, 1, 2) IF NOT EXISTS")
    assert names == ["[applied]", "pk", "ck", "s", "v", "w"]
    assert [tuple(r) for r in rows] == [(False, 0, 1, None, 1, None)]
    # Writing a static column reads them.
    names, rows = run(session, "INSERT INTO t (pk, ck, s, v) VALUES (0, 1, 8, 2) IF NOT EXISTS")
    assert [tuple(r) for r in rows] == [(False, 0, 1, 7, 1, None)]


def test_static_if_not_exists(session, t):
    session.execute("INSERT INTO t (pk, s) VALUES (0, 7)")
    names, rows = run(session, "INSERT INTO t (pk, s) VALUES (0, 9) IF NOT EXISTS")
    assert names == ["[applied]", "pk", "ck", "s", "v", "w"]
    assert [tuple(r) for r in rows] == [(False, 0, None, 7, None, None)]
    # With rows, the first live row is read (its regular columns are not).
    session.execute("INSERT INTO t (pk, ck, v) VALUES (0, 1, 1)")
    names, rows = run(session, "INSERT INTO t (pk, s) VALUES (0, 9) IF NOT EXISTS")
    assert [tuple(r) for r in rows] == [(False, 0, 1, 7, None, None)]
    names, rows = run(session, "INSERT INTO t (pk, s) VALUES (5, 9) IF NOT EXISTS")
    assert (names, [tuple(r) for r in rows]) == (["[applied]"], [(True,)])


def test_batch_with_a_static_and_a_row_condition(session, t):
    session.execute("INSERT INTO t (pk, ck, s, v) VALUES (0, 1, 7, 1)")
    batch = (
        "BEGIN BATCH "
        "UPDATE t SET s = 10 WHERE pk = 0 IF s = 99; "
        "UPDATE t SET v = 10 WHERE pk = 0 AND ck = 1 IF v = 1; "
        "APPLY BATCH"
    )
    names, rows = run(session, batch)
    assert names == ["[applied]", "pk", "ck", "s", "v"]
    assert [tuple(r) for r in rows] == [(False, 0, 1, 7, 1)]
    # The conditioned row missing: the static row alone.
    names, rows = run(session, batch.replace("ck = 1", "ck = 2"))
    assert [tuple(r) for r in rows] == [(False, 0, None, 7, None)]
    names, rows = run(session, batch.replace("s = 99", "s = 7"))
    assert (names, [tuple(r) for r in rows]) == (["[applied]"], [(True,)])
    row = session.execute("SELECT s, v FROM t WHERE pk = 0 AND ck = 1").one()
    assert (row.s, row.v) == (10, 10)


def test_batch_with_static_conditions_only(session, t):
    session.execute("INSERT INTO t (pk, ck, s, v) VALUES (0, 1, 7, 1)")
    session.execute("INSERT INTO t (pk, ck, v) VALUES (0, 2, 2)")
    names, rows = run(
        session,
        "BEGIN BATCH UPDATE t SET s = 1 WHERE pk = 0 IF s = 5; "
        "INSERT INTO t (pk, ck, v) VALUES (0, 3, 3); APPLY BATCH",
    )
    # No row condition: the first live row of the partition is read.
    assert names == ["[applied]", "pk", "ck", "s"]
    assert [tuple(r) for r in rows] == [(False, 0, 1, 7)]


def test_prepared_static_conditions(session, t):
    session.execute("INSERT INTO t (pk, ck, s, v) VALUES (0, 1, 7, 1)")
    update = session.prepare("UPDATE t SET v = ? WHERE pk = ? AND ck = ? IF s = ? AND v = ?")
    assert not update.result_metadata
    result = session.execute(update, [5, 0, 1, 7, 9])
    assert result.column_names == ["[applied]", "v", "s"]
    assert tuple(result.one()) == (False, 1, 7)
    result = session.execute(update, [5, 0, 1, 7, 1])
    assert result.column_names == ["[applied]"]
    assert tuple(result.one()) == (True,)


def test_prepared_batch_with_static_conditions(session, t):
    session.execute("INSERT INTO t (pk, ck, s, v) VALUES (0, 1, 7, 1)")
    static = session.prepare("UPDATE t SET s = ? WHERE pk = ? IF s = ?")
    regular = session.prepare("UPDATE t SET v = ? WHERE pk = ? AND ck = ? IF v = ?")
    batch = BatchStatement()
    batch.add(static, (10, 0, 99))
    batch.add(regular, (10, 0, 1, 1))
    result = session.execute(batch)
    assert result.column_names == ["[applied]", "pk", "ck", "s", "v"]
    assert [tuple(r) for r in result] == [(False, 0, 1, 7, 1)]


def test_static_if_exists_on_rows_without_static_data(session, t):
    # IF EXISTS of a static-only update checks the static row; the first live row is read
    # without its regular columns.
    session.execute("INSERT INTO t (pk, ck, v) VALUES (0, 1, 1)")
    names, rows = run(session, "UPDATE t SET s = 1 WHERE pk = 0 IF EXISTS")
    assert names == ["[applied]", "pk", "ck", "s", "v", "w"]
    assert [tuple(r) for r in rows] == [(False, 0, 1, None, None, None)]
    assert session.execute("SELECT s FROM t WHERE pk = 0").one().s is None

"""LWT, batch and write-literal rules of Cassandra 4.0 (ModificationStatement, BatchStatement,
Cql.g, the marshal types), each checked by error class and message or by the rows left."""

import pytest
from cassandra import InvalidRequest
from cassandra.protocol import SyntaxException


@pytest.fixture
def tables(session, ks):
    session.execute("CREATE TABLE kv (k int PRIMARY KEY, v int, w int)")
    session.execute("CREATE TABLE cnt (k int PRIMARY KEY, n counter)")


def refused(session, cql, message, kind=InvalidRequest, params=None):
    with pytest.raises(kind) as err:
        session.execute(cql, params)
    assert message in str(err.value)


def test_conditional_statements_prepare_without_result_metadata(session, tables):
    # ModificationStatement keeps CQLStatement's ResultMetadata.EMPTY (NO_METADATA, no
    # columns): the columns of an LWT result depend on whether it applied.
    for cql in [
        "INSERT INTO kv (k, v) VALUES (?, ?) IF NOT EXISTS",
        "UPDATE kv SET v = ? WHERE k = ? IF v = 1",
        "DELETE FROM kv WHERE k = ? IF EXISTS",
    ]:
        assert not session.prepare(cql).result_metadata, cql
    insert = session.prepare("INSERT INTO kv (k, v) VALUES (?, ?) IF NOT EXISTS")
    assert session.execute(insert, [1, 1]).one()[0] is True
    row = session.execute(insert, [1, 2]).one()
    assert (row[0], row.k, row.v) == (False, 1, 1)
    # A plain write still has no result columns, a SELECT still has them.
    assert not session.prepare("INSERT INTO kv (k, v) VALUES (?, ?)").result_metadata
    assert len(session.prepare("SELECT k, v FROM kv").result_metadata) == 2


def test_lwt_on_counter_tables_is_refused(session, tables):
    for cql in [
        "UPDATE cnt SET n = n + 1 WHERE k = 1 IF n = 1",
        "UPDATE cnt SET n = n + 1 WHERE k = 1 IF EXISTS",
        "DELETE FROM cnt WHERE k = 1 IF EXISTS",
    ]:
        refused(session, cql, "Conditional updates are not supported on counter tables")
    assert session.execute("SELECT * FROM cnt").one() is None


def test_setting_a_column_twice_is_refused(session, tables):
    # Cql.g addRawUpdate: a plain assignment combines with no other one on the same column.
    refused(
        session,
        "UPDATE kv SET v = 1, v = 2 WHERE k = 1",
        "Multiple incompatible setting of column v",
        SyntaxException,
    )
    assert session.execute("SELECT * FROM kv").one() is None

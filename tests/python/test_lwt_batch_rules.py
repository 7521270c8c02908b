"""LWT, batch and write-literal rules of Cassandra 4.0 (ModificationStatement, BatchStatement,
Cql.g, the marshal types), each checked by error class and message or by the rows left."""

import pytest
from cassandra.protocol import SyntaxException

from conftest import refused


@pytest.fixture
def tables(session, ks):
    session.execute("CREATE TABLE kv (k int PRIMARY KEY, v int, w int)")
    session.execute("CREATE TABLE cnt (k int PRIMARY KEY, n counter)")


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


def test_conditional_batch_cannot_mix_condition_kinds_on_one_row(session, tables):
    # CQL3CasRequest.addExistsCondition / addConditions, row by row.
    refused(
        session,
        "BEGIN BATCH INSERT INTO kv (k, v) VALUES (1, 1) IF NOT EXISTS; "
        "UPDATE kv SET w = 1 WHERE k = 1 IF v = 1 APPLY BATCH",
        "Cannot mix IF conditions and IF NOT EXISTS for the same row",
    )
    refused(
        session,
        "BEGIN BATCH UPDATE kv SET w = 1 WHERE k = 1 IF v = 1; "
        "UPDATE kv SET w = 2 WHERE k = 1 IF EXISTS APPLY BATCH",
        "Cannot mix IF conditions and IF EXISTS for the same row",
    )
    refused(
        session,
        "BEGIN BATCH INSERT INTO kv (k, v) VALUES (1, 1) IF NOT EXISTS; "
        "DELETE FROM kv WHERE k = 1 IF EXISTS APPLY BATCH",
        "Cannot mix IF EXISTS and IF NOT EXISTS conditions for the same row",
    )
    assert session.execute("SELECT * FROM kv").one() is None
    # The same kind twice on one row is fine (CASSANDRA-12867).
    row = session.execute(
        "BEGIN BATCH INSERT INTO kv (k, v) VALUES (1, 1) IF NOT EXISTS; "
        "INSERT INTO kv (k, w) VALUES (1, 2) IF NOT EXISTS APPLY BATCH"
    ).one()
    assert row[0] is True
    assert tuple(session.execute("SELECT k, v, w FROM kv").one()) == (1, 1, 2)


def test_partition_keys_over_64_kib_are_refused(session, ks):
    session.execute("CREATE TABLE t (k text PRIMARY KEY, v int)")
    session.execute("CREATE TABLE c (a text, b text, v int, PRIMARY KEY ((a, b)))")
    # QueryProcessor.validateKey: the serialized key must fit an unsigned short length.
    refused(
        session,
        "INSERT INTO t (k, v) VALUES (%s, 1)",
        "Key length of 65536 is longer than maximum of 65535",
        params=["k" * 65536],
    )
    session.execute("INSERT INTO t (k, v) VALUES (%s, 1)", ["k" * 65535])
    assert [len(r.k) for r in session.execute("SELECT k FROM t")] == [65535]
    # A composite key counts each component's 2-byte length and end-of-component byte:
    # 2 + 65529 + 1 + 2 + 1 + 1 = 65536.
    refused(
        session,
        "INSERT INTO c (a, b, v) VALUES (%s, 'b', 1)",
        "Key length of 65536 is longer than maximum of 65535",
        params=["a" * 65529],
    )
    assert session.execute("SELECT * FROM c").one() is None


def test_a_list_literal_is_not_a_set(session, ks):
    session.execute("CREATE TABLE st (k int PRIMARY KEY, s set<int>)")
    # Lists.Literal.validateAssignableTo accepts only list receivers.
    refused(
        session,
        "UPDATE st SET s = [1, 2] WHERE k = 1",
        "Invalid list literal for s of type set<int>",
    )
    refused(
        session,
        "INSERT INTO st (k, s) VALUES (1, [1])",
        "Invalid list literal for s of type set<int>",
    )
    assert session.execute("SELECT * FROM st").one() is None
    session.execute("UPDATE st SET s = {1, 2} WHERE k = 1")
    assert session.execute("SELECT s FROM st").one().s == {1, 2}


def test_blob_conversion_of_an_empty_blob(session, ks):
    session.execute("CREATE TABLE b (k int PRIMARY KEY, i int, ti tinyint)")
    # makeFromBlobFunction validates with the target type: Int32Serializer accepts an empty
    # value, ByteSerializer (tinyint) does not.
    session.execute("UPDATE b SET i = blobAsInt(0x) WHERE k = 1")
    refused(
        session,
        "UPDATE b SET ti = blobAsTinyint(0x) WHERE k = 1",
        "In call to function system.blobastinyint, value 0x is not a valid binary "
        "representation for type tinyint",
    )
    refused(
        session,
        "UPDATE b SET i = blobAsInt(0x0001) WHERE k = 2",
        "In call to function system.blobasint, value 0x0001 is not a valid binary "
        "representation for type int",
    )
    assert [r.k for r in session.execute("SELECT k FROM b")] == [1]

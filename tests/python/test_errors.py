"""Server errors: codes, exception classes and messages as Cassandra 4.0 words them."""

import pytest
from cassandra import AlreadyExists, InvalidRequest
from cassandra.protocol import SyntaxException


def test_syntax_error_has_position(session, ks):
    with pytest.raises(SyntaxException) as err:
        session.execute("SELEC * FROM kv")
    assert "line 1:0 no viable alternative at input 'SELEC' ([SELEC]...)" in str(err.value)


def test_unknown_table_keyspace_and_column(session, ks):
    with pytest.raises(InvalidRequest) as err:
        session.execute(f"SELECT * FROM {ks}.no_such_table")
    assert "table no_such_table does not exist" in str(err.value)
    with pytest.raises(InvalidRequest) as err:
        session.execute("SELECT * FROM no_such_keyspace.t")
    assert "keyspace no_such_keyspace does not exist" in str(err.value)
    session.execute("CREATE TABLE kv (k int PRIMARY KEY, v int)")
    with pytest.raises(InvalidRequest) as err:
        session.execute("SELECT nope FROM kv")
    assert "Undefined column name nope" in str(err.value)


def test_wrong_literal_type_names_the_column(session, ks):
    session.execute("CREATE TABLE kv (k text PRIMARY KEY, v int)")
    with pytest.raises(InvalidRequest) as err:
        session.execute("INSERT INTO kv (k, v) VALUES ('e', 'not an int')")
    assert 'Invalid STRING constant (not an int) for "v" of type int' in str(err.value)


def test_missing_key_parts(session, ks):
    session.execute("CREATE TABLE t (a int, b int, c int, v int, PRIMARY KEY ((a, b), c))")
    with pytest.raises(InvalidRequest) as err:
        session.execute("INSERT INTO t (a, c, v) VALUES (1, 1, 1)")
    assert "Some partition key parts are missing: b" in str(err.value)
    with pytest.raises(InvalidRequest) as err:
        session.execute("UPDATE t SET v = 1 WHERE a = 1 AND b = 1")
    assert "Some clustering keys are missing: c" in str(err.value)


def test_already_exists(session, ks):
    session.execute("CREATE TABLE dup (k int PRIMARY KEY)")
    with pytest.raises(AlreadyExists) as err:
        session.execute("CREATE TABLE dup (k int PRIMARY KEY)")
    assert err.value.keyspace == ks and err.value.table == "dup"
    session.execute("CREATE TABLE IF NOT EXISTS dup (k int PRIMARY KEY)")
    with pytest.raises(AlreadyExists) as err:
        session.execute(f"CREATE KEYSPACE {ks} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': 1}}")
    assert err.value.keyspace == ks and err.value.table in ("", None)


def test_reprepare_after_alter(session, ks):
    session.execute("CREATE TABLE rp (k int PRIMARY KEY, v int)")
    session.execute("INSERT INTO rp (k, v) VALUES (1, 1)")
    sel = session.prepare("SELECT * FROM rp WHERE k = ?")
    assert session.execute(sel, (1,)).one() == (1, 1)
    session.execute("ALTER TABLE rp ADD w text")
    # The driver re-prepares transparently on Unprepared; the new column shows up.
    row = session.execute(sel, (1,)).one()
    assert row.k == 1 and row.v == 1 and row.w is None

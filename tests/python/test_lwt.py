"""Lightweight transactions: [applied] and the current values, as Cassandra returns them."""

from cassandra.query import BatchStatement, SimpleStatement


def test_insert_if_not_exists(session, ks):
    session.execute("CREATE TABLE lwt (k text PRIMARY KEY, v int)")
    r = session.execute("INSERT INTO lwt (k, v) VALUES ('x', 1) IF NOT EXISTS")
    assert r.was_applied
    assert r.column_names == ["[applied]"]
    r = session.execute("INSERT INTO lwt (k, v) VALUES ('x', 2) IF NOT EXISTS")
    assert not r.was_applied
    assert r.column_names == ["[applied]", "k", "v"]
    assert tuple(r.one()) == (False, "x", 1)


def test_update_if_conditions(session, ks):
    session.execute("CREATE TABLE acct (id int PRIMARY KEY, balance int, owner text)")
    session.execute("INSERT INTO acct (id, balance, owner) VALUES (1, 100, 'ann')")
    r = session.execute("UPDATE acct SET balance = 50 WHERE id = 1 IF balance = 100")
    assert r.was_applied and r.column_names == ["[applied]"]
    r = session.execute("UPDATE acct SET balance = 0 WHERE id = 1 IF balance = 100 AND owner = 'ann'")
    assert not r.was_applied
    assert r.column_names == ["[applied]", "balance", "owner"]
    assert tuple(r.one()) == (False, 50, "ann")
    r = session.execute("UPDATE acct SET balance = 1 WHERE id = 2 IF EXISTS")
    assert not r.was_applied and r.column_names == ["[applied]"]
    r = session.execute("UPDATE acct SET balance = 1 WHERE id = 1 IF EXISTS")
    assert r.was_applied
    assert session.execute("SELECT balance FROM acct WHERE id = 1").one().balance == 1
    r = session.execute("DELETE FROM acct WHERE id = 1 IF owner = 'bob'")
    assert not r.was_applied and tuple(r.one()) == (False, "ann")
    r = session.execute("DELETE FROM acct WHERE id = 1 IF EXISTS")
    assert r.was_applied
    assert session.execute("SELECT * FROM acct WHERE id = 1").one() is None


def test_conditional_batch(session, ks):
    session.execute("CREATE TABLE cb (p int, c int, v int, PRIMARY KEY (p, c))")
    batch = BatchStatement()
    batch.add(SimpleStatement("INSERT INTO cb (p, c, v) VALUES (1, 1, 1) IF NOT EXISTS"))
    batch.add(SimpleStatement("INSERT INTO cb (p, c, v) VALUES (1, 2, 2)"))
    assert session.execute(batch).was_applied
    batch = BatchStatement()
    batch.add(SimpleStatement("INSERT INTO cb (p, c, v) VALUES (1, 1, 9) IF NOT EXISTS"))
    batch.add(SimpleStatement("UPDATE cb SET v = 9 WHERE p = 1 AND c = 2"))
    r = session.execute(batch)
    assert not r.was_applied
    assert sorted((x.c, x.v) for x in session.execute("SELECT c, v FROM cb WHERE p = 1")) == [(1, 1), (2, 2)]

"""Paging with fetch size and paging state, as the driver drives it."""

from cassandra.query import SimpleStatement


def test_automatic_and_manual_paging(session, ks):
    session.execute("CREATE TABLE pg (p int, c int, v text, PRIMARY KEY (p, c))")
    ins = session.prepare("INSERT INTO pg (p, c, v) VALUES (?, ?, ?)")
    for c in range(30):
        session.execute(ins, (1, c, f"v{c}"))
    for p in range(2, 6):
        session.execute(ins, (p, 0, "x"))

    stmt = SimpleStatement("SELECT c FROM pg WHERE p = 1", fetch_size=10)
    result = session.execute(stmt)
    assert len(result.current_rows) == 10 and result.has_more_pages
    assert [r.c for r in result] == list(range(30))

    first = session.execute(stmt)
    state = first.paging_state
    assert state is not None
    second = session.execute(stmt, paging_state=state)
    assert [r.c for r in second.current_rows] == list(range(10, 20))
    third = session.execute(stmt, paging_state=second.paging_state)
    assert [r.c for r in third.current_rows] == list(range(20, 30))
    # The page after the last full page is empty and carries no state.
    if third.paging_state is not None:
        fourth = session.execute(stmt, paging_state=third.paging_state)
        assert fourth.current_rows == [] and fourth.paging_state is None

    # Paging across partitions, prepared, with a page boundary inside a partition.
    sel = session.prepare("SELECT p, c FROM pg")
    sel.fetch_size = 7
    got = [(r.p, r.c) for r in session.execute(sel)]
    assert len(got) == 34 and len(set(got)) == 34

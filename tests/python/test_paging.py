"""Paging with fetch size and paging state, as the driver drives it."""

import pytest
from cassandra import InvalidRequest
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


def _pages(session, stmt):
    """Every page of `stmt`, fetched one by one with its paging state."""
    pages = []
    result = session.execute(stmt)
    while True:
        pages.append([tuple(r) for r in result.current_rows])
        if not result.has_more_pages:
            return pages
        result = session.execute(stmt, paging_state=result.paging_state)


def _full_pages_then_rest(pages, size):
    """Every page but the last holds exactly `size` rows; a last page of `size` rows may be
    followed by an empty one (4.0 cannot tell a full last page from a partial one)."""
    sizes = [len(p) for p in pages]
    if sizes[-1] == 0:
        sizes = sizes[:-1]
    assert all(n == size for n in sizes[:-1]), sizes
    assert 0 < sizes[-1] <= size, sizes


def _fill_static(session):
    session.execute("CREATE TABLE sp (p int, c int, s int static, v int, PRIMARY KEY (p, c))")
    ins = session.prepare("INSERT INTO sp (p, c, v) VALUES (?, ?, ?)")
    st = session.prepare("INSERT INTO sp (p, s) VALUES (?, ?)")
    for p in range(8):
        if p % 3 == 0:
            session.execute(st, (p, p))  # static-only partition: one row, null clustering
        else:
            for c in range(p):
                session.execute(ins, (p, c, p * 10 + c))


def test_pages_are_full_across_partitions_and_static_only_ones(session, ks):
    _fill_static(session)
    unpaged = [tuple(r) for r in session.execute(SimpleStatement("SELECT * FROM sp", fetch_size=None))]
    assert len(unpaged) == 3 + sum(p for p in range(8) if p % 3)
    for size in (1, 2, 3, 5):
        pages = _pages(session, SimpleStatement("SELECT * FROM sp", fetch_size=size))
        _full_pages_then_rest(pages, size)
        assert [r for page in pages for r in page] == unpaged


def test_per_partition_limit_with_paging(session, ks):
    _fill_static(session)
    query = "SELECT p, c FROM sp PER PARTITION LIMIT 2"
    unpaged = [tuple(r) for r in session.execute(SimpleStatement(query, fetch_size=None))]
    # One row per static-only partition, at most two per other partition.
    assert len(unpaged) == 3 + 1 + 2 * 4
    for size in (1, 3, 4):
        pages = _pages(session, SimpleStatement(query, fetch_size=size))
        _full_pages_then_rest(pages, size)
        assert [r for page in pages for r in page] == unpaged


def test_limit_with_paging_ends_with_the_limit(session, ks):
    _fill_static(session)
    unpaged = [tuple(r) for r in session.execute(SimpleStatement("SELECT p, c FROM sp", fetch_size=None))]
    pages = _pages(session, SimpleStatement("SELECT p, c FROM sp LIMIT 7", fetch_size=3))
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [r for page in pages for r in page] == unpaged[:7]
    # A LIMIT used up exactly at the end of a page leaves nothing to page.
    pages = _pages(session, SimpleStatement("SELECT p, c FROM sp LIMIT 6", fetch_size=3))
    assert [len(p) for p in pages] == [3, 3]
    assert [r for page in pages for r in page] == unpaged[:6]


def test_single_partition_exhaustion_ends_paging(session, ks):
    _fill_static(session)
    # PER PARTITION LIMIT used up at the end of a page: 4.0's single-partition pager is done.
    stmt = SimpleStatement("SELECT c FROM sp WHERE p = 7 PER PARTITION LIMIT 4", fetch_size=2)
    pages = _pages(session, stmt)
    assert pages == [[(0,), (1,)], [(2,), (3,)]]
    # A static-only partition is one row without clustering: nothing follows it.
    result = session.execute(SimpleStatement("SELECT * FROM sp WHERE p = 3", fetch_size=1))
    assert [(r.p, r.c, r.s) for r in result.current_rows] == [(3, None, 3)]
    assert not result.has_more_pages
    # So is the row of a table without clustering columns.
    session.execute("CREATE TABLE kv (k int PRIMARY KEY, v int)")
    session.execute("INSERT INTO kv (k, v) VALUES (1, 1)")
    result = session.execute(SimpleStatement("SELECT * FROM kv WHERE k = 1", fetch_size=1))
    assert len(result.current_rows) == 1 and not result.has_more_pages


def test_paging_over_an_in_list(session, ks):
    _fill_static(session)
    query = "SELECT p, c FROM sp WHERE p IN (5, 1, 4, 2)"
    unpaged = [tuple(r) for r in session.execute(SimpleStatement(query, fetch_size=None))]
    # Keys in the partition key's order, whatever the order of the IN.
    assert unpaged == [(p, c) for p in (1, 2, 4, 5) for c in range(p)]
    for size in (1, 2, 5):
        pages = _pages(session, SimpleStatement(query, fetch_size=size))
        _full_pages_then_rest(pages, size)
        assert [r for page in pages for r in page] == unpaged
    # The page ends on the last key's partition, exhausted by PER PARTITION LIMIT (or by its
    # static-only row): 4.0's multi-partition pager is done, no state follows.
    pages = _pages(session, SimpleStatement(query + " PER PARTITION LIMIT 1", fetch_size=2))
    assert pages == [[(1, 0), (2, 0)], [(4, 0), (5, 0)]]
    pages = _pages(session, SimpleStatement("SELECT p, c FROM sp WHERE p IN (1, 3)", fetch_size=2))
    assert pages == [[(1, 0), (3, None)]]


def test_order_by_over_an_in_is_not_paged_even_within_the_limit(session, ks):
    _fill_static(session)
    # 4.0 reads everything before sorting (no row limit on the read), so even a LIMIT within
    # the page size does not turn paging off: paging such a query is refused.
    query = "SELECT p, c FROM sp WHERE p IN (4, 5) ORDER BY c DESC LIMIT 3"
    with pytest.raises(InvalidRequest) as err:
        session.execute(SimpleStatement(query, fetch_size=3))
    assert "Cannot page queries with both ORDER BY and a IN restriction on the partition key" in str(err.value)
    result = session.execute(SimpleStatement(query, fetch_size=None))
    assert [tuple(r) for r in result.current_rows] == [(5, 4), (4, 3), (5, 3)]

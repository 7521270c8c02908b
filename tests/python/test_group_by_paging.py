"""Paging of GROUP BY queries: Cassandra 4.0 counts the page size in groups.

`AggregationQueryPager` (4.0's `service/pager`) pages an aggregation query with GROUP BY by
groups: a page holds `fetch_size` complete groups and its paging state resumes right after
the last row of the last group, across partitions. An aggregate without GROUP BY is one row.
LIMIT counts groups as well.
"""

from cassandra.query import SimpleStatement


def _fill(session):
    session.execute("CREATE TABLE gb (p int, c int, n int, v int, PRIMARY KEY (p, c, n))")
    ins = session.prepare("INSERT INTO gb (p, c, n, v) VALUES (?, ?, ?, ?)")
    # Partitions 1..3, each with clustering groups c = 0..(p) of three rows each.
    for p in range(1, 4):
        for c in range(p + 1):
            for n in range(3):
                session.execute(ins, (p, c, n, p * 100 + c * 10 + n))


def _pages(session, stmt):
    """Every page of `stmt` fetched one by one with its paging state."""
    pages = []
    result = session.execute(stmt)
    while True:
        pages.append(list(result.current_rows))
        if not result.has_more_pages:
            return pages
        result = session.execute(stmt, paging_state=result.paging_state)


def test_group_by_pages_count_groups_across_partitions(session, ks):
    _fill(session)
    query = "SELECT p, c, count(*), sum(v) FROM gb GROUP BY p, c"
    unpaged = list(session.execute(SimpleStatement(query, fetch_size=None)))
    # 2 + 3 + 4 groups of three rows each.
    assert len(unpaged) == 9
    assert all(r.count == 3 for r in unpaged)

    pages = _pages(session, SimpleStatement(query, fetch_size=2))
    assert [len(p) for p in pages] == [2, 2, 2, 2, 1]
    assert [tuple(r) for page in pages for r in page] == [tuple(r) for r in unpaged]

    # The driver's automatic paging sees the same rows.
    auto = session.execute(SimpleStatement(query, fetch_size=4))
    assert len(auto.current_rows) == 4 and auto.has_more_pages
    assert [tuple(r) for r in auto] == [tuple(r) for r in unpaged]


def test_group_by_pages_inside_one_partition(session, ks):
    _fill(session)
    stmt = SimpleStatement(
        "SELECT p, c, count(*), max(v) FROM gb WHERE p = 3 GROUP BY p, c", fetch_size=3
    )
    first = session.execute(stmt)
    assert [(r.p, r.c, r.count) for r in first.current_rows] == [(3, 0, 3), (3, 1, 3), (3, 2, 3)]
    assert first.has_more_pages
    second = session.execute(stmt, paging_state=first.paging_state)
    assert [(r.p, r.c, r.system_max_v) for r in second.current_rows] == [(3, 3, 332)]
    assert not second.has_more_pages


def test_group_by_partition_key_pages_by_partition(session, ks):
    _fill(session)
    stmt = SimpleStatement("SELECT p, count(*) FROM gb GROUP BY p", fetch_size=1)
    pages = _pages(session, stmt)
    rows = sorted((r.p, r.count) for page in pages for r in page)
    assert rows == [(1, 6), (2, 9), (3, 12)]
    assert all(len(p) == 1 for p in pages[:3])


def test_group_by_limit_counts_groups_while_paging(session, ks):
    _fill(session)
    query = "SELECT p, c, count(*) FROM gb GROUP BY p, c LIMIT 5"
    unpaged = [tuple(r) for r in session.execute(SimpleStatement(query, fetch_size=None))]
    assert len(unpaged) == 5
    pages = _pages(session, SimpleStatement(query, fetch_size=2))
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [tuple(r) for page in pages for r in page] == unpaged


def test_aggregate_without_group_by_is_one_row(session, ks):
    _fill(session)
    result = session.execute(SimpleStatement("SELECT count(*), sum(v) FROM gb", fetch_size=2))
    assert len(result.current_rows) == 1
    assert result.current_rows[0].count == 27
    assert not result.has_more_pages


def test_group_by_per_partition_limit_counts_groups(session, ks):
    # 4.0 refuses PER PARTITION LIMIT only for an aggregate without GROUP BY; with GROUP BY
    # it limits the groups of each partition (`CQLGroupByLimits`).
    _fill(session)
    query = "SELECT p, c, count(*) FROM gb GROUP BY p, c PER PARTITION LIMIT 2"
    expected = [(p, c, 3) for p in range(1, 4) for c in range(2)]
    assert [tuple(r) for r in session.execute(SimpleStatement(query, fetch_size=None))] == expected
    for size in (1, 2, 4):
        pages = _pages(session, SimpleStatement(query, fetch_size=size))
        assert [tuple(r) for page in pages for r in page] == expected
        assert all(len(p) == size for p in pages[: len(expected) // size])
    # One partition whose limit is used up by the first page: nothing more to page.
    stmt = SimpleStatement(
        "SELECT p, c, count(*) FROM gb WHERE p = 3 GROUP BY p, c PER PARTITION LIMIT 2",
        fetch_size=2,
    )
    result = session.execute(stmt)
    assert [(r.p, r.c) for r in result.current_rows] == [(3, 0), (3, 1)]
    assert not result.has_more_pages

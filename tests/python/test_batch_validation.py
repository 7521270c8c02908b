"""BATCH attribute and counter-mix checks, in the order BatchStatement.validate makes them."""

import pytest
from cassandra import InvalidRequest

from conftest import refused


@pytest.fixture
def tables(session, ks):
    session.execute("CREATE TABLE kv (k int PRIMARY KEY, v int)")
    session.execute("CREATE TABLE cnt (k int PRIMARY KEY, n counter)")


def test_batch_ttl_is_refused(session, tables):
    refused(
        session,
        "BEGIN BATCH USING TTL 10 INSERT INTO kv (k, v) VALUES (1, 1) APPLY BATCH",
        "Global TTL on the BATCH statement is not supported.",
    )
    assert session.execute("SELECT * FROM kv").one() is None


def test_batch_timestamps(session, tables):
    refused(
        session,
        "BEGIN BATCH USING TIMESTAMP 1 INSERT INTO kv (k, v) VALUES (1, 1) IF NOT EXISTS APPLY BATCH",
        "Cannot provide custom timestamp for conditional BATCH",
    )
    refused(
        session,
        "BEGIN COUNTER BATCH USING TIMESTAMP 1 UPDATE cnt SET n = n + 1 WHERE k = 1 APPLY BATCH",
        "Cannot provide custom timestamp for counter BATCH",
    )
    refused(
        session,
        "BEGIN BATCH USING TIMESTAMP 1 INSERT INTO kv (k, v) VALUES (1, 1) USING TIMESTAMP 2 APPLY BATCH",
        "Timestamp must be set either on BATCH or individual statements",
    )
    # Counter statements under a batch timestamp, whatever the batch type, before the
    # counter-mix checks.
    refused(
        session,
        "BEGIN UNLOGGED BATCH USING TIMESTAMP 1 UPDATE cnt SET n = n + 1 WHERE k = 1 APPLY BATCH",
        "Cannot provide custom timestamp for a BATCH containing counters",
    )
    refused(
        session,
        "BEGIN BATCH USING TIMESTAMP 1 UPDATE cnt SET n = n + 1 WHERE k = 1; "
        "INSERT INTO kv (k, v) VALUES (1, 1) APPLY BATCH",
        "Cannot provide custom timestamp for a BATCH containing counters",
    )
    assert session.execute("SELECT * FROM cnt").one() is None
    session.execute("BEGIN BATCH USING TIMESTAMP 5 INSERT INTO kv (k, v) VALUES (1, 1) APPLY BATCH")
    assert session.execute("SELECT writetime(v) AS w FROM kv WHERE k = 1").one().w == 5


def test_counter_and_regular_statements_mixed(session, tables):
    refused(
        session,
        "BEGIN BATCH UPDATE cnt SET n = n + 1 WHERE k = 1; INSERT INTO kv (k, v) VALUES (1, 1) APPLY BATCH",
        "Counter and non-counter mutations cannot exist in the same batch",
    )
    refused(
        session,
        "BEGIN BATCH UPDATE cnt SET n = n + 1 WHERE k = 1 APPLY BATCH",
        "Cannot include a counter statement in a logged batch",
    )
    refused(
        session,
        "BEGIN COUNTER BATCH UPDATE cnt SET n = n + 1 WHERE k = 1; INSERT INTO kv (k, v) VALUES (1, 1) APPLY BATCH",
        "Cannot include non-counter statement in a counter batch",
    )
    assert session.execute("SELECT * FROM cnt").one() is None
    assert session.execute("SELECT * FROM kv").one() is None


def test_prepare_validates_the_batch(session, tables):
    # BatchStatement.Parsed.prepare runs validate(): PREPARE refuses what execution would.
    for cql, message in [
        (
            "BEGIN BATCH USING TTL 10 INSERT INTO kv (k, v) VALUES (?, 1) APPLY BATCH",
            "Global TTL on the BATCH statement is not supported.",
        ),
        (
            "BEGIN BATCH USING TIMESTAMP 1 INSERT INTO kv (k, v) VALUES (?, 1) IF NOT EXISTS APPLY BATCH",
            "Cannot provide custom timestamp for conditional BATCH",
        ),
        (
            "BEGIN UNLOGGED BATCH USING TIMESTAMP 1 UPDATE cnt SET n = n + 1 WHERE k = ? APPLY BATCH",
            "Cannot provide custom timestamp for a BATCH containing counters",
        ),
        (
            "BEGIN BATCH UPDATE cnt SET n = n + 1 WHERE k = ? APPLY BATCH",
            "Cannot include a counter statement in a logged batch",
        ),
        (
            "BEGIN BATCH INSERT INTO kv (k, v) VALUES (?, 1) IF NOT EXISTS; "
            "UPDATE cnt SET n = n + 1 WHERE k = 1 APPLY BATCH",
            "Counter and non-counter mutations cannot exist in the same batch",
        ),
    ]:
        with pytest.raises(InvalidRequest) as err:
            session.prepare(cql)
        assert message in str(err.value), cql

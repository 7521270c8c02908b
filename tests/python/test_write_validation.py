"""Write-time checks Cassandra 4.0 makes on attributes and literals (Attributes.java,
ExpirationDateOverflowHandling, AsciiType.fromString)."""

import time

import pytest
from cassandra import InvalidRequest


def test_ttl_past_2038_is_refused(session, ks):
    session.execute("CREATE TABLE ttl (k int PRIMARY KEY, v int)")
    # The local expiration time is a 32-bit count of seconds: a TTL reaching past
    # 2038-01-19T03:14:07Z overflows it and the default policy (REJECT) refuses the write.
    too_far = 2**31 - int(time.time()) + 3600
    assert too_far < 630720000
    with pytest.raises(InvalidRequest) as err:
        session.execute(f"INSERT INTO ttl (k, v) VALUES (1, 1) USING TTL {too_far}")
    assert (
        f"Request on table {ks}.ttl with ttl of {too_far} seconds exceeds maximum supported expiration "
        "date of 2038-01-19T03:14:06+00:00. In order to avoid this use a lower TTL, change the expiration "
        "date overflow policy or upgrade to a version where this limitation is fixed. "
        "See CASSANDRA-14092 for more details."
    ) in str(err.value)
    assert session.execute("SELECT * FROM ttl").one() is None
    session.execute("INSERT INTO ttl (k, v) VALUES (1, 1) USING TTL 86400")
    assert session.execute("SELECT v FROM ttl WHERE k = 1").one().v == 1


def test_non_ascii_text_in_an_ascii_literal(session, ks):
    session.execute("CREATE TABLE asciis (k int PRIMARY KEY, v ascii)")
    with pytest.raises(InvalidRequest) as err:
        session.execute("INSERT INTO asciis (k, v) VALUES (1, 'caf\u00e9')")
    assert (
        "Invalid ASCII character in string literal: java.nio.charset.UnmappableCharacterException: Input length = 1"
        in str(err.value)
    )
    session.execute("INSERT INTO asciis (k, v) VALUES (1, 'cafe')")
    assert session.execute("SELECT v FROM asciis WHERE k = 1").one().v == "cafe"

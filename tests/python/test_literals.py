"""CQL literals and values as Cassandra 4.0 reads and stores them: the write timestamp's range
(UpdateParameters), hex blobs (BytesType.fromString), the date range (SimpleDateSerializer),
float literals too large for a double (Constants.Literal), IPv4-mapped inet addresses
(InetAddressType), empty fields of non-frozen UDTs, bound tuples/UDTs kept as sent while bound
collections are re-serialized (UserTypes/Sets.Value.fromSerialized), and very large
collection literals."""

import ipaddress
import json

import pytest
from cassandra.protocol import SyntaxException

from conftest import refused

LONG_MIN = -(2**63)
OUT_OF_BOUND_TIMESTAMP = "Out of bound timestamp, must be in [-9223372036854775807, 9223372036854775807]"


def test_using_timestamp_long_min_is_refused(session, ks):
    session.execute("CREATE TABLE ts (k int PRIMARY KEY, v int)")
    message = OUT_OF_BOUND_TIMESTAMP
    refused(session, f"INSERT INTO ts (k, v) VALUES (1, 1) USING TIMESTAMP {LONG_MIN}", message)
    refused(session, f"UPDATE ts USING TIMESTAMP {LONG_MIN} SET v = 2 WHERE k = 1", message)
    prepared = session.prepare("INSERT INTO ts (k, v) VALUES (?, ?) USING TIMESTAMP ?")
    refused(session, prepared, message, params=(1, 1, LONG_MIN))
    assert session.execute("SELECT * FROM ts").one() is None
    # One above is the smallest timestamp a write may carry.
    session.execute(f"INSERT INTO ts (k, v) VALUES (1, 1) USING TIMESTAMP {LONG_MIN + 1}")
    row = session.execute("SELECT v, writetime(v) AS w FROM ts WHERE k = 1").one()
    assert (row.v, row.w) == (1, LONG_MIN + 1)


def test_odd_length_hex_literal_is_refused(session, ks):
    session.execute("CREATE TABLE blobs (k int PRIMARY KEY, b blob, i int)")
    refused(
        session,
        "INSERT INTO blobs (k, b) VALUES (1, 0x123)",
        "cannot parse '123' as hex bytes",
    )
    # The kind check comes first, and shows the literal as written.
    refused(
        session,
        "INSERT INTO blobs (k, i) VALUES (1, 0x123)",
        'Invalid HEX constant (0x123) for "i" of type int',
    )
    assert session.execute("SELECT * FROM blobs").one() is None
    session.execute("INSERT INTO blobs (k, b) VALUES (1, 0x0123)")
    session.execute("INSERT INTO blobs (k, b) VALUES (2, 0x)")
    assert session.execute("SELECT b FROM blobs WHERE k = 1").one().b == b"\x01\x23"
    assert session.execute("SELECT b FROM blobs WHERE k = 2").one().b == b""


def test_date_literal_range(session, ks):
    session.execute("CREATE TABLE dates (k int PRIMARY KEY, d date)")
    # Day -2^31 and day 2^31 - 1 (ISO_LOCAL_DATE wants a sign on years past four digits).
    session.execute("INSERT INTO dates (k, d) VALUES (1, '-5877641-06-23')")
    session.execute("INSERT INTO dates (k, d) VALUES (2, '+5881580-07-11')")
    assert session.execute("SELECT d FROM dates WHERE k = 1").one().d.days_from_epoch == -(2**31)
    assert session.execute("SELECT d FROM dates WHERE k = 2").one().d.days_from_epoch == 2**31 - 1
    refused(
        session,
        "INSERT INTO dates (k, d) VALUES (3, '-5877641-06-22')",
        "Input date -5877641-06-22 is less than min supported date -5877641-06-23T00:00Z",
    )
    refused(
        session,
        "INSERT INTO dates (k, d) VALUES (3, '+5881580-07-12')",
        "Input date +5881580-07-12 is greater than max supported date +5881580-07-11T00:00Z",
    )
    refused(
        session,
        "INSERT INTO dates (k, d) VALUES (3, '5881580-07-11')",
        "Unable to coerce '5881580-07-11' to a formatted date (long)",
    )
    assert session.execute("SELECT * FROM dates WHERE k = 3").one() is None


def test_dates_outside_four_digit_years_as_text(session, ks):
    # toJson and a cast to text print dates as ISO_LOCAL_DATE does: four digits at least,
    # a sign beyond them.
    session.execute("CREATE TABLE far_dates (k int PRIMARY KEY, d date)")
    cases = {
        1: "-5877641-06-23",
        2: "+5881580-07-11",
        3: "+10000-01-01",
        4: "-0001-12-31",
        5: "0000-01-01",
        6: "2020-02-29",
    }
    for k, text in cases.items():
        session.execute(f"INSERT INTO far_dates (k, d) VALUES ({k}, '{text}')")
    for k, text in cases.items():
        row = session.execute(f"SELECT toJson(d), CAST(d AS text) FROM far_dates WHERE k = {k}").one()
        assert tuple(row) == (f'"{text}"', text)


@pytest.mark.parametrize("column", ["x", "f"])
def test_float_literal_beyond_double_fails_parsing(session, ks, column):
    session.execute("CREATE TABLE IF NOT EXISTS floats (k int PRIMARY KEY, x double, f float)")
    for literal in ("1e400", "-1e400"):
        statement = f"INSERT INTO floats (k, {column}) VALUES (1, {literal})"
        # The JDK's NumberFormatException message follows (Java 11: "Character I is ...").
        message = f"Failed parsing statement: [{statement}] reason: NumberFormatException"
        refused(session, statement, message, kind=SyntaxException)
    assert session.execute("SELECT * FROM floats").one() is None
    # Within a double's range a float column rounds to infinity, a double column keeps it.
    session.execute(f"INSERT INTO floats (k, {column}) VALUES (1, 1e300)")
    value = getattr(session.execute(f"SELECT {column} FROM floats WHERE k = 1").one(), column)
    assert value == (float("inf") if column == "f" else 1e300)


def test_ipv4_mapped_inet_literal_is_stored_as_ipv4(session, ks):
    session.execute("CREATE TABLE inets (k int PRIMARY KEY, i inet)")
    session.execute("INSERT INTO inets (k, i) VALUES (1, '::ffff:1.2.3.4')")
    assert session.execute("SELECT i FROM inets WHERE k = 1").one().i == "1.2.3.4"
    # Only a mapped address becomes IPv4; an IPv4-compatible one stays IPv6.
    session.execute("INSERT INTO inets (k, i) VALUES (2, '::1.2.3.4')")
    i = session.execute("SELECT i FROM inets WHERE k = 2").one().i
    assert ipaddress.ip_address(i) == ipaddress.IPv6Address("::1.2.3.4")
    # A bound value is kept as sent: the driver sends the mapped address as 16 bytes.
    prepared = session.prepare("INSERT INTO inets (k, i) VALUES (?, ?)")
    session.execute(prepared, (3, "::ffff:1.2.3.4"))
    i = session.execute("SELECT i FROM inets WHERE k = 3").one().i
    assert ipaddress.ip_address(i) == ipaddress.IPv6Address("::ffff:1.2.3.4")


def test_non_frozen_udt_with_only_an_empty_string(session, ks):
    session.execute("CREATE TYPE u (a text, b int)")
    session.execute("CREATE TABLE udts (k int PRIMARY KEY, v u)")
    session.execute("INSERT INTO udts (k, v) VALUES (1, {a: ''})")
    v = session.execute("SELECT v FROM udts WHERE k = 1").one().v
    assert (v.a, v.b) == ("", None)
    session.execute("UPDATE udts SET v = {a: '', b: null} WHERE k = 2")
    v = session.execute("SELECT v FROM udts WHERE k = 2").one().v
    assert (v.a, v.b) == ("", None)
    # Only nulls: no cell, so no value.
    session.execute("INSERT INTO udts (k, v) VALUES (3, {a: null})")
    assert session.execute("SELECT v FROM udts WHERE k = 3").one().v is None


def test_bound_udts_keep_their_bytes_bound_collections_are_reserialized(session, ks):
    session.execute("CREATE TYPE w (s frozen<set<int>>, i inet)")
    session.execute(
        "CREATE TABLE bound (k int PRIMARY KEY, u frozen<w>, s frozen<set<int>>, ips set<inet>)"
    )
    prepared = session.prepare("INSERT INTO bound (k, u, s, ips) VALUES (?, ?, ?, ?)")
    # The driver serializes a list for a set in the order given, duplicates included.
    session.execute(prepared, (1, ([3, 1, 3, 2], "::ffff:1.2.3.4"), [3, 1, 3, 2], ["::ffff:1.2.3.4"]))
    row = session.execute("SELECT u, toJson(u) AS uj, toJson(s) AS s, ips FROM bound WHERE k = 1").one()
    # Inside the UDT the set and the 16-byte address are stored exactly as sent (toJson shows
    # the set's stored order; the driver shows the address's 16 bytes)...
    assert json.loads(row.uj)["s"] == [3, 1, 3, 2]
    assert ipaddress.ip_address(row.u.i) == ipaddress.IPv6Address("::ffff:1.2.3.4")
    # ...while a bound set is read into a sorted set and written again, and its inet
    # elements come back as the Inet4Address Java makes of a mapped address.
    assert json.loads(row.s) == [1, 2, 3]
    assert sorted(row.ips) == ["1.2.3.4"]
    # A UDT literal is built from its parts, so its set is sorted and its address is IPv4.
    session.execute("INSERT INTO bound (k, u) VALUES (2, {s: {3, 1, 3, 2}, i: '::ffff:1.2.3.4'})")
    row = session.execute("SELECT u, toJson(u) AS uj FROM bound WHERE k = 2").one()
    assert json.loads(row.uj)["s"] == [1, 2, 3]
    assert row.u.i == "1.2.3.4"


def test_bound_tuples_keep_their_nested_sets_as_sent(session, ks):
    session.execute("CREATE TABLE tuples (k int PRIMARY KEY, t frozen<tuple<int, frozen<set<int>>>>)")
    prepared = session.prepare("INSERT INTO tuples (k, t) VALUES (?, ?)")
    session.execute(prepared, (1, (7, [3, 1, 2])))
    session.execute("INSERT INTO tuples (k, t) VALUES (2, (7, {3, 1, 2}))")
    rows = {r.k: json.loads(r.t) for r in session.execute("SELECT k, toJson(t) AS t FROM tuples")}
    assert rows == {1: [7, [3, 1, 2]], 2: [7, [1, 2, 3]]}


def test_a_65535_entry_map_literal(session, ks):
    session.execute("CREATE TABLE bigmap (k int PRIMARY KEY, m map<int, int>)")
    n = 65_535
    entries = ", ".join(f"{i}: {n - i}" for i in range(n))
    session.execute(f"INSERT INTO bigmap (k, m) VALUES (1, {{{entries}}})", timeout=120)
    m = session.execute("SELECT m FROM bigmap WHERE k = 1", timeout=120).one().m
    assert len(m) == n
    assert m[0] == n and m[n - 1] == 1


def test_hex_literals_keep_their_text_as_written(session, ks):
    # Constants.Literal keeps a hex constant's text: messages and selection column names show
    # the digits (and the prefix) in the case they were typed.
    session.execute("CREATE TABLE hexcase (k int PRIMARY KEY, b blob, i int)")
    refused(
        session,
        "INSERT INTO hexcase (k, i) VALUES (1, 0xCAfe)",
        'Invalid HEX constant (0xCAfe) for "i" of type int',
    )
    refused(
        session,
        "INSERT INTO hexcase (k, i) VALUES (1, 0XaB)",
        'Invalid HEX constant (0XaB) for "i" of type int',
    )
    # The value stored does not depend on the case.
    session.execute("INSERT INTO hexcase (k, b) VALUES (1, 0xCAfe00FF)")
    assert session.execute("SELECT b FROM hexcase WHERE k = 1").one().b == b"\xca\xfe\x00\xff"
    rs = session.execute("SELECT blobAsInt(0xCAfe00ff) FROM hexcase WHERE k = 1")
    assert rs.column_names == ["system.blobasint(0xCAfe00ff)"]
    assert rs.one()[0] == -889323265


def test_ttl_is_checked_before_the_timestamp_bound(session, ks):
    # ModificationStatement.makeUpdateParameters evaluates the timestamp, then the TTL, and
    # only then does UpdateParameters refuse Long.MIN_VALUE: the TTL's error wins.
    session.execute("CREATE TABLE ttlts (k int PRIMARY KEY, v int)")
    ttl_message = "A TTL must be greater or equal to 0, but was -1"
    refused(
        session,
        f"INSERT INTO ttlts (k, v) VALUES (1, 1) USING TTL -1 AND TIMESTAMP {LONG_MIN}",
        ttl_message,
    )
    refused(
        session,
        f"UPDATE ttlts USING TIMESTAMP {LONG_MIN} AND TTL -1 SET v = 2 WHERE k = 1",
        ttl_message,
    )
    refused(
        session,
        f"UPDATE ttlts USING TTL 630720001 AND TIMESTAMP {LONG_MIN} SET v = 2 WHERE k = 1",
        "ttl is too large. requested (630720001) maximum (630720000)",
    )
    prepared = session.prepare("INSERT INTO ttlts (k, v) VALUES (?, ?) USING TTL ? AND TIMESTAMP ?")
    refused(session, prepared, ttl_message, params=(1, 1, -1, LONG_MIN))
    # A null timestamp is refused while it is read, before the TTL is looked at.
    refused(session, prepared, "Invalid null value of timestamp", params=(1, 1, -1, None))
    # A valid TTL leaves the timestamp's own error.
    refused(session, prepared, OUT_OF_BOUND_TIMESTAMP, params=(1, 1, 10, LONG_MIN))
    assert session.execute("SELECT * FROM ttlts").one() is None


def test_json_blob_with_a_signed_hex_digit_is_refused(session, ks):
    # Hex.hexToBytes reads digit by digit: "+f" is no hex byte, in JSON as in a literal.
    session.execute("CREATE TABLE jb (k int PRIMARY KEY, b blob)")
    refused(session, """INSERT INTO jb JSON '{"k": 1, "b": "0x+f"}'""", "Error decoding JSON value for b")
    assert session.execute("SELECT * FROM jb WHERE k = 1").one() is None
    session.execute("""INSERT INTO jb JSON '{"k": 1, "b": "0x0f"}'""")
    assert session.execute("SELECT b FROM jb WHERE k = 1").one().b == b"\x0f"

"""Every CQL type written and read back through the official driver, prepared and literal.

Edge values follow issue 4's list. Literal statements use the driver's own client-side CQL
formatting, so they exercise the server's literal parsing and type coercion as well.
"""

import datetime
import math
import struct
import uuid
from collections import namedtuple
from decimal import Decimal

import pytest
from cassandra import InvalidRequest
from cassandra.protocol import SyntaxException
from cassandra.util import Date, Duration, Time

MiB_BLOB = bytes(range(256)) * 4096

# (name, cql type, values, literal-encodable by the driver's formatter)
CASES = [
    ("ascii", "ascii", ["", "hello", "x" * 10000], True),
    ("bigint", "bigint", [0, -(2**63), 2**63 - 1], True),
    ("blob", "blob", [b"", b"\x00\xff\x10", MiB_BLOB], True),
    ("boolean", "boolean", [True, False], True),
    ("date", "date", [datetime.date(1970, 1, 1), datetime.date(2024, 2, 29), Date(datetime.date(1, 1, 1)),
                      Date(-1_000_000), Date(2**31 - 1), Date(-(2**31))], True),
    ("decimal", "decimal", [Decimal("0"), Decimal("1.5E+10"), Decimal("-1.5E+10"), Decimal("1E-100"),
                            Decimal("123456789012345678901234567890.123456789"), Decimal("-0.001"),
                            Decimal("1E+1000")], False),  # the driver formats Decimal literals via float()
    ("double", "double", [0.0, 1.7976931348623157e308, 5e-324, -2.5, math.inf, -math.inf, math.nan], True),
    ("float", "float", [1.5, 3.4028234663852886e38, 1.401298464324817e-45, -math.inf, math.inf, math.nan], True),
    ("duration", "duration", [Duration(1, 2, 3), Duration(-1, -2, -3_000_000_000), Duration(0, 0, 0),
                              Duration(2**31 - 1, 0, 2**63 - 1)], False),
    ("inet", "inet", ["127.0.0.1", "::1", "2001:db8::ff00:42:8329"], True),
    ("int", "int", [0, -(2**31), 2**31 - 1], True),
    ("smallint", "smallint", [-32768, 32767], True),
    ("tinyint", "tinyint", [-128, 127], True),
    ("text", "text", ["", "héllo wörld ✓ 𝄞 \u0000 ' \" $$", "y" * 100_000], True),
    ("time", "time", [Time(0), Time(86_399_999_999_999), Time("12:34:56.789")], True),
    ("timestamp", "timestamp", [datetime.datetime(1970, 1, 1), datetime.datetime(1900, 1, 1, 0, 0, 0, 1000),
                                datetime.datetime(2024, 5, 6, 7, 8, 9, 123000),
                                datetime.datetime(9999, 12, 31, 23, 59, 59, 999000)], True),
    ("timeuuid", "timeuuid", [uuid.UUID("e7a5d9b0-8b2c-11ee-b9d1-0242ac120002")], True),
    ("uuid", "uuid", [uuid.UUID("00000000-0000-0000-0000-000000000000"),
                      uuid.UUID("8b7a3e52-4f8e-4b5f-9d3a-1f2e3d4c5b6a")], True),
    ("varint", "varint", [0, -1, 2**64, 10**200, -(10**200) - 7], True),
    ("list_int", "list<int>", [[1, 2, 3], [-5]], True),
    ("set_text", "set<text>", [{"a", "b", "é"}], True),
    ("map_text_int", "map<text, int>", [{"a": 1, "b": -2}], True),
    ("tuple", "tuple<int, text, boolean>", [(1, "a", True), (None, "x", None)], False),
    ("nested", "frozen<list<frozen<map<text, int>>>>", [[{"a": 1}, {}], []], True),
    ("set_of_lists", "frozen<set<frozen<list<int>>>>", [{(1, 2), (3,)}], False),
    ("vector", "vector<float, 3>", [[1.0, 2.5, -3.0]], False),
]


def days(d):
    """Days since the epoch of a datetime.date or the driver's Date."""
    return d.days_from_epoch if isinstance(d, Date) else Date(d).days_from_epoch


def same(a, b, cql_type):
    """Equality with the representation rules of the driver (NaN, float32, sets, dates)."""
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        if cql_type == "float":
            return struct.pack(">f", a) == struct.pack(">f", b)
        return a == b
    if cql_type == "date":
        return days(a) == days(b)
    if cql_type == "timestamp":
        # CQL timestamps are milliseconds; the driver decodes them through a float, which
        # loses microseconds far from 1970 (9999-12-31 reads back as ...59.998993).
        return abs((a - b).total_seconds()) < 0.0005
    if cql_type.startswith("vector"):
        return len(a) == len(b) and all(same(x, y, "float") for x, y in zip(a, b))
    if cql_type.startswith("frozen<set<frozen<list"):
        return {tuple(x) for x in a} == {tuple(x) for x in b}
    if isinstance(a, set) or isinstance(b, set):
        return set(a) == set(b)
    return a == b


def expected_read(value, cql_type):
    """What Cassandra returns for a written value: empty non-frozen collections read as null."""
    if cql_type.split("<")[0] in ("list", "set", "map") and len(value) == 0:
        return None
    return value


def create_value_table(session, table, cql_type):
    """CREATE TABLE with a `v` column of the type; vector needs Cassandra 5.0, so a server
    that does not know it (a real 4.0 node) skips that case instead of failing it."""
    try:
        session.execute(f"CREATE TABLE {table} (k int PRIMARY KEY, v {cql_type})")
    except (InvalidRequest, SyntaxException) as err:
        if cql_type.startswith("vector"):
            pytest.skip(f"server has no vector type (Cassandra 5.0+): {err}")
        raise


@pytest.mark.parametrize("name,cql_type,values,literal", CASES, ids=[c[0] for c in CASES])
def test_prepared_round_trip(session, ks, name, cql_type, values, literal):
    create_value_table(session, f"t_{name}", cql_type)
    ins = session.prepare(f"INSERT INTO t_{name} (k, v) VALUES (?, ?)")
    sel = session.prepare(f"SELECT v FROM t_{name} WHERE k = ?")
    for i, value in enumerate(values):
        session.execute(ins, (i, value))
    for i, value in enumerate(values):
        got = session.execute(sel, (i,)).one().v
        want = expected_read(value, cql_type)
        assert (got is None and want is None) or same(got, want, cql_type), (
            f"{cql_type}: wrote {value!r}, read {got!r}"
        )


@pytest.mark.parametrize("name,cql_type,values,literal", [c for c in CASES if c[3]], ids=[c[0] for c in CASES if c[3]])
def test_literal_round_trip(session, ks, name, cql_type, values, literal):
    create_value_table(session, f"l_{name}", cql_type)
    for i, value in enumerate(values):
        session.execute(f"INSERT INTO l_{name} (k, v) VALUES (%s, %s)", (i, value))
    rows = {r.k: r.v for r in session.execute(f"SELECT k, v FROM l_{name}")}
    assert sorted(rows) == list(range(len(values)))
    for i, value in enumerate(values):
        want = expected_read(value, cql_type)
        got = rows[i]
        assert (got is None and want is None) or same(got, want, cql_type), (
            f"{cql_type}: wrote literal {value!r}, read {got!r}"
        )


def test_null_and_unset_are_distinct(session, ks):
    from cassandra.query import UNSET_VALUE

    session.execute("CREATE TABLE nu (k int PRIMARY KEY, a text, b text)")
    ins = session.prepare("INSERT INTO nu (k, a, b) VALUES (?, ?, ?)")
    session.execute(ins, (1, "a1", "b1"))
    session.execute(ins, (1, None, UNSET_VALUE))
    row = session.execute("SELECT a, b FROM nu WHERE k = 1").one()
    assert row.a is None, "a bound null deletes the cell"
    assert row.b == "b1", "an unset value leaves the cell untouched"


def test_udts_frozen_and_not(session, ks):
    session.execute("CREATE TYPE address (street text, zip int)")
    session.execute("CREATE TYPE person (name text, home frozen<address>, tags set<text>, scores map<text, int>)")
    session.execute(
        "CREATE TABLE people (k int PRIMARY KEY, p frozen<person>, a address, m map<uuid, frozen<address>>)"
    )
    Address = namedtuple("address", ["street", "zip"])
    Person = namedtuple("person", ["name", "home", "tags", "scores"])
    u = uuid.UUID("8b7a3e52-4f8e-4b5f-9d3a-1f2e3d4c5b6a")
    p = Person("Ada", Address("1 Main St", 12345), {"x", "y"}, {"math": 10})
    ins = session.prepare("INSERT INTO people (k, p, a, m) VALUES (?, ?, ?, ?)")
    session.execute(ins, (1, p, Address(None, 7), {u: Address("Elm", None)}))
    session.execute(ins, (2, None, Address(None, None), None))
    r1 = session.execute("SELECT p, a, m FROM people WHERE k = 1").one()
    assert r1.p.name == "Ada" and r1.p.home.street == "1 Main St" and r1.p.home.zip == 12345
    assert set(r1.p.tags) == {"x", "y"} and dict(r1.p.scores) == {"math": 10}
    assert r1.a.street is None and r1.a.zip == 7
    assert r1.m[u].street == "Elm" and r1.m[u].zip is None
    r2 = session.execute("SELECT p, a, m FROM people WHERE k = 2").one()
    # A non-frozen UDT with every field null reads back as null.
    assert r2.p is None and r2.a is None and r2.m is None
    # Field update on a non-frozen UDT.
    session.execute("UPDATE people SET a.street = 'Oak' WHERE k = 1")
    r1 = session.execute("SELECT a FROM people WHERE k = 1").one()
    assert r1.a.street == "Oak" and r1.a.zip == 7
    # Literal UDT syntax.
    session.execute("INSERT INTO people (k, a) VALUES (3, {street: 'Pine', zip: 99})")
    r3 = session.execute("SELECT a.zip AS z, a FROM people WHERE k = 3").one()
    assert r3.z == 99 and r3.a.street == "Pine"


def test_zero_length_values_of_fixed_width_types(session, ks):
    session.execute("CREATE TABLE zl (k int PRIMARY KEY, i int, b bigint, t text)")
    session.execute("INSERT INTO zl (k, i, b, t) VALUES (1, blobAsInt(0x), blobAsBigint(0x), '')")
    row = session.execute("SELECT i, b, t, blobAsText(textAsBlob(t)) AS t2 FROM zl WHERE k = 1").one()
    # The driver decodes zero-length fixed-width values as None, and '' stays ''.
    assert row.i is None and row.b is None and row.t == "" and row.t2 == ""

"""Selectors as Cassandra 4.0 plans them (`Selectable`, `OperationFcts`, `CastFcts`,
`AggregateFcts`, `TimeFcts`): arithmetic and its result types, collection elements and
slices, terms that need a type, casts and aggregates only where declared, function column
names, and compensated double sums."""

import datetime
from decimal import Decimal

import pytest
from cassandra import FunctionFailure, InvalidRequest
from cassandra.util import unix_time_from_uuid1

from conftest import error_of


@pytest.fixture
def nums(session, ks):
    session.execute(
        "CREATE TABLE nums (k int PRIMARY KEY, a tinyint, b smallint, c int, d bigint, e float, "
        "f double, g varint, h decimal, t text, m map<text, int>, s set<int>, l list<int>)"
    )
    session.execute(
        "INSERT INTO nums (k, a, b, c, d, e, f, g, h, t, m, s, l) VALUES "
        "(1, 1, 2, 3, 4, 5.5, 6.5, 7, 8.5, 'x', {'a': 1, 'b': 2, 'c': 3}, {1, 2, 3}, [1, 2])"
    )
    return session


def test_arithmetic_result_types_and_names(nums):
    rs = nums.execute(
        "SELECT a + 1, b + 1, c + 1, d + 1, e + 1, f + 1, g + 1, h + 1, -c, c * 2.5, d + e, c % 2 "
        "FROM nums WHERE k = 1"
    )
    assert rs.column_names == [
        "a + 1", "b + 1", "c + 1", "d + 1", "e + 1", "f + 1", "g + 1", "h + 1", "-c", "c * 2.5", "d + e", "c % 2"
    ]
    # A literal integer is an int: tinyint + int is an int (OperationFcts.returnType).
    assert [t.typename for t in rs.column_types] == [
        "int", "int", "int", "bigint", "float", "double", "varint", "decimal", "int", "double", "double", "int"
    ]
    assert tuple(rs.one()) == (2, 3, 4, 5, 6.5, 7.5, 8, Decimal("9.5"), -3, 7.5, 9.5, 1)


def test_integer_division_by_zero_is_a_function_failure(nums):
    message = error_of(nums, "SELECT c / 0 FROM nums WHERE k = 1", FunctionFailure)
    assert "the operation 'int / int' failed: / by zero" in message
    assert nums.execute("SELECT f / 0 FROM nums WHERE k = 1").one()[0] == float("inf")


@pytest.fixture
def times(session, ks):
    session.execute("CREATE TABLE times (k int PRIMARY KEY, ts timestamp, d date)")
    session.execute("INSERT INTO times (k, ts, d) VALUES (1, '2020-01-31 10:00:00+0000', '2020-01-31')")
    session.execute("INSERT INTO times (k) VALUES (2)")
    return session


def test_timestamp_and_date_plus_or_minus_a_duration(times):
    rs = times.execute("SELECT ts + 1h, ts - 1d, ts + 1mo, ts - 1y2mo, d + 1mo, d - 2d, d + 1y FROM times WHERE k = 1")
    assert rs.column_names == ["ts + 1h", "ts - 1d", "ts + 1mo", "ts - 1y2mo", "d + 1mo", "d - 2d", "d + 1y"]
    assert [t.typename for t in rs.column_types] == ["timestamp"] * 4 + ["date"] * 3
    row = rs.one()
    # A month added to January 31st lands on the last day of February (a leap year here).
    assert list(row[:4]) == [
        datetime.datetime(2020, 1, 31, 11),
        datetime.datetime(2020, 1, 30, 10),
        datetime.datetime(2020, 2, 29, 10),
        datetime.datetime(2018, 11, 30, 10),
    ]
    assert [d.date() for d in row[4:]] == [
        datetime.date(2020, 2, 29),
        datetime.date(2020, 1, 29),
        datetime.date(2021, 1, 31),
    ]
    # Null operands give null.
    assert tuple(times.execute("SELECT ts + 1h, d - 1d FROM times WHERE k = 2").one()) == (None, None)


def test_temporal_operations_check_the_precision_of_the_duration(times):
    message = error_of(times, "SELECT d + 1h FROM times WHERE k = 1", FunctionFailure)
    assert "the operation 'date + duration' failed: The duration must have a day precision. Was: 1h" in message
    message = error_of(times, "SELECT ts - 1us FROM times WHERE k = 1", FunctionFailure)
    assert "the operation 'timestamp - duration' failed: The duration must have a millisecond precision. Was: 1us" in message


def test_temporal_operations_only_as_declared(times):
    # Only temporal + duration and temporal - duration exist: not the other way round, not * / %.
    message = error_of(times, "SELECT 1h + ts FROM times WHERE k = 1")
    assert "the '+' operation is not supported between 1h and ts" in message
    message = error_of(times, "SELECT ts * 1h FROM times WHERE k = 1")
    assert "the '*' operation is not supported between ts and 1h" in message
    # An integer literal may be assigned to a duration (Constants.Type.INTEGER), so `ts + 1`
    # resolves to timestamp + duration and then fails to read 1 as a duration.
    message = error_of(times, "SELECT ts + 1 FROM times WHERE k = 1")
    assert "Unable to convert '1' to a duration" in message
    message = error_of(times, "SELECT ts + d FROM times WHERE k = 1")
    assert "the '+' operation is not supported between ts and d" in message


def test_collection_elements_and_slices(nums):
    rs = nums.execute("SELECT m['b'], m['a'..'b'], m['b'..], s[2], s[..2], m['z'] FROM nums WHERE k = 1")
    assert rs.column_names == ["m['b']", "m['a'..'b']", "m['b'..]", "s[2]", "s[..2]", "m['z']"]
    row = rs.one()
    assert row[0] == 2
    assert dict(row[1]) == {"a": 1, "b": 2}
    assert dict(row[2]) == {"b": 2, "c": 3}
    assert row[3] == 2
    assert sorted(row[4]) == [1, 2]
    assert row[5] is None
    prepared = nums.prepare("SELECT m[?], m[?..?] FROM nums WHERE k = ?")
    assert [c.name for c in prepared.column_metadata] == ["key(m)", "key(m)", "key(m)", "k"]
    row = nums.execute(prepared, ("c", "b", "c", 1)).one()
    assert row[0] == 3 and dict(row[1]) == {"b": 2, "c": 3}
    assert "Element selection is only allowed on sets and maps, but l is a list" in error_of(
        nums, "SELECT l[0] FROM nums WHERE k = 1"
    )


def test_terms_need_a_type(nums):
    for term in ("1", "'x'"):
        assert (
            f"Cannot infer type for term {term} in selection clause (try using a cast to force a type)"
            in error_of(nums, f"SELECT {term} FROM nums WHERE k = 1")
        )
    with pytest.raises(InvalidRequest) as err:
        nums.prepare("SELECT ? FROM nums")
    assert "Cannot infer type for term ? in selection clause" in str(err.value)


def test_casts_only_between_declared_types(nums):
    rs = nums.execute("SELECT CAST(c AS text), CAST(f AS int), CAST(c AS int) FROM nums WHERE k = 1")
    # A cast to the selector's own type is dropped, name included (Selectable.WithCast).
    assert rs.column_names == ["cast(c as text)", "cast(f as int)", "c"]
    assert tuple(rs.one()) == ("3", 6, 3)
    assert "c cannot be cast to boolean" in error_of(nums, "SELECT CAST(c AS boolean) FROM nums WHERE k = 1")
    assert (
        "Invalid call to function system.castAsInt, none of its type signatures match "
        "(known type signatures: system.castAsInt : (tinyint) -> int"
    ) in error_of(nums, "SELECT CAST(t AS int) FROM nums WHERE k = 1")


def test_aggregates_only_over_declared_types(nums):
    assert (
        "Invalid call to function sum, none of its type signatures match "
        "(known type signatures: system.sum : (tinyint) -> tinyint, system.sum : (smallint) -> smallint"
    ) in error_of(nums, "SELECT sum(t) FROM nums")
    assert "Invalid call to function avg, none of its type signatures match" in error_of(
        nums, "SELECT avg(t) FROM nums"
    )


def test_functions_of_literals_are_evaluated_and_named(nums):
    at = "'2013-01-01 00:05+0000'"
    rs = nums.execute(
        f"SELECT mintimeuuid({at}), totimestamp(mintimeuuid({at})), tounixtimestamp(maxtimeuuid({at})), "
        "mintimeuuid(1000) FROM nums WHERE k = 1"
    )
    assert rs.column_names == [
        f"system.mintimeuuid({at})",
        f"system.totimestamp(system.mintimeuuid({at}))",
        f"system.tounixtimestamp(system.maxtimeuuid({at}))",
        "system.mintimeuuid(1000)",
    ]
    low, ts, unix, early = rs.one()
    assert unix_time_from_uuid1(low) == 1356998700.0
    assert ts == datetime.datetime(2013, 1, 1, 0, 5)
    assert unix == 1356998700000
    assert unix_time_from_uuid1(early) == 1.0


def test_double_sum_and_avg_use_compensated_summation(session, ks):
    session.execute("CREATE TABLE ds (k int, c int, v double, PRIMARY KEY (k, c))")
    for i, v in enumerate([0.1, 0.2, 0.3, 0.1, 0.2, 0.3, 0.2]):
        session.execute("INSERT INTO ds (k, c, v) VALUES (1, %s, %s)", (i, v))
    row = session.execute("SELECT sum(v), avg(v) FROM ds WHERE k = 1").one()
    # Kahan summation (AggregateFcts.FloatSumAggregate): a naive sum would give 1.4000000000000001.
    assert row[0] == 1.4
    assert row[1] == 0.19999999999999998

"""Request bodies decoded as Cassandra 4.0 decodes them, over raw v4 frames and v5 segments.

4.0's `QueryOptions.Codec` (shared by QUERY, EXECUTE and BATCH) reads the consistency with
`CBUtil.readConsistencyLevel` → `ConsistencyLevel.fromCode`, which throws
`ProtocolException("Unknown code %d for a consistency level")`, and refuses a default timestamp
of `Long.MIN_VALUE` ("Out of bound timestamp, must be in [%d, %d] (got %d)"). `BatchMessage`
reads its options with that same codec and checks the batch type last. A ProtocolException
thrown while decoding a body is answered as an ERROR (0x000A) on the request's stream, and the
connection stays open: in v4 `PreV5Handlers.ProtocolDecoder` wraps it with the stream id, so
`ExceptionHandler.isFatal` is false; in v5 `CQLMessageHandler.processRequest` makes only
consecutive errors within one frame fatal.
"""

import struct
import uuid

import pytest

from conftest import make_cluster
from test_protocol_versions import (
    ERROR,
    EXECUTE,
    PREPARE,
    QUERY,
    RESULT,
    STARTUP,
    USE_BETA,
    _connect,
    _error_message,
    _frame,
    _query_body,
    _Raw,
    _read_frame,
    _read_segment_frame,
    _send_segment,
    _string_map,
)

BATCH = 0x0D
PROTOCOL_ERROR = 0x000A
LOCAL = "SELECT release_version FROM system.local"
MIN_TIMESTAMP = (
    "Out of bound timestamp, must be in [-9223372036854775807, 9223372036854775807] "
    "(got -9223372036854775808)"
)


@pytest.fixture(scope="module")
def table():
    """A table for the batches: `<keyspace>.t (k int PRIMARY KEY, v int)`."""
    cluster = make_cluster(4, "none")
    session = cluster.connect()
    name = "conf_" + uuid.uuid4().hex[:12]
    session.execute(
        f"CREATE KEYSPACE {name} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': 1}}"
    )
    session.execute(f"CREATE TABLE {name}.t (k int PRIMARY KEY, v int)")
    yield f"{name}.t"
    session.execute(f"DROP KEYSPACE IF EXISTS {name}")
    cluster.shutdown()


@pytest.fixture(params=[4, 5], ids=lambda v: f"raw-v{v}")
def raw(request):
    conn = _Raw(request.param)
    yield conn
    conn.close()


def _flags(raw, flags):
    return struct.pack(">I", flags) if raw.version >= 5 else struct.pack(">B", flags)


def _options(raw, consistency=1, flags=0, extra=b""):
    """`<consistency><flags>` in the connection's layout, then the flagged fields."""
    return struct.pack(">H", consistency) + _flags(raw, flags) + extra


def _batch_body(raw, statements, options, batch_type=1, kind=0):
    """A BATCH of query strings without values, then `options`."""
    out = struct.pack(">BH", batch_type, len(statements))
    for cql in statements:
        q = cql.encode()
        out += struct.pack(">BI", kind, len(q)) + q + struct.pack(">H", 0)
    return out + options


def _query(raw, cql, options):
    q = cql.encode()
    return struct.pack(">I", len(q)) + q + options


def _prepared_ids(raw, cql):
    """The `<id>` (and in v5 `<result_metadata_id>`) to EXECUTE `cql` with."""
    q = cql.encode()
    prepare = struct.pack(">I", len(q)) + q + (struct.pack(">I", 0) if raw.version >= 5 else b"")
    opcode, reply = raw.request(90, PREPARE, prepare)
    assert opcode == RESULT and struct.unpack(">i", reply[:4])[0] == 4
    (id_len,) = struct.unpack(">H", reply[4:6])
    end = 6 + id_len
    if raw.version >= 5:
        (md_len,) = struct.unpack(">H", reply[end : end + 2])
        end += 2 + md_len
    return reply[4:end]


def _body(raw, opcode, options, table):
    if opcode == QUERY:
        return _query(raw, LOCAL, options)
    if opcode == EXECUTE:
        return _prepared_ids(raw, LOCAL) + options
    return _batch_body(raw, [f"INSERT INTO {table} (k, v) VALUES (1, 1)"], options)


def _assert_still_answers(raw, stream=50):
    opcode, reply = raw.request(stream, QUERY, _query_body(LOCAL, v5=raw.version >= 5))
    assert opcode == RESULT, _error_message(reply) if opcode == ERROR else opcode
    assert struct.unpack(">i", reply[:4])[0] == 2


def _assert_protocol_error(reply, message):
    opcode, body = reply
    assert opcode == ERROR
    assert _error_message(body) == (PROTOCOL_ERROR, message)


# --- BATCH read as leniently as QUERY ------------------------------------------------------


def test_batch_ignores_bytes_after_the_body(raw, table):
    body = _batch_body(raw, [f"INSERT INTO {table} (k, v) VALUES (2, 20)"], _options(raw))
    opcode, reply = raw.request(1, BATCH, body + b"\x00\x01\x02\x03")
    assert opcode == RESULT, _error_message(reply) if opcode == ERROR else opcode
    assert struct.unpack(">i", reply[:4])[0] == 1  # Void
    opcode, reply = raw.request(2, QUERY, _query(raw, f"SELECT v FROM {table} WHERE k = 2", _options(raw)))
    assert opcode == RESULT and reply.endswith(struct.pack(">ii", 4, 20))


def test_batch_ignores_flag_bits_cassandra_does_not_define(table):
    raw = _Raw(5)
    try:
        # Bits 9 and 31 of v5's [int] flags mean nothing to 4.0.
        body = _batch_body(raw, [f"INSERT INTO {table} (k, v) VALUES (3, 30)"], _options(raw, flags=0x80000200))
        opcode, reply = raw.request(1, BATCH, body)
        assert opcode == RESULT, _error_message(reply) if opcode == ERROR else opcode
        assert struct.unpack(">i", reply[:4])[0] == 1
    finally:
        raw.close()


def test_batch_reads_query_flags_as_4_0_does(raw, table):
    # 4.0 reads a batch's options with QUERY's codec: a page size (0x04) is read and unused.
    body = _batch_body(
        raw,
        [f"INSERT INTO {table} (k, v) VALUES (4, 40)"],
        _options(raw, flags=0x04, extra=struct.pack(">i", 100)),
    )
    opcode, reply = raw.request(1, BATCH, body)
    assert opcode == RESULT, _error_message(reply) if opcode == ERROR else opcode
    _assert_still_answers(raw)


def test_batch_type_and_kind_are_protocol_errors(raw, table):
    insert = [f"INSERT INTO {table} (k, v) VALUES (5, 50)"]
    _assert_protocol_error(
        raw.request(1, BATCH, _batch_body(raw, insert, _options(raw), batch_type=3)),
        "Invalid BATCH message type 3",
    )
    _assert_still_answers(raw, 2)
    _assert_protocol_error(
        raw.request(3, BATCH, _batch_body(raw, insert, _options(raw), kind=2)),
        "Invalid query kind in BATCH messages. Must be 0 or 1 but got 2",
    )
    _assert_still_answers(raw, 4)


# --- Consistency codes 4.0 does not know ---------------------------------------------------


@pytest.mark.parametrize("opcode", [QUERY, EXECUTE, BATCH], ids=["query", "execute", "batch"])
def test_unknown_consistency_is_a_protocol_error(raw, table, opcode):
    body = _body(raw, opcode, _options(raw, consistency=0x0042), table)
    _assert_protocol_error(raw.request(7, opcode, body), "Unknown code 66 for a consistency level")
    _assert_still_answers(raw)


@pytest.mark.parametrize("opcode", [QUERY, EXECUTE, BATCH], ids=["query", "execute", "batch"])
def test_unknown_serial_consistency_is_a_protocol_error(raw, table, opcode):
    options = _options(raw, flags=0x10, extra=struct.pack(">H", 0x1234))
    _assert_protocol_error(
        raw.request(7, opcode, _body(raw, opcode, options, table)),
        "Unknown code 4660 for a consistency level",
    )
    _assert_still_answers(raw)


# --- A default timestamp of Long.MIN_VALUE -------------------------------------------------


@pytest.mark.parametrize("opcode", [QUERY, EXECUTE, BATCH], ids=["query", "execute", "batch"])
def test_min_timestamp_is_a_protocol_error(raw, table, opcode):
    options = _options(raw, flags=0x20, extra=struct.pack(">q", -(2**63)))
    _assert_protocol_error(raw.request(7, opcode, _body(raw, opcode, options, table)), MIN_TIMESTAMP)
    _assert_still_answers(raw)


def test_timestamp_one_above_min_is_accepted(raw, table):
    options = _options(raw, flags=0x20, extra=struct.pack(">q", -(2**63) + 1))
    body = _batch_body(raw, [f"INSERT INTO {table} (k, v) VALUES (6, 60)"], options)
    opcode, reply = raw.request(1, BATCH, body)
    assert opcode == RESULT, _error_message(reply) if opcode == ERROR else opcode


# --- A v5 frame on a v6-beta connection ----------------------------------------------------
#
# After STARTUP a v6-beta connection frames in v5 segments; `CQLMessageHandler` compares each
# envelope's version with the connection's and, on a mismatch, answers a ProtocolException on
# that envelope's stream (its message lacks a space: "previous" "messages" are concatenated),
# skips the envelope and goes on, so the connection keeps answering.


def test_v5_frame_on_a_v6_beta_connection():
    with _connect() as sock:
        sock.sendall(_frame(6, USE_BETA, 1, STARTUP, _string_map({"CQL_VERSION": "3.0.0"})))
        assert _read_frame(sock)[3] == 0x02  # READY
        query = _query_body(LOCAL)
        _send_segment(sock, _frame(5, 0, 2, QUERY, query))
        version, flags, stream, opcode, body = _read_segment_frame(sock)
        assert (version, stream, opcode) == (0x86, 2, ERROR)
        assert flags & USE_BETA
        assert _error_message(body) == (
            PROTOCOL_ERROR,
            "Invalid message version. Got 5/v5 but previousmessages on this connection had version 6/v6-beta",
        )
        _send_segment(sock, _frame(6, USE_BETA, 3, QUERY, query))
        version, _, stream, opcode, body = _read_segment_frame(sock)
        assert (version, stream, opcode) == (0x86, 3, RESULT)
        assert b"4.0" in body


def test_v6_frame_without_use_beta_inside_segments():
    # The same per-envelope check refuses a beta envelope without USE_BETA, also non-fatally.
    with _connect() as sock:
        sock.sendall(_frame(6, USE_BETA, 1, STARTUP, _string_map({"CQL_VERSION": "3.0.0"})))
        assert _read_frame(sock)[3] == 0x02  # READY
        query = _query_body(LOCAL)
        _send_segment(sock, _frame(6, 0, 2, QUERY, query))
        version, flags, stream, opcode, body = _read_segment_frame(sock)
        assert (version, stream, opcode) == (0x86, 2, ERROR)
        assert flags & USE_BETA
        assert _error_message(body) == (
            PROTOCOL_ERROR,
            "Beta version of the protocol used (6/v6-beta), but USE_BETA flag is unset",
        )
        _send_segment(sock, _frame(6, USE_BETA, 3, QUERY, query))
        version, _, stream, opcode, body = _read_segment_frame(sock)
        assert (version, stream, opcode) == (0x86, 3, RESULT)


def test_v4_frame_inside_v5_segments():
    raw = _Raw(5)
    try:
        _send_segment(raw.sock, _frame(4, 0, 2, QUERY, _query_body(LOCAL, v5=False)))
        version, _, stream, opcode, body = _read_segment_frame(raw.sock)
        assert (version, stream, opcode) == (0x85, 2, ERROR)
        assert _error_message(body) == (
            PROTOCOL_ERROR,
            "Invalid message version. Got 4/v4 but previousmessages on this connection had version 5/v5",
        )
        _assert_still_answers(raw)
    finally:
        raw.close()

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

import io
import struct

import pytest
from cassandra.segment import SegmentCodec

from conftest import create_keyspace, make_cluster
from test_protocol_versions import (
    OPTIONS,
    READY,
    SUPPORTED,
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
    _prepared_ids,
    _Raw,
    raw,  # the fixture: a raw v4 or v5 connection
    _read_frame,
    _read_segment_frame,
    _recv_exact,
    _send_segment,
    _started,
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
    name = create_keyspace(session)
    session.execute(f"CREATE TABLE {name}.t (k int PRIMARY KEY, v int)")
    yield f"{name}.t"
    session.execute(f"DROP KEYSPACE IF EXISTS {name}")
    cluster.shutdown()


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


@pytest.mark.parametrize(
    "envelope_version, message",
    [
        (5, "Invalid message version. Got 5/v5 but previousmessages on this connection had version 6/v6-beta"),
        # The same per-envelope check refuses a beta envelope without USE_BETA, also non-fatally.
        (6, "Beta version of the protocol used (6/v6-beta), but USE_BETA flag is unset"),
    ],
    ids=["v5-frame", "v6-frame-without-use-beta"],
)
def test_bad_envelope_on_a_v6_beta_connection(envelope_version, message):
    with _started(6, USE_BETA) as sock:
        query = _query_body(LOCAL)
        _send_segment(sock, _frame(envelope_version, 0, 2, QUERY, query))
        version, flags, stream, opcode, body = _read_segment_frame(sock)
        assert (version, stream, opcode) == (0x86, 2, ERROR)
        assert flags & USE_BETA
        assert _error_message(body) == (PROTOCOL_ERROR, message)
        _send_segment(sock, _frame(6, USE_BETA, 3, QUERY, query))
        version, _, stream, opcode, body = _read_segment_frame(sock)
        assert (version, stream, opcode) == (0x86, 3, RESULT)
        assert b"4.0" in body


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


# --- A frame of another version after STARTUP, before v5 -----------------------------------
#
# After STARTUP a v3/v4 connection runs `PreV5Handlers.ProtocolDecoder`, which compares each
# frame's version with the connection's and throws a ProtocolException wrapped with the
# frame's stream ("Invalid message version. Got %s but previous messages on this connection
# had version %s", with its space). Wrapped, it is not fatal to `ExceptionHandler`: the error
# goes out in the connection's version on that stream, and the connection keeps answering.
# (Before STARTUP, `InitialConnectionHandler` answers each OPTIONS/STARTUP in its own
# version without comparing frames.)

LABELS = {3: "3/v3", 4: "4/v4", 5: "5/v5", 6: "6/v6-beta"}


@pytest.mark.parametrize(
    "connection, other",
    [(4, 5), (4, 3), (4, 6), (3, 4), (3, 5)],
    ids=["v5-on-v4", "v3-on-v4", "v6-beta-on-v4", "v4-on-v3", "v5-on-v3"],
)
def test_frame_of_another_version_after_startup(connection, other):
    with _started(connection) as sock:
        flags = USE_BETA if other == 6 else 0
        sock.sendall(_frame(other, flags, 2, QUERY, _query_body(LOCAL, v5=other >= 5)))
        version, _, stream, opcode, body = _read_frame(sock)
        assert (version, stream, opcode) == (0x80 | connection, 2, ERROR)
        assert _error_message(body) == (
            PROTOCOL_ERROR,
            f"Invalid message version. Got {LABELS[other]} but previous messages on this "
            f"connection had version {LABELS[connection]}",
        )
        sock.sendall(_frame(connection, 0, 3, QUERY, _query_body(LOCAL, v5=False)))
        version, _, stream, opcode, body = _read_frame(sock)
        assert (version, stream, opcode) == (0x80 | connection, 3, RESULT)


@pytest.mark.parametrize("first, startup", [(5, 4), (3, 4), (4, 3)], ids=["v5-then-v4", "v3-then-v4", "v4-then-v3"])
def test_before_startup_each_frame_is_answered_in_its_own_version(first, startup):
    # No connection exists before STARTUP (`InitialConnectionHandler`): OPTIONS is answered
    # in its frame's version, and STARTUP's version becomes the connection's.
    with _connect() as sock:
        sock.sendall(_frame(first, 0, 1, OPTIONS))
        version, _, stream, opcode, _ = _read_frame(sock)
        assert (version, stream, opcode) == (0x80 | first, 1, SUPPORTED)
        sock.sendall(_frame(startup, 0, 2, STARTUP, _string_map({"CQL_VERSION": "3.0.0"})))
        version, _, stream, opcode, _ = _read_frame(sock)
        assert (version, stream, opcode) == (0x80 | startup, 2, READY)
        sock.sendall(_frame(startup, 0, 3, QUERY, _query_body(LOCAL, v5=False)))
        version, _, stream, opcode, _ = _read_frame(sock)
        assert (version, stream, opcode) == (0x80 | startup, 3, RESULT)


# --- Bodies that end in the middle of a field ----------------------------------------------
#
# 4.0 reads bodies from a Netty buffer holding just the body (v4), or the rest of the segment
# (v5; here the last envelope). `CBUtil.readLongString`, `readString` and `readBytes` turn the
# IndexOutOfBoundsException of a cut string or id into a ProtocolException with their own
# message; any other field cut short lets the exception through, which
# `ErrorMessage.fromException` answers as a SERVER_ERROR carrying Java's exception text (not
# reproducible, so only the code is asserted). Either way the error is wrapped with the
# request's stream and the connection stays open.

SERVER_ERROR = 0x0000
LONG_STRING_CUT = "Not enough bytes to read an UTF8 serialized string preceded by its 4 bytes length"
SHORT_STRING_CUT = "Not enough bytes to read an UTF8 serialized string preceded by its 2 bytes length"
SHORT_BYTES_CUT = "Not enough bytes to read a byte array preceded by its 2 bytes length"


def test_cut_query_string_is_a_protocol_error(raw):
    body = struct.pack(">I", 100) + b"SELECT"
    _assert_protocol_error(raw.request(1, QUERY, body), LONG_STRING_CUT)
    _assert_still_answers(raw)


def test_cut_keyspace_is_a_protocol_error(raw):
    # The keyspace flag (0x80) with a [string] longer than what is left.
    body = _query(raw, LOCAL, _options(raw, flags=0x80, extra=struct.pack(">H", 20) + b"sys"))
    _assert_protocol_error(raw.request(1, QUERY, body), SHORT_STRING_CUT)
    _assert_still_answers(raw)


def test_cut_prepared_id_is_a_protocol_error(raw):
    _assert_protocol_error(raw.request(1, EXECUTE, struct.pack(">H", 16) + b"\x01\x02"), SHORT_BYTES_CUT)
    _assert_still_answers(raw)


def test_cut_prepare_strings_are_protocol_errors(raw):
    # PrepareMessage.Codec reads its query string and (v5) keyspace with CBUtil.
    _assert_protocol_error(raw.request(1, PREPARE, struct.pack(">I", 100) + b"SELECT"), LONG_STRING_CUT)
    if raw.version >= 5:
        q = LOCAL.encode()
        body = struct.pack(">I", len(q)) + q + struct.pack(">IH", 0x01, 20) + b"sys"
        _assert_protocol_error(raw.request(2, PREPARE, body), SHORT_STRING_CUT)
    _assert_still_answers(raw)


def test_prepare_ignores_flag_bits_other_than_the_keyspace(raw):
    # 4.0 reads v5's prepare flags as an int and tests only 0x01 (the keyspace).
    if raw.version < 5:
        pytest.skip("PREPARE has flags from v5 on")
    q = LOCAL.encode()
    body = struct.pack(">I", len(q)) + q + struct.pack(">I", 0xF0) + b"trailing"
    opcode, reply = raw.request(1, PREPARE, body)
    assert opcode == RESULT, _error_message(reply) if opcode == ERROR else opcode
    assert struct.unpack(">i", reply[:4])[0] == 4  # Prepared


def test_cut_batch_statements_are_protocol_errors(raw):
    query = struct.pack(">BHB", 1, 1, 0) + struct.pack(">I", 50) + b"INSERT"
    _assert_protocol_error(raw.request(1, BATCH, query), LONG_STRING_CUT)
    prepared = struct.pack(">BHB", 1, 1, 1) + struct.pack(">H", 16) + b"\x01"
    _assert_protocol_error(raw.request(2, BATCH, prepared), SHORT_BYTES_CUT)
    _assert_still_answers(raw)


@pytest.mark.parametrize("opcode", [QUERY, EXECUTE, BATCH], ids=["query", "execute", "batch"])
def test_cut_options_are_a_server_error(raw, table, opcode):
    # The body ends inside the consistency, after the query string, id or statements.
    full = _body(raw, opcode, _options(raw), table)
    cut = full[: len(full) - len(_options(raw)) + 1]
    opcode_, reply = raw.request(7, opcode, cut)
    assert opcode_ == ERROR
    assert _error_message(reply)[0] == SERVER_ERROR
    _assert_still_answers(raw)


def test_cut_value_is_a_server_error(raw):
    # One bound value announced as 4 bytes, one present.
    extra = struct.pack(">Hi", 1, 4) + b"\x01"
    body = _query(raw, "SELECT * FROM system.local WHERE key = ?", _options(raw, flags=0x01, extra=extra))
    opcode, reply = raw.request(7, QUERY, body)
    assert opcode == ERROR
    assert _error_message(reply)[0] == SERVER_ERROR
    _assert_still_answers(raw)


# --- Consistency 0x000B, 4.0's NODE_LOCAL -------------------------------------------------
#
# 4.0's `ConsistencyLevel` knows NODE_LOCAL (11), so the body decodes. The statement is parsed
# and prepared as usual; then `QueryProcessor.processStatement` hands it to
# `processNodeLocalStatement`, which refuses every statement with an InvalidRequestException
# unless the node runs with -Dcassandra.enable_nodelocal_queries=true (off by default). An
# execution error: the connection stays open.

NODE_LOCAL = 0x000B
INVALID = 0x2200
NODE_LOCAL_REFUSED = "NODE_LOCAL consistency level is highly dangerous and should be used only for debugging purposes"


def test_node_local_queries_are_refused(raw, table):
    for stream, cql in enumerate([LOCAL, f"INSERT INTO {table} (k, v) VALUES (9, 90)", "USE system"], 1):
        opcode, reply = raw.request(stream, QUERY, _query(raw, cql, _options(raw, consistency=NODE_LOCAL)))
        assert opcode == ERROR
        assert _error_message(reply) == (INVALID, NODE_LOCAL_REFUSED)
    # Nothing was written.
    opcode, reply = raw.request(5, QUERY, _query(raw, f"SELECT v FROM {table} WHERE k = 9", _options(raw)))
    assert opcode == RESULT
    assert not reply.endswith(struct.pack(">ii", 4, 90))
    _assert_still_answers(raw)


def test_node_local_reports_preparation_errors_first(raw):
    cql = "SELECT * FROM system.no_such_table"
    at_one = raw.request(1, QUERY, _query(raw, cql, _options(raw)))
    node_local = raw.request(2, QUERY, _query(raw, cql, _options(raw, consistency=NODE_LOCAL)))
    assert at_one[0] == node_local[0] == ERROR
    assert _error_message(node_local[1]) == _error_message(at_one[1])
    _assert_still_answers(raw)


# --- Named values in a BATCH's options -------------------------------------------------------
#
# `BatchMessage` reads its options with `QueryOptions.Codec`, which reads names with the
# values when both flags are set (0x41) and reads nothing for the names flag alone (0x40);
# `BatchQueryOptions` then runs every statement with its own values, so the options' names and
# values are ignored and the batch is applied.


@pytest.mark.parametrize("flags", [0x40, 0x41], ids=["names-flag", "names-and-values"])
def test_batch_ignores_named_values_in_its_options(raw, table, flags):
    extra = b""
    if flags & 0x01:
        extra = struct.pack(">HH", 1, 1) + b"v" + struct.pack(">ii", 4, 99)
    body = _batch_body(raw, [f"INSERT INTO {table} (k, v) VALUES (8, 80)"], _options(raw, flags=flags, extra=extra))
    opcode, reply = raw.request(1, BATCH, body)
    assert opcode == RESULT, _error_message(reply) if opcode == ERROR else opcode
    assert struct.unpack(">i", reply[:4])[0] == 1  # Void
    opcode, reply = raw.request(2, QUERY, _query(raw, f"SELECT v FROM {table} WHERE k = 8", _options(raw)))
    assert opcode == RESULT and reply.endswith(struct.pack(">ii", 4, 80))


# --- Consecutive errors within one v5 segment ----------------------------------------------
#
# `CQLMessageHandler` counts erroneous envelopes (bad header, version, or body) within one
# segment: the count restarts with each segment and after each envelope decoded and
# dispatched. Past `consecutive_message_errors_threshold` (1 by default) the error is made
# fatal: it is still answered on its stream, then the connection closes. Before v5 nothing is
# counted.

BAD_CONSISTENCY = "Unknown code 66 for a consistency level"


def _segment_of(*frames):
    buf = io.BytesIO()
    SegmentCodec().encode(buf, b"".join(frames))
    return buf.getvalue()


def _read_segment_frames(sock, count):
    """The next `count` frames, however the replies are spread over segments."""
    codec = SegmentCodec()
    frames = []
    while len(frames) < count:
        header = codec.decode_header(io.BytesIO(_recv_exact(sock, 6)))
        rest = _recv_exact(sock, header.payload_length + 4)
        payload = codec.decode(io.BytesIO(rest), header).payload
        while payload:
            _, _, stream, opcode, length = struct.unpack(">BBhBI", payload[:9])
            frames.append((stream, opcode, payload[9 : 9 + length]))
            payload = payload[9 + length :]
    return frames


def _assert_closed(sock):
    try:
        assert sock.recv(1) == b""
    except ConnectionResetError:
        pass


def _bad_query(stream, version=5):
    """A QUERY at the unknown consistency 0x0042."""
    return _frame(version, 0, stream, QUERY, _query_body(LOCAL, v5=version >= 5, consistency=0x42))


def _good_query(stream):
    return _frame(5, 0, stream, QUERY, _query_body(LOCAL))


def test_two_consecutive_errors_in_one_segment_close_the_connection():
    raw = _Raw(5)
    try:
        raw.sock.sendall(_segment_of(_bad_query(1), _bad_query(2)))
        replies = _read_segment_frames(raw.sock, 2)
        assert [(s, o) for s, o, _ in replies] == [(1, ERROR), (2, ERROR)]
        assert [_error_message(b) for _, _, b in replies] == [(PROTOCOL_ERROR, BAD_CONSISTENCY)] * 2
        _assert_closed(raw.sock)
    finally:
        raw.close()


def test_a_version_error_then_a_body_error_in_one_segment_close_the_connection():
    raw = _Raw(5)
    try:
        raw.sock.sendall(_segment_of(_frame(4, 0, 1, QUERY, _query_body(LOCAL, v5=False)), _bad_query(2)))
        replies = _read_segment_frames(raw.sock, 2)
        assert [(s, o) for s, o, _ in replies] == [(1, ERROR), (2, ERROR)]
        assert _error_message(replies[1][2]) == (PROTOCOL_ERROR, BAD_CONSISTENCY)
        _assert_closed(raw.sock)
    finally:
        raw.close()


def test_errors_separated_by_a_good_request_or_a_segment_are_not_consecutive():
    raw = _Raw(5)
    try:
        raw.sock.sendall(_segment_of(_bad_query(1), _good_query(2), _bad_query(3)))
        replies = _read_segment_frames(raw.sock, 3)
        assert sorted((s, o) for s, o, _ in replies) == [(1, ERROR), (2, RESULT), (3, ERROR)]
        raw.sock.sendall(_segment_of(_bad_query(4)) + _segment_of(_bad_query(5)))
        replies = _read_segment_frames(raw.sock, 2)
        assert [(s, o) for s, o, _ in replies] == [(4, ERROR), (5, ERROR)]
        _assert_still_answers(raw)
    finally:
        raw.close()


def test_consecutive_errors_before_v5_keep_the_connection():
    raw = _Raw(4)
    try:
        raw.sock.sendall(_bad_query(1, 4) + _bad_query(2, 4))
        for stream in (1, 2):
            _, _, got, opcode, body = _read_frame(raw.sock)
            assert (got, opcode) == (stream, ERROR)
            assert _error_message(body) == (PROTOCOL_ERROR, BAD_CONSISTENCY)
        _assert_still_answers(raw)
    finally:
        raw.close()


def test_a_cut_body_after_an_error_in_one_segment_closes_the_connection():
    # The repeat of a non-ProtocolException becomes a fatal ProtocolException ("Error
    # encountered decoding CQL message: " and Java's text, which is not reproducible).
    raw = _Raw(5)
    try:
        q = LOCAL.encode()
        cut = _frame(5, 0, 2, QUERY, struct.pack(">I", len(q)) + q + b"\x00")
        raw.sock.sendall(_segment_of(_bad_query(1), cut))
        replies = _read_segment_frames(raw.sock, 2)
        assert [(s, o) for s, o, _ in replies] == [(1, ERROR), (2, ERROR)]
        assert _error_message(replies[1][2])[0] == PROTOCOL_ERROR
        _assert_closed(raw.sock)
    finally:
        raw.close()

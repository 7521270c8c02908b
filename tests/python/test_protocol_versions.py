"""Protocol v3, which Cassandra 4.0 still serves (cqlengine and older drivers use it), and v6,
its beta version.

Each test opens its own v3 cluster: the suite's CASSIA_PROTOCOL_VERSIONS choose v4/v5 for the
others. Values of the types v3 lacks (date, time, smallint, tinyint) still round-trip: 4.0
describes them to a v3 client as custom types by their Java class, which the driver knows.
"""

import datetime
import io
import os
import socket
import struct

import pytest
from cassandra.query import SimpleStatement
from cassandra.segment import SegmentCodec

from conftest import contact, create_keyspace, make_cluster

COMPRESSIONS = os.environ.get("CASSIA_COMPRESSIONS", "none").split(",")


@pytest.fixture(scope="module", params=COMPRESSIONS, ids=lambda c: f"v3-{c}")
def v3_session(request):
    cluster = make_cluster(3, request.param)
    session = cluster.connect()
    name = create_keyspace(session)
    session.set_keyspace(name)
    yield session
    session.execute(f"DROP KEYSPACE IF EXISTS {name}")
    cluster.shutdown()


def test_v3_is_negotiated(v3_session):
    assert v3_session.cluster.protocol_version == 3
    row = v3_session.execute("SELECT release_version FROM system.local").one()
    assert row.release_version.startswith("4.0")


def test_v3_writes_and_reads_values(v3_session):
    s = v3_session
    s.execute(
        "CREATE TABLE vals (k int PRIMARY KEY, t text, n bigint, l list<int>, m map<text, int>,"
        " d date, tm time, si smallint, ti tinyint)"
    )
    s.execute(
        "INSERT INTO vals (k, t, n, l, m, d, tm, si, ti) VALUES"
        " (1, 'one', 10000000000, [1, 2], {'a': 1}, '2024-02-29', '12:34:56', 7, -3)"
    )
    row = s.execute("SELECT * FROM vals WHERE k = 1").one()
    assert (row.k, row.t, row.n, row.l, row.m) == (1, "one", 10000000000, [1, 2], {"a": 1})
    assert row.d.date() == datetime.date(2024, 2, 29)
    assert row.tm.time() == datetime.time(12, 34, 56)
    assert (row.si, row.ti) == (7, -3)


def test_v3_prepared_statements(v3_session):
    s = v3_session
    s.execute("CREATE TABLE prep (p int, c int, v text, d date, PRIMARY KEY (p, c))")
    ins = s.prepare("INSERT INTO prep (p, c, v, d) VALUES (?, ?, ?, ?)")
    # The driver routes by the partition key: with v3 it learns it from the table metadata.
    for c in range(3):
        s.execute(ins, (1, c, f"v{c}", datetime.date(2020, 1, c + 1)))
    sel = s.prepare("SELECT c, v, d FROM prep WHERE p = ? AND c >= ?")
    rows = list(s.execute(sel, (1, 1)))
    assert [(r.c, r.v) for r in rows] == [(1, "v1"), (2, "v2")]
    assert rows[0].d.date() == datetime.date(2020, 1, 2)
    assert s.execute(sel, (2, 0)).one() is None


def test_v3_paging(v3_session):
    s = v3_session
    s.execute("CREATE TABLE pg (p int, c int, PRIMARY KEY (p, c))")
    ins = s.prepare("INSERT INTO pg (p, c) VALUES (?, ?)")
    for p in range(3):
        for c in range(10):
            s.execute(ins, (p, c))
    stmt = SimpleStatement("SELECT c FROM pg WHERE p = 1", fetch_size=4)
    first = s.execute(stmt)
    assert [r.c for r in first.current_rows] == [0, 1, 2, 3]
    assert first.has_more_pages
    second = s.execute(stmt, paging_state=first.paging_state)
    assert [r.c for r in second.current_rows] == [4, 5, 6, 7]
    assert [r.c for r in s.execute(stmt)] == list(range(10))
    # Across partitions, with a prepared statement.
    everything_stmt = s.prepare("SELECT p, c FROM pg")
    everything_stmt.fetch_size = 7
    everything = s.execute(everything_stmt)
    assert len(everything.current_rows) == 7 and everything.has_more_pages
    assert sorted((r.p, r.c) for r in everything) == [(p, c) for p in range(3) for c in range(10)]


# --- Protocol v6, 4.0's beta version -------------------------------------------------------
#
# 4.0 lists V6 as a beta (`ProtocolVersion.java`): its `Envelope.Decoder` refuses a v6 frame
# without the USE_BETA flag (0x10) and otherwise serves v6 exactly as v5 (every codec tests
# `>= V5`), switching to v5 segments after STARTUP; `Message.encode` sets USE_BETA on every
# reply in a beta version.

USE_BETA = 0x10
OPTIONS, STARTUP, QUERY = 0x05, 0x01, 0x07
ERROR, READY, SUPPORTED, RESULT = 0x00, 0x02, 0x06, 0x08


def _frame(version, flags, stream, opcode, body=b""):
    return struct.pack(">BBhBI", version, flags, stream, opcode, len(body)) + body


def _string_map(entries):
    out = struct.pack(">H", len(entries))
    for k, v in entries.items():
        out += struct.pack(">H", len(k)) + k.encode() + struct.pack(">H", len(v)) + v.encode()
    return out


def _query_body(cql, v5=True, flags=0, extra=b"", consistency=1):
    """A QUERY body: [long string] query, consistency (ONE unless told), flags ([int] in v5), `extra`."""
    q = cql.encode()
    flag_bytes = struct.pack(">I", flags) if v5 else struct.pack(">B", flags)
    return struct.pack(">I", len(q)) + q + struct.pack(">H", consistency) + flag_bytes + extra


def _recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("connection closed")
        data += chunk
    return data


def _read_frame(sock):
    """(version byte, flags, stream, opcode, body) of one plain-framed reply."""
    version, flags, stream, opcode, length = struct.unpack(">BBhBI", _recv_exact(sock, 9))
    return version, flags, stream, opcode, _recv_exact(sock, length)


def _read_segment_frame(sock):
    """The first frame of one self-contained, uncompressed v5 segment."""
    codec = SegmentCodec()
    header = codec.decode_header(io.BytesIO(_recv_exact(sock, 6)))
    rest = _recv_exact(sock, header.payload_length + 4)
    payload = codec.decode(io.BytesIO(rest), header).payload
    version, flags, stream, opcode, length = struct.unpack(">BBhBI", payload[:9])
    return version, flags, stream, opcode, payload[9 : 9 + length]


def _send_segment(sock, frame):
    buf = io.BytesIO()
    SegmentCodec().encode(buf, frame)
    sock.sendall(buf.getvalue())


def _error_message(body):
    (length,) = struct.unpack(">H", body[4:6])
    return struct.unpack(">i", body[:4])[0], body[6 : 6 + length].decode()


def _connect():
    return socket.create_connection(contact(), timeout=10)


def _started(version, flags=0):
    """A raw connection on which a STARTUP in `version` (with `flags`) was answered READY."""
    sock = _connect()
    sock.sendall(_frame(version, flags, 0, STARTUP, _string_map({"CQL_VERSION": "3.0.0"})))
    assert _read_frame(sock)[3] == READY
    return sock


def test_v6_beta_is_served_as_v5_with_segments():
    with _connect() as sock:
        sock.sendall(_frame(6, USE_BETA, 1, OPTIONS))
        version, flags, stream, opcode, _ = _read_frame(sock)
        assert (version, stream, opcode) == (0x86, 1, SUPPORTED)
        assert flags & USE_BETA

        sock.sendall(_frame(6, USE_BETA, 2, STARTUP, _string_map({"CQL_VERSION": "3.0.0"})))
        version, flags, stream, opcode, body = _read_frame(sock)
        assert (version, stream, opcode, body) == (0x86, 2, READY, b"")
        assert flags & USE_BETA

        # From here on both sides frame in v5 segments.
        query = _query_body("SELECT release_version FROM system.local")
        _send_segment(sock, _frame(6, USE_BETA, 3, QUERY, query))
        version, flags, stream, opcode, body = _read_segment_frame(sock)
        assert (version, stream, opcode) == (0x86, 3, RESULT)
        assert flags & USE_BETA
        assert struct.unpack(">i", body[:4])[0] == 2  # Rows
        assert b"release_version" in body and b"4.0" in body


def test_v6_without_use_beta_is_refused():
    with _connect() as sock:
        sock.sendall(_frame(6, 0, 1, OPTIONS))
        _, _, _, opcode, body = _read_frame(sock)
        assert opcode == ERROR
        assert _error_message(body) == (
            0x000A,
            "Beta version of the protocol used (6/v6-beta), but USE_BETA flag is unset",
        )


@pytest.mark.parametrize("compression", [c for c in COMPRESSIONS if c != "snappy"])
def test_v6_beta_through_the_driver(compression):
    cluster = make_cluster(6, compression, allow_beta_protocol_version=True)
    try:
        s = cluster.connect()
        assert cluster.protocol_version == 6
        name = create_keyspace(s)
        try:
            s.set_keyspace(name)
            s.execute("CREATE TABLE b (p int, c int, v text, PRIMARY KEY (p, c))")
            ins = s.prepare("INSERT INTO b (p, c, v) VALUES (?, ?, ?)")
            for c in range(5):
                s.execute(ins, (1, c, f"v{c}"))
            stmt = SimpleStatement("SELECT c, v FROM b WHERE p = 1", fetch_size=2)
            first = s.execute(stmt)
            assert [r.c for r in first.current_rows] == [0, 1] and first.has_more_pages
            assert [(r.c, r.v) for r in s.execute(stmt)] == [(c, f"v{c}") for c in range(5)]
        finally:
            s.execute(f"DROP KEYSPACE IF EXISTS {name}")
    finally:
        cluster.shutdown()


# --- Lenient QUERY / EXECUTE bodies ---------------------------------------------------------
#
# 4.0's `Message.Decoder.decodeMessage` never checks that a body was consumed, so bytes after
# a message are ignored; `QueryOptions.Codec` reads only the flag bits it defines (v5's flags
# are an [int], of which 4.0 defines bits 0-8), so other bits are ignored.

PREPARE, EXECUTE = 0x09, 0x0A


class _Raw:
    """A raw connection after STARTUP: plain frames in v4, uncompressed segments in v5."""

    def __init__(self, version):
        self.version = version
        self.sock = _started(version)

    def request(self, stream, opcode, body):
        frame = _frame(self.version, 0, stream, opcode, body)
        if self.version >= 5:
            _send_segment(self.sock, frame)
            reply = _read_segment_frame(self.sock)
        else:
            self.sock.sendall(frame)
            reply = _read_frame(self.sock)
        assert reply[2] == stream
        return reply[3], reply[4]

    def close(self):
        self.sock.close()


@pytest.fixture(params=[4, 5], ids=lambda v: f"raw-v{v}")
def raw(request):
    conn = _Raw(request.param)
    yield conn
    conn.close()


def _prepared_ids(raw, cql):
    """PREPAREs `cql`: the `<id>` (and in v5 `<result_metadata_id>`) to EXECUTE it with."""
    q = cql.encode()
    prepare = struct.pack(">I", len(q)) + q + (struct.pack(">I", 0) if raw.version >= 5 else b"")
    opcode, reply = raw.request(90, PREPARE, prepare)
    assert _rows_kind(opcode, reply) == 4  # Prepared
    (id_len,) = struct.unpack(">H", reply[4:6])
    end = 6 + id_len
    if raw.version >= 5:
        (md_len,) = struct.unpack(">H", reply[end : end + 2])
        end += 2 + md_len
    return reply[4:end]


def _rows_kind(opcode, body):
    assert opcode == RESULT, _error_message(body) if opcode == ERROR else opcode
    return struct.unpack(">i", body[:4])[0]


def test_query_ignores_bytes_after_the_body(raw):
    body = _query_body("SELECT release_version FROM system.local", v5=raw.version >= 5)
    opcode, reply = raw.request(1, QUERY, body + b"\x00\x01\x02\x03\x04")
    assert _rows_kind(opcode, reply) == 2
    assert b"4.0" in reply
    # The connection is still in step.
    opcode, reply = raw.request(2, QUERY, body)
    assert _rows_kind(opcode, reply) == 2


def test_query_ignores_flag_bits_cassandra_does_not_define():
    conn = _Raw(5)
    try:
        # Bits 9 and 31 of v5's [int] flags mean nothing to 4.0.
        body = _query_body("SELECT release_version FROM system.local", flags=0x80000200)
        opcode, reply = conn.request(1, QUERY, body)
        assert _rows_kind(opcode, reply) == 2
        assert b"4.0" in reply
    finally:
        conn.close()


def test_execute_ignores_bytes_after_the_body(raw):
    v5 = raw.version >= 5
    ids = _prepared_ids(raw, "SELECT release_version FROM system.local WHERE key = ?")
    key = b"local"
    values = struct.pack(">H", 1) + struct.pack(">i", len(key)) + key
    flags = struct.pack(">I", 0x01) if v5 else struct.pack(">B", 0x01)
    execute = ids + struct.pack(">H", 1) + flags + values
    opcode, reply = raw.request(2, EXECUTE, execute + b"\xff\xfe")
    assert _rows_kind(opcode, reply) == 2
    assert b"4.0" in reply


def test_options_ignores_a_body(raw):
    opcode, _ = raw.request(1, OPTIONS, b"\x00\x00\x00\x00")
    assert opcode == SUPPORTED

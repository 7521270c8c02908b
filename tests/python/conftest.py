"""Fixtures for the conformance suite: the official Python driver against a CQL node.

The node is given by CASSIA_CONTACT_POINTS (host:port). The suite asserts Cassandra 4.0's
behaviour, so it can be pointed at a real Cassandra as well as at the Cassia emulator.
CASSIA_PROTOCOL_VERSIONS (e.g. "4,5") and CASSIA_COMPRESSIONS (e.g. "none,lz4,snappy")
choose the connection settings each test runs under.
"""

import logging
import os
import uuid

import pytest
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
from cassandra.policies import RoundRobinPolicy


def contact():
    raw = os.environ.get("CASSIA_CONTACT_POINTS", "127.0.0.1:9042").split(",")[0]
    host, _, port = raw.rpartition(":")
    return host or "127.0.0.1", int(port or 9042)


def protocol_versions():
    """The protocol versions CASSIA_PROTOCOL_VERSIONS chooses (4 and 5 unless told)."""
    return [int(v) for v in os.environ.get("CASSIA_PROTOCOL_VERSIONS", "4,5").split(",")]


def _settings():
    comps = os.environ.get("CASSIA_COMPRESSIONS", "none").split(",")
    out = []
    for v in protocol_versions():
        for c in comps:
            if c == "snappy" and v >= 5:
                continue  # Cassandra 4.0 only compresses v5 segments with LZ4
            out.append((v, c))
    return out


def make_cluster(protocol_version, compression, **kw):
    host, port = contact()
    auth = None
    if os.environ.get("CASSIA_USERNAME"):
        auth = PlainTextAuthProvider(os.environ["CASSIA_USERNAME"], os.environ.get("CASSIA_PASSWORD", ""))
    comp = False if compression == "none" else compression
    # An explicit load-balancing policy: without one the driver warns at construction.
    profile = ExecutionProfile(load_balancing_policy=RoundRobinPolicy(), request_timeout=30)
    return Cluster(
        [host],
        port=port,
        execution_profiles={EXEC_PROFILE_DEFAULT: profile},
        protocol_version=protocol_version,
        compression=comp,
        auth_provider=auth,
        connect_timeout=10,
        **kw,
    )


@pytest.fixture(scope="module", params=_settings(), ids=lambda p: f"v{p[0]}-{p[1]}")
def cluster(request):
    c = make_cluster(*request.param)
    yield c
    c.shutdown()


@pytest.fixture(scope="module")
def session(cluster):
    s = cluster.connect()
    yield s


def create_keyspace(session):
    """Creates a fresh keyspace (SimpleStrategy, one replica) and returns its name."""
    name = "conf_" + uuid.uuid4().hex[:12]
    session.execute(
        f"CREATE KEYSPACE {name} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': 1}}"
    )
    return name


@pytest.fixture
def ks(session):
    """A fresh keyspace for one test, dropped afterwards."""
    name = create_keyspace(session)
    session.set_keyspace(name)
    yield name
    session.execute(f"DROP KEYSPACE IF EXISTS {name}")


@pytest.fixture
def driver_log(caplog):
    """Records the driver's own warnings and errors (metadata parsing problems show up here)."""
    caplog.set_level(logging.WARNING, logger="cassandra")
    return caplog


def when_index_ready(session, query, params=None, timeout=60.0):
    """Runs `query` once the secondary index it uses can serve reads, as an application must.

    On Cassandra an index created by CREATE INDEX builds in the background, and a read that
    needs it fails with ReadFailure ("... is not yet available") until it is built; the
    emulator builds it at once, so there the first attempt answers.
    """
    import time

    from cassandra import ReadFailure

    deadline = time.monotonic() + timeout
    while True:
        try:
            return list(session.execute(query, params))
        except ReadFailure:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def error_of(session, cql, kind=None, params=None):
    """The message of the error (an InvalidRequest unless `kind` says otherwise) that
    executing `cql` raises; the test fails if it raises nothing or another kind."""
    from cassandra import InvalidRequest

    with pytest.raises(kind or InvalidRequest) as err:
        session.execute(cql, params)
    return str(err.value)


def refused(session, cql, message, kind=None, params=None):
    """Asserts that executing `cql` fails with an error of `kind` (InvalidRequest by
    default) whose message contains `message`."""
    assert message in error_of(session, cql, kind, params)

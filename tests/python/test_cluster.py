"""The official Python driver against a 3-node emulated cluster.

The test starts its own `cassia-emulator --nodes 3`. run_conformance.sh builds it and names it
in CASSIA_EMULATOR_BINARY when it runs the suite against the emulator; then a missing binary or
a cluster that does not come up fails the test. Against an external node (no such variable) it
is skipped, saying so: it checks the emulator's cluster simulation, which a single real node
cannot stand in for.
Checks what drivers learn from system.local/system.peers: three hosts, their data centres
and racks, and a token map whose replicas follow the keyspace's replication.
"""

import os
import socket
import subprocess
import time

import pytest
from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
from cassandra.metadata import Murmur3Token
from cassandra.policies import RoundRobinPolicy

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("CASSIA_EMULATOR_BINARY")


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _wait_listening(host, port, deadline):
    while time.time() < deadline:
        try:
            socket.create_connection((host, port), 0.2).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


@pytest.fixture(scope="module")
def cluster_emulator():
    if not BINARY:
        pytest.skip("the suite targets an external node: the emulated cluster is not started")
    binary = os.path.join(ROOT, BINARY)
    assert os.path.exists(binary), f"{binary} is missing (run_conformance.sh builds it)"
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "--nodes", "3", "--racks", "3", "--listen", "127.0.0.1:%d" % port],
        stderr=subprocess.DEVNULL,
    )
    try:
        hosts = ["127.0.0.%d" % i for i in (1, 2, 3)]
        deadline = time.time() + 30
        if not all(_wait_listening(h, port, deadline) for h in hosts):
            pytest.fail("the 3-node emulator did not come up on 127.0.0.1-3")
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


def test_driver_sees_three_hosts_and_their_tokens(cluster_emulator):
    cluster = Cluster(
        ["127.0.0.1"],
        port=cluster_emulator,
        protocol_version=4,
        execution_profiles={
            EXEC_PROFILE_DEFAULT: ExecutionProfile(load_balancing_policy=RoundRobinPolicy())
        },
    )
    session = cluster.connect()
    try:
        hosts = sorted(cluster.metadata.all_hosts(), key=lambda h: h.address)
        assert [h.address for h in hosts] == ["127.0.0.1", "127.0.0.2", "127.0.0.3"]
        assert {h.datacenter for h in hosts} == {"datacenter1"}
        assert [h.rack for h in hosts] == ["rack1", "rack2", "rack3"]
        assert len({h.host_id for h in hosts}) == 3

        session.execute(
            "CREATE KEYSPACE IF NOT EXISTS pyc WITH replication = "
            "{'class': 'SimpleStrategy', 'replication_factor': 2}"
        )
        cluster.refresh_schema_metadata()
        token_map = cluster.metadata.token_map
        assert len(token_map.ring) == 3 * 16, "16 tokens per node"
        owners = {token_map.token_to_host_owner[t].address for t in token_map.ring}
        assert owners == {"127.0.0.1", "127.0.0.2", "127.0.0.3"}
        # Every partition has two distinct replicas, the primary owning the next token.
        for value in (-(2 ** 62), 0, 2 ** 62):
            replicas = token_map.get_replicas("pyc", Murmur3Token(value))
            assert len({r.address for r in replicas}) == 2
        # All three nodes answer, each about itself.
        seen = set()
        for host in hosts:
            row = session.execute(
                "SELECT rpc_address FROM system.local", host=host
            ).one()
            seen.add(str(row.rpc_address))
        assert seen == {"127.0.0.1", "127.0.0.2", "127.0.0.3"}
    finally:
        cluster.shutdown()

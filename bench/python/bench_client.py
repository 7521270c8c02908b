"""Python cassandra-driver as a cassia-bench client (one trial per process).

Uses the driver's compiled extensions and the libev reactor, with callback chains: each of
N lanes issues execute_async and, from the completion callback, the next request. That is
the fastest documented path that still gives per-request latency. The process pins itself
to the client core, reads its own CPU time from /proc/self/stat over the measured window
only, and reports with the cassia-bench line protocol:

    WINDOW_START / WINDOW_END / RESULT key=value ... [error=...]   (or SKIPPED / FAILED)
"""

import argparse
import os
import sys
import threading
import time

USER_HZ = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

INSERT_KV = "INSERT INTO bench.kv (k, v1, v2) VALUES (?, ?, ?)"
SELECT_KV = "SELECT v1, v2 FROM bench.kv WHERE k = ?"
SELECT_PAGE = "SELECT k, name, score, ts, id FROM bench.page WHERE p = ?"
INSERT_BLOB = "INSERT INTO bench.blobs (k, b) VALUES (?, ?)"
PAGE_ROWS = 1000
BATCH_SIZE = 100


def cpu_ms():
    with open("/proc/self/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return (int(rest[11]) + int(rest[12])) * 1000 // USER_HZ


def peak_rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


def blob(n):
    x = 0x2545F491
    out = bytearray(n)
    for i in range(n):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out[i] = x & 0xFF
    return bytes(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--workload", required=True)
    p.add_argument("--inflight", type=int, required=True)
    p.add_argument("--version", type=int, required=True)
    p.add_argument("--lz4", type=int, default=0)
    p.add_argument("--warmup-ms", type=int, default=300)
    p.add_argument("--measure-ms", type=int, default=1000)
    p.add_argument("--core", type=int, default=None)
    a = p.parse_args()

    if a.core is not None:
        try:
            os.sched_setaffinity(0, {a.core})
        except OSError as e:
            print(f"python: could not pin to core {a.core}: {e}", file=sys.stderr)

    try:
        from cassandra import ConsistencyLevel
        from cassandra.cluster import Cluster, ExecutionProfile, EXEC_PROFILE_DEFAULT
        from cassandra.io.libevreactor import LibevConnection
        from cassandra.policies import RoundRobinPolicy
        from cassandra.query import BatchStatement, BatchType, tuple_factory
    except Exception as e:  # noqa: BLE001 - report any import problem as a skip
        print(f"SKIPPED cassandra-driver with libev not importable: {e}")
        return 2
    if a.lz4:
        try:
            import lz4  # noqa: F401
        except ImportError as e:
            print(f"SKIPPED lz4 module missing for compression: {e}")
            return 2

    profile = ExecutionProfile(
        load_balancing_policy=RoundRobinPolicy(),
        consistency_level=ConsistencyLevel.ONE,
        request_timeout=30,
        row_factory=tuple_factory,
    )
    cluster = Cluster(
        [a.host],
        port=a.port,
        protocol_version=a.version,
        compression="lz4" if a.lz4 else False,
        connection_class=LibevConnection,
        execution_profiles={EXEC_PROFILE_DEFAULT: profile},
        schema_metadata_enabled=False,
        token_metadata_enabled=False,
        idle_heartbeat_interval=0,
        monitor_reporting_enabled=False,
        schema_event_refresh_window=-1,
        topology_event_refresh_window=-1,
        status_event_refresh_window=-1,
        reprepare_on_up=False,
    )
    try:
        session = cluster.connect()
    except Exception as e:  # noqa: BLE001
        print(f"FAILED connect: {e!r}".replace("\n", " "))
        return 1

    w = a.workload
    text = {
        "insert": INSERT_KV,
        "batch100": INSERT_KV,
        "select": SELECT_KV,
        "page1000": SELECT_PAGE,
        "blob16k": INSERT_BLOB,
        "blob256k": INSERT_BLOB,
    }.get(w)
    if text is None:
        print(f"FAILED unknown workload {w}")
        return 1
    stmt = session.prepare(text)
    payload = blob(16 * 1024 if w == "blob16k" else 256 * 1024) if w.startswith("blob") else None

    def make_request(k):
        if w == "insert":
            return stmt, (k, k + 1, k + 2)
        if w in ("select", "page1000"):
            return stmt, (k,)
        if w == "batch100":
            b = BatchStatement(batch_type=BatchType.UNLOGGED)
            for i in range(BATCH_SIZE):
                b.add(stmt, (k * 1000 + i, i, -i))
            return b, None
        return stmt, (k, payload)

    def check(rows):
        if w == "select":
            v1, v2 = rows[0]
        elif w == "page1000":
            n = 0
            for row in rows:
                k, name, score, ts, uid = row
                n += 1
            if n != PAGE_ROWS:
                raise ValueError(f"page had {n} rows, expected {PAGE_ROWS}")

    now = time.monotonic
    t0 = now()
    start = t0 + a.warmup_ms / 1000.0
    end = start + a.measure_ms / 1000.0
    lat_us = []
    state = {"ops": 0, "errors": 0, "error": None, "live": a.inflight, "busy": 0}
    lock = threading.Lock()
    done = threading.Event()

    def lane(k, scheduled):
        if scheduled >= end:
            with lock:
                state["live"] -= 1
                if state["live"] == 0:
                    done.set()
            return
        s, params = make_request(k)
        fut = session.execute_async(s, params)

        def ok(rows):
            t = now()
            try:
                check(rows)
                if start <= t <= end:
                    state["ops"] += 1
                    lat_us.append(int((t - scheduled) * 1e6))
            except Exception as e:  # noqa: BLE001
                fail(e)
                return
            lane(k + a.inflight, t)

        def fail(e):
            if "ConnectionBusy" in repr(e):
                # The driver's own back-pressure (outgoing buffer above its high-water mark):
                # an application would retry, so retry after 1 ms on the reactor's timer. The
                # original scheduled start is kept, so the wait shows up in the latency.
                state["busy"] += 1
                LibevConnection.create_timer(0.001, lambda: lane(k, scheduled))
                return
            state["errors"] += 1
            if state["error"] is None:
                state["error"] = repr(e)
            if state["errors"] > 1000:
                with lock:
                    state["live"] -= 1
                    if state["live"] == 0:
                        done.set()
                return
            lane(k + a.inflight, now())

        fut.add_callbacks(ok, fail)

    for i in range(a.inflight):
        lane(i, now())
    time.sleep(max(0.0, start - now()))
    cpu0 = cpu_ms()
    print("WINDOW_START", flush=True)
    time.sleep(max(0.0, end - now()))
    cpu1 = cpu_ms()
    print("WINDOW_END", flush=True)
    done.wait(timeout=60)
    lat_us.sort()

    def q(p):
        if not lat_us:
            return 0
        return lat_us[min(len(lat_us) - 1, int(p * len(lat_us)))]

    line = (
        f"RESULT ops={state['ops']} secs={a.measure_ms / 1000.0} p50_us={q(0.5)} p99_us={q(0.99)} "
        f"cpu_ms={cpu1 - cpu0} rss_kib={peak_rss_kib()} allocs=- errors={state['errors']}"
    )
    if state["error"]:
        line += " error=" + state["error"].replace("\n", " ")
    print(line, flush=True)
    if state["busy"]:
        print(f"python: {state['busy']} ConnectionBusy retries", file=sys.stderr)
    cluster.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The `system_views` virtual keyspace as Cassandra 4.0 serves it: its tables and columns
(db/virtual/SystemViewsKeyspace.java and the table classes it lists), their listing in
`system_virtual_schema`, the driver's metadata for them, the rows of `settings` and
`clients`, and the refusals of writes (AbstractVirtualTable.apply,
ModificationStatement.validate, DeleteStatement, BatchStatement.validate) and of DDL
(ClientState.preventSystemKSSchemaModification).

Only names, types and the shape of rows are asserted: a real node's metrics differ."""

import logging

import pytest
from cassandra import InvalidRequest, Unauthorized

from conftest import make_cluster, protocol_versions

# Tables every 4.0 node has (`system_properties` too, left out: only its presence varies).
TABLES = {
    "caches",
    "clients",
    "coordinator_read_latency",
    "coordinator_scan_latency",
    "coordinator_write_latency",
    "disk_usage",
    "internode_inbound",
    "internode_outbound",
    "local_read_latency",
    "local_scan_latency",
    "local_write_latency",
    "max_partition_size",
    "rows_per_read",
    "settings",
    "sstable_tasks",
    "thread_pools",
    "tombstones_per_read",
}

LATENCY = {
    "keyspace_name": ("partition_key", "text"),
    "table_name": ("partition_key", "text"),
    "count": ("regular", "bigint"),
    "max_ms": ("regular", "double"),
    "p50th_ms": ("regular", "double"),
    "p99th_ms": ("regular", "double"),
    "per_second": ("regular", "double"),
}

HISTOGRAM = {
    "keyspace_name": ("partition_key", "text"),
    "table_name": ("partition_key", "text"),
    "count": ("regular", "bigint"),
    "max": ("regular", "double"),
    "p50th": ("regular", "double"),
    "p99th": ("regular", "double"),
}

SIZE = {
    "keyspace_name": ("partition_key", "text"),
    "table_name": ("partition_key", "text"),
    "mebibytes": ("regular", "bigint"),
}

INTERNODE_KEY = {
    "address": ("partition_key", "inet"),
    "port": ("partition_key", "int"),
    "dc": ("clustering", "text"),
    "rack": ("clustering", "text"),
}

# (kind, type) of every column, as `system_virtual_schema.columns` lists them.
COLUMNS = {
    "caches": {
        "name": ("partition_key", "text"),
        "capacity_bytes": ("regular", "bigint"),
        "entry_count": ("regular", "int"),
        "hit_count": ("regular", "bigint"),
        "hit_ratio": ("regular", "double"),
        "recent_hit_rate_per_second": ("regular", "bigint"),
        "recent_request_rate_per_second": ("regular", "bigint"),
        "request_count": ("regular", "bigint"),
        "size_bytes": ("regular", "bigint"),
    },
    "clients": {
        "address": ("partition_key", "inet"),
        "port": ("clustering", "int"),
        "connection_stage": ("regular", "text"),
        "driver_name": ("regular", "text"),
        "driver_version": ("regular", "text"),
        "hostname": ("regular", "text"),
        "protocol_version": ("regular", "int"),
        "request_count": ("regular", "bigint"),
        "ssl_cipher_suite": ("regular", "text"),
        "ssl_enabled": ("regular", "boolean"),
        "ssl_protocol": ("regular", "text"),
        "username": ("regular", "text"),
    },
    "settings": {"name": ("partition_key", "text"), "value": ("regular", "text")},
    "sstable_tasks": {
        "keyspace_name": ("partition_key", "text"),
        "table_name": ("clustering", "text"),
        "task_id": ("clustering", "uuid"),
        "completion_ratio": ("regular", "double"),
        "kind": ("regular", "text"),
        "progress": ("regular", "bigint"),
        "total": ("regular", "bigint"),
        "unit": ("regular", "text"),
    },
    "thread_pools": {
        "name": ("partition_key", "text"),
        "active_tasks": ("regular", "int"),
        "active_tasks_limit": ("regular", "int"),
        "blocked_tasks": ("regular", "bigint"),
        "blocked_tasks_all_time": ("regular", "bigint"),
        "completed_tasks": ("regular", "bigint"),
        "pending_tasks": ("regular", "int"),
    },
    "internode_inbound": dict(
        INTERNODE_KEY,
        **{
            name: ("regular", "bigint")
            for name in [
                "corrupt_frames_recovered",
                "corrupt_frames_unrecovered",
                "error_bytes",
                "error_count",
                "expired_bytes",
                "expired_count",
                "processed_bytes",
                "processed_count",
                "received_bytes",
                "received_count",
                "scheduled_bytes",
                "scheduled_count",
                "throttled_count",
                "throttled_nanos",
                "using_bytes",
                "using_reserve_bytes",
            ]
        },
    ),
    "internode_outbound": dict(
        INTERNODE_KEY,
        **{
            name: ("regular", "bigint")
            for name in [
                "active_connections",
                "connection_attempts",
                "error_bytes",
                "error_count",
                "expired_bytes",
                "expired_count",
                "overload_bytes",
                "overload_count",
                "pending_bytes",
                "pending_count",
                "sent_bytes",
                "sent_count",
                "successful_connection_attempts",
                "using_bytes",
                "using_reserve_bytes",
            ]
        },
    ),
    "local_read_latency": LATENCY,
    "local_scan_latency": LATENCY,
    "local_write_latency": LATENCY,
    "coordinator_read_latency": LATENCY,
    "coordinator_scan_latency": LATENCY,
    "coordinator_write_latency": LATENCY,
    "tombstones_per_read": HISTOGRAM,
    "rows_per_read": HISTOGRAM,
    "disk_usage": SIZE,
    "max_partition_size": SIZE,
}


def test_system_views_is_listed_as_a_virtual_keyspace(session):
    names = {r.keyspace_name for r in session.execute("SELECT keyspace_name FROM system_virtual_schema.keyspaces")}
    assert {"system_views", "system_virtual_schema"} <= names
    # Virtual keyspaces are not schema-table keyspaces.
    schema = {r.keyspace_name for r in session.execute("SELECT keyspace_name FROM system_schema.keyspaces")}
    assert "system_views" not in schema
    tables = {
        r.table_name: r.comment
        for r in session.execute(
            "SELECT table_name, comment FROM system_virtual_schema.tables WHERE keyspace_name = 'system_views'"
        )
    }
    assert TABLES <= set(tables)
    assert tables["settings"] == "current settings"
    assert tables["clients"] == "currently connected clients"
    assert tables["caches"] == "system caches"
    assert tables["sstable_tasks"] == "current sstable tasks"
    assert tables["thread_pools"] == ""


@pytest.mark.parametrize("table", sorted(COLUMNS))
def test_columns_of_each_table(session, table):
    rows = session.execute(
        "SELECT column_name, kind, type, position, clustering_order FROM system_virtual_schema.columns "
        "WHERE keyspace_name = 'system_views' AND table_name = %s",
        [table],
    )
    got = {}
    for r in rows:
        got[r.column_name] = (r.kind, r.type)
        if r.kind == "regular":
            assert (r.position, r.clustering_order) == (-1, "none")
        elif r.kind == "clustering":
            assert r.clustering_order == "asc"
    assert got == COLUMNS[table]


def test_driver_metadata_has_the_tables_without_warnings(caplog):
    with caplog.at_level(logging.WARNING, logger="cassandra"):
        c = make_cluster(5 if 5 in protocol_versions() else 4, "none")
        try:
            c.connect()
            ks = c.metadata.keyspaces["system_views"]
            assert ks.virtual
            assert TABLES <= set(ks.tables)
            clients = ks.tables["clients"]
            assert clients.virtual
            assert [col.name for col in clients.partition_key] == ["address"]
            assert [col.name for col in clients.clustering_key] == ["port"]
            assert clients.columns["request_count"].cql_type == "bigint"
            latency = ks.tables["local_read_latency"]
            assert [col.name for col in latency.partition_key] == ["keyspace_name", "table_name"]
            assert latency.columns["p99th_ms"].cql_type == "double"
            # DESCRIBE-style export of a virtual keyspace works.
            assert "VIRTUAL TABLE system_views.settings" in ks.export_as_string()
        finally:
            c.shutdown()
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == []


def test_settings_rows(session):
    local = session.execute("SELECT cluster_name, partitioner, tokens FROM system.local").one()
    rows = list(session.execute("SELECT * FROM system_views.settings"))
    assert rows and all(isinstance(r.name, str) for r in rows)
    values = {r.name: r.value for r in rows}
    assert values["cluster_name"] == local.cluster_name
    assert values["partitioner"] == local.partitioner
    assert int(values["num_tokens"]) == len(local.tokens)
    # Settings the node's batch checks use (values depend on the node's cassandra.yaml).
    assert int(values["batch_size_warn_threshold_in_kb"]) <= int(values["batch_size_fail_threshold_in_kb"])
    assert values["cdc_enabled"] in ("true", "false")
    one = session.execute("SELECT name, value FROM system_views.settings WHERE name = 'cluster_name'").one()
    assert tuple(one) == ("cluster_name", local.cluster_name)
    assert session.execute("SELECT * FROM system_views.settings WHERE name = 'no_such_setting'").one() is None


def test_filtering_a_virtual_table_needs_allow_filtering(session):
    with pytest.raises(InvalidRequest) as err:
        session.execute("SELECT name FROM system_views.settings WHERE value = 'true'")
    assert "ALLOW FILTERING" in str(err.value)
    rows = session.execute("SELECT name, value FROM system_views.settings WHERE value = 'true' ALLOW FILTERING")
    assert all(r.value == "true" for r in rows)


def test_clients_lists_this_connection(cluster, session):
    rows = list(session.execute("SELECT * FROM system_views.clients"))
    assert rows
    assert set(rows[0]._fields) == set(COLUMNS["clients"])
    ours = [r for r in rows if r.driver_name == "Apache Cassandra Python Driver"]
    assert ours, rows
    for r in ours:
        assert isinstance(r.port, int) and r.port > 0
        assert r.protocol_version == cluster.protocol_version
        assert r.connection_stage == "ready"
        assert r.request_count > 0
        assert isinstance(r.driver_version, str) and r.driver_version
        assert r.ssl_enabled is False
        assert r.ssl_protocol is None and r.ssl_cipher_suite is None
    # The partition key restricts to one client address.
    addr = ours[0].address
    by_addr = list(session.execute("SELECT address, port FROM system_views.clients WHERE address = %s", [addr]))
    assert (addr, ours[0].port) in [tuple(r) for r in by_addr]


def test_clients_shows_each_connections_protocol_version():
    c = make_cluster(3, "none")
    try:
        s = c.connect()
        versions = {r.protocol_version for r in s.execute("SELECT protocol_version FROM system_views.clients")}
        assert 3 in versions
    finally:
        c.shutdown()


def test_empty_tables_are_well_typed(session):
    for table in ["sstable_tasks", "internode_inbound", "internode_outbound"]:
        rs = session.execute(f"SELECT * FROM system_views.{table}")
        assert set(rs.column_names) == set(COLUMNS[table])
        list(rs)


@pytest.mark.parametrize(
    "cql",
    [
        "INSERT INTO system_views.settings (name, value) VALUES ('cluster_name', 'x')",
        "UPDATE system_views.settings SET value = 'x' WHERE name = 'cluster_name'",
    ],
)
def test_modifications_are_refused(session, cql):
    with pytest.raises(InvalidRequest) as err:
        session.execute(cql)
    assert "Modification is not supported by table system_views.settings" in str(err.value)


def test_delete_ttl_and_conditions_are_refused(session):
    cases = [
        ("DELETE FROM system_views.settings WHERE name = 'cluster_name'", "Virtual tables don't support DELETE statements"),
        (
            "INSERT INTO system_views.settings (name, value) VALUES ('a', 'b') USING TTL 10",
            "Expiring columns are not supported by virtual tables",
        ),
        (
            "INSERT INTO system_views.settings (name, value) VALUES ('a', 'b') IF NOT EXISTS",
            "Conditional updates are not supported by virtual tables",
        ),
        (
            "UPDATE system_views.settings SET value = 'b' WHERE name = 'a' IF value = 'c'",
            "Conditional updates are not supported by virtual tables",
        ),
    ]
    for cql, message in cases:
        with pytest.raises(InvalidRequest) as err:
            session.execute(cql)
        assert message in str(err.value), cql


def test_truncate_is_refused(session):
    with pytest.raises(InvalidRequest) as err:
        session.execute("TRUNCATE system_views.settings")
    assert "Cannot truncate virtual tables" in str(err.value)
    assert session.execute("SELECT * FROM system_views.settings WHERE name = 'cluster_name'").one() is not None


def test_batches_with_virtual_tables_are_refused(session, ks):
    session.execute("CREATE TABLE t (k int PRIMARY KEY, v int)")
    update = "UPDATE system_views.settings SET value = 'x' WHERE name = 'cluster_name';"
    cases = [
        (f"BEGIN BATCH {update} APPLY BATCH", "Cannot include a virtual table statement in a logged batch"),
        (
            f"BEGIN UNLOGGED BATCH {update} INSERT INTO t (k, v) VALUES (1, 1); APPLY BATCH",
            "Mutations for virtual and regular tables cannot exist in the same batch",
        ),
        (
            "BEGIN UNLOGGED BATCH UPDATE system_views.settings SET value = 'x' WHERE name = 'a' IF value = 'y'; "
            "APPLY BATCH",
            "Conditional BATCH statements cannot include mutations for virtual tables",
        ),
        (f"BEGIN UNLOGGED BATCH {update} APPLY BATCH", "Modification is not supported by table system_views.settings"),
    ]
    for cql, message in cases:
        with pytest.raises(InvalidRequest) as err:
            session.execute(cql)
        assert message in str(err.value), cql
    assert session.execute("SELECT * FROM t").one() is None


@pytest.mark.parametrize(
    "cql",
    [
        "CREATE TABLE system_views.mine (k int PRIMARY KEY)",
        "DROP TABLE system_views.settings",
        "ALTER TABLE system_views.settings ADD extra text",
        "DROP KEYSPACE system_views",
        "ALTER KEYSPACE system_views WITH durable_writes = false",
        "CREATE TABLE system_virtual_schema.mine (k int PRIMARY KEY)",
        "CREATE TYPE system_views.mine (a int)",
        "CREATE INDEX ON system_views.settings (value)",
    ],
)
def test_ddl_on_system_views_is_unauthorized(session, cql):
    keyspace = cql.split(" system_", 1)[1].split(".")[0].split(" ")[0]
    with pytest.raises(Unauthorized) as err:
        session.execute(cql)
    assert f"system_{keyspace} keyspace is not user-modifiable." in str(err.value)

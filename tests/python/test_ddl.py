"""DDL kinds and their visibility in system_schema, as Cassandra 4.0 shows them."""

import pytest
from cassandra import InvalidRequest
from conftest import when_index_ready


def schema_rows(session, table, ks):
    return list(session.execute(f"SELECT * FROM system_schema.{table} WHERE keyspace_name = %s", (ks,)))


def test_keyspace_create_alter_drop(session):
    session.execute(
        "CREATE KEYSPACE IF NOT EXISTS conf_ddl_ks WITH replication = "
        "{'class': 'NetworkTopologyStrategy', 'datacenter1': 1} AND durable_writes = false"
    )
    try:
        row = session.execute("SELECT * FROM system_schema.keyspaces WHERE keyspace_name = 'conf_ddl_ks'").one()
        assert row.durable_writes is False
        assert row.replication["class"] == "org.apache.cassandra.locator.NetworkTopologyStrategy"
        assert row.replication["datacenter1"] == "1"
        session.execute(
            "ALTER KEYSPACE conf_ddl_ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1} "
            "AND durable_writes = true"
        )
        row = session.execute("SELECT * FROM system_schema.keyspaces WHERE keyspace_name = 'conf_ddl_ks'").one()
        assert row.durable_writes is True
        assert dict(row.replication) == {
            "class": "org.apache.cassandra.locator.SimpleStrategy",
            "replication_factor": "1",
        }
    finally:
        session.execute("DROP KEYSPACE conf_ddl_ks")
    assert session.execute("SELECT * FROM system_schema.keyspaces WHERE keyspace_name = 'conf_ddl_ks'").one() is None
    session.execute("DROP KEYSPACE IF EXISTS conf_ddl_ks")


def test_table_columns_kinds_and_options(session, ks):
    session.execute(
        "CREATE TABLE t (a int, b text, c timeuuid, s int STATIC, v frozen<list<int>>, m map<text, int>, "
        "PRIMARY KEY ((a, b), c)) WITH CLUSTERING ORDER BY (c DESC) AND comment = 'hello' "
        "AND gc_grace_seconds = 3600 AND default_time_to_live = 60"
    )
    cols = {r.column_name: r for r in schema_rows(session, "columns", ks)}
    assert (cols["a"].kind, cols["a"].position) == ("partition_key", 0)
    assert (cols["b"].kind, cols["b"].position) == ("partition_key", 1)
    assert (cols["c"].kind, cols["c"].clustering_order) == ("clustering", "desc")
    assert cols["s"].kind == "static" and cols["m"].kind == "regular"
    assert cols["v"].type == "frozen<list<int>>" and cols["m"].type == "map<text, int>"
    tab = schema_rows(session, "tables", ks)[0]
    assert (tab.table_name, tab.comment, tab.gc_grace_seconds, tab.default_time_to_live) == ("t", "hello", 3600, 60)
    session.execute("ALTER TABLE t WITH comment = 'changed'")
    session.execute("ALTER TABLE t ADD extra text")
    session.execute("ALTER TABLE t DROP m")
    session.execute("ALTER TABLE t RENAME c TO c2")
    cols = {r.column_name: r for r in schema_rows(session, "columns", ks)}
    assert "extra" in cols and "m" not in cols and "c2" in cols and "c" not in cols
    assert schema_rows(session, "tables", ks)[0].comment == "changed"
    assert [r.column_name for r in schema_rows(session, "dropped_columns", ks)] == ["m"]
    with pytest.raises(InvalidRequest):
        session.execute("ALTER TABLE t RENAME extra TO other")  # only primary key columns can be renamed
    session.execute("DROP TABLE t")
    assert schema_rows(session, "tables", ks) == []
    session.execute("DROP TABLE IF EXISTS t")
    with pytest.raises(InvalidRequest):
        session.execute("DROP TABLE t")


def test_types_alter_and_drop(session, ks):
    session.execute("CREATE TYPE pt (x int, y int)")
    session.execute("ALTER TYPE pt ADD z int")
    session.execute("ALTER TYPE pt RENAME x TO xx")
    row = schema_rows(session, "types", ks)[0]
    assert list(row.field_names) == ["xx", "y", "z"] and list(row.field_types) == ["int", "int", "int"]
    session.execute("CREATE TABLE uses (k int PRIMARY KEY, p frozen<pt>)")
    with pytest.raises(InvalidRequest):
        session.execute("DROP TYPE pt")  # still used by a table
    session.execute("DROP TABLE uses")
    session.execute("DROP TYPE pt")
    assert schema_rows(session, "types", ks) == []


def test_indexes_create_and_drop(session, ks):
    session.execute("CREATE TABLE ix (k int PRIMARY KEY, v text, tags set<text>, attrs map<text, int>)")
    session.execute("CREATE INDEX ON ix (v)")
    session.execute("CREATE INDEX tag_idx ON ix (tags)")
    session.execute("CREATE INDEX attr_entries ON ix (ENTRIES(attrs))")
    idx = {r.index_name: r for r in schema_rows(session, "indexes", ks)}
    assert set(idx) == {"ix_v_idx", "tag_idx", "attr_entries"}
    assert idx["ix_v_idx"].options["target"] == "v"
    assert idx["tag_idx"].options["target"] == "values(tags)"
    assert idx["attr_entries"].options["target"] == "entries(attrs)"
    assert idx["ix_v_idx"].kind == "COMPOSITES"
    session.execute("INSERT INTO ix (k, v, attrs) VALUES (1, 'a', {'n': 5})")
    assert [r.k for r in when_index_ready(session, "SELECT k FROM ix WHERE attrs['n'] = 5")] == [1]
    session.execute("DROP INDEX ix_v_idx")
    assert "ix_v_idx" not in {r.index_name for r in schema_rows(session, "indexes", ks)}
    session.execute("DROP INDEX IF EXISTS ix_v_idx")


def test_use_switches_keyspace(session, ks):
    session.execute("CREATE TABLE here (k int PRIMARY KEY)")
    session.execute("USE system")
    with pytest.raises(InvalidRequest):
        session.execute("SELECT * FROM here")
    session.execute(f"USE {ks}")
    assert list(session.execute("SELECT * FROM here")) == []

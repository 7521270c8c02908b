"""The driver's full cluster metadata builds from the node's system tables without problems."""

from conftest import make_cluster


def test_full_schema_metadata(session, ks, cluster, driver_log):
    session.execute("CREATE TYPE address (street text, zip int)")
    session.execute(
        "CREATE TABLE posts (user text, at timeuuid, title text, tags set<text>, addr frozen<address>, "
        "likes int static, PRIMARY KEY ((user), at)) WITH CLUSTERING ORDER BY (at DESC) "
        "AND comment = 'blog posts' AND default_time_to_live = 3600"
    )
    session.execute("CREATE INDEX posts_title_idx ON posts (title)")
    version, comp = cluster.protocol_version, "none"
    c = make_cluster(version, comp)  # schema metadata on (the default)
    try:
        c.connect()
        meta = c.metadata
        assert meta.cluster_name
        ksm = meta.keyspaces[ks]
        assert ksm.replication_strategy.replication_factor_info == 1 or "SimpleStrategy" in ksm.replication_strategy.export_for_schema()
        t = ksm.tables["posts"]
        assert [col.name for col in t.partition_key] == ["user"]
        assert [col.name for col in t.clustering_key] == ["at"]
        assert t.clustering_key[0].is_reversed
        assert t.columns["likes"].is_static
        assert t.columns["tags"].cql_type == "set<text>"
        assert t.columns["addr"].cql_type == "frozen<address>"
        assert t.options["comment"] == "blog posts"
        assert t.options["default_time_to_live"] == 3600
        assert "posts_title_idx" in t.indexes
        assert t.indexes["posts_title_idx"].index_options["target"] == "title"
        udt = ksm.user_types["address"]
        assert udt.field_names == ["street", "zip"] and udt.field_types == ["text", "int"]
        cql = t.export_as_string()
        assert "CREATE TABLE" in cql and "CLUSTERING ORDER BY (at DESC)" in cql
        assert "system" in meta.keyspaces and "system_schema" in meta.keyspaces
        assert len(meta.all_hosts()) == 1
        host = meta.all_hosts()[0]
        assert host.release_version and host.datacenter and host.rack
        assert meta.token_map is not None
    finally:
        c.shutdown()
    problems = [r for r in driver_log.records if r.levelname in ("WARNING", "ERROR")]
    assert not problems, [r.getMessage() for r in problems]


def test_system_local(session):
    r = session.execute("SELECT key, cluster_name, release_version, partitioner, cql_version FROM system.local").one()
    assert r.key == "local"
    assert r.partitioner == "org.apache.cassandra.dht.Murmur3Partitioner"
    assert r.release_version.startswith("4.")
    assert r.cql_version.startswith("3.4")


def test_local_tokens_as_num_tokens_16(session, cluster):
    # Cassandra 4.0's cassandra.yaml ships num_tokens: 16, so a fresh single node owns 16
    # vnodes and the driver's token map has 16 entries for it.
    tokens = session.execute("SELECT tokens FROM system.local").one().tokens
    assert len(tokens) == 16
    values = sorted(int(t) for t in tokens)
    assert len(set(values)) == 16
    assert all(-(2**63) <= t < 2**63 for t in values)
    ring = cluster.metadata.token_map.ring
    assert len(ring) == 16
    assert sorted(t.value for t in ring) == values


def test_schema_event_refresh(session, ks, cluster):
    session.execute("CREATE TABLE ev (k int PRIMARY KEY)")
    # The control connection receives the SCHEMA_CHANGE event and the driver refreshes its metadata.
    assert cluster.refresh_schema_metadata(max_schema_agreement_wait=5) is None or True
    assert "ev" in cluster.metadata.keyspaces[ks].tables

"""DDL checks Cassandra 4.0 makes (CreateTableStatement, TableMetadata.validate, CachingParams,
CompactionParams, CompressionParams, ClientState.preventSystemKSSchemaModification) and the
table options it writes into system_schema.tables."""

import pytest
from cassandra import InvalidRequest, Unauthorized
from cassandra.protocol import ConfigurationException, SyntaxException


def test_two_primary_key_clauses(session, ks):
    with pytest.raises(InvalidRequest) as err:
        session.execute("CREATE TABLE t2pk (a int PRIMARY KEY, b int, PRIMARY KEY (b))")
    assert "Multiple PRIMARY KEY specified for table 't2pk' (exactly one required)" in str(err.value)


def test_unknown_compaction_class(session, ks):
    with pytest.raises(ConfigurationException) as err:
        session.execute("CREATE TABLE tc (a int PRIMARY KEY) WITH compaction = {'class': 'NoSuchStrategy'}")
    assert "Unable to find compaction strategy class 'org.apache.cassandra.db.compaction.NoSuchStrategy'" in str(err.value)


def test_bad_caching_options(session, ks):
    with pytest.raises(ConfigurationException) as err:
        session.execute("CREATE TABLE c1 (a int PRIMARY KEY) WITH caching = {'keys': 'SOME'}")
    assert "Invalid value 'SOME' for caching sub-option 'keys': only 'ALL' and 'NONE' are allowed" in str(err.value)
    with pytest.raises(ConfigurationException) as err:
        session.execute("CREATE TABLE c2 (a int PRIMARY KEY) WITH caching = {'rows_per_partition': 'many'}")
    assert "Invalid value 'many' for caching sub-option 'rows_per_partition': only 'ALL', 'NONE', and integer values are allowed" in str(err.value)
    with pytest.raises(ConfigurationException) as err:
        session.execute("CREATE TABLE c3 (a int PRIMARY KEY) WITH caching = {'foo': 'x'}")
    assert "Invalid caching sub-options [foo]: only 'keys' and 'rows_per_partition' are allowed" in str(err.value)


def test_table_options_as_system_schema_shows_them(session, ks):
    session.execute(
        "CREATE TABLE opts (a int PRIMARY KEY) WITH compaction = {'class': 'LeveledCompactionStrategy'} "
        "AND compression = {} AND caching = {'rows_per_partition': '10'}"
    )
    row = session.execute(
        "SELECT compaction, compression, caching, cdc, extensions, read_repair FROM system_schema.tables "
        "WHERE keyspace_name = %s AND table_name = 'opts'",
        (ks,),
    ).one()
    assert dict(row.compaction) == {
        "class": "org.apache.cassandra.db.compaction.LeveledCompactionStrategy",
        "max_threshold": "32",
        "min_threshold": "4",
    }
    assert dict(row.compression) == {"enabled": "false"}
    # A missing 'keys' means NONE, not the default ALL.
    assert dict(row.caching) == {"keys": "NONE", "rows_per_partition": "10"}
    # cdc is only written when cdc_enabled is on in cassandra.yaml (off by default).
    assert row.cdc is None
    assert not row.extensions
    assert row.read_repair == "BLOCKING"


def test_table_name_rules(session, ks):
    session.execute(f"CREATE TABLE {'t' * 48} (a int PRIMARY KEY)")
    with pytest.raises(ConfigurationException) as err:
        session.execute(f"CREATE TABLE {'t' * 49} (a int PRIMARY KEY)")
    assert "Table name must not be empty, more than 48 characters long" in str(err.value)
    with pytest.raises(ConfigurationException) as err:
        session.execute('CREATE TABLE "täble" (a int PRIMARY KEY)')
    assert f'{ks}.täble: Table name must not be empty' in str(err.value)


def test_dropped_column_readded_with_incompatible_type(session, ks):
    session.execute("CREATE TABLE dr (a int PRIMARY KEY, b int, c ascii)")
    session.execute("ALTER TABLE dr DROP b")
    session.execute("ALTER TABLE dr DROP c")
    with pytest.raises(InvalidRequest) as err:
        session.execute("ALTER TABLE dr ADD b text")
    assert "Cannot re-add previously dropped column 'b' of type text, incompatible with previous type int" in str(err.value)
    session.execute("ALTER TABLE dr ADD b varint")
    session.execute("ALTER TABLE dr ADD c text")


def test_type_named_like_a_native_type(session, ks):
    with pytest.raises(SyntaxException):
        session.execute("CREATE TYPE int (a int)")
    with pytest.raises(SyntaxException) as err:
        session.execute("CREATE TYPE byte (a int)")
    assert "Invalid (reserved) user type name byte" in str(err.value)


def test_alter_if_exists_is_not_cql_in_4_0(session, ks):
    session.execute("CREATE TABLE al (a int PRIMARY KEY, b int)")
    for cql in [
        "ALTER TABLE IF EXISTS al ADD c int",
        "ALTER TABLE al ADD IF NOT EXISTS c int",
        "ALTER TABLE al DROP IF EXISTS b",
    ]:
        with pytest.raises(SyntaxException):
            session.execute(cql)


def test_sasi_is_disabled(session, ks):
    session.execute("CREATE TABLE sasi (a int PRIMARY KEY, b text)")
    with pytest.raises(InvalidRequest) as err:
        session.execute("CREATE CUSTOM INDEX ON sasi (b) USING 'org.apache.cassandra.index.sasi.SASIIndex'")
    assert "SASI indexes are disabled. Enable in cassandra.yaml to use." in str(err.value)


def test_system_keyspaces_refuse_schema_changes(session, ks):
    with pytest.raises(Unauthorized) as err:
        session.execute("CREATE TABLE system.mine (a int PRIMARY KEY)")
    assert "system keyspace is not user-modifiable." in str(err.value)
    with pytest.raises(Unauthorized) as err:
        session.execute("DROP TABLE system_schema.tables")
    assert "system_schema keyspace is not user-modifiable." in str(err.value)
    with pytest.raises(Unauthorized) as err:
        session.execute("ALTER TABLE system_auth.roles WITH comment = 'x'")
    assert "Cannot ALTER <table system_auth.roles>" in str(err.value)
    with pytest.raises(Unauthorized) as err:
        session.execute("DROP KEYSPACE system_distributed")
    assert "Cannot DROP <keyspace system_distributed>" in str(err.value)

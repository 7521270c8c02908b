"""Table options as Cassandra 4.0 stores them in system_schema.tables (SchemaKeyspace
addTableParamsToRowBuilder, TableParams, CompactionParams, CompressionParams, CachingParams,
SpeculativeRetryPolicy and its Percentile/Fixed/Hybrid/Always/Never forms) after CREATE and
ALTER TABLE, the refusals of invalid values, and the driver's export of such tables."""

import pytest
from cassandra import InvalidRequest
from cassandra.protocol import ConfigurationException, SyntaxException

STCS = "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy"
LCS = "org.apache.cassandra.db.compaction.LeveledCompactionStrategy"
LZ4 = "org.apache.cassandra.io.compress.LZ4Compressor"


def options(session, ks, table):
    return session.execute(
        "SELECT * FROM system_schema.tables WHERE keyspace_name = %s AND table_name = %s", (ks, table)
    ).one()


def cdc_enabled(session):
    row = session.execute("SELECT value FROM system_views.settings WHERE name = 'cdc_enabled'").one()
    return row is not None and row.value == "true"


def test_defaults(session, ks):
    session.execute("CREATE TABLE dflt (k int PRIMARY KEY, v text)")
    row = options(session, ks, "dflt")
    assert row.additional_write_policy == "99p"
    assert row.bloom_filter_fp_chance == 0.01
    assert dict(row.caching) == {"keys": "ALL", "rows_per_partition": "NONE"}
    assert row.comment == ""
    assert dict(row.compaction) == {"class": STCS, "max_threshold": "32", "min_threshold": "4"}
    assert dict(row.compression) == {"chunk_length_in_kb": "16", "class": LZ4}
    assert row.crc_check_chance == 1.0
    assert row.dclocal_read_repair_chance == 0.0
    assert row.default_time_to_live == 0
    assert not row.extensions
    assert set(row.flags) == {"compound"}
    assert row.gc_grace_seconds == 864000
    assert row.max_index_interval == 2048
    assert row.memtable_flush_period_in_ms == 0
    assert row.min_index_interval == 128
    assert row.read_repair == "BLOCKING"
    assert row.read_repair_chance == 0.0
    assert row.speculative_retry == "99p"
    # `cdc` is only written when the node has cdc_enabled (off by default): null then.
    if not cdc_enabled(session):
        assert row.cdc is None


def test_given_options(session, ks):
    session.execute(
        "CREATE TABLE given (k int, c int, v text, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (c DESC) "
        "AND compaction = {'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb': '128'} "
        "AND compression = {'class': 'SnappyCompressor', 'chunk_length_in_kb': '64'} "
        "AND caching = {'keys': 'NONE', 'rows_per_partition': 'ALL'} "
        "AND read_repair = 'NONE' AND speculative_retry = '99.5PERCENTILE' "
        "AND additional_write_policy = 'always' AND comment = 'it''s mine' "
        "AND gc_grace_seconds = 3600 AND default_time_to_live = 60 AND bloom_filter_fp_chance = 0.1 "
        "AND crc_check_chance = 0.5 AND memtable_flush_period_in_ms = 60000 "
        "AND min_index_interval = 64 AND max_index_interval = 1024"
    )
    row = options(session, ks, "given")
    assert dict(row.compaction) == {
        "class": LCS,
        "max_threshold": "32",
        "min_threshold": "4",
        "sstable_size_in_mb": "128",
    }
    assert dict(row.compression) == {
        "chunk_length_in_kb": "64",
        "class": "org.apache.cassandra.io.compress.SnappyCompressor",
    }
    assert dict(row.caching) == {"keys": "NONE", "rows_per_partition": "ALL"}
    assert row.read_repair == "NONE"
    assert row.speculative_retry == "99.5p"
    assert row.additional_write_policy == "ALWAYS"
    assert row.comment == "it's mine"
    assert (row.gc_grace_seconds, row.default_time_to_live) == (3600, 60)
    assert (row.bloom_filter_fp_chance, row.crc_check_chance) == (0.1, 0.5)
    assert row.memtable_flush_period_in_ms == 60000
    assert (row.min_index_interval, row.max_index_interval) == (64, 1024)


def test_numeric_options_read_as_java_reads_them(session, ks):
    # TableAttributes.getDouble is Double.parseDouble (a type suffix and spaces are fine);
    # getInt is Integer.parseInt, which trims nothing.
    session.execute("CREATE TABLE nj (k int PRIMARY KEY) WITH crc_check_chance = ' 0.5d'")
    assert options(session, ks, "nj").crc_check_chance == 0.5


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("crc_check_chance", "inf", "Invalid double value inf for 'crc_check_chance'"),
        ("bloom_filter_fp_chance", "nan", "Invalid double value nan for 'bloom_filter_fp_chance'"),
        ("gc_grace_seconds", " 10", "Invalid integer value  10 for 'gc_grace_seconds'"),
    ],
)
def test_numeric_options_java_does_not_read(session, ks, option, value, message):
    with pytest.raises(SyntaxException) as err:
        session.execute(f"CREATE TABLE nj (k int PRIMARY KEY) WITH {option} = '{value}'")
    assert message in str(err.value)


def test_bloom_filter_default_follows_the_compaction_strategy(session, ks):
    # TableParams: an unset bloom_filter_fp_chance takes the strategy's default at CREATE.
    session.execute("CREATE TABLE lcs (k int PRIMARY KEY) WITH compaction = {'class': 'LeveledCompactionStrategy'}")
    assert options(session, ks, "lcs").bloom_filter_fp_chance == 0.1
    session.execute(
        "CREATE TABLE lcs2 (k int PRIMARY KEY) WITH compaction = {'class': 'LeveledCompactionStrategy'} "
        "AND bloom_filter_fp_chance = 0.02"
    )
    assert options(session, ks, "lcs2").bloom_filter_fp_chance == 0.02
    # ALTER starts from the table's current value.
    session.execute("CREATE TABLE stcs (k int PRIMARY KEY)")
    session.execute("ALTER TABLE stcs WITH compaction = {'class': 'LeveledCompactionStrategy'}")
    assert options(session, ks, "stcs").bloom_filter_fp_chance == 0.01


@pytest.mark.parametrize(
    "given,shown",
    [
        ("99p", "99p"),
        ("99PERCENTILE", "99p"),
        ("95.25percentile", "95.25p"),
        ("0.5p", ".5p"),
        ("50ms", "50ms"),
        ("10.9MS", "10ms"),
        ("always", "ALWAYS"),
        ("NONE", "NEVER"),
        ("never", "NEVER"),
        ("min(99p,50ms)", "MIN(99p,50ms)"),
        ("MAX(10ms , 90percentile)", "MAX(90p,10ms)"),
    ],
)
def test_speculative_retry_forms(session, ks, given, shown):
    session.execute(f"CREATE TABLE sr (k int PRIMARY KEY) WITH speculative_retry = '{given}'")
    assert options(session, ks, "sr").speculative_retry == shown
    session.execute(f"ALTER TABLE sr WITH additional_write_policy = '{given}'")
    assert options(session, ks, "sr").additional_write_policy == shown


@pytest.mark.parametrize(
    "option,value,message",
    [
        ("speculative_retry", "sometimes", "Invalid value sometimes for option 'speculative_retry'"),
        ("speculative_retry", "1.2.3p", "Invalid value 1.2.3p for option 'speculative_retry'"),
        (
            "speculative_retry",
            "100p",
            "Invalid value 100p for PERCENTILE option 'speculative_retry': must be between (0.0 and 100.0)",
        ),
        (
            "speculative_retry",
            "MIN(99p,98p)",
            "Invalid value MIN(99p,98p) for option 'speculative_retry': MIN()/MAX() arguments should be of "
            "different types, but both are of type PERCENTILE",
        ),
        # The same parser, with the same option name in its message.
        ("additional_write_policy", "later", "Invalid value later for option 'speculative_retry'"),
    ],
)
def test_invalid_retry_policies(session, ks, option, value, message):
    with pytest.raises(ConfigurationException) as err:
        session.execute(f"CREATE TABLE bad (k int PRIMARY KEY) WITH {option} = '{value}'")
    assert message in str(err.value)


def test_invalid_read_repair_is_a_server_error(session, ks):
    # ReadRepairStrategy.fromString is Enum.valueOf: its IllegalArgumentException is not a
    # request error, so the node answers a server error (which the driver tries on the next
    # host, then reports as NoHostAvailable with the node's error inside).
    with pytest.raises(Exception) as err:
        session.execute("CREATE TABLE rr (k int PRIMARY KEY) WITH read_repair = 'sometimes'")
    assert (
        "java.lang.IllegalArgumentException: No enum constant "
        "org.apache.cassandra.service.reads.repair.ReadRepairStrategy.SOMETIMES"
    ) in str(err.value)
    session.execute("CREATE TABLE rr (k int PRIMARY KEY) WITH read_repair = 'none'")
    assert options(session, ks, "rr").read_repair == "NONE"


@pytest.mark.parametrize(
    "given,shown",
    [
        ("{'enabled': 'false'}", {"enabled": "false"}),
        ("{}", {"enabled": "false"}),
        ("{'class': 'LZ4Compressor'}", {"chunk_length_in_kb": "16", "class": LZ4}),
        (
            "{'class': 'org.apache.cassandra.io.compress.DeflateCompressor', 'chunk_length_in_kb': '4'}",
            {"chunk_length_in_kb": "4", "class": "org.apache.cassandra.io.compress.DeflateCompressor"},
        ),
        (
            "{'sstable_compression': 'SnappyCompressor', 'chunk_length_kb': '32'}",
            {"chunk_length_in_kb": "32", "class": "org.apache.cassandra.io.compress.SnappyCompressor"},
        ),
    ],
)
def test_compression_forms(session, ks, given, shown):
    session.execute(f"CREATE TABLE comp (k int PRIMARY KEY) WITH compression = {given}")
    assert dict(options(session, ks, "comp").compression) == shown


@pytest.mark.parametrize(
    "given,message",
    [
        ("{'chunk_length_in_kb': '16'}", "Missing sub-option 'class' for the 'compression' option"),
        (
            "{'enabled': 'false', 'class': 'LZ4Compressor'}",
            "If the 'enabled' option is set to false no other options must be specified",
        ),
        ("{'class': 'LZ4Compressor', 'chunk_length_in_kb': '3'}", "chunk_length_in_kb must be a power of 2"),
        (
            "{'class': 'NoSuchCompressor'}",
            "Could not create Compression for type org.apache.cassandra.io.compress.NoSuchCompressor",
        ),
        ("{'class': 'SnappyCompressor', 'level': '3'}", "Unknown compression options level"),
    ],
)
def test_invalid_compression(session, ks, given, message):
    with pytest.raises(ConfigurationException) as err:
        session.execute(f"CREATE TABLE badc (k int PRIMARY KEY) WITH compression = {given}")
    assert message in str(err.value)


def test_compaction_thresholds_given_are_kept(session, ks):
    session.execute(
        "CREATE TABLE twcs (k int PRIMARY KEY) WITH compaction = {'class': 'TimeWindowCompactionStrategy', "
        "'compaction_window_unit': 'DAYS', 'compaction_window_size': '1', 'min_threshold': '6'}"
    )
    assert dict(options(session, ks, "twcs").compaction) == {
        "class": "org.apache.cassandra.db.compaction.TimeWindowCompactionStrategy",
        "compaction_window_size": "1",
        "compaction_window_unit": "DAYS",
        "max_threshold": "32",
        "min_threshold": "6",
    }
    session.execute("ALTER TABLE twcs WITH compaction = {'class': 'SizeTieredCompactionStrategy'}")
    assert dict(options(session, ks, "twcs").compaction) == {"class": STCS, "max_threshold": "32", "min_threshold": "4"}


def test_driver_export_of_tables_with_options(cluster, session, ks):
    session.execute(
        "CREATE TABLE exported (k int, c int, v text, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (c DESC) "
        "AND compaction = {'class': 'LeveledCompactionStrategy'} AND compression = {'enabled': 'false'} "
        "AND speculative_retry = 'MIN(99p,50ms)' AND read_repair = 'NONE' AND comment = 'x'"
    )
    session.execute("CREATE TABLE plain (k int PRIMARY KEY)")
    cluster.refresh_schema_metadata()
    meta = cluster.metadata.keyspaces[ks]
    cql = meta.tables["exported"].export_as_string()
    assert f"CREATE TABLE {ks}.exported (" in cql
    assert "CLUSTERING ORDER BY (c DESC)" in cql
    assert "'class': 'org.apache.cassandra.db.compaction.LeveledCompactionStrategy'" in cql
    assert "compression = {'enabled': 'false'}" in cql
    assert "speculative_retry = 'MIN(99p,50ms)'" in cql
    assert "read_repair = 'NONE'" in cql
    assert meta.tables["plain"].options["speculative_retry"] == "99p"
    assert f"CREATE TABLE {ks}.plain" in meta.export_as_string()


MARSHAL = "org.apache.cassandra.db.marshal."
COMPOSITE = f"{MARSHAL}CompositeType({MARSHAL}UTF8Type,{MARSHAL}Int32Type)"
DYNAMIC = f"{MARSHAL}DynamicCompositeType(a=>{MARSHAL}UTF8Type,b=>{MARSHAL}Int32Type)"


@pytest.mark.parametrize(
    "given,message",
    [
        # CompactionParams.fromMap and validate.
        ("{'min_threshold': '4'}", "Missing sub-option 'class' for the 'compaction' option"),
        (
            "{'class': 'SizeTieredCompactionStrategy', 'sstable_size_in_mb': '10'}",
            "Properties specified [sstable_size_in_mb] are not understood by SizeTieredCompactionStrategy",
        ),
        (
            "{'class': 'SizeTieredCompactionStrategy', 'min_threshold': '1'}",
            "Min compaction threshold cannot be less than 2 (got 1)",
        ),
        (
            "{'class': 'SizeTieredCompactionStrategy', 'min_threshold': '8', 'max_threshold': '4'}",
            "Min compaction threshold (got 8) cannot be greater than max compaction threshold (got 4)",
        ),
        (
            "{'class': 'SizeTieredCompactionStrategy', 'max_threshold': 'many'}",
            "Invalid value many for 'max_threshold' compaction sub-option - must be an integer",
        ),
        # AbstractCompactionStrategy.validateOptions, for every strategy.
        (
            "{'class': 'SizeTieredCompactionStrategy', 'tombstone_threshold': '-1'}",
            "tombstone_threshold must be greater than 0, but was -1.000000",
        ),
        (
            "{'class': 'SizeTieredCompactionStrategy', 'tombstone_threshold': 'high'}",
            "high is not a parsable int (base10) for tombstone_threshold",
        ),
        (
            "{'class': 'LeveledCompactionStrategy', 'tombstone_compaction_interval': '-5'}",
            "tombstone_compaction_interval must be greater than 0, but was -5",
        ),
        (
            "{'class': 'SizeTieredCompactionStrategy', 'unchecked_tombstone_compaction': 'yes'}",
            "'unchecked_tombstone_compaction' should be either 'true' or 'false', not 'yes'",
        ),
        (
            "{'class': 'SizeTieredCompactionStrategy', 'log_all': 'maybe'}",
            "'log_all' should either be 'true' or 'false', not maybe",
        ),
        # SizeTieredCompactionStrategyOptions.validateOptions.
        (
            "{'class': 'SizeTieredCompactionStrategy', 'min_sstable_size': '-1'}",
            "min_sstable_size must be non negative: -1",
        ),
        (
            "{'class': 'SizeTieredCompactionStrategy', 'bucket_low': 'low'}",
            "low is not a parsable float for bucket_low",
        ),
        (
            "{'class': 'SizeTieredCompactionStrategy', 'bucket_high': '0.5'}",
            "bucket_high value (0.5) is less than or equal to the bucket_low value (0.5)",
        ),
        (
            "{'class': 'TimeWindowCompactionStrategy', 'bucket_low': '2', 'bucket_high': '1'}",
            "bucket_high value (1.0) is less than or equal to the bucket_low value (2.0)",
        ),
        # LeveledCompactionStrategy.validateOptions (the fanout's message quotes the size).
        (
            "{'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb': '0'}",
            "sstable_size_in_mb must be larger than 0, but was 0",
        ),
        (
            "{'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb': 'big'}",
            "big is not a parsable int (base10) for sstable_size_in_mb",
        ),
        (
            "{'class': 'LeveledCompactionStrategy', 'fanout_size': '0'}",
            "fanout_size must be larger than 0, but was 0",
        ),
        (
            "{'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb': '160', 'fanout_size': 'ten'}",
            "160 is not a parsable int (base10) for fanout_size",
        ),
        # TimeWindowCompactionStrategyOptions.validateOptions.
        (
            "{'class': 'TimeWindowCompactionStrategy', 'compaction_window_unit': 'days'}",
            "days is not valid for compaction_window_unit",
        ),
        (
            "{'class': 'TimeWindowCompactionStrategy', 'compaction_window_unit': 'SECONDS'}",
            "SECONDS is not valid for compaction_window_unit",
        ),
        (
            "{'class': 'TimeWindowCompactionStrategy', 'timestamp_resolution': 'DAYS'}",
            "DAYS is not valid for timestamp_resolution",
        ),
        (
            "{'class': 'TimeWindowCompactionStrategy', 'compaction_window_size': '0'}",
            "0 must be greater than 1 for compaction_window_size",
        ),
        (
            "{'class': 'TimeWindowCompactionStrategy', 'compaction_window_size': 'one'}",
            "one is not a parsable int (base10) for compaction_window_size",
        ),
        (
            "{'class': 'TimeWindowCompactionStrategy', 'expired_sstable_check_frequency_seconds': '-1'}",
            "expired_sstable_check_frequency_seconds must not be negative, but was -1",
        ),
        (
            "{'class': 'TimeWindowCompactionStrategy', 'unsafe_aggressive_sstable_expiration': 'on'}",
            "unsafe_aggressive_sstable_expiration is not 'true' or 'false' (on)",
        ),
        (
            "{'class': 'TimeWindowCompactionStrategy', 'unsafe_aggressive_sstable_expiration': 'true'}",
            "unsafe_aggressive_sstable_expiration is requested but not allowed, restart cassandra with "
            "-Dcassandra.allow_unsafe_aggressive_sstable_expiration=true to allow it",
        ),
        # Gone since 3.0: no longer a size-tiered option.
        (
            "{'class': 'SizeTieredCompactionStrategy', 'cold_reads_to_omit': '0.5'}",
            "Properties specified [cold_reads_to_omit] are not understood by SizeTieredCompactionStrategy",
        ),
        # A bad value is reported before an unknown sub-option, and before the thresholds.
        (
            "{'class': 'SizeTieredCompactionStrategy', 'foo': '1', 'bucket_high': '0.1'}",
            "bucket_high value (0.1) is less than or equal to the bucket_low value (0.5)",
        ),
        (
            "{'class': 'SizeTieredCompactionStrategy', 'min_threshold': '1', 'enabled': 'no'}",
            "enabled should either be 'true' or 'false', not no",
        ),
    ],
)
def test_invalid_compaction(session, ks, given, message):
    with pytest.raises(ConfigurationException) as err:
        session.execute(f"CREATE TABLE badv (k int PRIMARY KEY) WITH compaction = {given}")
    assert message in str(err.value)


def test_valid_compaction_values_are_kept_as_written(session, ks):
    session.execute(
        "CREATE TABLE goodv (k int PRIMARY KEY) WITH compaction = {'class': 'LeveledCompactionStrategy', "
        "'sstable_size_in_mb': '64', 'fanout_size': '8', 'bucket_low': '0.3', 'tombstone_threshold': '0.5', "
        "'unchecked_tombstone_compaction': 'TRUE'}"
    )
    assert dict(options(session, ks, "goodv").compaction) == {
        "class": LCS,
        "bucket_low": "0.3",
        "fanout_size": "8",
        "max_threshold": "32",
        "min_threshold": "4",
        "sstable_size_in_mb": "64",
        "tombstone_threshold": "0.5",
        "unchecked_tombstone_compaction": "TRUE",
    }


@pytest.mark.parametrize(
    "ratio,message",
    [
        ("'-1'", "Invalid negative min_compress_ratio"),
        ("'-0.0'", "Invalid negative min_compress_ratio"),
        ("'0.5'", "min_compress_ratio can either be 0 or greater than or equal to 1"),
        ("'0.99'", "min_compress_ratio can either be 0 or greater than or equal to 1"),
    ],
)
def test_invalid_min_compress_ratio(session, ks, ratio, message):
    with pytest.raises(ConfigurationException) as err:
        session.execute(
            "CREATE TABLE badr (k int PRIMARY KEY) WITH compression = "
            f"{{'class': 'LZ4Compressor', 'min_compress_ratio': {ratio}}}"
        )
    assert message in str(err.value)


@pytest.mark.parametrize(
    "ratio,shown",
    [
        ("'0'", None),
        ("'1'", "1.0"),
        ("'1.25'", "1.25"),
        ("'4d'", "4.0"),
        ("'1e7'", "1.0E7"),
        # So small that the longest compressed chunk reaches Integer.MAX_VALUE: allowed.
        ("'1e-10'", "1.0E-10"),
    ],
)
def test_min_compress_ratio_as_stored(session, ks, ratio, shown):
    session.execute(
        "CREATE TABLE goodr (k int PRIMARY KEY) WITH compression = "
        f"{{'class': 'LZ4Compressor', 'min_compress_ratio': {ratio}}}"
    )
    compression = dict(options(session, ks, "goodr").compression)
    assert compression.get("min_compress_ratio") == shown
    assert compression["class"] == LZ4


def composite(*parts):
    """CompositeType bytes: each component as a 2-byte length, the value, an end byte."""
    return b"".join(len(p).to_bytes(2, "big") + p + b"\x00" for p in parts)


def dynamic(*parts):
    """DynamicCompositeType bytes: each component also starts with its alias (0x80, char)."""
    return b"".join(bytes([0x80, ord(alias)]) + composite(p) for alias, p in parts)


def test_composite_type_columns(cluster, session, ks):
    from cassandra.cqltypes import lookup_casstype

    session.execute(
        f"CREATE TABLE comps (k int PRIMARY KEY, c '{COMPOSITE}', d '{DYNAMIC}', "
        "s 'CompositeType(UTF8Type, Int32Type)')"
    )
    types = {
        r.column_name: r.type
        for r in session.execute(
            "SELECT column_name, type FROM system_schema.columns WHERE keyspace_name = %s AND table_name = 'comps'",
            (ks,),
        )
    }
    # Custom types show their class in full (parameters included), quoted as CQL writes them.
    assert types == {"k": "int", "c": f"'{COMPOSITE}'", "d": f"'{DYNAMIC}'", "s": f"'{COMPOSITE}'"}

    c_value = composite(b"key", (7).to_bytes(4, "big"))
    d_value = dynamic(("a", b"key"), ("b", (7).to_bytes(4, "big")))
    session.execute(f"INSERT INTO comps (k, c, d, s) VALUES (1, 0x{c_value.hex()}, 0x{d_value.hex()}, 0x{c_value.hex()})")
    # The driver cannot bind these types in a prepared statement; it writes bytes as blob
    # literals in a simple one.
    session.execute("INSERT INTO comps (k, c, d) VALUES (%s, %s, %s)", (2, c_value, d_value))

    version = cluster.protocol_version
    for k in (1, 2):
        row = session.execute("SELECT c FROM comps WHERE k = %s", (k,)).one()
        # The driver decodes by the class the node sends, so this is what a 4.0 node gives.
        assert row.c == lookup_casstype(COMPOSITE).from_binary(c_value, version) == ("key", 7)
    # The driver decodes DynamicCompositeType values as if they were CompositeType ones and
    # fails on them, whatever the node: only that the rows hold a value is checked.
    written = session.execute("SELECT k, writetime(d) AS w FROM comps")
    assert sorted((r.k, r.w is not None) for r in written) == [(1, True), (2, True)]
    assert session.execute("SELECT s FROM comps WHERE k = 1").one().s == ("key", 7)

    # A string literal is read by CompositeType.fromString: components split on ':'.
    session.execute("INSERT INTO comps (k, c) VALUES (3, 'a\\:b:-5')")
    assert session.execute("SELECT c FROM comps WHERE k = 3").one().c == ("a:b", -5)
    with pytest.raises(InvalidRequest) as err:
        session.execute("INSERT INTO comps (k, c) VALUES (4, 'key:seven')")
    assert "Unable to make int from 'seven'" in str(err.value)
    cluster.refresh_schema_metadata()
    cql = cluster.metadata.keyspaces[ks].tables["comps"].export_as_string()
    assert f"c '{COMPOSITE}'" in cql


@pytest.mark.parametrize(
    "given",
    [
        "DynamicCompositeType(s=>UTF8Type, i=>Int32Type)",
        "DynamicCompositeType(i=>Int32Type, s=>UTF8Type)",
        "org.apache.cassandra.db.marshal.DynamicCompositeType(i => Int32Type,s => UTF8Type)",
    ],
)
def test_dynamic_composite_aliases_in_cassandras_order(session, ks, given):
    # TypeParser.getAliasParameters keeps the aliases in a HashMap<Byte, ...>, which
    # DynamicCompositeType.toString prints in bucket order: 's' (115 & 15 = 3) before
    # 'i' (105 & 15 = 9), however they were written.
    session.execute(f"CREATE TABLE dyn (k int PRIMARY KEY, d '{given}')")
    row = session.execute(
        "SELECT type FROM system_schema.columns WHERE keyspace_name = %s AND table_name = 'dyn' AND column_name = 'd'",
        (ks,),
    ).one()
    assert row.type == f"'{MARSHAL}DynamicCompositeType(s=>{MARSHAL}UTF8Type,i=>{MARSHAL}Int32Type)'"

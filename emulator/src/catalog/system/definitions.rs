//! The CQL definitions of the system tables the emulator serves, as Cassandra 4.0 declares
//! them. Tables whose rows the catalog generates are listed in `rows.rs`; the others
//! (`system_traces.*`, `system_auth.roles`, ...) are ordinary, initially empty tables.

/// One system keyspace.
pub(super) struct KeyspaceSpec {
    pub name: &'static str,
    pub replication: &'static [(&'static str, &'static str)],
    pub is_virtual: bool,
    /// `(CREATE TABLE statement, comment)`.
    pub tables: &'static [(&'static str, &'static str)],
}

const LOCAL: &[(&str, &str)] = &[("class", "org.apache.cassandra.locator.LocalStrategy")];

pub(super) const KEYSPACES: &[KeyspaceSpec] = &[
    KeyspaceSpec {
        name: "system",
        replication: LOCAL,
        is_virtual: false,
        tables: &[
            (
                "CREATE TABLE system.local (key text, bootstrapped text, broadcast_address inet, \
                 broadcast_port int, cluster_name text, cql_version text, data_center text, \
                 gossip_generation int, host_id uuid, listen_address inet, listen_port int, \
                 native_protocol_version text, partitioner text, rack text, release_version text, \
                 rpc_address inet, rpc_port int, schema_version uuid, tokens set<varchar>, \
                 truncated_at map<uuid, blob>, PRIMARY KEY ((key)))",
                "information about the local node",
            ),
            (
                "CREATE TABLE system.peers (peer inet, data_center text, host_id uuid, \
                 preferred_ip inet, rack text, release_version text, rpc_address inet, \
                 schema_version uuid, tokens set<varchar>, PRIMARY KEY ((peer)))",
                "information about known peers in the cluster",
            ),
            (
                "CREATE TABLE system.peers_v2 (peer inet, peer_port int, data_center text, \
                 host_id uuid, native_address inet, native_port int, preferred_ip inet, \
                 preferred_port int, rack text, release_version text, schema_version uuid, \
                 tokens set<varchar>, PRIMARY KEY ((peer), peer_port))",
                "information about known peers in the cluster",
            ),
        ],
    },
    KeyspaceSpec {
        name: "system_schema",
        replication: LOCAL,
        is_virtual: false,
        tables: &[
            (
                "CREATE TABLE system_schema.keyspaces (keyspace_name text, durable_writes boolean, \
                 replication frozen<map<text, text>>, PRIMARY KEY ((keyspace_name)))",
                "keyspace definitions",
            ),
            (
                "CREATE TABLE system_schema.tables (keyspace_name text, table_name text, \
                 bloom_filter_fp_chance double, caching frozen<map<text, text>>, comment text, \
                 compaction frozen<map<text, text>>, compression frozen<map<text, text>>, \
                 crc_check_chance double, dclocal_read_repair_chance double, \
                 default_time_to_live int, extensions frozen<map<text, blob>>, \
                 flags frozen<set<text>>, gc_grace_seconds int, id uuid, max_index_interval int, \
                 memtable_flush_period_in_ms int, min_index_interval int, \
                 read_repair_chance double, speculative_retry text, \
                 additional_write_policy text, cdc boolean, read_repair text, \
                 PRIMARY KEY ((keyspace_name), table_name))",
                "table definitions",
            ),
            (
                "CREATE TABLE system_schema.columns (keyspace_name text, table_name text, \
                 column_name text, clustering_order text, column_name_bytes blob, kind text, \
                 position int, type text, PRIMARY KEY ((keyspace_name), table_name, column_name))",
                "column definitions",
            ),
            (
                "CREATE TABLE system_schema.triggers (keyspace_name text, table_name text, \
                 trigger_name text, options frozen<map<text, text>>, \
                 PRIMARY KEY ((keyspace_name), table_name, trigger_name))",
                "trigger definitions",
            ),
            (
                "CREATE TABLE system_schema.dropped_columns (keyspace_name text, table_name text, \
                 column_name text, dropped_time timestamp, kind text, type text, \
                 PRIMARY KEY ((keyspace_name), table_name, column_name))",
                "dropped column registry",
            ),
            (
                "CREATE TABLE system_schema.views (keyspace_name text, view_name text, \
                 base_table_id uuid, base_table_name text, where_clause text, \
                 bloom_filter_fp_chance double, caching frozen<map<text, text>>, comment text, \
                 compaction frozen<map<text, text>>, compression frozen<map<text, text>>, \
                 crc_check_chance double, dclocal_read_repair_chance double, \
                 default_time_to_live int, extensions frozen<map<text, blob>>, \
                 gc_grace_seconds int, id uuid, include_all_columns boolean, \
                 max_index_interval int, memtable_flush_period_in_ms int, \
                 min_index_interval int, read_repair_chance double, speculative_retry text, \
                 additional_write_policy text, cdc boolean, read_repair text, \
                 PRIMARY KEY ((keyspace_name), view_name))",
                "view definitions",
            ),
            (
                "CREATE TABLE system_schema.types (keyspace_name text, type_name text, \
                 field_names frozen<list<text>>, field_types frozen<list<text>>, \
                 PRIMARY KEY ((keyspace_name), type_name))",
                "user defined type definitions",
            ),
            (
                "CREATE TABLE system_schema.functions (keyspace_name text, function_name text, \
                 argument_types frozen<list<text>>, argument_names frozen<list<text>>, \
                 body text, language text, return_type text, called_on_null_input boolean, \
                 PRIMARY KEY ((keyspace_name), function_name, argument_types))",
                "user defined function definitions",
            ),
            (
                "CREATE TABLE system_schema.aggregates (keyspace_name text, aggregate_name text, \
                 argument_types frozen<list<text>>, final_func text, initcond text, \
                 return_type text, state_func text, state_type text, \
                 PRIMARY KEY ((keyspace_name), aggregate_name, argument_types))",
                "user defined aggregate definitions",
            ),
            (
                "CREATE TABLE system_schema.indexes (keyspace_name text, table_name text, \
                 index_name text, kind text, options frozen<map<text, text>>, \
                 PRIMARY KEY ((keyspace_name), table_name, index_name))",
                "secondary index definitions",
            ),
        ],
    },
    KeyspaceSpec {
        name: "system_auth",
        replication: &[
            ("class", "org.apache.cassandra.locator.SimpleStrategy"),
            ("replication_factor", "1"),
        ],
        is_virtual: false,
        tables: &[(
            "CREATE TABLE system_auth.roles (role text, can_login boolean, is_superuser boolean, \
             member_of set<text>, salted_hash text, PRIMARY KEY ((role)))",
            "role definitions",
        )],
    },
    KeyspaceSpec {
        name: "system_distributed",
        replication: &[
            ("class", "org.apache.cassandra.locator.SimpleStrategy"),
            ("replication_factor", "3"),
        ],
        is_virtual: false,
        tables: &[],
    },
    KeyspaceSpec {
        name: "system_traces",
        replication: &[
            ("class", "org.apache.cassandra.locator.SimpleStrategy"),
            ("replication_factor", "2"),
        ],
        is_virtual: false,
        tables: &[
            (
                "CREATE TABLE system_traces.sessions (session_id uuid, client inet, command text, \
                 coordinator inet, coordinator_port int, duration int, \
                 parameters map<text, text>, request text, started_at timestamp, \
                 PRIMARY KEY ((session_id)))",
                "tracing sessions",
            ),
            (
                "CREATE TABLE system_traces.events (session_id uuid, event_id timeuuid, \
                 activity text, source inet, source_elapsed int, source_port int, thread text, \
                 PRIMARY KEY ((session_id), event_id))",
                "tracing events",
            ),
        ],
    },
    KeyspaceSpec {
        name: "system_views",
        replication: LOCAL,
        is_virtual: true,
        tables: super::views::TABLES,
    },
    KeyspaceSpec {
        name: "system_virtual_schema",
        replication: LOCAL,
        is_virtual: true,
        tables: &[
            (
                "CREATE TABLE system_virtual_schema.keyspaces (keyspace_name text, \
                 PRIMARY KEY ((keyspace_name)))",
                "virtual keyspace definitions",
            ),
            (
                "CREATE TABLE system_virtual_schema.tables (keyspace_name text, table_name text, \
                 comment text, PRIMARY KEY ((keyspace_name), table_name))",
                "virtual table definitions",
            ),
            (
                "CREATE TABLE system_virtual_schema.columns (keyspace_name text, \
                 table_name text, column_name text, clustering_order text, \
                 column_name_bytes blob, kind text, position int, type text, \
                 PRIMARY KEY ((keyspace_name), table_name, column_name))",
                "virtual column definitions",
            ),
        ],
    },
];

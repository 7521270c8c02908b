//! The tables of the `system_views` virtual keyspace, as Cassandra 4.0 declares them
//! (`db/virtual/SystemViewsKeyspace.java` and the table classes it lists: `CachesTable`,
//! `ClientsTable`, `SettingsTable`, `SystemPropertiesTable`, `SSTableTasksTable`,
//! `ThreadPoolsTable`, `InternodeOutboundTable`, `InternodeInboundTable` and the ten tables of
//! `TableMetricTables`).
//!
//! Columns that later versions added (`clients.client_options`, `sstable_tasks`' `sstables`
//! and `target_directory`, `thread_pools.core_pool_size`, ...) are left out: 4.0 does not
//! have them, and drivers build their metadata from exactly these columns.

/// A latency table of `TableMetricTables` (a Timer, reported in milliseconds).
macro_rules! latency {
    ($name:literal) => {
        (
            concat!(
                "CREATE TABLE system_views.",
                $name,
                " (keyspace_name text, table_name text, count bigint, max_ms double, \
                 p50th_ms double, p99th_ms double, per_second double, \
                 PRIMARY KEY ((keyspace_name, table_name)))"
            ),
            "",
        )
    };
}

/// `(CREATE TABLE statement, comment)` for every `system_views` table; the comment is the
/// one 4.0 gives (empty where the table class sets none).
pub(super) const TABLES: &[(&str, &str)] = &[
    (
        "CREATE TABLE system_views.caches (name text, capacity_bytes bigint, \
         entry_count int, hit_count bigint, hit_ratio double, \
         recent_hit_rate_per_second bigint, recent_request_rate_per_second bigint, \
         request_count bigint, size_bytes bigint, PRIMARY KEY ((name)))",
        "system caches",
    ),
    (
        "CREATE TABLE system_views.clients (address inet, port int, \
         connection_stage text, driver_name text, driver_version text, hostname text, \
         protocol_version int, request_count bigint, ssl_cipher_suite text, \
         ssl_enabled boolean, ssl_protocol text, username text, \
         PRIMARY KEY ((address), port))",
        "currently connected clients",
    ),
    (
        "CREATE TABLE system_views.settings (name text, value text, PRIMARY KEY ((name)))",
        "current settings",
    ),
    (
        "CREATE TABLE system_views.system_properties (name text, value text, \
         PRIMARY KEY ((name)))",
        "Cassandra relevant system properties",
    ),
    (
        "CREATE TABLE system_views.sstable_tasks (keyspace_name text, table_name text, \
         task_id uuid, completion_ratio double, kind text, progress bigint, total bigint, \
         unit text, PRIMARY KEY ((keyspace_name), table_name, task_id))",
        "current sstable tasks",
    ),
    (
        "CREATE TABLE system_views.thread_pools (name text, active_tasks int, \
         active_tasks_limit int, blocked_tasks bigint, blocked_tasks_all_time bigint, \
         completed_tasks bigint, pending_tasks int, PRIMARY KEY ((name)))",
        "",
    ),
    (
        "CREATE TABLE system_views.internode_outbound (address inet, port int, dc text, \
         rack text, active_connections bigint, connection_attempts bigint, \
         error_bytes bigint, error_count bigint, expired_bytes bigint, expired_count bigint, \
         overload_bytes bigint, overload_count bigint, pending_bytes bigint, \
         pending_count bigint, sent_bytes bigint, sent_count bigint, \
         successful_connection_attempts bigint, using_bytes bigint, \
         using_reserve_bytes bigint, PRIMARY KEY ((address, port), dc, rack))",
        "",
    ),
    (
        "CREATE TABLE system_views.internode_inbound (address inet, port int, dc text, \
         rack text, corrupt_frames_recovered bigint, corrupt_frames_unrecovered bigint, \
         error_bytes bigint, error_count bigint, expired_bytes bigint, expired_count bigint, \
         processed_bytes bigint, processed_count bigint, received_bytes bigint, \
         received_count bigint, scheduled_bytes bigint, scheduled_count bigint, \
         throttled_count bigint, throttled_nanos bigint, using_bytes bigint, \
         using_reserve_bytes bigint, PRIMARY KEY ((address, port), dc, rack))",
        "",
    ),
    // `TableMetricTables`: a Timer gives count, percentiles and a rate (`_ms` columns), a
    // Histogram count and percentiles, a Counter or Gauge one size column.
    latency!("local_read_latency"),
    latency!("local_scan_latency"),
    latency!("coordinator_read_latency"),
    latency!("coordinator_scan_latency"),
    latency!("local_write_latency"),
    latency!("coordinator_write_latency"),
    (
        "CREATE TABLE system_views.tombstones_per_read (keyspace_name text, \
         table_name text, count bigint, max double, p50th double, p99th double, \
         PRIMARY KEY ((keyspace_name, table_name)))",
        "",
    ),
    (
        "CREATE TABLE system_views.rows_per_read (keyspace_name text, table_name text, \
         count bigint, max double, p50th double, p99th double, \
         PRIMARY KEY ((keyspace_name, table_name)))",
        "",
    ),
    (
        "CREATE TABLE system_views.disk_usage (keyspace_name text, table_name text, \
         mebibytes bigint, PRIMARY KEY ((keyspace_name, table_name)))",
        "",
    ),
    (
        "CREATE TABLE system_views.max_partition_size (keyspace_name text, table_name text, \
         mebibytes bigint, PRIMARY KEY ((keyspace_name, table_name)))",
        "",
    ),
];

//! [`TableOptions`]: the option columns of `system_schema.tables` (and `views`), typed.

use std::collections::BTreeMap;

/// The option columns of `system_schema.tables` and `system_schema.views`; each is `None`
/// when the server has no such column (older or newer Cassandra versions) or left it null.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct TableOptions {
    /// `additional_write_policy` (4.0+).
    pub additional_write_policy: Option<String>,
    /// `allow_auto_snapshot` (5.0+).
    pub allow_auto_snapshot: Option<bool>,
    /// `bloom_filter_fp_chance`.
    pub bloom_filter_fp_chance: Option<f64>,
    /// `caching` (`keys`, `rows_per_partition`).
    pub caching: Option<BTreeMap<String, String>>,
    /// `cdc` (4.0+).
    pub cdc: Option<bool>,
    /// `comment`.
    pub comment: Option<String>,
    /// `compaction`, with the strategy's fully qualified `class`.
    pub compaction: Option<BTreeMap<String, String>>,
    /// `compression`.
    pub compression: Option<BTreeMap<String, String>>,
    /// `crc_check_chance`.
    pub crc_check_chance: Option<f64>,
    /// `default_time_to_live` in seconds.
    pub default_time_to_live: Option<i32>,
    /// `extensions` (raw bytes per name).
    pub extensions: Option<BTreeMap<String, Vec<u8>>>,
    /// `gc_grace_seconds`.
    pub gc_grace_seconds: Option<i32>,
    /// `incremental_backups` (5.0+).
    pub incremental_backups: Option<bool>,
    /// `max_index_interval`.
    pub max_index_interval: Option<i32>,
    /// `memtable` configuration name (5.0+).
    pub memtable: Option<String>,
    /// `memtable_flush_period_in_ms`.
    pub memtable_flush_period_in_ms: Option<i32>,
    /// `min_index_interval`.
    pub min_index_interval: Option<i32>,
    /// `read_repair` (4.0+).
    pub read_repair: Option<String>,
    /// `speculative_retry`.
    pub speculative_retry: Option<String>,
}

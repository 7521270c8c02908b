//! Table options (`WITH ...` of CREATE/ALTER TABLE) with Cassandra 4.0's defaults.
//!
//! They are only stored and echoed back (in `system_schema.tables` and `to_cql`), except
//! `default_time_to_live`, which the engine applies to writes without a TTL.

use std::collections::{BTreeMap, BTreeSet};

/// The options of a table, as `system_schema.tables` reports them.
#[derive(Debug, Clone, PartialEq)]
pub struct TableOptions {
    /// `additional_write_policy` (default `99p`).
    pub additional_write_policy: String,
    /// `bloom_filter_fp_chance` (default 0.01).
    pub bloom_filter_fp_chance: f64,
    /// `caching` (default `{'keys': 'ALL', 'rows_per_partition': 'NONE'}`).
    pub caching: BTreeMap<String, String>,
    /// `cdc` (default false).
    pub cdc: bool,
    /// `comment` (default empty).
    pub comment: String,
    /// `compaction` (default SizeTieredCompactionStrategy with thresholds 4/32).
    pub compaction: BTreeMap<String, String>,
    /// `compression` (default LZ4Compressor, 16 KiB chunks).
    pub compression: BTreeMap<String, String>,
    /// `crc_check_chance` (default 1.0).
    pub crc_check_chance: f64,
    /// `default_time_to_live` in seconds (default 0: none).
    pub default_time_to_live: i32,
    /// `extensions` (default empty).
    pub extensions: BTreeMap<String, Vec<u8>>,
    /// `gc_grace_seconds` (default 864000).
    pub gc_grace_seconds: i32,
    /// `max_index_interval` (default 2048).
    pub max_index_interval: i32,
    /// `memtable_flush_period_in_ms` (default 0).
    pub memtable_flush_period_in_ms: i32,
    /// `min_index_interval` (default 128).
    pub min_index_interval: i32,
    /// `read_repair` (default `BLOCKING`).
    pub read_repair: String,
    /// `speculative_retry` (default `99p`).
    pub speculative_retry: String,
}

fn string_map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            additional_write_policy: "99p".to_owned(),
            bloom_filter_fp_chance: 0.01,
            caching: string_map(&[("keys", "ALL"), ("rows_per_partition", "NONE")]),
            cdc: false,
            comment: String::new(),
            compaction: string_map(&[
                (
                    "class",
                    "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy",
                ),
                ("max_threshold", "32"),
                ("min_threshold", "4"),
            ]),
            compression: string_map(&[
                ("chunk_length_in_kb", "16"),
                ("class", "org.apache.cassandra.io.compress.LZ4Compressor"),
            ]),
            crc_check_chance: 1.0,
            default_time_to_live: 0,
            extensions: BTreeMap::new(),
            gc_grace_seconds: 864_000,
            max_index_interval: 2048,
            memtable_flush_period_in_ms: 0,
            min_index_interval: 128,
            read_repair: "BLOCKING".to_owned(),
            speculative_retry: "99p".to_owned(),
        }
    }
}

impl TableOptions {
    /// `flags` of `system_schema.tables` for a CQL table (`compound`, plus `counter`).
    pub fn flags(is_counter: bool) -> BTreeSet<String> {
        let mut flags = BTreeSet::new();
        flags.insert("compound".to_owned());
        if is_counter {
            flags.insert("counter".to_owned());
        }
        flags
    }
}

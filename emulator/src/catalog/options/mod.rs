//! Table options (`WITH ...` of CREATE/ALTER TABLE) with Cassandra 4.0's defaults.
//!
//! They are only stored and echoed back (in `system_schema.tables` and `to_cql`), except
//! `default_time_to_live`, which the engine applies to writes without a TTL. The options
//! with structure live in their own files: `compaction`, `compression` and `retry`
//! (`speculative_retry` and `additional_write_policy`).

mod compaction;
mod compression;
mod java;
mod retry;

use std::collections::{BTreeMap, BTreeSet};

use cassia_protocol::response::{ErrorKind, ServerError};

use crate::cql::ast::OptionValue;

use super::ddl::parse_bool;
use super::errors::{config, syntax};

pub(crate) use java::double_to_string;

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

/// An option map from pairs (the defaults here, and the option modules' tests).
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

impl TableOptions {
    /// The options of a table CREATE makes with `options`: `TableParams` gives a table whose
    /// `bloom_filter_fp_chance` is not set the default of its compaction strategy (0.1 for
    /// LeveledCompactionStrategy, 0.01 for the others). ALTER keeps the current value.
    pub(crate) fn for_new_table(
        options: &[(String, OptionValue)],
    ) -> Result<TableOptions, ServerError> {
        let mut out = TableOptions::default();
        out.apply(options)?;
        let leveled = out.compaction.get("class").map(String::as_str)
            == Some("org.apache.cassandra.db.compaction.LeveledCompactionStrategy");
        if leveled
            && !options
                .iter()
                .any(|(name, _)| name == "bloom_filter_fp_chance")
        {
            out.bloom_filter_fp_chance = 0.1;
        }
        Ok(out)
    }

    /// Applies `WITH` options on top of `self` (defaults for CREATE, the current options for
    /// ALTER), validating names and values as Cassandra 4.0 does.
    pub(crate) fn apply(&mut self, options: &[(String, OptionValue)]) -> Result<(), ServerError> {
        for (name, value) in options {
            match name.as_str() {
                "additional_write_policy" => {
                    self.additional_write_policy = retry::canonical(&text(name, value)?)?
                }
                "bloom_filter_fp_chance" => {
                    let v = double(name, value)?;
                    if !(v > 0.0 && v <= 1.0) {
                        return Err(config(format!(
                            "bloom_filter_fp_chance must be larger than 0.0 and less than or equal to 1.0 (got {v})"
                        )));
                    }
                    self.bloom_filter_fp_chance = v;
                }
                "caching" => self.caching = caching(map(name, value)?)?,
                "cdc" => self.cdc = parse_bool(&text(name, value)?),
                "comment" => self.comment = text(name, value)?,
                "compaction" => self.compaction = compaction::compaction(map(name, value)?)?,
                "compression" => self.compression = compression::compression(map(name, value)?)?,
                "crc_check_chance" => {
                    let v = double(name, value)?;
                    if !(0.0..=1.0).contains(&v) {
                        return Err(config("crc_check_chance should be between 0.0 and 1.0"));
                    }
                    self.crc_check_chance = v;
                }
                "default_time_to_live" => {
                    let v = int(name, value)?;
                    if v < 0 {
                        return Err(config(format!(
                            "default_time_to_live must be greater than or equal to 0 (got {v})"
                        )));
                    }
                    if v > MAX_TTL {
                        return Err(config(format!(
                            "default_time_to_live must be less than or equal to {MAX_TTL} (got {v})"
                        )));
                    }
                    self.default_time_to_live = v;
                }
                "gc_grace_seconds" => {
                    let v = int(name, value)?;
                    if v < 0 {
                        return Err(config(format!(
                            "gc_grace_seconds must be greater than or equal to 0 (got {v})"
                        )));
                    }
                    self.gc_grace_seconds = v;
                }
                "max_index_interval" => self.max_index_interval = int(name, value)?,
                "memtable_flush_period_in_ms" => {
                    self.memtable_flush_period_in_ms = int(name, value)?
                }
                "min_index_interval" => self.min_index_interval = int(name, value)?,
                "read_repair" => {
                    let v = text(name, value)?.to_ascii_uppercase();
                    if v != "BLOCKING" && v != "NONE" {
                        // `ReadRepairStrategy.fromString` is `valueOf`: its exception is no
                        // request error, so the client gets it as a server error.
                        return Err(ServerError {
                            kind: ErrorKind::ServerError,
                            message: format!(
                                "java.lang.IllegalArgumentException: No enum constant org.apache.cassandra.service.reads.repair.ReadRepairStrategy.{v}"
                            ),
                        });
                    }
                    self.read_repair = v;
                }
                "speculative_retry" => {
                    self.speculative_retry = retry::canonical(&text(name, value)?)?
                }
                // Obsolete since 4.0 and ignored, as Cassandra does.
                "read_repair_chance" | "dclocal_read_repair_chance" => {}
                // A valid keyword that `TableAttributes.build` never applies: accepted and
                // ignored, so `system_schema.tables` keeps `extensions = {}`.
                "extensions" => {
                    map(name, value)?;
                }
                other => return Err(syntax(format!("Unknown property '{other}'"))),
            }
        }
        if self.min_index_interval > self.max_index_interval {
            return Err(config(
                "max_index_interval must be greater than min_index_interval",
            ));
        }
        Ok(())
    }
}

/// `CachingParams.fromMap`: a missing `keys` means NONE (not the default ALL).
fn caching(given: BTreeMap<String, String>) -> Result<BTreeMap<String, String>, ServerError> {
    let mut rest = given;
    let keys = match rest.remove("keys") {
        None => "NONE".to_owned(),
        Some(v) if v.eq_ignore_ascii_case("ALL") => "ALL".to_owned(),
        Some(v) if v.eq_ignore_ascii_case("NONE") => "NONE".to_owned(),
        Some(v) => {
            return Err(config(format!(
                "Invalid value '{v}' for caching sub-option 'keys': only 'ALL' and 'NONE' are allowed"
            )));
        }
    };
    let rows = match rest.remove("rows_per_partition") {
        None => "NONE".to_owned(),
        Some(v) if v.eq_ignore_ascii_case("ALL") => "ALL".to_owned(),
        Some(v) if v.eq_ignore_ascii_case("NONE") => "NONE".to_owned(),
        // `StringUtils.isNumeric` (digits only), then `Integer.parseInt`.
        Some(v) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => match v.parse::<i32>()
        {
            Ok(0) => "NONE".to_owned(),
            Ok(i32::MAX) => "ALL".to_owned(),
            Ok(n) => n.to_string(),
            Err(_) => return Err(config(format!("For input string: \"{v}\""))),
        },
        Some(v) => {
            return Err(config(format!(
                "Invalid value '{v}' for caching sub-option 'rows_per_partition': only 'ALL', 'NONE', and integer values are allowed"
            )));
        }
    };
    if !rest.is_empty() {
        // Java's `Set.toString()`: `[a, b]`.
        let names: Vec<&str> = rest.keys().map(String::as_str).collect();
        return Err(config(format!(
            "Invalid caching sub-options [{}]: only 'keys' and 'rows_per_partition' are allowed",
            names.join(", ")
        )));
    }
    Ok(string_map(&[
        ("keys", &keys),
        ("rows_per_partition", &rows),
    ]))
}

/// Cassandra's maximum TTL (20 years, in seconds).
const MAX_TTL: i32 = 630_720_000;

/// The classes 4.0 ships for a structured option (short name first) and the sub-options each
/// takes.
type Classes<'k> = &'k [(&'k str, &'k [&'k str])];

/// `class` as Cassandra loads it (in `package` unless it names its own), and the entry of
/// `known`, the classes `package` holds, that it names.
fn resolve<'k>(
    class: &str,
    package: &str,
    known: Classes<'k>,
) -> (String, Option<&'k (&'k str, &'k [&'k str])>) {
    let full = if class.contains('.') {
        class.to_owned()
    } else {
        format!("{package}.{class}")
    };
    let entry = full
        .strip_prefix(package)
        .and_then(|rest| rest.strip_prefix('.'))
        .and_then(|short| known.iter().find(|(name, _)| *name == short));
    (full, entry)
}

fn text(name: &str, value: &OptionValue) -> Result<String, ServerError> {
    match value {
        OptionValue::Literal(l) => Ok(l.raw_text()),
        OptionValue::Identifier(i) => Ok(i.clone()),
        OptionValue::Map(_) => Err(syntax(format!(
            "Invalid value for property '{name}'. It should be a string"
        ))),
    }
}

fn map(name: &str, value: &OptionValue) -> Result<BTreeMap<String, String>, ServerError> {
    match value {
        OptionValue::Map(entries) => Ok(entries
            .iter()
            .map(|(k, v)| (k.raw_text(), v.raw_text()))
            .collect()),
        _ => Err(syntax(format!(
            "Invalid value for property '{name}'. It should be a map."
        ))),
    }
}

/// `TableAttributes.getDouble`: `Double.parseDouble`, so `'1d'` and `' 0.5'` are read and
/// `'inf'` is not.
fn double(name: &str, value: &OptionValue) -> Result<f64, ServerError> {
    let t = text(name, value)?;
    java::parse_double(&t).ok_or_else(|| syntax(format!("Invalid double value {t} for '{name}'")))
}

/// `TableAttributes.getInt`: `Integer.parseInt`, which trims nothing.
fn int(name: &str, value: &OptionValue) -> Result<i32, ServerError> {
    let t = text(name, value)?;
    t.parse()
        .map_err(|_| syntax(format!("Invalid integer value {t} for '{name}'")))
}

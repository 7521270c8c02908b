//! The `compaction` option, as Cassandra 4.0's `CompactionParams.fromMap` builds it and
//! `CompactionParams.validate` checks it: the class resolved in the compaction package, the
//! thresholds filled in, the strategy's values checked (`values`), sub-options it does not
//! know refused, thresholds checked.

mod values;

use std::collections::BTreeMap;

use cassia_protocol::response::ServerError;

use super::super::errors::config;
use super::resolve;

/// The sub-options `AbstractCompactionStrategy.validateOptions` accepts for every strategy.
const COMMON: [&str; 7] = [
    "tombstone_threshold",
    "tombstone_compaction_interval",
    "unchecked_tombstone_compaction",
    "log_all",
    "enabled",
    "only_purge_repaired_tombstones",
    "provide_overlapping_tombstones",
];

/// `SizeTieredCompactionStrategyOptions`, which the other strategies accept too (they
/// size-tier their own buckets or level 0), and the thresholds they all take.
const SIZE_TIERED: [&str; 5] = [
    "min_sstable_size",
    "bucket_low",
    "bucket_high",
    "min_threshold",
    "max_threshold",
];

/// The strategies 4.0 ships and the sub-options each adds to the ones above.
const STRATEGIES: [(&str, &[&str]); 4] = [
    ("SizeTieredCompactionStrategy", &[]),
    (
        "LeveledCompactionStrategy",
        &[
            "sstable_size_in_mb",
            "fanout_size",
            "single_sstable_uplevel",
        ],
    ),
    (
        "TimeWindowCompactionStrategy",
        &[
            "compaction_window_unit",
            "compaction_window_size",
            "timestamp_resolution",
            "expired_sstable_check_frequency_seconds",
            "unsafe_aggressive_sstable_expiration",
        ],
    ),
    (
        "DateTieredCompactionStrategy",
        &[
            "timestamp_resolution",
            "max_sstable_age_days",
            "base_time_seconds",
            "max_window_size_seconds",
            "expired_sstable_check_frequency_seconds",
        ],
    ),
];

const PACKAGE: &str = "org.apache.cassandra.db.compaction";

/// The `compaction` map `system_schema.tables` shows for the sub-options `given`.
pub(super) fn compaction(
    mut given: BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, ServerError> {
    let Some(class) = given.remove("class") else {
        return Err(config(
            "Missing sub-option 'class' for the 'compaction' option",
        ));
    };
    let (full, strategy) = resolve(&class, PACKAGE, &STRATEGIES);
    let Some((name, own)) = strategy else {
        // `FBUtilities.classForName`.
        return Err(config(format!(
            "Unable to find compaction strategy class '{full}'"
        )));
    };
    // `CompactionParams.create`: every built-in strategy understands the thresholds, so
    // their defaults are filled in.
    given
        .entry("max_threshold".to_owned())
        .or_insert_with(|| "32".to_owned());
    given
        .entry("min_threshold".to_owned())
        .or_insert_with(|| "4".to_owned());
    validate(name, own, &given)?;
    given.insert("class".to_owned(), full);
    Ok(given)
}

/// `CompactionParams.validate`: the strategy's `validateOptions` (the values, then what it
/// does not know), then the thresholds.
fn validate(
    strategy: &str,
    own: &[&str],
    options: &BTreeMap<String, String>,
) -> Result<(), ServerError> {
    values::check(strategy, options)?;
    let unknown: Vec<&str> = options
        .keys()
        .map(String::as_str)
        .filter(|k| !COMMON.contains(k) && !SIZE_TIERED.contains(k) && !own.contains(k))
        .collect();
    if !unknown.is_empty() {
        // Java's `Set.toString()`.
        return Err(config(format!(
            "Properties specified [{}] are not understood by {strategy}",
            unknown.join(", ")
        )));
    }
    let threshold = |name: &str| -> Result<i32, ServerError> {
        let Some(text) = options.get(name) else {
            return Ok(if name == "min_threshold" { 4 } else { 32 });
        };
        // `StringUtils.isNumeric` (digits only), then `Integer.parseInt`.
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(config(format!(
                "Invalid value {text} for '{name}' compaction sub-option - must be an integer"
            )));
        }
        text.parse()
            .map_err(|_| config(format!("For input string: \"{text}\"")))
    };
    let min = threshold("min_threshold")?;
    let max = threshold("max_threshold")?;
    if min <= 0 || max <= 0 {
        return Err(config(
            "Disabling compaction by setting compaction thresholds to 0 has been removed, set the compaction option 'enabled' to false instead.",
        ));
    }
    if min <= 1 {
        return Err(config(format!(
            "Min compaction threshold cannot be less than 2 (got {min})"
        )));
    }
    if min > max {
        return Err(config(format!(
            "Min compaction threshold (got {min}) cannot be greater than max compaction threshold (got {max})"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::string_map as map;
    use super::*;

    #[test]
    fn thresholds_are_filled_in_and_options_kept() {
        let out = compaction(map(&[
            ("class", "LeveledCompactionStrategy"),
            ("sstable_size_in_mb", "128"),
        ]))
        .expect("valid");
        assert_eq!(
            out,
            map(&[
                (
                    "class",
                    "org.apache.cassandra.db.compaction.LeveledCompactionStrategy"
                ),
                ("max_threshold", "32"),
                ("min_threshold", "4"),
                ("sstable_size_in_mb", "128"),
            ])
        );
    }

    #[test]
    fn bad_sub_options_are_refused() {
        let message = |pairs: &[(&str, &str)]| compaction(map(pairs)).expect_err("invalid").message;
        assert_eq!(
            message(&[("class", "SizeTieredCompactionStrategy"), ("foo", "1")]),
            "Properties specified [foo] are not understood by SizeTieredCompactionStrategy"
        );
        assert_eq!(
            message(&[
                ("class", "SizeTieredCompactionStrategy"),
                ("min_threshold", "1")
            ]),
            "Min compaction threshold cannot be less than 2 (got 1)"
        );
        assert_eq!(
            message(&[
                ("class", "SizeTieredCompactionStrategy"),
                ("min_threshold", "8"),
                ("max_threshold", "4")
            ]),
            "Min compaction threshold (got 8) cannot be greater than max compaction threshold (got 4)"
        );
        assert_eq!(
            message(&[
                ("class", "SizeTieredCompactionStrategy"),
                ("max_threshold", "x")
            ]),
            "Invalid value x for 'max_threshold' compaction sub-option - must be an integer"
        );
        assert_eq!(
            message(&[("sstable_size_in_mb", "1")]),
            "Missing sub-option 'class' for the 'compaction' option"
        );
    }
}

//! The value checks of each compaction strategy's static `validateOptions` in Cassandra
//! 4.0, in the order they run: `AbstractCompactionStrategy`'s (tombstone options, the
//! booleans), then the strategy's own (`LeveledCompactionStrategy`,
//! `TimeWindowCompactionStrategyOptions`, `DateTieredCompactionStrategyOptions`), then
//! `SizeTieredCompactionStrategyOptions`' (which every built-in strategy applies). The
//! first bad value fails the statement with its `ConfigurationException`, before unknown
//! sub-options are reported.

use std::collections::BTreeMap;

use cassia_protocol::response::ServerError;

use super::super::super::errors::config;
use super::super::java::{
    double_to_string, format_float_f, parse_double, parse_float, parse_int, parse_long,
};

type Options = BTreeMap<String, String>;

/// Runs the value checks of `strategy` (a short class name 4.0 ships).
pub(super) fn check(strategy: &str, options: &Options) -> Result<(), ServerError> {
    abstract_strategy(options)?;
    match strategy {
        "LeveledCompactionStrategy" => leveled(options)?,
        "TimeWindowCompactionStrategy" => time_window(options)?,
        "DateTieredCompactionStrategy" => date_tiered(options)?,
        _ => {}
    }
    size_tiered(options)
}

/// The message Cassandra gives every option that `Integer`/`Long`/`Float.parse*` refuses.
fn not_parsable(text: &str, key: &str) -> ServerError {
    config(format!("{text} is not a parsable int (base10) for {key}"))
}

fn is_boolean(text: &str) -> bool {
    text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false")
}

/// `AbstractCompactionStrategy.validateOptions`.
fn abstract_strategy(options: &Options) -> Result<(), ServerError> {
    let key = "tombstone_threshold";
    if let Some(text) = options.get(key) {
        let value = parse_float(text).ok_or_else(|| not_parsable(text, key))?;
        if value < 0.0 {
            return Err(config(format!(
                "{key} must be greater than 0, but was {}",
                format_float_f(value)
            )));
        }
    }
    let key = "tombstone_compaction_interval";
    if let Some(text) = options.get(key) {
        let value = parse_long(text).ok_or_else(|| not_parsable(text, key))?;
        if value < 0 {
            return Err(config(format!(
                "{key} must be greater than 0, but was {value}"
            )));
        }
    }
    if let Some(text) = options
        .get("unchecked_tombstone_compaction")
        .filter(|t| !is_boolean(t))
    {
        return Err(config(format!(
            "'unchecked_tombstone_compaction' should be either 'true' or 'false', not '{text}'"
        )));
    }
    if let Some(text) = options.get("log_all").filter(|t| !is_boolean(t)) {
        return Err(config(format!(
            "'log_all' should either be 'true' or 'false', not {text}"
        )));
    }
    if let Some(text) = options.get("enabled").filter(|t| !is_boolean(t)) {
        return Err(config(format!(
            "enabled should either be 'true' or 'false', not {text}"
        )));
    }
    Ok(())
}

/// `SizeTieredCompactionStrategyOptions.validateOptions`.
fn size_tiered(options: &Options) -> Result<(), ServerError> {
    let key = "min_sstable_size";
    if let Some(text) = options.get(key) {
        let value = parse_long(text).ok_or_else(|| not_parsable(text, key))?;
        if value < 0 {
            return Err(config(format!("{key} must be non negative: {value}")));
        }
    }
    let double = |key: &str, default: f64| -> Result<f64, ServerError> {
        match options.get(key) {
            None => Ok(default),
            Some(text) => parse_double(text)
                .ok_or_else(|| config(format!("{text} is not a parsable float for {key}"))),
        }
    };
    let low = double("bucket_low", 0.5)?;
    let high = double("bucket_high", 1.5)?;
    if high <= low {
        return Err(config(format!(
            "bucket_high value ({}) is less than or equal to the bucket_low value ({})",
            double_to_string(high),
            double_to_string(low)
        )));
    }
    Ok(())
}

/// `LeveledCompactionStrategy.validateOptions`.
fn leveled(options: &Options) -> Result<(), ServerError> {
    let size_key = "sstable_size_in_mb";
    let size = options.get(size_key).map_or("1", String::as_str);
    let value = parse_int(size).ok_or_else(|| not_parsable(size, size_key))?;
    if value < 1 {
        return Err(config(format!(
            "{size_key} must be larger than 0, but was {value}"
        )));
    }
    let key = "fanout_size";
    let fanout = options.get(key).map_or("10", String::as_str);
    // Cassandra quotes the sstable size's text, not the fanout's, when the fanout is no
    // number.
    let value = parse_int(fanout).ok_or_else(|| not_parsable(size, key))?;
    if value < 1 {
        return Err(config(format!(
            "{key} must be larger than 0, but was {value}"
        )));
    }
    Ok(())
}

/// `TimeWindowCompactionStrategyOptions.validateOptions`.
fn time_window(options: &Options) -> Result<(), ServerError> {
    // `TimeUnit.valueOf` (exact constant names), limited to the units each option allows.
    let units = [
        (
            "timestamp_resolution",
            &["SECONDS", "MILLISECONDS", "MICROSECONDS", "NANOSECONDS"][..],
        ),
        ("compaction_window_unit", &["MINUTES", "HOURS", "DAYS"][..]),
    ];
    for (key, allowed) in units {
        if let Some(text) = options.get(key)
            && !allowed.contains(&text.as_str())
        {
            return Err(config(format!("{text} is not valid for {key}")));
        }
    }
    let key = "compaction_window_size";
    if let Some(text) = options.get(key) {
        let value = parse_int(text).ok_or_else(|| not_parsable(text, key))?;
        if value < 1 {
            return Err(config(format!("{value} must be greater than 1 for {key}")));
        }
    }
    non_negative_long(options, "expired_sstable_check_frequency_seconds")?;
    let key = "unsafe_aggressive_sstable_expiration";
    if let Some(text) = options.get(key) {
        if !is_boolean(text) {
            return Err(config(format!("{key} is not 'true' or 'false' ({text})")));
        }
        // Allowed only under a JVM system property, which the emulator never has.
        if text.eq_ignore_ascii_case("true") {
            return Err(config(format!(
                "{key} is requested but not allowed, restart cassandra with -Dcassandra.allow_unsafe_aggressive_sstable_expiration=true to allow it"
            )));
        }
    }
    Ok(())
}

/// `DateTieredCompactionStrategyOptions.validateOptions`.
fn date_tiered(options: &Options) -> Result<(), ServerError> {
    const UNITS: [&str; 7] = [
        "NANOSECONDS",
        "MICROSECONDS",
        "MILLISECONDS",
        "SECONDS",
        "MINUTES",
        "HOURS",
        "DAYS",
    ];
    if let Some(text) = options
        .get("timestamp_resolution")
        .filter(|t| !UNITS.contains(&t.as_str()))
    {
        return Err(config(format!("timestamp_resolution {text} is not valid")));
    }
    let key = "max_sstable_age_days";
    if let Some(text) = options.get(key) {
        let value = parse_double(text).ok_or_else(|| not_parsable(text, key))?;
        if value < 0.0 {
            return Err(config(format!("{key} must be non-negative: {value:.2}")));
        }
    }
    let key = "base_time_seconds";
    if let Some(text) = options.get(key) {
        let value = parse_long(text).ok_or_else(|| not_parsable(text, key))?;
        if value <= 0 {
            return Err(config(format!(
                "{key} must be greater than 0, but was {value}"
            )));
        }
    }
    non_negative_long(options, "expired_sstable_check_frequency_seconds")?;
    non_negative_long(options, "max_window_size_seconds")
}

/// A `long` option that must not be negative (`... must not be negative, but was -1`).
fn non_negative_long(options: &Options, key: &str) -> Result<(), ServerError> {
    if let Some(text) = options.get(key) {
        let value = parse_long(text).ok_or_else(|| not_parsable(text, key))?;
        if value < 0 {
            return Err(config(format!(
                "{key} must not be negative, but was {value}"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::super::string_map as map;
    use super::*;

    fn message(strategy: &str, pairs: &[(&str, &str)]) -> String {
        check(strategy, &map(pairs)).expect_err("invalid").message
    }

    #[test]
    fn values_are_checked_per_strategy() {
        let stcs = "SizeTieredCompactionStrategy";
        assert_eq!(
            message(stcs, &[("tombstone_threshold", "-1")]),
            "tombstone_threshold must be greater than 0, but was -1.000000"
        );
        assert_eq!(
            message(stcs, &[("bucket_high", "0.5")]),
            "bucket_high value (0.5) is less than or equal to the bucket_low value (0.5)"
        );
        assert_eq!(
            message(stcs, &[("min_sstable_size", "x")]),
            "x is not a parsable int (base10) for min_sstable_size"
        );
        assert_eq!(
            message("LeveledCompactionStrategy", &[("fanout_size", "x")]),
            "1 is not a parsable int (base10) for fanout_size"
        );
        assert_eq!(
            message(
                "TimeWindowCompactionStrategy",
                &[("compaction_window_unit", "days")]
            ),
            "days is not valid for compaction_window_unit"
        );
        assert_eq!(
            message(
                "DateTieredCompactionStrategy",
                &[("max_sstable_age_days", "-1")]
            ),
            "max_sstable_age_days must be non-negative: -1.00"
        );
        assert!(
            check(
                "TimeWindowCompactionStrategy",
                &map(&[("compaction_window_unit", "HOURS"), ("bucket_low", "0.1")])
            )
            .is_ok()
        );
    }
}

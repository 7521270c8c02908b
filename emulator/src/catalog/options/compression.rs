//! The `compression` option, as Cassandra 4.0's `CompressionParams.fromMap` builds it and
//! `asMap` shows it: no class (`{}` included) or `'enabled': 'false'` means compression is
//! off, shown as `{'enabled': 'false'}`; otherwise the class in full, the chunk length in
//! KiB, and the compressor's own options.

use std::collections::BTreeMap;

use cassia_protocol::response::ServerError;

use super::super::ddl::parse_bool;
use super::super::errors::config;
use super::java::{double_to_string, parse_double};
use super::resolve;

const PACKAGE: &str = "org.apache.cassandra.io.compress";

/// The compressors 4.0 ships and the options each `supportedOptions()` lists.
const COMPRESSORS: [(&str, &[&str]); 5] = [
    (
        "LZ4Compressor",
        &["lz4_compressor_type", "lz4_high_compressor_level"],
    ),
    ("SnappyCompressor", &[]),
    ("DeflateCompressor", &[]),
    ("ZstdCompressor", &["compression_level"]),
    ("NoopCompressor", &[]),
];

/// The `compression` map `system_schema.tables` shows for the sub-options `given`.
pub(super) fn compression(
    mut given: BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, ServerError> {
    let has_class = given.contains_key("class") || given.contains_key("sstable_compression");
    let enabled = given.get("enabled").is_none_or(|v| parse_bool(v));
    if !given.is_empty() && enabled && !has_class {
        return Err(config(
            "Missing sub-option 'class' for the 'compression' option.",
        ));
    }
    given.remove("enabled");
    if !enabled {
        if !given.is_empty() {
            return Err(config(
                "If the 'enabled' option is set to false no other options must be specified",
            ));
        }
        return Ok(disabled());
    }
    let class = match (given.remove("class"), given.remove("sstable_compression")) {
        (Some(class), _) => non_empty(class, "class")?,
        (None, Some(class)) => non_empty(class, "sstable_compression")?,
        // `{}`: no class, compression off.
        (None, None) => return Ok(disabled()),
    };
    let chunk_kb = chunk_length(&mut given)?;
    // `removeMinCompressRatio`: `Double.parseDouble`, 0.0 (off) by default.
    let min_compress_ratio = match given.remove("min_compress_ratio") {
        Some(ratio) => {
            parse_double(&ratio).ok_or_else(|| config(format!("For input string: \"{ratio}\"")))?
        }
        None => 0.0,
    };
    // `parseCompressorClass`, then `createCompressor`'s check of the options.
    let (full, known) = resolve(&class, PACKAGE, &COMPRESSORS);
    let Some((_, supported)) = known else {
        return Err(config(format!(
            "Could not create Compression for type {full}"
        )));
    };
    if let Some(unknown) = given.keys().find(|k| !supported.contains(&k.as_str())) {
        return Err(config(format!("Unknown compression options {unknown}")));
    }
    // `CompressionParams.validate`.
    if chunk_kb <= 0 {
        return Err(config("Invalid negative or null chunk_length_in_kb"));
    }
    if chunk_kb & (chunk_kb - 1) != 0 {
        return Err(config("chunk_length_in_kb must be a power of 2"));
    }
    check_ratio(chunk_kb, min_compress_ratio)?;
    given.insert("chunk_length_in_kb".to_owned(), chunk_kb.to_string());
    given.insert("class".to_owned(), full);
    // Shown only when not the default 0.0 (`NaN` is shown), as `String.valueOf(double)`.
    if min_compress_ratio != 0.0 {
        given.insert(
            "min_compress_ratio".to_owned(),
            double_to_string(min_compress_ratio),
        );
    }
    Ok(given)
}

fn disabled() -> BTreeMap<String, String> {
    BTreeMap::from([("enabled".to_owned(), "false".to_owned())])
}

fn non_empty(class: String, option: &str) -> Result<String, ServerError> {
    if class.is_empty() {
        return Err(config(format!(
            "The '{option}' option must not be empty. To disable compression use 'enabled' : false"
        )));
    }
    Ok(class)
}

/// `removeChunkLength`: `chunk_length_in_kb`, or the deprecated `chunk_length_kb`, in KiB
/// (16 by default).
fn chunk_length(given: &mut BTreeMap<String, String>) -> Result<i64, ServerError> {
    let text = match (
        given.remove("chunk_length_in_kb"),
        given.remove("chunk_length_kb"),
    ) {
        (Some(_), Some(_)) => {
            return Err(config(
                "The 'chunk_length_kb' option must not be used if the chunk length is already specified by the 'chunk_length_in_kb' option",
            ));
        }
        (Some(kb), None) => kb,
        // The deprecated name was read with its blanks trimmed.
        (None, Some(kb)) => kb.trim().to_owned(),
        (None, None) => return Ok(16),
    };
    // `Integer.parseInt`.
    let kb: i32 = text
        .parse()
        .map_err(|_| config("Invalid value for chunk_length_in_kb"))?;
    if kb > i32::MAX / 1024 {
        return Err(config(format!(
            "Value of chunk_length_in_kb is too large ({kb})"
        )));
    }
    Ok(i64::from(kb))
}

/// The ratio's part of `CompressionParams.validate`, made on the longest compressed chunk it
/// allows (`calcMaxCompressedLength`: the chunk's bytes over the ratio, rounded up, capped at
/// `Integer.MAX_VALUE`): a negative length (a negative ratio, `-0.0` too) is refused, and so
/// is one beyond the chunk (a ratio under 1) unless it hit the cap (0, or a tiny ratio).
fn check_ratio(chunk_kb: i64, ratio: f64) -> Result<(), ServerError> {
    let chunk = chunk_kb.saturating_mul(1024);
    // Java's `(int)` of a double saturates and maps NaN to 0, as Rust's `as` does.
    #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
    let max_compressed = (chunk as f64 / ratio).min(f64::from(i32::MAX)).ceil() as i32;
    if max_compressed < 0 {
        return Err(config("Invalid negative min_compress_ratio"));
    }
    if i64::from(max_compressed) > chunk && max_compressed < i32::MAX {
        return Err(config(
            "min_compress_ratio can either be 0 or greater than or equal to 1",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::string_map as map;
    use super::*;

    #[test]
    fn shown_as_cassandra_shows_it() {
        assert_eq!(compression(map(&[])).expect("off"), disabled());
        assert_eq!(
            compression(map(&[("enabled", "false")])).expect("off"),
            disabled()
        );
        assert_eq!(
            compression(map(&[
                ("sstable_compression", "DeflateCompressor"),
                ("chunk_length_kb", "064")
            ]))
            .expect("valid"),
            map(&[
                ("chunk_length_in_kb", "64"),
                (
                    "class",
                    "org.apache.cassandra.io.compress.DeflateCompressor"
                )
            ])
        );
        assert_eq!(
            compression(map(&[
                ("class", "LZ4Compressor"),
                ("min_compress_ratio", "2")
            ]))
            .expect("valid")
            .get("min_compress_ratio")
            .map(String::as_str),
            Some("2.0")
        );
        let ratio = |text: &str| {
            compression(map(&[
                ("class", "LZ4Compressor"),
                ("min_compress_ratio", text),
            ]))
            .expect("valid")
            .get("min_compress_ratio")
            .cloned()
        };
        assert_eq!(ratio("0"), None);
        assert_eq!(ratio("1e-10").as_deref(), Some("1.0E-10"));
        assert_eq!(ratio("1e7").as_deref(), Some("1.0E7"));
    }

    #[test]
    fn invalid_options_are_refused() {
        let message =
            |pairs: &[(&str, &str)]| compression(map(pairs)).expect_err("invalid").message;
        assert_eq!(
            message(&[("class", "LZ4Compressor"), ("chunk_length_in_kb", "3")]),
            "chunk_length_in_kb must be a power of 2"
        );
        assert_eq!(
            message(&[("class", "NoSuchCompressor")]),
            "Could not create Compression for type org.apache.cassandra.io.compress.NoSuchCompressor"
        );
        assert_eq!(
            message(&[("class", "SnappyCompressor"), ("foo", "bar")]),
            "Unknown compression options foo"
        );
        assert_eq!(
            message(&[("chunk_length_in_kb", "16")]),
            "Missing sub-option 'class' for the 'compression' option."
        );
        assert_eq!(
            message(&[("class", "LZ4Compressor"), ("min_compress_ratio", "-1")]),
            "Invalid negative min_compress_ratio"
        );
        assert_eq!(
            message(&[("class", "LZ4Compressor"), ("min_compress_ratio", "0.5")]),
            "min_compress_ratio can either be 0 or greater than or equal to 1"
        );
    }
}

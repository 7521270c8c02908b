//! `speculative_retry` and `additional_write_policy`: parsed as Cassandra 4.0's
//! `SpeculativeRetryPolicy.fromString` parses them and stored in the form its `toString`
//! gives (`'99PERCENTILE'` becomes `'99p'`, `'none'` becomes `'NEVER'`, ...), which is what
//! `system_schema.tables` shows.
//!
//! Both options go through the same parser, so both name `speculative_retry` in their errors.

use cassia_protocol::response::ServerError;

use super::super::errors::config;

/// A parsed policy (`SpeculativeRetryPolicy.Kind` and its parameters).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Policy {
    Always,
    Never,
    Percentile(f64),
    /// Milliseconds, truncated to an int as 4.0 does.
    Fixed(i32),
    /// `MIN`/`MAX` of a percentile and a fixed policy.
    Hybrid {
        max: bool,
        percentile: f64,
        millis: i32,
    },
}

impl Policy {
    fn kind(self) -> &'static str {
        match self {
            Policy::Always => "ALWAYS",
            Policy::Never => "NEVER",
            Policy::Percentile(_) => "PERCENTILE",
            Policy::Fixed(_) => "FIXED",
            Policy::Hybrid { .. } => "HYBRID",
        }
    }

    fn render(self) -> String {
        match self {
            Policy::Always => "ALWAYS".to_owned(),
            Policy::Never => "NEVER".to_owned(),
            Policy::Percentile(p) => format!("{}p", decimal(p)),
            Policy::Fixed(ms) => format!("{ms}ms"),
            Policy::Hybrid {
                max,
                percentile,
                millis,
            } => format!(
                "{}({}p,{millis}ms)",
                if max { "MAX" } else { "MIN" },
                decimal(percentile)
            ),
        }
    }
}

/// The canonical text of policy `text`, or 4.0's ConfigurationException.
pub(super) fn canonical(text: &str) -> Result<String, ServerError> {
    parse(text).map(Policy::render)
}

fn invalid(text: &str) -> ServerError {
    config(format!(
        "Invalid value {text} for option 'speculative_retry'"
    ))
}

fn parse(text: &str) -> Result<Policy, ServerError> {
    if text.eq_ignore_ascii_case("ALWAYS") {
        return Ok(Policy::Always);
    }
    if text.eq_ignore_ascii_case("NEVER") || text.eq_ignore_ascii_case("NONE") {
        return Ok(Policy::Never);
    }
    if let Some(value) = percentile_value(text) {
        // `Double.parseDouble` refuses what the pattern lets through, like `1.2.3`.
        let p: f64 = value.parse().map_err(|_| invalid(text))?;
        if p <= 0.0 || p >= 100.0 {
            return Err(config(format!(
                "Invalid value {text} for PERCENTILE option 'speculative_retry': must be between (0.0 and 100.0)"
            )));
        }
        return Ok(Policy::Percentile(p));
    }
    if let Some(value) = fixed_value(text) {
        let ms: f64 = value.parse().map_err(|_| invalid(text))?;
        // Java's `(int)` cast: truncated towards zero, saturating.
        return Ok(Policy::Fixed(ms as i32));
    }
    if let Some((max, first, second)) = hybrid_parts(text) {
        let (a, b) = match (parse(first), parse(second)) {
            (Ok(a), Ok(b)) => (a, b),
            _ => return Err(invalid(text)),
        };
        if a.kind() == b.kind() {
            return Err(config(format!(
                "Invalid value {text} for option 'speculative_retry': MIN()/MAX() arguments should be of different types, but both are of type {}",
                a.kind()
            )));
        }
        let (percentile, millis) = match (a, b) {
            (Policy::Percentile(p), Policy::Fixed(ms))
            | (Policy::Fixed(ms), Policy::Percentile(p)) => (p, ms),
            // The hybrid pattern only admits numbers with a unit: percentiles and fixed.
            _ => return Err(invalid(text)),
        };
        return Ok(Policy::Hybrid {
            max,
            percentile,
            millis,
        });
    }
    Err(invalid(text))
}

/// Whether `s` is `[0-9.]+`.
fn is_number_chars(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// The number of `<n>p` or `<n>percentile` (any case).
fn percentile_value(text: &str) -> Option<&str> {
    let lower = text.to_ascii_lowercase();
    let stripped = lower
        .strip_suffix("percentile")
        .or_else(|| lower.strip_suffix('p'))?;
    is_number_chars(stripped).then(|| &text[..stripped.len()])
}

/// The number of `<n>ms` (any case).
fn fixed_value(text: &str) -> Option<&str> {
    let lower = text.to_ascii_lowercase();
    let stripped = lower.strip_suffix("ms")?;
    is_number_chars(stripped).then(|| &text[..stripped.len()])
}

/// `MIN(<a>, <b>)` or `MAX(...)` (any case), each argument `[0-9.]+[a-z]+`.
fn hybrid_parts(text: &str) -> Option<(bool, &str, &str)> {
    let head = text.get(..4)?;
    let max = if head.eq_ignore_ascii_case("MIN(") {
        false
    } else if head.eq_ignore_ascii_case("MAX(") {
        true
    } else {
        return None;
    };
    let inner = text.get(4..)?.strip_suffix(')')?;
    let (first, second) = inner.split_once(',')?;
    let (first, second) = (first.trim_end(), second.trim_start());
    let argument = |s: &str| {
        let digits = s
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        digits > 0 && s.len() > digits && s.bytes().skip(digits).all(|b| b.is_ascii_alphabetic())
    };
    (argument(first) && argument(second)).then_some((max, first, second))
}

/// Java's `new DecimalFormat("#.####")`: at most four decimals (half-even), no trailing
/// zeros, and no integer digit when the integer part is zero (`0.5` is `.5`).
fn decimal(value: f64) -> String {
    let fixed = format!("{value:.4}");
    let trimmed = fixed.trim_end_matches('0').trim_end_matches('.');
    match trimmed.strip_prefix("0.") {
        Some(fraction) => format!(".{fraction}"),
        None => trimmed.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_take_their_canonical_form() {
        for (given, shown) in [
            ("99p", "99p"),
            ("99PERCENTILE", "99p"),
            ("99.5Percentile", "99.5p"),
            ("0.5p", ".5p"),
            ("50ms", "50ms"),
            ("10.9MS", "10ms"),
            ("always", "ALWAYS"),
            ("none", "NEVER"),
            ("Never", "NEVER"),
            ("min(99p,50ms)", "MIN(99p,50ms)"),
            ("MAX(10ms , 90percentile)", "MAX(90p,10ms)"),
        ] {
            assert_eq!(canonical(given).expect(given), shown, "{given}");
        }
    }

    #[test]
    fn invalid_policies_get_cassandras_messages() {
        let message = |t: &str| canonical(t).expect_err(t).message;
        assert_eq!(
            message("foo"),
            "Invalid value foo for option 'speculative_retry'"
        );
        assert_eq!(
            message("1.2.3p"),
            "Invalid value 1.2.3p for option 'speculative_retry'"
        );
        assert_eq!(
            message("100p"),
            "Invalid value 100p for PERCENTILE option 'speculative_retry': must be between (0.0 and 100.0)"
        );
        assert_eq!(
            message("MIN(99p,98p)"),
            "Invalid value MIN(99p,98p) for option 'speculative_retry': MIN()/MAX() arguments should be of different types, but both are of type PERCENTILE"
        );
        assert_eq!(
            message("MIN(99p,5xyz)"),
            "Invalid value MIN(99p,5xyz) for option 'speculative_retry'"
        );
    }
}

//! Java's number parsing and printing, as the option validators of Cassandra 4.0 use them:
//! `Double.parseDouble`/`Float.parseFloat` (stricter than Rust about words: no `inf` or `nan`
//! in any case, but `NaN`, `Infinity` and a trailing `d`/`f` are fine), `Integer.parseInt`,
//! `Long.parseLong`, and `Double.toString` (`2.0`, `1.0E7`). Messages quote these texts, so
//! they must match Java's to the character. `Double.toString` is also the text a `CAST` of a
//! float or double gives (`crate::catalog::java_double`).

/// `Double.parseDouble`: `None` where Java throws `NumberFormatException`. Hexadecimal
/// floating-point literals (`0x1p3`) are not read.
pub(super) fn parse_double(text: &str) -> Option<f64> {
    // `String.trim` drops every char up to U+0020.
    let trimmed = text.trim_matches(|c: char| c <= ' ');
    let (sign, unsigned) = match trimmed.as_bytes().first() {
        Some(b'-') => (-1.0, trimmed.get(1..)?),
        Some(b'+') => (1.0, trimmed.get(1..)?),
        _ => (1.0, trimmed),
    };
    match unsigned {
        "NaN" => return Some(f64::NAN),
        "Infinity" => return Some(sign * f64::INFINITY),
        _ => {}
    }
    let body = unsigned
        .strip_suffix(['d', 'D', 'f', 'F'])
        .unwrap_or(unsigned);
    // Digits, one point, an exponent: nothing Rust reads as a word (`inf`, `nan`).
    let plain = body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if !plain || !body.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    body.parse::<f64>().ok().map(|v| sign * v)
}

/// `Float.parseFloat`, read as a double then narrowed (the same value for every text but
/// a few at the edge of a float's precision).
pub(super) fn parse_float(text: &str) -> Option<f32> {
    #[allow(clippy::cast_possible_truncation)]
    parse_double(text).map(|v| v as f32)
}

/// `Integer.parseInt`: an optional sign, then decimal digits, within an `int`.
pub(super) fn parse_int(text: &str) -> Option<i32> {
    text.parse().ok()
}

/// `Long.parseLong`: an optional sign, then decimal digits, within a `long`.
pub(super) fn parse_long(text: &str) -> Option<i64> {
    text.parse().ok()
}

/// `Double.toString`: plain with at least one decimal in [1e-3, 1e7), else `d.dddE<exp>`.
pub(crate) fn double_to_string(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    let magnitude = value.abs();
    if magnitude == 0.0 || (1e-3..1e7).contains(&magnitude) {
        // Rust's `Debug` is the shortest text that reads back, with a `.0` when whole.
        return format!("{value:?}");
    }
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific
        .split_once('e')
        .unwrap_or((scientific.as_str(), "0"));
    if mantissa.contains('.') {
        format!("{mantissa}E{exponent}")
    } else {
        format!("{mantissa}.0E{exponent}")
    }
}

/// Java's `%f` (six decimals) of a float, as `String.format` prints it.
pub(super) fn format_float_f(value: f32) -> String {
    format!("{:.6}", f64::from(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_are_read_as_java_reads_them() {
        assert_eq!(parse_double(" 1.5 "), Some(1.5));
        assert_eq!(parse_double("2d"), Some(2.0));
        assert_eq!(parse_double("-1e3"), Some(-1000.0));
        assert_eq!(parse_double(".5"), Some(0.5));
        assert_eq!(parse_double("-Infinity"), Some(f64::NEG_INFINITY));
        assert!(parse_double("NaN").is_some_and(f64::is_nan));
        for bad in ["", "x", "inf", "nan", "infinity", "1x", "-", "e5", "1.5.5"] {
            assert_eq!(parse_double(bad), None, "{bad}");
        }
    }

    #[test]
    fn doubles_are_printed_as_java_prints_them() {
        assert_eq!(double_to_string(2.0), "2.0");
        assert_eq!(double_to_string(0.5), "0.5");
        assert_eq!(double_to_string(1e7), "1.0E7");
        assert_eq!(double_to_string(1.5e-4), "1.5E-4");
        assert_eq!(double_to_string(-0.0), "-0.0");
        assert_eq!(double_to_string(f64::INFINITY), "Infinity");
        assert_eq!(format_float_f(-1.0), "-1.000000");
    }
}

//! `Display` for [`CqlValue`]: the value as a CQL literal, for logs, error messages and the
//! emulator (which renders values back into CQL).
//!
//! Strings are single-quoted with `''` escapes, blobs are `0x…`, floats use `NaN` and
//! `Infinity` as CQL spells them, dates/times/timestamps are quoted ISO strings (or their raw
//! number when outside what the string form can express), collections use `[…]`, `{…}` and
//! `(…)`. A zero-length value ([`CqlValue::Empty`]) has no literal of its own and renders as
//! the empty blob `0x`. DSE's geometries are their quoted WKT (`'POINT (1 2)'`).

use std::fmt::{self, Display, Formatter, Write};

use super::{CqlDate, CqlDuration, CqlTime, CqlTimestamp, CqlValue};

impl Display for CqlValue {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            CqlValue::Ascii(s) | CqlValue::Text(s) => quoted(f, s),
            CqlValue::BigInt(v) | CqlValue::Counter(v) => write!(f, "{v}"),
            CqlValue::Blob(b) | CqlValue::Custom(b) => hex(f, b),
            // DSE parses a string literal of a geometric column as WKT (the type's
            // `fromString`), and the DataStax drivers render these values that way.
            CqlValue::Point(p) => write!(f, "'{p}'"),
            CqlValue::LineString(l) => write!(f, "'{l}'"),
            CqlValue::Polygon(p) => write!(f, "'{p}'"),
            CqlValue::Boolean(b) => write!(f, "{b}"),
            CqlValue::Decimal(d) => write!(f, "{d}"),
            CqlValue::Double(v) => float(f, *v),
            CqlValue::Float(v) => float(f, f64::from(*v)),
            CqlValue::Int(v) => write!(f, "{v}"),
            CqlValue::Timestamp(t) => write!(f, "{t}"),
            CqlValue::Uuid(u) | CqlValue::Timeuuid(u) => write!(f, "{u}"),
            CqlValue::Varint(v) => write!(f, "{v}"),
            CqlValue::Inet(ip) => write!(f, "'{ip}'"),
            CqlValue::Date(d) => write!(f, "{d}"),
            CqlValue::Time(t) => write!(f, "{t}"),
            CqlValue::SmallInt(v) => write!(f, "{v}"),
            CqlValue::TinyInt(v) => write!(f, "{v}"),
            CqlValue::Duration(d) => write!(f, "{d}"),
            CqlValue::List(items) | CqlValue::Vector(items) => {
                sequence(f, "[", "]", items.iter().map(Some))
            }
            CqlValue::Set(items) => sequence(f, "{", "}", items.iter().map(Some)),
            CqlValue::Tuple(items) => sequence(f, "(", ")", items.iter().map(Option::as_ref)),
            CqlValue::Map(entries) => {
                f.write_char('{')?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_char('}')
            }
            CqlValue::Udt { fields, .. } => {
                f.write_char('{')?;
                for (i, (name, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    identifier(f, name)?;
                    f.write_str(": ")?;
                    nullable(f, v.as_ref())?;
                }
                f.write_char('}')
            }
            CqlValue::Empty => f.write_str("0x"),
        }
    }
}

fn quoted(f: &mut Formatter<'_>, s: &str) -> fmt::Result {
    f.write_char('\'')?;
    for (i, part) in s.split('\'').enumerate() {
        if i > 0 {
            f.write_str("''")?;
        }
        f.write_str(part)?;
    }
    f.write_char('\'')
}

fn hex(f: &mut Formatter<'_>, b: &[u8]) -> fmt::Result {
    f.write_str("0x")?;
    b.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
}

fn float(f: &mut Formatter<'_>, v: f64) -> fmt::Result {
    if v.is_nan() {
        f.write_str("NaN")
    } else if v.is_infinite() {
        f.write_str(if v > 0.0 { "Infinity" } else { "-Infinity" })
    } else {
        // `Debug` keeps a decimal point or an exponent (`1.0`, `1e300`): both are CQL floats.
        write!(f, "{v:?}")
    }
}

fn nullable(f: &mut Formatter<'_>, v: Option<&CqlValue>) -> fmt::Result {
    match v {
        Some(v) => write!(f, "{v}"),
        None => f.write_str("null"),
    }
}

fn sequence<'a>(
    f: &mut Formatter<'_>,
    open: &str,
    close: &str,
    items: impl Iterator<Item = Option<&'a CqlValue>>,
) -> fmt::Result {
    f.write_str(open)?;
    for (i, v) in items.enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        nullable(f, v)?;
    }
    f.write_str(close)
}

/// Field names are bare when CQL would read them back unchanged, double-quoted otherwise.
fn identifier(f: &mut Formatter<'_>, name: &str) -> fmt::Result {
    let bare = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if bare {
        return f.write_str(name);
    }
    f.write_char('"')?;
    for (i, part) in name.split('"').enumerate() {
        if i > 0 {
            f.write_str("\"\"")?;
        }
        f.write_str(part)?;
    }
    f.write_char('"')
}

/// `'2024-02-29'`, or the raw day number (quoted, which CQL also accepts) outside years
/// 1..=9999.
impl Display for CqlDate {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.to_naive_date() {
            Some(d) if (1..=9999).contains(&chrono::Datelike::year(&d)) => {
                write!(f, "'{}'", d.format("%Y-%m-%d"))
            }
            _ => write!(f, "'{}'", self.0),
        }
    }
}

/// `'13:45:00.000000001'`.
impl Display for CqlTime {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.to_naive_time() {
            Some(t) => write!(f, "'{}'", t.format("%H:%M:%S%.9f")),
            None => write!(f, "{}", self.0),
        }
    }
}

/// `'2024-02-29 13:45:00.123+0000'`, or the raw milliseconds outside years 1..=9999.
impl Display for CqlTimestamp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.to_date_time() {
            Some(t) if (1..=9999).contains(&chrono::Datelike::year(&t)) => {
                write!(f, "'{}'", t.format("%Y-%m-%d %H:%M:%S%.3f%z"))
            }
            _ => write!(f, "{}", self.0),
        }
    }
}

/// Cassandra's duration literal: `1y2mo3d4h5m6s7ms8us9ns`, `-3d`, and `0s` for zero.
impl Display for CqlDuration {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.months == 0 && self.days == 0 && self.nanoseconds == 0 {
            return f.write_str("0s");
        }
        if self.months < 0 || self.days < 0 || self.nanoseconds < 0 {
            f.write_char('-')?;
        }
        let months = self.months.unsigned_abs();
        let mut nanos = self.nanoseconds.unsigned_abs();
        let part = |f: &mut Formatter<'_>, n: u64, unit: &str| {
            if n > 0 {
                write!(f, "{n}{unit}")
            } else {
                Ok(())
            }
        };
        part(f, u64::from(months / 12), "y")?;
        part(f, u64::from(months % 12), "mo")?;
        part(f, u64::from(self.days.unsigned_abs()), "d")?;
        for (size, unit) in [
            (3_600_000_000_000, "h"),
            (60_000_000_000, "m"),
            (1_000_000_000, "s"),
            (1_000_000, "ms"),
            (1_000, "us"),
            (1, "ns"),
        ] {
            part(f, nanos / size, unit)?;
            nanos %= size;
        }
        Ok(())
    }
}

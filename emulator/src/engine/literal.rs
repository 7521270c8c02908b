//! CQL constants to serialized values for a receiving column, with Cassandra's assignability
//! rules (`Constants.Literal.testAssignment`) and messages (`Invalid STRING constant (x) for
//! "v" of type int`, `Unable to make int from 'x'`, ...).

mod date;

pub(crate) use date::format as date_text;

use std::net::IpAddr;
use std::str::FromStr;

use bigdecimal::BigDecimal;
use bytes::Bytes;
use cassia_protocol::response::ServerError;
use cassia_protocol::types::ColumnType;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Timelike};

use date::DateError;
use num_bigint::BigInt;

use crate::catalog::invalid;
use crate::cql::ast::Literal;

/// The kind name Cassandra prints for a literal in assignment errors.
fn kind_name(lit: &Literal) -> &'static str {
    match lit {
        Literal::Null => "NULL",
        Literal::Bool(_) => "BOOLEAN",
        Literal::Integer(_) => "INTEGER",
        Literal::Float(_) => "FLOAT",
        Literal::String(_) => "STRING",
        Literal::Blob(..) | Literal::OddHexBlob(_) => "HEX",
        Literal::Uuid(_) => "UUID",
        Literal::Duration(_) => "DURATION",
    }
}

fn assignable(lit: &Literal, typ: &ColumnType) -> bool {
    use ColumnType as T;
    match (lit, typ) {
        (_, T::Custom(_)) => true,
        (Literal::String(_), T::Ascii | T::Text | T::Inet | T::Date | T::Time | T::Timestamp) => {
            true
        }
        (
            Literal::Integer(_),
            T::BigInt
            | T::Counter
            | T::Date
            | T::Decimal
            | T::Double
            | T::Duration
            | T::Float
            | T::Int
            | T::SmallInt
            | T::Time
            | T::Timestamp
            | T::TinyInt
            | T::Varint,
        ) => true,
        (Literal::Uuid(u), T::Uuid) => {
            let _ = u;
            true
        }
        (Literal::Uuid(u), T::Timeuuid) => u.get_version_num() == 1,
        (Literal::Float(_), T::Decimal | T::Double | T::Float) => true,
        (Literal::Bool(_), T::Boolean) => true,
        (Literal::Blob(..) | Literal::OddHexBlob(_), T::Blob) => true,
        (Literal::Duration(_), T::Duration) => true,
        _ => false,
    }
}

/// Serializes a non-null constant for a column `name` of type `typ`.
pub(crate) fn serialize(lit: &Literal, name: &str, typ: &ColumnType) -> Result<Bytes, ServerError> {
    if !assignable(lit, typ) {
        return Err(invalid(format!(
            "Invalid {} constant ({}) for \"{name}\" of type {}",
            kind_name(lit),
            lit.raw_text(),
            cql_type_name(typ)
        )));
    }
    match lit {
        Literal::Blob(b, _) => return Ok(Bytes::copy_from_slice(b)),
        // `Constants.Literal.parsedValue` hands every hex literal to `BytesType.fromString`,
        // custom receivers included, and `Hex.hexToBytes` refuses an odd digit count.
        Literal::OddHexBlob(text) => {
            let digits = text.get(2..).unwrap_or_default();
            return Err(invalid(format!("cannot parse '{digits}' as hex bytes")));
        }
        _ => {}
    }
    from_string(lit, typ)
}

/// The type as Cassandra names it in messages (`text`, `list<int>`, `frozen<...>` omitted).
pub(crate) fn cql_type_name(typ: &ColumnType) -> String {
    typ.to_string()
}

fn unable(what: &str, s: &str) -> ServerError {
    invalid(format!("Unable to make {what} from '{s}'"))
}

/// `AbstractType.fromString` for the native types.
fn from_string(lit: &Literal, typ: &ColumnType) -> Result<Bytes, ServerError> {
    use ColumnType as T;
    let s = lit.raw_text();
    let s = s.as_str();
    let b = |v: &[u8]| Ok(Bytes::copy_from_slice(v));
    match typ {
        T::Int => s
            .parse::<i32>()
            .map_err(|_| unable("int", s))
            .and_then(|v| b(&v.to_be_bytes())),
        T::BigInt | T::Counter => s
            .parse::<i64>()
            .map_err(|_| unable("long", s))
            .and_then(|v| b(&v.to_be_bytes())),
        T::SmallInt => s
            .parse::<i16>()
            .map_err(|_| unable("short", s))
            .and_then(|v| b(&v.to_be_bytes())),
        T::TinyInt => s
            .parse::<i8>()
            .map_err(|_| unable("byte", s))
            .and_then(|v| b(&v.to_be_bytes())),
        T::Varint => BigInt::from_str(s)
            .map_err(|_| unable("int", s))
            .and_then(|v| b(&v.to_signed_bytes_be())),
        T::Decimal => {
            let d = BigDecimal::from_str(s)
                .map_err(|_| invalid(format!("unable to make BigDecimal from '{s}'")))?;
            // Java's BigDecimal has an int scale: a literal whose scale does not fit is
            // refused there (a NumberFormatException), never silently truncated.
            if i32::try_from(d.as_bigint_and_exponent().1).is_err() {
                return Err(invalid(format!("unable to make BigDecimal from '{s}'")));
            }
            Ok(decimal_bytes(&d))
        }
        T::Double => parse_float(s)
            .ok_or_else(|| invalid(format!("Unable to make double from '{s}'")))
            .and_then(|v| b(&v.to_be_bytes())),
        T::Float => parse_float(s)
            .ok_or_else(|| invalid(format!("Unable to make float from '{s}'")))
            .and_then(|v| b(&(v as f32).to_be_bytes())),
        T::Boolean => b(&[u8::from(matches!(lit, Literal::Bool(true)))]),
        // `AsciiType.fromString`: the US-ASCII encoder's UnmappableCharacterException,
        // whose "Input length" counts the UTF-16 units of the first bad character.
        T::Ascii if !s.is_ascii() => {
            let len = s.chars().find(|c| !c.is_ascii()).map_or(1, char::len_utf16);
            Err(invalid(format!(
                "Invalid ASCII character in string literal: java.nio.charset.UnmappableCharacterException: Input length = {len}"
            )))
        }
        T::Ascii | T::Text => Ok(Bytes::copy_from_slice(s.as_bytes())),
        T::Uuid | T::Timeuuid => match lit {
            Literal::Uuid(u) => b(u.as_bytes()),
            _ => Err(invalid(format!("Unable to make UUID from '{s}'"))),
        },
        // `InetAddress.getByName` turns an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) into an
        // `Inet4Address`, so Cassandra stores its four bytes.
        T::Inet => IpAddr::from_str(s)
            .map_err(|_| invalid(format!("Unable to make inet address from '{s}'")))
            .map(|ip| match ip {
                IpAddr::V4(v4) => Bytes::copy_from_slice(&v4.octets()),
                IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                    Some(v4) => Bytes::copy_from_slice(&v4.octets()),
                    None => Bytes::copy_from_slice(&v6.octets()),
                },
            }),
        // `TimestampSerializer`: digits (quoted or not) are milliseconds since the epoch.
        T::Timestamp if digit_string(s) => s
            .parse::<i64>()
            .map_err(|_| invalid(format!("Unable to make long (for date) from: '{s}'")))
            .and_then(|v| b(&v.to_be_bytes())),
        T::Timestamp if s.eq_ignore_ascii_case("now") => {
            b(&crate::store::now_micros().div_euclid(1_000).to_be_bytes())
        }
        T::Timestamp => parse_timestamp(s)
            .ok_or_else(|| invalid(format!("Unable to parse a date/time from '{s}'")))
            .and_then(|v| b(&v.to_be_bytes())),
        T::Date => match raw_days(s) {
            Some(raw) => raw.and_then(|v| b(&v.to_be_bytes())),
            None => date::parse(s)
                .map_err(|e| date_error(s, &e))
                .and_then(|v| b(&v.to_be_bytes())),
        },
        // `TimeSerializer`: digits are raw nanoseconds of the day, quoted or not.
        T::Time if digit_string(s) => s
            .parse::<i64>()
            .ok()
            .filter(|v| (0..NANOS_PER_DAY).contains(v))
            .ok_or_else(|| invalid(format!("Unable to make long (for time) from: '{s}'")))
            .and_then(|v| b(&v.to_be_bytes())),
        T::Time => parse_time(s)
            .ok_or_else(|| {
                invalid(format!(
                    "(TimeType) Unable to coerce '{s}' to a formatted time (long)"
                ))
            })
            .and_then(|v| b(&v.to_be_bytes())),
        T::Duration => super::duration::parse(s).map(|(m, d, n)| duration_bytes(m, d, n)),
        T::Custom(class) if crate::catalog::parses_string_literals(class) => {
            crate::catalog::custom_from_string(class, s)
        }
        T::Blob | T::Custom(_) => match lit {
            Literal::String(_) => Err(invalid(format!("cannot parse '{s}' as hex bytes"))),
            _ => Ok(Bytes::copy_from_slice(s.as_bytes())),
        },
        _ => Err(invalid(format!(
            "Invalid {} constant ({s}) for type {}",
            kind_name(lit),
            cql_type_name(typ)
        ))),
    }
}

/// `SimpleDateSerializer`'s raw form: a string of digits (optionally negative, as Java's
/// `^-?\d+$`) is the unsigned day number itself (epoch at 2^31), whether written as an integer
/// or quoted; `None` when `s` is not of that form (then it is parsed as `yyyy-mm-dd`).
fn raw_days(s: &str) -> Option<Result<u32, ServerError>> {
    if !digit_string(s) {
        return None;
    }
    let day = s.parse::<i64>().ok().and_then(|v| u32::try_from(v).ok());
    Some(day.ok_or_else(|| {
        invalid(format!(
            "Unable to make unsigned int (for date) from: '{s}'"
        ))
    }))
}

/// `SimpleDateSerializer`'s messages; the bounds are printed as `ZonedDateTime`s.
fn date_error(s: &str, e: &DateError) -> ServerError {
    invalid(match e {
        DateError::Unparsable => format!("Unable to coerce '{s}' to a formatted date (long)"),
        DateError::BeforeMin => {
            format!("Input date {s} is less than min supported date -5877641-06-23T00:00Z")
        }
        DateError::AfterMax => {
            format!("Input date {s} is greater than max supported date +5881580-07-11T00:00Z")
        }
    })
}

/// Java's `^-?\d+$`: the raw forms of `date` and `time`.
fn digit_string(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit())
}

const NANOS_PER_DAY: i64 = 86_400_000_000_000;

fn parse_float(s: &str) -> Option<f64> {
    match s {
        "NaN" | "-NaN" => Some(f64::NAN),
        "Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ => s.parse::<f64>().ok(),
    }
}

/// `decimal` wire form: scale then the unscaled two's complement integer.
pub(crate) fn decimal_bytes(d: &BigDecimal) -> Bytes {
    let (unscaled, scale) = d.as_bigint_and_exponent();
    let mut out = Vec::with_capacity(8);
    out.extend_from_slice(&(scale as i32).to_be_bytes());
    out.extend_from_slice(&unscaled.to_signed_bytes_be());
    Bytes::from(out)
}

/// Milliseconds since the epoch for the formats `TimestampSerializer` accepts (a missing
/// zone means UTC here).
pub(crate) fn parse_timestamp(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(dt.timestamp_millis());
    }
    const WITH_ZONE: [&str; 6] = [
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M:%S%.f%:z",
    ];
    for f in WITH_ZONE {
        if let Ok(dt) = chrono::DateTime::parse_from_str(s, f) {
            return Some(dt.timestamp_millis());
        }
    }
    let naive = s.strip_suffix('Z').unwrap_or(s);
    const NAIVE: [&str; 4] = [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ];
    for f in NAIVE {
        if let Ok(dt) = NaiveDateTime::parse_from_str(naive, f) {
            return Some(dt.and_utc().timestamp_millis());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(naive, "%Y-%m-%d") {
        return Some(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis());
    }
    None
}

/// Nanoseconds since midnight for `hh:mm:ss[.fffffffff]`.
fn parse_time(s: &str) -> Option<i64> {
    let t = NaiveTime::parse_from_str(s.trim(), "%H:%M:%S%.f").ok()?;
    Some(i64::from(t.num_seconds_from_midnight()) * 1_000_000_000 + i64::from(t.nanosecond()))
}

/// `duration` wire form: three zig-zag vints.
pub(crate) fn duration_bytes(months: i32, days: i32, nanos: i64) -> Bytes {
    let mut out = Vec::with_capacity(12);
    for v in [i64::from(months), i64::from(days), nanos] {
        put_vint(&mut out, ((v << 1) ^ (v >> 63)) as u64);
    }
    Bytes::from(out)
}

/// Cassandra's unsigned vint: the count of leading one bits of the first byte is the
/// number of extra bytes.
pub(crate) fn put_vint(out: &mut Vec<u8>, v: u64) {
    let bits = 64 - v.leading_zeros() as usize;
    let extra = if bits <= 7 {
        0
    } else {
        ((bits - 1) / 7).min(8)
    };
    if extra >= 8 {
        out.push(0xff);
        out.extend_from_slice(&v.to_be_bytes());
        return;
    }
    let bytes = v.to_be_bytes();
    let mut buf: Vec<u8> = bytes[8 - (extra + 1)..].to_vec();
    let mask: u8 = !(0xffu8 >> extra);
    if let Some(first) = buf.first_mut() {
        *first |= mask;
    }
    out.append(&mut buf);
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn wrong_kind_names_column_and_type() {
        let err =
            serialize(&Literal::String("not an int".into()), "v", &ColumnType::Int).unwrap_err();
        assert_eq!(
            err.message,
            "Invalid STRING constant (not an int) for \"v\" of type int"
        );
        let err = serialize(&Literal::Integer("5".into()), "col", &ColumnType::Text).unwrap_err();
        assert_eq!(
            err.message,
            "Invalid INTEGER constant (5) for \"col\" of type text"
        );
    }

    #[test]
    fn numbers_dates_and_durations() {
        let v = serialize(&Literal::Integer("7".into()), "c", &ColumnType::BigInt).unwrap();
        assert_eq!(v.as_ref(), &7i64.to_be_bytes());
        let d = serialize(
            &Literal::String("2024-02-29".into()),
            "c",
            &ColumnType::Date,
        )
        .unwrap();
        assert_eq!(d.as_ref(), &(0x8000_0000u32 + 19_782).to_be_bytes());
        let dec = serialize(&Literal::Float("1E+3".into()), "c", &ColumnType::Decimal).unwrap();
        assert_eq!(dec.as_ref(), &[0xff, 0xff, 0xff, 0xfd, 0x01]);
        assert_eq!(duration_bytes(1, 2, 3).as_ref(), &[2, 4, 6]);
        assert_eq!(
            parse_timestamp("2024-01-02 03:04:05+0000"),
            Some(1_704_164_645_000)
        );
        let err = serialize(
            &Literal::Integer("99999999999".into()),
            "c",
            &ColumnType::Int,
        )
        .unwrap_err();
        assert_eq!(err.message, "Unable to make int from '99999999999'");
    }
}

//! Cassandra's comparators over *serialized* values, so the store can order clustering keys,
//! set elements and map keys without decoding them into `CqlValue`s first.
//!
//! Each type follows its `AbstractType.compareCustom` in Cassandra: numbers compare
//! numerically, text/blob/inet bytewise (unsigned), timeuuid by embedded time then by the
//! remaining bytes (signed), frozen collections, tuples and UDTs component by component.
//! A zero-length value sorts before every non-empty value, as in Cassandra.

use std::cmp::Ordering;

use bigdecimal::BigDecimal;
use cassia_protocol::types::ColumnType;
use num_bigint::BigInt;

/// Compares two serialized values of `typ` the way Cassandra orders them.
pub(crate) fn compare(typ: &ColumnType, a: &[u8], b: &[u8]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Less,
        (false, true) => return Ordering::Greater,
        (false, false) => {}
    }
    match typ {
        ColumnType::Int | ColumnType::BigInt | ColumnType::SmallInt | ColumnType::TinyInt => {
            signed_be(a, b)
        }
        ColumnType::Counter | ColumnType::Timestamp | ColumnType::Time => signed_be(a, b),
        ColumnType::Varint => varint(a).cmp(&varint(b)),
        ColumnType::Decimal => match (decimal(a), decimal(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => a.cmp(b),
        },
        ColumnType::Float => match (<[u8; 4]>::try_from(a), <[u8; 4]>::try_from(b)) {
            (Ok(x), Ok(y)) => f32::from_be_bytes(x).total_cmp_java(f32::from_be_bytes(y)),
            _ => a.cmp(b),
        },
        ColumnType::Double => match (<[u8; 8]>::try_from(a), <[u8; 8]>::try_from(b)) {
            (Ok(x), Ok(y)) => java_double_cmp(f64::from_be_bytes(x), f64::from_be_bytes(y)),
            _ => a.cmp(b),
        },
        ColumnType::Timeuuid => timeuuid(a, b),
        ColumnType::Uuid => uuid(a, b),
        ColumnType::List(e) | ColumnType::Set(e) => sequence(a, b, |x, y| compare(e, x, y)),
        ColumnType::Map(k, v) => map(a, b, k, v),
        ColumnType::Tuple(items) => components(a, b, items.iter()),
        ColumnType::Udt { fields, .. } => components(a, b, fields.iter().map(|(_, t)| t)),
        // text, ascii, blob, inet, boolean, date (unsigned), duration, custom: bytewise.
        _ => a.cmp(b),
    }
}

/// Big-endian two's complement integers of equal or different widths.
fn signed_be(a: &[u8], b: &[u8]) -> Ordering {
    let neg_a = a.first().is_some_and(|x| x & 0x80 != 0);
    let neg_b = b.first().is_some_and(|x| x & 0x80 != 0);
    match (neg_a, neg_b) {
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        _ if a.len() == b.len() => a.cmp(b),
        _ => varint(a).cmp(&varint(b)),
    }
}

fn varint(bytes: &[u8]) -> BigInt {
    BigInt::from_signed_bytes_be(bytes)
}

fn decimal(bytes: &[u8]) -> Option<BigDecimal> {
    let (scale, unscaled) = bytes.split_first_chunk::<4>()?;
    Some(BigDecimal::new(
        BigInt::from_signed_bytes_be(unscaled),
        i64::from(i32::from_be_bytes(*scale)),
    ))
}

trait JavaFloatCmp {
    fn total_cmp_java(self, other: Self) -> Ordering;
}

impl JavaFloatCmp for f32 {
    fn total_cmp_java(self, other: f32) -> Ordering {
        java_double_cmp(f64::from(self), f64::from(other))
    }
}

/// `Double.compare`: -0.0 < 0.0 and NaN above everything (and equal to itself).
fn java_double_cmp(a: f64, b: f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.total_cmp(&b),
    }
}

/// The 60-bit timestamp of a version-1 UUID.
fn uuid_time(u: &[u8]) -> Option<u64> {
    let msb = u64::from_be_bytes(u.get(0..8)?.try_into().ok()?);
    Some(((msb & 0x0FFF) << 48) | (((msb >> 16) & 0xFFFF) << 32) | (msb >> 32))
}

/// Signed byte-by-byte comparison (Java compares the low half of timeuuids as signed bytes).
fn signed_bytes(a: &[u8], b: &[u8]) -> Ordering {
    a.iter().map(|x| *x as i8).cmp(b.iter().map(|x| *x as i8))
}

fn timeuuid(a: &[u8], b: &[u8]) -> Ordering {
    match (uuid_time(a), uuid_time(b)) {
        (Some(x), Some(y)) => x
            .cmp(&y)
            .then_with(|| signed_bytes(a.get(8..).unwrap_or(&[]), b.get(8..).unwrap_or(&[]))),
        _ => a.cmp(b),
    }
}

/// `UUIDType`: by version, then version-1 UUIDs by time, then the rest of the bytes.
fn uuid(a: &[u8], b: &[u8]) -> Ordering {
    let version = |u: &[u8]| u.get(6).map(|x| x >> 4);
    let (va, vb) = (version(a), version(b));
    va.cmp(&vb).then_with(|| {
        if va == Some(1) {
            timeuuid(a, b)
        } else {
            a.cmp(b)
        }
    })
}

/// Splits a list or set body (`[int] n` then `n` `[bytes]`) into its elements.
pub(crate) fn elements(body: &[u8]) -> Vec<&[u8]> {
    items(body, 1)
}

/// Splits a map body (`[int] n` then `n` key/value `[bytes]` pairs) into a flat
/// key, value, key, value... list.
pub(crate) fn map_elements(body: &[u8]) -> Vec<&[u8]> {
    items(body, 2)
}

fn items(body: &[u8], per_entry: usize) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let Some((count, mut rest)) = body.split_first_chunk::<4>() else {
        return out;
    };
    let count = (i32::from_be_bytes(*count).max(0) as usize).saturating_mul(per_entry);
    for _ in 0..count {
        let Some((len, tail)) = rest.split_first_chunk::<4>() else {
            break;
        };
        let len = i32::from_be_bytes(*len);
        if len < 0 {
            out.push(&[][..]);
            rest = tail;
            continue;
        }
        let Some((item, tail)) = tail.split_at_checked(len as usize) else {
            break;
        };
        out.push(item);
        rest = tail;
    }
    out
}

fn sequence(a: &[u8], b: &[u8], cmp: impl Fn(&[u8], &[u8]) -> Ordering) -> Ordering {
    let (xs, ys) = (elements(a), elements(b));
    for (x, y) in xs.iter().zip(ys.iter()) {
        let o = cmp(x, y);
        if o != Ordering::Equal {
            return o;
        }
    }
    xs.len().cmp(&ys.len())
}

fn map(a: &[u8], b: &[u8], k: &ColumnType, v: &ColumnType) -> Ordering {
    let (xs, ys) = (map_elements(a), map_elements(b));
    for (i, (x, y)) in xs.iter().zip(ys.iter()).enumerate() {
        let typ = if i % 2 == 0 { k } else { v };
        let o = compare(typ, x, y);
        if o != Ordering::Equal {
            return o;
        }
    }
    xs.len().cmp(&ys.len())
}

/// Tuples and UDTs: `[bytes]` components back to back (no count), null before any value.
fn components<'t>(a: &[u8], b: &[u8], types: impl Iterator<Item = &'t ColumnType>) -> Ordering {
    let (mut ra, mut rb) = (a, b);
    for typ in types {
        let (xa, na) = next_component(ra);
        let (xb, nb) = next_component(rb);
        ra = na;
        rb = nb;
        let o = match (xa, xb) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(x), Some(y)) => compare(typ, x, y),
        };
        if o != Ordering::Equal {
            return o;
        }
        if ra.is_empty() && rb.is_empty() {
            return Ordering::Equal;
        }
    }
    ra.len().cmp(&rb.len())
}

fn next_component(buf: &[u8]) -> (Option<&[u8]>, &[u8]) {
    let Some((len, rest)) = buf.split_first_chunk::<4>() else {
        return (None, &[]);
    };
    let len = i32::from_be_bytes(*len);
    if len < 0 {
        return (None, rest);
    }
    match rest.split_at_checked(len as usize) {
        Some((item, tail)) => (Some(item), tail),
        None => (None, &[]),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ints_compare_numerically_not_bytewise() {
        let t = ColumnType::Int;
        assert_eq!(
            compare(&t, &(-1i32).to_be_bytes(), &1i32.to_be_bytes()),
            Ordering::Less
        );
        assert_eq!(compare(&t, &[], &(-5i32).to_be_bytes()), Ordering::Less);
    }

    #[test]
    fn varints_of_different_widths() {
        let t = ColumnType::Varint;
        assert_eq!(compare(&t, &[0x01, 0x00], &[0x7f]), Ordering::Greater);
        assert_eq!(compare(&t, &[0xff, 0x00], &[0x80]), Ordering::Less);
    }

    #[test]
    fn doubles_follow_java() {
        let t = ColumnType::Double;
        let nan = f64::NAN.to_be_bytes();
        let inf = f64::INFINITY.to_be_bytes();
        assert_eq!(compare(&t, &nan, &inf), Ordering::Greater);
        assert_eq!(
            compare(&t, &(-0.0f64).to_be_bytes(), &0.0f64.to_be_bytes()),
            Ordering::Less
        );
    }

    #[test]
    fn timeuuids_order_by_time_first() {
        // time_low differs in the first bytes but the high bits decide.
        let early = uuid::Uuid::parse_str("ffffffff-0000-1000-8000-000000000000").unwrap();
        let late = uuid::Uuid::parse_str("00000000-0000-1001-8000-000000000000").unwrap();
        assert_eq!(
            compare(&ColumnType::Timeuuid, early.as_bytes(), late.as_bytes()),
            Ordering::Less
        );
    }

    #[test]
    fn text_is_bytewise() {
        assert_eq!(compare(&ColumnType::Text, b"B", b"a"), Ordering::Less);
    }
}

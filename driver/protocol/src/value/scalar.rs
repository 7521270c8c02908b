//! Encodings of the non-collection CQL types, shared by the dynamic codec ([`super::CqlValue`])
//! and the typed traits, so that both agree byte for byte.
//!
//! Decoders receive the value's bytes (never null, never zero-length: callers map those to
//! `None`/`Empty` first) and the column type for error messages.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use bigdecimal::BigDecimal;
use num_bigint::BigInt;
use uuid::Uuid;

use super::error::{DeserializeError, SerializeError};
use super::vint;
use super::{CqlDuration, CqlTime};
use crate::types::ColumnType;

/// Nanoseconds in a day: `time` values are `0..NANOS_PER_DAY`.
pub(crate) const NANOS_PER_DAY: i64 = 86_400_000_000_000;

/// Exactly `N` bytes.
pub(crate) fn fixed<const N: usize>(
    typ: &ColumnType,
    bytes: &[u8],
) -> Result<[u8; N], DeserializeError> {
    bytes.try_into().map_err(|_| {
        DeserializeError::malformed(typ, format!("expected {N} bytes, got {}", bytes.len()))
    })
}

pub(crate) fn boolean(typ: &ColumnType, bytes: &[u8]) -> Result<bool, DeserializeError> {
    let [b] = fixed::<1>(typ, bytes)?;
    Ok(b != 0)
}

pub(crate) fn text<'a>(typ: &ColumnType, bytes: &'a [u8]) -> Result<&'a str, DeserializeError> {
    let s = std::str::from_utf8(bytes).map_err(|e| {
        DeserializeError::malformed(typ, format!("invalid UTF-8 at byte {}", e.valid_up_to()))
    })?;
    if matches!(typ, ColumnType::Ascii)
        && let Some(pos) = s.bytes().position(|b| !b.is_ascii())
    {
        return Err(DeserializeError::malformed(
            typ,
            format!("non-ASCII byte at {pos}"),
        ));
    }
    Ok(s)
}

/// Checks text before it is written to an `ascii` column.
pub(crate) fn check_text(typ: &ColumnType, s: &str) -> Result<(), SerializeError> {
    if matches!(typ, ColumnType::Ascii)
        && let Some(pos) = s.bytes().position(|b| !b.is_ascii())
    {
        return Err(SerializeError::invalid(
            typ,
            format!("non-ASCII character at byte {pos}"),
        ));
    }
    Ok(())
}

/// Two's complement, big-endian; any non-zero length is valid (leading sign bytes are
/// redundant but accepted, as Cassandra does).
pub(crate) fn varint(bytes: &[u8]) -> BigInt {
    BigInt::from_signed_bytes_be(bytes)
}

pub(crate) fn put_varint(out: &mut Vec<u8>, v: &BigInt) {
    // `to_signed_bytes_be` is the minimal two's complement form (zero is one 0x00 byte).
    out.extend_from_slice(&v.to_signed_bytes_be());
}

/// `[int]` scale then a varint unscaled value; value = unscaled × 10^-scale.
pub(crate) fn decimal(typ: &ColumnType, bytes: &[u8]) -> Result<BigDecimal, DeserializeError> {
    let (scale, unscaled) = match bytes.split_first_chunk::<4>() {
        Some((scale, unscaled)) if !unscaled.is_empty() => (i32::from_be_bytes(*scale), unscaled),
        _ => {
            return Err(DeserializeError::malformed(
                typ,
                format!(
                    "needs a 4-byte scale and at least one byte of unscaled value, got {} bytes",
                    bytes.len()
                ),
            ));
        }
    };
    Ok(BigDecimal::new(varint(unscaled), i64::from(scale)))
}

pub(crate) fn put_decimal(
    typ: &ColumnType,
    out: &mut Vec<u8>,
    v: &BigDecimal,
) -> Result<(), SerializeError> {
    let (unscaled, scale) = v.as_bigint_and_exponent();
    let scale = i32::try_from(scale).map_err(|_| {
        SerializeError::invalid(typ, format!("scale {scale} does not fit in 32 bits"))
    })?;
    out.extend_from_slice(&scale.to_be_bytes());
    put_varint(out, &unscaled);
    Ok(())
}

pub(crate) fn inet(typ: &ColumnType, bytes: &[u8]) -> Result<IpAddr, DeserializeError> {
    match bytes.len() {
        4 => Ok(IpAddr::V4(Ipv4Addr::from(fixed::<4>(typ, bytes)?))),
        16 => Ok(IpAddr::V6(Ipv6Addr::from(fixed::<16>(typ, bytes)?))),
        n => Err(DeserializeError::malformed(
            typ,
            format!("expected 4 or 16 bytes, got {n}"),
        )),
    }
}

pub(crate) fn put_inet(out: &mut Vec<u8>, ip: &IpAddr) {
    match ip {
        IpAddr::V4(v4) => out.extend_from_slice(&v4.octets()),
        IpAddr::V6(v6) => out.extend_from_slice(&v6.octets()),
    }
}

pub(crate) fn uuid(typ: &ColumnType, bytes: &[u8]) -> Result<Uuid, DeserializeError> {
    let u = Uuid::from_bytes(fixed::<16>(typ, bytes)?);
    if matches!(typ, ColumnType::Timeuuid) && u.get_version_num() != 1 {
        return Err(DeserializeError::malformed(
            typ,
            format!(
                "version {} UUID {u} is not a time-based (version 1) UUID",
                u.get_version_num()
            ),
        ));
    }
    Ok(u)
}

/// Checks a UUID before it is written to a `timeuuid` column.
pub(crate) fn check_uuid(typ: &ColumnType, u: &Uuid) -> Result<(), SerializeError> {
    if matches!(typ, ColumnType::Timeuuid) && u.get_version_num() != 1 {
        return Err(SerializeError::invalid(
            typ,
            format!(
                "version {} UUID {u} is not a time-based (version 1) UUID",
                u.get_version_num()
            ),
        ));
    }
    Ok(())
}

pub(crate) fn time(typ: &ColumnType, bytes: &[u8]) -> Result<CqlTime, DeserializeError> {
    let ns = i64::from_be_bytes(fixed::<8>(typ, bytes)?);
    if !(0..NANOS_PER_DAY).contains(&ns) {
        return Err(DeserializeError::malformed(
            typ,
            format!("{ns} ns is outside 0..86399999999999"),
        ));
    }
    Ok(CqlTime(ns))
}

pub(crate) fn check_time(typ: &ColumnType, t: CqlTime) -> Result<(), SerializeError> {
    if !(0..NANOS_PER_DAY).contains(&t.0) {
        return Err(SerializeError::invalid(
            typ,
            format!("{} ns is outside 0..86399999999999", t.0),
        ));
    }
    Ok(())
}

/// Three signed vints: months, days, nanoseconds, all of the same sign.
pub(crate) fn duration(typ: &ColumnType, bytes: &[u8]) -> Result<CqlDuration, DeserializeError> {
    let truncated = || DeserializeError::malformed(typ, "truncated vint");
    let (months, a) = vint::read_signed(bytes).ok_or_else(truncated)?;
    let rest = bytes.get(a..).unwrap_or_default();
    let (days, b) = vint::read_signed(rest).ok_or_else(truncated)?;
    let rest = rest.get(b..).unwrap_or_default();
    let (nanoseconds, c) = vint::read_signed(rest).ok_or_else(truncated)?;
    if rest.len() != c {
        return Err(DeserializeError::malformed(
            typ,
            format!("{} trailing bytes", rest.len() - c),
        ));
    }
    let months = i32::try_from(months).map_err(|_| {
        DeserializeError::malformed(typ, format!("months {months} overflow 32 bits"))
    })?;
    let days = i32::try_from(days)
        .map_err(|_| DeserializeError::malformed(typ, format!("days {days} overflow 32 bits")))?;
    let d = CqlDuration {
        months,
        days,
        nanoseconds,
    };
    if !same_sign(&d) {
        return Err(DeserializeError::malformed(
            typ,
            format!("mixed signs in {months}mo {days}d {nanoseconds}ns"),
        ));
    }
    Ok(d)
}

fn same_sign(d: &CqlDuration) -> bool {
    (d.months >= 0 && d.days >= 0 && d.nanoseconds >= 0)
        || (d.months <= 0 && d.days <= 0 && d.nanoseconds <= 0)
}

pub(crate) fn put_duration(
    typ: &ColumnType,
    out: &mut Vec<u8>,
    d: &CqlDuration,
) -> Result<(), SerializeError> {
    if !same_sign(d) {
        return Err(SerializeError::invalid(
            typ,
            format!(
                "months, days and nanoseconds must share a sign, got {}mo {}d {}ns",
                d.months, d.days, d.nanoseconds
            ),
        ));
    }
    vint::put_signed(out, i64::from(d.months));
    vint::put_signed(out, i64::from(d.days));
    vint::put_signed(out, d.nanoseconds);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_layout_matches_the_capture() {
        // -0.001 is scale 3, unscaled -1: 00000003 ff.
        let v: BigDecimal = "-0.001".parse().expect("literal");
        let mut out = Vec::new();
        put_decimal(&ColumnType::Decimal, &mut out, &v).expect("fits");
        assert_eq!(out, [0, 0, 0, 3, 0xFF]);
        assert_eq!(decimal(&ColumnType::Decimal, &out), Ok(v));
        assert!(decimal(&ColumnType::Decimal, &[0, 0, 0, 3]).is_err());
    }

    #[test]
    fn duration_rejects_mixed_signs_and_trailing_bytes() {
        assert!(duration(&ColumnType::Duration, &[0x02, 0x01, 0x00]).is_err());
        assert!(duration(&ColumnType::Duration, &[0x02, 0x04, 0x06, 0x00]).is_err());
        assert!(duration(&ColumnType::Duration, &[0x02, 0x04]).is_err());
        assert_eq!(
            duration(&ColumnType::Duration, &[0x02, 0x04, 0x06]),
            Ok(CqlDuration {
                months: 1,
                days: 2,
                nanoseconds: 3
            })
        );
    }

    #[test]
    fn timeuuid_and_ascii_checks() {
        let v4 = [0x40u8; 16];
        assert!(uuid(&ColumnType::Uuid, &v4).is_ok());
        let e = uuid(&ColumnType::Timeuuid, &v4).expect_err("v4 is not a timeuuid");
        assert!(e.to_string().contains("version 4"), "{e}");
        assert!(text(&ColumnType::Ascii, "é".as_bytes()).is_err());
        assert_eq!(text(&ColumnType::Text, "é".as_bytes()), Ok("é"));
        assert!(text(&ColumnType::Text, &[0xFF]).is_err());
    }
}

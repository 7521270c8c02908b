//! Reading a duration string back into a [`CqlDuration`]: Cassandra's unit syntax (what
//! `Display` writes, `1y2mo3d4h5m6s7ms8us9ns`) and the ISO 8601 designator forms
//! (`P1Y2M3DT4H5M6S`, `P2W`) that CQL also accepts, each with an optional leading `-`.
//!
//! As in Cassandra, units are case-insensitive, must come from the largest to the smallest
//! and appear once; years fold into months, weeks into days, and hours down to nanoseconds
//! into nanoseconds. Values that overflow a component are errors, never wrapped.

use crate::value::CqlDuration;

const NANOS: [(&str, u128); 6] = [
    ("h", 3_600_000_000_000),
    ("m", 60_000_000_000),
    ("s", 1_000_000_000),
    ("ms", 1_000_000),
    ("us", 1_000),
    ("ns", 1),
];

/// Sums of the three components before the sign is applied.
#[derive(Default)]
struct Parts {
    months: u128,
    days: u128,
    nanos: u128,
}

/// Parses `text` as a CQL duration; the error says what is wrong with it.
pub(crate) fn parse(text: &str) -> Result<CqlDuration, String> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let parts = match body.strip_prefix(['P', 'p']) {
        Some(iso) => iso_8601(iso),
        None => units(body),
    }
    .map_err(|why| format!("invalid duration {text:?}: {why}"))?;
    signed(parts, negative).map_err(|why| format!("invalid duration {text:?}: {why}"))
}

/// `1y2mo3d4h5m6s7ms8us9ns` (also `µs`, and `w` for weeks).
fn units(body: &str) -> Result<Parts, String> {
    if body.is_empty() {
        return Err("no amount".into());
    }
    let mut parts = Parts::default();
    let mut last_rank = None;
    let mut rest = body;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(format!("expected a number at {rest:?}"));
        }
        let amount: u128 = rest[..digits]
            .parse()
            .map_err(|_| format!("{} is too large", &rest[..digits]))?;
        rest = &rest[digits..];
        let unit_len = rest
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit())
            .map_or(rest.len(), |(i, _)| i);
        let unit = rest[..unit_len].to_ascii_lowercase();
        rest = &rest[unit_len..];
        let rank = match unit.as_str() {
            "y" => 0,
            "mo" => 1,
            "w" => 2,
            "d" => 3,
            "h" => 4,
            "m" => 5,
            "s" => 6,
            "ms" => 7,
            "us" | "µs" => 8,
            "ns" => 9,
            "" => return Err(format!("{amount} has no unit")),
            other => return Err(format!("unknown unit {other:?}")),
        };
        if last_rank.is_some_and(|last| rank <= last) {
            return Err(format!(
                "unit {unit:?} is repeated or comes after a smaller one"
            ));
        }
        last_rank = Some(rank);
        add(&mut parts, rank, amount)?;
    }
    Ok(parts)
}

/// `P1Y2M3DT4H5M6S` or `P2W`, the leading `P` already removed.
fn iso_8601(body: &str) -> Result<Parts, String> {
    let (date, time) = match body.split_once(['T', 't']) {
        Some((date, "")) => {
            return Err(format!("nothing after T in {date:?}T"));
        }
        Some((date, time)) => (date, Some(time)),
        None => (body, None),
    };
    if date.is_empty() && time.is_none() {
        return Err("no amount after P".into());
    }
    let mut parts = Parts::default();
    designators(date, &[('Y', 0), ('M', 1), ('W', 2), ('D', 3)], &mut parts)?;
    if let Some(time) = time {
        designators(time, &[('H', 4), ('M', 5), ('S', 6)], &mut parts)?;
    }
    Ok(parts)
}

/// A run of `<number><designator>` pairs, designators in the order of `allowed`.
fn designators(text: &str, allowed: &[(char, u8)], parts: &mut Parts) -> Result<(), String> {
    let mut next = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let Some(letter) = rest[digits..].chars().next() else {
            return Err(format!("{rest} has no designator"));
        };
        if digits == 0 {
            return Err(format!("expected a number before {letter:?}"));
        }
        let amount: u128 = rest[..digits]
            .parse()
            .map_err(|_| format!("{} is too large", &rest[..digits]))?;
        let upper = letter.to_ascii_uppercase();
        let Some(position) = allowed[next..].iter().position(|(d, _)| *d == upper) else {
            return Err(format!("designator {upper:?} is unknown or out of order"));
        };
        add(parts, allowed[next + position].1, amount)?;
        next += position + 1;
        rest = &rest[digits + letter.len_utf8()..];
    }
    Ok(())
}

/// Adds `amount` of the unit of rank `rank` (years = 0 … nanoseconds = 9).
fn add(parts: &mut Parts, rank: u8, amount: u128) -> Result<(), String> {
    let (slot, scale) = match rank {
        0 => (&mut parts.months, 12),
        1 => (&mut parts.months, 1),
        2 => (&mut parts.days, 7),
        3 => (&mut parts.days, 1),
        _ => (&mut parts.nanos, NANOS[usize::from(rank - 4)].1),
    };
    *slot = amount
        .checked_mul(scale)
        .and_then(|v| slot.checked_add(v))
        .ok_or("amount too large")?;
    Ok(())
}

fn signed(parts: Parts, negative: bool) -> Result<CqlDuration, String> {
    fn component<T: TryFrom<i128>>(
        magnitude: u128,
        negative: bool,
        name: &str,
    ) -> Result<T, String> {
        let magnitude = i128::try_from(magnitude).map_err(|_| format!("too many {name}"))?;
        T::try_from(if negative { -magnitude } else { magnitude })
            .map_err(|_| format!("too many {name}"))
    }
    Ok(CqlDuration {
        months: component(parts.months, negative, "months")?,
        days: component(parts.days, negative, "days")?,
        nanoseconds: component(parts.nanos, negative, "nanoseconds")?,
    })
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::value::CqlDuration;

    fn d(months: i32, days: i32, nanoseconds: i64) -> CqlDuration {
        CqlDuration {
            months,
            days,
            nanoseconds,
        }
    }

    #[test]
    fn reads_cassandra_unit_syntax() {
        assert_eq!(parse("1mo2d3ns"), Ok(d(1, 2, 3)));
        assert_eq!(
            parse("1y2mo3w4d5h6m7s8ms9us10ns"),
            Ok(d(
                14,
                25,
                5 * 3_600_000_000_000 + 6 * 60_000_000_000 + 7_008_009_010
            ))
        );
        assert_eq!(parse("-3d"), Ok(d(0, -3, 0)));
        assert_eq!(parse("0s"), Ok(d(0, 0, 0)));
        assert_eq!(parse("2H30M"), Ok(d(0, 0, 9_000_000_000_000)));
        assert_eq!(parse("5µs"), Ok(d(0, 0, 5_000)));
    }

    #[test]
    fn reads_iso_8601() {
        assert_eq!(parse("P1Y2M3DT4H5M6S"), Ok(d(14, 3, 14_706_000_000_000)));
        assert_eq!(parse("P2W"), Ok(d(0, 14, 0)));
        assert_eq!(parse("-PT1M"), Ok(d(0, 0, -60_000_000_000)));
    }

    #[test]
    fn reads_the_extremes_of_each_component() {
        assert_eq!(parse("-2147483648mo"), Ok(d(i32::MIN, 0, 0)));
        assert_eq!(parse("9223372036854775807ns"), Ok(d(0, 0, i64::MAX)));
        assert_eq!(parse("-9223372036854775808ns"), Ok(d(0, 0, i64::MIN)));
    }

    #[test]
    fn rejects_malformed_and_overflowing_text() {
        for (text, why) in [
            ("", "no amount"),
            ("-", "no amount"),
            ("3", "3 has no unit"),
            ("3x", "unknown unit \"x\""),
            ("1d1y", "comes after a smaller one"),
            ("1d1d", "is repeated"),
            ("d", "expected a number"),
            ("2147483648mo", "too many months"),
            ("9223372036854775808ns", "too many nanoseconds"),
            ("P", "no amount after P"),
            ("P1DT", "nothing after T"),
            ("P1D2Y", "out of order"),
            ("PT1D", "unknown or out of order"),
            ("P1", "has no designator"),
        ] {
            let err = parse(text).expect_err(text);
            assert!(err.contains(why), "{text:?}: {err}");
        }
    }
}

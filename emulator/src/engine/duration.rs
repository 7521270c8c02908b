//! Duration literals (`1y2mo3w4d5h6m7s8ms9us10ns`, ISO 8601 `P1Y2M3DT4H5M6S`, `P3W` and
//! `P0001-02-03T04:05:06`) to `(months, days, nanoseconds)`, with the checks and messages of
//! Cassandra's `Duration.from`: units in decreasing order, each at most once, and every total
//! within its field's range. All arithmetic is checked before it happens, so no literal can
//! overflow (an overflow here used to panic inside the engine).

use cassia_protocol::response::ServerError;

use crate::catalog::invalid;

const NANOS_PER_MICRO: i64 = 1_000;
const NANOS_PER_MILLI: i64 = 1_000 * NANOS_PER_MICRO;
const NANOS_PER_SECOND: i64 = 1_000 * NANOS_PER_MILLI;
const NANOS_PER_MINUTE: i64 = 60 * NANOS_PER_SECOND;
const NANOS_PER_HOUR: i64 = 60 * NANOS_PER_MINUTE;

/// The units in the order a duration must list them (Cassandra's unit indexes 1..=10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Unit {
    Years = 1,
    Months,
    Weeks,
    Days,
    Hours,
    Minutes,
    Seconds,
    Millis,
    Micros,
    Nanos,
}

impl Unit {
    fn name(self) -> &'static str {
        match self {
            Unit::Years => "years",
            Unit::Months => "months",
            Unit::Weeks => "weeks",
            Unit::Days => "days",
            Unit::Hours => "hours",
            Unit::Minutes => "minutes",
            Unit::Seconds => "seconds",
            Unit::Millis => "milliseconds",
            Unit::Micros => "microseconds",
            Unit::Nanos => "nanoseconds",
        }
    }

    /// The unit symbol at the front of `rest` (case-insensitive), and its length in bytes.
    /// Two-letter symbols are tried first so `ms` and `mo` are not read as minutes.
    fn symbol(rest: &str) -> Option<(Unit, usize)> {
        const SYMBOLS: [(&str, Unit); 11] = [
            ("mo", Unit::Months),
            ("ms", Unit::Millis),
            ("us", Unit::Micros),
            ("µs", Unit::Micros),
            ("ns", Unit::Nanos),
            ("y", Unit::Years),
            ("w", Unit::Weeks),
            ("d", Unit::Days),
            ("h", Unit::Hours),
            ("m", Unit::Minutes),
            ("s", Unit::Seconds),
        ];
        SYMBOLS.iter().find_map(|(sym, unit)| {
            let head = rest.get(..sym.len())?;
            head.eq_ignore_ascii_case(sym).then_some((*unit, sym.len()))
        })
    }
}

/// Accumulates the fields as Cassandra's `Duration.Builder` does (magnitudes, sign at the end).
struct Builder {
    negative: bool,
    months: i32,
    days: i32,
    nanos: i64,
    last: Option<Unit>,
}

impl Builder {
    fn new(negative: bool) -> Self {
        Builder {
            negative,
            months: 0,
            days: 0,
            nanos: 0,
            last: None,
        }
    }

    fn add(&mut self, unit: Unit, n: i64) -> Result<(), ServerError> {
        if let Some(last) = self.last {
            if last == unit {
                return Err(invalid(format!(
                    "Invalid duration. The {} are specified multiple times",
                    unit.name()
                )));
            }
            if unit < last {
                return Err(invalid(format!(
                    "Invalid duration. The {} should be after {}",
                    last.name(),
                    unit.name()
                )));
            }
        }
        self.last = Some(unit);
        match unit {
            Unit::Years => self.months = add_i32(self.months, n, 12, "months")?,
            Unit::Months => self.months = add_i32(self.months, n, 1, "months")?,
            Unit::Weeks => self.days = add_i32(self.days, n, 7, "days")?,
            Unit::Days => self.days = add_i32(self.days, n, 1, "days")?,
            Unit::Hours => self.nanos = add_i64(self.nanos, n, NANOS_PER_HOUR)?,
            Unit::Minutes => self.nanos = add_i64(self.nanos, n, NANOS_PER_MINUTE)?,
            Unit::Seconds => self.nanos = add_i64(self.nanos, n, NANOS_PER_SECOND)?,
            Unit::Millis => self.nanos = add_i64(self.nanos, n, NANOS_PER_MILLI)?,
            Unit::Micros => self.nanos = add_i64(self.nanos, n, NANOS_PER_MICRO)?,
            Unit::Nanos => self.nanos = add_i64(self.nanos, n, 1)?,
        }
        Ok(())
    }

    fn build(self) -> (i32, i32, i64) {
        // Every field is in 0..=MAX, so its negation cannot overflow.
        if self.negative {
            (-self.months, -self.days, -self.nanos)
        } else {
            (self.months, self.days, self.nanos)
        }
    }
}

/// Cassandra's message names `Integer.MAX_VALUE` as the limit for every field, nanoseconds too.
fn too_large(field: &str) -> ServerError {
    invalid(format!(
        "Invalid duration. The total number of {field} must be less or equal to {}",
        i32::MAX
    ))
}

fn add_i32(total: i32, n: i64, per_unit: i64, field: &str) -> Result<i32, ServerError> {
    let limit = (i64::from(i32::MAX) - i64::from(total)) / per_unit;
    if n > limit {
        return Err(too_large(field));
    }
    i32::try_from(i64::from(total) + n * per_unit).map_err(|_| too_large(field))
}

fn add_i64(total: i64, n: i64, per_unit: i64) -> Result<i64, ServerError> {
    let limit = (i64::MAX - total) / per_unit;
    if n > limit {
        return Err(too_large("nanoseconds"));
    }
    total
        .checked_add(n * per_unit)
        .ok_or_else(|| too_large("nanoseconds"))
}

/// Parses a duration literal; the error is Cassandra's `InvalidRequest` message.
pub(crate) fn parse(input: &str) -> Result<(i32, i32, i64), ServerError> {
    let (negative, source) = match input.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, input),
    };
    let unable = || invalid(format!("Unable to convert '{source}' to a duration"));
    // A run of digits Java's `Long.parseLong` would refuse is refused here the same way, as
    // an invalid request (Cassandra lets the NumberFormatException through as a server error).
    let number = |digits: &str| digits.parse::<i64>().map_err(|_| unable());
    let mut builder = Builder::new(negative);
    if let Some(iso) = source.strip_prefix('P') {
        if let Some(weeks) = iso.strip_suffix('W') {
            if weeks.is_empty() || !weeks.bytes().all(|b| b.is_ascii_digit()) {
                return Err(unable());
            }
            builder.add(Unit::Weeks, number(weeks)?)?;
        } else if iso.contains('-') {
            let fields = alternative_fields(iso).ok_or_else(unable)?;
            let units = [
                Unit::Years,
                Unit::Months,
                Unit::Days,
                Unit::Hours,
                Unit::Minutes,
                Unit::Seconds,
            ];
            for (unit, digits) in units.into_iter().zip(fields) {
                builder.add(unit, number(digits)?)?;
            }
        } else {
            for (unit, digits) in designator_fields(iso).ok_or_else(unable)? {
                builder.add(unit, number(digits)?)?;
            }
        }
        return Ok(builder.build());
    }
    let mut rest = source;
    if rest.is_empty() {
        return Err(unable());
    }
    while !rest.is_empty() {
        let digits_len = rest
            .find(|c: char| !c.is_ascii_digit())
            .ok_or_else(unable)?;
        if digits_len == 0 {
            return Err(unable());
        }
        let (digits, tail) = rest.split_at_checked(digits_len).ok_or_else(unable)?;
        let (unit, sym_len) = Unit::symbol(tail).ok_or_else(unable)?;
        builder.add(unit, number(digits)?)?;
        rest = tail.get(sym_len..).ok_or_else(unable)?;
    }
    Ok(builder.build())
}

/// `YYYY-MM-DDThh:mm:ss` (after the `P`): the six digit groups, or `None` if malformed.
fn alternative_fields(s: &str) -> Option<[&str; 6]> {
    let b = s.as_bytes();
    let shape = b"dddd-dd-ddTdd:dd:dd";
    if b.len() != shape.len() {
        return None;
    }
    for (c, want) in b.iter().zip(shape.iter()) {
        let ok = match want {
            b'd' => c.is_ascii_digit(),
            other => c == other,
        };
        if !ok {
            return None;
        }
    }
    Some([
        s.get(0..4)?,
        s.get(5..7)?,
        s.get(8..10)?,
        s.get(11..13)?,
        s.get(14..16)?,
        s.get(17..19)?,
    ])
}

/// `[nY][nM][nD][T[nH][nM][nS]]` (after the `P`): the groups present, in order, or `None` if
/// the text does not have that shape.
fn designator_fields(s: &str) -> Option<Vec<(Unit, &str)>> {
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut out = Vec::new();
    designators(
        date,
        &[('Y', Unit::Years), ('M', Unit::Months), ('D', Unit::Days)],
        &mut out,
    )?;
    if let Some(time) = time {
        designators(
            time,
            &[
                ('H', Unit::Hours),
                ('M', Unit::Minutes),
                ('S', Unit::Seconds),
            ],
            &mut out,
        )?;
    }
    Some(out)
}

/// Reads `<digits><designator>` groups whose designators appear in `allowed`'s order.
fn designators<'a>(
    mut s: &'a str,
    allowed: &[(char, Unit)],
    out: &mut Vec<(Unit, &'a str)>,
) -> Option<()> {
    let mut next = 0;
    while !s.is_empty() {
        let digits_len = s.find(|c: char| !c.is_ascii_digit())?;
        if digits_len == 0 {
            return None;
        }
        let (digits, tail) = s.split_at_checked(digits_len)?;
        let designator = tail.chars().next()?;
        let offset = allowed
            .get(next..)?
            .iter()
            .position(|(d, _)| *d == designator)?;
        let (_, unit) = allowed.get(next + offset)?;
        out.push((*unit, digits));
        next += offset + 1;
        s = tail.get(designator.len_utf8()..)?;
    }
    Some(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn message(s: &str) -> String {
        parse(s).unwrap_err().message
    }

    #[test]
    fn standard_and_iso_forms() {
        assert_eq!(parse("1y2mo3d4h"), Ok((14, 3, 4 * NANOS_PER_HOUR)));
        assert_eq!(parse("1Y2MO3W"), Ok((14, 21, 0)));
        assert_eq!(parse("5m30s"), Ok((0, 0, 330 * NANOS_PER_SECOND)));
        assert_eq!(parse("1ms2us3ns"), Ok((0, 0, 1_002_003)));
        assert_eq!(parse("7µs"), Ok((0, 0, 7_000)));
        assert_eq!(parse("-2d10h"), Ok((0, -2, -10 * NANOS_PER_HOUR)));
        assert_eq!(parse("P1Y2M3DT4H5M6S").unwrap().0, 14);
        assert_eq!(parse("PT5M"), Ok((0, 0, 5 * NANOS_PER_MINUTE)));
        assert_eq!(parse("P2W"), Ok((0, 14, 0)));
        assert_eq!(
            parse("P0001-02-03T04:05:06"),
            Ok((
                14,
                3,
                4 * NANOS_PER_HOUR + 5 * NANOS_PER_MINUTE + 6 * NANOS_PER_SECOND
            ))
        );
        assert_eq!(
            parse(&format!("{}mo{}d{}ns", i32::MAX, i32::MAX, i64::MAX)),
            Ok((i32::MAX, i32::MAX, i64::MAX))
        );
        assert_eq!(parse(&format!("-{}mo", i32::MAX)), Ok((-i32::MAX, 0, 0)));
    }

    #[test]
    fn overflows_are_invalid_requests_with_cassandras_messages() {
        let months =
            "Invalid duration. The total number of months must be less or equal to 2147483647";
        assert_eq!(
            message("-178956970y8mo2147483648d2562047h47m16s854ms775us808ns"),
            months
        );
        assert_eq!(message("2147483648mo"), months);
        assert_eq!(message("178956971y"), months);
        assert_eq!(
            message("1d2147483647d"),
            "Invalid duration. The days are specified multiple times"
        );
        assert_eq!(
            message("306783379w1d"),
            "Invalid duration. The total number of days must be less or equal to 2147483647"
        );
        assert_eq!(
            message("2562047h48m"),
            "Invalid duration. The total number of nanoseconds must be less or equal to 2147483647"
        );
        assert_eq!(
            message("9223372036854775808ns"),
            "Unable to convert '9223372036854775808ns' to a duration"
        );
        assert_eq!(
            message("P99999999999999999999D"),
            "Unable to convert 'P99999999999999999999D' to a duration"
        );
    }

    #[test]
    fn malformed_and_misordered() {
        assert_eq!(
            message("3s2h"),
            "Invalid duration. The seconds should be after hours"
        );
        assert_eq!(message("-"), "Unable to convert '' to a duration");
        assert_eq!(message("12"), "Unable to convert '12' to a duration");
        assert_eq!(message("1x"), "Unable to convert '1x' to a duration");
        assert_eq!(message("P1S"), "Unable to convert 'P1S' to a duration");
        assert_eq!(message("PT1D"), "Unable to convert 'PT1D' to a duration");
        assert_eq!(message("P1D2Y"), "Unable to convert 'P1D2Y' to a duration");
    }
}

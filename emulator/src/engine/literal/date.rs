//! `date` literals in the `yyyy-mm-dd` form, as `SimpleDateSerializer.dateStringToDays` reads
//! them: Java's `DateTimeFormatter.ISO_LOCAL_DATE` (strict parsing, STRICT resolver) and then
//! the supported range of ±2^31 days around the epoch. chrono's `NaiveDate` stops near year
//! ±262,143, far short of that range (`-5877641-06-23` .. `+5881580-07-11`), so the calendar
//! arithmetic is done here on plain integers.

/// Milliseconds in a day.
const MILLIS_PER_DAY: i64 = 86_400_000;

/// Why a date string was refused; the caller words the message.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum DateError {
    /// Not `ISO_LOCAL_DATE`, not a real calendar day, or out of `Instant`'s millisecond range.
    Unparsable,
    /// Before `-5877641-06-23` (day -2^31).
    BeforeMin,
    /// After `+5881580-07-11` (day 2^31 - 1).
    AfterMax,
}

/// The wire value (days since the epoch, shifted by 2^31) of a `yyyy-mm-dd` string.
pub(crate) fn parse(s: &str) -> Result<u32, DateError> {
    let (year, month, day) = fields(s).ok_or(DateError::Unparsable)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(DateError::Unparsable);
    }
    let days = days_from_civil(year, month, day);
    // `atStartOfDay(UTC).toInstant().toEpochMilli()` overflows a long for far years, which
    // Cassandra reports as an unparsable date, not as an out-of-range one.
    days.checked_mul(MILLIS_PER_DAY)
        .ok_or(DateError::Unparsable)?;
    if days < i64::from(i32::MIN) {
        return Err(DateError::BeforeMin);
    }
    if days > i64::from(i32::MAX) {
        return Err(DateError::AfterMax);
    }
    u32::try_from(days - i64::from(i32::MIN)).map_err(|_| DateError::Unparsable)
}

/// The text Cassandra gives a date value (`SimpleDateSerializer.toString`, `toJson`, a cast to
/// text): `ISO_LOCAL_DATE`, whose year has at least four digits, a `+` above 9999 and a `-`
/// below year 0, over the whole range of the type (`-5877641-06-23` .. `+5881580-07-11`).
pub(crate) fn format(raw: u32) -> String {
    let days = i64::from(raw) - (1i64 << 31);
    let (year, month, day) = civil_from_days(days);
    let year_text = if year > 9999 {
        format!("+{year}")
    } else if year < 0 {
        format!("-{:04}", -year)
    } else {
        format!("{year:04}")
    };
    format!("{year_text}-{month:02}-{day:02}")
}

/// The proleptic Gregorian year, month and day of a day count since 1970-01-01 (the inverse
/// of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Year, month and day of `ISO_LOCAL_DATE`: the year is `appendValue(YEAR, 4, 10,
/// EXCEEDS_PAD)`, which in strict parsing means exactly four digits without a sign, more than
/// four only after `+`, four to ten after `-` (and not minus zero); month and day are two
/// digits each.
fn fields(s: &str) -> Option<(i64, i64, i64)> {
    let b = s.as_bytes();
    let (sign, rest) = match b.first() {
        Some(b'+') => (Some(false), b.get(1..)?),
        Some(b'-') => (Some(true), b.get(1..)?),
        _ => (None, b),
    };
    let width = rest
        .iter()
        .take(10)
        .take_while(|c| c.is_ascii_digit())
        .count();
    let ok_width = match sign {
        None => width == 4,
        Some(false) => width > 4,
        Some(true) => width >= 4,
    };
    if !ok_width {
        return None;
    }
    let (year_digits, tail) = rest.split_at(width);
    let mut year = number(year_digits)?;
    if sign == Some(true) {
        if year == 0 {
            return None;
        }
        year = -year;
    }
    // `YEAR`'s range in java.time.
    if year.abs() > 999_999_999 {
        return None;
    }
    match tail {
        [b'-', m1, m2, b'-', d1, d2] => Some((year, number(&[*m1, *m2])?, number(&[*d1, *d2])?)),
        _ => None,
    }
}

fn number(digits: &[u8]) -> Option<i64> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

fn is_leap(year: i64) -> bool {
    year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    const EPOCH: u32 = 1 << 31;

    #[test]
    fn dates_print_as_iso_local_date_over_the_whole_range() {
        assert_eq!(format(EPOCH), "1970-01-01");
        assert_eq!(format(0), "-5877641-06-23");
        assert_eq!(format(u32::MAX), "+5881580-07-11");
        for text in [
            "0000-01-01",
            "-0001-12-31",
            "9999-12-31",
            "+10000-01-01",
            "2020-02-29",
        ] {
            let raw = parse(text).expect(text);
            assert_eq!(format(raw), text);
        }
    }

    #[test]
    fn the_supported_range_ends_at_two_to_the_31_days() {
        assert_eq!(parse("1970-01-01"), Ok(EPOCH));
        assert_eq!(parse("2024-02-29"), Ok(EPOCH + 19_782));
        assert_eq!(parse("-5877641-06-23"), Ok(0));
        assert_eq!(parse("+5881580-07-11"), Ok(u32::MAX));
        assert_eq!(parse("-5877641-06-22"), Err(DateError::BeforeMin));
        assert_eq!(parse("+5881580-07-12"), Err(DateError::AfterMax));
        assert_eq!(parse("+999999999-12-31"), Err(DateError::Unparsable));
    }

    #[test]
    fn strict_iso_local_date_forms() {
        // More than four year digits need a sign; four digits must not have a `+`.
        assert_eq!(parse("5881580-07-11"), Err(DateError::Unparsable));
        assert_eq!(parse("+2024-01-01"), Err(DateError::Unparsable));
        assert_eq!(parse("-0001-01-01"), Ok(EPOCH - 719_893));
        assert_eq!(parse("-0000-01-01"), Err(DateError::Unparsable));
        assert_eq!(parse("2023-02-29"), Err(DateError::Unparsable));
        assert_eq!(parse("2024-1-01"), Err(DateError::Unparsable));
        assert_eq!(parse("2024-01-01 "), Err(DateError::Unparsable));
    }
}

//! `timestamp ± duration` and `date ± duration` in selections: Cassandra 4.0's
//! `TemporalOperationFunction`s (`OperationFcts`), the only non-numeric operations it declares.
//!
//! The temporal value goes through milliseconds (`TemporalType.toTimeInMillis`), the duration is
//! added as `Duration.addTo` adds it: without months it is plain millisecond arithmetic
//! (`days * 86_400_000 + nanoseconds / 1_000_000`, wrapping like Java's longs); with months a
//! UTC calendar adds the months first (clamping the day to the end of a shorter month), then
//! the days, then the milliseconds (truncated to a Java int, as `Calendar.add` receives them).
//! A timestamp takes only durations of millisecond precision and a date only whole days; the
//! refusal, like any failure inside an operation, is a FunctionFailure "the operation
//! 'timestamp + duration' failed: …".
//!
//! One difference is left: Java's calendar switches to the Julian calendar before
//! 1582-10-15, where this proleptic Gregorian arithmetic can land a day or more apart.

use bytes::Bytes;
use cassia_protocol::response::ServerError;
use cassia_protocol::types::ColumnType;
use cassia_protocol::value::{CqlDuration, DeserializeValue};
use chrono::{DateTime, Months};

use super::arith::{Arith, failure};
use super::functions::date_to_millis;

const MILLIS_PER_DAY: i64 = 86_400_000;
const NANOS_PER_MILLI: i64 = 1_000_000;

/// The temporal types `OperationFcts` pairs with a duration, for `+` and `-` only.
pub(crate) const TEMPORAL: [ColumnType; 2] = [ColumnType::Timestamp, ColumnType::Date];

/// Whether `op` is declared for `left op right` as a temporal operation.
pub(crate) fn declared(op: Arith, left: &ColumnType, right: &ColumnType) -> bool {
    matches!(op, Arith::Add | Arith::Sub)
        && TEMPORAL.contains(left)
        && *right == ColumnType::Duration
}

/// Evaluates `temporal op duration` (null when either side is null or empty).
pub(crate) fn apply(
    op: Arith,
    (lt, left): (&ColumnType, Option<&[u8]>),
    (rt, right): (&ColumnType, Option<&[u8]>),
) -> Result<Option<Bytes>, ServerError> {
    let (Some(l), Some(r)) = (left, right) else {
        return Ok(None);
    };
    if l.is_empty() || r.is_empty() {
        return Ok(None);
    }
    let fail = |why: &str| failure(op, lt, rt, why);
    let duration = CqlDuration::deserialize_value(&ColumnType::Duration, Some(r))
        .map_err(|e| fail(&e.to_string()))?;
    let millis = match lt {
        ColumnType::Date => date_to_millis(l).ok_or_else(|| fail("bad date"))?,
        _ => i64::from_be_bytes(l.try_into().map_err(|_| fail("bad timestamp"))?),
    };
    // `TimestampType` / `SimpleDateType.validateDuration`.
    if *lt == ColumnType::Date {
        if duration.nanoseconds != 0 {
            return Err(fail(&format!(
                "The duration must have a day precision. Was: {duration}"
            )));
        }
    } else if duration.nanoseconds.trailing_zeros() < 6 {
        // Cassandra checks the six low bits, not a multiple of a millisecond.
        return Err(fail(&format!(
            "The duration must have a millisecond precision. Was: {duration}"
        )));
    }
    let signed = match op {
        Arith::Sub => CqlDuration {
            months: duration.months.wrapping_neg(),
            days: duration.days.wrapping_neg(),
            nanoseconds: duration.nanoseconds.wrapping_neg(),
        },
        _ => duration,
    };
    let out = add(millis, signed).ok_or_else(|| fail("the result is out of range"))?;
    Ok(Some(match lt {
        ColumnType::Date => {
            // `SimpleDateSerializer.timeInMillisToDay`: truncating days, shifted back.
            let days = (out / MILLIS_PER_DAY) as i32;
            Bytes::copy_from_slice(&(days.wrapping_sub(i32::MIN) as u32).to_be_bytes())
        }
        _ => Bytes::copy_from_slice(&out.to_be_bytes()),
    }))
}

/// `Duration.add`: `None` when a calendar step leaves the range chrono can represent.
fn add(millis: i64, d: CqlDuration) -> Option<i64> {
    if d.months == 0 {
        let span = i64::from(d.days)
            .wrapping_mul(MILLIS_PER_DAY)
            .wrapping_add(d.nanoseconds / NANOS_PER_MILLI);
        return Some(millis.wrapping_add(span));
    }
    let at = DateTime::from_timestamp_millis(millis)?;
    let months = Months::new(d.months.unsigned_abs());
    let moved = if d.months > 0 {
        at.checked_add_months(months)?
    } else {
        at.checked_sub_months(months)?
    };
    let extra =
        i64::from(d.days) * MILLIS_PER_DAY + i64::from((d.nanoseconds / NANOS_PER_MILLI) as i32);
    moved.timestamp_millis().checked_add(extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(v: i64) -> Vec<u8> {
        v.to_be_bytes().to_vec()
    }

    fn dur(months: i32, days: i32, nanoseconds: i64) -> Vec<u8> {
        use cassia_protocol::value::SerializeValue;
        let mut out = Vec::new();
        CqlDuration {
            months,
            days,
            nanoseconds,
        }
        .serialize_value(&ColumnType::Duration, &mut out)
        .expect("a duration serializes");
        out[4..].to_vec()
    }

    fn run(op: Arith, lt: ColumnType, l: &[u8], r: &[u8]) -> Result<Option<Bytes>, ServerError> {
        apply(op, (&lt, Some(l)), (&ColumnType::Duration, Some(r)))
    }

    #[test]
    fn month_addition_clamps_to_the_end_of_the_month() {
        // 2020-01-31T10:00:00Z + 1mo = 2020-02-29T10:00:00Z (leap year), as Calendar.add does.
        let jan31 = 1_580_464_800_000;
        let out = run(Arith::Add, ColumnType::Timestamp, &ts(jan31), &dur(1, 0, 0))
            .expect("adds")
            .expect("a value");
        assert_eq!(
            i64::from_be_bytes(out[..].try_into().expect("8 bytes")),
            1_582_970_400_000
        );
    }

    #[test]
    fn dates_refuse_sub_day_durations_with_cassandras_message() {
        let epoch = (1u32 << 31).to_be_bytes();
        let err = run(
            Arith::Add,
            ColumnType::Date,
            &epoch,
            &dur(0, 0, 3_600_000_000_000),
        )
        .expect_err("an hour is below a day");
        assert_eq!(
            err.message,
            "the operation 'date + duration' failed: The duration must have a day precision. Was: 1h"
        );
        let out = run(Arith::Sub, ColumnType::Date, &epoch, &dur(0, 2, 0))
            .expect("subtracts")
            .expect("a value");
        assert_eq!(out[..], ((1u32 << 31) - 2).to_be_bytes());
    }

    #[test]
    fn timestamps_check_only_the_six_low_bits_of_the_nanoseconds() {
        let err = run(Arith::Add, ColumnType::Timestamp, &ts(0), &dur(0, 0, 1_000))
            .expect_err("a microsecond is below a millisecond");
        assert!(
            err.message.ends_with("millisecond precision. Was: 1us"),
            "{}",
            err.message
        );
        // 64ns passes Cassandra's check and adds nothing once truncated to milliseconds.
        let out = run(Arith::Add, ColumnType::Timestamp, &ts(5), &dur(0, 0, 64))
            .expect("accepted")
            .expect("a value");
        assert_eq!(out[..], ts(5)[..]);
    }
}

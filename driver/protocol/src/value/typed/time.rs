//! chrono types: `NaiveDate` ↔ `date`, `NaiveTime` ↔ `time`, `DateTime<Utc>` ↔ `timestamp`.
//!
//! CQL's ranges differ from chrono's: a `date` spans about ±5.8 million years and a
//! `timestamp` ±292 million years, chrono about ±262 000 years. Values chrono cannot hold are
//! [`DeserializeError::OutOfRange`] (read them as `CqlDate`/`CqlTimestamp`), never a panic or
//! a clamped value. In the other direction everything chrono holds fits, except the leap
//! second chrono can represent in a `NaiveTime`, which `time` cannot.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Timelike, Utc};

use super::{DeserializeValue, SerializeValue, not_empty, write_value};
use crate::types::ColumnType;
use crate::value::error::{DeserializeError, SerializeError};
use crate::value::{CqlDate, CqlTime, CqlTimestamp, scalar};

/// `date` values count days with the unix epoch at 2^31.
const EPOCH_DAY: i64 = 1 << 31;
/// Days from 0001-01-01 (chrono's day 1 of the common era) to 1970-01-01.
const UNIX_EPOCH_FROM_CE: i64 = 719_163;

impl CqlDate {
    /// Days relative to 1970-01-01 (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        i64::from(self.0) - EPOCH_DAY
    }

    /// The date as a chrono `NaiveDate`, if chrono can represent it.
    pub fn to_naive_date(self) -> Option<NaiveDate> {
        let days = i32::try_from(self.days_since_epoch() + UNIX_EPOCH_FROM_CE).ok()?;
        NaiveDate::from_num_days_from_ce_opt(days)
    }
}

impl From<NaiveDate> for CqlDate {
    fn from(d: NaiveDate) -> Self {
        // chrono's range (±262 000 years, about ±96 million days) lies well inside u32 days.
        let days = i64::from(d.num_days_from_ce()) - UNIX_EPOCH_FROM_CE + EPOCH_DAY;
        CqlDate(u32::try_from(days).unwrap_or(if days < 0 { 0 } else { u32::MAX }))
    }
}

impl CqlTimestamp {
    /// The timestamp as a chrono `DateTime<Utc>`, if chrono can represent it.
    pub fn to_date_time(self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp_millis(self.0)
    }
}

impl From<DateTime<Utc>> for CqlTimestamp {
    /// Sub-millisecond precision is truncated (towards the past), as `timestamp` holds
    /// milliseconds.
    fn from(t: DateTime<Utc>) -> Self {
        CqlTimestamp(t.timestamp_millis())
    }
}

impl TryFrom<NaiveTime> for CqlTime {
    type Error = SerializeError;

    /// Fails for chrono's leap-second representation (nanoseconds ≥ 10^9).
    fn try_from(t: NaiveTime) -> Result<Self, SerializeError> {
        if t.nanosecond() >= 1_000_000_000 {
            return Err(SerializeError::invalid(
                &ColumnType::Time,
                format!("leap second {t} has no CQL time value"),
            ));
        }
        let ns =
            i64::from(t.num_seconds_from_midnight()) * 1_000_000_000 + i64::from(t.nanosecond());
        Ok(CqlTime(ns))
    }
}

impl CqlTime {
    /// The time as a chrono `NaiveTime` (`None` if outside a day, which a valid value never is).
    pub fn to_naive_time(self) -> Option<NaiveTime> {
        let secs = u32::try_from(self.0.div_euclid(1_000_000_000)).ok()?;
        let nanos = u32::try_from(self.0.rem_euclid(1_000_000_000)).ok()?;
        NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos)
    }
}

fn check<T>(
    rust_type: &'static str,
    expected: &'static str,
    ok: bool,
    typ: &ColumnType,
) -> Result<(), T>
where
    T: From<DeserializeError>,
{
    if ok {
        Ok(())
    } else {
        Err(DeserializeError::mismatch(rust_type, expected, typ).into())
    }
}

impl SerializeValue for NaiveDate {
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        CqlDate::from(*self)
            .serialize_value(typ, out)
            .map_err(|e| rename(e, "NaiveDate"))
    }
}

impl DeserializeValue for NaiveDate {
    fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
        check("NaiveDate", "date", matches!(typ, ColumnType::Date), typ)
    }

    fn deserialize_value(typ: &ColumnType, bytes: Option<&[u8]>) -> Result<Self, DeserializeError> {
        Self::type_check(typ)?;
        let b = not_empty("NaiveDate", typ, bytes)?;
        let date = CqlDate(u32::from_be_bytes(scalar::fixed(typ, b)?));
        date.to_naive_date().ok_or_else(|| {
            DeserializeError::out_of_range(
                "NaiveDate",
                typ,
                format_args!("{} days from 1970-01-01", date.days_since_epoch()),
            )
        })
    }
}

impl SerializeValue for NaiveTime {
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        if !matches!(typ, ColumnType::Time) {
            return Err(SerializeError::mismatch("NaiveTime", "time", typ));
        }
        CqlTime::try_from(*self)?.serialize_value(typ, out)
    }
}

impl DeserializeValue for NaiveTime {
    fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
        check("NaiveTime", "time", matches!(typ, ColumnType::Time), typ)
    }

    fn deserialize_value(typ: &ColumnType, bytes: Option<&[u8]>) -> Result<Self, DeserializeError> {
        Self::type_check(typ)?;
        let t = scalar::time(typ, not_empty("NaiveTime", typ, bytes)?)?;
        t.to_naive_time()
            .ok_or_else(|| DeserializeError::out_of_range("NaiveTime", typ, t.0))
    }
}

impl SerializeValue for DateTime<Utc> {
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        if !matches!(typ, ColumnType::Timestamp) {
            return Err(SerializeError::mismatch("DateTime<Utc>", "timestamp", typ));
        }
        write_value(typ, out, |out| {
            out.extend_from_slice(&self.timestamp_millis().to_be_bytes());
            Ok(())
        })
    }
}

impl DeserializeValue for DateTime<Utc> {
    fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
        check(
            "DateTime<Utc>",
            "timestamp",
            matches!(typ, ColumnType::Timestamp),
            typ,
        )
    }

    fn deserialize_value(typ: &ColumnType, bytes: Option<&[u8]>) -> Result<Self, DeserializeError> {
        Self::type_check(typ)?;
        let b = not_empty("DateTime<Utc>", typ, bytes)?;
        let ms = i64::from_be_bytes(scalar::fixed(typ, b)?);
        CqlTimestamp(ms).to_date_time().ok_or_else(|| {
            DeserializeError::out_of_range(
                "DateTime<Utc>",
                typ,
                format_args!("{ms} ms from 1970-01-01"),
            )
        })
    }
}

/// Reports a mismatch under the chrono type's name rather than the newtype it delegates to.
fn rename(e: SerializeError, rust_type: &'static str) -> SerializeError {
    match e {
        SerializeError::TypeMismatch {
            expected, actual, ..
        } => SerializeError::TypeMismatch {
            rust_type,
            expected,
            actual,
        },
        other => other,
    }
}

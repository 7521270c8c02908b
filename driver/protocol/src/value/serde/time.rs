//! serde for [`CqlDate`], [`CqlTime`], [`CqlTimestamp`] and [`CqlDuration`].
//!
//! Human-readable formats (JSON, TOML, YAML) get strings where a string says the same thing
//! losslessly, and the raw number otherwise; compact formats (bincode, postcard) always get
//! the raw numbers, as chrono and uuid do. Deserializing accepts both forms of each type in a
//! human-readable format, so whatever was written reads back to the same value.

use std::fmt;

use ::serde::de::value::MapAccessDeserializer;
use ::serde::de::{self, Deserializer, MapAccess, Visitor};
use ::serde::ser::Serializer;
use ::serde::{Deserialize, Serialize};
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime};

use crate::value::{CqlDate, CqlDuration, CqlTime, CqlTimestamp};

/// Years whose dates and timestamps are written as strings: ISO 8601 and RFC 3339 need four
/// digits and no sign.
const STRING_YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// `"2024-02-29"` in years 1..=9999; otherwise the raw wire number (days with the unix epoch
/// at 2^31, as a CQL integer literal for `date` also reads).
impl Serialize for CqlDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.to_naive_date() {
            Some(d) if s.is_human_readable() && STRING_YEARS.contains(&d.year()) => {
                s.collect_str(&d.format("%Y-%m-%d"))
            }
            _ => s.serialize_u32(self.0),
        }
    }
}

impl<'de> Deserialize<'de> for CqlDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = CqlDate;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date as \"YYYY-MM-DD\" or its raw day number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<CqlDate, E> {
                NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .map(CqlDate::from)
                    .map_err(|e| E::custom(format_args!("invalid date {v:?}: {e}")))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<CqlDate, E> {
                u32::try_from(v)
                    .map(CqlDate)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<CqlDate, E> {
                u32::try_from(v)
                    .map(CqlDate)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
            }
        }
        if d.is_human_readable() {
            d.deserialize_any(V)
        } else {
            u32::deserialize(d).map(CqlDate)
        }
    }
}

/// `"13:45:00.000000001"` (always nine fractional digits); the raw nanoseconds for a value
/// outside a day, which a valid `time` never is.
impl Serialize for CqlTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.to_naive_time() {
            Some(t) if s.is_human_readable() => s.collect_str(&t.format("%H:%M:%S%.9f")),
            _ => s.serialize_i64(self.0),
        }
    }
}

impl<'de> Deserialize<'de> for CqlTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = CqlTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a time as \"HH:MM:SS[.fffffffff]\" or nanoseconds since midnight")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<CqlTime, E> {
                let t = NaiveTime::parse_from_str(v, "%H:%M:%S%.f")
                    .map_err(|e| E::custom(format_args!("invalid time {v:?}: {e}")))?;
                CqlTime::try_from(t).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<CqlTime, E> {
                Ok(CqlTime(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<CqlTime, E> {
                i64::try_from(v)
                    .map(CqlTime)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
        }
        if d.is_human_readable() {
            d.deserialize_any(V)
        } else {
            i64::deserialize(d).map(CqlTime)
        }
    }
}

/// RFC 3339 in UTC with milliseconds, `"2024-02-29T13:45:00.123Z"`, in years 1..=9999;
/// otherwise the raw milliseconds since the unix epoch.
impl Serialize for CqlTimestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.to_date_time() {
            Some(t) if s.is_human_readable() && STRING_YEARS.contains(&t.year()) => {
                s.collect_str(&t.format("%Y-%m-%dT%H:%M:%S%.3fZ"))
            }
            _ => s.serialize_i64(self.0),
        }
    }
}

impl<'de> Deserialize<'de> for CqlTimestamp {
    /// Any RFC 3339 offset is accepted and converted to UTC; digits below the millisecond
    /// are truncated, as `timestamp` holds milliseconds.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = CqlTimestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp or milliseconds since the unix epoch")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<CqlTimestamp, E> {
                DateTime::parse_from_rfc3339(v)
                    .map(|t| CqlTimestamp(t.timestamp_millis()))
                    .map_err(|e| E::custom(format_args!("invalid timestamp {v:?}: {e}")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<CqlTimestamp, E> {
                Ok(CqlTimestamp(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<CqlTimestamp, E> {
                i64::try_from(v)
                    .map(CqlTimestamp)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
        }
        if d.is_human_readable() {
            d.deserialize_any(V)
        } else {
            i64::deserialize(d).map(CqlTimestamp)
        }
    }
}

/// The three components, the form of compact formats and of durations whose components'
/// signs differ (which `Display`'s single sign cannot express).
#[derive(Serialize, Deserialize)]
#[serde(rename = "CqlDuration", deny_unknown_fields)]
struct Components {
    months: i32,
    days: i32,
    nanoseconds: i64,
}

/// Cassandra's duration literal (`Display`), `"1y2mo3d4h5m6s7ms8us9ns"`, whenever the
/// components share a sign (as valid durations do); otherwise, and in compact formats, an
/// object `{"months": …, "days": …, "nanoseconds": …}`.
impl Serialize for CqlDuration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let parts = [
            i64::from(self.months),
            i64::from(self.days),
            self.nanoseconds,
        ];
        let one_sign = parts.iter().all(|p| *p >= 0) || parts.iter().all(|p| *p <= 0);
        if s.is_human_readable() && one_sign {
            s.collect_str(self)
        } else {
            Components {
                months: self.months,
                days: self.days,
                nanoseconds: self.nanoseconds,
            }
            .serialize(s)
        }
    }
}

impl<'de> Deserialize<'de> for CqlDuration {
    /// Strings may also use the ISO 8601 forms CQL accepts (`"P1Y2M3DT4H"`, `"P2W"`).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = CqlDuration;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a CQL duration such as \"1mo2d3ns\" or {months, days, nanoseconds}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<CqlDuration, E> {
                super::duration::parse(v).map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<CqlDuration, A::Error> {
                Components::deserialize(MapAccessDeserializer::new(map)).map(Into::into)
            }
        }
        if d.is_human_readable() {
            d.deserialize_any(V)
        } else {
            Components::deserialize(d).map(Into::into)
        }
    }
}

impl From<Components> for CqlDuration {
    fn from(c: Components) -> Self {
        CqlDuration {
            months: c.months,
            days: c.days,
            nanoseconds: c.nanoseconds,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::value::{CqlDate, CqlDuration, CqlTime, CqlTimestamp};

    fn round_trip<T>(value: T, expected: &str)
    where
        T: ::serde::Serialize + ::serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        let text = serde_json::to_string(&value).expect("serializes");
        assert_eq!(text, expected);
        let back: T = serde_json::from_str(&text).expect("deserializes");
        assert_eq!(back, value);
    }

    fn read<T: ::serde::de::DeserializeOwned>(json: serde_json::Value) -> Result<T, String> {
        serde_json::from_value(json).map_err(|e| e.to_string())
    }

    #[test]
    fn dates_are_iso_strings_inside_years_1_to_9999_and_raw_days_outside() {
        round_trip(CqlDate(1 << 31), r#""1970-01-01""#);
        round_trip(
            CqlDate::from(chrono::NaiveDate::from_ymd_opt(2024, 2, 29).expect("valid")),
            r#""2024-02-29""#,
        );
        round_trip(CqlDate(0), "0");
        round_trip(CqlDate(u32::MAX), "4294967295");
        assert_eq!(
            read::<CqlDate>(json!(2_147_483_649u32)),
            Ok(CqlDate((1 << 31) + 1))
        );
        let err = read::<CqlDate>(json!("2024-02-30")).expect_err("no such day");
        assert!(err.contains("invalid date \"2024-02-30\""), "{err}");
        assert!(read::<CqlDate>(json!(-1)).is_err());
    }

    #[test]
    fn times_have_nine_fractional_digits() {
        round_trip(CqlTime(49_500_000_000_001), r#""13:45:00.000000001""#);
        round_trip(CqlTime(0), r#""00:00:00.000000000""#);
        round_trip(CqlTime(86_400_000_000_000), "86400000000000");
        assert_eq!(
            read::<CqlTime>(json!("01:02:03")),
            Ok(CqlTime(3_723_000_000_000))
        );
        assert_eq!(
            read::<CqlTime>(json!("00:00:00.5")),
            Ok(CqlTime(500_000_000))
        );
        let err = read::<CqlTime>(json!("25:00:00")).expect_err("no such hour");
        assert!(err.contains("invalid time"), "{err}");
    }

    #[test]
    fn timestamps_are_rfc_3339_in_utc_with_milliseconds() {
        round_trip(
            CqlTimestamp(1_709_214_300_123),
            r#""2024-02-29T13:45:00.123Z""#,
        );
        round_trip(CqlTimestamp(-1), r#""1969-12-31T23:59:59.999Z""#);
        round_trip(CqlTimestamp(i64::MAX), "9223372036854775807");
        round_trip(CqlTimestamp(-62_135_596_800_001), "-62135596800001");
        assert_eq!(
            read::<CqlTimestamp>(json!("2024-02-29T14:45:00.123999+01:00")),
            Ok(CqlTimestamp(1_709_214_300_123))
        );
        assert_eq!(read::<CqlTimestamp>(json!(42)), Ok(CqlTimestamp(42)));
        let err = read::<CqlTimestamp>(json!("2024-02-29 13:45")).expect_err("not RFC 3339");
        assert!(err.contains("invalid timestamp"), "{err}");
    }

    #[test]
    fn durations_are_cassandra_literals() {
        let d = |months, days, nanoseconds| CqlDuration {
            months,
            days,
            nanoseconds,
        };
        round_trip(d(1, 2, 3), r#""1mo2d3ns""#);
        round_trip(d(14, 3, 3_723_004_005_006), r#""1y2mo3d1h2m3s4ms5us6ns""#);
        round_trip(d(0, -3, 0), r#""-3d""#);
        round_trip(d(0, 0, 0), r#""0s""#);
        round_trip(
            d(i32::MIN, i32::MIN, i64::MIN),
            r#""-178956970y8mo2147483648d2562047h47m16s854ms775us808ns""#,
        );
        // Mixed signs cannot be one literal: the components are written out.
        round_trip(d(1, -1, 0), r#"{"months":1,"days":-1,"nanoseconds":0}"#);
        assert_eq!(
            read::<CqlDuration>(json!("P1Y2M3DT4H")),
            Ok(d(14, 3, 14_400_000_000_000))
        );
        let err = read::<CqlDuration>(json!("3 days")).expect_err("not CQL");
        assert!(err.contains("invalid duration \"3 days\""), "{err}");
        let err =
            read::<CqlDuration>(json!({"months": 1, "days": 2})).expect_err("nanoseconds missing");
        assert!(err.contains("missing field `nanoseconds`"), "{err}");
    }
}

//! serde for [`Counter`] (a plain number), [`Timeuuid`] (its UUID, as the `uuid` crate writes
//! it) and varint values held as `num_bigint::BigInt` ([`varint_as_string`]).

use std::fmt;

use ::serde::de::{self, Deserializer, Visitor};
use ::serde::ser::Serializer;
use ::serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::value::{Counter, Timeuuid};

/// The count as a number, `42`.
impl Serialize for Counter {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0)
    }
}

impl<'de> Deserialize<'de> for Counter {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        i64::deserialize(d).map(Counter)
    }
}

/// The UUID's hyphenated string in human-readable formats, its 16 bytes otherwise.
impl Serialize for Timeuuid {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Timeuuid {
    /// Fails for a UUID that is not time-based (version 1), as writing one would.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let u = Uuid::deserialize(d)?;
        if u.get_version_num() != 1 {
            return Err(de::Error::custom(format_args!(
                "version {} UUID {u} is not a time-based (version 1) UUID",
                u.get_version_num()
            )));
        }
        Ok(Timeuuid(u))
    }
}

/// `#[serde(with = "varint_as_string")]` for a `num_bigint::BigInt` field (a CQL `varint`):
/// written as its decimal string, `"-123456789012345678901234567890"`, which loses nothing
/// and which JSON readers that hold numbers as doubles cannot round. Reading also accepts
/// a JSON integer.
///
/// `num-bigint`'s own serde support (not enabled here) writes a sign and a list of 32-bit
/// digits instead.
///
/// ```
/// use cassia_protocol::value::varint_as_string;
/// use num_bigint::BigInt;
///
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Account {
///     #[serde(with = "varint_as_string")]
///     balance: BigInt,
/// }
/// let json = serde_json::to_string(&Account { balance: BigInt::from(10).pow(30) })?;
/// assert_eq!(json, r#"{"balance":"1000000000000000000000000000000"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub mod varint_as_string {
    use super::*;
    use num_bigint::BigInt;

    /// Writes `v` as its decimal string.
    pub fn serialize<S: Serializer>(v: &BigInt, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    /// Reads a decimal string (or an integer) back.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BigInt, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = BigInt;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a varint as a decimal string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<BigInt, E> {
                v.parse()
                    .map_err(|_| E::custom(format_args!("invalid varint {v:?}")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<BigInt, E> {
                Ok(v.into())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<BigInt, E> {
                Ok(v.into())
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use num_bigint::BigInt;
    use uuid::Uuid;

    use super::varint_as_string;
    use crate::value::{Counter, Timeuuid};

    #[test]
    fn counters_are_numbers() {
        assert_eq!(serde_json::to_string(&Counter(-7)).expect("writes"), "-7");
        assert_eq!(
            serde_json::from_str::<Counter>("42").expect("reads"),
            Counter(42)
        );
    }

    #[test]
    fn timeuuids_are_uuid_strings_and_must_be_version_1() {
        let text = "\"5c6f6b3e-0a1b-11ef-9c5a-0242ac120002\"";
        let t: Timeuuid = serde_json::from_str(text).expect("a version 1 UUID");
        assert_eq!(t.0.get_version_num(), 1);
        assert_eq!(serde_json::to_string(&t).expect("writes"), text);
        let v4 = Uuid::from_u128(0x9a1e_2c3d_4b5f_4a6b_8c7d_0e1f_2a3b_4c5d);
        let err = serde_json::from_str::<Timeuuid>(&format!("\"{v4}\""))
            .expect_err("version 4")
            .to_string();
        assert!(err.contains("version 4 UUID"), "{err}");
    }

    #[derive(Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
    struct Holder {
        #[serde(with = "varint_as_string")]
        v: BigInt,
    }

    #[test]
    fn varints_are_decimal_strings() {
        let v: BigInt = "-123456789012345678901234567890".parse().expect("literal");
        let json = serde_json::to_string(&Holder { v: v.clone() }).expect("writes");
        assert_eq!(json, r#"{"v":"-123456789012345678901234567890"}"#);
        assert_eq!(
            serde_json::from_str::<Holder>(&json).expect("reads"),
            Holder { v }
        );
        assert_eq!(
            serde_json::from_str::<Holder>(r#"{"v":12}"#).expect("an integer"),
            Holder { v: 12.into() }
        );
        let err = serde_json::from_str::<Holder>(r#"{"v":"12x"}"#).expect_err("not a number");
        assert!(err.to_string().contains("invalid varint \"12x\""), "{err}");
    }
}

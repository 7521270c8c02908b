//! [`SerializeValue`]/[`DeserializeValue`] for the non-collection CQL types: numbers, text,
//! blobs, uuids, inet, varint and decimal, and the `Cql*` newtypes of dates and times.
//!
//! The byte layouts come from `value/scalar.rs`, shared with the dynamic `CqlValue` codec so
//! that both agree byte for byte. Text and blobs accept zero-length values (`""`, no bytes);
//! the fixed-width types reject them, since only `CqlValue::Empty` can represent one.

use std::net::IpAddr;

use bigdecimal::BigDecimal;
use bytes::Bytes;
use num_bigint::BigInt;
use uuid::Uuid;

use super::{DeserializeValue, SerializeValue, not_empty, not_null, write_value};
use crate::types::ColumnType;
use crate::value::error::{DeserializeError, SerializeError};
use crate::value::{CqlDate, CqlDuration, CqlTime, CqlTimestamp, scalar};

/// Implements both traits for a type accepted by the CQL types matching `$pat`.
/// `$take` is `not_empty` or `not_null` (whether a zero-length value is a value).
macro_rules! scalar_impl {
    (
        $rust:ty, $expected:literal, $pat:pat, $take:ident,
        ser($v:ident, $styp:ident, $out:ident) $ser:expr,
        de($dtyp:ident, $b:ident) $de:expr
    ) => {
        impl SerializeValue for $rust {
            fn serialize_value(
                &self,
                typ: &ColumnType,
                out: &mut Vec<u8>,
            ) -> Result<(), SerializeError> {
                if !matches!(typ, $pat) {
                    return Err(SerializeError::mismatch(stringify!($rust), $expected, typ));
                }
                let $v = self;
                let $styp = typ;
                write_value(typ, out, |$out| $ser)
            }
        }

        impl DeserializeValue for $rust {
            fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
                if matches!(typ, $pat) {
                    Ok(())
                } else {
                    Err(DeserializeError::mismatch(
                        stringify!($rust),
                        $expected,
                        typ,
                    ))
                }
            }

            fn deserialize_value(
                typ: &ColumnType,
                bytes: Option<&[u8]>,
            ) -> Result<Self, DeserializeError> {
                Self::type_check(typ)?;
                let $b = $take(stringify!($rust), typ, bytes)?;
                let $dtyp = typ;
                $de
            }
        }
    };
}

/// Fixed-width big-endian integers and floats.
macro_rules! number_impl {
    ($rust:ty, $expected:literal, $pat:pat) => {
        scalar_impl!(
            $rust, $expected, $pat, not_empty,
            ser(v, _t, out) {
                out.extend_from_slice(&v.to_be_bytes());
                Ok(())
            },
            de(t, b) Ok(<$rust>::from_be_bytes(scalar::fixed(t, b)?))
        );
    };
}

number_impl!(i8, "tinyint", ColumnType::TinyInt);
number_impl!(i16, "smallint", ColumnType::SmallInt);
number_impl!(i32, "int", ColumnType::Int);
// bigint and counter share their encoding; counters are read (and incremented) as i64.
number_impl!(
    i64,
    "bigint or counter",
    ColumnType::BigInt | ColumnType::Counter
);
number_impl!(f32, "float", ColumnType::Float);
number_impl!(f64, "double", ColumnType::Double);

scalar_impl!(
    bool, "boolean", ColumnType::Boolean, not_empty,
    ser(v, _t, out) {
        out.push(u8::from(*v));
        Ok(())
    },
    de(t, b) scalar::boolean(t, b)
);

scalar_impl!(
    String, "text or ascii", ColumnType::Text | ColumnType::Ascii, not_null,
    ser(v, t, out) {
        scalar::check_text(t, v)?;
        out.extend_from_slice(v.as_bytes());
        Ok(())
    },
    de(t, b) Ok(scalar::text(t, b)?.to_owned())
);

/// `&str` is covered by the blanket impl for references.
impl SerializeValue for str {
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        if !matches!(typ, ColumnType::Text | ColumnType::Ascii) {
            return Err(SerializeError::mismatch("&str", "text or ascii", typ));
        }
        scalar::check_text(typ, self)?;
        write_value(typ, out, |out| {
            out.extend_from_slice(self.as_bytes());
            Ok(())
        })
    }
}

// Blobs: `Vec<u8>`, `[u8]` and `Bytes` are blob values (and the raw bytes of custom types),
// never lists of tinyint (that is `Vec<i8>`). `u8` itself is no CQL type, which is what lets
// these coexist with the generic `Vec<T>` list impls.
scalar_impl!(
    Vec<u8>, "blob or a custom type", ColumnType::Blob | ColumnType::Custom(_), not_null,
    ser(v, _t, out) {
        out.extend_from_slice(v);
        Ok(())
    },
    de(_t, b) Ok(b.to_vec())
);

scalar_impl!(
    Bytes, "blob or a custom type", ColumnType::Blob | ColumnType::Custom(_), not_null,
    ser(v, _t, out) {
        out.extend_from_slice(v);
        Ok(())
    },
    de(_t, b) Ok(Bytes::copy_from_slice(b))
);

impl SerializeValue for [u8] {
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        if !matches!(typ, ColumnType::Blob | ColumnType::Custom(_)) {
            return Err(SerializeError::mismatch(
                "&[u8]",
                "blob or a custom type",
                typ,
            ));
        }
        write_value(typ, out, |out| {
            out.extend_from_slice(self);
            Ok(())
        })
    }
}

scalar_impl!(
    Uuid, "uuid or timeuuid", ColumnType::Uuid | ColumnType::Timeuuid, not_empty,
    ser(v, t, out) {
        scalar::check_uuid(t, v)?;
        out.extend_from_slice(v.as_bytes());
        Ok(())
    },
    de(t, b) scalar::uuid(t, b)
);

scalar_impl!(
    IpAddr, "inet", ColumnType::Inet, not_empty,
    ser(v, _t, out) {
        scalar::put_inet(out, v);
        Ok(())
    },
    de(t, b) scalar::inet(t, b)
);

scalar_impl!(
    BigInt, "varint", ColumnType::Varint, not_empty,
    ser(v, _t, out) {
        scalar::put_varint(out, v);
        Ok(())
    },
    de(_t, b) Ok(scalar::varint(b))
);

scalar_impl!(
    BigDecimal, "decimal", ColumnType::Decimal, not_empty,
    ser(v, t, out) scalar::put_decimal(t, out, v),
    de(t, b) scalar::decimal(t, b)
);

scalar_impl!(
    CqlDate, "date", ColumnType::Date, not_empty,
    ser(v, _t, out) {
        out.extend_from_slice(&v.0.to_be_bytes());
        Ok(())
    },
    de(t, b) Ok(CqlDate(u32::from_be_bytes(scalar::fixed(t, b)?)))
);

scalar_impl!(
    CqlTime, "time", ColumnType::Time, not_empty,
    ser(v, t, out) {
        scalar::check_time(t, *v)?;
        out.extend_from_slice(&v.0.to_be_bytes());
        Ok(())
    },
    de(t, b) scalar::time(t, b)
);

scalar_impl!(
    CqlTimestamp, "timestamp", ColumnType::Timestamp, not_empty,
    ser(v, _t, out) {
        out.extend_from_slice(&v.0.to_be_bytes());
        Ok(())
    },
    de(t, b) Ok(CqlTimestamp(i64::from_be_bytes(scalar::fixed(t, b)?)))
);

scalar_impl!(
    CqlDuration, "duration", ColumnType::Duration, not_empty,
    ser(v, t, out) scalar::put_duration(t, out, v),
    de(t, b) scalar::duration(t, b)
);

//! Wrappers and pass-throughs: `Option<T>` (null), references and smart pointers, the
//! [`Unset`]/[`MaybeUnset`] markers, the [`Counter`] and [`Timeuuid`] newtypes, [`Raw`]
//! bytes, the request's `RawValue`, and the dynamic `CqlValue` itself.

use std::rc::Rc;
use std::sync::Arc;

use uuid::Uuid;

use super::{DeserializeValue, SerializeValue, not_empty, not_null, write_value};
use crate::request::RawValue;
use crate::types::ColumnType;
use crate::value::error::{DeserializeError, SerializeError};
use crate::value::{CqlValue, scalar};

const NULL: [u8; 4] = (-1i32).to_be_bytes();
const UNSET: [u8; 4] = (-2i32).to_be_bytes();

/// `None` is null; `Some(v)` is `v`.
impl<T: SerializeValue> SerializeValue for Option<T> {
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        match self {
            Some(v) => v.serialize_value(typ, out),
            None => {
                out.extend_from_slice(&NULL);
                Ok(())
            }
        }
    }
}

/// A null cell is `None`. A zero-length value of a fixed-width type is still an error for
/// most `T` (it is not null): read such columns as `Option<CqlValue>`.
impl<T: DeserializeValue> DeserializeValue for Option<T> {
    fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
        T::type_check(typ)
    }

    fn deserialize_value(typ: &ColumnType, bytes: Option<&[u8]>) -> Result<Self, DeserializeError> {
        match bytes {
            None => {
                T::type_check(typ)?;
                Ok(None)
            }
            Some(_) => T::deserialize_value(typ, bytes).map(Some),
        }
    }
}

impl<T: SerializeValue + ?Sized> SerializeValue for &T {
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        (**self).serialize_value(typ, out)
    }
}

impl<T: SerializeValue + ?Sized> SerializeValue for Box<T> {
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        (**self).serialize_value(typ, out)
    }
}

impl<T: SerializeValue + ?Sized> SerializeValue for Arc<T> {
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        (**self).serialize_value(typ, out)
    }
}

impl<T: SerializeValue + ?Sized> SerializeValue for Rc<T> {
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        (**self).serialize_value(typ, out)
    }
}

/// The protocol's "unset" value (length -2, v4+): the column is left as it is, for any type.
/// Only valid as a whole bound value, never inside a collection, tuple or UDT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Unset;

impl SerializeValue for Unset {
    fn serialize_value(&self, _typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        out.extend_from_slice(&UNSET);
        Ok(())
    }
}

/// A bound value that may be left unset (for statements that always list a column but
/// sometimes should not touch it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MaybeUnset<T> {
    /// Leave the column untouched.
    #[default]
    Unset,
    /// Bind this value.
    Set(T),
}

impl<T: SerializeValue> SerializeValue for MaybeUnset<T> {
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        match self {
            MaybeUnset::Set(v) => v.serialize_value(typ, out),
            MaybeUnset::Unset => Unset.serialize_value(typ, out),
        }
    }
}

impl<T> From<Option<T>> for MaybeUnset<T> {
    /// `None` becomes `Unset` (not null).
    fn from(v: Option<T>) -> Self {
        v.map_or(MaybeUnset::Unset, MaybeUnset::Set)
    }
}

/// A `counter` value (also accepted for `bigint`, which has the same encoding).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Counter(pub i64);

impl SerializeValue for Counter {
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        if !matches!(typ, ColumnType::Counter | ColumnType::BigInt) {
            return Err(SerializeError::mismatch(
                "Counter",
                "counter or bigint",
                typ,
            ));
        }
        self.0.serialize_value(typ, out)
    }
}

impl DeserializeValue for Counter {
    fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
        if matches!(typ, ColumnType::Counter | ColumnType::BigInt) {
            Ok(())
        } else {
            Err(DeserializeError::mismatch(
                "Counter",
                "counter or bigint",
                typ,
            ))
        }
    }

    fn deserialize_value(typ: &ColumnType, bytes: Option<&[u8]>) -> Result<Self, DeserializeError> {
        Self::type_check(typ)?;
        let b = not_empty("Counter", typ, bytes)?;
        Ok(Counter(i64::from_be_bytes(scalar::fixed(typ, b)?)))
    }
}

/// A `timeuuid`: a version 1 (time-based) UUID. Writing one checks the version; it can also
/// be written to a `uuid` column, but only read from `timeuuid` ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timeuuid(pub Uuid);

impl SerializeValue for Timeuuid {
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        if !matches!(typ, ColumnType::Timeuuid | ColumnType::Uuid) {
            return Err(SerializeError::mismatch(
                "Timeuuid",
                "timeuuid or uuid",
                typ,
            ));
        }
        // Checked against `timeuuid` whatever the column, since that is what the type promises.
        scalar::check_uuid(&ColumnType::Timeuuid, &self.0)?;
        self.0.serialize_value(typ, out)
    }
}

impl DeserializeValue for Timeuuid {
    fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
        if matches!(typ, ColumnType::Timeuuid) {
            Ok(())
        } else {
            Err(DeserializeError::mismatch("Timeuuid", "timeuuid", typ))
        }
    }

    fn deserialize_value(typ: &ColumnType, bytes: Option<&[u8]>) -> Result<Self, DeserializeError> {
        Self::type_check(typ)?;
        Ok(Timeuuid(scalar::uuid(
            typ,
            not_empty("Timeuuid", typ, bytes)?,
        )?))
    }
}

/// A value's bytes, taken and given as they are, for any CQL type: the way to read and
/// write custom types, or to pass values through without decoding them. Writing performs no
/// check at all: the bytes must be a valid encoding for the column.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Raw(pub Vec<u8>);

impl SerializeValue for Raw {
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        write_value(typ, out, |out| {
            out.extend_from_slice(&self.0);
            Ok(())
        })
    }
}

impl DeserializeValue for Raw {
    fn type_check(_typ: &ColumnType) -> Result<(), DeserializeError> {
        Ok(())
    }

    fn deserialize_value(typ: &ColumnType, bytes: Option<&[u8]>) -> Result<Self, DeserializeError> {
        Ok(Raw(not_null("Raw", typ, bytes)?.to_vec()))
    }
}

/// A bound value already in wire form (null, unset or bytes), written without any check.
impl SerializeValue for RawValue<'_> {
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        match self {
            RawValue::Null => out.extend_from_slice(&NULL),
            RawValue::Unset => out.extend_from_slice(&UNSET),
            RawValue::Value(b) => {
                return write_value(typ, out, |out| {
                    out.extend_from_slice(b);
                    Ok(())
                });
            }
        }
        Ok(())
    }
}

/// Checked against the column type by [`CqlValue::serialize`].
impl SerializeValue for CqlValue {
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        write_value(typ, out, |out| self.serialize(typ, out))
    }
}

/// Reads any CQL type; zero-length values of fixed-width types become `CqlValue::Empty`.
impl DeserializeValue for CqlValue {
    fn type_check(_typ: &ColumnType) -> Result<(), DeserializeError> {
        Ok(())
    }

    fn deserialize_value(typ: &ColumnType, bytes: Option<&[u8]>) -> Result<Self, DeserializeError> {
        CqlValue::deserialize(typ, not_null("CqlValue", typ, bytes)?)
    }
}

//! [`CqlTypeOf`]: which CQL type a Rust field type is stored as. The derives ask it for every
//! field, so user types plug in by implementing it (`#[derive(UserType)]` and
//! `#[derive(CqlEnum)]` do so). Also the [`Frozen`] wrapper, the type-level spelling of
//! `#[cassia(frozen)]`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::net::IpAddr;

use bigdecimal::BigDecimal;
use bytes::Bytes;
use cassia_protocol::types::{
    ColumnType, LINE_STRING_TYPE_CLASS, POINT_TYPE_CLASS, POLYGON_TYPE_CLASS,
};
use cassia_protocol::value::{
    CqlDate, CqlDuration, CqlTime, CqlTimestamp, DeserializeError, DeserializeValue, LineString,
    Point, Polygon, SerializeError, SerializeValue,
};
use num_bigint::BigInt;
use uuid::Uuid;

use crate::types::CqlType;
use crate::{Counter, Timeuuid};

/// A Rust type that is stored as one CQL type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no CQL column type",
    label = "unsupported column type",
    note = "use a supported type (integers, floats, bool, String, Uuid, chrono dates, collections, ...), \
            derive `UserType` or `CqlEnum` for it, or implement `cassia::CqlTypeOf`"
)]
pub trait CqlTypeOf {
    /// The CQL type of this Rust type.
    fn cql_type() -> CqlType;
}

macro_rules! scalar {
    ($($rust:ty => $cql:ident),+ $(,)?) => {$(
        impl CqlTypeOf for $rust {
            fn cql_type() -> CqlType {
                CqlType::$cql
            }
        }
    )+};
}

scalar! {
    i8 => TinyInt,
    i16 => SmallInt,
    i32 => Int,
    i64 => BigInt,
    f32 => Float,
    f64 => Double,
    bool => Boolean,
    String => Text,
    Vec<u8> => Blob,
    Bytes => Blob,
    Uuid => Uuid,
    Timeuuid => Timeuuid,
    IpAddr => Inet,
    BigInt => Varint,
    BigDecimal => Decimal,
    CqlDate => Date,
    CqlTime => Time,
    CqlTimestamp => Timestamp,
    CqlDuration => Duration,
    chrono::NaiveDate => Date,
    chrono::NaiveTime => Time,
    chrono::DateTime<chrono::Utc> => Timestamp,
    Counter => Counter,
}

/// DataStax Enterprise's geometric types are custom types, declared by class name.
macro_rules! custom {
    ($($rust:ty => $class:expr),+ $(,)?) => {$(
        impl CqlTypeOf for $rust {
            fn cql_type() -> CqlType {
                CqlType::Custom($class.to_owned())
            }
        }
    )+};
}

custom! {
    Point => POINT_TYPE_CLASS,
    LineString => LINE_STRING_TYPE_CLASS,
    Polygon => POLYGON_TYPE_CLASS,
}

/// A nullable column has the type of its values.
impl<T: CqlTypeOf> CqlTypeOf for Option<T> {
    fn cql_type() -> CqlType {
        T::cql_type()
    }
}

/// Collections nested in collections must be frozen in Cassandra, so element types are.
fn element<T: CqlTypeOf>() -> Box<CqlType> {
    Box::new(T::cql_type().frozen())
}

impl<T: CqlTypeOf> CqlTypeOf for Vec<T> {
    fn cql_type() -> CqlType {
        CqlType::List(element::<T>())
    }
}

impl<T: CqlTypeOf, S> CqlTypeOf for HashSet<T, S> {
    fn cql_type() -> CqlType {
        CqlType::Set(element::<T>())
    }
}

impl<T: CqlTypeOf> CqlTypeOf for BTreeSet<T> {
    fn cql_type() -> CqlType {
        CqlType::Set(element::<T>())
    }
}

impl<K: CqlTypeOf, V: CqlTypeOf, S> CqlTypeOf for HashMap<K, V, S> {
    fn cql_type() -> CqlType {
        CqlType::Map(element::<K>(), element::<V>())
    }
}

impl<K: CqlTypeOf, V: CqlTypeOf> CqlTypeOf for BTreeMap<K, V> {
    fn cql_type() -> CqlType {
        CqlType::Map(element::<K>(), element::<V>())
    }
}

/// Fixed-size arrays are `vector<T, N>` (e.g. `[f32; 3]` for embeddings).
impl<T: CqlTypeOf, const N: usize> CqlTypeOf for [T; N] {
    fn cql_type() -> CqlType {
        // Array lengths beyond u32 cannot be declared in CQL; saturate and let the server
        // reject the declaration.
        CqlType::Vector(
            Box::new(T::cql_type()),
            u32::try_from(N).unwrap_or(u32::MAX),
        )
    }
}

macro_rules! tuple {
    ($($name:ident)+) => {
        impl<$($name: CqlTypeOf),+> CqlTypeOf for ($($name,)+) {
            fn cql_type() -> CqlType {
                CqlType::Tuple(vec![$($name::cql_type().frozen()),+])
            }
        }
    };
}

tuple!(A);
tuple!(A B);
tuple!(A B C);
tuple!(A B C D);
tuple!(A B C D E);
tuple!(A B C D E F);
tuple!(A B C D E F G);
tuple!(A B C D E F G H);

/// A value stored `frozen<>`: the whole collection or UDT is one cell, which is what lets it
/// be part of a primary key or be compared in conditions. Same as `#[cassia(frozen)]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Frozen<T>(pub T);

impl<T: CqlTypeOf> CqlTypeOf for Frozen<T> {
    fn cql_type() -> CqlType {
        T::cql_type().frozen()
    }
}

impl<T: SerializeValue> SerializeValue for Frozen<T> {
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        self.0.serialize_value(typ, out)
    }
}

impl<T: DeserializeValue> DeserializeValue for Frozen<T> {
    fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
        T::type_check(typ)
    }

    fn deserialize_value(typ: &ColumnType, bytes: Option<&[u8]>) -> Result<Self, DeserializeError> {
        T::deserialize_value(typ, bytes).map(Frozen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_rust_types_to_cql() {
        assert_eq!(<Vec<i32>>::cql_type().to_string(), "list<int>");
        assert_eq!(<Vec<u8>>::cql_type().to_string(), "blob");
        assert_eq!(
            <HashMap<String, Vec<i64>>>::cql_type().to_string(),
            "map<text, frozen<list<bigint>>>"
        );
        assert_eq!(<[f32; 3]>::cql_type().to_string(), "vector<float, 3>");
        assert_eq!(
            <(i32, Option<String>)>::cql_type().to_string(),
            "tuple<int, text>"
        );
        assert_eq!(
            <Frozen<BTreeSet<Uuid>>>::cql_type().to_string(),
            "frozen<set<uuid>>"
        );
        assert_eq!(
            <chrono::DateTime<chrono::Utc>>::cql_type(),
            CqlType::Timestamp
        );
        assert_eq!(
            <Option<Polygon>>::cql_type().to_string(),
            "'org.apache.cassandra.db.marshal.PolygonType'"
        );
        assert_eq!(
            <Vec<Point>>::cql_type().to_string(),
            "list<'org.apache.cassandra.db.marshal.PointType'>"
        );
    }
}

//! CQL values in memory: [`CqlValue`] plus the small newtypes for dates, times and durations.
//!
//! A cell that is null is `None` at the row level (`Option<CqlValue>`); a zero-length value of a
//! fixed-width type (legal on the wire, e.g. `blobAsInt(0x)`) is [`CqlValue::Empty`].
//!
//! The codec is split by direction and layer: `decode.rs`/`encode.rs` are the dynamic codec
//! of [`CqlValue`]; `scalar.rs` and `nested.rs` hold the encodings both it and the typed
//! traits share; `vint.rs` is Cassandra's variable-length integer; `error.rs` the errors;
//! `typed/` the typed conversion traits [`SerializeValue`] and [`DeserializeValue`]; `geo/`
//! DataStax Enterprise's geometric types ([`Point`], [`LineString`], [`Polygon`]); `serde/`
//! the JSON-friendly serde forms of these types (the `serde` feature).

use std::net::IpAddr;

use bigdecimal::BigDecimal;
use num_bigint::BigInt;
use uuid::Uuid;

mod decode;
mod display;
mod encode;
mod error;
mod geo;
pub mod nested;
mod scalar;
#[cfg(feature = "serde")]
mod serde;
mod typed;
mod vint;

#[cfg(feature = "serde")]
pub use self::serde::varint_as_string;
pub use error::{DeserializeError, SerializeError};
pub use geo::{LineString, Point, Polygon, WktError};
pub use typed::{
    Counter, DeserializeValue, MaybeUnset, Raw, SerializeValue, Timeuuid, Unset, write_value,
};

/// `date`: days since -5877641-06-23, i.e. the unix epoch is `2^31` (the wire representation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CqlDate(pub u32);

/// `timestamp`: milliseconds since the unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CqlTimestamp(pub i64);

/// `time`: nanoseconds since midnight, `0..=86_399_999_999_999`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CqlTime(pub i64);

/// `duration`: months, days and nanoseconds, all of the same sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CqlDuration {
    /// Months.
    pub months: i32,
    /// Days.
    pub days: i32,
    /// Nanoseconds.
    pub nanoseconds: i64,
}

/// A decoded (or to-be-encoded) CQL value.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CqlValue {
    /// ascii.
    Ascii(String),
    /// bigint.
    BigInt(i64),
    /// blob.
    Blob(Vec<u8>),
    /// boolean.
    Boolean(bool),
    /// counter.
    Counter(i64),
    /// decimal.
    Decimal(BigDecimal),
    /// double.
    Double(f64),
    /// float.
    Float(f32),
    /// int.
    Int(i32),
    /// timestamp.
    Timestamp(CqlTimestamp),
    /// uuid.
    Uuid(Uuid),
    /// text / varchar.
    Text(String),
    /// varint.
    Varint(BigInt),
    /// timeuuid.
    Timeuuid(Uuid),
    /// inet.
    Inet(IpAddr),
    /// date.
    Date(CqlDate),
    /// time.
    Time(CqlTime),
    /// smallint.
    SmallInt(i16),
    /// tinyint.
    TinyInt(i8),
    /// duration.
    Duration(CqlDuration),
    /// list; elements are never null.
    List(Vec<CqlValue>),
    /// set; elements are never null. Kept in wire order.
    Set(Vec<CqlValue>),
    /// map; keys and values are never null. Kept in wire order.
    Map(Vec<(CqlValue, CqlValue)>),
    /// User-defined type value. Fields absent from the wire (a shorter value) decode as `None`.
    Udt {
        /// Keyspace of the type.
        keyspace: String,
        /// Name of the type.
        name: String,
        /// Fields in declaration order.
        fields: Vec<(String, Option<CqlValue>)>,
    },
    /// tuple; components may be null.
    Tuple(Vec<Option<CqlValue>>),
    /// vector.
    Vector(Vec<CqlValue>),
    /// A custom type's raw bytes (for custom classes other than the three below).
    Custom(Vec<u8>),
    /// DSE `PointType` (`org.apache.cassandra.db.marshal.PointType`).
    Point(Point),
    /// DSE `LineStringType`.
    LineString(LineString),
    /// DSE `PolygonType`.
    Polygon(Polygon),
    /// A zero-length value of a type that normally has content (wire length 0).
    Empty,
}

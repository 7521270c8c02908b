//! The typed path: the same values through the Rust types applications bind and read
//! (`i32`, `String`, `BigDecimal`, `BTreeMap<i32, String>`, chrono times…) instead of the
//! dynamic [`CqlValue`], since the two are separate codecs in `cassia-protocol`.
//!
//! Writing (`rs:typed:*` rows): the expected value is turned into the Rust type (by
//! serializing it dynamically and decoding the bytes as that type), then bound to a prepared
//! INSERT. Reading: the Python-written row is read as `(Option<T>,)` through the driver's
//! typed rows, re-serialized, and compared byte for byte with the expected value's encoding.
//! UDT columns use structs derived with the mapper's `#[derive(UserType)]`, as applications
//! would.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::net::IpAddr;

use bigdecimal::BigDecimal;
use cassia_driver::values::{Counter, Timeuuid};
use cassia_driver::{
    CqlDate, CqlDuration, DeserializeValue, LineString, Point, Polygon, SerializeValue, Session,
    Uuid,
};
use chrono::{DateTime, NaiveTime, Utc};
use num_bigint::BigInt;

use crate::values::Case;

/// The `address` UDT of values.json, as an application would map it.
#[derive(Debug, cassia::UserType)]
#[cassia(name = "address")]
pub(crate) struct Address {
    street: Option<String>,
    zip: Option<i32>,
    tags: Option<BTreeSet<String>>,
}

/// `c_tuple_nested`'s Rust type.
pub(crate) type NestedTuple = (Option<Vec<i32>>, Option<Address>, Option<i8>);

/// The `person` UDT of values.json (nests `address`).
#[derive(Debug, cassia::UserType)]
#[cassia(name = "person")]
pub(crate) struct Person {
    name: Option<String>,
    home: Option<Address>,
    phones: Option<Vec<String>>,
    born: Option<CqlDate>,
}

/// Calls `$f::<T>($args)` with `T` the Rust type for `$column`, or yields `None` for a
/// column without one.
macro_rules! with_rust_type {
    ($column:expr, $f:ident ( $($arg:expr),* )) => {
        match $column {
            "c_ascii" | "c_text" => Some($f::<String>($($arg),*).await),
            "c_boolean" => Some($f::<bool>($($arg),*).await),
            "c_tinyint" => Some($f::<i8>($($arg),*).await),
            "c_smallint" => Some($f::<i16>($($arg),*).await),
            "c_int" => Some($f::<i32>($($arg),*).await),
            "c_bigint" => Some($f::<i64>($($arg),*).await),
            "c_counter" => Some($f::<Counter>($($arg),*).await),
            "c_float" => Some($f::<f32>($($arg),*).await),
            "c_double" => Some($f::<f64>($($arg),*).await),
            "c_decimal" => Some($f::<BigDecimal>($($arg),*).await),
            "c_varint" => Some($f::<BigInt>($($arg),*).await),
            "c_blob" => Some($f::<Vec<u8>>($($arg),*).await),
            "c_date" => Some($f::<CqlDate>($($arg),*).await),
            "c_time" => Some($f::<NaiveTime>($($arg),*).await),
            "c_timestamp" => Some($f::<DateTime<Utc>>($($arg),*).await),
            "c_duration" => Some($f::<CqlDuration>($($arg),*).await),
            "c_inet" => Some($f::<IpAddr>($($arg),*).await),
            "c_uuid" => Some($f::<Uuid>($($arg),*).await),
            "c_timeuuid" => Some($f::<Timeuuid>($($arg),*).await),
            "c_list" => Some($f::<Vec<i64>>($($arg),*).await),
            "c_set" => Some($f::<BTreeSet<String>>($($arg),*).await),
            "c_map" => Some($f::<BTreeMap<i32, String>>($($arg),*).await),
            "c_tuple" => Some($f::<(Option<i32>, Option<String>, Option<f64>)>($($arg),*).await),
            "c_list_map" => Some($f::<Vec<BTreeMap<String, i32>>>($($arg),*).await),
            "c_set_list" => Some($f::<BTreeSet<Vec<i32>>>($($arg),*).await),
            "c_nested" => Some($f::<BTreeMap<i32, Vec<BTreeSet<String>>>>($($arg),*).await),
            "c_vector" => Some($f::<[f32; 3]>($($arg),*).await),
            "c_vector_double" => Some($f::<Vec<f64>>($($arg),*).await),
            "c_vector_text" => Some($f::<Vec<String>>($($arg),*).await),
            "c_vector_smallint" => Some($f::<[i16; 3]>($($arg),*).await),
            "c_vector_tinyint" => Some($f::<[i8; 2]>($($arg),*).await),
            "c_vector_date" => Some($f::<Vec<CqlDate>>($($arg),*).await),
            "c_vector_time" => Some($f::<Vec<NaiveTime>>($($arg),*).await),
            "c_vector_uuid" => Some($f::<Vec<Uuid>>($($arg),*).await),
            "c_vector_boolean" => Some($f::<[bool; 2]>($($arg),*).await),
            "c_vector_bigint" => Some($f::<Vec<i64>>($($arg),*).await),
            "c_vector_list" => Some($f::<Vec<Vec<i32>>>($($arg),*).await),
            "c_udt" => Some($f::<Address>($($arg),*).await),
            "c_frozen_udt" => Some($f::<Person>($($arg),*).await),
            "c_map_udt" => Some($f::<BTreeMap<String, Address>>($($arg),*).await),
            "c_tuple_nested" => Some($f::<NestedTuple>($($arg),*).await),
            "c_point" => Some($f::<Point>($($arg),*).await),
            "c_linestring" => Some($f::<LineString>($($arg),*).await),
            "c_polygon" => Some($f::<Polygon>($($arg),*).await),
            _ => None,
        }
    };
}

/// The `[value]` encoding of a nullable value for the case's column type.
pub(crate) fn encode(case: &Case, value: &impl SerializeValue) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    value
        .serialize_value(&case.typ, &mut out)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// Decodes a `[value]` (length-prefixed, -1 for null) as `Option<T>`.
pub(crate) fn decode<T: DeserializeValue>(case: &Case, value: &[u8]) -> Result<Option<T>, String> {
    let (len, body) = value.split_at_checked(4).ok_or("short [value]")?;
    let len = i32::from_be_bytes(len.try_into().map_err(|_| "short [value]")?);
    let bytes = if len < 0 { None } else { Some(body) };
    Option::<T>::deserialize_value(&case.typ, bytes).map_err(|e| e.to_string())
}

fn type_name<T>() -> &'static str {
    std::any::type_name::<T>()
        .rsplit("::")
        .next()
        .unwrap_or_default()
}

/// Binds the case's value as `Option<T>` to a prepared INSERT (or counter UPDATE).
async fn write<T: SerializeValue + DeserializeValue>(
    session: &Session,
    case: &Case,
    id: &str,
    cql: &str,
) -> Result<(), String> {
    let value: Option<T> = decode(case, &encode(case, &case.value.as_ref())?)
        .map_err(|e| format!("expected value as {}: {e}", type_name::<T>()))?;
    let prepared = session.prepare(cql).await.map_err(|e| e.to_string())?;
    let result = if case.counter {
        session.execute(&prepared, (value, id)).await
    } else {
        session.execute(&prepared, (id, value)).await
    };
    result.map(|_| ()).map_err(|e| e.to_string())
}

/// Reads the row as `(Option<T>,)` and compares its re-encoding with the expected value's;
/// errors name `T`.
async fn read<T: SerializeValue + DeserializeValue + Debug>(
    session: &Session,
    case: &Case,
    id: &str,
) -> Result<(), String> {
    read_as::<T>(session, case, id)
        .await
        .map_err(|e| format!("(read as {}) {e}", std::any::type_name::<T>()))
}

async fn read_as<T: SerializeValue + DeserializeValue + Debug>(
    session: &Session,
    case: &Case,
    id: &str,
) -> Result<(), String> {
    let cql = format!("SELECT {} FROM {} WHERE id = ?", case.column, case.table);
    let result = session
        .query(cql.as_str(), (id,))
        .await
        .map_err(|e| e.to_string())?;
    let row: Option<(Option<T>,)> = result.maybe_first().map_err(|e| e.to_string())?;
    let got = row.ok_or("no row")?.0;
    let expected = encode(case, &case.expected.as_ref())?;
    if encode(case, &got)? == expected {
        return Ok(());
    }
    let mut shown = format!("{got:?}");
    if shown.len() > 200 {
        shown = format!(
            "{}... ({} chars)",
            shown.chars().take(200).collect::<String>(),
            shown.len()
        );
    }
    Err(format!("re-encodes differently: {shown}"))
}

/// Writes the case through its Rust type; `None` if the column has no plain Rust type.
pub async fn write_typed(
    session: &Session,
    case: &Case,
    id: &str,
    cql: &str,
) -> Option<Result<(), String>> {
    with_rust_type!(case.column.as_str(), write(session, case, id, cql))
}

/// Reads the row through the column's Rust type; `None` if the column has no plain Rust type.
pub async fn read_typed(session: &Session, case: &Case, id: &str) -> Option<Result<(), String>> {
    with_rust_type!(case.column.as_str(), read(session, case, id))
}

//! The mapper's path: rows of the `vals` and `geo` tables written and read through models
//! derived with `#[derive(Model)]` (`rs:mapper:*` rows), the way applications use Cassia.
//!
//! Each case is one model instance with its id and the one field of its column set (the
//! other columns are null). Reading a Python-written row loads the model by id and compares
//! the field's encoding with the expected value's, byte for byte, as `typed.rs` does.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use bigdecimal::BigDecimal;
use cassia::prelude::*;
use cassia_driver::values::Timeuuid;
use cassia_driver::{CqlDate, CqlDuration, LineString, Point, Polygon, Session, Uuid};
use chrono::{DateTime, NaiveTime, Utc};
use num_bigint::BigInt;

use crate::typed::{Address, NestedTuple, Person, decode, encode};
use crate::values::Case;

/// The `vals` table of values.json as a model: every column optional.
#[derive(Debug, Default, Model)]
#[cassia(table = "vals")]
pub struct Vals {
    #[cassia(partition_key)]
    id: String,
    c_ascii: Option<String>,
    c_text: Option<String>,
    c_boolean: Option<bool>,
    c_tinyint: Option<i8>,
    c_smallint: Option<i16>,
    c_int: Option<i32>,
    c_bigint: Option<i64>,
    c_float: Option<f32>,
    c_double: Option<f64>,
    c_decimal: Option<BigDecimal>,
    c_varint: Option<BigInt>,
    c_blob: Option<Vec<u8>>,
    c_date: Option<CqlDate>,
    c_time: Option<NaiveTime>,
    c_timestamp: Option<DateTime<Utc>>,
    c_duration: Option<CqlDuration>,
    c_inet: Option<IpAddr>,
    c_uuid: Option<Uuid>,
    c_timeuuid: Option<Timeuuid>,
    c_udt: Option<Address>,
    c_frozen_udt: Option<Person>,
    c_list_map: Option<Vec<BTreeMap<String, i32>>>,
    c_set_list: Option<BTreeSet<Vec<i32>>>,
    c_map_udt: Option<BTreeMap<String, Address>>,
    c_tuple: Option<(Option<i32>, Option<String>, Option<f64>)>,
    c_nested: Option<BTreeMap<i32, Vec<BTreeSet<String>>>>,
    c_list: Option<Vec<i64>>,
    c_set: Option<BTreeSet<String>>,
    c_map: Option<BTreeMap<i32, String>>,
    c_tuple_nested: Option<NestedTuple>,
}

/// The `geo` table of values.json (DSE's geometric types).
#[derive(Debug, Default, Model)]
#[cassia(table = "geo")]
pub struct Geo {
    #[cassia(partition_key)]
    id: String,
    c_point: Option<Point>,
    c_linestring: Option<LineString>,
    c_polygon: Option<Polygon>,
}

/// Expands `$m!($args; <every column field of Geo>)`.
macro_rules! with_geo_fields {
    ($m:ident!($($args:tt)*)) => {
        $m!($($args)*; c_point c_linestring c_polygon)
    };
}

/// Expands `$m!($args; <every column field of Vals>)`.
macro_rules! with_fields {
    ($m:ident!($($args:tt)*)) => {
        $m!($($args)*;
            c_ascii c_text c_boolean c_tinyint c_smallint c_int c_bigint c_float c_double
            c_decimal c_varint c_blob c_date c_time c_timestamp c_duration c_inet c_uuid
            c_timeuuid c_udt c_frozen_udt c_list_map c_set_list c_map_udt c_tuple c_nested
            c_list c_set c_map c_tuple_nested)
    };
}

/// Decodes `$bytes` into the field named `$column` (`None`: no such field).
macro_rules! set_field {
    ($row:ident, $column:expr, $case:expr, $bytes:expr; $($name:ident)*) => {
        match $column {
            $(stringify!($name) => Some(decode($case, $bytes).map(|v| $row.$name = v)),)*
            _ => None,
        }
    };
}

/// The encoding and debug rendering of the field named `$column` (`None`: no such field).
macro_rules! field_bytes {
    ($row:ident, $column:expr, $case:expr; $($name:ident)*) => {
        match $column {
            $(stringify!($name) => Some(
                encode($case, &$row.$name).map(|b| (b, format!("{:?}", $row.$name)))
            ),)*
            _ => None,
        }
    };
}

/// Inserts the case through its table's model; `None` if no model covers the table.
pub async fn write(session: &Session, case: &Case, id: &str) -> Option<Result<(), String>> {
    match case.table.as_str() {
        "vals" => write_vals(session, case, id).await,
        "geo" => write_geo(session, case, id).await,
        _ => None,
    }
}

async fn write_geo(session: &Session, case: &Case, id: &str) -> Option<Result<(), String>> {
    let row = Geo {
        id: id.to_string(),
        ..Geo::default()
    };
    insert_case(session, case, row, |row, bytes| {
        with_geo_fields!(set_field!(row, case.column.as_str(), case, bytes))
    })
    .await
}

async fn write_vals(session: &Session, case: &Case, id: &str) -> Option<Result<(), String>> {
    let row = Vals {
        id: id.to_string(),
        ..Vals::default()
    };
    insert_case(session, case, row, |row, bytes| {
        with_fields!(set_field!(row, case.column.as_str(), case, bytes))
    })
    .await
}

/// Encodes the case's value, sets it on `row` with `set` (`None`: no field for the column)
/// and inserts the row.
async fn insert_case<M: Model>(
    session: &Session,
    case: &Case,
    mut row: M,
    set: impl FnOnce(&mut M, &[u8]) -> Option<Result<(), String>>,
) -> Option<Result<(), String>> {
    let bytes = match encode(case, &case.value.as_ref()) {
        Ok(b) => b,
        Err(e) => return Some(Err(e)),
    };
    if let Err(e) = set(&mut row, &bytes)? {
        return Some(Err(format!("expected value as a model field: {e}")));
    }
    Some(
        row.insert()
            .execute_on(session)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string()),
    )
}

/// Loads the row's model and compares the case's field; `None` if no model covers the table.
pub async fn read(session: &Session, case: &Case, id: &str) -> Option<Result<(), String>> {
    match case.table.as_str() {
        "vals" => read_vals(session, case, id).await,
        "geo" => read_geo(session, case, id).await,
        _ => None,
    }
}

async fn read_geo(session: &Session, case: &Case, id: &str) -> Option<Result<(), String>> {
    let row = match Geo::objects().filter(Geo::ID.eq(id)).get_on(session).await {
        Ok(row) => row,
        Err(e) => return Some(Err(format!("(read as model Geo) {e}"))),
    };
    let got = with_geo_fields!(field_bytes!(row, case.column.as_str(), case))?;
    Some(compare_field(case, "Geo", got))
}

/// Compares a field's encoding (or the error reading it) with the case's expected value.
fn compare_field(
    case: &Case,
    model: &str,
    got: Result<(Vec<u8>, String), String>,
) -> Result<(), String> {
    let expected = encode(case, &case.expected.as_ref())?;
    match got {
        Ok((bytes, _)) if bytes == expected => Ok(()),
        Ok((_, shown)) => Err(format!(
            "(read as model {model}) field re-encodes differently: {}",
            shown.chars().take(200).collect::<String>()
        )),
        Err(e) => Err(format!("(read as model {model}) {e}")),
    }
}

async fn read_vals(session: &Session, case: &Case, id: &str) -> Option<Result<(), String>> {
    let loaded = Vals::objects()
        .filter(Vals::ID.eq(id))
        .get_on(session)
        .await;
    let row = match loaded {
        Ok(row) => row,
        Err(e) => return Some(Err(format!("(read as model Vals) {e}"))),
    };
    let got = with_fields!(field_bytes!(row, case.column.as_str(), case))?;
    Some(compare_field(case, "Vals", got))
}

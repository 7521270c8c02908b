//! Row-level traits: `SerializeRow` into `SerializedValues` (positional and named forms),
//! `FromRow` for tuples and the dynamic `Row`, and `typed_rows` over a Rows result. Errors
//! must name the column and both CQL types.

use std::collections::HashMap;

use cassia_protocol::request::{RawValue, SerializedValues};
use cassia_protocol::response::{ColumnSpec, ResultMetadata, Rows, RowsBuilder};
use cassia_protocol::row::{
    FromRow, FromRowError, NamedValues, Row, SerializeRow, SerializeRowError, serialize_values,
    typed_rows,
};
use cassia_protocol::types::ColumnType as T;
use cassia_protocol::value::{CqlValue, Unset};

fn spec(name: &str, typ: T) -> ColumnSpec {
    ColumnSpec {
        keyspace: "ks".into(),
        table: "users".into(),
        name: name.into(),
        typ,
    }
}

fn markers() -> Vec<ColumnSpec> {
    vec![spec("id", T::Int), spec("name", T::Text)]
}

fn values(v: &SerializedValues) -> Vec<RawValue<'_>> {
    v.iter().map(|e| e.expect("well-formed").1).collect()
}

#[test]
fn positional_forms_write_one_value_per_marker() {
    let from_tuple = serialize_values(&(7i32, "ada"), &markers()).expect("fits");
    assert_eq!(from_tuple.count, 2);
    assert!(!from_tuple.named);
    assert_eq!(
        values(&from_tuple),
        [RawValue::Value(&[0, 0, 0, 7]), RawValue::Value(b"ada")]
    );
    let dynamic = vec![CqlValue::Int(7), CqlValue::Text("ada".into())];
    assert_eq!(
        serialize_values(&dynamic, &markers()),
        Ok(from_tuple.clone())
    );
    assert_eq!(
        serialize_values(&dynamic[..], &markers()),
        Ok(from_tuple.clone())
    );
    let with_unset = serialize_values(&(7i32, Unset), &markers()).expect("fits");
    assert_eq!(values(&with_unset)[1], RawValue::Unset);
    assert_eq!(serialize_values(&(), &[]), Ok(SerializedValues::new()));
}

#[test]
fn named_forms_follow_marker_order() {
    let map: HashMap<&str, CqlValue> = [
        ("name", CqlValue::Text("ada".into())),
        ("id", CqlValue::Int(7)),
    ]
    .into();
    let expected = serialize_values(&(7i32, "ada"), &markers()).expect("fits");
    assert_eq!(serialize_values(&map, &markers()), Ok(expected.clone()));
    let named = NamedValues::new().with("name", "ada").with("id", 7i32);
    assert_eq!(serialize_values(&named, &markers()), Ok(expected));
    let missing = NamedValues::new().with("id", 7i32);
    let err = serialize_values(&missing, &markers()).expect_err("name missing");
    assert_eq!(
        err.to_string(),
        "no value given for bind marker ks.users.name (#1)"
    );
    let extra = NamedValues::new()
        .with("id", 7i32)
        .with("name", "x")
        .with("nope", 1i32);
    assert_eq!(
        serialize_values(&extra, &markers()),
        Err(SerializeRowError::UnknownName {
            name: "nope".into()
        })
    );
}

#[test]
fn errors_name_the_marker_and_leave_the_buffer_untouched() {
    let err = serialize_values(&("ada", 7i32), &markers()).expect_err("swapped");
    assert_eq!(
        err.to_string(),
        "bind marker ks.users.id (#0): cannot serialize &str (expects CQL text or ascii) as CQL int"
    );
    assert_eq!(
        serialize_values(&(1i32,), &markers()),
        Err(SerializeRowError::ValueCount {
            expected: 2,
            actual: 1
        })
    );
    let mut out = SerializedValues::new();
    (1i32, "a")
        .serialize_row(&markers(), &mut out)
        .expect("fits");
    let before = out.clone();
    assert!((2i32, 3i32).serialize_row(&markers(), &mut out).is_err());
    assert_eq!(out, before);
}

fn rows(columns: Vec<ColumnSpec>, cells: &[Option<&[u8]>]) -> Rows {
    let metadata = ResultMetadata {
        column_count: columns.len(),
        columns: columns.into(),
        ..ResultMetadata::default()
    };
    let mut b = RowsBuilder::new(metadata);
    for c in cells {
        b.push_cell(*c).expect("cell");
    }
    b.finish().expect("rows")
}

#[test]
fn typed_rows_read_tuples_and_dynamic_rows() {
    let r = rows(
        markers(),
        &[Some(&[0, 0, 0, 1]), Some(b"a"), Some(&[0, 0, 0, 2]), None],
    );
    let tuples: Vec<(i32, Option<String>)> = typed_rows(&r)
        .expect("types match")
        .collect::<Result<_, _>>()
        .expect("rows decode");
    assert_eq!(tuples, [(1, Some("a".into())), (2, None)]);
    // A null into a non-Option fails on that row, naming the column.
    let strict: Vec<_> = typed_rows::<(i32, String)>(&r)
        .expect("types match")
        .collect();
    assert!(strict[0].is_ok());
    let err = strict[1].clone().expect_err("null name");
    assert_eq!(
        err.to_string(),
        "column ks.users.name (#1): null CQL text cannot be read into String; use Option<String>"
    );
    let dynamic: Vec<Row> = typed_rows(&r)
        .expect("any row")
        .collect::<Result<_, _>>()
        .expect("rows decode");
    assert_eq!(
        dynamic[0].get("name"),
        Ok(Some(&CqlValue::Text("a".into())))
    );
    assert_eq!(dynamic[1].get(1), Ok(None));
    assert_eq!(dynamic[1].get(0), Ok(Some(&CqlValue::Int(2))));
    assert_eq!(
        dynamic[0]
            .get("nope")
            .expect_err("no such column")
            .to_string(),
        "no column `nope` in the row"
    );
}

#[test]
fn type_check_happens_once_up_front() {
    let r = rows(markers(), &[]);
    let err = typed_rows::<(i32, i32)>(&r).expect_err("text is not int");
    assert!(matches!(err, FromRowError::Column { .. }));
    assert_eq!(
        err.to_string(),
        "column ks.users.name (#1): cannot deserialize CQL text into i32 (expects CQL int)"
    );
    assert!(matches!(
        typed_rows::<(i32,)>(&r),
        Err(FromRowError::ColumnCount {
            expected: 1,
            actual: 2,
            ..
        })
    ));
    // from_row on too few cells is an error, not a panic.
    assert!(matches!(
        <(i32, i32)>::from_row(
            &[spec("a", T::Int), spec("b", T::Int)],
            [Some(&[0u8, 0, 0, 1][..])].into_iter()
        ),
        Err(FromRowError::MissingCells { .. })
    ));
}

//! The typed traits `SerializeValue`/`DeserializeValue`: exact bytes, agreement with the
//! dynamic `CqlValue` codec, type checks naming both sides, nulls, unset, and chrono ranges.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::net::IpAddr;

use bigdecimal::BigDecimal;
use bytes::Bytes;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use num_bigint::BigInt;
use uuid::Uuid;

use cassia_protocol::types::ColumnType as T;
use cassia_protocol::value::{
    Counter, CqlDate, CqlDuration, CqlTime, CqlTimestamp, CqlValue, DeserializeError,
    DeserializeValue, MaybeUnset, Raw, SerializeError, SerializeValue, Timeuuid, Unset,
};

/// Serializes as a `[value]`.
fn ser<V: SerializeValue + ?Sized>(v: &V, t: &T) -> Vec<u8> {
    let mut out = Vec::new();
    v.serialize_value(t, &mut out).expect("serializable");
    out
}

/// The `[value]` body (without its 4-byte length).
fn body(value: &[u8]) -> &[u8] {
    let len = i32::from_be_bytes(value[..4].try_into().expect("prefix"));
    assert_eq!(len as usize, value.len() - 4, "length prefix");
    &value[4..]
}

/// Serializes with the trait, checks the bytes equal the dynamic codec's for `dynamic`, and
/// reads the value back.
fn round_trip<V>(v: V, t: &T, dynamic: CqlValue) -> Vec<u8>
where
    V: SerializeValue + DeserializeValue + PartialEq + std::fmt::Debug,
{
    let bytes = ser(&v, t);
    let mut expected = Vec::new();
    dynamic.serialize(t, &mut expected).expect("dynamic codec");
    assert_eq!(body(&bytes), expected, "typed and dynamic bytes for {t}");
    V::type_check(t).expect("type check");
    assert_eq!(
        V::deserialize_value(t, Some(body(&bytes))).expect("decodes"),
        v
    );
    assert_eq!(
        CqlValue::deserialize(t, body(&bytes)).expect("dynamic decode"),
        dynamic
    );
    body(&bytes).to_vec()
}

#[test]
fn scalars_agree_with_the_dynamic_codec() {
    assert_eq!(
        round_trip(i8::MIN, &T::TinyInt, CqlValue::TinyInt(i8::MIN)),
        [0x80]
    );
    round_trip(i16::MAX, &T::SmallInt, CqlValue::SmallInt(i16::MAX));
    round_trip(-1i32, &T::Int, CqlValue::Int(-1));
    round_trip(i64::MIN, &T::BigInt, CqlValue::BigInt(i64::MIN));
    round_trip(Counter(7), &T::Counter, CqlValue::Counter(7));
    round_trip(1.5f32, &T::Float, CqlValue::Float(1.5));
    round_trip(f64::INFINITY, &T::Double, CqlValue::Double(f64::INFINITY));
    round_trip(true, &T::Boolean, CqlValue::Boolean(true));
    round_trip("héllo".to_owned(), &T::Text, CqlValue::Text("héllo".into()));
    round_trip(String::new(), &T::Ascii, CqlValue::Ascii(String::new()));
    round_trip(vec![1u8, 2], &T::Blob, CqlValue::Blob(vec![1, 2]));
    round_trip(
        Bytes::from_static(b"xy"),
        &T::Blob,
        CqlValue::Blob(b"xy".to_vec()),
    );
    let u = Uuid::from_u128(0x0102_0304_0506_4708_890a_0b0c_0d0e_0f10);
    round_trip(u, &T::Uuid, CqlValue::Uuid(u));
    let ip: IpAddr = "::1".parse().expect("ip");
    round_trip(ip, &T::Inet, CqlValue::Inet(ip));
    let big: BigInt = "-123456789012345678901234567890".parse().expect("varint");
    round_trip(big.clone(), &T::Varint, CqlValue::Varint(big));
    let dec: BigDecimal = "12.345e-100".parse().expect("decimal");
    round_trip(dec.clone(), &T::Decimal, CqlValue::Decimal(dec));
    round_trip(CqlDate(0), &T::Date, CqlValue::Date(CqlDate(0)));
    round_trip(CqlTime(0), &T::Time, CqlValue::Time(CqlTime(0)));
    round_trip(
        CqlTimestamp(-1),
        &T::Timestamp,
        CqlValue::Timestamp(CqlTimestamp(-1)),
    );
    let d = CqlDuration {
        months: -1,
        days: -2,
        nanoseconds: -3,
    };
    round_trip(d, &T::Duration, CqlValue::Duration(d));
    // &str and &[u8] serialize like their owned forms.
    assert_eq!(ser("ab", &T::Text), ser(&"ab".to_owned(), &T::Text));
    assert_eq!(ser(&b"ab"[..], &T::Blob), [0, 0, 0, 2, b'a', b'b']);
}

#[test]
fn type_mismatches_name_rust_type_expected_and_actual() {
    let err = 5i32
        .serialize_value(&T::Text, &mut Vec::new())
        .expect_err("int is not text");
    assert_eq!(
        err,
        SerializeError::TypeMismatch {
            rust_type: "i32",
            expected: "int",
            actual: Box::new(T::Text)
        }
    );
    assert_eq!(
        err.to_string(),
        "cannot serialize i32 (expects CQL int) as CQL text"
    );
    let err = String::type_check(&T::Int).expect_err("text is not int");
    assert_eq!(
        err.to_string(),
        "cannot deserialize CQL int into String (expects CQL text or ascii)"
    );
    // Nested: the element type is checked too.
    let list_int = T::List(Box::new(T::Int));
    assert!(Vec::<String>::type_check(&list_int).is_err());
    assert!(Vec::<i32>::type_check(&list_int).is_ok());
    assert!(
        vec!["a"]
            .serialize_value(&list_int, &mut Vec::new())
            .is_err()
    );
    // Deserializing without a type check first still fails cleanly.
    assert!(matches!(
        i64::deserialize_value(&T::Int, Some(&[0, 0, 0, 1])),
        Err(DeserializeError::TypeMismatch { .. })
    ));
}

#[test]
fn null_empty_and_unset() {
    assert_eq!(ser(&None::<i32>, &T::Int), [0xFF, 0xFF, 0xFF, 0xFF]);
    assert_eq!(ser(&Unset, &T::Int), [0xFF, 0xFF, 0xFF, 0xFE]);
    assert_eq!(
        ser(&MaybeUnset::<i32>::Unset, &T::Int),
        [0xFF, 0xFF, 0xFF, 0xFE]
    );
    assert_eq!(
        ser(&MaybeUnset::Set(1i32), &T::Int),
        [0, 0, 0, 4, 0, 0, 0, 1]
    );
    assert_eq!(Option::<i32>::deserialize_value(&T::Int, None), Ok(None));
    let err = i32::deserialize_value(&T::Int, None).expect_err("null into i32");
    assert_eq!(
        err.to_string(),
        "null CQL int cannot be read into i32; use Option<i32>"
    );
    assert!(matches!(
        i32::deserialize_value(&T::Int, Some(&[])),
        Err(DeserializeError::UnexpectedEmpty { .. })
    ));
    assert_eq!(
        String::deserialize_value(&T::Text, Some(&[])),
        Ok(String::new())
    );
    assert_eq!(
        Option::<CqlValue>::deserialize_value(&T::Int, Some(&[])),
        Ok(Some(CqlValue::Empty))
    );
    // Null and unset have no place inside collections.
    let list = T::List(Box::new(T::Int));
    assert!(matches!(
        vec![Some(1), None].serialize_value(&list, &mut Vec::new()),
        Err(SerializeError::NullInside { what: "null", .. })
    ));
    assert!(matches!(
        vec![MaybeUnset::Unset::<i32>].serialize_value(&list, &mut Vec::new()),
        Err(SerializeError::NullInside { what: "unset", .. })
    ));
}

#[test]
fn collections_tuples_and_vectors() {
    let list = T::List(Box::new(T::Int));
    round_trip(
        vec![1i32, 2],
        &list,
        CqlValue::List(vec![CqlValue::Int(1), CqlValue::Int(2)]),
    );
    let set = T::Set(Box::new(T::Text));
    let s: BTreeSet<String> = ["a".to_owned(), "b".to_owned()].into();
    round_trip(
        s,
        &set,
        CqlValue::Set(vec![CqlValue::Text("a".into()), CqlValue::Text("b".into())]),
    );
    let hs: HashSet<i32> = [3].into();
    assert_eq!(ser(&hs, &T::Set(Box::new(T::Int))), ser(&vec![3i32], &list));
    let map = T::Map(Box::new(T::Text), Box::new(T::BigInt));
    let m: BTreeMap<String, i64> = [("k".to_owned(), 9)].into();
    round_trip(
        m,
        &map,
        CqlValue::Map(vec![(CqlValue::Text("k".into()), CqlValue::BigInt(9))]),
    );
    let hm: HashMap<String, i64> = [("k".to_owned(), 9)].into();
    assert_eq!(
        HashMap::<String, i64>::deserialize_value(&map, Some(body(&ser(&hm, &map)))),
        Ok(hm)
    );
    let tuple = T::Tuple(vec![T::Int, T::Text]);
    round_trip(
        (1i32, Some("x".to_owned())),
        &tuple,
        CqlValue::Tuple(vec![
            Some(CqlValue::Int(1)),
            Some(CqlValue::Text("x".into())),
        ]),
    );
    round_trip(
        (1i32, None::<String>),
        &tuple,
        CqlValue::Tuple(vec![Some(CqlValue::Int(1)), None]),
    );
    assert!((1i32,).serialize_value(&tuple, &mut Vec::new()).is_err());
    // A tuple value with fewer components than the type: the rest are null.
    assert_eq!(
        <(i32, Option<String>)>::deserialize_value(&tuple, Some(&[0, 0, 0, 4, 0, 0, 0, 7])),
        Ok((7, None))
    );
    let vector = T::Vector {
        element: Box::new(T::Float),
        dimension: 3,
    };
    let bytes = ser(&[1.0f32, 2.0, 3.0], &vector);
    assert_eq!(
        body(&bytes),
        [0x3f, 0x80, 0, 0, 0x40, 0, 0, 0, 0x40, 0x40, 0, 0]
    );
    assert_eq!(ser(&vec![1.0f32, 2.0, 3.0], &vector), bytes);
    assert_eq!(
        <[f32; 3]>::deserialize_value(&vector, Some(body(&bytes))),
        Ok([1.0, 2.0, 3.0])
    );
    assert!(<[f32; 2]>::type_check(&vector).is_err());
    assert!(
        vec![1.0f32]
            .serialize_value(&vector, &mut Vec::new())
            .is_err()
    );
    // smallint is variable-length for vectors: each element carries a vint length.
    let small = T::Vector {
        element: Box::new(T::SmallInt),
        dimension: 2,
    };
    assert_eq!(body(&ser(&[1i16, -1], &small)), [2, 0, 1, 2, 0xFF, 0xFF]);
    assert_eq!(
        Vec::<i16>::deserialize_value(&small, Some(&[2, 0, 1, 2, 0xFF, 0xFF])),
        Ok(vec![1, -1])
    );
}

#[test]
fn chrono_conversions_and_their_limits() {
    let d = NaiveDate::from_ymd_opt(1970, 1, 2).expect("date");
    assert_eq!(body(&ser(&d, &T::Date)), [0x80, 0, 0, 1]);
    assert_eq!(
        NaiveDate::deserialize_value(&T::Date, Some(&[0x80, 0, 0, 1])),
        Ok(d)
    );
    let err = NaiveDate::deserialize_value(&T::Date, Some(&[0, 0, 0, 0])).expect_err("too old");
    assert!(matches!(err, DeserializeError::OutOfRange { .. }), "{err}");
    assert!(err.to_string().contains("-2147483648 days"), "{err}");
    assert_eq!(
        CqlDate::deserialize_value(&T::Date, Some(&[0, 0, 0, 0])),
        Ok(CqlDate(0))
    );
    let t = NaiveTime::from_hms_nano_opt(23, 59, 59, 999_999_999).expect("time");
    assert_eq!(
        body(&ser(&t, &T::Time)),
        86_399_999_999_999i64.to_be_bytes()
    );
    assert_eq!(
        NaiveTime::deserialize_value(&T::Time, Some(&86_399_999_999_999i64.to_be_bytes())),
        Ok(t)
    );
    let leap = NaiveTime::from_hms_nano_opt(23, 59, 59, 1_500_000_000).expect("leap second");
    assert!(leap.serialize_value(&T::Time, &mut Vec::new()).is_err());
    let ts = DateTime::<Utc>::from_timestamp_millis(1_700_000_000_123).expect("ts");
    assert_eq!(
        body(&ser(&ts, &T::Timestamp)),
        1_700_000_000_123i64.to_be_bytes()
    );
    assert!(
        DateTime::<Utc>::deserialize_value(&T::Timestamp, Some(&i64::MAX.to_be_bytes())).is_err()
    );
}

#[test]
fn timeuuid_raw_and_cql_value() {
    let v1 = Uuid::from_u128(0x8a5e_2f30_1dd2_11b2_8000_0000_0000_0001);
    let v4 = Uuid::from_u128(0x0102_0304_0506_4708_890a_0b0c_0d0e_0f10);
    assert!(
        Timeuuid(v1)
            .serialize_value(&T::Timeuuid, &mut Vec::new())
            .is_ok()
    );
    assert!(
        Timeuuid(v4)
            .serialize_value(&T::Uuid, &mut Vec::new())
            .is_err()
    );
    assert!(v4.serialize_value(&T::Timeuuid, &mut Vec::new()).is_err());
    assert_eq!(
        Timeuuid::deserialize_value(&T::Timeuuid, Some(v1.as_bytes())),
        Ok(Timeuuid(v1))
    );
    let custom = T::Custom("com.example.Foo".into());
    assert_eq!(ser(&Raw(vec![9]), &custom), [0, 0, 0, 1, 9]);
    assert_eq!(
        Raw::deserialize_value(&T::Int, Some(&[1, 2])),
        Ok(Raw(vec![1, 2]))
    );
    assert_eq!(ser(&CqlValue::Int(1), &T::Int), [0, 0, 0, 4, 0, 0, 0, 1]);
    assert!(
        CqlValue::Int(1)
            .serialize_value(&T::Text, &mut Vec::new())
            .is_err()
    );
    assert_eq!(ser(&CqlValue::Empty, &T::Int), [0, 0, 0, 0]);
}

#[test]
fn cql_literals() {
    let v = CqlValue::Map(vec![(
        CqlValue::Text("it's".into()),
        CqlValue::List(vec![
            CqlValue::Double(f64::NAN),
            CqlValue::Float(f32::NEG_INFINITY),
        ]),
    )]);
    assert_eq!(v.to_string(), "{'it''s': [NaN, -Infinity]}");
    assert_eq!(CqlValue::Blob(vec![0xCA, 0xFE]).to_string(), "0xcafe");
    assert_eq!(
        CqlValue::Tuple(vec![Some(CqlValue::Int(1)), None]).to_string(),
        "(1, null)"
    );
    assert_eq!(CqlValue::Date(CqlDate(1 << 31)).to_string(), "'1970-01-01'");
    assert_eq!(CqlValue::Date(CqlDate(0)).to_string(), "'0'");
    assert_eq!(
        CqlValue::Time(CqlTime(1)).to_string(),
        "'00:00:00.000000001'"
    );
    assert_eq!(
        CqlValue::Timestamp(CqlTimestamp(1_700_000_000_123)).to_string(),
        "'2023-11-14 22:13:20.123+0000'"
    );
    assert_eq!(
        CqlValue::Duration(CqlDuration {
            months: 14,
            days: 3,
            nanoseconds: 3_600_000_000_001
        })
        .to_string(),
        "1y2mo3d1h1ns"
    );
    assert_eq!(
        CqlValue::Duration(CqlDuration {
            months: 0,
            days: -1,
            nanoseconds: 0
        })
        .to_string(),
        "-1d"
    );
    assert_eq!(CqlValue::Double(1e300).to_string(), "1e300");
    assert_eq!(CqlValue::Double(2.0).to_string(), "2.0");
    let udt = CqlValue::Udt {
        keyspace: "ks".into(),
        name: "t".into(),
        fields: vec![("a".into(), Some(CqlValue::Int(1))), ("B".into(), None)],
    };
    assert_eq!(udt.to_string(), "{a: 1, \"B\": null}");
}

#[test]
fn float_vectors_read_straight_from_their_packed_bytes() {
    let t = T::Vector {
        element: Box::new(T::Float),
        dimension: 3,
    };
    let packed: Vec<u8> = [1.5f32, -0.25, 3.0]
        .iter()
        .flat_map(|f| f.to_be_bytes())
        .collect();
    assert_eq!(body(&ser(&[1.5f32, -0.25, 3.0], &t)), packed.as_slice());
    assert_eq!(
        Vec::<f32>::deserialize_value(&t, Some(&packed)).expect("vec"),
        [1.5, -0.25, 3.0]
    );
    assert_eq!(
        <[f32; 3]>::deserialize_value(&t, Some(&packed)).expect("array"),
        [1.5, -0.25, 3.0]
    );
    // One byte short, one too many: malformed, naming the sizes.
    for bytes in [&packed[..11], &[packed.as_slice(), &[0]].concat()[..]] {
        let err = Vec::<f32>::deserialize_value(&t, Some(bytes)).expect_err("wrong length");
        assert!(err.to_string().contains("expected 12 bytes"), "{err}");
    }
    // A dimension the array cannot hold is a type mismatch, before any byte is read.
    assert!(<[f32; 4]>::deserialize_value(&t, Some(&packed)).is_err());
}

//! The dynamic value codec (`CqlValue::serialize` / `CqlValue::deserialize`): exact bytes,
//! round trips of edge values, and rejection of malformed input.

use std::net::IpAddr;

use bigdecimal::BigDecimal;
use cassia_protocol::types::ColumnType as T;
use cassia_protocol::value::{
    CqlDate, CqlDuration, CqlTime, CqlTimestamp, CqlValue, DeserializeError, SerializeError,
};
use num_bigint::BigInt;
use uuid::Uuid;

fn enc(v: &CqlValue, t: &T) -> Vec<u8> {
    let mut out = Vec::new();
    v.serialize(t, &mut out).expect("serializable");
    out
}

/// Encodes, decodes and checks both the bytes and the value.
fn round_trip(v: CqlValue, t: &T) -> Vec<u8> {
    let bytes = enc(&v, t);
    let back = CqlValue::deserialize(t, &bytes).expect("decodable");
    assert_eq!(back, v, "round trip through {t}");
    bytes
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

fn list(t: T) -> T {
    T::List(Box::new(t))
}

#[test]
fn integers_at_their_limits() {
    assert_eq!(
        round_trip(CqlValue::Int(i32::MIN), &T::Int),
        [0x80, 0, 0, 0]
    );
    assert_eq!(
        round_trip(CqlValue::BigInt(i64::MAX), &T::BigInt),
        hex("7fffffffffffffff")
    );
    assert_eq!(
        round_trip(CqlValue::SmallInt(-32768), &T::SmallInt),
        [0x80, 0]
    );
    assert_eq!(round_trip(CqlValue::TinyInt(127), &T::TinyInt), [0x7F]);
    assert_eq!(round_trip(CqlValue::Counter(-1), &T::Counter), [0xFF; 8]);
}

#[test]
fn floats_keep_their_bits() {
    let nan = enc(&CqlValue::Double(f64::NAN), &T::Double);
    assert_eq!(nan, hex("7ff8000000000000"));
    match CqlValue::deserialize(&T::Double, &nan) {
        Ok(CqlValue::Double(d)) => assert!(d.is_nan()),
        other => panic!("expected NaN, got {other:?}"),
    }
    assert_eq!(
        round_trip(CqlValue::Float(f32::NEG_INFINITY), &T::Float),
        hex("ff800000")
    );
    assert_eq!(
        round_trip(CqlValue::Double(f64::INFINITY), &T::Double),
        hex("7ff0000000000000")
    );
    assert_eq!(
        round_trip(CqlValue::Double(-0.0), &T::Double),
        hex("8000000000000000")
    );
}

#[test]
fn varints_are_minimal_twos_complement() {
    let b = |s: &str| CqlValue::Varint(s.parse::<BigInt>().expect("int"));
    assert_eq!(round_trip(b("0"), &T::Varint), [0x00]);
    assert_eq!(round_trip(b("-1"), &T::Varint), [0xFF]);
    assert_eq!(round_trip(b("128"), &T::Varint), [0x00, 0x80]);
    assert_eq!(round_trip(b("-129"), &T::Varint), [0xFF, 0x7F]);
    let big = format!("-{}", "9".repeat(200));
    let bytes = round_trip(b(&big), &T::Varint);
    assert_eq!(bytes.len(), 84);
    // Redundant sign bytes are still accepted on input.
    assert_eq!(
        CqlValue::deserialize(&T::Varint, &[0xFF, 0xFF]),
        Ok(b("-1"))
    );
}

#[test]
fn decimals_with_huge_and_negative_scales() {
    let d = |s: &str| CqlValue::Decimal(s.parse::<BigDecimal>().expect("decimal"));
    // 1.5E+10 is unscaled 15 with scale -9.
    assert_eq!(round_trip(d("1.5E+10"), &T::Decimal), hex("fffffff70f"));
    assert_eq!(
        round_trip(d("12345.6789"), &T::Decimal),
        hex("00000004075bcd15")
    );
    let tiny = CqlValue::Decimal(BigDecimal::new(BigInt::from(7), 2_000_000_000));
    assert_eq!(round_trip(tiny, &T::Decimal), hex("7735940007"));
    let too_big = CqlValue::Decimal(BigDecimal::new(BigInt::from(1), 1 << 40));
    assert!(matches!(
        too_big.serialize(&T::Decimal, &mut Vec::new()),
        Err(SerializeError::InvalidValue { .. })
    ));
}

#[test]
fn dates_times_timestamps_durations() {
    assert_eq!(
        round_trip(CqlValue::Date(CqlDate(0)), &T::Date),
        [0, 0, 0, 0]
    );
    assert_eq!(
        round_trip(CqlValue::Date(CqlDate(u32::MAX)), &T::Date),
        [0xFF; 4]
    );
    round_trip(CqlValue::Time(CqlTime(0)), &T::Time);
    round_trip(CqlValue::Time(CqlTime(86_399_999_999_999)), &T::Time);
    assert!(
        CqlValue::Time(CqlTime(86_400_000_000_000))
            .serialize(&T::Time, &mut Vec::new())
            .is_err()
    );
    assert!(CqlValue::deserialize(&T::Time, &(-1i64).to_be_bytes()).is_err());
    round_trip(
        CqlValue::Timestamp(CqlTimestamp(-14_182_940_000)),
        &T::Timestamp,
    );
    let neg = CqlDuration {
        months: -14,
        days: -3,
        nanoseconds: -14_706_007_008_009,
    };
    let bytes = round_trip(CqlValue::Duration(neg), &T::Duration);
    assert_eq!(bytes[..2], [0x1B, 0x05]);
    let mixed = CqlDuration {
        months: 1,
        days: -1,
        nanoseconds: 0,
    };
    assert!(
        CqlValue::Duration(mixed)
            .serialize(&T::Duration, &mut Vec::new())
            .is_err()
    );
}

#[test]
fn text_ascii_blob_inet_uuid() {
    assert_eq!(round_trip(CqlValue::Text(String::new()), &T::Text), b"");
    round_trip(CqlValue::Text("héllo ✓ 日本語 🚀".into()), &T::Text);
    assert!(
        CqlValue::Text("é".into())
            .serialize(&T::Ascii, &mut Vec::new())
            .is_err()
    );
    assert!(CqlValue::deserialize(&T::Ascii, "é".as_bytes()).is_err());
    round_trip(CqlValue::Blob(vec![0, 1, 255]), &T::Blob);
    let v6: IpAddr = "::ffff:192.0.2.1".parse().expect("ip");
    assert_eq!(round_trip(CqlValue::Inet(v6), &T::Inet).len(), 16);
    assert!(CqlValue::deserialize(&T::Inet, &[1, 2, 3]).is_err());
    let v1 = Uuid::parse_str("d2177dd0-eaa2-11de-a572-001b779c76e3").expect("uuid");
    round_trip(CqlValue::Timeuuid(v1), &T::Timeuuid);
    let v4 = Uuid::parse_str("123e4567-e89b-42d3-a456-556642440000").expect("uuid");
    assert!(
        CqlValue::Uuid(v4)
            .serialize(&T::Timeuuid, &mut Vec::new())
            .is_err()
    );
    assert!(CqlValue::deserialize(&T::Timeuuid, v4.as_bytes()).is_err());
}

#[test]
fn zero_length_values_are_empty_except_for_strings() {
    for t in [
        T::Int,
        T::BigInt,
        T::Boolean,
        T::Double,
        T::Uuid,
        T::Timestamp,
        T::Varint,
    ] {
        assert_eq!(CqlValue::deserialize(&t, &[]), Ok(CqlValue::Empty), "{t}");
        assert_eq!(enc(&CqlValue::Empty, &t), b"");
    }
    assert_eq!(
        CqlValue::deserialize(&T::Text, &[]),
        Ok(CqlValue::Text(String::new()))
    );
    assert_eq!(
        CqlValue::deserialize(&T::Blob, &[]),
        Ok(CqlValue::Blob(vec![]))
    );
}

#[test]
fn collections_and_nesting() {
    let t = list(T::Set(Box::new(T::Int)));
    let v = CqlValue::List(vec![
        CqlValue::Set(vec![CqlValue::Int(1), CqlValue::Int(2)]),
        CqlValue::Set(vec![]),
    ]);
    assert_eq!(
        round_trip(v, &t),
        hex("000000020000001400000002000000040000000100000004000000020000000400000000")
    );
    let m = T::Map(Box::new(T::Text), Box::new(list(T::Int)));
    round_trip(
        CqlValue::Map(vec![
            (
                CqlValue::Text("a".into()),
                CqlValue::List(vec![CqlValue::Int(1)]),
            ),
            (CqlValue::Text(String::new()), CqlValue::List(vec![])),
        ]),
        &m,
    );
}

#[test]
fn tuples_and_udts_allow_nulls_and_short_values() {
    let t = T::Tuple(vec![T::Int, T::Text, T::Double]);
    let bytes = round_trip(CqlValue::Tuple(vec![None, None, None]), &t);
    assert_eq!(bytes, [0xFF; 12]);
    let udt = T::Udt {
        keyspace: "ks".into(),
        name: "point".into(),
        fields: vec![("x".into(), T::Int), ("y".into(), T::Int)],
    };
    // Only `x` on the wire: `y` is a trailing null.
    let short = hex("0000000400000007");
    assert_eq!(
        CqlValue::deserialize(&udt, &short),
        Ok(CqlValue::Udt {
            keyspace: "ks".into(),
            name: "point".into(),
            fields: vec![("x".into(), Some(CqlValue::Int(7))), ("y".into(), None)],
        })
    );
    // More components than the type has is malformed.
    let long = hex("000000040000000700000004000000080000000400000009");
    assert!(matches!(
        CqlValue::deserialize(&udt, &long),
        Err(DeserializeError::Malformed { .. })
    ));
}

#[test]
fn vectors_pack_fixed_elements_and_prefix_variable_ones() {
    let t = T::Vector {
        element: Box::new(T::Float),
        dimension: 3,
    };
    let v = CqlValue::Vector(vec![
        CqlValue::Float(1.0),
        CqlValue::Float(2.0),
        CqlValue::Float(3.0),
    ]);
    assert_eq!(round_trip(v, &t), hex("3f8000004000000040400000"));
    assert!(
        CqlValue::Vector(vec![CqlValue::Float(1.0)])
            .serialize(&t, &mut Vec::new())
            .is_err()
    );
    assert!(CqlValue::deserialize(&t, &hex("3f800000")).is_err());
    let tv = T::Vector {
        element: Box::new(T::Text),
        dimension: 2,
    };
    let v = CqlValue::Vector(vec![
        CqlValue::Text("ab".into()),
        CqlValue::Text(String::new()),
    ]);
    assert_eq!(round_trip(v, &tv), [2, b'a', b'b', 0]);
}

#[test]
fn hostile_input_is_rejected_without_panicking_or_allocating() {
    let t = list(T::Int);
    // A count of 2^31-1 with no bytes behind it.
    assert!(CqlValue::deserialize(&t, &hex("7fffffff")).is_err());
    assert!(CqlValue::deserialize(&t, &hex("ffffffff")).is_err());
    // An element length past the end.
    assert!(CqlValue::deserialize(&t, &hex("000000010000ffff00")).is_err());
    // Trailing bytes after the elements.
    assert!(CqlValue::deserialize(&t, &hex("000000000000")).is_err());
    // A null element.
    assert!(CqlValue::deserialize(&t, &hex("00000001ffffffff")).is_err());
    // Every prefix of a valid nested value fails cleanly or decodes.
    let nested = T::Map(Box::new(T::Text), Box::new(list(T::Int)));
    let bytes = hex("00000001000000016100000010000000020000000400000001000000040000000200");
    for end in 0..bytes.len() {
        let _ = CqlValue::deserialize(&nested, &bytes[..end]);
    }
}

#[test]
fn type_mismatch_names_both_sides() {
    let e = CqlValue::Int(1)
        .serialize(&T::Text, &mut Vec::new())
        .expect_err("mismatch");
    assert_eq!(
        e.to_string(),
        "cannot serialize CqlValue::Int (expects CQL int) as CQL text"
    );
}

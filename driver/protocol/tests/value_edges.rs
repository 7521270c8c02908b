//! Edge cases across the dynamic and typed codecs: deterministic garbage never panics,
//! nested vectors and long vint lengths, wide tuples, out-of-range chrono values, and nested
//! frozen collections with null UDT fields.

use std::collections::BTreeMap;

use bigdecimal::BigDecimal;
use chrono::NaiveDate;
use num_bigint::BigInt;

use cassia_protocol::types::ColumnType as T;
use cassia_protocol::value::{
    CqlDate, CqlValue, DeserializeError, DeserializeValue, SerializeError, SerializeValue, Unset,
};

fn b(t: T) -> Box<T> {
    Box::new(t)
}

fn ser<V: SerializeValue + ?Sized>(v: &V, t: &T) -> Vec<u8> {
    let mut out = Vec::new();
    v.serialize_value(t, &mut out).expect("serializable");
    out.split_off(4)
}

fn person() -> T {
    T::Udt {
        keyspace: "ks".into(),
        name: "person".into(),
        fields: vec![
            ("name".into(), T::Text),
            ("tags".into(), T::Set(b(T::Text))),
            (
                "addr".into(),
                T::Udt {
                    keyspace: "ks".into(),
                    name: "address".into(),
                    fields: vec![
                        ("zip".into(), T::Int),
                        ("phones".into(), T::List(b(T::Text))),
                    ],
                },
            ),
        ],
    }
}

fn every_type() -> Vec<T> {
    vec![
        T::Ascii,
        T::BigInt,
        T::Blob,
        T::Boolean,
        T::Counter,
        T::Decimal,
        T::Double,
        T::Float,
        T::Int,
        T::Timestamp,
        T::Uuid,
        T::Text,
        T::Varint,
        T::Timeuuid,
        T::Inet,
        T::Date,
        T::Time,
        T::SmallInt,
        T::TinyInt,
        T::Duration,
        T::List(b(T::Int)),
        T::Set(b(T::Text)),
        T::Map(b(T::Text), b(T::List(b(T::Int)))),
        T::Tuple(vec![T::Int, T::Text, T::Double]),
        person(),
        T::Vector {
            element: b(T::Float),
            dimension: 3,
        },
        T::Vector {
            element: b(T::Text),
            dimension: 2,
        },
        T::Custom("com.example.X".into()),
    ]
}

/// xorshift32: deterministic bytes without a dependency.
fn noise(seed: u32, len: usize) -> Vec<u8> {
    let mut s = seed.max(1);
    (0..len)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            s.to_le_bytes()[0]
        })
        .collect()
}

#[test]
fn garbage_never_panics_and_valid_values_survive() {
    for (i, t) in every_type().iter().enumerate() {
        for seed in 0..200u32 {
            let len = (seed as usize * 7) % 64;
            let bytes = noise(seed * 31 + i as u32, len);
            // Either a value that survives re-encoding, or an error; never a panic. (Bytes
            // may differ: any negative component length reads as null, a varint may carry
            // redundant sign bytes, a boolean any non-zero byte.)
            if let Ok(v) = CqlValue::deserialize(t, &bytes) {
                let mut again = Vec::new();
                v.serialize(t, &mut again)
                    .expect("a decoded value re-encodes");
                let back = CqlValue::deserialize(t, &again).expect("and decodes again");
                assert_eq!(format!("{back:?}"), format!("{v:?}"), "{t}");
            }
            let _ = Vec::<i32>::deserialize_value(t, Some(&bytes));
            let _ = BTreeMap::<String, Vec<i32>>::deserialize_value(t, Some(&bytes));
            let _ = <(i32, String, f64)>::deserialize_value(t, Some(&bytes));
        }
    }
}

#[test]
fn nested_vectors_and_long_element_lengths() {
    // A vector of fixed-size vectors is itself fixed-size: no lengths anywhere.
    let inner = T::Vector {
        element: b(T::Int),
        dimension: 2,
    };
    let outer = T::Vector {
        element: b(inner),
        dimension: 2,
    };
    assert_eq!(outer.fixed_size(), Some(16));
    let v = [[1i32, 2], [3, 4]];
    let bytes = ser(&v, &outer);
    assert_eq!(bytes, [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4]);
    assert_eq!(
        <[[i32; 2]; 2]>::deserialize_value(&outer, Some(&bytes)),
        Ok(v)
    );
    // A text element of 200 bytes needs a two-byte unsigned vint (0x80 | 0, 200).
    let texts = T::Vector {
        element: b(T::Text),
        dimension: 1,
    };
    let long = "x".repeat(200);
    let bytes = ser(&vec![long.clone()], &texts);
    assert_eq!(bytes[..2], [0x80, 200]);
    assert_eq!(bytes.len(), 202);
    assert_eq!(
        Vec::<String>::deserialize_value(&texts, Some(&bytes)),
        Ok(vec![long])
    );
    // Lists inside vectors carry a vint length too.
    let lists = T::Vector {
        element: b(T::List(b(T::Int))),
        dimension: 2,
    };
    let bytes = ser(&vec![vec![7i32], vec![]], &lists);
    assert_eq!(
        bytes,
        [12, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 7, 4, 0, 0, 0, 0]
    );
    assert_eq!(
        Vec::<Vec<i32>>::deserialize_value(&lists, Some(&bytes)),
        Ok(vec![vec![7], vec![]])
    );
}

#[test]
fn sixteen_element_tuples() {
    let t = T::Tuple(vec![T::Int; 16]);
    let v = (
        0i32, 1i32, 2i32, 3i32, 4i32, 5i32, 6i32, 7i32, 8i32, 9i32, 10i32, 11i32, 12i32, 13i32,
        14i32, 15i32,
    );
    let bytes = ser(&v, &t);
    assert_eq!(bytes.len(), 16 * 8);
    type Wide = (
        i32,
        i32,
        i32,
        i32,
        i32,
        i32,
        i32,
        i32,
        i32,
        i32,
        i32,
        i32,
        i32,
        i32,
        i32,
        i32,
    );
    let back = Wide::deserialize_value(&t, Some(&bytes)).expect("decodes");
    // std implements PartialEq only up to 12 elements: compare the ends and the bytes.
    assert_eq!((back.0, back.7, back.15), (0, 7, 15));
    assert_eq!(ser(&back, &t), bytes);
    // Unset is not a tuple component.
    let pair = T::Tuple(vec![T::Int, T::Int]);
    assert!(matches!(
        (1i32, Unset).serialize_value(&pair, &mut Vec::new()),
        Err(SerializeError::NullInside { what: "unset", .. })
    ));
}

#[test]
fn numbers_beyond_machine_sizes() {
    let huge: BigInt = format!("{}1", "9".repeat(199)).parse().expect("200 digits");
    let bytes = ser(&huge, &T::Varint);
    assert_eq!(
        BigInt::deserialize_value(&T::Varint, Some(&bytes)),
        Ok(huge.clone())
    );
    assert_eq!(BigInt::from_signed_bytes_be(&bytes), huge);
    let negative_scale = BigDecimal::new(BigInt::from(-5), -2_147_483_648);
    let bytes = ser(&negative_scale, &T::Decimal);
    assert_eq!(bytes, [0x80, 0, 0, 0, 0xFB]);
    assert_eq!(
        BigDecimal::deserialize_value(&T::Decimal, Some(&bytes)),
        Ok(negative_scale)
    );
}

#[test]
fn dates_outside_chrono_stay_readable_as_cql_date() {
    for raw in [0u32, 1, u32::MAX] {
        let bytes = raw.to_be_bytes();
        assert_eq!(
            CqlDate::deserialize_value(&T::Date, Some(&bytes)),
            Ok(CqlDate(raw))
        );
        assert!(matches!(
            NaiveDate::deserialize_value(&T::Date, Some(&bytes)),
            Err(DeserializeError::OutOfRange { .. })
        ));
    }
    let first = NaiveDate::MIN;
    let raw = CqlDate::from(first);
    assert_eq!(raw.to_naive_date(), Some(first));
    assert_eq!(
        NaiveDate::deserialize_value(&T::Date, Some(&ser(&NaiveDate::MAX, &T::Date))),
        Ok(NaiveDate::MAX)
    );
}

#[test]
fn nested_frozen_collections_and_null_udt_fields() {
    let t = person();
    let v = CqlValue::Udt {
        keyspace: "ks".into(),
        name: "person".into(),
        fields: vec![
            ("name".into(), None),
            (
                "tags".into(),
                Some(CqlValue::Set(vec![CqlValue::Text(String::new())])),
            ),
            (
                "addr".into(),
                Some(CqlValue::Udt {
                    keyspace: "ks".into(),
                    name: "address".into(),
                    fields: vec![
                        ("zip".into(), None),
                        ("phones".into(), Some(CqlValue::List(vec![]))),
                    ],
                }),
            ),
        ],
    };
    let mut bytes = Vec::new();
    v.serialize(&t, &mut bytes).expect("fits");
    assert_eq!(CqlValue::deserialize(&t, &bytes), Ok(v.clone()));
    assert_eq!(
        v.to_string(),
        "{name: null, tags: {''}, addr: {zip: null, phones: []}}"
    );
    // A UDT value listing a field the type does not have is refused.
    let bad = CqlValue::Udt {
        keyspace: "ks".into(),
        name: "person".into(),
        fields: vec![("nope".into(), None)],
    };
    assert!(bad.serialize(&t, &mut Vec::new()).is_err());
    let m = T::Map(b(T::Text), b(T::List(b(T::Set(b(T::Int))))));
    let nested: BTreeMap<String, Vec<Vec<i32>>> =
        [("a".to_owned(), vec![vec![1, 2], vec![]])].into();
    let bytes = ser(&nested, &m);
    assert_eq!(
        BTreeMap::<String, Vec<Vec<i32>>>::deserialize_value(&m, Some(&bytes)),
        Ok(nested)
    );
}

//! `Serialize` for [`CqlValue`]: a JSON-friendly rendering of any decoded cell, for
//! applications that pass rows of unknown shape (admin tools, generic exports) to a JSON
//! response.
//!
//! There is deliberately no `Deserialize`: JSON has one number type, one string type and no
//! way to say "this string is a timeuuid" or "this array is a set", so a dynamic value read
//! from JSON would have to guess its CQL type and would often guess wrong. Read JSON into
//! typed fields instead (`CqlDate`, `CqlDuration`, `Uuid`, …), whose types say what to expect.

use ::serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::value::CqlValue;

/// | CQL | written as |
/// | --- | --- |
/// | `ascii`, `text`, `inet` | string |
/// | `tinyint` … `bigint`, `counter`, `float`, `double` | number (`"NaN"`, `"Infinity"`, `"-Infinity"` as strings) |
/// | `varint`, `decimal` | decimal string (lossless) |
/// | `boolean` | `true` / `false` |
/// | `blob`, custom types | `"0x…"` hex string |
/// | `uuid`, `timeuuid` | UUID string |
/// | `date`, `time`, `timestamp`, `duration` | as [`CqlDate`](crate::value::CqlDate) etc. serialize |
/// | `list`, `set`, `vector` | array |
/// | `tuple` | array, `null` for a null component |
/// | `map` with `text`/`ascii` keys | object |
/// | any other `map` | array of `[key, value]` pairs |
/// | user-defined type | object of its fields, `null` for a null field |
/// | DSE geometries | WKT string, `"POINT (1 2)"` |
/// | zero-length value ([`CqlValue::Empty`]) | `null` |
impl Serialize for CqlValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            CqlValue::Ascii(v) | CqlValue::Text(v) => s.serialize_str(v),
            CqlValue::BigInt(v) | CqlValue::Counter(v) => s.serialize_i64(*v),
            CqlValue::Int(v) => s.serialize_i32(*v),
            CqlValue::SmallInt(v) => s.serialize_i16(*v),
            CqlValue::TinyInt(v) => s.serialize_i8(*v),
            CqlValue::Double(v) => float(s, *v),
            CqlValue::Float(v) => float(s, f64::from(*v)),
            CqlValue::Boolean(v) => s.serialize_bool(*v),
            CqlValue::Varint(v) => s.collect_str(v),
            CqlValue::Decimal(v) => s.collect_str(v),
            CqlValue::Blob(b) | CqlValue::Custom(b) => s.collect_str(&Hex(b)),
            CqlValue::Uuid(u) | CqlValue::Timeuuid(u) => u.serialize(s),
            CqlValue::Inet(ip) => s.collect_str(ip),
            CqlValue::Date(d) => d.serialize(s),
            CqlValue::Time(t) => t.serialize(s),
            CqlValue::Timestamp(t) => t.serialize(s),
            CqlValue::Duration(d) => d.serialize(s),
            CqlValue::Point(p) => s.collect_str(p),
            CqlValue::LineString(l) => s.collect_str(l),
            CqlValue::Polygon(p) => s.collect_str(p),
            CqlValue::List(items) | CqlValue::Set(items) | CqlValue::Vector(items) => {
                s.collect_seq(items)
            }
            CqlValue::Tuple(items) => s.collect_seq(items),
            CqlValue::Map(entries) => {
                let text_keys = entries
                    .iter()
                    .all(|(k, _)| matches!(k, CqlValue::Text(_) | CqlValue::Ascii(_)));
                if text_keys {
                    let mut map = s.serialize_map(Some(entries.len()))?;
                    for (k, v) in entries {
                        map.serialize_entry(k, v)?;
                    }
                    map.end()
                } else {
                    let mut seq = s.serialize_seq(Some(entries.len()))?;
                    for (k, v) in entries {
                        seq.serialize_element(&(k, v))?;
                    }
                    seq.end()
                }
            }
            CqlValue::Udt { fields, .. } => {
                let mut map = s.serialize_map(Some(fields.len()))?;
                for (name, v) in fields {
                    map.serialize_entry(name, v)?;
                }
                map.end()
            }
            CqlValue::Empty => s.serialize_none(),
        }
    }
}

/// JSON has no NaN or infinities (serde_json would write `null`): those become the strings
/// CQL spells them with.
fn float<S: Serializer>(s: S, v: f64) -> Result<S::Ok, S::Error> {
    if v.is_nan() {
        s.serialize_str("NaN")
    } else if v.is_infinite() {
        s.serialize_str(if v > 0.0 { "Infinity" } else { "-Infinity" })
    } else {
        s.serialize_f64(v)
    }
}

struct Hex<'a>(&'a [u8]);

impl std::fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("0x")?;
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};

    use bigdecimal::BigDecimal;
    use uuid::Uuid;

    use crate::value::{CqlDate, CqlDuration, CqlTime, CqlTimestamp, CqlValue, Point};

    fn json(v: &CqlValue) -> String {
        serde_json::to_string(v).expect("serializes")
    }

    fn text(s: &str) -> CqlValue {
        CqlValue::Text(s.into())
    }

    #[test]
    fn scalars() {
        let uuid = Uuid::from_u128(0x9a1e_2c3d_4b5f_4a6b_8c7d_0e1f_2a3b_4c5d);
        for (value, expected) in [
            (text("it's \"q\""), r#""it's \"q\"""#),
            (CqlValue::Ascii("a".into()), r#""a""#),
            (
                CqlValue::BigInt(-9_007_199_254_740_993),
                "-9007199254740993",
            ),
            (CqlValue::Counter(3), "3"),
            (CqlValue::Int(-1), "-1"),
            (CqlValue::SmallInt(300), "300"),
            (CqlValue::TinyInt(-8), "-8"),
            (CqlValue::Double(1.5), "1.5"),
            (CqlValue::Float(0.25), "0.25"),
            (CqlValue::Double(f64::NAN), r#""NaN""#),
            (CqlValue::Float(f32::NEG_INFINITY), r#""-Infinity""#),
            (CqlValue::Boolean(true), "true"),
            (
                CqlValue::Varint("-123456789012345678901234567890".parse().expect("literal")),
                r#""-123456789012345678901234567890""#,
            ),
            (
                CqlValue::Decimal(
                    "3.14159265358979323846"
                        .parse::<BigDecimal>()
                        .expect("literal"),
                ),
                r#""3.14159265358979323846""#,
            ),
            (CqlValue::Blob(vec![0xca, 0xfe, 0x01]), r#""0xcafe01""#),
            (
                CqlValue::Uuid(uuid),
                r#""9a1e2c3d-4b5f-4a6b-8c7d-0e1f2a3b4c5d""#,
            ),
            (
                CqlValue::Inet(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1))),
                r#""10.0.0.1""#,
            ),
            (CqlValue::Date(CqlDate(1 << 31)), r#""1970-01-01""#),
            (
                CqlValue::Time(CqlTime(1_000_000_000)),
                r#""00:00:01.000000000""#,
            ),
            (
                CqlValue::Timestamp(CqlTimestamp(0)),
                r#""1970-01-01T00:00:00.000Z""#,
            ),
            (
                CqlValue::Duration(CqlDuration {
                    months: 1,
                    days: 2,
                    nanoseconds: 3,
                }),
                r#""1mo2d3ns""#,
            ),
            (
                CqlValue::Point(Point { x: 1.0, y: 2.5 }),
                r#""POINT (1 2.5)""#,
            ),
            (CqlValue::Empty, "null"),
        ] {
            assert_eq!(json(&value), expected, "{value:?}");
        }
    }

    #[test]
    fn collections_tuples_and_udts() {
        let list = CqlValue::List(vec![CqlValue::Int(1), CqlValue::Int(2)]);
        assert_eq!(json(&list), "[1,2]");
        let set = CqlValue::Set(vec![text("a"), text("b")]);
        assert_eq!(json(&set), r#"["a","b"]"#);
        let vector = CqlValue::Vector(vec![CqlValue::Float(0.5), CqlValue::Float(-1.0)]);
        assert_eq!(json(&vector), "[0.5,-1.0]");
        let tuple = CqlValue::Tuple(vec![Some(CqlValue::Int(1)), None, Some(text("x"))]);
        assert_eq!(json(&tuple), r#"[1,null,"x"]"#);
        let text_keys = CqlValue::Map(vec![
            (text("b"), CqlValue::Int(2)),
            (CqlValue::Ascii("a".into()), CqlValue::Int(1)),
        ]);
        assert_eq!(json(&text_keys), r#"{"b":2,"a":1}"#);
        let int_keys = CqlValue::Map(vec![
            (CqlValue::Int(1), text("one")),
            (CqlValue::Int(2), CqlValue::List(vec![])),
        ]);
        assert_eq!(json(&int_keys), r#"[[1,"one"],[2,[]]]"#);
        assert_eq!(json(&CqlValue::Map(vec![])), "{}");
        let udt = CqlValue::Udt {
            keyspace: "ks".into(),
            name: "address".into(),
            fields: vec![
                ("street".into(), Some(text("Main St"))),
                ("zip".into(), None),
                ("tags".into(), Some(CqlValue::Set(vec![text("home")]))),
            ],
        };
        assert_eq!(
            json(&udt),
            r#"{"street":"Main St","zip":null,"tags":["home"]}"#
        );
    }
}

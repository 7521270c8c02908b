//! `values.json`, the expected values shared with the Python helper: loading it and turning
//! its language-neutral notation into [`CqlValue`]s (see `README.md` for the notation).
//!
//! The notation is interpreted through the column's CQL type, so one JSON shape means one
//! thing in both languages: floats are IEEE bits, decimals unscaled + scale, dates days since
//! the epoch, timestamps milliseconds, durations months/days/nanos, DSE geometries arrays of
//! `[x, y]` coordinates.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use bigdecimal::BigDecimal;
use cassia_driver::{
    ColumnType, CqlDate, CqlDuration, CqlTime, CqlTimestamp, CqlValue, LineString, Point, Polygon,
    Uuid,
};
use num_bigint::BigInt;
use serde_json::Value;

use crate::cql_type::{self, UdtDecl};

/// A malformed `values.json`.
#[derive(Debug, thiserror::Error)]
pub enum NotationError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not JSON: {source}")]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("values.json: {what} is missing or malformed")]
    Shape { what: String },
    #[error("type `{text}` at {position}: {reason}")]
    Type {
        text: String,
        position: usize,
        reason: String,
    },
    #[error("a {typ} value cannot be {value}")]
    Value { typ: String, value: String },
}

/// One expected value: which table and column hold it, and the value itself.
#[derive(Debug, Clone)]
pub struct Case {
    pub table: String,
    pub counter: bool,
    pub column: String,
    pub type_text: String,
    /// The column's type, parsed.
    pub typ: ColumnType,
    pub id: String,
    /// What writers write (`None`: null).
    pub value: Option<CqlValue>,
    /// What readers must read: `value`, unless the file says otherwise (`reads_back`, with a
    /// `why` grounded in Cassandra's semantics, e.g. an all-null non-frozen UDT reads as null).
    pub expected: Option<CqlValue>,
    /// Why the value has no CQL literal at all (`no_literal`), if it has none.
    pub no_literal: Option<String>,
}

/// A capability a table needs from the node beyond Apache Cassandra's (`"requires"` in
/// values.json): without it the table is skipped, visibly, on a real node.
pub const DSE_GEOMETRY: &str = "dse_geometry";

/// `vector<T, n>` columns (Cassandra 5.0): a 4.0 node does not parse the type.
pub const VECTORS: &str = "vectors";

impl Case {
    /// The row id a writer uses for this case: `writer:kind:column:case`.
    pub fn row_id(&self, writer: &str, kind: &str) -> String {
        format!("{writer}:{kind}:{}:{}", self.column, self.id)
    }
}

/// A table of `values.json`: every column holds one CQL type, rows are keyed by `id text`.
#[derive(Debug)]
pub struct Table {
    pub name: String,
    /// `(column, CQL type)` pairs.
    pub columns: Vec<(String, String)>,
    /// The capability the table needs (`"requires"`), e.g. [`DSE_GEOMETRY`].
    pub requires: Option<String>,
}

/// The whole file: UDT declarations, tables and cases.
#[derive(Debug)]
pub struct Values {
    pub udts: Vec<UdtDecl>,
    pub tables: Vec<Table>,
    pub cases: Vec<Case>,
}

/// `tests/cross_driver/values.json`.
pub fn path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("cross_driver/values.json")
}

fn shape(what: impl Into<String>) -> NotationError {
    NotationError::Shape { what: what.into() }
}

fn str_of<'a>(v: &'a Value, what: &str) -> Result<&'a str, NotationError> {
    v.as_str().ok_or_else(|| shape(what))
}

/// Loads `values.json`, building UDT values in `keyspace`.
pub fn load(keyspace: &str) -> Result<Values, NotationError> {
    let path = path();
    let text = std::fs::read_to_string(&path).map_err(|source| NotationError::Read {
        path: path.clone(),
        source,
    })?;
    let doc: Value =
        serde_json::from_str(&text).map_err(|source| NotationError::Json { path, source })?;
    let mut udts = Vec::new();
    for u in doc["udts"].as_array().ok_or_else(|| shape("udts"))? {
        let mut fields = Vec::new();
        for f in u["fields"].as_array().ok_or_else(|| shape("udt fields"))? {
            fields.push((
                str_of(&f[0], "udt field name")?.to_string(),
                str_of(&f[1], "udt field type")?.to_string(),
            ));
        }
        let name = str_of(&u["name"], "udt name")?.to_string();
        udts.push(UdtDecl { name, fields });
    }
    let mut tables = Vec::new();
    let mut cases = Vec::new();
    for t in doc["tables"].as_array().ok_or_else(|| shape("tables"))? {
        let table = str_of(&t["name"], "table name")?.to_string();
        let counter = t["counter"].as_bool().unwrap_or(false);
        let mut columns = Vec::new();
        for c in t["columns"].as_array().ok_or_else(|| shape("columns"))? {
            let column = str_of(&c["name"], "column name")?.to_string();
            let type_text = str_of(&c["type"], "column type")?.to_string();
            let typ = cql_type::parse(&type_text, &udts, keyspace)?;
            for v in c["values"].as_array().ok_or_else(|| shape("values"))? {
                let value = nullable(&typ, &v["v"])?;
                let expected = match v.get("reads_back") {
                    Some(other) => nullable(&typ, other)?,
                    None => value.clone(),
                };
                cases.push(Case {
                    table: table.clone(),
                    counter,
                    column: column.clone(),
                    type_text: type_text.clone(),
                    typ: typ.clone(),
                    id: str_of(&v["id"], "case id")?.to_string(),
                    value,
                    expected,
                    no_literal: v["no_literal"].as_str().map(str::to_string),
                });
            }
            columns.push((column, type_text));
        }
        tables.push(Table {
            name: table,
            columns,
            requires: t["requires"].as_str().map(str::to_string),
        });
    }
    Ok(Values {
        udts,
        tables,
        cases,
    })
}

fn bad(typ: &ColumnType, v: &Value) -> NotationError {
    let mut value = v.to_string();
    value.truncate(120);
    NotationError::Value {
        typ: typ.to_string(),
        value,
    }
}

fn parsed<T: FromStr>(typ: &ColumnType, v: &Value) -> Result<T, NotationError> {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return Err(bad(typ, v)),
    };
    text.parse().map_err(|_| bad(typ, v))
}

fn bits(typ: &ColumnType, v: &Value) -> Result<u64, NotationError> {
    let hex = v["bits"].as_str().ok_or_else(|| bad(typ, v))?;
    u64::from_str_radix(hex, 16).map_err(|_| bad(typ, v))
}

fn hex(typ: &ColumnType, v: &Value, text: &str) -> Result<Vec<u8>, NotationError> {
    if text.len() % 2 != 0 {
        return Err(bad(typ, v));
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|b| u8::from_str_radix(b, 16).ok())
                .ok_or_else(|| bad(typ, v))
        })
        .collect()
}

fn blob(typ: &ColumnType, v: &Value) -> Result<Vec<u8>, NotationError> {
    if let Some(text) = v["hex"].as_str() {
        return hex(typ, v, text);
    }
    if v["generate"] == "affine" {
        let len = v["len"].as_u64().ok_or_else(|| bad(typ, v))?;
        let mul = v["mul"].as_u64().ok_or_else(|| bad(typ, v))?;
        let add = v["add"].as_u64().ok_or_else(|| bad(typ, v))?;
        // Same formula as peer.py's expand_blob: byte i is (i * mul + add) mod 256.
        return Ok((0..len)
            .map(|i| (i.wrapping_mul(mul).wrapping_add(add) % 256) as u8)
            .collect());
    }
    Err(bad(typ, v))
}

fn text(typ: &ColumnType, v: &Value) -> Result<String, NotationError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Object(_) => {
            let unit = v["repeat"].as_str().ok_or_else(|| bad(typ, v))?;
            let times = v["times"].as_u64().ok_or_else(|| bad(typ, v))?;
            Ok(unit.repeat(usize::try_from(times).map_err(|_| bad(typ, v))?))
        }
        _ => Err(bad(typ, v)),
    }
}

fn array<'a>(typ: &ColumnType, v: &'a Value) -> Result<&'a Vec<Value>, NotationError> {
    v.as_array().ok_or_else(|| bad(typ, v))
}

fn nullable(typ: &ColumnType, v: &Value) -> Result<Option<CqlValue>, NotationError> {
    if v.is_null() {
        Ok(None)
    } else {
        to_cql(typ, v).map(Some)
    }
}

/// The value of notation `v` read as CQL type `typ`.
pub fn to_cql(typ: &ColumnType, v: &Value) -> Result<CqlValue, NotationError> {
    use ColumnType as T;
    Ok(match typ {
        T::Ascii => CqlValue::Ascii(text(typ, v)?),
        T::Text => CqlValue::Text(text(typ, v)?),
        T::Boolean => CqlValue::Boolean(v.as_bool().ok_or_else(|| bad(typ, v))?),
        T::TinyInt => CqlValue::TinyInt(parsed(typ, v)?),
        T::SmallInt => CqlValue::SmallInt(parsed(typ, v)?),
        T::Int => CqlValue::Int(parsed(typ, v)?),
        T::BigInt => CqlValue::BigInt(parsed(typ, v)?),
        T::Counter => CqlValue::Counter(parsed(typ, v)?),
        T::Varint => CqlValue::Varint(parsed::<BigInt>(typ, v)?),
        T::Float => {
            let b = u32::try_from(bits(typ, v)?).map_err(|_| bad(typ, v))?;
            CqlValue::Float(f32::from_bits(b))
        }
        T::Double => CqlValue::Double(f64::from_bits(bits(typ, v)?)),
        T::Decimal => {
            let unscaled = parsed::<BigInt>(typ, &v["unscaled"])?;
            let scale = v["scale"].as_i64().ok_or_else(|| bad(typ, v))?;
            CqlValue::Decimal(BigDecimal::new(unscaled, scale))
        }
        T::Blob => CqlValue::Blob(blob(typ, v)?),
        T::Date => {
            let days: i64 = parsed(typ, v)?;
            let raw = u32::try_from(days + (1i64 << 31)).map_err(|_| bad(typ, v))?;
            CqlValue::Date(CqlDate(raw))
        }
        T::Time => CqlValue::Time(CqlTime(parsed(typ, v)?)),
        T::Timestamp => CqlValue::Timestamp(CqlTimestamp(parsed(typ, v)?)),
        T::Duration => CqlValue::Duration(CqlDuration {
            months: parsed(typ, &v["months"])?,
            days: parsed(typ, &v["days"])?,
            nanoseconds: parsed(typ, &v["nanos"])?,
        }),
        T::Inet => CqlValue::Inet(parsed::<IpAddr>(typ, v)?),
        T::Uuid => CqlValue::Uuid(parsed::<Uuid>(typ, v)?),
        T::Timeuuid => CqlValue::Timeuuid(parsed::<Uuid>(typ, v)?),
        T::List(e) => CqlValue::List(items(e, array(typ, v)?)?),
        T::Set(e) => CqlValue::Set(items(e, array(typ, v)?)?),
        T::Vector { element, .. } => CqlValue::Vector(items(element, array(typ, v)?)?),
        T::Map(k, val) => {
            let mut entries = Vec::new();
            for pair in array(typ, v)? {
                entries.push((to_cql(k, &pair[0])?, to_cql(val, &pair[1])?));
            }
            CqlValue::Map(entries)
        }
        T::Tuple(types) => {
            let given = array(typ, v)?;
            if given.len() != types.len() {
                return Err(bad(typ, v));
            }
            let parts = types.iter().zip(given).map(|(t, x)| nullable(t, x));
            CqlValue::Tuple(parts.collect::<Result<_, _>>()?)
        }
        T::Udt {
            keyspace,
            name,
            fields,
        } => {
            let mut out = Vec::with_capacity(fields.len());
            for (field, t) in fields {
                out.push((field.clone(), nullable(t, &v[field.as_str()])?));
            }
            CqlValue::Udt {
                keyspace: keyspace.clone(),
                name: name.clone(),
                fields: out,
            }
        }
        T::Custom(class) => geometry(typ, class, v)?,
        _ => return Err(bad(typ, v)),
    })
}

/// DSE's geometries: a point is `[x, y]` or `"empty"`, a linestring an array of points, a
/// polygon an array of rings (exterior first), each an array of points.
fn geometry(typ: &ColumnType, class: &str, v: &Value) -> Result<CqlValue, NotationError> {
    let points = |v: &Value| -> Result<Vec<Point>, NotationError> {
        array(typ, v)?.iter().map(|p| point(typ, p)).collect()
    };
    Ok(match class {
        "org.apache.cassandra.db.marshal.PointType" => CqlValue::Point(point(typ, v)?),
        "org.apache.cassandra.db.marshal.LineStringType" => {
            CqlValue::LineString(LineString(points(v)?))
        }
        "org.apache.cassandra.db.marshal.PolygonType" => {
            let rings = array(typ, v)?.iter().map(points);
            CqlValue::Polygon(Polygon::new(rings.collect::<Result<_, _>>()?))
        }
        _ => return Err(bad(typ, v)),
    })
}

/// `[x, y]`, each coordinate a JSON number or `{"bits"}`; `"empty"` is `POINT EMPTY`.
fn point(typ: &ColumnType, v: &Value) -> Result<Point, NotationError> {
    if v == "empty" {
        return Ok(Point::EMPTY);
    }
    let coordinate = |c: &Value| match c {
        Value::Number(n) => n.as_f64().ok_or_else(|| bad(typ, v)),
        _ => bits(typ, c).map(f64::from_bits),
    };
    match array(typ, v)?.as_slice() {
        [x, y] => Ok(Point::new(coordinate(x)?, coordinate(y)?)),
        _ => Err(bad(typ, v)),
    }
}

fn items(element: &ColumnType, given: &[Value]) -> Result<Vec<CqlValue>, NotationError> {
    given.iter().map(|x| to_cql(element, x)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cql(typ: &ColumnType, v: Value) -> Option<CqlValue> {
        to_cql(typ, &v).ok()
    }

    #[test]
    fn dates_are_days_from_the_epoch_shifted_to_the_wire_form() {
        assert_eq!(
            cql(&ColumnType::Date, json!(0)),
            Some(CqlValue::Date(CqlDate(1 << 31)))
        );
        assert_eq!(
            cql(&ColumnType::Date, json!(-2147483648i64)),
            Some(CqlValue::Date(CqlDate(0)))
        );
        assert_eq!(
            cql(&ColumnType::Date, json!(2147483647)),
            Some(CqlValue::Date(CqlDate(u32::MAX)))
        );
        assert!(cql(&ColumnType::Date, json!(2147483648i64)).is_none());
    }

    #[test]
    fn floats_decimals_and_blobs_follow_the_notation() {
        let nan = cql(&ColumnType::Float, json!({"bits": "7fc00000"}));
        assert!(matches!(nan, Some(CqlValue::Float(f)) if f.to_bits() == 0x7fc0_0000));
        let d = cql(
            &ColumnType::Decimal,
            json!({"unscaled": "-5", "scale": -20}),
        );
        let Some(CqlValue::Decimal(d)) = d else {
            panic!("not a decimal: {d:?}");
        };
        assert_eq!(d.as_bigint_and_exponent(), (BigInt::from(-5), -20));
        let blob = json!({"generate": "affine", "len": 4, "mul": 31, "add": 7});
        assert_eq!(
            cql(&ColumnType::Blob, blob),
            Some(CqlValue::Blob(vec![7, 38, 69, 100]))
        );
        assert!(cql(&ColumnType::Blob, json!({"hex": "abc"})).is_none());
    }

    #[test]
    fn geometries_follow_the_notation() {
        let point = ColumnType::Custom("org.apache.cassandra.db.marshal.PointType".into());
        assert_eq!(
            cql(&point, json!([1.5, {"bits": "8000000000000000"}])),
            Some(CqlValue::Point(Point::new(1.5, -0.0)))
        );
        assert!(matches!(
            cql(&point, json!("empty")),
            Some(CqlValue::Point(p)) if p.is_empty()
        ));
        assert!(cql(&point, json!([1])).is_none());
        let polygon = ColumnType::Custom("org.apache.cassandra.db.marshal.PolygonType".into());
        assert_eq!(
            cql(&polygon, json!([[[0, 0], [1, 0], [0, 0]]])),
            Some(CqlValue::Polygon(Polygon::new(vec![vec![
                Point::new(0., 0.),
                Point::new(1., 0.),
                Point::new(0., 0.)
            ]])))
        );
        let other = ColumnType::Custom("com.example.T".into());
        assert!(cql(&other, json!([0, 0])).is_none());
    }

    #[test]
    fn udt_fields_absent_or_null_are_null() {
        let typ = ColumnType::Udt {
            keyspace: "ks".into(),
            name: "u".into(),
            fields: vec![
                ("a".into(), ColumnType::Int),
                ("b".into(), ColumnType::Text),
            ],
        };
        assert_eq!(
            cql(&typ, json!({"a": 1})),
            Some(CqlValue::Udt {
                keyspace: "ks".into(),
                name: "u".into(),
                fields: vec![("a".into(), Some(CqlValue::Int(1))), ("b".into(), None)],
            })
        );
    }

    #[test]
    fn the_shared_file_loads() {
        let values = load("ks");
        let values = match values {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        };
        assert!(values.cases.len() > 100, "{} cases", values.cases.len());
        let mib = values.cases.iter().find(|c| c.id == "one_mib");
        assert!(
            matches!(mib.and_then(|c| c.value.as_ref()), Some(CqlValue::Blob(b)) if b.len() == 1 << 20)
        );
    }
}

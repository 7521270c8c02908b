//! [`CqlValue`] → bytes for a given [`ColumnType`], checking that the value fits the type.
//!
//! Lenient where the wire encoding is the same and the intent is clear: text and ascii are
//! interchangeable (ascii content is checked), uuid and timeuuid too (the version is checked),
//! bigint and counter, list and set, blob and custom; `Empty` is valid for every type.

use super::error::SerializeError;
use super::geo::{self, GeometryRef, Kind};
use super::nested::{
    into_vector_element, reject_null_element, reject_unset_component, write_count, write_prefixed,
};
use super::{CqlValue, scalar};
use crate::types::ColumnType;

impl CqlValue {
    /// Appends this value's bytes (no length prefix) for a column of type `typ`.
    pub fn serialize(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        use ColumnType as T;
        match (self, typ) {
            (CqlValue::Empty, _) => {}
            (CqlValue::Ascii(s) | CqlValue::Text(s), T::Ascii | T::Text) => {
                scalar::check_text(typ, s)?;
                out.extend_from_slice(s.as_bytes());
            }
            (CqlValue::Blob(b) | CqlValue::Custom(b), T::Blob | T::Custom(_)) => {
                out.extend_from_slice(b);
            }
            (CqlValue::Point(p), T::Custom(c)) if Kind::of_class(c) == Some(Kind::Point) => {
                geo::encode(typ, GeometryRef::Point(p), out)?;
            }
            (CqlValue::LineString(l), T::Custom(c))
                if Kind::of_class(c) == Some(Kind::LineString) =>
            {
                geo::encode(typ, GeometryRef::LineString(l), out)?;
            }
            (CqlValue::Polygon(p), T::Custom(c)) if Kind::of_class(c) == Some(Kind::Polygon) => {
                geo::encode(typ, GeometryRef::Polygon(p), out)?;
            }
            (CqlValue::Boolean(b), T::Boolean) => out.push(u8::from(*b)),
            (CqlValue::BigInt(v) | CqlValue::Counter(v), T::BigInt | T::Counter) => {
                out.extend_from_slice(&v.to_be_bytes());
            }
            (CqlValue::Timestamp(v), T::Timestamp) => out.extend_from_slice(&v.0.to_be_bytes()),
            (CqlValue::Int(v), T::Int) => out.extend_from_slice(&v.to_be_bytes()),
            (CqlValue::SmallInt(v), T::SmallInt) => out.extend_from_slice(&v.to_be_bytes()),
            (CqlValue::TinyInt(v), T::TinyInt) => out.extend_from_slice(&v.to_be_bytes()),
            (CqlValue::Double(v), T::Double) => out.extend_from_slice(&v.to_be_bytes()),
            (CqlValue::Float(v), T::Float) => out.extend_from_slice(&v.to_be_bytes()),
            (CqlValue::Date(v), T::Date) => out.extend_from_slice(&v.0.to_be_bytes()),
            (CqlValue::Time(v), T::Time) => {
                scalar::check_time(typ, *v)?;
                out.extend_from_slice(&v.0.to_be_bytes());
            }
            (CqlValue::Decimal(v), T::Decimal) => scalar::put_decimal(typ, out, v)?,
            (CqlValue::Varint(v), T::Varint) => scalar::put_varint(out, v),
            (CqlValue::Uuid(u) | CqlValue::Timeuuid(u), T::Uuid | T::Timeuuid) => {
                scalar::check_uuid(typ, u)?;
                out.extend_from_slice(u.as_bytes());
            }
            (CqlValue::Inet(ip), T::Inet) => scalar::put_inet(out, ip),
            (CqlValue::Duration(d), T::Duration) => scalar::put_duration(typ, out, d)?,
            (CqlValue::List(items) | CqlValue::Set(items), T::List(element) | T::Set(element)) => {
                write_count(typ, out, items.len())?;
                for item in items {
                    write_element(typ, element, item, out)?;
                }
            }
            (CqlValue::Map(entries), T::Map(key_type, value_type)) => {
                write_count(typ, out, entries.len())?;
                for (key, value) in entries {
                    write_element(typ, key_type, key, out)?;
                    write_element(typ, value_type, value, out)?;
                }
            }
            (CqlValue::Tuple(items), T::Tuple(types)) => {
                if items.len() > types.len() {
                    return Err(SerializeError::invalid(
                        typ,
                        format!("{} components for {} types", items.len(), types.len()),
                    ));
                }
                for (item, t) in items.iter().zip(types) {
                    write_component(typ, t, item.as_ref(), out)?;
                }
            }
            (CqlValue::Udt { fields, .. }, T::Udt { fields: types, .. }) => {
                write_udt(typ, fields, types, out)?;
            }
            (CqlValue::Vector(items), T::Vector { element, dimension }) => {
                if items.len() != *dimension as usize {
                    return Err(SerializeError::invalid(
                        typ,
                        format!("{} elements for dimension {dimension}", items.len()),
                    ));
                }
                for item in items {
                    let start = out.len();
                    write_prefixed(element, out, |out| item.serialize(element, out))?;
                    into_vector_element(typ, element, out, start)?;
                }
            }
            _ => {
                return Err(SerializeError::mismatch(
                    self.variant_name(),
                    self.cql_kind(),
                    typ,
                ));
            }
        }
        Ok(())
    }

    /// The variant, for error messages.
    fn variant_name(&self) -> &'static str {
        match self {
            CqlValue::Ascii(_) => "CqlValue::Ascii",
            CqlValue::BigInt(_) => "CqlValue::BigInt",
            CqlValue::Blob(_) => "CqlValue::Blob",
            CqlValue::Boolean(_) => "CqlValue::Boolean",
            CqlValue::Counter(_) => "CqlValue::Counter",
            CqlValue::Decimal(_) => "CqlValue::Decimal",
            CqlValue::Double(_) => "CqlValue::Double",
            CqlValue::Float(_) => "CqlValue::Float",
            CqlValue::Int(_) => "CqlValue::Int",
            CqlValue::Timestamp(_) => "CqlValue::Timestamp",
            CqlValue::Uuid(_) => "CqlValue::Uuid",
            CqlValue::Text(_) => "CqlValue::Text",
            CqlValue::Varint(_) => "CqlValue::Varint",
            CqlValue::Timeuuid(_) => "CqlValue::Timeuuid",
            CqlValue::Inet(_) => "CqlValue::Inet",
            CqlValue::Date(_) => "CqlValue::Date",
            CqlValue::Time(_) => "CqlValue::Time",
            CqlValue::SmallInt(_) => "CqlValue::SmallInt",
            CqlValue::TinyInt(_) => "CqlValue::TinyInt",
            CqlValue::Duration(_) => "CqlValue::Duration",
            CqlValue::List(_) => "CqlValue::List",
            CqlValue::Set(_) => "CqlValue::Set",
            CqlValue::Map(_) => "CqlValue::Map",
            CqlValue::Udt { .. } => "CqlValue::Udt",
            CqlValue::Tuple(_) => "CqlValue::Tuple",
            CqlValue::Vector(_) => "CqlValue::Vector",
            CqlValue::Custom(_) => "CqlValue::Custom",
            CqlValue::Point(_) => "CqlValue::Point",
            CqlValue::LineString(_) => "CqlValue::LineString",
            CqlValue::Polygon(_) => "CqlValue::Polygon",
            CqlValue::Empty => "CqlValue::Empty",
        }
    }

    /// The CQL type family the variant can be written as, for error messages.
    fn cql_kind(&self) -> &'static str {
        match self {
            CqlValue::Ascii(_) | CqlValue::Text(_) => "text or ascii",
            CqlValue::BigInt(_) | CqlValue::Counter(_) => "bigint or counter",
            CqlValue::Blob(_) | CqlValue::Custom(_) => "blob or a custom type",
            CqlValue::Boolean(_) => "boolean",
            CqlValue::Decimal(_) => "decimal",
            CqlValue::Double(_) => "double",
            CqlValue::Float(_) => "float",
            CqlValue::Int(_) => "int",
            CqlValue::Timestamp(_) => "timestamp",
            CqlValue::Uuid(_) | CqlValue::Timeuuid(_) => "uuid or timeuuid",
            CqlValue::Varint(_) => "varint",
            CqlValue::Inet(_) => "inet",
            CqlValue::Date(_) => "date",
            CqlValue::Time(_) => "time",
            CqlValue::SmallInt(_) => "smallint",
            CqlValue::TinyInt(_) => "tinyint",
            CqlValue::Duration(_) => "duration",
            CqlValue::List(_) | CqlValue::Set(_) => "list or set",
            CqlValue::Map(_) => "map",
            CqlValue::Udt { .. } => "a user-defined type",
            CqlValue::Tuple(_) => "tuple",
            CqlValue::Vector(_) => "vector",
            CqlValue::Point(_) => "'org.apache.cassandra.db.marshal.PointType'",
            CqlValue::LineString(_) => "'org.apache.cassandra.db.marshal.LineStringType'",
            CqlValue::Polygon(_) => "'org.apache.cassandra.db.marshal.PolygonType'",
            CqlValue::Empty => "any type",
        }
    }
}

fn write_element(
    typ: &ColumnType,
    element_type: &ColumnType,
    item: &CqlValue,
    out: &mut Vec<u8>,
) -> Result<(), SerializeError> {
    let start = out.len();
    write_prefixed(element_type, out, |out| item.serialize(element_type, out))?;
    reject_null_element(typ, out, start)
}

fn write_component(
    typ: &ColumnType,
    component_type: &ColumnType,
    item: Option<&CqlValue>,
    out: &mut Vec<u8>,
) -> Result<(), SerializeError> {
    match item {
        None => out.extend_from_slice(&(-1i32).to_be_bytes()),
        Some(v) => {
            let start = out.len();
            write_prefixed(component_type, out, |out| v.serialize(component_type, out))?;
            reject_unset_component(typ, out, start)?;
        }
    }
    Ok(())
}

/// UDT fields are matched by name (the value may list them in any order or omit some, which
/// are then null); fields the type does not have are an error.
fn write_udt(
    typ: &ColumnType,
    fields: &[(String, Option<CqlValue>)],
    types: &[(String, ColumnType)],
    out: &mut Vec<u8>,
) -> Result<(), SerializeError> {
    if let Some((unknown, _)) = fields
        .iter()
        .find(|(name, _)| !types.iter().any(|(t, _)| t == name))
    {
        return Err(SerializeError::invalid(
            typ,
            format!("the type has no field `{unknown}`"),
        ));
    }
    for (name, field_type) in types {
        let value = fields
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_ref());
        write_component(typ, field_type, value, out)?;
    }
    Ok(())
}

//! Bytes → [`CqlValue`] for any [`ColumnType`]: the dynamic decoder used by the generic
//! `Row`, by the emulator, and for logging.
//!
//! Zero-length values are [`CqlValue::Empty`] for every type whose empty encoding is not a
//! value in its own right (text, ascii, blob and custom types decode it as "" / no bytes).
//! Custom types are opaque bytes, except DSE's geometric classes, decoded from their WKB.

use super::error::DeserializeError;
use super::geo::{self, Geometry, Kind};
use super::nested::{Components, Elements, vector_elements};
use super::{CqlDate, CqlTimestamp, CqlValue, scalar};
use crate::types::ColumnType;

impl CqlValue {
    /// Decodes one non-null value of type `typ` from its bytes (without length prefix).
    ///
    /// Never panics; every length is checked before anything is allocated for it.
    pub fn deserialize(typ: &ColumnType, bytes: &[u8]) -> Result<CqlValue, DeserializeError> {
        if bytes.is_empty() {
            return Ok(match typ {
                ColumnType::Ascii => CqlValue::Ascii(String::new()),
                ColumnType::Text => CqlValue::Text(String::new()),
                ColumnType::Blob => CqlValue::Blob(Vec::new()),
                // No geometry has a zero-length WKB: for those classes it is `Empty`.
                ColumnType::Custom(class) if Kind::of_class(class).is_none() => {
                    CqlValue::Custom(Vec::new())
                }
                _ => CqlValue::Empty,
            });
        }
        Ok(match typ {
            ColumnType::Custom(class) => match Kind::of_class(class) {
                Some(kind) => match geo::decode(typ, kind, bytes)? {
                    Geometry::Point(p) => CqlValue::Point(p),
                    Geometry::LineString(l) => CqlValue::LineString(l),
                    Geometry::Polygon(p) => CqlValue::Polygon(p),
                },
                None => CqlValue::Custom(bytes.to_vec()),
            },
            ColumnType::Ascii => CqlValue::Ascii(scalar::text(typ, bytes)?.to_owned()),
            ColumnType::Text => CqlValue::Text(scalar::text(typ, bytes)?.to_owned()),
            ColumnType::Blob => CqlValue::Blob(bytes.to_vec()),
            ColumnType::Boolean => CqlValue::Boolean(scalar::boolean(typ, bytes)?),
            ColumnType::BigInt => CqlValue::BigInt(i64::from_be_bytes(scalar::fixed(typ, bytes)?)),
            ColumnType::Counter => {
                CqlValue::Counter(i64::from_be_bytes(scalar::fixed(typ, bytes)?))
            }
            ColumnType::Timestamp => {
                CqlValue::Timestamp(CqlTimestamp(i64::from_be_bytes(scalar::fixed(typ, bytes)?)))
            }
            ColumnType::Int => CqlValue::Int(i32::from_be_bytes(scalar::fixed(typ, bytes)?)),
            ColumnType::SmallInt => {
                CqlValue::SmallInt(i16::from_be_bytes(scalar::fixed(typ, bytes)?))
            }
            ColumnType::TinyInt => CqlValue::TinyInt(i8::from_be_bytes(scalar::fixed(typ, bytes)?)),
            ColumnType::Double => CqlValue::Double(f64::from_be_bytes(scalar::fixed(typ, bytes)?)),
            ColumnType::Float => CqlValue::Float(f32::from_be_bytes(scalar::fixed(typ, bytes)?)),
            ColumnType::Date => {
                CqlValue::Date(CqlDate(u32::from_be_bytes(scalar::fixed(typ, bytes)?)))
            }
            ColumnType::Time => CqlValue::Time(scalar::time(typ, bytes)?),
            ColumnType::Decimal => CqlValue::Decimal(scalar::decimal(typ, bytes)?),
            ColumnType::Varint => CqlValue::Varint(scalar::varint(bytes)),
            ColumnType::Uuid => CqlValue::Uuid(scalar::uuid(typ, bytes)?),
            ColumnType::Timeuuid => CqlValue::Timeuuid(scalar::uuid(typ, bytes)?),
            ColumnType::Inet => CqlValue::Inet(scalar::inet(typ, bytes)?),
            ColumnType::Duration => CqlValue::Duration(scalar::duration(typ, bytes)?),
            ColumnType::List(element) => CqlValue::List(elements(typ, element, bytes)?),
            ColumnType::Set(element) => CqlValue::Set(elements(typ, element, bytes)?),
            ColumnType::Map(key_type, value_type) => {
                let mut items = Elements::new(typ, bytes, 2)?;
                let mut out = Vec::with_capacity(items.len() / 2);
                while let Some(key) = items.next_element()? {
                    let value = items
                        .next_element()?
                        .ok_or_else(|| DeserializeError::malformed(typ, "key without value"))?;
                    out.push((
                        CqlValue::deserialize(key_type, key)?,
                        CqlValue::deserialize(value_type, value)?,
                    ));
                }
                items.finish()?;
                CqlValue::Map(out)
            }
            ColumnType::Tuple(types) => {
                let mut components = Components::new(typ, bytes);
                let mut out = Vec::with_capacity(types.len());
                for t in types {
                    out.push(CqlValue::deserialize_cell(t, components.next_component()?)?);
                }
                components.finish()?;
                CqlValue::Tuple(out)
            }
            ColumnType::Udt {
                keyspace,
                name,
                fields,
            } => {
                let mut components = Components::new(typ, bytes);
                let mut out = Vec::with_capacity(fields.len());
                for (field, t) in fields {
                    let value = CqlValue::deserialize_cell(t, components.next_component()?)?;
                    out.push((field.clone(), value));
                }
                components.finish()?;
                CqlValue::Udt {
                    keyspace: keyspace.clone(),
                    name: name.clone(),
                    fields: out,
                }
            }
            ColumnType::Vector { element, dimension } => {
                let parts = vector_elements(typ, element, *dimension, bytes)?;
                let mut out = Vec::with_capacity(parts.len());
                for part in parts {
                    out.push(CqlValue::deserialize(element, part)?);
                }
                CqlValue::Vector(out)
            }
        })
    }

    /// Decodes a cell that may be null (`None`).
    pub fn deserialize_cell(
        typ: &ColumnType,
        bytes: Option<&[u8]>,
    ) -> Result<Option<CqlValue>, DeserializeError> {
        bytes.map(|b| CqlValue::deserialize(typ, b)).transpose()
    }
}

fn elements(
    typ: &ColumnType,
    element: &ColumnType,
    bytes: &[u8],
) -> Result<Vec<CqlValue>, DeserializeError> {
    let mut items = Elements::new(typ, bytes, 1)?;
    let mut out = Vec::with_capacity(items.len());
    while let Some(item) = items.next_element()? {
        out.push(CqlValue::deserialize(element, item)?);
    }
    items.finish()?;
    Ok(out)
}

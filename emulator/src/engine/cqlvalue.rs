//! Serializing the catalog's generated system-table rows (`CqlValue`s) into cells.
//!
//! TODO(proto-values): switch to the protocol crate's `CqlValue` codec once it lands; this
//! covers every variant so system tables work meanwhile.

use std::net::IpAddr;

use bytes::{BufMut, Bytes, BytesMut};
use cassia_protocol::value::CqlValue;

use super::literal::{decimal_bytes, duration_bytes};

/// The wire bytes of a value.
pub(crate) fn serialize(v: &CqlValue) -> Bytes {
    let mut out = BytesMut::new();
    put(&mut out, v);
    out.freeze()
}

fn put_item(out: &mut BytesMut, v: &CqlValue) {
    let b = serialize(v);
    out.put_i32(b.len() as i32);
    out.put_slice(&b);
}

fn put(out: &mut BytesMut, v: &CqlValue) {
    match v {
        CqlValue::Ascii(s) | CqlValue::Text(s) => out.put_slice(s.as_bytes()),
        CqlValue::BigInt(n) | CqlValue::Counter(n) => out.put_i64(*n),
        CqlValue::Blob(b) | CqlValue::Custom(b) => out.put_slice(b),
        CqlValue::Boolean(b) => out.put_u8(u8::from(*b)),
        CqlValue::Decimal(d) => out.put_slice(&decimal_bytes(d)),
        CqlValue::Double(d) => out.put_f64(*d),
        CqlValue::Float(f) => out.put_f32(*f),
        CqlValue::Int(n) => out.put_i32(*n),
        CqlValue::Timestamp(t) => out.put_i64(t.0),
        CqlValue::Uuid(u) | CqlValue::Timeuuid(u) => out.put_slice(u.as_bytes()),
        CqlValue::Varint(n) => out.put_slice(&n.to_signed_bytes_be()),
        CqlValue::Inet(IpAddr::V4(a)) => out.put_slice(&a.octets()),
        CqlValue::Inet(IpAddr::V6(a)) => out.put_slice(&a.octets()),
        CqlValue::Date(d) => out.put_u32(d.0),
        CqlValue::Time(t) => out.put_i64(t.0),
        CqlValue::SmallInt(n) => out.put_i16(*n),
        CqlValue::TinyInt(n) => out.put_i8(*n),
        CqlValue::Duration(d) => out.put_slice(&duration_bytes(d.months, d.days, d.nanoseconds)),
        CqlValue::List(items) | CqlValue::Set(items) => {
            out.put_i32(items.len() as i32);
            for i in items {
                put_item(out, i);
            }
        }
        CqlValue::Vector(items) => {
            for i in items {
                put(out, i);
            }
        }
        CqlValue::Map(entries) => {
            out.put_i32(entries.len() as i32);
            for (k, v) in entries {
                put_item(out, k);
                put_item(out, v);
            }
        }
        CqlValue::Udt { fields, .. } => {
            for (_, f) in fields {
                match f {
                    Some(v) => put_item(out, v),
                    None => out.put_i32(-1),
                }
            }
        }
        CqlValue::Tuple(items) => {
            for f in items {
                match f {
                    Some(v) => put_item(out, v),
                    None => out.put_i32(-1),
                }
            }
        }
        _ => {}
    }
}

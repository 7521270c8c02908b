//! TEMPORARY stand-in for `types::read_type`/`types::write_type` (the `[option]` codec owned
//! by the protocol-values engineer) until that work is merged. Custom types, including
//! vectors, stay `ColumnType::Custom` here. Remove once `types::read_type` exists.

use crate::types::ColumnType;
use crate::wire::{DecodeError, EncodeError, Reader, put_string, put_u16};

/// Reads an `[option]` type description.
pub(crate) fn read_type(r: &mut Reader<'_>) -> Result<ColumnType, DecodeError> {
    read_depth(r, 0)
}

fn read_depth(r: &mut Reader<'_>, depth: usize) -> Result<ColumnType, DecodeError> {
    if depth > 64 {
        return Err(DecodeError::Invalid {
            what: "column type",
            detail: "nested too deeply".to_owned(),
        });
    }
    let id = r.u16("column type")?;
    let next = |r: &mut Reader<'_>| read_depth(r, depth + 1).map(Box::new);
    Ok(match id {
        0x0000 => ColumnType::Custom(r.string("custom type")?.to_owned()),
        0x0001 => ColumnType::Ascii,
        0x0002 => ColumnType::BigInt,
        0x0003 => ColumnType::Blob,
        0x0004 => ColumnType::Boolean,
        0x0005 => ColumnType::Counter,
        0x0006 => ColumnType::Decimal,
        0x0007 => ColumnType::Double,
        0x0008 => ColumnType::Float,
        0x0009 => ColumnType::Int,
        0x000B => ColumnType::Timestamp,
        0x000C => ColumnType::Uuid,
        0x000D => ColumnType::Text,
        0x000E => ColumnType::Varint,
        0x000F => ColumnType::Timeuuid,
        0x0010 => ColumnType::Inet,
        0x0011 => ColumnType::Date,
        0x0012 => ColumnType::Time,
        0x0013 => ColumnType::SmallInt,
        0x0014 => ColumnType::TinyInt,
        0x0015 => ColumnType::Duration,
        0x0020 => ColumnType::List(next(r)?),
        0x0021 => {
            let k = next(r)?;
            ColumnType::Map(k, next(r)?)
        }
        0x0022 => ColumnType::Set(next(r)?),
        0x0030 => {
            let keyspace = r.string("udt keyspace")?.to_owned();
            let name = r.string("udt name")?.to_owned();
            let n = r.u16("udt field count")?;
            let mut fields = Vec::with_capacity(usize::from(n).min(r.remaining() / 4));
            for _ in 0..n {
                let f = r.string("udt field")?.to_owned();
                fields.push((f, read_depth(r, depth + 1)?));
            }
            ColumnType::Udt {
                keyspace,
                name,
                fields,
            }
        }
        0x0031 => {
            let n = r.u16("tuple arity")?;
            let mut items = Vec::with_capacity(usize::from(n).min(r.remaining() / 2));
            for _ in 0..n {
                items.push(read_depth(r, depth + 1)?);
            }
            ColumnType::Tuple(items)
        }
        other => {
            return Err(DecodeError::Invalid {
                what: "column type",
                detail: format!("unknown type id 0x{other:04x}"),
            });
        }
    })
}

/// Writes an `[option]` type description.
pub(crate) fn write_type(t: &ColumnType, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    let simple = |out: &mut Vec<u8>, id: u16| {
        put_u16(out, id);
        Ok(())
    };
    match t {
        ColumnType::Custom(c) => {
            put_u16(out, 0);
            put_string(out, c, "custom type")
        }
        ColumnType::Ascii => simple(out, 0x01),
        ColumnType::BigInt => simple(out, 0x02),
        ColumnType::Blob => simple(out, 0x03),
        ColumnType::Boolean => simple(out, 0x04),
        ColumnType::Counter => simple(out, 0x05),
        ColumnType::Decimal => simple(out, 0x06),
        ColumnType::Double => simple(out, 0x07),
        ColumnType::Float => simple(out, 0x08),
        ColumnType::Int => simple(out, 0x09),
        ColumnType::Timestamp => simple(out, 0x0B),
        ColumnType::Uuid => simple(out, 0x0C),
        ColumnType::Text => simple(out, 0x0D),
        ColumnType::Varint => simple(out, 0x0E),
        ColumnType::Timeuuid => simple(out, 0x0F),
        ColumnType::Inet => simple(out, 0x10),
        ColumnType::Date => simple(out, 0x11),
        ColumnType::Time => simple(out, 0x12),
        ColumnType::SmallInt => simple(out, 0x13),
        ColumnType::TinyInt => simple(out, 0x14),
        ColumnType::Duration => simple(out, 0x15),
        ColumnType::List(e) => {
            put_u16(out, 0x20);
            write_type(e, out)
        }
        ColumnType::Map(k, v) => {
            put_u16(out, 0x21);
            write_type(k, out)?;
            write_type(v, out)
        }
        ColumnType::Set(e) => {
            put_u16(out, 0x22);
            write_type(e, out)
        }
        ColumnType::Udt {
            keyspace,
            name,
            fields,
        } => {
            put_u16(out, 0x30);
            put_string(out, keyspace, "udt keyspace")?;
            put_string(out, name, "udt name")?;
            let n = u16::try_from(fields.len()).map_err(|_| EncodeError::TooLong {
                what: "udt fields",
                length: fields.len(),
            })?;
            put_u16(out, n);
            for (f, t) in fields {
                put_string(out, f, "udt field")?;
                write_type(t, out)?;
            }
            Ok(())
        }
        ColumnType::Tuple(items) => {
            put_u16(out, 0x31);
            let n = u16::try_from(items.len()).map_err(|_| EncodeError::TooLong {
                what: "tuple items",
                length: items.len(),
            })?;
            put_u16(out, n);
            items.iter().try_for_each(|t| write_type(t, out))
        }
        ColumnType::Vector { .. } => Err(EncodeError::Unsupported {
            what: "vector type (until the [option] codec lands)",
            version: 5,
        }),
    }
}

//! The `[option]` codec for column types: a `[short]` id, followed for some ids by parameters
//! (a class name for custom types, element options for collections and tuples, keyspace, name
//! and fields for UDTs).
//!
//! `vector<T, n>` has no option id of its own: Cassandra sends it as the custom type
//! `org.apache.cassandra.db.marshal.VectorType(<element class> , n)`, so reading a custom
//! option recognises that class and writing a vector produces it.

use super::ColumnType;
use super::marshal::{marshal_class_name, parse_marshal_class};
use crate::wire::{DecodeError, EncodeError, Reader, put_string, put_u16};

/// How deeply types may nest before the input is considered hostile. Real schemas stay far
/// below this; the bound keeps recursion (and so the stack) finite on crafted input.
pub(crate) const MAX_TYPE_DEPTH: usize = 64;

const WHAT: &str = "type option";

/// Reads one `[option]` describing a column type.
///
/// Unknown option ids and nesting deeper than 64 levels are [`DecodeError::Invalid`].
/// A custom type whose class is `VectorType(...)` becomes [`ColumnType::Vector`]; every other
/// custom class stays [`ColumnType::Custom`].
pub fn read_type(r: &mut Reader<'_>) -> Result<ColumnType, DecodeError> {
    read_at_depth(r, 0)
}

fn read_at_depth(r: &mut Reader<'_>, depth: usize) -> Result<ColumnType, DecodeError> {
    if depth > MAX_TYPE_DEPTH {
        return Err(DecodeError::Invalid {
            what: WHAT,
            detail: format!("types nested deeper than {MAX_TYPE_DEPTH} levels"),
        });
    }
    let id = r.u16(WHAT)?;
    Ok(match id {
        0x0000 => custom(r.string("custom type class name")?)?,
        0x0001 => ColumnType::Ascii,
        0x0002 => ColumnType::BigInt,
        0x0003 => ColumnType::Blob,
        0x0004 => ColumnType::Boolean,
        0x0005 => ColumnType::Counter,
        0x0006 => ColumnType::Decimal,
        0x0007 => ColumnType::Double,
        0x0008 => ColumnType::Float,
        0x0009 => ColumnType::Int,
        // 0x000A was `varchar` in protocol v1/v2; later versions never send it, but it is
        // unambiguous, so accept it as text rather than fail.
        0x000A | 0x000D => ColumnType::Text,
        0x000B => ColumnType::Timestamp,
        0x000C => ColumnType::Uuid,
        0x000E => ColumnType::Varint,
        0x000F => ColumnType::Timeuuid,
        0x0010 => ColumnType::Inet,
        0x0011 => ColumnType::Date,
        0x0012 => ColumnType::Time,
        0x0013 => ColumnType::SmallInt,
        0x0014 => ColumnType::TinyInt,
        0x0015 => ColumnType::Duration,
        0x0020 => ColumnType::List(Box::new(read_at_depth(r, depth + 1)?)),
        0x0021 => {
            let key = read_at_depth(r, depth + 1)?;
            let value = read_at_depth(r, depth + 1)?;
            ColumnType::Map(Box::new(key), Box::new(value))
        }
        0x0022 => ColumnType::Set(Box::new(read_at_depth(r, depth + 1)?)),
        0x0030 => {
            let keyspace = r.string("UDT keyspace")?.to_owned();
            let name = r.string("UDT name")?.to_owned();
            let n = usize::from(r.u16("UDT field count")?);
            // Each field needs at least 4 bytes (empty name + option id): cap the
            // pre-allocation by what the input can actually hold.
            let mut fields = Vec::with_capacity(n.min(r.remaining() / 4));
            for _ in 0..n {
                let field = r.string("UDT field name")?.to_owned();
                fields.push((field, read_at_depth(r, depth + 1)?));
            }
            ColumnType::Udt {
                keyspace,
                name,
                fields,
            }
        }
        0x0031 => {
            let n = usize::from(r.u16("tuple component count")?);
            let mut items = Vec::with_capacity(n.min(r.remaining() / 2));
            for _ in 0..n {
                items.push(read_at_depth(r, depth + 1)?);
            }
            ColumnType::Tuple(items)
        }
        other => {
            return Err(DecodeError::Invalid {
                what: WHAT,
                detail: format!("unknown type id 0x{other:04X}"),
            });
        }
    })
}

/// A custom option. Classes the parser knows become their type: `VectorType(..)` always
/// (vectors have no option id), and `DurationType`, which Cassandra sends as a custom class in
/// protocol v4 (the 0x0015 id only exists from v5), so drivers see the same type in both.
/// Every other class stays [`ColumnType::Custom`] with its text unchanged.
fn custom(class: &str) -> Result<ColumnType, DecodeError> {
    match parse_marshal_class(class) {
        Ok(t @ (ColumnType::Vector { .. } | ColumnType::Duration)) => Ok(t),
        Err(e) if super::marshal::is_vector_class(class) => Err(DecodeError::Invalid {
            what: "vector type class name",
            detail: e.to_string(),
        }),
        _ => Ok(ColumnType::Custom(class.to_owned())),
    }
}

/// Appends the `[option]` for `typ`.
///
/// Fails only when a name or a field/component count does not fit its `[short]` prefix.
pub fn write_type(typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    let id: u16 = match typ {
        ColumnType::Custom(class) => {
            put_u16(out, 0x0000);
            return put_string(out, class, "custom type class name");
        }
        ColumnType::Vector { .. } => {
            put_u16(out, 0x0000);
            return put_string(out, &marshal_class_name(typ), "vector type class name");
        }
        ColumnType::Ascii => 0x0001,
        ColumnType::BigInt => 0x0002,
        ColumnType::Blob => 0x0003,
        ColumnType::Boolean => 0x0004,
        ColumnType::Counter => 0x0005,
        ColumnType::Decimal => 0x0006,
        ColumnType::Double => 0x0007,
        ColumnType::Float => 0x0008,
        ColumnType::Int => 0x0009,
        ColumnType::Timestamp => 0x000B,
        ColumnType::Uuid => 0x000C,
        ColumnType::Text => 0x000D,
        ColumnType::Varint => 0x000E,
        ColumnType::Timeuuid => 0x000F,
        ColumnType::Inet => 0x0010,
        ColumnType::Date => 0x0011,
        ColumnType::Time => 0x0012,
        ColumnType::SmallInt => 0x0013,
        ColumnType::TinyInt => 0x0014,
        ColumnType::Duration => 0x0015,
        ColumnType::List(element) => {
            put_u16(out, 0x0020);
            return write_type(element, out);
        }
        ColumnType::Map(key, value) => {
            put_u16(out, 0x0021);
            write_type(key, out)?;
            return write_type(value, out);
        }
        ColumnType::Set(element) => {
            put_u16(out, 0x0022);
            return write_type(element, out);
        }
        ColumnType::Udt {
            keyspace,
            name,
            fields,
        } => {
            put_u16(out, 0x0030);
            put_string(out, keyspace, "UDT keyspace")?;
            put_string(out, name, "UDT name")?;
            put_u16(out, short_count(fields.len(), "UDT field count")?);
            for (field, field_type) in fields {
                put_string(out, field, "UDT field name")?;
                write_type(field_type, out)?;
            }
            return Ok(());
        }
        ColumnType::Tuple(items) => {
            put_u16(out, 0x0031);
            put_u16(out, short_count(items.len(), "tuple component count")?);
            for item in items {
                write_type(item, out)?;
            }
            return Ok(());
        }
    };
    put_u16(out, id);
    Ok(())
}

fn short_count(n: usize, what: &'static str) -> Result<u16, EncodeError> {
    u16::try_from(n).map_err(|_| EncodeError::TooLong { what, length: n })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(typ: &ColumnType) -> Vec<u8> {
        let mut out = Vec::new();
        write_type(typ, &mut out).expect("encodable");
        let mut r = Reader::new(&out);
        assert_eq!(read_type(&mut r).as_ref(), Ok(typ));
        r.finish("type").expect("fully consumed");
        out
    }

    #[test]
    fn simple_ids_match_the_spec() {
        assert_eq!(round_trip(&ColumnType::Int), [0x00, 0x09]);
        assert_eq!(round_trip(&ColumnType::Text), [0x00, 0x0D]);
        assert_eq!(round_trip(&ColumnType::Duration), [0x00, 0x15]);
        assert_eq!(
            round_trip(&ColumnType::Map(
                Box::new(ColumnType::Text),
                Box::new(ColumnType::List(Box::new(ColumnType::Int)))
            )),
            [0x00, 0x21, 0x00, 0x0D, 0x00, 0x20, 0x00, 0x09]
        );
    }

    #[test]
    fn udt_and_tuple_layout() {
        let udt = ColumnType::Udt {
            keyspace: "ks".into(),
            name: "p".into(),
            fields: vec![("a".into(), ColumnType::Int)],
        };
        let bytes = round_trip(&udt);
        assert_eq!(
            bytes,
            [
                0x00, 0x30, 0, 2, b'k', b's', 0, 1, b'p', 0, 1, 0, 1, b'a', 0x00, 0x09
            ]
        );
        let tuple = ColumnType::Tuple(vec![ColumnType::Int, udt]);
        round_trip(&tuple);
    }

    #[test]
    fn vector_travels_as_a_custom_class() {
        let v = ColumnType::Vector {
            element: Box::new(ColumnType::Float),
            dimension: 3,
        };
        let bytes = round_trip(&v);
        let class = "org.apache.cassandra.db.marshal.VectorType(org.apache.cassandra.db.marshal.FloatType , 3)";
        let mut expected = vec![0x00, 0x00];
        put_string(&mut expected, class, "c").expect("short");
        assert_eq!(bytes, expected);
    }

    #[test]
    fn unknown_custom_class_stays_custom() {
        let c = ColumnType::Custom("org.apache.cassandra.db.marshal.LexicalUUIDType".into());
        round_trip(&c);
    }

    #[test]
    fn unknown_id_truncation_and_depth_are_errors() {
        assert!(matches!(
            read_type(&mut Reader::new(&[0x00, 0x16])),
            Err(DecodeError::Invalid { .. })
        ));
        assert!(matches!(
            read_type(&mut Reader::new(&[0x00, 0x20])),
            Err(DecodeError::Truncated { .. })
        ));
        let deep: Vec<u8> = std::iter::repeat_n([0x00, 0x20], 10_000)
            .flatten()
            .collect();
        assert!(matches!(
            read_type(&mut Reader::new(&deep)),
            Err(DecodeError::Invalid { .. })
        ));
    }

    #[test]
    fn v4_duration_custom_class_is_duration() {
        let mut bytes = vec![0x00, 0x00];
        put_string(
            &mut bytes,
            "org.apache.cassandra.db.marshal.DurationType",
            "c",
        )
        .expect("short");
        assert_eq!(
            read_type(&mut Reader::new(&bytes)),
            Ok(ColumnType::Duration)
        );
        // Other known classes sent as custom keep their class name.
        let mut bytes = vec![0x00, 0x00];
        put_string(
            &mut bytes,
            "org.apache.cassandra.db.marshal.LexicalUUIDType",
            "c",
        )
        .expect("short");
        assert_eq!(
            read_type(&mut Reader::new(&bytes)),
            Ok(ColumnType::Custom(
                "org.apache.cassandra.db.marshal.LexicalUUIDType".into()
            ))
        );
    }

    #[test]
    fn malformed_vector_class_is_an_error() {
        let mut bytes = vec![0x00, 0x00];
        put_string(
            &mut bytes,
            "org.apache.cassandra.db.marshal.VectorType(org.apache.cassandra.db.marshal.FloatType",
            "c",
        )
        .expect("short");
        assert!(matches!(
            read_type(&mut Reader::new(&bytes)),
            Err(DecodeError::Invalid { .. })
        ));
    }
}

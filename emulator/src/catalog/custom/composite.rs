//! String literals of `CompositeType(...)` columns, as Cassandra 4.0's
//! `AbstractCompositeType.fromString` reads them: components separated by `:` (`\:` is a
//! colon inside one), each read by its type's `fromString`, and serialized as a composite
//! (2-byte length, value, end-of-component byte). A last component `!` or `$` sets the final
//! end-of-component byte to 1 or -1 instead of being a value.
//!
//! Only components of the types whose `fromString` the emulator reproduces are read this
//! way (text, numbers, booleans, blobs); a composite of other types keeps its values opaque.

use bytes::Bytes;
use cassia_protocol::response::ServerError;

use super::super::errors::invalid;
use super::MARSHAL_PACKAGE;
use crate::cql::hex_bytes;

/// The component types of `class` when it is a `CompositeType` whose components all have a
/// `fromString` here; `None` otherwise.
pub(super) fn components(class: &str) -> Option<Vec<&str>> {
    let inner = class
        .strip_prefix(MARSHAL_PACKAGE)?
        .strip_prefix("CompositeType(")?
        .strip_suffix(')')?;
    let types: Vec<&str> = inner
        .split(',')
        .map(|t| t.strip_prefix(MARSHAL_PACKAGE).unwrap_or(t))
        .collect();
    types.iter().all(|t| KNOWN.contains(t)).then_some(types)
}

/// The component types read here.
const KNOWN: [&str; 8] = [
    "UTF8Type",
    "AsciiType",
    "Int32Type",
    "LongType",
    "ShortType",
    "ByteType",
    "BooleanType",
    "BytesType",
];

/// The composite value of `text` for components of `types` (from [`components`]).
pub(super) fn from_string(types: &[&str], text: &str) -> Result<Bytes, ServerError> {
    let mut out = Vec::new();
    let mut last_eoc = 0u8;
    for (i, part) in split(text).into_iter().enumerate() {
        if part == "!" || part == "$" {
            last_eoc = if part == "!" { 1 } else { 0xff };
            break;
        }
        let Some(typ) = types.get(i) else {
            return Err(invalid(format!(
                "Unable to make a composite of {} components from '{text}'",
                types.len()
            )));
        };
        let value = component(typ, &unescape(part))?;
        let len = u16::try_from(value.len())
            .map_err(|_| invalid(format!("Composite component too long in '{text}'")))?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&value);
        out.push(0);
    }
    if last_eoc != 0
        && let Some(eoc) = out.last_mut()
    {
        *eoc = last_eoc;
    }
    Ok(Bytes::from(out))
}

/// `AbstractCompositeType.split`: on every `:` not preceded by `\`.
fn split(text: &str) -> Vec<&str> {
    if text.is_empty() {
        return Vec::new();
    }
    let bytes = text.as_bytes();
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b':' && (i == 0 || bytes.get(i - 1) != Some(&b'\\')) {
            parts.push(&text[start..i]);
            start = i + 1;
        }
    }
    parts.push(&text[start..]);
    parts
}

/// `AbstractCompositeType.unescape`: `\:` is `:`, and a trailing `!` is dropped.
fn unescape(part: &str) -> String {
    let out = part.replace("\\:", ":");
    match out.strip_suffix('!') {
        Some(rest) => rest.to_owned(),
        None => out,
    }
}

/// The component's `AbstractType.fromString`, with its `MarshalException` messages.
fn component(typ: &str, s: &str) -> Result<Vec<u8>, ServerError> {
    // The numeric types read the empty string as an empty value.
    let number = |what: &str| invalid(format!("Unable to make {what} from '{s}'"));
    Ok(match typ {
        "UTF8Type" => s.as_bytes().to_vec(),
        "AsciiType" if s.is_ascii() => s.as_bytes().to_vec(),
        "AsciiType" => {
            return Err(invalid(
                "Invalid ASCII character in string literal: java.nio.charset.UnmappableCharacterException: Input length = 1",
            ));
        }
        _ if s.is_empty() && typ != "BooleanType" => Vec::new(),
        "Int32Type" => s
            .parse::<i32>()
            .map_err(|_| number("int"))?
            .to_be_bytes()
            .to_vec(),
        "LongType" => s
            .parse::<i64>()
            .map_err(|_| number("long"))?
            .to_be_bytes()
            .to_vec(),
        "ShortType" => s
            .parse::<i16>()
            .map_err(|_| number("short"))?
            .to_be_bytes()
            .to_vec(),
        "ByteType" => s
            .parse::<i8>()
            .map_err(|_| number("byte"))?
            .to_be_bytes()
            .to_vec(),
        "BooleanType" if s.is_empty() || s.eq_ignore_ascii_case("false") => vec![0],
        "BooleanType" if s.eq_ignore_ascii_case("true") => vec![1],
        "BooleanType" => return Err(invalid(format!("Unable to make boolean from '{s}'"))),
        _ => hex_bytes(s).ok_or_else(|| invalid(format!("cannot parse '{s}' as hex bytes")))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLASS: &str = "org.apache.cassandra.db.marshal.CompositeType(org.apache.cassandra.db.marshal.UTF8Type,org.apache.cassandra.db.marshal.Int32Type)";

    #[test]
    fn composites_of_known_types_are_read() {
        let types = components(CLASS).expect("known components");
        assert_eq!(types, ["UTF8Type", "Int32Type"]);
        let v = from_string(&types, "a\\:b:7").expect("valid");
        assert_eq!(
            v.as_ref(),
            &[0, 3, b'a', b':', b'b', 0, 0, 4, 0, 0, 0, 7, 0][..]
        );
        let prefix = from_string(&types, "a:!").expect("valid");
        assert_eq!(prefix.as_ref(), &[0, 1, b'a', 1][..]);
        let e = from_string(&types, "a:x").expect_err("not an int");
        assert_eq!(e.message, "Unable to make int from 'x'");
        assert!(components("org.apache.cassandra.db.marshal.CompositeType(org.apache.cassandra.db.marshal.UUIDType)").is_none());
    }
}

//! Custom types (`'ClassName'` in a column declaration): the class name as Cassandra resolves
//! it, and the string literals of the custom types the emulator knows, DSE's geometries.
//!
//! Cassandra's `TypeParser` qualifies a class name without a package with
//! `org.apache.cassandra.db.marshal.`, so `'PointType'` and the fully qualified name declare
//! the same column type, and the wire and `system_schema` always show the qualified name
//! (which is what drivers decode by), down to the parameters of types such as
//! `CompositeType(...)` and `DynamicCompositeType(...)`.
//!
//! Values of other custom classes stay opaque bytes (a blob literal sets them). For
//! `PointType`, `LineStringType` and `PolygonType` a string literal is WKT, parsed as DSE's
//! `fromString` does (`'POINT (1 2)'`, which is how the DataStax drivers render these values
//! in simple statements) and stored as the little-endian WKB DSE stores. For
//! `CompositeType(...)` it is the components, as `composite.rs` reads them.

use bytes::Bytes;
use cassia_protocol::response::ServerError;
use cassia_protocol::types::{
    ColumnType, LINE_STRING_TYPE_CLASS, POINT_TYPE_CLASS, POLYGON_TYPE_CLASS,
};
use cassia_protocol::value::{LineString, Point, Polygon, SerializeValue};

use super::errors::invalid;

mod composite;
mod dynamic;

/// The package Cassandra assumes for a custom class written without one.
const MARSHAL_PACKAGE: &str = "org.apache.cassandra.db.marshal.";

/// The type as Cassandra's `TypeParser` resolves it and `AbstractType.toString` prints it:
/// every class name without a package gets the marshal package, the parameters of
/// parameterized classes included (`'CompositeType(UTF8Type,Int32Type)'` is
/// `org.apache.cassandra.db.marshal.CompositeType(org.apache.cassandra.db.marshal.UTF8Type,
/// org.apache.cassandra.db.marshal.Int32Type)`).
///
/// A name is a class when it starts with an upper-case letter and is not an alias or a
/// field name (`a=>...` of DynamicCompositeType, `6669656c64:...` of UserType). The aliases
/// of a DynamicCompositeType come out in the order Cassandra prints them (`dynamic.rs`).
pub(crate) fn qualify(class: &str) -> String {
    let mut out = String::with_capacity(class.len() + MARSHAL_PACKAGE.len());
    let mut rest = class;
    while let Some(start) = rest.find(is_name_char) {
        // `TypeParser` skips blanks between tokens and `toString` prints none.
        out.extend(rest[..start].chars().filter(|c| !c.is_whitespace()));
        let tail = &rest[start..];
        let len = tail.find(|c| !is_name_char(c)).unwrap_or(tail.len());
        let (name, after) = tail.split_at(len);
        let label = after.trim_start().starts_with(['=', ':']);
        let is_class = name.starts_with(|c: char| c.is_ascii_uppercase()) && !label;
        if is_class && !name.contains('.') {
            out.push_str(MARSHAL_PACKAGE);
        }
        out.push_str(name);
        rest = after;
    }
    out.extend(rest.chars().filter(|c| !c.is_whitespace()));
    dynamic::order_aliases(&out)
}

/// Characters of a Java class name (with its package) or of a type parameter.
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '.')
}

/// Whether string literals of custom class `class` are parsed (as WKT, or as a composite's
/// components) rather than refused.
pub fn parses_string_literals(class: &str) -> bool {
    [POINT_TYPE_CLASS, LINE_STRING_TYPE_CLASS, POLYGON_TYPE_CLASS].contains(&class)
        || composite::components(class).is_some()
}

/// The value of string literal `text` for a column of custom class `class` (one for which
/// [`parses_string_literals`] holds), as the class's `fromString`.
pub fn from_string(class: &str, text: &str) -> Result<Bytes, ServerError> {
    if let Some(types) = composite::components(class) {
        return composite::from_string(&types, text);
    }
    let typ = ColumnType::Custom(class.to_owned());
    let (what, encoded) = match class {
        POINT_TYPE_CLASS => ("point", parse::<Point>(&typ, text)),
        LINE_STRING_TYPE_CLASS => ("linestring", parse::<LineString>(&typ, text)),
        POLYGON_TYPE_CLASS => ("polygon", parse::<Polygon>(&typ, text)),
        _ => ("value", Err(format!("no string literal for '{class}'"))),
    };
    encoded
        .map(Bytes::from)
        .map_err(|why| invalid(format!("Unable to make {what} from '{text}': {why}")))
}

/// `text` parsed as `T`'s WKT and serialized for `typ` (without the `[value]` length).
fn parse<T>(typ: &ColumnType, text: &str) -> Result<Vec<u8>, String>
where
    T: std::str::FromStr<Err = cassia_protocol::value::WktError> + SerializeValue,
{
    let value: T = text
        .parse()
        .map_err(|e: cassia_protocol::value::WktError| e.to_string())?;
    let mut out = Vec::new();
    value
        .serialize_value(typ, &mut out)
        .map_err(|e| e.to_string())?;
    // Drop the `[int]` length the typed serializer writes in front of the value.
    Ok(out.split_off(4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_get_the_marshal_package() {
        assert_eq!(qualify("PointType"), POINT_TYPE_CLASS);
        assert_eq!(qualify(POINT_TYPE_CLASS), POINT_TYPE_CLASS);
        assert_eq!(qualify("com.example.Mine"), "com.example.Mine");
        assert_eq!(
            qualify("CompositeType(UTF8Type,org.apache.cassandra.db.marshal.Int32Type)"),
            "org.apache.cassandra.db.marshal.CompositeType(org.apache.cassandra.db.marshal.UTF8Type,org.apache.cassandra.db.marshal.Int32Type)"
        );
        assert_eq!(
            qualify("DynamicCompositeType(a=>UTF8Type, b => ReversedType(Int32Type))"),
            "org.apache.cassandra.db.marshal.DynamicCompositeType(a=>org.apache.cassandra.db.marshal.UTF8Type,b=>org.apache.cassandra.db.marshal.ReversedType(org.apache.cassandra.db.marshal.Int32Type))"
        );
    }

    #[test]
    fn geometry_literals_are_wkt() {
        let b = from_string(POINT_TYPE_CLASS, "POINT (1 2)").expect("valid WKT");
        assert_eq!(b.len(), 21);
        assert_eq!(b[0], 1, "little-endian WKB");
        let e = from_string(POLYGON_TYPE_CLASS, "POINT (1 2)").expect_err("not a polygon");
        assert!(
            e.message
                .starts_with("Unable to make polygon from 'POINT (1 2)'"),
            "{}",
            e.message
        );
        assert!(parses_string_literals(LINE_STRING_TYPE_CLASS));
        assert!(!parses_string_literals("com.example.Mine"));
    }
}

//! Cassandra's marshal class names (`org.apache.cassandra.db.marshal.ListType(...Int32Type)`)
//! to [`ColumnType`] and back.
//!
//! The protocol only shows these names inside custom-type options, and the one custom type a
//! client must understand is `vector<>`, whose element type is spelled this way. The parser
//! follows the grammar of Cassandra's `TypeParser`: a class name, optionally followed by a
//! parenthesised parameter list; unqualified names live in `org.apache.cassandra.db.marshal`;
//! `FrozenType(..)` and `ReversedType(..)` are wrappers that the wire type does not show;
//! `UserType(keyspace,hexname,hexfield:Type,...)` spells names in hex. Classes it does not
//! know stay [`ColumnType::Custom`] with their full text.

use super::ColumnType;
use super::option::MAX_TYPE_DEPTH;

const PACKAGE: &str = "org.apache.cassandra.db.marshal.";

/// Why a marshal class name could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot parse type class name `{class}` at byte {position}: {reason}")]
pub struct MarshalParseError {
    /// The whole text being parsed.
    pub class: String,
    /// Byte offset where parsing failed.
    pub position: usize,
    /// What was expected there.
    pub reason: &'static str,
}

/// Whether `class` names Cassandra's `VectorType` (qualified or not), parameters aside.
pub(crate) fn is_vector_class(class: &str) -> bool {
    let name = class.split('(').next().unwrap_or_default().trim();
    name == "VectorType" || name.strip_prefix(PACKAGE) == Some("VectorType")
}

/// Parses a Cassandra marshal class name, e.g.
/// `org.apache.cassandra.db.marshal.MapType(UTF8Type,FrozenType(ListType(Int32Type)))`
/// → `map<text, list<int>>`.
///
/// Unknown classes (`LexicalUUIDType`, user-provided classes) become [`ColumnType::Custom`]
/// carrying their fully qualified text; syntax errors are reported with their byte offset.
pub fn parse_marshal_class(class: &str) -> Result<ColumnType, MarshalParseError> {
    let mut p = Parser { s: class, pos: 0 };
    let t = p.parse_type(0)?;
    p.skip_blank();
    if p.pos != class.len() {
        return Err(p.error("end of input after the type"));
    }
    Ok(t)
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, reason: &'static str) -> MarshalParseError {
        MarshalParseError {
            class: self.s.to_owned(),
            position: self.pos,
            reason,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.pos).copied()
    }

    fn skip_blank(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Skips blanks and at most one comma (Cassandra's `skipBlankAndComma`).
    fn skip_blank_and_comma(&mut self) -> bool {
        self.skip_blank();
        let comma = self.peek() == Some(b',');
        if comma {
            self.pos += 1;
            self.skip_blank();
        }
        comma
    }

    fn expect(&mut self, c: u8, reason: &'static str) -> Result<(), MarshalParseError> {
        self.skip_blank();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(reason))
        }
    }

    fn identifier(&mut self) -> &str {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'+' | b'.' | b'_' | b'&' | b'$') {
                self.pos += 1;
            } else {
                break;
            }
        }
        self.s.get(start..self.pos).unwrap_or_default()
    }

    fn parse_type(&mut self, depth: usize) -> Result<ColumnType, MarshalParseError> {
        if depth > MAX_TYPE_DEPTH {
            return Err(self.error("types nested too deeply"));
        }
        self.skip_blank();
        let start = self.pos;
        let name = self.identifier().to_owned();
        if name.is_empty() {
            return Err(self.error("a class name"));
        }
        let short = if name.contains('.') {
            name.strip_prefix(PACKAGE)
        } else {
            Some(name.as_str())
        };
        self.skip_blank();
        let has_params = self.peek() == Some(b'(');
        let simple = short.and_then(simple_type);
        if let Some(t) = simple.filter(|_| !has_params) {
            return Ok(t);
        }
        let parametrised = match (short, has_params) {
            (Some("FrozenType" | "ReversedType"), true) => {
                self.pos += 1;
                let inner = self.parse_type(depth + 1)?;
                self.expect(b')', "`)` closing the wrapper")?;
                Some(inner)
            }
            (Some("ListType"), true) => Some(ColumnType::List(Box::new(self.single(depth)?))),
            (Some("SetType"), true) => Some(ColumnType::Set(Box::new(self.single(depth)?))),
            (Some("MapType"), true) => {
                self.pos += 1;
                let key = self.parse_type(depth + 1)?;
                if !self.skip_blank_and_comma() {
                    return Err(self.error("`,` between map key and value types"));
                }
                let value = self.parse_type(depth + 1)?;
                self.expect(b')', "`)` closing the map parameters")?;
                Some(ColumnType::Map(Box::new(key), Box::new(value)))
            }
            (Some("TupleType"), true) => Some(ColumnType::Tuple(self.list(depth)?)),
            (Some("UserType"), true) => Some(self.user_type(depth)?),
            (Some("VectorType"), true) => Some(self.vector(depth)?),
            _ => None,
        };
        if let Some(t) = parametrised {
            return Ok(t);
        }
        // Unknown (or misused) class: keep its full text, parameters included.
        if has_params {
            self.skip_balanced()?;
        }
        let text = self.s.get(start..self.pos).unwrap_or_default().trim_end();
        Ok(ColumnType::Custom(if name.contains('.') {
            text.to_owned()
        } else {
            format!("{PACKAGE}{text}")
        }))
    }

    /// `(T)`.
    fn single(&mut self, depth: usize) -> Result<ColumnType, MarshalParseError> {
        self.pos += 1;
        let t = self.parse_type(depth + 1)?;
        self.expect(b')', "`)` after the single type parameter")?;
        Ok(t)
    }

    /// `(T, T, ...)`, possibly empty.
    fn list(&mut self, depth: usize) -> Result<Vec<ColumnType>, MarshalParseError> {
        self.pos += 1;
        let mut out = Vec::new();
        self.skip_blank();
        if self.peek() == Some(b')') {
            self.pos += 1;
            return Ok(out);
        }
        loop {
            out.push(self.parse_type(depth + 1)?);
            if !self.skip_blank_and_comma() {
                self.expect(b')', "`,` or `)` in a type list")?;
                return Ok(out);
            }
        }
    }

    /// `(keyspace,hexname,hexfield:T,...)`.
    fn user_type(&mut self, depth: usize) -> Result<ColumnType, MarshalParseError> {
        self.pos += 1;
        self.skip_blank();
        let keyspace = self.identifier().to_owned();
        if keyspace.is_empty() || !self.skip_blank_and_comma() {
            return Err(self.error("a keyspace followed by `,`"));
        }
        let name = self.hex_name()?;
        let mut fields = Vec::new();
        while self.skip_blank_and_comma() {
            let field = self.hex_name()?;
            self.skip_blank();
            if self.s.get(self.pos..).is_some_and(|r| r.starts_with("=>")) {
                self.pos += 2;
            } else {
                self.expect(b':', "`:` after a field name")?;
            }
            fields.push((field, self.parse_type(depth + 1)?));
        }
        self.expect(b')', "`)` closing the user type")?;
        Ok(ColumnType::Udt {
            keyspace,
            name,
            fields,
        })
    }

    fn hex_name(&mut self) -> Result<String, MarshalParseError> {
        self.skip_blank();
        let start = self.pos;
        let hex = self.identifier().to_owned();
        let bytes = decode_hex(&hex).ok_or_else(|| MarshalParseError {
            class: self.s.to_owned(),
            position: start,
            reason: "a hex-encoded name",
        })?;
        String::from_utf8(bytes).map_err(|_| MarshalParseError {
            class: self.s.to_owned(),
            position: start,
            reason: "a hex-encoded UTF-8 name",
        })
    }

    /// `(T , n)`.
    fn vector(&mut self, depth: usize) -> Result<ColumnType, MarshalParseError> {
        self.pos += 1;
        let element = self.parse_type(depth + 1)?;
        if !self.skip_blank_and_comma() {
            return Err(self.error("`,` before the vector dimension"));
        }
        let dimension = self
            .identifier()
            .parse::<u32>()
            .ok()
            .filter(|d| *d > 0 && i32::try_from(*d).is_ok())
            .ok_or_else(|| self.error("a positive vector dimension"))?;
        self.expect(b')', "`)` closing the vector parameters")?;
        Ok(ColumnType::Vector {
            element: Box::new(element),
            dimension,
        })
    }

    /// Skips a parenthesised group, nested groups included.
    fn skip_balanced(&mut self) -> Result<(), MarshalParseError> {
        let mut open = 0usize;
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'(' => open += 1,
                b')' => {
                    open = open.saturating_sub(1);
                    if open == 0 {
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
        Err(self.error("`)` closing the parameters"))
    }
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    s.as_bytes()
        .chunks_exact(2)
        .map(|pair| {
            let hi = char::from(*pair.first()?).to_digit(16)?;
            let lo = char::from(*pair.get(1)?).to_digit(16)?;
            u8::try_from(hi * 16 + lo).ok()
        })
        .collect()
}

fn simple_type(short: &str) -> Option<ColumnType> {
    Some(match short {
        "AsciiType" => ColumnType::Ascii,
        "LongType" => ColumnType::BigInt,
        "BytesType" => ColumnType::Blob,
        "BooleanType" => ColumnType::Boolean,
        "CounterColumnType" => ColumnType::Counter,
        "DecimalType" => ColumnType::Decimal,
        "DoubleType" => ColumnType::Double,
        "FloatType" => ColumnType::Float,
        "Int32Type" => ColumnType::Int,
        // DateType is the pre-2.0 name of timestamp; same encoding.
        "TimestampType" | "DateType" => ColumnType::Timestamp,
        "UUIDType" => ColumnType::Uuid,
        "UTF8Type" => ColumnType::Text,
        "IntegerType" => ColumnType::Varint,
        "TimeUUIDType" => ColumnType::Timeuuid,
        "InetAddressType" => ColumnType::Inet,
        "SimpleDateType" => ColumnType::Date,
        "TimeType" => ColumnType::Time,
        "ShortType" => ColumnType::SmallInt,
        "ByteType" => ColumnType::TinyInt,
        "DurationType" => ColumnType::Duration,
        _ => return None,
    })
}

/// Renders `typ` as Cassandra's marshal class name (the inverse of [`parse_marshal_class`]).
///
/// Freezing is not part of [`ColumnType`], so collections and UDTs are rendered without
/// `FrozenType(..)`, except for the element of a vector, which Cassandra always freezes (and
/// writes as `FrozenType(..)` when it is a collection or a UDT).
pub fn marshal_class_name(typ: &ColumnType) -> String {
    let mut out = String::new();
    render(typ, &mut out);
    out
}

fn render(typ: &ColumnType, out: &mut String) {
    let simple = match typ {
        ColumnType::Custom(class) => {
            out.push_str(class);
            return;
        }
        ColumnType::Ascii => "AsciiType",
        ColumnType::BigInt => "LongType",
        ColumnType::Blob => "BytesType",
        ColumnType::Boolean => "BooleanType",
        ColumnType::Counter => "CounterColumnType",
        ColumnType::Decimal => "DecimalType",
        ColumnType::Double => "DoubleType",
        ColumnType::Float => "FloatType",
        ColumnType::Int => "Int32Type",
        ColumnType::Timestamp => "TimestampType",
        ColumnType::Uuid => "UUIDType",
        ColumnType::Text => "UTF8Type",
        ColumnType::Varint => "IntegerType",
        ColumnType::Timeuuid => "TimeUUIDType",
        ColumnType::Inet => "InetAddressType",
        ColumnType::Date => "SimpleDateType",
        ColumnType::Time => "TimeType",
        ColumnType::SmallInt => "ShortType",
        ColumnType::TinyInt => "ByteType",
        ColumnType::Duration => "DurationType",
        ColumnType::List(e) => return render_params(out, "ListType", [e.as_ref()]),
        ColumnType::Set(e) => return render_params(out, "SetType", [e.as_ref()]),
        ColumnType::Map(k, v) => return render_params(out, "MapType", [k.as_ref(), v.as_ref()]),
        ColumnType::Tuple(items) => return render_params(out, "TupleType", items),
        ColumnType::Udt {
            keyspace,
            name,
            fields,
        } => {
            out.push_str(PACKAGE);
            out.push_str("UserType(");
            out.push_str(keyspace);
            out.push(',');
            push_hex(out, name);
            for (field, field_type) in fields {
                out.push(',');
                push_hex(out, field);
                out.push(':');
                render(field_type, out);
            }
            out.push(')');
            return;
        }
        ColumnType::Vector { element, dimension } => {
            out.push_str(PACKAGE);
            out.push_str("VectorType(");
            let frozen = element.is_collection() || matches!(**element, ColumnType::Udt { .. });
            if frozen {
                out.push_str(PACKAGE);
                out.push_str("FrozenType(");
            }
            render(element, out);
            if frozen {
                out.push(')');
            }
            out.push_str(" , ");
            out.push_str(&dimension.to_string());
            out.push(')');
            return;
        }
    };
    out.push_str(PACKAGE);
    out.push_str(simple);
}

fn render_params<'t>(
    out: &mut String,
    class: &str,
    params: impl IntoIterator<Item = &'t ColumnType>,
) {
    out.push_str(PACKAGE);
    out.push_str(class);
    out.push('(');
    for (i, p) in params.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        render(p, out);
    }
    out.push(')');
}

fn push_hex(out: &mut String, s: &str) {
    for b in s.bytes() {
        out.push_str(&format!("{b:02x}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> ColumnType {
        parse_marshal_class(s).expect("parses")
    }

    #[test]
    fn simple_and_unqualified_names() {
        assert_eq!(
            p("org.apache.cassandra.db.marshal.UTF8Type"),
            ColumnType::Text
        );
        assert_eq!(p("Int32Type"), ColumnType::Int);
        assert_eq!(p(" IntegerType "), ColumnType::Varint);
    }

    #[test]
    fn collections_wrappers_and_tuples() {
        assert_eq!(
            p(
                "org.apache.cassandra.db.marshal.MapType(org.apache.cassandra.db.marshal.UTF8Type,org.apache.cassandra.db.marshal.FrozenType(org.apache.cassandra.db.marshal.ListType(org.apache.cassandra.db.marshal.Int32Type)))"
            ),
            ColumnType::Map(
                Box::new(ColumnType::Text),
                Box::new(ColumnType::List(Box::new(ColumnType::Int)))
            )
        );
        assert_eq!(
            p("ReversedType(TupleType(Int32Type, UTF8Type))"),
            ColumnType::Tuple(vec![ColumnType::Int, ColumnType::Text])
        );
    }

    #[test]
    fn user_type_names_are_hex() {
        // "address" with fields "street" text and "zip" int.
        let t = p(
            "org.apache.cassandra.db.marshal.UserType(ks,61646472657373,737472656574:org.apache.cassandra.db.marshal.UTF8Type,7a6970:org.apache.cassandra.db.marshal.Int32Type)",
        );
        assert_eq!(
            t,
            ColumnType::Udt {
                keyspace: "ks".into(),
                name: "address".into(),
                fields: vec![
                    ("street".into(), ColumnType::Text),
                    ("zip".into(), ColumnType::Int)
                ],
            }
        );
        assert_eq!(p(&marshal_class_name(&t)), t);
        assert!(parse_marshal_class("UserType(ks,6g)").is_err());
    }

    #[test]
    fn vectors_and_their_rendering() {
        let class = "org.apache.cassandra.db.marshal.VectorType(org.apache.cassandra.db.marshal.FloatType , 3)";
        let v = ColumnType::Vector {
            element: Box::new(ColumnType::Float),
            dimension: 3,
        };
        assert_eq!(p(class), v);
        assert_eq!(marshal_class_name(&v), class);
        let nested = ColumnType::Vector {
            element: Box::new(ColumnType::List(Box::new(ColumnType::Int))),
            dimension: 2,
        };
        let rendered = marshal_class_name(&nested);
        assert!(rendered.contains("VectorType(org.apache.cassandra.db.marshal.FrozenType("));
        assert_eq!(p(&rendered), nested);
        assert!(parse_marshal_class("VectorType(FloatType, 0)").is_err());
        assert!(parse_marshal_class("VectorType(FloatType, x)").is_err());
    }

    #[test]
    fn unknown_classes_stay_custom_with_their_parameters() {
        assert_eq!(
            p("LexicalUUIDType"),
            ColumnType::Custom("org.apache.cassandra.db.marshal.LexicalUUIDType".into())
        );
        assert_eq!(
            p("com.example.Foo(a,b(c))"),
            ColumnType::Custom("com.example.Foo(a,b(c))".into())
        );
        assert_eq!(
            p("ListType(com.example.Bar)"),
            ColumnType::List(Box::new(ColumnType::Custom("com.example.Bar".into())))
        );
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let e = parse_marshal_class("ListType(Int32Type").expect_err("unclosed");
        assert_eq!(e.position, 18);
        assert!(parse_marshal_class("").is_err());
        assert!(parse_marshal_class("Int32Type junk").is_err());
        let deep = "ListType(".repeat(500) + "Int32Type" + &")".repeat(500);
        assert!(parse_marshal_class(&deep).is_err());
    }
}

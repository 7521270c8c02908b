//! Reading CQL type text as `system_schema` stores it (`frozen<map<text, "Geo">>`,
//! `vector<float, 3>`, `'org.example.MyType'`) into a [`ColumnType`].
//!
//! The wire type has no `frozen`, so it is dropped; a quoted class name goes through the
//! protocol's marshal-class parser (which knows `VectorType` and DSE geometries); user
//! types are resolved by the caller, who knows the keyspace's types.

use cassia_protocol::types::{ColumnType, parse_marshal_class};

/// How deeply types may nest (collections in user types in ...) before parsing gives up.
pub(super) const MAX_DEPTH: usize = 32;

/// Parses `text`; `udt` resolves a user type name (unquoted). `None` when the text is not a
/// type this parser reads or names an unknown user type.
pub(super) fn parse(text: &str, udt: &dyn Fn(&str) -> Option<ColumnType>) -> Option<ColumnType> {
    let mut p = Parser {
        s: text.as_bytes(),
        pos: 0,
        udt,
    };
    let t = p.ty(0)?;
    p.blank();
    (p.pos == p.s.len()).then_some(t)
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
    udt: &'a dyn Fn(&str) -> Option<ColumnType>,
}

impl Parser<'_> {
    fn blank(&mut self) {
        while self.s.get(self.pos).is_some_and(u8::is_ascii_whitespace) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.blank();
        (self.s.get(self.pos) == Some(&c)).then(|| self.pos += 1)
    }

    /// A quoted string or identifier (`quote` doubled inside stands for itself).
    fn quoted(&mut self, quote: u8) -> Option<String> {
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let c = *self.s.get(self.pos)?;
            self.pos += 1;
            if c == quote {
                if self.s.get(self.pos) == Some(&quote) {
                    self.pos += 1;
                } else {
                    return String::from_utf8(out).ok();
                }
            }
            out.push(c);
        }
    }

    fn word(&mut self) -> Option<String> {
        let start = self.pos;
        while self
            .s
            .get(self.pos)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.')
        {
            self.pos += 1;
        }
        (self.pos > start).then(|| String::from_utf8_lossy(&self.s[start..self.pos]).into_owned())
    }

    fn ty(&mut self, depth: usize) -> Option<ColumnType> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.blank();
        match self.s.get(self.pos)? {
            b'\'' => return parse_marshal_class(&self.quoted(b'\'')?).ok(),
            b'"' => return (self.udt)(&self.quoted(b'"')?),
            _ => {}
        }
        let word = self.word()?;
        let inner = |p: &mut Self| p.ty(depth + 1);
        Some(match word.to_ascii_lowercase().as_str() {
            "frozen" => {
                self.eat(b'<')?;
                let t = inner(self)?;
                self.eat(b'>')?;
                t
            }
            "list" | "set" => {
                self.eat(b'<')?;
                let t = Box::new(inner(self)?);
                self.eat(b'>')?;
                if word.eq_ignore_ascii_case("list") {
                    ColumnType::List(t)
                } else {
                    ColumnType::Set(t)
                }
            }
            "map" => {
                self.eat(b'<')?;
                let k = inner(self)?;
                self.eat(b',')?;
                let v = inner(self)?;
                self.eat(b'>')?;
                ColumnType::Map(Box::new(k), Box::new(v))
            }
            "tuple" => {
                self.eat(b'<')?;
                let mut items = vec![inner(self)?];
                while self.eat(b',').is_some() {
                    items.push(inner(self)?);
                }
                self.eat(b'>')?;
                ColumnType::Tuple(items)
            }
            "vector" => {
                self.eat(b'<')?;
                let element = Box::new(inner(self)?);
                self.eat(b',')?;
                self.blank();
                let dimension = self.word()?.parse().ok()?;
                self.eat(b'>')?;
                ColumnType::Vector { element, dimension }
            }
            "ascii" => ColumnType::Ascii,
            "bigint" => ColumnType::BigInt,
            "blob" => ColumnType::Blob,
            "boolean" => ColumnType::Boolean,
            "counter" => ColumnType::Counter,
            "decimal" => ColumnType::Decimal,
            "double" => ColumnType::Double,
            "float" => ColumnType::Float,
            "int" => ColumnType::Int,
            "timestamp" => ColumnType::Timestamp,
            "uuid" => ColumnType::Uuid,
            "text" | "varchar" => ColumnType::Text,
            "varint" => ColumnType::Varint,
            "timeuuid" => ColumnType::Timeuuid,
            "inet" => ColumnType::Inet,
            "date" => ColumnType::Date,
            "time" => ColumnType::Time,
            "smallint" => ColumnType::SmallInt,
            "tinyint" => ColumnType::TinyInt,
            "duration" => ColumnType::Duration,
            // Unquoted user type names are stored as written (lower case).
            _ => (self.udt)(&word)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_udt(_: &str) -> Option<ColumnType> {
        None
    }

    fn udt(name: &str) -> Option<ColumnType> {
        Some(ColumnType::Udt {
            keyspace: "ks".into(),
            name: name.into(),
            fields: Vec::new(),
        })
    }

    #[test]
    fn reads_scalars_collections_and_frozen() {
        use ColumnType::*;
        assert_eq!(parse("text", &no_udt), Some(Text));
        assert_eq!(parse(" varchar ", &no_udt), Some(Text));
        assert_eq!(
            parse("frozen<map<text, frozen<list<int>>>>", &no_udt),
            Some(Map(Box::new(Text), Box::new(List(Box::new(Int)))))
        );
        assert_eq!(
            parse("tuple<int, set<uuid>>", &no_udt),
            Some(Tuple(vec![Int, Set(Box::new(Uuid))]))
        );
        assert_eq!(
            parse("vector<float, 3>", &no_udt),
            Some(Vector {
                element: Box::new(Float),
                dimension: 3
            })
        );
        assert_eq!(
            parse("'org.apache.cassandra.db.marshal.PointType'", &no_udt),
            parse_marshal_class("org.apache.cassandra.db.marshal.PointType").ok()
        );
    }

    #[test]
    fn user_types_go_to_the_resolver_and_bad_text_is_none() {
        assert_eq!(parse("frozen<\"Geo\">", &udt), udt("Geo"));
        assert_eq!(parse("address", &udt), udt("address"));
        assert_eq!(parse("address", &no_udt), None);
        assert_eq!(parse("map<text>", &no_udt), None);
        assert_eq!(parse("list<int> extra", &no_udt), None);
        assert_eq!(parse("vector<float, x>", &no_udt), None);
    }
}

//! Parsing the CQL type strings of `values.json` (`frozen<list<frozen<map<text, int>>>>`,
//! `vector<float, 3>`, UDT names) into the protocol's [`ColumnType`].
//!
//! The suite needs the type to turn the language-neutral notation into a [`CqlValue`]
//! (`values.rs`); `frozen<>` carries no meaning for values and is dropped, as on the wire.
//! A quoted custom class (`'PointType'`) is qualified with Cassandra's marshal package, as
//! the node does, since values are decoded by the qualified name the wire carries.
//!
//! [`CqlValue`]: cassia_driver::CqlValue

use cassia_driver::ColumnType;

use crate::values::NotationError;

/// A user-defined type declared in `values.json`: its name and `(field, type)` pairs.
#[derive(Debug, Clone)]
pub struct UdtDecl {
    pub name: String,
    pub fields: Vec<(String, String)>,
}

/// Parses `text` into a column type, resolving UDT names against `udts` (in `keyspace`).
pub fn parse(text: &str, udts: &[UdtDecl], keyspace: &str) -> Result<ColumnType, NotationError> {
    let mut p = Parser {
        text,
        pos: 0,
        udts,
        keyspace,
    };
    let t = p.one()?;
    p.ws();
    if p.pos != text.len() {
        return Err(p.error("trailing characters"));
    }
    Ok(t)
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    udts: &'a [UdtDecl],
    keyspace: &'a str,
}

impl Parser<'_> {
    fn error(&self, reason: &str) -> NotationError {
        NotationError::Type {
            text: self.text.to_string(),
            position: self.pos,
            reason: reason.to_string(),
        }
    }

    fn ws(&mut self) {
        while self.text[self.pos..].starts_with(' ') {
            self.pos += 1;
        }
    }

    fn word(&mut self) -> &str {
        let rest = &self.text[self.pos..];
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        self.pos += len;
        &rest[..len]
    }

    fn eat(&mut self, c: char) -> bool {
        self.ws();
        if self.text[self.pos..].starts_with(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Result<(), NotationError> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.error(&format!("expected `{c}`")))
        }
    }

    fn one(&mut self) -> Result<ColumnType, NotationError> {
        self.ws();
        if self.eat('\'') {
            let rest = &self.text[self.pos..];
            let len = rest
                .find('\'')
                .ok_or_else(|| self.error("unterminated custom class"))?;
            let class = &rest[..len];
            self.pos += len + 1;
            return Ok(ColumnType::Custom(if class.contains('.') {
                class.to_string()
            } else {
                format!("org.apache.cassandra.db.marshal.{class}")
            }));
        }
        let name = self.word().to_ascii_lowercase();
        let t = match name.as_str() {
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
            "frozen" => {
                self.expect('<')?;
                let inner = self.one()?;
                self.expect('>')?;
                inner
            }
            "list" | "set" => {
                self.expect('<')?;
                let inner = Box::new(self.one()?);
                self.expect('>')?;
                if name == "list" {
                    ColumnType::List(inner)
                } else {
                    ColumnType::Set(inner)
                }
            }
            "map" => {
                self.expect('<')?;
                let k = Box::new(self.one()?);
                self.expect(',')?;
                let v = Box::new(self.one()?);
                self.expect('>')?;
                ColumnType::Map(k, v)
            }
            "tuple" => {
                self.expect('<')?;
                let mut items = vec![self.one()?];
                while self.eat(',') {
                    items.push(self.one()?);
                }
                self.expect('>')?;
                ColumnType::Tuple(items)
            }
            "vector" => {
                self.expect('<')?;
                let element = Box::new(self.one()?);
                self.expect(',')?;
                self.ws();
                let dimension = self
                    .word()
                    .parse::<u32>()
                    .map_err(|_| self.error("bad vector dimension"))?;
                self.expect('>')?;
                ColumnType::Vector { element, dimension }
            }
            other => self.udt(other)?,
        };
        Ok(t)
    }

    fn udt(&self, name: &str) -> Result<ColumnType, NotationError> {
        let decl = self
            .udts
            .iter()
            .find(|u| u.name == name)
            .ok_or_else(|| self.error(&format!("unknown type `{name}`")))?;
        let mut fields = Vec::with_capacity(decl.fields.len());
        for (field, text) in &decl.fields {
            fields.push((field.clone(), parse(text, self.udts, self.keyspace)?));
        }
        Ok(ColumnType::Udt {
            keyspace: self.keyspace.to_string(),
            name: name.to_string(),
            fields,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_frozen_and_vector_types_parse() {
        let t = parse("frozen<list<frozen<map<text, int>>>>", &[], "ks");
        assert_eq!(
            t.ok(),
            Some(ColumnType::List(Box::new(ColumnType::Map(
                Box::new(ColumnType::Text),
                Box::new(ColumnType::Int)
            ))))
        );
        let v = parse("vector<float, 3>", &[], "ks");
        assert_eq!(
            v.ok(),
            Some(ColumnType::Vector {
                element: Box::new(ColumnType::Float),
                dimension: 3
            })
        );
        assert_eq!(
            parse("'PointType'", &[], "ks").ok(),
            Some(ColumnType::Custom(
                "org.apache.cassandra.db.marshal.PointType".into()
            ))
        );
        assert_eq!(
            parse("'com.example.T'", &[], "ks").ok(),
            Some(ColumnType::Custom("com.example.T".into()))
        );
        assert!(parse("'PointType", &[], "ks").is_err());
        assert!(parse("map<int>", &[], "ks").is_err());
        assert!(parse("nosuchudt", &[], "ks").is_err());
    }
}

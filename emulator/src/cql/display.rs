//! `Display` for the syntax tree: renders canonical CQL (upper-case keywords, names quoted
//! only when needed, single spaces), for error messages and the schema tables.
//!
//! The rendering re-parses to the same tree (see the round-trip tests), with one exception:
//! [`Statement::Unsupported`] only remembers its kind, so it renders as that kind.
//! Statements live in `display/dml.rs` and `display/ddl.rs`; this file holds names, literals,
//! terms and types.

mod ddl;
mod dml;

use std::fmt::{self, Display, Formatter, Write as _};

use super::ast::{BindMarker, CqlType, Literal, NativeType, OptionValue, QualifiedName, Term};
use super::lexer::{Tok, lex};
use super::parser::is_reserved_word;

/// An identifier, double-quoted when it would not read back unchanged unquoted.
pub(crate) struct Ident<'a>(pub &'a str);

impl Display for Ident<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if is_plain_identifier(self.0) {
            f.write_str(self.0)
        } else {
            f.write_char('"')?;
            f.write_str(&self.0.replace('"', "\"\""))?;
            f.write_char('"')
        }
    }
}

/// Whether `name` lexes as one lower-case, non-reserved word.
fn is_plain_identifier(name: &str) -> bool {
    let plain_chars = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !plain_chars || is_reserved_word(name) {
        return false;
    }
    let chars: Vec<char> = name.chars().collect();
    match lex(&chars) {
        Ok(lexed) => matches!(lexed.tokens.as_slice(), [w, eof]
            if matches!(&w.tok, Tok::Word(s) if s == name) && matches!(eof.tok, Tok::Eof)),
        Err(_) => false,
    }
}

/// Items joined by `", "`.
pub(crate) struct Comma<'a, T>(pub &'a [T]);

impl<T: Display> Display for Comma<'_, T> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            item.fmt(f)?;
        }
        Ok(())
    }
}

/// Identifiers joined by `", "`.
pub(crate) struct Idents<'a>(pub &'a [String]);

impl Display for Idents<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, name) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            Ident(name).fmt(f)?;
        }
        Ok(())
    }
}

impl Display for QualifiedName {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(ks) = &self.keyspace {
            write!(f, "{}.", Ident(ks))?;
        }
        Ident(&self.name).fmt(f)
    }
}

/// A string literal with `''` escapes.
pub(crate) struct Quoted<'a>(pub &'a str);

impl Display for Quoted<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('\'')?;
        f.write_str(&self.0.replace('\'', "''"))?;
        f.write_char('\'')
    }
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("null"),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Integer(s) | Literal::Float(s) | Literal::Duration(s) => f.write_str(s),
            Literal::String(s) => Quoted(s).fmt(f),
            Literal::Blob(_, text) | Literal::OddHexBlob(text) => f.write_str(text),
            Literal::Uuid(u) => write!(f, "{}", u.hyphenated()),
        }
    }
}

impl Display for BindMarker {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => write!(f, ":{}", Ident(name)),
            None => f.write_char('?'),
        }
    }
}

impl Display for Term {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Term::Literal(l) => l.fmt(f),
            Term::Bind(m) => m.fmt(f),
            Term::List(items) => write!(f, "[{}]", Comma(items)),
            Term::Set(items) => write!(f, "{{{}}}", Comma(items)),
            Term::Map(entries) => {
                f.write_char('{')?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_char('}')
            }
            Term::Tuple(items) => write!(f, "({})", Comma(items)),
            Term::Udt(fields) => {
                f.write_char('{')?;
                for (i, (name, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}: {v}", Ident(name))?;
                }
                f.write_char('}')
            }
            Term::Function { name, args } => match (operator_symbol(name), args.as_slice()) {
                // Terms have no grouping parentheses in CQL; the parser only builds
                // left-deep chains, which print correctly without them.
                (Some(op), [left, right]) => write!(f, "{left} {op} {right}"),
                _ => write!(f, "{}({})", FunctionName(name), Comma(args)),
            },
            Term::Cast(typ, inner) => write!(f, "({typ}) {inner}"),
            Term::Negate(inner) => {
                let inner = inner.to_string();
                // `--` would start a comment.
                let sep = if inner.starts_with('-') { " " } else { "" };
                write!(f, "-{sep}{inner}")
            }
        }
    }
}

/// The infix symbol of Cassandra's internal operator functions (`_add` is `+`...).
pub(crate) fn operator_symbol(name: &str) -> Option<&'static str> {
    Some(match name {
        "_add" => "+",
        "_substract" => "-",
        "_multiply" => "*",
        "_divide" => "/",
        "_modulo" => "%",
        _ => return None,
    })
}

/// Words that, followed by `(`, are not ordinary function calls.
const SPECIAL_CALLS: &[&str] = &["ttl", "writetime", "key", "cast", "json", "distinct"];

/// A function name as stored in the tree (`name` or `ks.name`).
pub(crate) struct FunctionName<'a>(pub &'a str);

impl Display for FunctionName<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let name = self.0;
        // `token` and `count` are reserved or special words but valid function names.
        if name == "token" || name == "count" {
            return f.write_str(name);
        }
        match name.split_once('.') {
            Some((ks, func)) if !ks.is_empty() => write!(f, "{}.{}", Ident(ks), Ident(func)),
            // `ttl(x)`, `writetime(x)`, `cast(...)` have their own syntax: quote to mean a
            // function of that name.
            _ if SPECIAL_CALLS.contains(&name) => write!(f, "\"{name}\""),
            _ => Ident(name).fmt(f),
        }
    }
}

impl NativeType {
    /// The type's CQL name (`bigint`, `timeuuid`, ...), as Cassandra prints it.
    pub fn cql_name(self) -> &'static str {
        match self {
            NativeType::Ascii => "ascii",
            NativeType::BigInt => "bigint",
            NativeType::Blob => "blob",
            NativeType::Boolean => "boolean",
            NativeType::Counter => "counter",
            NativeType::Date => "date",
            NativeType::Decimal => "decimal",
            NativeType::Double => "double",
            NativeType::Duration => "duration",
            NativeType::Float => "float",
            NativeType::Inet => "inet",
            NativeType::Int => "int",
            NativeType::SmallInt => "smallint",
            NativeType::Text => "text",
            NativeType::Time => "time",
            NativeType::Timestamp => "timestamp",
            NativeType::Timeuuid => "timeuuid",
            NativeType::TinyInt => "tinyint",
            NativeType::Uuid => "uuid",
            NativeType::Varint => "varint",
        }
    }
}

impl Display for NativeType {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.cql_name())
    }
}

impl Display for CqlType {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            CqlType::Native(n) => n.fmt(f),
            CqlType::List(t) => write!(f, "list<{t}>"),
            CqlType::Set(t) => write!(f, "set<{t}>"),
            CqlType::Map(k, v) => write!(f, "map<{k}, {v}>"),
            CqlType::Tuple(items) => write!(f, "tuple<{}>", Comma(items)),
            CqlType::Frozen(t) => write!(f, "frozen<{t}>"),
            CqlType::UserType(name) => name.fmt(f),
            CqlType::Vector(t, n) => write!(f, "vector<{t}, {n}>"),
            CqlType::Custom(class) => Quoted(class).fmt(f),
        }
    }
}

impl Display for OptionValue {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            OptionValue::Literal(l) => l.fmt(f),
            OptionValue::Identifier(id) => f.write_str(id),
            OptionValue::Map(entries) => ConstMap(entries).fmt(f),
        }
    }
}

/// `{k: v, ...}` of constants.
pub(crate) struct ConstMap<'a>(pub &'a [(Literal, Literal)]);

impl Display for ConstMap<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('{')?;
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{k}: {v}")?;
        }
        f.write_char('}')
    }
}

/// `name = value AND ...` for `WITH` clauses.
pub(crate) struct Properties<'a>(pub &'a [(String, OptionValue)]);

impl Display for Properties<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, (name, value)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" AND ")?;
            }
            write!(f, "{} = {value}", Ident(name))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_only_when_needed() {
        let show = |s: &str| Ident(s).to_string();
        assert_eq!(show("abc_1"), "abc_1");
        assert_eq!(show("key"), "key");
        assert_eq!(show("Abc"), "\"Abc\"");
        assert_eq!(show("select"), "\"select\"");
        assert_eq!(show("p1d"), "\"p1d\"");
        assert_eq!(show("a\"b"), "\"a\"\"b\"");
        assert_eq!(show(""), "\"\"");
        assert_eq!(show("1a"), "\"1a\"");
    }

    #[test]
    fn literals_and_terms() {
        let t = Term::List(vec![
            Term::Literal(Literal::String("it's".into())),
            Term::Literal(Literal::Blob(vec![0xca, 0x0e], "0xCA0e".into())),
            Term::Negate(Box::new(Term::Negate(Box::new(Term::Bind(BindMarker {
                index: 0,
                name: Some("N".into()),
            }))))),
        ]);
        assert_eq!(t.to_string(), "['it''s', 0xCA0e, - -:\"N\"]");
    }
}

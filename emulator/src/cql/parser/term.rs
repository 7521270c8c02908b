//! Terms (`term`/`value`/`constant` in Parser.g), CQL types (`comparatorType`) and
//! `WITH` option values.
//!
//! Disambiguations, as in Cassandra: `{ident: ...}` is a UDT literal while `{'k': ...}` is a
//! map; `(type) term` is a cast while `(a, b)` is a tuple; a `-` directly before a number,
//! duration, `NaN` or `Infinity` is part of the literal.

use super::super::ast::{CqlType, Literal, NativeType, OptionValue, QualifiedName, Term};
use super::super::error::{SyntaxError, SyntaxErrorKind};
use super::super::lexer::{Tok, hex_bytes};
use super::{PResult, Parser, keywords};

/// `NumberFormatException`'s message for `new BigDecimal("Infinity")` on the Java 11 runtime
/// Cassandra 4.0's images ship (Java 8 gives no message).
const FLOAT_OVERFLOW: &str = "NumberFormatException Character I is neither a decimal digit number, \
     decimal point, nor \"e\" notation exponential mark.";

impl Parser<'_> {
    /// A literal constant at the cursor, with an optional leading `-` for numbers.
    ///
    /// Fails only for a float literal too large for a double: Cassandra builds the literal in
    /// a grammar action (`Constants.Literal.floatingPoint`), which compares the value with
    /// `BigDecimal.valueOf(doubleValue)`; for `1e400` that is `new BigDecimal("Infinity")`,
    /// whose `NumberFormatException` escapes the parser and fails the whole statement.
    pub(crate) fn try_constant(&mut self) -> PResult<Option<Literal>> {
        let negative = self.is_sym("-");
        let at = usize::from(negative);
        let lit = match self.peek(at) {
            Tok::Integer(s) => Literal::Integer(signed(negative, s)),
            Tok::Float(s) if s.parse::<f64>().is_ok_and(f64::is_infinite) => {
                return Err(self.failed_parsing(FLOAT_OVERFLOW));
            }
            Tok::Float(s) => Literal::Float(signed(negative, s)),
            Tok::Duration(s) => Literal::Duration(signed(negative, s)),
            Tok::Word(w) if w.eq_ignore_ascii_case("nan") => Literal::Float("NaN".to_owned()),
            Tok::Word(w) if w.eq_ignore_ascii_case("infinity") => {
                Literal::Float(signed(negative, "Infinity"))
            }
            _ if negative => return Ok(None),
            Tok::Str(s) => Literal::String(s.clone()),
            Tok::Hex(text) => match hex_bytes(text.get(2..).unwrap_or_default()) {
                Some(bytes) => Literal::Blob(bytes, text.clone()),
                None => Literal::OddHexBlob(text.clone()),
            },
            Tok::Uuid(u) => Literal::Uuid(*u),
            Tok::Word(w) if w.eq_ignore_ascii_case("true") => Literal::Bool(true),
            Tok::Word(w) if w.eq_ignore_ascii_case("false") => Literal::Bool(false),
            _ => return Ok(None),
        };
        for _ in 0..=at {
            self.bump();
        }
        Ok(Some(lit))
    }

    /// The `SyntaxException` Cassandra's `QueryProcessor.parseStatement` makes of a runtime
    /// exception thrown inside the parser: the whole statement, the exception's class and its
    /// message.
    fn failed_parsing(&self, reason: &str) -> SyntaxError {
        let statement: String = self.src.iter().collect();
        self.error(SyntaxErrorKind::Invalid {
            message: format!("Failed parsing statement: [{statement}] reason: {reason}"),
        })
    }

    /// A term: `termAddition` in Parser.g. Arithmetic becomes calls of Cassandra's internal
    /// operator functions (`_add`, `_substract`, `_multiply`, `_divide`, `_modulo`), which is
    /// how Cassandra itself represents them; unary minus on a non-literal is [`Term::Negate`].
    pub(crate) fn term(&mut self) -> PResult<Term> {
        self.nested(|p| {
            let mut left = p.term_multiplication()?;
            loop {
                let name = match p.peek(0) {
                    Tok::Sym("+") => "_add",
                    Tok::Sym("-") => "_substract",
                    _ => return Ok(left),
                };
                // `l = [1] + l` (prepend) is not an addition: a bare column name follows.
                if !p.operand_follows(1) {
                    return Ok(left);
                }
                p.bump();
                p.grow_chain()?;
                let right = p.term_multiplication()?;
                left = operation(name, left, right);
            }
        })
    }

    fn term_multiplication(&mut self) -> PResult<Term> {
        let mut left = self.term_group()?;
        loop {
            let name = match self.peek(0) {
                Tok::Sym("*") => "_multiply",
                Tok::Sym("/") => "_divide",
                Tok::Sym("%") => "_modulo",
                _ => return Ok(left),
            };
            self.bump();
            self.grow_chain()?;
            let right = self.term_group()?;
            left = operation(name, left, right);
        }
    }

    /// Whether the token `ahead` can start an operand of an arithmetic operator (a bare
    /// identifier cannot: it is a column, as in `l = [1] + l`).
    pub(crate) fn operand_follows(&self, ahead: usize) -> bool {
        match self.peek(ahead) {
            Tok::Word(w) if is_literal_word(w) => true,
            Tok::Word(_) => {
                self.is_sym_at(ahead + 1, "(")
                    || (self.is_sym_at(ahead + 1, ".") && self.is_sym_at(ahead + 3, "("))
            }
            Tok::Sym(":") => self.ident_at(ahead + 1).is_some(),
            Tok::Sym(s) => matches!(*s, "(" | "[" | "{" | "-"),
            Tok::QuotedName(_) => self.is_sym_at(ahead + 1, "("),
            Tok::Eof => false,
            _ => true,
        }
    }

    /// One operand without arithmetic around it (selectors handle their own operators).
    pub(crate) fn term_operand(&mut self) -> PResult<Term> {
        self.nested(Self::term_group)
    }

    /// `termGroup`: a simple term with an optional unary minus. It does not count a nesting
    /// level itself; the places that recurse into it (`-`, casts) do.
    fn term_group(&mut self) -> PResult<Term> {
        self.term_inner()
    }

    fn term_inner(&mut self) -> PResult<Term> {
        if let Some(lit) = self.try_constant()? {
            return Ok(Term::Literal(lit));
        }
        if self.eat_kw("NULL") {
            return Ok(Term::Literal(Literal::Null));
        }
        if let Some(m) = self.try_marker()? {
            return Ok(Term::Bind(m));
        }
        if self.eat_sym("-") {
            let inner = self.nested(Self::term_group)?;
            return Ok(Term::Negate(Box::new(inner)));
        }
        if self.is_sym("[") {
            self.bump();
            let items = self.comma_list("]", Self::term)?;
            return Ok(Term::List(items));
        }
        if self.is_sym("{") {
            return self.brace_literal();
        }
        if self.is_sym("(") {
            return self.paren_term();
        }
        if self.is_kw("CAST") && self.is_sym_at(1, "(") {
            self.bump();
            self.bump();
            let inner = self.term()?;
            self.expect_kw("AS")?;
            let typ = self.cql_type()?;
            self.expect_sym(")")?;
            return Ok(Term::Cast(typ, Box::new(inner)));
        }
        if let Some(name) = self.try_function_name() {
            self.expect_sym("(")?;
            let args = self.comma_list(")", Self::term)?;
            return Ok(Term::Function { name, args });
        }
        if self.ident_at(0).is_some() {
            // A name that is not followed by `(`: ANTLR looked ahead for a function call, so
            // it reports the next token and brackets the name (`values ([\"cpu.loa]d\",...)`).
            let start = self.position();
            self.bump();
            if self.is_sym(".") && self.ident_at(1).is_some() {
                self.bump();
                self.bump();
            }
            return Err(self.no_viable_since(start));
        }
        Err(self.no_viable())
    }

    /// Items separated by `,` up to `close` (already past the opening bracket).
    pub(crate) fn comma_list<T>(
        &mut self,
        close: &str,
        mut item: impl FnMut(&mut Self) -> PResult<T>,
    ) -> PResult<Vec<T>> {
        let mut items = Vec::new();
        if self.eat_sym(close) {
            return Ok(items);
        }
        loop {
            items.push(item(self)?);
            if self.eat_sym(close) {
                return Ok(items);
            }
            self.expect_sym(",")
                .map_err(|_| self.mismatched(&format!("'{close}'")))?;
        }
    }

    /// `{...}`: map, set or UDT literal.
    fn brace_literal(&mut self) -> PResult<Term> {
        self.expect_sym("{")?;
        if self.eat_sym("}") {
            return Ok(Term::Map(Vec::new()));
        }
        if self.ident_at(0).is_some() && self.is_sym_at(1, ":") {
            let fields = self.comma_list("}", |p| {
                let f = p.ident()?;
                p.expect_sym(":")?;
                Ok((f, p.term()?))
            })?;
            return Ok(Term::Udt(fields));
        }
        let first = self.term()?;
        if self.eat_sym(":") {
            let v = self.term()?;
            let mut entries = vec![(first, v)];
            while self.eat_sym(",") {
                let k = self.term()?;
                self.expect_sym(":")?;
                entries.push((k, self.term()?));
            }
            self.expect_sym("}")?;
            return Ok(Term::Map(entries));
        }
        let mut items = vec![first];
        while self.eat_sym(",") {
            items.push(self.term()?);
        }
        self.expect_sym("}")?;
        Ok(Term::Set(items))
    }

    /// `(type) term` or a tuple literal.
    fn paren_term(&mut self) -> PResult<Term> {
        let m = self.mark();
        self.bump();
        // Only a word or a string can start a type; checking first keeps tuples of literals
        // from paying for a failed speculative type parse.
        let maybe_type = matches!(
            self.peek(0),
            Tok::Word(_) | Tok::Str(_) | Tok::QuotedName(_)
        );
        if maybe_type
            && let Ok(typ) = self.cql_type()
            && self.eat_sym(")")
            && self.starts_term()
        {
            let inner = self.nested(Self::term_group)?;
            return Ok(Term::Cast(typ, Box::new(inner)));
        }
        self.reset(m);
        self.bump();
        let first = self.term()?;
        let mut items = vec![first];
        while self.eat_sym(",") {
            items.push(self.term()?);
        }
        self.expect_sym(")")?;
        Ok(Term::Tuple(items))
    }

    /// Whether the cursor can start a term (used to tell a cast from a parenthesised tuple).
    fn starts_term(&self) -> bool {
        match self.peek(0) {
            // `token(...)` is a call even though `token` is reserved.
            Tok::Word(w) => {
                !keywords::is_reserved(w) || is_literal_word(w) || self.is_sym_at(1, "(")
            }
            // `:` starts a term only as a named marker (`(text) :name`), not in `{(x): v}`.
            Tok::Sym(":") => self.ident_at(1).is_some(),
            Tok::Sym(s) => matches!(*s, "(" | "[" | "{" | "-"),
            Tok::Eof => false,
            _ => true,
        }
    }

    /// A function name followed by `(`: `[ks.]name`. System keyspace prefixes are dropped.
    pub(crate) fn try_function_name(&mut self) -> Option<String> {
        let name_at = |p: &Self, i: usize| -> Option<String> {
            match p.peek(i) {
                Tok::Word(w)
                    if w.eq_ignore_ascii_case("token") || w.eq_ignore_ascii_case("count") =>
                {
                    Some(w.to_ascii_lowercase())
                }
                Tok::Word(w) if is_non_function_keyword(w) => None,
                _ => p.ident_at(i),
            }
        };
        let first = name_at(self, 0)?;
        if self.is_sym_at(1, "(") {
            self.bump();
            return Some(first);
        }
        if self.is_sym_at(1, ".") && self.is_sym_at(3, "(") {
            let second = name_at(self, 2)?;
            self.bump();
            self.bump();
            self.bump();
            return Some(if first == "system" {
                second
            } else {
                format!("{first}.{second}")
            });
        }
        None
    }

    /// `intValue`: an integer or a bind marker (LIMIT, TTL, TIMESTAMP).
    pub(crate) fn int_value(&mut self) -> PResult<Term> {
        if let Some(m) = self.try_marker()? {
            return Ok(Term::Bind(m));
        }
        let negative = self.is_sym("-");
        if let Tok::Integer(s) = self.peek(usize::from(negative)) {
            let lit = Literal::Integer(signed(negative, s));
            self.bump();
            if negative {
                self.bump();
            }
            return Ok(Term::Literal(lit));
        }
        Err(self.no_viable())
    }

    // ---- types ----------------------------------------------------------------------------

    /// `comparatorType`.
    pub(crate) fn cql_type(&mut self) -> PResult<CqlType> {
        self.nested(Self::cql_type_inner)
    }

    fn cql_type_inner(&mut self) -> PResult<CqlType> {
        if let Tok::Str(s) = self.peek(0) {
            let s = s.clone();
            self.bump();
            return Ok(CqlType::Custom(s));
        }
        let w = match self.peek(0) {
            Tok::Word(w) => w,
            Tok::QuotedName(_) => return self.qualified_name("type").map(CqlType::UserType),
            _ => return Err(self.no_viable()),
        };
        let lower = w.to_ascii_lowercase();
        if let Some(n) = native_type(&lower) {
            self.bump();
            return Ok(CqlType::Native(n));
        }
        let generic = matches!(
            lower.as_str(),
            "list" | "set" | "map" | "frozen" | "tuple" | "vector"
        );
        if generic && self.is_sym_at(1, "<") {
            self.bump();
            self.bump();
            let typ = match lower.as_str() {
                "list" => CqlType::List(Box::new(self.cql_type()?)),
                "set" => CqlType::Set(Box::new(self.cql_type()?)),
                "frozen" => CqlType::Frozen(Box::new(self.cql_type()?)),
                "map" => {
                    let k = self.cql_type()?;
                    self.expect_sym(",")?;
                    CqlType::Map(Box::new(k), Box::new(self.cql_type()?))
                }
                "tuple" => {
                    let mut items = vec![self.cql_type()?];
                    while self.eat_sym(",") {
                        items.push(self.cql_type()?);
                    }
                    CqlType::Tuple(items)
                }
                _ => {
                    let elem = self.cql_type()?;
                    self.expect_sym(",")?;
                    let Tok::Integer(n) = self.peek(0) else {
                        return Err(self.mismatched("INTEGER"));
                    };
                    let dim = n.parse::<u32>().map_err(|_| self.no_viable())?;
                    self.bump();
                    CqlType::Vector(Box::new(elem), dim)
                }
            };
            self.expect_sym(">")?;
            return Ok(typ);
        }
        // A user type: `[ks.]name`. `set` is reserved, the other generic names are not.
        if lower == "set" || self.ident_at(0).is_none() {
            return Err(self.no_viable());
        }
        let name = self.qualified_name("type")?;
        Ok(CqlType::UserType(name))
    }

    // ---- WITH options -----------------------------------------------------------------------

    /// `property (AND property)*`.
    pub(crate) fn properties(&mut self) -> PResult<Vec<(String, OptionValue)>> {
        let mut out = vec![self.property()?];
        while self.eat_kw("AND") {
            out.push(self.property()?);
        }
        Ok(out)
    }

    pub(crate) fn property(&mut self) -> PResult<(String, OptionValue)> {
        let name = self.ident()?;
        self.expect_sym("=")?;
        Ok((name, self.option_value()?))
    }

    /// `constant | unreserved_keyword | fullMapLiteral`.
    fn option_value(&mut self) -> PResult<OptionValue> {
        if let Some(lit) = self.try_constant()? {
            return Ok(OptionValue::Literal(lit));
        }
        if self.is_sym("{") {
            return self.constant_map().map(OptionValue::Map);
        }
        if let Tok::Word(w) = self.peek(0) {
            if !keywords::is_reserved(w) {
                let w = w.to_ascii_lowercase();
                self.bump();
                return Ok(OptionValue::Identifier(w));
            }
        }
        Err(self.no_viable())
    }

    /// `{const: const, ...}`: property maps and index options.
    pub(crate) fn constant_map(&mut self) -> PResult<Vec<(Literal, Literal)>> {
        self.expect_sym("{")?;
        self.comma_list("}", |p| {
            let k = p.try_constant()?.ok_or_else(|| p.no_viable())?;
            p.expect_sym(":")?;
            let v = p.try_constant()?.ok_or_else(|| p.no_viable())?;
            Ok((k, v))
        })
    }

    /// `[ks.]name` as a user type name, for `CREATE/ALTER/DROP TYPE`.
    /// Parser.g's `userTypeName`: `(noncol_ident '.')? non_type_ident`. An unquoted native
    /// type name (`int`, `text`...) is a keyword token there, so it cannot name a type, and
    /// `non_type_ident` refuses a few names reserved for future types.
    pub(crate) fn type_name(&mut self) -> PResult<QualifiedName> {
        let at = if self.is_sym_at(1, ".") { 2 } else { 0 };
        if let Tok::Word(w) = self.peek(at) {
            let lower = w.to_ascii_lowercase();
            if NATIVE_TYPE_WORDS.contains(&lower.as_str()) {
                if at == 2 {
                    self.bump();
                    self.bump();
                }
                return Err(self.no_viable());
            }
            if RESERVED_TYPE_NAMES.contains(&w.as_str()) {
                let message = format!("Invalid (reserved) user type name {w}");
                return Err(self.error(SyntaxErrorKind::Invalid { message }));
            }
        }
        self.qualified_name("type")
    }
}

/// The native type keywords of Parser.g (`native_type`), which `non_type_ident` rejects.
const NATIVE_TYPE_WORDS: [&str; 21] = [
    "ascii",
    "bigint",
    "blob",
    "boolean",
    "counter",
    "date",
    "decimal",
    "double",
    "duration",
    "float",
    "inet",
    "int",
    "smallint",
    "text",
    "time",
    "timestamp",
    "timeuuid",
    "tinyint",
    "uuid",
    "varchar",
    "varint",
];

/// Parser.g's `reservedTypeNames` (compared with the identifier as written).
const RESERVED_TYPE_NAMES: [&str; 7] = [
    "byte",
    "complex",
    "enum",
    "date",
    "interval",
    "macaddr",
    "bitstring",
];

fn operation(name: &str, left: Term, right: Term) -> Term {
    Term::Function {
        name: name.to_owned(),
        args: vec![left, right],
    }
}

fn signed(negative: bool, s: &str) -> String {
    if negative {
        format!("-{s}")
    } else {
        s.to_owned()
    }
}

fn is_literal_word(w: &str) -> bool {
    ["null", "true", "false", "nan", "infinity"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(w))
}

/// Unreserved keywords that still cannot name a function (Parser.g's `allowedFunctionName`
/// excludes them because they have their own selector syntax).
fn is_non_function_keyword(w: &str) -> bool {
    ["ttl", "writetime", "key", "cast", "json", "distinct"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(w))
}

/// Native type by lower-cased name.
pub(crate) fn native_type(name: &str) -> Option<NativeType> {
    Some(match name {
        "ascii" => NativeType::Ascii,
        "bigint" => NativeType::BigInt,
        "blob" => NativeType::Blob,
        "boolean" => NativeType::Boolean,
        "counter" => NativeType::Counter,
        "date" => NativeType::Date,
        "decimal" => NativeType::Decimal,
        "double" => NativeType::Double,
        "duration" => NativeType::Duration,
        "float" => NativeType::Float,
        "inet" => NativeType::Inet,
        "int" => NativeType::Int,
        "smallint" => NativeType::SmallInt,
        "text" | "varchar" => NativeType::Text,
        "time" => NativeType::Time,
        "timestamp" => NativeType::Timestamp,
        "timeuuid" => NativeType::Timeuuid,
        "tinyint" => NativeType::TinyInt,
        "uuid" => NativeType::Uuid,
        "varint" => NativeType::Varint,
        _ => return None,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::cql::ast::{Literal, Statement, Term};
    use crate::cql::parse_statement;

    fn first_value(cql: &str) -> Term {
        match parse_statement(cql).unwrap() {
            Statement::Insert(i) => i.values[1].clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn odd_hex_literals_keep_their_digits() {
        assert_eq!(
            first_value("INSERT INTO t (k, b) VALUES (1, 0x123)"),
            Term::Literal(Literal::OddHexBlob("0x123".into()))
        );
        assert_eq!(
            first_value("INSERT INTO t (k, b) VALUES (1, 0X0aBc)"),
            Term::Literal(Literal::Blob(vec![0x0a, 0xbc], "0X0aBc".into()))
        );
    }

    #[test]
    fn a_float_beyond_double_fails_the_whole_statement() {
        for cql in [
            "INSERT INTO t (k, d) VALUES (1, 1e400)",
            "INSERT INTO t (k, d) VALUES (1, -1.5E+999)",
        ] {
            let err = parse_statement(cql).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "Failed parsing statement: [{cql}] reason: NumberFormatException Character I \
                     is neither a decimal digit number, decimal point, nor \"e\" notation \
                     exponential mark."
                )
            );
        }
        // Tiny values round to zero, which Cassandra accepts (as a decimal-preferring literal).
        assert_eq!(
            first_value("INSERT INTO t (k, d) VALUES (1, 1e-400)"),
            Term::Literal(Literal::Float("1e-400".into()))
        );
    }
}

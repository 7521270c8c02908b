//! The recursive-descent CQL parser: entry points and the token cursor shared by the
//! statement-family modules (`select`, `modify`, `schema`, `other`), `term` (literals,
//! terms, types) and `errors` (syntax errors with Cassandra's snippet).
//!
//! It follows Cassandra 4.0's `Parser.g`. Keywords are matched case-insensitively on
//! [`Tok::Word`] tokens; a word may serve as an identifier unless it is one of the reserved
//! keywords (`keywords.rs`). Nesting of terms, types, selectors and relations is limited to
//! [`MAX_DEPTH`] so that hostile input cannot overflow the stack; every loop consumes a token
//! or stops, so parsing always terminates.
//!
//! Known differences from Cassandra 4.0, because the agreed syntax tree has no place for them
//! or because this parser is more lenient:
//! - not parsed: collection element/slice selectors (`SELECT m['k'], l[1..2]`), custom index
//!   expressions (`WHERE expr(idx, '...')`), `BETWEEN` / `NOT IN` / `NOT CONTAINS` (5.0);
//! - accepted but not represented: `ALTER TABLE .. ADD IF NOT EXISTS`, `DROP .. USING TIMESTAMP`;
//! - `""` (the empty quoted name) is accepted wherever a name is, and a `WITH` option value may
//!   be any non-reserved word (Cassandra: unreserved keywords only);
//! - `1 -2` is a subtraction here; Cassandra lexes `-2` as one token and reports a syntax error.

mod errors;
mod keywords;
mod modify;
mod other;
mod schema;
mod select;
mod term;

pub(crate) use keywords::is_reserved as is_reserved_word;

use super::ast::{BindMarker, QualifiedName, Statement};
use super::error::{SyntaxError, SyntaxErrorKind};
use super::lexer::{Lexed, Tok, Token, lex_partial};

/// How deeply terms, types, selectors and parenthesised relations may nest.
pub const MAX_DEPTH: usize = 64;

/// A parsed statement with its bind markers in order of appearance.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedStatement {
    /// The statement.
    pub statement: Statement,
    /// Every `?` / `:name` marker, in order (`bind_markers[i].index == i`).
    pub bind_markers: Vec<BindMarker>,
}

impl ParsedStatement {
    /// How many values a client must bind.
    pub fn bind_marker_count(&self) -> usize {
        self.bind_markers.len()
    }
}

/// Parses exactly one statement, optionally followed by `;`.
pub fn parse_statement(cql: &str) -> Result<Statement, SyntaxError> {
    parse_statement_with_markers(cql).map(|p| p.statement)
}

/// Parses exactly one statement (optionally followed by `;`) and reports its bind markers.
///
/// ```
/// use cassia_emulator::cql::{ast::Statement, parse_statement_with_markers};
///
/// let parsed = parse_statement_with_markers("UPDATE kv SET v = :v WHERE k = ?")?;
/// assert!(matches!(parsed.statement, Statement::Update(_)));
/// let names: Vec<_> = parsed.bind_markers.iter().map(|m| m.name.as_deref()).collect();
/// assert_eq!(names, [Some("v"), None]);
///
/// let err = parse_statement_with_markers("SELEC * FROM kv").unwrap_err();
/// assert_eq!(err.to_string(), "line 1:0 no viable alternative at input 'SELEC' ([SELEC]...)");
/// # Ok::<(), cassia_emulator::cql::SyntaxError>(())
/// ```
pub fn parse_statement_with_markers(cql: &str) -> Result<ParsedStatement, SyntaxError> {
    let chars: Vec<char> = cql.chars().collect();
    let (lexed, lex_error) = lex_partial(&chars);
    let mut p = Parser::new(&chars, &lexed);
    let parsed = p.statement().and_then(|statement| {
        while p.eat_sym(";") {}
        p.expect_eof()?;
        Ok(statement)
    });
    let statement = first_error(parsed, lex_error)?;
    Ok(ParsedStatement {
        statement,
        bind_markers: p.markers,
    })
}

/// Picks the error Cassandra would report first: its lexer runs lazily, so a parse error on a
/// token before the bad character wins over the lexer error.
fn first_error<T>(
    parsed: Result<T, SyntaxError>,
    lex_error: Option<SyntaxError>,
) -> Result<T, SyntaxError> {
    match (parsed, lex_error) {
        (parsed, None) => parsed,
        (Err(parse), Some(lex))
            if parse.line() > 0 && (parse.line(), parse.column()) < (lex.line(), lex.column()) =>
        {
            Err(parse)
        }
        (_, Some(lex)) => Err(lex),
    }
}

/// Parses several statements separated by `;` (empty statements are skipped). Bind markers
/// are numbered per statement.
pub fn parse_statements(cql: &str) -> Result<Vec<ParsedStatement>, SyntaxError> {
    let chars: Vec<char> = cql.chars().collect();
    let (lexed, lex_error) = lex_partial(&chars);
    let mut p = Parser::new(&chars, &lexed);
    let mut out = Vec::new();
    let parsed = loop {
        while p.eat_sym(";") {}
        if p.at_eof() {
            break Ok(());
        }
        let statement = match p.statement() {
            Ok(s) => s,
            Err(e) => break Err(e),
        };
        out.push(ParsedStatement {
            statement,
            bind_markers: std::mem::take(&mut p.markers),
        });
        if !p.at_eof() {
            if let Err(e) = p.expect_sym(";") {
                break Err(e);
            }
        }
    };
    first_error(parsed, lex_error).map(|()| out)
}

/// The cursor over the significant tokens.
pub(crate) struct Parser<'a> {
    src: &'a [char],
    lexed: &'a Lexed,
    pos: usize,
    depth: usize,
    pub(crate) markers: Vec<BindMarker>,
}

/// A saved position for speculative parsing.
#[derive(Clone, Copy)]
pub(crate) struct Mark {
    pos: usize,
    markers: usize,
}

type PResult<T> = Result<T, SyntaxError>;

impl<'a> Parser<'a> {
    fn new(src: &'a [char], lexed: &'a Lexed) -> Self {
        Parser {
            src,
            lexed,
            pos: 0,
            depth: 0,
            markers: Vec::new(),
        }
    }

    // ---- cursor -------------------------------------------------------------------------

    pub(crate) fn token(&self, ahead: usize) -> Option<&'a Token> {
        let tokens = &self.lexed.tokens;
        tokens.get(self.pos + ahead).or_else(|| tokens.last())
    }

    pub(crate) fn peek(&self, ahead: usize) -> &'a Tok {
        static EOF: Tok = Tok::Eof;
        self.token(ahead).map_or(&EOF, |t| &t.tok)
    }

    pub(crate) fn bump(&mut self) {
        if self.pos + 1 < self.lexed.tokens.len() {
            self.pos += 1;
        }
    }

    pub(crate) fn at_eof(&self) -> bool {
        matches!(self.peek(0), Tok::Eof)
    }

    pub(crate) fn mark(&self) -> Mark {
        Mark {
            pos: self.pos,
            markers: self.markers.len(),
        }
    }

    pub(crate) fn reset(&mut self, m: Mark) {
        self.pos = m.pos;
        self.markers.truncate(m.markers);
    }

    /// Runs `f` one nesting level deeper, failing cleanly past [`MAX_DEPTH`].
    pub(crate) fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(SyntaxErrorKind::TooDeep { limit: MAX_DEPTH }));
        }
        let saved = self.depth;
        self.depth += 1;
        let r = f(self);
        // Operator chains inside `f` deepen the level further (see `grow_chain`).
        self.depth = saved;
        r
    }

    /// One more operator in a left-deep chain (`a + b + c ...`): the tree gets one level
    /// deeper, and such trees are dropped and printed recursively, so the level counts
    /// against [`MAX_DEPTH`] until the enclosing [`Parser::nested`] call ends.
    pub(crate) fn grow_chain(&mut self) -> PResult<()> {
        if self.depth + 1 >= MAX_DEPTH {
            return Err(self.error(SyntaxErrorKind::TooDeep { limit: MAX_DEPTH }));
        }
        self.depth += 1;
        Ok(())
    }

    // ---- keywords and symbols -----------------------------------------------------------

    /// Is the token `ahead` the keyword `kw` (given in upper case)?
    pub(crate) fn is_kw_at(&self, ahead: usize, kw: &str) -> bool {
        matches!(self.peek(ahead), Tok::Word(w) if w.eq_ignore_ascii_case(kw))
    }

    pub(crate) fn is_kw(&self, kw: &str) -> bool {
        self.is_kw_at(0, kw)
    }

    pub(crate) fn eat_kw(&mut self, kw: &str) -> bool {
        let hit = self.is_kw(kw);
        if hit {
            self.bump();
        }
        hit
    }

    pub(crate) fn expect_kw(&mut self, kw: &str) -> PResult<()> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.mismatched(&format!("K_{kw}")))
        }
    }

    pub(crate) fn is_sym_at(&self, ahead: usize, sym: &str) -> bool {
        matches!(self.peek(ahead), Tok::Sym(s) if *s == sym)
    }

    pub(crate) fn is_sym(&self, sym: &str) -> bool {
        self.is_sym_at(0, sym)
    }

    pub(crate) fn eat_sym(&mut self, sym: &str) -> bool {
        let hit = self.is_sym(sym);
        if hit {
            self.bump();
        }
        hit
    }

    pub(crate) fn expect_sym(&mut self, sym: &str) -> PResult<()> {
        if self.eat_sym(sym) {
            Ok(())
        } else {
            Err(self.mismatched(&format!("'{sym}'")))
        }
    }

    fn expect_eof(&self) -> PResult<()> {
        if self.at_eof() {
            Ok(())
        } else {
            Err(self.mismatched("EOF"))
        }
    }

    /// `IF NOT EXISTS`, all or nothing.
    pub(crate) fn if_not_exists(&mut self) -> PResult<bool> {
        if self.eat_kw("IF") {
            self.expect_kw("NOT")?;
            self.expect_kw("EXISTS")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// `IF EXISTS`, all or nothing.
    pub(crate) fn if_exists(&mut self) -> PResult<bool> {
        if self.eat_kw("IF") {
            self.expect_kw("EXISTS")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    // ---- identifiers ----------------------------------------------------------------------

    /// The identifier at `ahead`, normalised, if the token can be one (`ident` in Parser.g).
    pub(crate) fn ident_at(&self, ahead: usize) -> Option<String> {
        match self.peek(ahead) {
            Tok::Word(w) if !keywords::is_reserved(w) => Some(w.to_ascii_lowercase()),
            Tok::QuotedName(q) => Some(q.clone()),
            _ => None,
        }
    }

    /// An identifier (column, keyspace, table, field, alias...).
    pub(crate) fn ident(&mut self) -> PResult<String> {
        match self.ident_at(0) {
            Some(id) => {
                self.bump();
                Ok(id)
            }
            None => Err(self.ident_error("identifiers")),
        }
    }

    /// The error for a missing identifier; `?` gets Cassandra's dedicated message.
    fn ident_error(&self, what: &str) -> SyntaxError {
        if matches!(self.peek(0), Tok::QMark) {
            let message = match what {
                "keyspace" => "Bind variables cannot be used for keyspace names",
                "table" => "Bind variables cannot be used for table names",
                "index" => "Bind variables cannot be used for index names",
                _ => return self.no_viable(),
            };
            return self.error(SyntaxErrorKind::Invalid {
                message: message.to_owned(),
            });
        }
        self.no_viable()
    }

    /// A keyspace name.
    pub(crate) fn keyspace_name(&mut self) -> PResult<String> {
        match self.ident_at(0) {
            Some(id) => {
                self.bump();
                Ok(id)
            }
            None => Err(self.ident_error("keyspace")),
        }
    }

    /// `[ks.]name` for tables (`what` = "table"), indexes ("index") and types ("type").
    pub(crate) fn qualified_name(&mut self, what: &str) -> PResult<QualifiedName> {
        let first = match self.ident_at(0) {
            Some(id) => id,
            // `?` alone is parsed by Cassandra as the (table, index) name; `?.x` as a keyspace.
            None if self.is_sym_at(1, ".") => return Err(self.ident_error("keyspace")),
            None => return Err(self.ident_error(what)),
        };
        self.bump();
        if self.eat_sym(".") {
            let name = match self.ident_at(0) {
                Some(id) => id,
                None => return Err(self.ident_error(what)),
            };
            self.bump();
            Ok(QualifiedName {
                keyspace: Some(first),
                name,
            })
        } else {
            Ok(QualifiedName {
                keyspace: None,
                name: first,
            })
        }
    }

    // ---- bind markers -----------------------------------------------------------------------

    /// Registers a new marker (in order of appearance).
    pub(crate) fn new_marker(&mut self, name: Option<String>) -> BindMarker {
        let marker = BindMarker {
            index: self.markers.len(),
            name,
        };
        self.markers.push(marker.clone());
        marker
    }

    /// `?` or `:name` at the cursor, if any.
    pub(crate) fn try_marker(&mut self) -> PResult<Option<BindMarker>> {
        if matches!(self.peek(0), Tok::QMark) {
            self.bump();
            return Ok(Some(self.new_marker(None)));
        }
        if self.is_sym(":") {
            self.bump();
            let name = self.ident()?;
            return Ok(Some(self.new_marker(Some(name))));
        }
        Ok(None)
    }

    // ---- statements -----------------------------------------------------------------------

    /// `cqlStatement` in Parser.g.
    fn statement(&mut self) -> PResult<Statement> {
        let Tok::Word(w) = self.peek(0) else {
            return Err(self.no_viable());
        };
        match w.to_ascii_uppercase().as_str() {
            "SELECT" => self.select().map(Statement::Select),
            "INSERT" => self.insert().map(Statement::Insert),
            "UPDATE" => self.update().map(Statement::Update),
            "DELETE" => self.delete().map(Statement::Delete),
            "BEGIN" => self.batch().map(Statement::Batch),
            "USE" => {
                self.bump();
                self.keyspace_name().map(Statement::Use)
            }
            "TRUNCATE" => {
                self.bump();
                if !self.eat_kw("TABLE") {
                    self.eat_kw("COLUMNFAMILY");
                }
                self.qualified_name("table").map(Statement::Truncate)
            }
            "CREATE" => self.create(),
            "ALTER" => self.alter(),
            "DROP" => self.drop(),
            _ => self.unsupported(),
        }
    }
}

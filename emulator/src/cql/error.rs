//! `SyntaxError`: what the lexer and parser report, worded the way Cassandra words it.
//!
//! Cassandra's ANTLR 3 parser produces messages such as
//! `line 1:0 no viable alternative at input 'SELEC' ([SELEC]...)` or
//! `line 1:16 mismatched input 'foo' expecting EOF (SELECT * FROM t [foo])`, and users paste them
//! into search engines, so we keep the same shape: `line L:C <what> (<snippet>)`, where the
//! snippet shows up to ten tokens (whitespace counts as a token, as in ANTLR's token stream)
//! before the offending one, which is put in square brackets.
//!
//! When ANTLR fails while predicting which statement follows (`DROP cqlkeyspace.t`), its token
//! stream still stands at the first word, so that word is bracketed and the snippet runs two
//! tokens further: `line 1:5 no viable alternative at input 'cqlkeyspace' ([DROP] cqlkeyspace...)`.
//!
//! Wording is exact for the cases checked against messages recorded from real Cassandra nodes
//! (the wire captures, Cassandra's own tests, cqlsh sessions; see `tests/cql_parser.rs`).
//! For other cases the kind of message matches what ANTLR
//! would say, but which alternative ANTLR reports ("no viable alternative" vs. "mismatched
//! input ... expecting ...") and the expected-token list can differ, because ANTLR's LL(*)
//! prediction looks ahead differently from this recursive-descent parser. Like Cassandra, the
//! snippet measures tokens by their text as ANTLR keeps it, so for a string literal or a quoted
//! name the closing bracket lands before the closing quote(s): `(... values (["cpu.loa]d",...)`.

/// What went wrong, without the position (which [`SyntaxError`] carries).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SyntaxErrorKind {
    /// The input at this point starts none of the constructs allowed here.
    NoViableAlternative {
        /// The offending token as ANTLR displays it (`<EOF>` at the end).
        input: String,
    },
    /// A specific token was required.
    Mismatched {
        /// The offending token as ANTLR displays it.
        input: String,
        /// The token that was expected (`K_FROM`, `')'`, `EOF`, `IDENT`...).
        expected: String,
    },
    /// The lexer met a character that starts no token.
    BadCharacter {
        /// The character (or `<EOF>` inside an unterminated literal).
        character: String,
    },
    /// A literal was not terminated before the end of the input.
    Unterminated {
        /// What was expected to close it, e.g. `'` or `*/`.
        expected: String,
    },
    /// A construct that parses but is rejected as Cassandra rejects it (e.g. a bind marker
    /// used as a table name).
    Invalid {
        /// Cassandra's message.
        message: String,
    },
    /// A check Cassandra's grammar actions make by throwing an `InvalidRequestException`
    /// (code 0x2200, not a syntax error), e.g. two PRIMARY KEY clauses in one CREATE TABLE.
    InvalidRequest {
        /// Cassandra's message.
        message: String,
    },
    /// Terms, types or selectors nested deeper than the parser allows.
    TooDeep {
        /// The limit.
        limit: usize,
    },
}

/// A syntax error with its position (1-based line, 0-based column in characters, as ANTLR
/// reports them) and the full Cassandra-style message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    line: usize,
    column: usize,
    kind: SyntaxErrorKind,
    message: String,
}

impl SyntaxError {
    /// `pos` is `(line, column)` of the offending token, `None` for the end of input (which
    /// Cassandra reports as `line 0:-1`).
    pub(crate) fn new(pos: Option<(usize, usize)>, kind: SyntaxErrorKind, snippet: String) -> Self {
        let what = match &kind {
            SyntaxErrorKind::NoViableAlternative { input } => {
                format!("no viable alternative at input '{input}'")
            }
            SyntaxErrorKind::Mismatched { input, expected } => {
                format!("mismatched input '{input}' expecting {expected}")
            }
            SyntaxErrorKind::BadCharacter { character } => {
                format!("no viable alternative at character '{character}'")
            }
            SyntaxErrorKind::Unterminated { expected } => {
                format!("mismatched character '<EOF>' expecting '{expected}'")
            }
            SyntaxErrorKind::Invalid { message } | SyntaxErrorKind::InvalidRequest { message } => {
                message.clone()
            }
            SyntaxErrorKind::TooDeep { limit } => {
                format!("expression nested too deeply (more than {limit} levels)")
            }
        };
        // Recognition errors added by grammar actions carry no position in Cassandra.
        let message = match &kind {
            SyntaxErrorKind::Invalid { .. } | SyntaxErrorKind::InvalidRequest { .. } => what,
            _ => match pos {
                Some((line, column)) => format!("line {line}:{column} {what}{snippet}"),
                None => format!("line 0:-1 {what}{snippet}"),
            },
        };
        let (line, column) = pos.unwrap_or((0, 0));
        SyntaxError {
            line,
            column,
            kind,
            message,
        }
    }

    /// 1-based line of the offending token (0 when it is the end of input, as in Cassandra).
    pub fn line(&self) -> usize {
        self.line
    }

    /// 0-based column (in characters) of the offending token (0 at the end of input, where
    /// the message says `-1`).
    pub fn column(&self) -> usize {
        self.column
    }

    /// What went wrong.
    pub fn kind(&self) -> &SyntaxErrorKind {
        &self.kind
    }

    /// The full message, as Cassandra would send it in a `SyntaxException` (code 0x2000).
    pub fn message(&self) -> &str {
        &self.message
    }
}

//! The CQL lexer: turns a statement into tokens, following Cassandra's `Lexer.g`.
//!
//! Keywords are not told apart from identifiers here: every unquoted word is a [`Tok::Word`]
//! and the parser decides, case-insensitively, whether it is a keyword in that position (CQL has
//! many unreserved keywords that double as names, so this keeps the lexer simple).
//! Whitespace and comments are kept as hidden tokens because Cassandra's error snippets count
//! them (see `error.rs`).

mod literals;

use super::error::{SyntaxError, SyntaxErrorKind};
pub(crate) use literals::hex_bytes;
use literals::{match_duration, match_uuid};

/// Kinds of tokens. Literal payloads are already unescaped.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// An unquoted word (identifier or keyword), as written.
    Word(String),
    /// `"Name"`, with `""` unescaped (may be empty).
    QuotedName(String),
    /// `'text'` or `$$text$$`, unescaped.
    Str(String),
    /// Digits, no sign (the parser folds a leading `-`).
    Integer(String),
    /// A float as written, no sign (`1.5`, `2e10`, `1.`).
    Float(String),
    /// A duration as written, no sign (`1h30m`, `P1Y2M`).
    Duration(String),
    /// `0x...`: the hex digits as written, without `0x` (an odd count is refused only when
    /// the value is bound to a column, so the parser keeps them).
    Hex(String),
    /// An unquoted UUID.
    Uuid(uuid::Uuid),
    /// `?`.
    QMark,
    /// Punctuation and operators.
    Sym(&'static str),
    /// End of input.
    Eof,
}

/// A significant token with its position.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub tok: Tok,
    /// 1-based line.
    pub line: usize,
    /// 0-based column in characters.
    pub col: usize,
    /// Source span in characters (start inclusive, end exclusive), for error snippets.
    pub start: usize,
    pub end: usize,
    /// Index of this token in the full token list (hidden tokens included).
    pub all_index: usize,
}

impl Token {
    /// How ANTLR shows this token in an error message.
    pub fn display(&self, src: &[char]) -> String {
        match &self.tok {
            Tok::Eof => "<EOF>".to_owned(),
            Tok::Str(s) | Tok::QuotedName(s) => s.clone(),
            _ => src
                .get(self.start..self.end)
                .map(|c| c.iter().collect())
                .unwrap_or_default(),
        }
    }
}

/// Position of any token, hidden or not (for snippets).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    pub line: usize,
    pub col: usize,
    pub start: usize,
    pub end: usize,
    /// Length of the token's text as ANTLR keeps it (string literals and quoted names
    /// without their quotes and escapes); Cassandra's snippets measure tokens with it.
    pub text_len: usize,
}

/// The result of lexing: significant tokens (ending with `Eof`) and spans of all tokens.
#[derive(Debug)]
pub(crate) struct Lexed {
    pub tokens: Vec<Token>,
    pub all: Vec<Span>,
}

const SYMBOLS: &[&str] = &[
    "..", "<=", ">=", "!=", "+=", "-=", "=", "<", ">", "(", ")", ",", ".", ";", ":", "[", "]", "{",
    "}", "*", "+", "-", "/", "%",
];

struct Lexer<'a> {
    src: &'a [char],
    pos: usize,
    line: usize,
    col: usize,
    tokens: Vec<Token>,
    all: Vec<Span>,
}

/// Lexes `src` (as characters, so columns count characters like ANTLR does).
pub(crate) fn lex(src: &[char]) -> Result<Lexed, SyntaxError> {
    match lex_partial(src) {
        (lexed, None) => Ok(lexed),
        (_, Some(e)) => Err(e),
    }
}

/// Lexes up to the first error, if any; the tokens then end with an `Eof` at the error.
/// (Cassandra lexes lazily, so a parse error before the bad character wins; the parser
/// decides which error to report.)
pub(crate) fn lex_partial(src: &[char]) -> (Lexed, Option<SyntaxError>) {
    let mut lx = Lexer {
        src,
        pos: 0,
        line: 1,
        col: 0,
        tokens: Vec::new(),
        all: Vec::new(),
    };
    let error = lx.run().err();
    lx.push_eof();
    (
        Lexed {
            tokens: lx.tokens,
            all: lx.all,
        },
        error,
    )
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.src.get(self.pos + ahead).copied()
    }

    fn advance(&mut self, n: usize) {
        for _ in 0..n {
            if let Some(&c) = self.src.get(self.pos) {
                self.pos += 1;
                if c == '\n' {
                    self.line += 1;
                    self.col = 0;
                } else {
                    self.col += 1;
                }
            }
        }
    }

    fn err_here(&self, kind: SyntaxErrorKind) -> SyntaxError {
        SyntaxError::new(Some((self.line, self.col)), kind, String::new())
    }

    fn run(&mut self) -> Result<(), SyntaxError> {
        while let Some(c) = self.peek(0) {
            let (line, col, start) = (self.line, self.col, self.pos);
            let tok = self.next_token(c)?;
            let text_len = match &tok {
                Some(Tok::Str(t) | Tok::QuotedName(t)) => t.chars().count(),
                _ => self.pos - start,
            };
            let span = Span {
                line,
                col,
                start,
                end: self.pos,
                text_len,
            };
            if let Some(tok) = tok {
                self.tokens.push(Token {
                    tok,
                    line,
                    col,
                    start,
                    end: self.pos,
                    all_index: self.all.len(),
                });
            }
            self.all.push(span);
        }
        Ok(())
    }

    fn push_eof(&mut self) {
        let span = Span {
            line: self.line,
            col: self.col,
            start: self.pos,
            end: self.pos,
            text_len: 0,
        };
        self.tokens.push(Token {
            tok: Tok::Eof,
            line: span.line,
            col: span.col,
            start: span.start,
            end: span.end,
            all_index: self.all.len(),
        });
        self.all.push(span);
    }

    /// Lexes one token starting with `c`; `None` for hidden tokens (whitespace, comments).
    fn next_token(&mut self, c: char) -> Result<Option<Tok>, SyntaxError> {
        if c.is_whitespace() {
            let mut n = 0;
            while self.peek(n).is_some_and(char::is_whitespace) {
                n += 1;
            }
            self.advance(n);
            return Ok(None);
        }
        let next = self.peek(1);
        if (c == '-' && next == Some('-')) || (c == '/' && next == Some('/')) {
            let mut n = 2;
            while self.peek(n).is_some_and(|c| c != '\n' && c != '\r') {
                n += 1;
            }
            self.advance(n);
            return Ok(None);
        }
        if c == '/' && next == Some('*') {
            let mut n = 2;
            loop {
                match (self.peek(n), self.peek(n + 1)) {
                    (Some('*'), Some('/')) => break,
                    (None, _) => {
                        self.advance(n);
                        return Err(self.err_here(SyntaxErrorKind::Unterminated {
                            expected: "*/".to_owned(),
                        }));
                    }
                    _ => n += 1,
                }
            }
            self.advance(n + 2);
            return Ok(None);
        }
        if c == '\'' {
            return self.quoted('\'').map(|s| Some(Tok::Str(s)));
        }
        if c == '"' {
            return self.quoted('"').map(|s| Some(Tok::QuotedName(s)));
        }
        if c == '$' && next == Some('$') {
            return self.dollar_string().map(Some);
        }
        if c == '?' {
            self.advance(1);
            return Ok(Some(Tok::QMark));
        }
        if c.is_ascii_alphanumeric() {
            return Ok(Some(self.word_or_number()));
        }
        for sym in SYMBOLS {
            if sym
                .chars()
                .enumerate()
                .all(|(i, s)| self.peek(i) == Some(s))
            {
                self.advance(sym.chars().count());
                return Ok(Some(Tok::Sym(sym)));
            }
        }
        Err(self.err_here(SyntaxErrorKind::BadCharacter {
            character: c.to_string(),
        }))
    }

    /// `'...'` with `''` escapes, or `"..."` with `""` escapes.
    fn quoted(&mut self, q: char) -> Result<String, SyntaxError> {
        self.advance(1);
        let mut out = String::new();
        loop {
            match self.peek(0) {
                None => {
                    return Err(self.err_here(SyntaxErrorKind::Unterminated {
                        expected: q.to_string(),
                    }));
                }
                Some(c) if c == q => {
                    if self.peek(1) == Some(q) {
                        out.push(q);
                        self.advance(2);
                    } else {
                        self.advance(1);
                        return Ok(out);
                    }
                }
                Some(c) => {
                    out.push(c);
                    self.advance(1);
                }
            }
        }
    }

    /// `$$...$$` (no escapes; ends at the first `$$`).
    fn dollar_string(&mut self) -> Result<Tok, SyntaxError> {
        self.advance(2);
        let mut out = String::new();
        loop {
            match (self.peek(0), self.peek(1)) {
                (Some('$'), Some('$')) => {
                    self.advance(2);
                    return Ok(Tok::Str(out));
                }
                (Some(c), _) => {
                    out.push(c);
                    self.advance(1);
                }
                (None, _) => {
                    return Err(self.err_here(SyntaxErrorKind::Unterminated {
                        expected: "$$".to_owned(),
                    }));
                }
            }
        }
    }

    /// Words, numbers, UUIDs, hex blobs and durations: they share first characters, so we
    /// pick the longest match the way ANTLR would.
    fn word_or_number(&mut self) -> Tok {
        let rest = self.src.get(self.pos..).unwrap_or(&[]);
        if let Some(u) = match_uuid(rest) {
            self.advance(36);
            return Tok::Uuid(u);
        }
        if let Some(n) = match_duration(rest) {
            let text: String = rest.iter().take(n).collect();
            self.advance(n);
            return Tok::Duration(text);
        }
        let first = rest.first().copied().unwrap_or('0');
        if first.is_ascii_alphabetic() {
            let n = rest.iter().take_while(|c| is_ident_char(**c)).count();
            let text: String = rest.iter().take(n).collect();
            self.advance(n);
            return Tok::Word(text);
        }
        if first == '0' && matches!(rest.get(1), Some('x' | 'X')) {
            let n = rest
                .iter()
                .skip(2)
                .take_while(|c| c.is_ascii_hexdigit())
                .count();
            // The whole token as written, prefix case included: Cassandra prints it verbatim.
            let text: String = rest.iter().take(2 + n).collect();
            self.advance(2 + n);
            return Tok::Hex(text);
        }
        self.number(rest)
    }

    fn number(&mut self, rest: &[char]) -> Tok {
        let digits = |from: usize| {
            rest.iter()
                .skip(from)
                .take_while(|c| c.is_ascii_digit())
                .count()
        };
        let mut n = digits(0);
        let mut is_float = false;
        // `1..2` is INTEGER RANGE INTEGER, not a float.
        if rest.get(n) == Some(&'.') && rest.get(n + 1) != Some(&'.') {
            is_float = true;
            n += 1;
            n += digits(n);
        }
        if matches!(rest.get(n), Some('e' | 'E')) {
            let sign = usize::from(matches!(rest.get(n + 1), Some('+' | '-')));
            let exp = digits(n + 1 + sign);
            if exp > 0 {
                is_float = true;
                n += 1 + sign + exp;
            }
        }
        let text: String = rest.iter().take(n).collect();
        self.advance(n);
        if is_float {
            Tok::Float(text)
        } else {
            Tok::Integer(text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        let chars: Vec<char> = s.chars().collect();
        match lex(&chars) {
            Ok(l) => l.tokens.into_iter().map(|t| t.tok).collect(),
            Err(e) => vec![Tok::Word(format!("ERR {e}"))],
        }
    }

    #[test]
    fn words_numbers_and_literals() {
        assert_eq!(
            toks("SELECT a1_b, \"Q\"\"x\" 'it''s' $$a;b$$ 42 1.5 2e10 1. 0xCAfe ?"),
            vec![
                Tok::Word("SELECT".into()),
                Tok::Word("a1_b".into()),
                Tok::Sym(","),
                Tok::QuotedName("Q\"x".into()),
                Tok::Str("it's".into()),
                Tok::Str("a;b".into()),
                Tok::Integer("42".into()),
                Tok::Float("1.5".into()),
                Tok::Float("2e10".into()),
                Tok::Float("1.".into()),
                Tok::Hex("0xCAfe".into()),
                Tok::QMark,
                Tok::Eof,
            ]
        );
    }

    #[test]
    fn hex_digits_are_kept_as_written() {
        // An odd count is the parser's (and the binding's) business, not the lexer's.
        assert_eq!(
            toks("0x123 0X 0xAb"),
            vec![
                Tok::Hex("0x123".into()),
                Tok::Hex("0X".into()),
                Tok::Hex("0xAb".into()),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn uuids_and_durations() {
        let u = "123e4567-e89b-42d3-a456-556642440000";
        assert_eq!(
            toks(&format!("{u} d2177dd0-eaa2-11de-a572-001b779c76e3")),
            vec![
                Tok::Uuid(uuid::Uuid::parse_str(u).unwrap_or_default()),
                Tok::Uuid(
                    uuid::Uuid::parse_str("d2177dd0-eaa2-11de-a572-001b779c76e3")
                        .unwrap_or_default()
                ),
                Tok::Eof
            ]
        );
        assert_eq!(
            toks("1h30m 1y2mo3d4h5m6s7ms8us9ns P1Y2M3DT4H P2W PT5M p0001-02-03T04:05:06"),
            vec![
                Tok::Duration("1h30m".into()),
                Tok::Duration("1y2mo3d4h5m6s7ms8us9ns".into()),
                Tok::Duration("P1Y2M3DT4H".into()),
                Tok::Duration("P2W".into()),
                Tok::Duration("PT5M".into()),
                Tok::Duration("p0001-02-03T04:05:06".into()),
                Tok::Eof
            ]
        );
        // `p`, `pk`, `p1` are identifiers, not durations.
        assert_eq!(
            toks("p pk p1"),
            vec![
                Tok::Word("p".into()),
                Tok::Word("pk".into()),
                Tok::Word("p1".into()),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn comments_and_operators() {
        assert_eq!(
            toks("a -- x\n/* y\n */ b // z\n<= >= != += -= .. ;"),
            vec![
                Tok::Word("a".into()),
                Tok::Word("b".into()),
                Tok::Sym("<="),
                Tok::Sym(">="),
                Tok::Sym("!="),
                Tok::Sym("+="),
                Tok::Sym("-="),
                Tok::Sym(".."),
                Tok::Sym(";"),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn lexer_errors() {
        assert_eq!(
            toks("SELECT 'abc"),
            vec![Tok::Word(
                "ERR line 1:11 mismatched character '<EOF>' expecting '''".into()
            )]
        );
        assert_eq!(
            toks("a\n  #"),
            vec![Tok::Word(
                "ERR line 2:2 no viable alternative at character '#'".into()
            )]
        );
    }
}

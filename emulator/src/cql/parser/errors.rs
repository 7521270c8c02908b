//! Building `SyntaxError`s at the parser's position, with Cassandra's query snippet (see
//! `error.rs` for the message format).

use super::super::error::{SyntaxError, SyntaxErrorKind};
use super::super::lexer::Tok;
use super::Parser;

impl Parser<'_> {
    pub(crate) fn error(&self, kind: SyntaxErrorKind) -> SyntaxError {
        let Some(tok) = self.token(0) else {
            return SyntaxError::new(None, kind, String::new());
        };
        if matches!(tok.tok, Tok::Eof) {
            return SyntaxError::new(None, kind, String::new());
        }
        let snippet = self.snippet(tok.all_index, tok.all_index);
        SyntaxError::new(Some((tok.line, tok.col)), kind, snippet)
    }

    /// "no viable alternative" at the current token for a decision that started at
    /// significant-token position `start` (ANTLR brackets the start and shows up to two
    /// tokens, whitespace included, after it).
    pub(crate) fn no_viable_since(&self, start: usize) -> SyntaxError {
        let kind = SyntaxErrorKind::NoViableAlternative {
            input: self.current_display(),
        };
        let (Some(tok), Some(first)) = (self.token(0), self.lexed.tokens.get(start)) else {
            return self.error(kind);
        };
        if matches!(tok.tok, Tok::Eof) || first.all_index >= tok.all_index {
            return self.error(kind);
        }
        let to = tok.all_index.min(first.all_index + 2);
        let snippet = self.snippet(first.all_index, to);
        SyntaxError::new(Some((tok.line, tok.col)), kind, snippet)
    }

    /// Position of the cursor among significant tokens (for [`Parser::no_viable_since`]).
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    pub(crate) fn current_display(&self) -> String {
        self.token(0)
            .map(|t| t.display(self.src))
            .unwrap_or_else(|| "<EOF>".to_owned())
    }

    pub(crate) fn no_viable(&self) -> SyntaxError {
        self.error(SyntaxErrorKind::NoViableAlternative {
            input: self.current_display(),
        })
    }

    pub(crate) fn mismatched(&self, expected: &str) -> SyntaxError {
        self.error(SyntaxErrorKind::Mismatched {
            input: self.current_display(),
            expected: expected.to_owned(),
        })
    }

    /// Cassandra's snippet: from ten tokens (hidden ones included) before the bracketed
    /// token up to the end of the `to` token, with `...` where text was cut. The bracketed
    /// token is where ANTLR's token stream stood: the offending token for a mismatch, the
    /// start of the decision for a "no viable alternative" found after looking ahead.
    fn snippet(&self, bracket_index: usize, to_index: usize) -> String {
        let all = &self.lexed.all;
        let (Some(from), Some(bracket), Some(to)) = (
            all.get(bracket_index.saturating_sub(10)),
            all.get(bracket_index),
            all.get(to_index.max(bracket_index)),
        ) else {
            return String::new();
        };
        let lines: Vec<&[char]> = self.src.split(|c| *c == '\n').collect();
        // Java's split drops trailing empty lines.
        let line_count = lines
            .iter()
            .rposition(|l| !l.is_empty())
            .map_or(0, |i| i + 1);
        // Measured with the token text as ANTLR keeps it, as Cassandra does: for a string or
        // quoted name the `]` lands before the closing quote(s) (`["cpu.loa]d"`).
        let bracket_end = bracket.col + bracket.text_len;
        let to_end = to.col + to.text_len;
        let mut out = String::from(" (");
        if !(from.line == 1 && from.col == 0) {
            out.push_str("...");
        }
        for line_no in from.line..=to.line {
            let Some(line) = lines.get(line_no - 1) else {
                break;
            };
            let first = if line_no == from.line { from.col } else { 0 };
            let last = if line_no == to.line {
                to_end.min(line.len())
            } else {
                line.len()
            };
            for p in first..=last {
                if line_no == bracket.line && p == bracket.col {
                    out.push('[');
                }
                if line_no == bracket.line && p == bracket_end {
                    out.push(']');
                }
                if let Some(c) = line.get(p).filter(|_| p < last) {
                    out.push(*c);
                }
            }
        }
        let ends_query = to.line == line_count
            && lines
                .get(to.line.saturating_sub(1))
                .is_some_and(|l| to_end >= l.len());
        if !ends_query {
            out.push_str("...");
        }
        out.push(')');
        out
    }
}

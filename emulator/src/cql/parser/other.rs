//! Statements the grammar knows but the emulator does not execute: materialized views,
//! functions, aggregates, triggers, roles, users, permissions, `LIST ...`, `DESCRIBE`.
//!
//! They become [`Statement::Unsupported`] with their kind (e.g. `"CREATE MATERIALIZED VIEW"`)
//! as soon as the leading keywords are recognised; the rest of the statement is skipped up to
//! the next top-level `;` without being checked, so a malformed body is not reported as a
//! syntax error (the engine rejects the statement anyway).

use super::super::ast::Statement;
use super::super::lexer::Tok;
use super::{PResult, Parser};

/// Leading keyword sequences and the kind they name. Optional words (`OR REPLACE`,
/// `IF [NOT] EXISTS`) come after the kind-defining words in CQL, except `OR REPLACE`, which
/// gets its own entries.
const KINDS: &[(&[&str], &str)] = &[
    (
        &["CREATE", "MATERIALIZED", "VIEW"],
        "CREATE MATERIALIZED VIEW",
    ),
    (
        &["ALTER", "MATERIALIZED", "VIEW"],
        "ALTER MATERIALIZED VIEW",
    ),
    (&["DROP", "MATERIALIZED", "VIEW"], "DROP MATERIALIZED VIEW"),
    (&["CREATE", "FUNCTION"], "CREATE FUNCTION"),
    (&["CREATE", "OR", "REPLACE", "FUNCTION"], "CREATE FUNCTION"),
    (&["DROP", "FUNCTION"], "DROP FUNCTION"),
    (&["CREATE", "AGGREGATE"], "CREATE AGGREGATE"),
    (
        &["CREATE", "OR", "REPLACE", "AGGREGATE"],
        "CREATE AGGREGATE",
    ),
    (&["DROP", "AGGREGATE"], "DROP AGGREGATE"),
    (&["CREATE", "TRIGGER"], "CREATE TRIGGER"),
    (&["DROP", "TRIGGER"], "DROP TRIGGER"),
    (&["CREATE", "ROLE"], "CREATE ROLE"),
    (&["ALTER", "ROLE"], "ALTER ROLE"),
    (&["DROP", "ROLE"], "DROP ROLE"),
    (&["CREATE", "USER"], "CREATE USER"),
    (&["ALTER", "USER"], "ALTER USER"),
    (&["DROP", "USER"], "DROP USER"),
    (&["GRANT"], "GRANT"),
    (&["REVOKE"], "REVOKE"),
    (&["LIST", "ROLES"], "LIST ROLES"),
    (&["LIST", "USERS"], "LIST USERS"),
    (&["LIST"], "LIST PERMISSIONS"),
    (&["DESCRIBE"], "DESCRIBE"),
    (&["DESC"], "DESCRIBE"),
];

impl Parser<'_> {
    /// Recognises an unsupported statement at the cursor, or reports the first token that
    /// matches no statement (`no viable alternative`, as Cassandra says).
    pub(crate) fn unsupported(&mut self) -> PResult<Statement> {
        let mut best: Option<(usize, &str)> = None;
        let mut longest_prefix = 0;
        for (words, kind) in KINDS {
            let matched = words
                .iter()
                .enumerate()
                .take_while(|(i, w)| self.is_kw_at(*i, w))
                .count();
            longest_prefix = longest_prefix.max(matched);
            if matched == words.len() && best.is_none_or(|(n, _)| n < matched) {
                best = Some((matched, kind));
            }
        }
        match best {
            Some((n, kind)) => {
                for _ in 0..n {
                    self.bump();
                }
                self.skip_statement();
                Ok(Statement::Unsupported(kind.to_owned()))
            }
            None => {
                // ANTLR predicts the statement kind by looking ahead, so when the second or
                // third word is wrong it brackets the first one: `([DROP] cqlkeyspace...)`.
                let start = self.position();
                for _ in 0..longest_prefix {
                    self.bump();
                }
                Err(self.no_viable_since(start))
            }
        }
    }

    /// Marks the current statement as unsupported with the given kind.
    pub(crate) fn unsupported_from(&mut self, kind: &str) -> PResult<Statement> {
        self.skip_statement();
        Ok(Statement::Unsupported(kind.to_owned()))
    }

    /// Skips tokens up to (not including) the next `;` outside brackets, or the end.
    fn skip_statement(&mut self) {
        let mut depth = 0usize;
        loop {
            match self.peek(0) {
                Tok::Eof => return,
                Tok::Sym(";") if depth == 0 => return,
                Tok::Sym("(" | "[" | "{") => depth += 1,
                Tok::Sym(")" | "]" | "}") => depth = depth.saturating_sub(1),
                _ => {}
            }
            self.bump();
        }
    }
}

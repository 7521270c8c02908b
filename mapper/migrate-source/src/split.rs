//! Splitting a CQL script into statements, and the normalised form checksums are taken of.
//!
//! A small lexer, not a parser: it only needs to know where `;` ends a statement, so it
//! recognises exactly what can hide a `;` — `'…'` strings (`''` escapes a quote), `"…"`
//! identifiers (`""` escapes), `--` and `//` line comments, `/* */` block comments (CQL does
//! not nest them) and `$$…$$` bodies (user-defined functions). Everything else is copied
//! through, so any statement the server accepts survives, including ones this lexer has no
//! idea about.

use crate::checksum::sha256_hex;
use crate::error::SplitError;

/// One statement of a migration script.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Statement {
    /// Ready to send: comments removed (a comment between tokens leaves whitespace, so tokens
    /// never fuse), line endings as `\n`, trimmed, no trailing `;`. Strings, quoted
    /// identifiers and `$$` bodies are kept byte for byte.
    pub cql: String,
    /// The 1-based line of the script where the statement's first token is.
    pub line: u32,
    /// SHA-256 (lowercase hex) of the normalised statement: comments removed, every run of
    /// whitespace outside strings, quoted identifiers and `$$` bodies made one space, trimmed.
    pub checksum: String,
}

/// Splits a script into its statements, dropping the ones that are empty once comments are
/// removed. A final statement without `;` counts.
///
/// Line endings are read as `\n` whether written `\r\n`, `\r` or `\n`, inside strings too,
/// so a checkout with other line endings sends (and checksums) the same statements. A
/// leading byte order mark is skipped.
///
/// ```
/// use cassia_migrate_source::split_statements;
///
/// let statements = split_statements(
///     "-- users\nCREATE TABLE users (id int PRIMARY KEY, name text);\n\
///      INSERT INTO users (id, name) VALUES (1, 'a;b') /* seed */",
/// )?;
/// assert_eq!(statements.len(), 2);
/// assert_eq!(statements[0].line, 2);
/// assert_eq!(statements[1].cql, "INSERT INTO users (id, name) VALUES (1, 'a;b')");
/// # Ok::<(), cassia_migrate_source::SplitError>(())
/// ```
pub fn split_statements(text: &str) -> Result<Vec<Statement>, SplitError> {
    Ok(split_normalised(text)?
        .into_iter()
        .map(|(statement, _)| statement)
        .collect())
}

/// The statements, each with its normalised text (which script checksums are built from).
pub(crate) fn split_normalised(text: &str) -> Result<Vec<(Statement, String)>, SplitError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Line endings first: every later step then sees one kind of newline.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut current = Builder::default();
    let mut line: u32 = 1;
    let mut i = 0;
    // Every delimiter is ASCII and UTF-8 never uses ASCII bytes inside a multi-byte
    // character, so scanning bytes and slicing at them stays on character boundaries.
    while i < bytes.len() {
        let next = bytes.get(i + 1).copied();
        match (bytes[i], next) {
            (b'\n', _) => {
                current.whitespace('\n');
                line += 1;
                i += 1;
            }
            (b' ' | b'\t' | b'\x0b' | b'\x0c', _) => {
                current.whitespace(char::from(bytes[i]));
                i += 1;
            }
            (b'-', Some(b'-')) | (b'/', Some(b'/')) => {
                // Up to, not including, the newline: it still separates tokens and counts.
                i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                current.line_comment();
            }
            (b'/', Some(b'*')) => {
                let start = line;
                let end = text[i + 2..]
                    .find("*/")
                    .map(|n| i + 2 + n + 2)
                    .ok_or(SplitError::UnterminatedComment { line: start })?;
                line += count_newlines(&text[i..end]);
                current.block_comment();
                i = end;
            }
            (b'\'', _) => {
                let end = quoted(bytes, i, b'\'').ok_or(SplitError::UnterminatedString { line })?;
                current.token(&text[i..end], line);
                line += count_newlines(&text[i..end]);
                i = end;
            }
            (b'"', _) => {
                let end =
                    quoted(bytes, i, b'"').ok_or(SplitError::UnterminatedIdentifier { line })?;
                current.token(&text[i..end], line);
                line += count_newlines(&text[i..end]);
                i = end;
            }
            (b'$', Some(b'$')) => {
                let end = text[i + 2..]
                    .find("$$")
                    .map(|n| i + 2 + n + 2)
                    .ok_or(SplitError::UnterminatedDollarBody { line })?;
                current.token(&text[i..end], line);
                line += count_newlines(&text[i..end]);
                i = end;
            }
            (b';', _) => {
                out.extend(std::mem::take(&mut current).finish());
                i += 1;
            }
            _ => {
                let len = text[i..].chars().next().map_or(1, char::len_utf8);
                current.token(&text[i..i + len], line);
                i += len;
            }
        }
    }
    out.extend(current.finish());
    Ok(out)
}

/// The end (exclusive) of the quoted run opening at `start`, where a doubled quote is an
/// escaped quote; `None` when it never closes.
fn quoted(bytes: &[u8], start: usize, quote: u8) -> Option<usize> {
    let mut i = start + 1;
    loop {
        let close = i + bytes.get(i..)?.iter().position(|&b| b == quote)?;
        if bytes.get(close + 1) == Some(&quote) {
            i = close + 2;
        } else {
            return Some(close + 1);
        }
    }
}

fn count_newlines(s: &str) -> u32 {
    // A script longer than u32::MAX lines cannot be read into memory as text anyway.
    u32::try_from(s.bytes().filter(|&b| b == b'\n').count()).unwrap_or(u32::MAX)
}

/// The statement being read: its text to send and its normalised text, built side by side.
#[derive(Default)]
struct Builder {
    cql: String,
    normalised: String,
    /// Line of the first token; 0 while there is none.
    line: u32,
    /// Whitespace or a comment since the last token: one space in the normalised text if
    /// another token follows.
    gap: bool,
}

impl Builder {
    fn whitespace(&mut self, c: char) {
        // Leading whitespace is dropped here; trailing whitespace by `finish`.
        if !self.cql.is_empty() {
            self.cql.push(c);
        }
        self.gap = true;
    }

    fn line_comment(&mut self) {
        // The newline after the comment separates the tokens around it; spaces before the
        // comment would only be trailing whitespace. (The text ends in whitespace only
        // outside literals: a literal ends with its closing quote.)
        let kept = self.cql.trim_end_matches([' ', '\t', '\x0b', '\x0c']).len();
        self.cql.truncate(kept);
        self.gap = true;
    }

    fn block_comment(&mut self) {
        // One space where the comment was, so `a/* */b` does not become `ab`.
        if !self.cql.is_empty() && !self.cql.ends_with(|c: char| c.is_ascii_whitespace()) {
            self.cql.push(' ');
        }
        self.gap = true;
    }

    fn token(&mut self, s: &str, line: u32) {
        if self.line == 0 {
            self.line = line;
        }
        if self.gap && !self.normalised.is_empty() {
            self.normalised.push(' ');
        }
        self.gap = false;
        self.cql.push_str(s);
        self.normalised.push_str(s);
    }

    fn finish(mut self) -> Option<(Statement, String)> {
        if self.normalised.is_empty() {
            return None;
        }
        let kept = self.cql.trim_end().len();
        self.cql.truncate(kept);
        let statement = Statement {
            cql: self.cql,
            line: self.line,
            checksum: sha256_hex(self.normalised.as_bytes()),
        };
        Some((statement, self.normalised))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<(String, u32)> {
        split_statements(text)
            .expect("splits")
            .into_iter()
            .map(|s| (s.cql, s.line))
            .collect()
    }

    fn normalised(text: &str) -> Vec<String> {
        split_normalised(text)
            .expect("splits")
            .into_iter()
            .map(|(_, n)| n)
            .collect()
    }

    #[test]
    fn splits_on_semicolons_and_keeps_a_final_statement_without_one() {
        assert_eq!(
            split("CREATE TABLE a (id int PRIMARY KEY);\nDROP TABLE b;\nDROP TABLE c"),
            [
                ("CREATE TABLE a (id int PRIMARY KEY)".to_owned(), 1),
                ("DROP TABLE b".to_owned(), 2),
                ("DROP TABLE c".to_owned(), 3),
            ]
        );
    }

    #[test]
    fn drops_empty_statements() {
        assert_eq!(split(";; \n ;-- only a comment\n;/* and another */;"), []);
        assert_eq!(split(""), []);
        assert_eq!(
            split("SELECT 1;;\n;SELECT 2;"),
            [("SELECT 1".into(), 1), ("SELECT 2".into(), 2)]
        );
    }

    #[test]
    fn semicolons_inside_strings_do_not_split() {
        assert_eq!(
            split("INSERT INTO t (a) VALUES ('x;y'); INSERT INTO t (a) VALUES ('it''s; fine');"),
            [
                ("INSERT INTO t (a) VALUES ('x;y')".to_owned(), 1),
                ("INSERT INTO t (a) VALUES ('it''s; fine')".to_owned(), 1),
            ]
        );
    }

    #[test]
    fn semicolons_inside_quoted_identifiers_do_not_split() {
        assert_eq!(
            split(r#"SELECT "a;b", "say ""hi"";" FROM t; SELECT 1"#),
            [
                (r#"SELECT "a;b", "say ""hi"";" FROM t"#.to_owned(), 1),
                ("SELECT 1".to_owned(), 1),
            ]
        );
    }

    #[test]
    fn comments_are_removed_and_hide_semicolons() {
        let text = "-- a; comment\nSELECT a, -- trailing; comment\n  b // another; one\nFROM t /* block; */ WHERE x = 1;";
        assert_eq!(
            split(text),
            [("SELECT a,\n  b\nFROM t  WHERE x = 1".to_owned(), 2)]
        );
    }

    #[test]
    fn a_comment_between_tokens_keeps_them_apart() {
        assert_eq!(
            split("SELECT/*x*/a/*\n*/FROM t"),
            [("SELECT a FROM t".to_owned(), 1)]
        );
        assert_eq!(normalised("SELECT/*x*/a--y\nFROM t"), ["SELECT a FROM t"]);
    }

    #[test]
    fn comment_markers_inside_literals_are_text() {
        let text =
            "INSERT INTO t (a, \"b--c\") VALUES ('-- not /* a comment', $$ // nor */ this $$)";
        assert_eq!(split(text), [(text.to_owned(), 1)]);
    }

    #[test]
    fn dollar_bodies_keep_semicolons_quotes_and_newlines() {
        let text = "CREATE FUNCTION f(x int) RETURNS NULL ON NULL INPUT RETURNS text LANGUAGE java AS\n\
                    $$ String s = \"a;b\"; return s + 'c'; // it's\n$$;\nSELECT 1;";
        let statements = split(text);
        assert_eq!(statements.len(), 2);
        assert!(
            statements[0]
                .0
                .ends_with("$$ String s = \"a;b\"; return s + 'c'; // it's\n$$")
        );
        assert_eq!(statements[1], ("SELECT 1".to_owned(), 4));
        // A single `$` is an ordinary character.
        assert_eq!(split("SELECT $a;"), [("SELECT $a".to_owned(), 1)]);
    }

    #[test]
    fn line_numbers_are_those_of_the_first_token() {
        let text = "\n\n/* header\n spanning lines */\n\n  CREATE TABLE a (\n id int PRIMARY KEY\n);\n\n-- next\nINSERT INTO a (id) VALUES (1);\n'multi\nline'; SELECT 2";
        let lines: Vec<u32> = split(text).into_iter().map(|(_, l)| l).collect();
        assert_eq!(lines, [6, 11, 12, 13]);
    }

    #[test]
    fn unterminated_constructs_report_where_they_start() {
        let cases = [
            (
                "SELECT 1;\nSELECT 'abc;\n\n",
                SplitError::UnterminatedString { line: 2 },
            ),
            ("SELECT 'it''s", SplitError::UnterminatedString { line: 1 }),
            (
                "SELECT 1;\n\n\"abc",
                SplitError::UnterminatedIdentifier { line: 3 },
            ),
            (
                "SELECT 1;\n/* open\n;\n",
                SplitError::UnterminatedComment { line: 2 },
            ),
            ("SELECT 1 /*/", SplitError::UnterminatedComment { line: 1 }),
            (
                "\n'a\nb';\nAS $$ body;\n",
                SplitError::UnterminatedDollarBody { line: 4 },
            ),
            ("AS $$$", SplitError::UnterminatedDollarBody { line: 1 }),
        ];
        for (text, want) in cases {
            assert_eq!(split_statements(text), Err(want), "{text:?}");
        }
    }

    #[test]
    fn crlf_and_cr_become_lf() {
        let lf = split("SELECT 'a\nb'\nFROM t;\nSELECT 2;");
        assert_eq!(split("SELECT 'a\r\nb'\r\nFROM t;\r\nSELECT 2;\r\n"), lf);
        assert_eq!(split("SELECT 'a\rb'\rFROM t;\rSELECT 2;\r"), lf);
        assert_eq!(lf[1].1, 4);
    }

    #[test]
    fn a_leading_byte_order_mark_is_skipped() {
        assert_eq!(split("\u{feff}SELECT 1"), [("SELECT 1".to_owned(), 1)]);
    }

    #[test]
    fn non_ascii_text_passes_through() {
        assert_eq!(
            split("INSERT INTO t (a) VALUES ('héllo ✓'); -- ünïcode\nSELECT \"çol\" FROM t"),
            [
                ("INSERT INTO t (a) VALUES ('héllo ✓')".to_owned(), 1),
                ("SELECT \"çol\" FROM t".to_owned(), 2),
            ]
        );
    }

    #[test]
    fn normalising_collapses_whitespace_outside_literals_only() {
        assert_eq!(
            normalised("  CREATE   TABLE\n\tt (a int,\n  b text) ;"),
            ["CREATE TABLE t (a int, b text)"]
        );
        assert_eq!(
            normalised("INSERT INTO t (\"a  b\") VALUES ('x  \n y', $$ p   q $$)"),
            ["INSERT INTO t (\"a  b\") VALUES ('x  \n y', $$ p   q $$)"]
        );
    }

    #[test]
    fn statement_checksums_ignore_layout_and_comments() {
        let a = split_statements("CREATE TABLE t (a int PRIMARY KEY)").expect("splits");
        let b = split_statements("-- why\nCREATE TABLE t\r\n  (a int /* key */  PRIMARY KEY)  ")
            .expect("splits");
        assert_eq!(a[0].checksum, b[0].checksum);
        assert_eq!(a[0].checksum.len(), 64);
        let c = split_statements("CREATE TABLE t (a int PRIMARY KEY, b int)").expect("splits");
        assert_ne!(a[0].checksum, c[0].checksum);
    }
}

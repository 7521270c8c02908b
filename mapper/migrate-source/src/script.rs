//! One migration script: its file name, its text, its statements and its checksum.

use crate::checksum::script_checksum;
use crate::error::SourceError;
use crate::split::{Statement, split_normalised};

/// One script (an up, down or forward file) of a migration.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Script {
    /// The file name only, e.g. `20240101120000_init.up.cql`.
    pub file: String,
    /// The text as read (a byte order mark included, if the file has one).
    pub text: String,
    /// The script checksum (64 lowercase hex digits): see [`checksum`](crate::checksum).
    pub checksum: String,
    /// The statements, in order; never empty.
    pub statements: Vec<Statement>,
}

impl Script {
    /// Splits `text` into statements and takes its checksum. `file` names the script in
    /// errors.
    ///
    /// Fails when the text has an unterminated string, quoted identifier, block comment or
    /// `$$` body ([`SourceError::Split`]), or holds no statement at all
    /// ([`SourceError::EmptyMigration`]): an empty migration is almost always a file created
    /// and not yet written, which should not be recorded as applied.
    pub fn parse(file: impl Into<String>, text: impl Into<String>) -> Result<Script, SourceError> {
        let file = file.into();
        let text = text.into();
        let lexed = match split_normalised(&text) {
            Ok(lexed) => lexed,
            Err(source) => {
                return Err(SourceError::Split {
                    file,
                    line: source.line(),
                    source,
                });
            }
        };
        if lexed.is_empty() {
            return Err(SourceError::EmptyMigration { file });
        }
        let checksum = script_checksum(lexed.iter().map(|(_, n)| n.as_str()));
        Ok(Script {
            file,
            text,
            checksum,
            statements: lexed.into_iter().map(|(s, _)| s).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checksum;

    #[test]
    fn parses_statements_and_checksum() {
        let text =
            "CREATE TABLE a (id int PRIMARY KEY);\r\n-- seed\r\nINSERT INTO a (id) VALUES (1);\r\n";
        let script = Script::parse("1_a.up.cql", text).expect("parses");
        assert_eq!(script.file, "1_a.up.cql");
        assert_eq!(script.text, text);
        assert_eq!(script.checksum, checksum(text).expect("splits"));
        let cql: Vec<(&str, u32)> = script
            .statements
            .iter()
            .map(|s| (s.cql.as_str(), s.line))
            .collect();
        assert_eq!(
            cql,
            [
                ("CREATE TABLE a (id int PRIMARY KEY)", 1),
                ("INSERT INTO a (id) VALUES (1)", 3)
            ]
        );
    }

    #[test]
    fn keeps_a_byte_order_mark_in_the_text_only() {
        let script = Script::parse("1_a.cql", "\u{feff}SELECT 1").expect("parses");
        assert_eq!(script.text, "\u{feff}SELECT 1");
        assert_eq!(script.statements[0].cql, "SELECT 1");
        assert_eq!(script.checksum, checksum("SELECT 1").expect("splits"));
    }

    #[test]
    fn an_empty_script_is_an_error_naming_the_file() {
        for text in ["", "  \n", "-- todo\n/* later */\n;;"] {
            let err = Script::parse("1_a.up.cql", text).expect_err("empty");
            assert!(
                matches!(&err, SourceError::EmptyMigration { file } if file == "1_a.up.cql"),
                "{err:?}"
            );
            assert_eq!(err.to_string(), "`1_a.up.cql` contains no CQL statement");
        }
    }

    #[test]
    fn a_split_error_names_the_file_and_line() {
        let err = Script::parse("1_a.up.cql", "SELECT 1;\nSELECT 'x").expect_err("unterminated");
        assert!(
            matches!(err, SourceError::Split { ref file, line: 2, .. } if file == "1_a.up.cql"),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "`1_a.up.cql`: unterminated string literal starting on line 2 (a quote inside a \
             string is written `''`)"
        );
    }
}

//! SHA-256 checksums of migration scripts, taken over their normalised statements so that
//! reformatting, comments and line endings do not make an applied migration look edited,
//! while any change to what is sent (a keyword, an identifier, a string) does.

use sha2::{Digest, Sha256};

use crate::error::SplitError;
use crate::split::split_normalised;

/// The checksum of a whole script: SHA-256 (lowercase hex) of its normalised statements,
/// each followed by `";\n"`. It is what [`Script::checksum`](crate::Script::checksum) holds
/// and what is recorded when a migration is applied.
///
/// ```
/// use cassia_migrate_source::checksum;
///
/// let a = checksum("CREATE TABLE t (id int PRIMARY KEY);")?;
/// let b = checksum("-- users\r\nCREATE  TABLE t\r\n    (id int PRIMARY KEY) /* v1 */\r\n")?;
/// assert_eq!(a, b);
/// assert_ne!(a, checksum("CREATE TABLE u (id int PRIMARY KEY);")?);
/// // Whitespace runs become one space; whitespace is not removed where there was some.
/// assert_ne!(a, checksum("CREATE TABLE t ( id int PRIMARY KEY );")?);
/// # Ok::<(), cassia_migrate_source::SplitError>(())
/// ```
pub fn checksum(text: &str) -> Result<String, SplitError> {
    let statements = split_normalised(text)?;
    Ok(script_checksum(statements.iter().map(|(_, n)| n.as_str())))
}

/// The script checksum of already normalised statements.
pub(crate) fn script_checksum<'a>(normalised: impl IntoIterator<Item = &'a str>) -> String {
    let mut hasher = Sha256::new();
    for statement in normalised {
        hasher.update(statement.as_bytes());
        hasher.update(b";\n");
    }
    hex(&hasher.finalize())
}

/// SHA-256 of `bytes`, as 64 lowercase hex digits.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(text: &str) -> String {
        checksum(text).expect("splits")
    }

    const BASE: &str = "CREATE TABLE users (\n    id uuid PRIMARY KEY,\n    name text\n);\n\nINSERT INTO users (id, name) VALUES (5b6962dd-3f90-4c93-8f61-eabfa4a803e2, 'Ann');\n";

    #[test]
    fn known_vectors() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        // The script form: each normalised statement followed by ";\n".
        assert_eq!(
            sum("SELECT  1 ;\n\nSELECT 2"),
            sha256_hex(b"SELECT 1;\nSELECT 2;\n")
        );
        assert_eq!(sum(""), sha256_hex(b""));
    }

    #[test]
    fn layout_comments_and_line_endings_do_not_change_it() {
        let base = sum(BASE);
        let variants = [
            BASE.replace('\n', "\r\n"),
            BASE.replace('\n', "\r"),
            BASE.replace('\n', "   \n"),
            BASE.replace(";\n", ";\n\n\n"),
            BASE.replace("    ", "\t\t"),
            BASE.replace("\n    ", "\n  "),
            BASE.replace(",\n    name", ", name"),
            format!("-- users and their names\n/* added in 1.2 */\n{BASE}// end\n"),
            BASE.replace("PRIMARY KEY,", "PRIMARY KEY, -- the key\n"),
            BASE.replace("users (id, name)", "users /* who */ (id, name)"),
            format!("\u{feff}{BASE}"),
            BASE.trim_end().trim_end_matches(';').to_owned(),
        ];
        for v in variants {
            assert_eq!(sum(&v), base, "{v:?}");
        }
    }

    #[test]
    fn what_is_sent_changes_it() {
        let base = sum(BASE);
        let variants = [
            BASE.replace("'Ann'", "'ann'"),
            BASE.replace("'Ann'", "'Ann '"),
            BASE.replace("name text", "name varchar"),
            BASE.replace("CREATE TABLE users", "CREATE TABLE \"Users\""),
            BASE.replace("users (id, name)", "users(id, name)"),
            format!("{BASE}DROP TABLE x;"),
            BASE.replacen(';', "", 1),
        ];
        for v in variants {
            assert_ne!(sum(&v), base, "{v:?}");
        }
    }

    #[test]
    fn whitespace_inside_literals_counts() {
        assert_ne!(sum("SELECT 'a b'"), sum("SELECT 'a  b'"));
        assert_ne!(sum("SELECT \"a b\" FROM t"), sum("SELECT \"a  b\" FROM t"));
        assert_ne!(sum("AS $$ a b $$"), sum("AS $$ a\nb $$"));
    }

    #[test]
    fn it_is_lowercase_hex() {
        let s = sum(BASE);
        assert_eq!(s.len(), 64);
        assert!(
            s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
    }
}

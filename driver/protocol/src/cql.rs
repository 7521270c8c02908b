//! CQL text helpers shared by everything that writes CQL (the mapper's DDL and queries, the
//! driver's `USE`, the emulator's schema rendering): identifier and string-literal quoting.

/// Words that cannot stand bare as identifiers: Cassandra 4.0's reserved keywords
/// (`ReservedKeywords`) plus the lexer's literal words (`true`, `false`, `nan`, `infinity`),
/// which never lex as identifiers. Quoting a word that did not need it is always safe, so
/// when in doubt a word belongs here.
const RESERVED: &[&str] = &[
    "add",
    "allow",
    "alter",
    "and",
    "apply",
    "asc",
    "authorize",
    "batch",
    "begin",
    "by",
    "columnfamily",
    "create",
    "default",
    "delete",
    "desc",
    "describe",
    "drop",
    "entries",
    "execute",
    "false",
    "from",
    "full",
    "grant",
    "if",
    "in",
    "index",
    "infinity",
    "insert",
    "into",
    "is",
    "keyspace",
    "limit",
    "materialized",
    "mbean",
    "mbeans",
    "modify",
    "nan",
    "norecursive",
    "not",
    "null",
    "of",
    "on",
    "or",
    "order",
    "primary",
    "rename",
    "replace",
    "revoke",
    "schema",
    "select",
    "set",
    "table",
    "to",
    "token",
    "true",
    "truncate",
    "unlogged",
    "unset",
    "update",
    "use",
    "using",
    "view",
    "where",
    "with",
];

/// Whether `word` (any case) is reserved and must be double-quoted to be used as a name.
pub fn is_reserved_keyword(word: &str) -> bool {
    RESERVED.iter().any(|k| k.eq_ignore_ascii_case(word))
}

/// The identifier as CQL text: bare when Cassandra reads it back unchanged (a lower-case
/// letter, then lower-case letters, digits or `_`, and not reserved), else double-quoted
/// with inner `"` doubled.
pub fn quote_identifier(name: &str) -> String {
    let bare = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !is_reserved_keyword(name);
    if bare {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// A CQL string literal: single-quoted with inner `'` doubled.
pub fn quote_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_only_when_needed() {
        assert_eq!(quote_identifier("user_id2"), "user_id2");
        assert_eq!(quote_identifier("userId"), "\"userId\"");
        assert_eq!(quote_identifier("select"), "\"select\"");
        assert_eq!(quote_identifier("true"), "\"true\"");
        assert_eq!(quote_identifier("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_identifier("1a"), "\"1a\"");
        assert_eq!(quote_identifier(""), "\"\"");
        // Unreserved keywords stay bare: they are valid column names.
        assert_eq!(quote_identifier("key"), "key");
        assert_eq!(quote_identifier("ttl"), "ttl");
    }

    #[test]
    fn strings_double_their_quotes() {
        assert_eq!(quote_string("it's"), "'it''s'");
        assert_eq!(quote_string(""), "''");
    }
}

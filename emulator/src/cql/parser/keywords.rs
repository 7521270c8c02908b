//! Reserved keywords: words that can never be identifiers unless double-quoted.
//!
//! Cassandra 4.0's `Parser.g` lists the keywords usable as names (`unreserved_keyword`,
//! `basic_unreserved_keyword`, the native type names); every other keyword of `Lexer.g` is
//! reserved. That reserved set is what this table holds (it matches the "reserved" column of
//! the CQL documentation's keyword appendix, plus the boolean and special float literals,
//! which are distinct tokens in Cassandra's lexer). So `key`, `type`, `ttl`, `writetime`,
//! `count`, `values`, `map`, `json`, `text` ... remain valid column names.

const RESERVED: &[&str] = &[
    "ADD",
    "ALLOW",
    "ALTER",
    "AND",
    "APPLY",
    "ASC",
    "AUTHORIZE",
    "BATCH",
    "BEGIN",
    "BY",
    "COLUMNFAMILY",
    "CREATE",
    "DELETE",
    "DESC",
    "DESCRIBE",
    "DROP",
    "ENTRIES",
    "EXECUTE",
    "FALSE",
    "FROM",
    "FULL",
    "GRANT",
    "IF",
    "IN",
    "INDEX",
    "INFINITY",
    "INSERT",
    "INTO",
    "IS",
    "KEYSPACE",
    "LIMIT",
    "MATERIALIZED",
    "MODIFY",
    "NAN",
    "NORECURSIVE",
    "NOT",
    "NULL",
    "OF",
    "ON",
    "OR",
    "ORDER",
    "PRIMARY",
    "RENAME",
    "REVOKE",
    "SCHEMA",
    "SELECT",
    "SET",
    "TABLE",
    "TO",
    "TOKEN",
    "TRUE",
    "TRUNCATE",
    "UNLOGGED",
    "UPDATE",
    "USE",
    "USING",
    "VIEW",
    "WHERE",
    "WITH",
];

/// Whether `word` (any case) is a reserved keyword.
pub(crate) fn is_reserved(word: &str) -> bool {
    RESERVED.iter().any(|k| k.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::is_reserved;

    #[test]
    fn reserved_and_unreserved() {
        for w in ["select", "From", "WHERE", "token", "null", "true", "NaN"] {
            assert!(is_reserved(w), "{w}");
        }
        for w in [
            "key",
            "type",
            "ttl",
            "writetime",
            "count",
            "values",
            "map",
            "json",
            "text",
            "keys",
            "filtering",
        ] {
            assert!(!is_reserved(w), "{w}");
        }
    }
}

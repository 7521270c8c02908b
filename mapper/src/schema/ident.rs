//! Quoting identifiers and string literals for generated CQL (the shared rules live in
//! `cassia_protocol::cql`, so the mapper, driver and emulator quote identically).

pub use cassia_protocol::cql::quote_identifier as quote_ident;
pub(crate) use cassia_protocol::cql::quote_string;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(quote_ident("user_id2"), "user_id2");
        assert_eq!(quote_ident("userId"), "\"userId\"");
        assert_eq!(quote_ident("select"), "\"select\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_ident("1a"), "\"1a\"");
        assert_eq!(quote_string("it's"), "'it''s'");
    }
}

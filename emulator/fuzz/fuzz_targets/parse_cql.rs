//! Fuzz target: the CQL lexer and parser must never panic, overflow the stack or loop on any
//! input; a successful parse must report consistently numbered bind markers and render (via
//! `Display`) to CQL that parses back to the same tree.

#![no_main]

use cassia_emulator::cql::ast::Statement;
use cassia_emulator::cql::{parse_statement, parse_statement_with_markers, parse_statements};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(cql) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(parsed) = parse_statement_with_markers(cql) {
        for (i, marker) in parsed.bind_markers.iter().enumerate() {
            assert_eq!(marker.index, i);
        }
        if !matches!(parsed.statement, Statement::Unsupported(_)) {
            let shown = parsed.statement.to_string();
            assert_eq!(
                parse_statement(&shown).as_ref(),
                Ok(&parsed.statement),
                "{shown}"
            );
        }
    }
    let _ = parse_statements(cql);
});

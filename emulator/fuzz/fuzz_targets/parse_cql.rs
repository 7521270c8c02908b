//! Fuzz target: the CQL lexer and parser must never panic, overflow the stack or loop on any
//! input, and a successful parse must report consistently numbered bind markers.

#![no_main]

use cassia_emulator::cql::{parse_statement_with_markers, parse_statements};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(cql) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(parsed) = parse_statement_with_markers(cql) {
        for (i, marker) in parsed.bind_markers.iter().enumerate() {
            assert_eq!(marker.index, i);
        }
    }
    let _ = parse_statements(cql);
});

//! Every CQL string recorded in the wire captures (`testdata/wire-captures/*/expected.json`,
//! real traffic with Cassandra 4.0.13) must parse; the deliberately broken one must fail with
//! exactly the message Cassandra sent. Each parsed statement must also survive
//! display → parse unchanged.
//!
//! The JSON is scanned for `"cql"` and `"query"` string fields with a small string decoder, so
//! the test needs no JSON crate.

use std::path::PathBuf;

use cassia_emulator::cql::parse_statement;

fn captures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/wire-captures")
}

/// Decodes the JSON string starting right after its opening quote; returns it and the rest.
fn json_string(s: &str) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = s.char_indices();
    let mut pending_high: Option<u32> = None;
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &s[i + 1..])),
            '\\' => {
                let (_, e) = chars.next()?;
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'u' => {
                        let hex: String =
                            (0..4).filter_map(|_| chars.next().map(|x| x.1)).collect();
                        let code = u32::from_str_radix(&hex, 16).ok()?;
                        if (0xD800..0xDC00).contains(&code) {
                            pending_high = Some(code);
                            continue;
                        }
                        let code = match pending_high.take() {
                            Some(h) => 0x10000 + ((h - 0xD800) << 10) + (code - 0xDC00),
                            None => code,
                        };
                        out.push(char::from_u32(code)?);
                    }
                    other => out.push(other),
                }
            }
            c => out.push(c),
        }
    }
    None
}

/// All string values of `"key": "..."` fields in the document.
fn string_fields(doc: &str, key: &str) -> Vec<String> {
    let needle = format!("\"{key}\": \"");
    let mut out = Vec::new();
    let mut rest = doc;
    while let Some(at) = rest.find(&needle) {
        rest = &rest[at + needle.len()..];
        if let Some((value, tail)) = json_string(rest) {
            out.push(value);
            rest = tail;
        }
    }
    out
}

#[test]
fn every_captured_statement_parses() {
    let mut checked = 0;
    for scenario in ["v4-plain", "v4-lz4", "v4-snappy", "v5-plain", "v5-lz4"] {
        let path = captures_dir().join(scenario).join("expected.json");
        let doc = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let mut statements = string_fields(&doc, "cql");
        statements.extend(string_fields(&doc, "query"));
        assert!(
            statements.len() > 40,
            "{scenario}: only {} statements",
            statements.len()
        );
        for cql in statements {
            let result = parse_statement(&cql);
            if cql == "SELEC * FROM kv" {
                let err = result.expect_err("broken statement must fail");
                assert_eq!(
                    err.to_string(),
                    "line 1:0 no viable alternative at input 'SELEC' ([SELEC]...)"
                );
            } else {
                let stmt = result.unwrap_or_else(|e| panic!("{scenario}: {cql:?} failed: {e}"));
                // Display renders CQL that parses back to the same tree.
                let shown = stmt.to_string();
                assert_eq!(parse_statement(&shown).as_ref(), Ok(&stmt), "{shown}");
            }
            checked += 1;
        }
    }
    assert!(checked > 200);
}

#[test]
fn captured_syntax_error_message_is_recorded_as_expected() {
    let path = captures_dir().join("v4-plain").join("expected.json");
    let doc = std::fs::read_to_string(&path).unwrap_or_default();
    let messages = string_fields(&doc, "error_message");
    assert!(
        messages
            .iter()
            .any(|m| m == "line 1:0 no viable alternative at input 'SELEC' ([SELEC]...)"),
        "{messages:?}"
    );
}

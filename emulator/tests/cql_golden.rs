//! Golden tests for the CQL parser: each `tests/cql/<name>.cql` holds cases separated by lines
//! of `----`; `tests/cql/<name>.out` holds, per case, the input and either the `{:#?}` of the
//! parsed statement with its bind markers or the syntax error message.
//!
//! Run with `CASSIA_BLESS=1` to rewrite the `.out` files after an intended change, then review
//! the diff.

use std::fmt::Write as _;
use std::path::PathBuf;

use cassia_emulator::cql::parse_statement_with_markers;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cql")
}

fn render(input: &str) -> String {
    let mut out = String::new();
    for case in input.split("\n----\n") {
        let case = case.trim();
        if case.is_empty() {
            continue;
        }
        let _ = writeln!(out, "==== {case}");
        match parse_statement_with_markers(case) {
            Ok(parsed) => {
                let _ = writeln!(out, "{:#?}", parsed.statement);
                if !parsed.bind_markers.is_empty() {
                    let _ = writeln!(out, "markers: {:?}", parsed.bind_markers);
                }
            }
            Err(e) => {
                let _ = writeln!(out, "ERROR: {e}");
            }
        }
    }
    out
}

#[test]
fn golden_files() {
    let bless = std::env::var_os("CASSIA_BLESS").is_some();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(golden_dir())
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    let mut failures = Vec::new();
    let mut seen = 0;
    for path in entries
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "cql"))
    {
        seen += 1;
        let input = std::fs::read_to_string(path).unwrap_or_default();
        let actual = render(&input);
        let out_path = path.with_extension("out");
        if bless {
            if let Err(e) = std::fs::write(&out_path, &actual) {
                failures.push(format!("{}: cannot write: {e}", out_path.display()));
            }
            continue;
        }
        let expected = std::fs::read_to_string(&out_path).unwrap_or_default();
        if expected != actual {
            let first_diff = expected
                .lines()
                .zip(actual.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(expected.lines().count().min(actual.lines().count()));
            failures.push(format!(
                "{}: differs from the golden file at line {} (rerun with CASSIA_BLESS=1 and review)\n\
                 expected: {:?}\n  actual: {:?}",
                out_path.display(),
                first_diff + 1,
                expected.lines().nth(first_diff),
                actual.lines().nth(first_diff)
            ));
        }
    }
    assert!(
        seen >= 5,
        "golden inputs missing in {}",
        golden_dir().display()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

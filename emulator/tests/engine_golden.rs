//! Golden tests for the CQL engine: each `tests/engine/<name>.cql` script runs statement by
//! statement on a fresh engine and its results (rows decoded and rendered as CQL literals,
//! errors with code and message, warnings) must equal `tests/engine/<name>.out`.
//!
//! Statements end with `;` at the end of a line; `--` lines are comments. Run with
//! `CASSIA_BLESS=1` to (re)write the `.out` files after checking the differences.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use cassia_emulator::engine::{ClientState, Engine, EngineConfig};
use cassia_protocol::frame::ProtocolVersion;
use cassia_protocol::request::QueryParameters;
use cassia_protocol::response::{ErrorKind, ResultBody, SchemaChangeTarget};
use cassia_protocol::value::{CqlValue, DeserializeValue};

fn statements(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in script.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with("--") {
            continue;
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(t);
        if let Some(stmt) = cur.strip_suffix(';') {
            out.push(stmt.trim().to_owned());
            cur.clear();
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_owned());
    }
    out
}

fn error_code(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::SyntaxError => "0x2000 SyntaxError",
        ErrorKind::Invalid => "0x2200 Invalid",
        ErrorKind::AlreadyExists { .. } => "0x2400 AlreadyExists",
        ErrorKind::Unprepared { .. } => "0x2500 Unprepared",
        ErrorKind::ConfigError => "0x2300 ConfigError",
        ErrorKind::ServerError => "0x0000 ServerError",
        _ => "other",
    }
}

fn render(engine: &Engine, client: &mut ClientState, cql: &str, out: &mut String) {
    writeln!(out, "> {cql}").unwrap();
    match engine.query(client, cql, &QueryParameters::default()) {
        Err(e) => writeln!(out, "ERROR {}: {}", error_code(&e.kind), e.message).unwrap(),
        Ok(o) => {
            for w in &o.warnings {
                writeln!(out, "WARNING {w}").unwrap();
            }
            match &o.body {
                ResultBody::Void => writeln!(out, "VOID").unwrap(),
                ResultBody::SetKeyspace(ks) => writeln!(out, "SET_KEYSPACE {ks}").unwrap(),
                ResultBody::SchemaChange(c) => {
                    let target = match &c.target {
                        SchemaChangeTarget::Keyspace { keyspace } => format!("KEYSPACE {keyspace}"),
                        SchemaChangeTarget::Table { keyspace, table } => {
                            format!("TABLE {keyspace}.{table}")
                        }
                        SchemaChangeTarget::Type { keyspace, name } => {
                            format!("TYPE {keyspace}.{name}")
                        }
                        other => format!("{other:?}"),
                    };
                    writeln!(out, "SCHEMA_CHANGE {:?} {target}", c.change).unwrap();
                }
                ResultBody::Prepared(_) => writeln!(out, "PREPARED").unwrap(),
                ResultBody::Rows(rows) => {
                    let header: Vec<String> = rows
                        .metadata
                        .columns
                        .iter()
                        .map(|c| format!("{}:{}", c.name, c.typ))
                        .collect();
                    writeln!(out, "ROWS {} | {}", rows.row_count, header.join(" | ")).unwrap();
                    for row in rows.iter() {
                        let row = row.unwrap();
                        let cells: Vec<String> = row
                            .cells()
                            .zip(rows.metadata.columns.iter())
                            .map(|(cell, col)| match cell {
                                None => "null".to_owned(),
                                Some(b) => match CqlValue::deserialize_value(&col.typ, Some(b)) {
                                    Ok(v) => v.to_string(),
                                    Err(e) => format!("<undecodable {e}>"),
                                },
                            })
                            .collect();
                        writeln!(out, "  {}", cells.join(" | ")).unwrap();
                    }
                }
            }
        }
    }
}

fn run(path: &Path) -> Result<(), String> {
    let script = std::fs::read_to_string(path).unwrap();
    let engine = Engine::new(EngineConfig::default());
    let mut client = ClientState::new(ProtocolVersion::V5);
    let mut out = String::new();
    for stmt in statements(&script) {
        render(&engine, &mut client, &stmt, &mut out);
    }
    let expected_path = path.with_extension("out");
    if std::env::var_os("CASSIA_BLESS").is_some() {
        std::fs::write(&expected_path, &out).unwrap();
        return Ok(());
    }
    let expected = std::fs::read_to_string(&expected_path)
        .map_err(|e| format!("{}: {e} (run with CASSIA_BLESS=1)", expected_path.display()))?;
    if expected != out {
        let mut diff = String::new();
        for (i, (e, g)) in expected.lines().zip(out.lines()).enumerate() {
            if e != g {
                writeln!(diff, "line {}:\n  expected: {e}\n  got:      {g}", i + 1).unwrap();
                break;
            }
        }
        if diff.is_empty() {
            diff = format!(
                "lengths differ: {} vs {} lines",
                expected.lines().count(),
                out.lines().count()
            );
        }
        return Err(format!("{}: output differs\n{diff}", path.display()));
    }
    Ok(())
}

#[test]
fn golden_scripts() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/engine");
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "cql"))
        .collect();
    scripts.sort();
    assert!(!scripts.is_empty(), "no scripts in {}", dir.display());
    let failures: Vec<String> = scripts.iter().filter_map(|p| run(p).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

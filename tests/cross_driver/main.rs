//! The cross-driver suite (issue 4): every CQL type, with edge values, written by one driver
//! and read by the other — Cassia and the official DataStax Python driver — over protocol v4
//! and v5, against a fresh emulator (or `CASSIA_CONTACT_POINTS`).
//!
//! The expected values live once, in `values.json`; each side compares what it read with that
//! file, never with what the other side says it wrote. A test fails naming every row (writer,
//! statement kind, column, case), its CQL type and both renderings.
//!
//! Modules: `values` (the notation), `cql_type` (type strings), `compare` (wire-exact
//! equality), `target` (node and schema), `cassia_side` and `peer` (the two drivers),
//! `flows` (the two directions), `known_bugs` (bugs in our code the suite found).

mod cassia_side;
mod compare;
mod cql_type;
mod flows;
mod known_bugs;
mod peer;
mod target;
mod values;

use std::fmt;

/// Why a run could not even compare values (no node, no Python driver, bad values.json).
#[derive(Debug)]
pub struct Failure(String);

impl Failure {
    pub fn setup(message: impl Into<String>) -> Failure {
        Failure(message.into())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<values::NotationError> for Failure {
    fn from(e: values::NotationError) -> Failure {
        Failure(e.to_string())
    }
}

/// One value that did not survive the trip (or a statement that failed).
#[derive(Debug, Clone)]
pub struct Mismatch {
    /// `writer:kind:column:case`.
    pub row: String,
    /// The column's CQL type.
    pub typ: String,
    /// The expected value as the reader renders it.
    pub expected: String,
    /// What the reader got (or the error).
    pub got: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}):\n    expected {}\n    got      {}",
            self.row, self.typ, self.expected, self.got
        )
    }
}

async fn must(result: Result<Vec<Mismatch>, Failure>, what: &str) {
    match result {
        Err(e) => panic!("{what}: could not run: {e}"),
        Ok(mismatches) => assert!(
            mismatches.is_empty(),
            "{what}: {} value(s) differ between the drivers:\n{}",
            mismatches.len(),
            mismatches
                .iter()
                .map(|m| format!("  {m}"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v4_python_writes_cassia_reads() {
    must(flows::python_to_cassia(4).await, "v4 Python -> Cassia").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v4_cassia_writes_python_reads() {
    must(flows::cassia_to_python(4).await, "v4 Cassia -> Python").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v5_python_writes_cassia_reads() {
    must(flows::python_to_cassia(5).await, "v5 Python -> Cassia").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v5_cassia_writes_python_reads() {
    must(flows::cassia_to_python(5).await, "v5 Cassia -> Python").await;
}

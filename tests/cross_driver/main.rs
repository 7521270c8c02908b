//! The cross-driver suite (issue 4): every CQL type, with edge values, written by one driver
//! and read by the other — Cassia and the official DataStax Python driver — over protocol v4
//! and v5 (plain, and compressed as Cassandra 4.0 allows), against a fresh emulator (or
//! `CASSIA_CONTACT_POINTS`).
//!
//! The expected values live once, in `values.json`; each side compares what it read with that
//! file, never with what the other side says it wrote. A test fails naming every row (writer,
//! statement kind, column, case), its CQL type and both renderings.
//!
//! Modules: `values` (the notation), `cql_type` (type strings), `compare` (wire-exact
//! equality), `target` (node and schema), `cassia_side` and `peer` (the two drivers), `typed` (Cassia's
//! typed Rust values instead of `CqlValue`), `mapper_side` (a `#[derive(Model)]` of the table),
//! `flows` (the two directions), `known_bugs` (bugs in our code the suite found).

mod cassia_side;
mod compare;
mod cql_type;
mod flows;
mod known_bugs;
mod mapper_side;
mod peer;
mod target;
mod typed;
mod values;

use std::fmt;

use cassia_driver::Compression;

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

/// Declares the two direction tests for one connection setting.
macro_rules! directions {
    ($py_to_rs:ident, $rs_to_py:ident, $version:expr, $compression:expr) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $py_to_rs() {
            let setting = flows::Setting {
                version: $version,
                compression: $compression,
            };
            must(
                flows::python_to_cassia(setting).await,
                stringify!($py_to_rs),
            )
            .await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $rs_to_py() {
            let setting = flows::Setting {
                version: $version,
                compression: $compression,
            };
            must(
                flows::cassia_to_python(setting).await,
                stringify!($rs_to_py),
            )
            .await;
        }
    };
}

directions!(
    v4_python_writes_cassia_reads,
    v4_cassia_writes_python_reads,
    4,
    None
);
directions!(
    v5_python_writes_cassia_reads,
    v5_cassia_writes_python_reads,
    5,
    None
);
// Compressed bodies (v4 frames) and compressed segments (v5, where the 1 MiB blob spans many
// segments): Cassandra 4.0 compresses v5 with LZ4 only.
directions!(
    v4_lz4_python_writes_cassia_reads,
    v4_lz4_cassia_writes_python_reads,
    4,
    Some(Compression::Lz4)
);
directions!(
    v4_snappy_python_writes_cassia_reads,
    v4_snappy_cassia_writes_python_reads,
    4,
    Some(Compression::Snappy)
);
directions!(
    v5_lz4_python_writes_cassia_reads,
    v5_lz4_cassia_writes_python_reads,
    5,
    Some(Compression::Lz4)
);

//! Running the Python helper (`peer.py`) with the official DataStax Python driver.
//!
//! The interpreter is `$CASSIA_PYTHON`, else the repository's `.venv/bin/python` (this
//! checkout's, then the main checkout's when this is a git worktree), else `python3`. If the
//! `cassandra` module cannot be imported the suite fails with instructions: a cross-driver
//! test that silently skips its peer proves nothing.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::Value;
use tokio::process::Command;

use crate::Failure;
use crate::target::Target;

/// What the helper reported for one run.
#[derive(Debug, Default)]
pub struct Report {
    /// Row ids written (write) or checked (check).
    pub rows: Vec<String>,
    /// `(row, type, why)` combinations the helper could not express.
    pub skipped: Vec<(String, String, String)>,
    /// `(row, type, expected, got)` per mismatch or failed statement.
    pub failures: Vec<(String, String, String, String)>,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The main checkout of a worktree: the parent of `git rev-parse --git-common-dir`.
fn main_checkout() -> Option<PathBuf> {
    let out = std::process::Command::new("git")
        .args(["rev-parse", "--path-format=absolute", "--git-common-dir"])
        .current_dir(repo_root())
        .output()
        .ok()?;
    let dir = String::from_utf8(out.stdout).ok()?;
    Path::new(dir.trim()).parent().map(Path::to_path_buf)
}

/// The interpreter to use, by the resolution order above.
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("CASSIA_PYTHON") {
        return PathBuf::from(p);
    }
    let candidates = [Some(repo_root()), main_checkout()];
    candidates
        .into_iter()
        .flatten()
        .map(|root| root.join(".venv/bin/python"))
        .find(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("python3"))
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("cross_driver/peer.py")
}

async fn run(args: &[String]) -> Result<Value, Failure> {
    run_with(&python(), &[], args).await
}

/// Runs the helper with interpreter `python`, passing `flags` to the interpreter itself.
async fn run_with(python: &Path, flags: &[&str], args: &[String]) -> Result<Value, Failure> {
    let out = Command::new(python)
        .args(flags)
        .arg(script())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .await
        .map_err(|e| Failure::setup(format!("cannot run {}: {e}", python.display())))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(Failure::setup(format!(
            "peer.py {} exited with {}\n--- stderr ---\n{stderr}",
            args.first().map(String::as_str).unwrap_or_default(),
            out.status
        )));
    }
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last).map_err(|e| {
        Failure::setup(format!(
            "peer.py printed no JSON report ({e})\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
        ))
    })
}

/// Fails unless the interpreter can import the Python driver.
pub async fn probe() -> Result<String, Failure> {
    probe_with(&python(), &[]).await
}

async fn probe_with(python: &Path, flags: &[&str]) -> Result<String, Failure> {
    let report = run_with(python, flags, &["probe".to_string()]).await?;
    if report["ok"] == true {
        return Ok(report["version"].as_str().unwrap_or("?").to_string());
    }
    Err(Failure::setup(format!(
        "{} cannot import the DataStax Python driver (`cassandra`): {}\n\
         Install it with `python3 -m venv .venv && .venv/bin/pip install -r tests/python/requirements.txt` \
         at the repository root, or point CASSIA_PYTHON at an interpreter that has it.",
        python.display(),
        report["error"].as_str().unwrap_or("?")
    )))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn field(v: &Value, name: &str) -> String {
    v[name].as_str().unwrap_or_default().to_string()
}

/// Runs `peer.py <command>` against `target` in `keyspace` with protocol `version` and
/// `compression` (`none`, `lz4`, `snappy`), leaving out the tables in `skip_tables` (the node
/// could not create them).
pub async fn peer(
    command: &str,
    target: &Target,
    keyspace: &str,
    version: u8,
    compression: &str,
    skip_tables: &[String],
) -> Result<Report, Failure> {
    let mut args: Vec<String> = [
        command,
        "--host",
        &target.host,
        "--port",
        &target.port.to_string(),
        "--protocol",
        &version.to_string(),
        "--keyspace",
        keyspace,
        "--values",
        &crate::values::path().to_string_lossy(),
        "--writer",
        "rs",
        "--compression",
        compression,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for table in skip_tables {
        args.extend(["--skip-table".to_string(), table.clone()]);
    }
    let report = run(&args).await?;
    let rows = if command == "write" {
        &report["written"]
    } else {
        &report["checked"]
    };
    let list = |name: &str| report[name].as_array().cloned().unwrap_or_default();
    Ok(Report {
        rows: strings(rows),
        skipped: list("skipped")
            .iter()
            .map(|s| (field(s, "row"), field(s, "type"), field(s, "why")))
            .collect(),
        failures: list("failures")
            .iter()
            .map(|f| {
                (
                    field(f, "row"),
                    field(f, "type"),
                    field(f, "expected"),
                    field(f, "got"),
                )
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_interpreter_without_the_driver_fails_with_install_instructions() {
        // `-S` leaves site-packages out of sys.path, so `import cassandra` fails as it would
        // with a bare interpreter.
        let err = match probe_with(&python(), &["-S"]).await {
            Ok(version) => panic!("probe passed without site-packages (driver {version})"),
            Err(e) => e.to_string(),
        };
        assert!(
            err.contains("cannot import the DataStax Python driver"),
            "{err}"
        );
        assert!(
            err.contains("pip install -r tests/python/requirements.txt"),
            "{err}"
        );
        assert!(err.contains("CASSIA_PYTHON"), "{err}");
    }

    #[tokio::test]
    async fn the_resolved_interpreter_has_the_driver() {
        let version = probe().await.map_err(|e| e.to_string());
        assert!(
            matches!(&version, Ok(v) if v.starts_with('3')),
            "{version:?}"
        );
    }
}

//! Finding (or creating) a Python with `cassandra-driver` 3.30.1, libev and lz4.
//!
//! Order: `$CASSIA_BENCH_PYTHON`; the workspace's `.venv` (what the conformance suite uses);
//! the bench's own venv in `target/bench-venv`; otherwise that venv is created with
//! `python3 -m venv` and `bench/python/requirements.txt`. Any failure becomes the reason the
//! Python client is reported as skipped.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const CHECK: &str = "import cassandra, lz4, cassandra.io.libevreactor, cassandra.cluster; \
assert cassandra.__version__ == '3.30.1', cassandra.__version__";

fn bench_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn workspace_root() -> PathBuf {
    bench_dir()
        .parent()
        .map_or_else(bench_dir, Path::to_path_buf)
}

/// The client script.
pub(crate) fn script_path() -> PathBuf {
    bench_dir().join("python").join("bench_client.py")
}

fn usable(py: &Path) -> Result<(), String> {
    let out = Command::new(py)
        .args(["-c", CHECK])
        .stdout(Stdio::null())
        .output()
        .map_err(|e| format!("{}: {e}", py.display()))?;
    if out.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().last().unwrap_or("failed").to_string();
        Err(format!("{}: {last}", py.display()))
    }
}

/// A Python ready for `bench_client.py`, or why there is none.
pub(crate) fn resolve() -> Result<PathBuf, String> {
    let mut tried = Vec::new();
    let venv = workspace_root().join("target").join("bench-venv");
    let candidates = std::env::var_os("CASSIA_BENCH_PYTHON")
        .map(PathBuf::from)
        .into_iter()
        .chain([
            workspace_root().join(".venv").join("bin").join("python"),
            venv.join("bin").join("python"),
        ]);
    for py in candidates {
        if !py.exists() {
            continue;
        }
        match usable(&py) {
            Ok(()) => return Ok(py),
            Err(e) => tried.push(e),
        }
    }
    eprintln!(
        "cassia-bench: creating {} (pip install of the pinned Python driver)",
        venv.display()
    );
    let run = |cmd: &mut Command, what: &str| -> Result<(), String> {
        let out = cmd.output().map_err(|e| format!("{what}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            let err = String::from_utf8_lossy(&out.stderr);
            Err(format!(
                "{what} failed: {}",
                err.lines().last().unwrap_or("")
            ))
        }
    };
    let created = run(
        Command::new("python3").arg("-m").arg("venv").arg(&venv),
        "python3 -m venv",
    )
    .and_then(|()| {
        let py = venv.join("bin").join("python");
        run(
            Command::new(&py)
                .args(["-m", "pip", "install", "--quiet", "-r"])
                .arg(bench_dir().join("python").join("requirements.txt")),
            "pip install -r bench/python/requirements.txt",
        )?;
        usable(&py).map(|()| py)
    });
    created.map_err(|e| {
        tried.push(e);
        format!("no usable Python driver ({})", tried.join("; "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::responder::Responder;
    use crate::trial::{Measured, WINDOW_START};

    /// An existing Python with the driver (never creates a venv from a test).
    fn existing_python() -> Option<PathBuf> {
        std::env::var_os("CASSIA_BENCH_PYTHON")
            .map(PathBuf::from)
            .into_iter()
            .chain([
                workspace_root().join(".venv/bin/python"),
                workspace_root().join("target/bench-venv/bin/python"),
            ])
            .find(|p| p.exists() && usable(p).is_ok())
    }

    #[test]
    fn python_client_completes_a_short_v5_lz4_trial() {
        let Some(py) = existing_python() else {
            eprintln!("no Python with cassandra-driver 3.30.1 found; skipping");
            return;
        };
        let responder = Responder::start(None).expect("responder");
        let out = Command::new(py)
            .arg(script_path())
            .arg(format!("--port={}", responder.addr.port()))
            .args([
                "--workload=select",
                "--inflight=8",
                "--version=5",
                "--lz4=1",
            ])
            .args(["--warmup-ms=100", "--measure-ms=300"])
            .output()
            .expect("python runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.lines().any(|l| l == WINDOW_START), "{stdout}");
        let m = stdout
            .lines()
            .find_map(Measured::from_line)
            .expect("a RESULT line");
        assert_eq!((m.errors, &m.error), (0, &None), "{stdout}");
        assert!(
            m.ops > 0 && m.p50_us > 0 && m.cpu_ms.is_some() && m.rss_kib.is_some(),
            "{m:?}"
        );
    }
}

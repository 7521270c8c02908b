//! Test scaffolding: a node to run against (the in-process emulator, or a real cluster via
//! `CASSIA_CONTACT_POINTS`), a fresh keyspace and migrations directory per test, and the real
//! `cassia` binary run as a separate process.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cassia::Session;
use cassia_emulator::EmulatorHandle;

#[allow(missing_debug_implementations)]
pub struct Env {
    pub contact: String,
    pub keyspace: String,
    pub dir: PathBuf,
    pub session: Session,
    emulator: Option<EmulatorHandle>,
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_cassia")
}

impl Env {
    pub async fn new(test: &str) -> Env {
        let (contact, emulator) = match std::env::var("CASSIA_CONTACT_POINTS") {
            Ok(p) if !p.trim().is_empty() => (p, None),
            _ => {
                let emu = cassia_emulator::Emulator::builder()
                    .start()
                    .await
                    .expect("emulator starts");
                (emu.addr().to_string(), Some(emu))
            }
        };
        let session = Session::builder()
            .known_nodes(contact.split(',').map(|s| s.trim().to_owned()))
            .build()
            .await
            .expect("session");
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let keyspace = format!("cli_{test}_{}_{nanos}", std::process::id());
        let dir = std::env::temp_dir().join(&keyspace);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("migrations")).expect("temp dir");
        Env {
            contact,
            keyspace,
            dir,
            session,
            emulator,
        }
    }

    pub fn migrations(&self) -> PathBuf {
        self.dir.join("migrations")
    }

    pub fn write(&self, file: &str, text: &str) {
        std::fs::write(self.migrations().join(file), text).expect("write migration");
    }

    /// `cassia <args>` with this test's node, keyspace and directory, run from the test's
    /// directory (so no stray cassia.toml is read) and without inherited CASSIA_* settings.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(bin());
        c.current_dir(&self.dir)
            .env_remove("CASSIA_PROFILE")
            .env_remove("CASSIA_CONFIG")
            .env_remove("CASSIA_KEYSPACE")
            .env_remove("CASSIA_USERNAME")
            .env_remove("CASSIA_PASSWORD")
            .env("CASSIA_CONTACT_POINTS", &self.contact)
            .args(args)
            .args(["--keyspace", &self.keyspace, "--migrations"])
            .arg(self.migrations());
        c
    }

    /// Runs the binary to completion (on a blocking thread: the emulator serves from this
    /// test's runtime meanwhile).
    pub async fn run(&self, args: &[&str]) -> Output {
        let mut c = self.cmd(args);
        tokio::task::spawn_blocking(move || c.output().expect("cassia runs"))
            .await
            .expect("join")
    }

    pub async fn history(&self) -> Vec<(i64, String, i32, i32)> {
        let mut rows: Vec<(i64, String, i32, i32)> = self
            .session
            .query(
                format!(
                    "SELECT version, state, statements_done, statements_total FROM {}.cassia_migrations",
                    self.keyspace
                ),
                (),
            )
            .await
            .expect("history")
            .rows()
            .expect("rows");
        rows.sort();
        rows
    }

    pub async fn columns(&self) -> Vec<(String, String, String)> {
        let mut rows: Vec<(String, String, String)> = self
            .session
            .query(
                "SELECT table_name, column_name, type FROM system_schema.columns WHERE keyspace_name = ?",
                (self.keyspace.as_str(),),
            )
            .await
            .expect("columns")
            .rows()
            .expect("rows");
        rows.sort();
        rows
    }

    pub async fn finish(self) {
        let _ = self
            .session
            .query(format!("DROP KEYSPACE IF EXISTS {}", self.keyspace), ())
            .await;
        self.session.shutdown().await;
        if let Some(e) = self.emulator {
            e.shutdown().await;
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", stdout(o), stderr(o)))
}

pub fn exists(p: &Path) -> bool {
    p.exists()
}

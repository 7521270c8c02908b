//! What a command prints: text for people (a progress bar on a terminal, a summary table
//! at the end) or one JSON document for CI, and the exit code that goes with it.

use std::io::IsTerminal;
use std::sync::Mutex;

use cassia::migrate::{MigrateError, MigrateEvent, MigrateObserver};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{Value, json};

use crate::cli::Format;

/// Exit codes (documented in `--help` and the README).
pub(crate) mod code {
    /// Success.
    pub(crate) const OK: u8 = 0;
    /// Any error.
    pub(crate) const ERROR: u8 = 1;
    /// Pending migrations, drift, or schema differences, when asked to check.
    pub(crate) const CHECK_FAILED: u8 = 2;
    /// Another runner holds the migration lock.
    pub(crate) const LOCKED: u8 = 3;
}

/// A finished command: its text, its JSON document and its exit code.
#[derive(Debug)]
pub(crate) struct Outcome {
    pub(crate) text: String,
    pub(crate) json: Value,
    pub(crate) code: u8,
}

impl Outcome {
    pub(crate) fn ok(text: String, json: Value) -> Self {
        Outcome {
            text,
            json,
            code: code::OK,
        }
    }

    pub(crate) fn with_code(mut self, code: u8) -> Self {
        self.code = code;
        self
    }

    /// Prints it in the chosen format.
    pub(crate) fn print(&self, format: Format) {
        match format {
            Format::Text => {
                if !self.text.is_empty() {
                    print!("{}", self.text);
                    if !self.text.ends_with('\n') {
                        println!();
                    }
                }
            }
            Format::Json => println!("{}", self.json),
        }
    }
}

/// Prints a failure (to standard error as text, or as JSON on standard output) and returns
/// its exit code: 3 for a held lock, 1 otherwise.
pub(crate) fn failure(command: &str, format: Format, error: &anyhow::Error) -> u8 {
    let lock = error.downcast_ref::<MigrateError>().and_then(|e| match e {
        MigrateError::LockHeld {
            owner,
            expires_at,
            acquired_at,
            table,
        } => Some((
            owner.clone(),
            acquired_at.clone(),
            expires_at.clone(),
            table.clone(),
        )),
        _ => None,
    });
    let code = if lock.is_some() {
        code::LOCKED
    } else {
        code::ERROR
    };
    match format {
        Format::Text => eprintln!("error: {error:#}"),
        Format::Json => {
            let mut err = json!({ "kind": kind(error), "message": format!("{error:#}") });
            if let Some((owner, acquired_at, expires_at, table)) = lock {
                err["lock"] = json!({
                    "owner": owner, "acquired_at": acquired_at, "expires_at": expires_at, "table": table
                });
            }
            println!(
                "{}",
                json!({ "command": command, "ok": false, "error": err })
            );
        }
    }
    code
}

fn kind(error: &anyhow::Error) -> &'static str {
    match error.downcast_ref::<MigrateError>() {
        Some(MigrateError::LockHeld { .. }) => "lock_held",
        Some(MigrateError::Drift { .. }) => "drift",
        Some(MigrateError::Blocked { .. }) => "failed_migration",
        Some(MigrateError::PrefixEdited { .. }) => "applied_statements_edited",
        Some(MigrateError::OutOfOrder { .. }) => "out_of_order",
        Some(MigrateError::StatementFailed { .. }) => "statement_failed",
        Some(MigrateError::Source(_)) => "migration_files",
        Some(MigrateError::LockLost { .. }) => "lock_lost",
        Some(MigrateError::NoKeyspace { .. } | MigrateError::NoTargetKeyspace) => "keyspace",
        Some(_) => "migration",
        None => "error",
    }
}

/// A plain-text table with left-aligned columns.
pub(crate) fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}  ", w = widths[i]));
            }
        }
        s.trim_end().to_owned() + "\n"
    };
    let mut out = line(header.to_vec());
    out.push_str(&line(
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect(),
    ));
    for r in rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

/// Draws a progress bar over statements (on a terminal, in text mode) and notes lock waits.
pub(crate) struct Progress {
    bar: Mutex<Option<ProgressBar>>,
    visible: bool,
}

impl Progress {
    pub(crate) fn new(format: Format) -> Self {
        Progress {
            bar: Mutex::new(None),
            visible: format == Format::Text && std::io::stderr().is_terminal(),
        }
    }
}

impl MigrateObserver for Progress {
    fn on_event(&self, event: &MigrateEvent<'_>) {
        let mut bar = self.bar.lock().unwrap_or_else(|p| p.into_inner());
        match event {
            MigrateEvent::WaitingForLock { holder } if self.visible => {
                eprintln!("waiting for the migration lock held by {}", holder.owner);
            }
            MigrateEvent::MigrationStarted {
                version,
                name,
                total,
                resume_at,
            } => {
                let b = ProgressBar::with_draw_target(
                    Some(*total as u64),
                    if self.visible {
                        ProgressDrawTarget::stderr()
                    } else {
                        ProgressDrawTarget::hidden()
                    },
                );
                if let Ok(style) =
                    ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}")
                {
                    b.set_style(style.progress_chars("=> "));
                }
                b.set_message(format!("{version} {name}"));
                b.set_position(*resume_at as u64);
                *bar = Some(b);
            }
            MigrateEvent::StatementApplied { index, .. } => {
                if let Some(b) = bar.as_ref() {
                    b.set_position(*index as u64);
                }
            }
            MigrateEvent::MigrationApplied { .. } => {
                if let Some(b) = bar.take() {
                    b.finish_and_clear();
                }
            }
            _ => {}
        }
    }
}

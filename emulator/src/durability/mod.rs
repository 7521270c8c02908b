//! Durability (optional): a write-ahead journal in a data directory.
//!
//! With [`crate::EmulatorBuilder::data_dir`] (or `--data-dir`), every request that changes
//! state (DDL, INSERT/UPDATE/DELETE, BATCH, TRUNCATE, LWT) is appended to
//! `DIR/journal.log` together with every value resolved while applying it (timestamps,
//! `now` for TTL expiry, generated UUIDs and ids: see `tape`), and the reply is sent only
//! once the record is fsynced (group commit: see `journal`). At start the journal is
//! replayed in order into a fresh engine, which reaches the same catalog and data, then new
//! records are appended after the old ones. Without a data directory nothing touches disk.
//!
//! - `tape`: the thread-local record/replay of resolved values.
//! - `record`: one record's encoding.
//! - `file`: the frame format and the start-up scan (torn tail vs. damage).
//! - `journal`: the append buffer and the writer thread.
//! - `replay`: feeding records back through the engine.
//!
//! Not done: compaction or snapshots (the journal grows with every write), and prepared
//! statements are not persisted (drivers re-prepare on the Unprepared error, as after a
//! Cassandra restart).

mod file;
pub(crate) mod journal;
pub(crate) mod record;
mod replay;
pub(crate) mod tape;

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub use file::Damage;
pub(crate) use journal::Journal;

use crate::engine::Engine;

/// The journal's file name inside the data directory.
pub const JOURNAL_FILE: &str = "journal.log";

/// Why the data directory could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DurabilityError {
    /// The directory could not be created.
    #[error("cannot create the data directory {}: {source}", dir.display())]
    CreateDir {
        /// The directory.
        dir: PathBuf,
        /// OS error.
        #[source]
        source: std::io::Error,
    },
    /// The journal could not be opened, read, truncated or written.
    #[error("cannot {action} the journal {}: {source}", path.display())]
    Io {
        /// What was being done ("open", "read", "truncate", "write").
        action: &'static str,
        /// The journal file.
        path: PathBuf,
        /// OS error.
        #[source]
        source: std::io::Error,
    },
    /// The journal is damaged before its end (not a torn tail a crash can leave): its
    /// acknowledged writes cannot be trusted, so the emulator does not start.
    #[error("the journal {} is corrupt at byte {offset}: {damage}; move it away to start empty, or restore it", path.display())]
    Corrupt {
        /// The journal file.
        path: PathBuf,
        /// Offset of the first bad frame.
        offset: u64,
        /// What is wrong there.
        damage: Damage,
    },
}

/// Opens (creating if needed) the journal in `dir`, replays it into `engine`, cuts a torn
/// tail, and returns the journal ready to append.
pub(crate) fn open(dir: &Path, engine: &Engine) -> Result<Journal, DurabilityError> {
    std::fs::create_dir_all(dir).map_err(|source| DurabilityError::CreateDir {
        dir: dir.to_owned(),
        source,
    })?;
    let path = dir.join(JOURNAL_FILE);
    let io = |action: &'static str| {
        let path = path.clone();
        move |source| DurabilityError::Io {
            action,
            path,
            source,
        }
    };
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io("open"))?;
    // Not locked against a second emulator on the same directory: `File::try_lock` needs a
    // newer Rust than the workspace's MSRV. Two emulators on one data dir corrupt it.
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(io("read"))?;
    let scan = file::scan(&path, &bytes)?;
    let replayed = replay::replay_all(&path, engine, &scan.payloads)?;
    if let Some((offset, size, damage)) = scan.torn {
        tracing::warn!(
            path = %path.display(),
            offset,
            bytes = size,
            %damage,
            "journal ends with a torn record (a write cut by a crash, never acknowledged); truncating it"
        );
        file.set_len(scan.valid_len).map_err(io("truncate"))?;
    }
    if scan.valid_len == 0 {
        file.set_len(0).map_err(io("truncate"))?;
        std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(0)).map_err(io("write"))?;
        file.write_all(file::MAGIC).map_err(io("write"))?;
    }
    file.sync_all().map_err(io("write"))?;
    sync_dir(dir);
    let end = if scan.valid_len == 0 {
        file::MAGIC.len() as u64
    } else {
        scan.valid_len
    };
    std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(end)).map_err(io("open"))?;
    tracing::info!(path = %path.display(), records = replayed, "journal replayed");
    Journal::start(file).map_err(io("start the writer of"))
}

/// Makes a newly created journal's directory entry durable too (best effort: not every
/// platform can open a directory).
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

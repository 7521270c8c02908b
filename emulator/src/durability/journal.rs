//! The running journal: appends records in apply order and makes them durable with group
//! commit.
//!
//! Writers (connection threads inside the engine) only copy their framed record into a
//! shared buffer and get a sequence number; they never touch the disk. One writer thread
//! takes everything buffered, writes it with one `write` and one `fdatasync`, then publishes
//! the highest durable sequence number. Connections hold back their replies until that
//! number reaches their record's (see `connection`), so every write a client sees
//! acknowledged is on disk, and concurrent writers share one fsync.

use std::fs::File;
use std::io::Write;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use tokio::sync::watch;

use super::file::put_frame;

/// What the writer thread publishes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Durable {
    /// Every record up to this sequence number is on disk.
    seq: u64,
    /// Writing failed: nothing later will ever be durable.
    failed: bool,
}

/// The log could not be written: the write was applied in memory but is not durable, so it
/// must not be acknowledged.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the write-ahead log could not be written; see the server log")]
pub(crate) struct NotDurable;

#[derive(Debug, Default)]
struct Pending {
    /// Framed records not yet handed to the writer thread.
    buf: Vec<u8>,
    /// Sequence number of the last record in `buf` (or the last one assigned).
    last_seq: u64,
    /// Set by `Drop`: flush what is left and stop.
    closing: bool,
}

#[derive(Debug)]
struct Inner {
    pending: Mutex<Pending>,
    wake: Condvar,
    durable: watch::Sender<Durable>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The journal of one running emulator. Dropping it flushes what is buffered and stops the
/// writer thread.
#[derive(Debug)]
pub(crate) struct Journal {
    inner: Arc<Inner>,
    /// Held while a state change is applied and appended, so the log order is the apply
    /// order (a replay then reaches the same state). Reads never take it.
    order: Mutex<()>,
    thread: Option<JoinHandle<()>>,
}

impl Journal {
    /// Starts the writer thread over `file`, positioned at its end.
    pub(crate) fn start(file: File) -> std::io::Result<Journal> {
        let (durable, _) = watch::channel(Durable::default());
        let inner = Arc::new(Inner {
            pending: Mutex::new(Pending::default()),
            wake: Condvar::new(),
            durable,
        });
        let thread = std::thread::Builder::new()
            .name("cassia-journal".to_owned())
            .spawn({
                let inner = Arc::clone(&inner);
                move || write_loop(&inner, file)
            })?;
        Ok(Journal {
            inner,
            order: Mutex::new(()),
            thread: Some(thread),
        })
    }

    /// Serialises state changes: hold the guard while applying one and appending its record.
    pub(crate) fn order(&self) -> MutexGuard<'_, ()> {
        lock(&self.order)
    }

    /// Buffers one record; returns its sequence number (durable once [`Self::wait`] says so).
    pub(crate) fn append(&self, payload: &[u8]) -> u64 {
        let mut p = lock(&self.inner.pending);
        put_frame(&mut p.buf, payload);
        p.last_seq += 1;
        let seq = p.last_seq;
        drop(p);
        self.inner.wake.notify_one();
        seq
    }

    /// Whether writing failed (nothing appended from now on can become durable).
    pub(crate) fn failed(&self) -> bool {
        self.inner.durable.borrow().failed
    }

    /// Resolves once record `seq` is on disk (at once if it already is).
    pub(crate) async fn wait(&self, seq: u64) -> Result<(), NotDurable> {
        let mut rx = self.inner.durable.subscribe();
        match rx.wait_for(|d| d.failed || d.seq >= seq).await {
            Ok(d) if !d.failed => Ok(()),
            _ => Err(NotDurable),
        }
    }
}

impl Drop for Journal {
    fn drop(&mut self) {
        lock(&self.inner.pending).closing = true;
        self.inner.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            // A panicked writer thread has already published the failure.
            let _ = thread.join();
        }
    }
}

fn write_loop(inner: &Inner, mut file: File) {
    let mut spare = Vec::new();
    loop {
        let (batch, seq, closing) = {
            let mut p = lock(&inner.pending);
            while p.buf.is_empty() && !p.closing {
                p = inner.wake.wait(p).unwrap_or_else(|e| e.into_inner());
            }
            std::mem::swap(&mut p.buf, &mut spare);
            (std::mem::take(&mut spare), p.last_seq, p.closing)
        };
        if !batch.is_empty() {
            if let Err(e) = file.write_all(&batch).and_then(|()| file.sync_data()) {
                tracing::error!(error = %e, "write-ahead log write failed; writes are no longer acknowledged");
                inner.durable.send_replace(Durable { seq, failed: true });
                return;
            }
            inner.durable.send_replace(Durable { seq, failed: false });
        }
        spare = batch;
        spare.clear();
        if closing {
            let left = lock(&inner.pending).buf.is_empty();
            if left {
                return;
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::durability::file::{MAGIC, scan};

    fn temp_file(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!(
            "cassia-journal-{name}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_appends_all_become_durable_in_sequence_order() {
        let path = temp_file("concurrent");
        std::fs::write(&path, MAGIC).unwrap();
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        file.flush().unwrap();
        let journal = Arc::new(Journal::start(file).unwrap());
        let threads: Vec<_> = (0..4u8)
            .map(|t| {
                let journal = Arc::clone(&journal);
                std::thread::spawn(move || {
                    (0..50u8).map(|i| journal.append(&[t, i])).max().unwrap()
                })
            })
            .collect();
        let last = threads
            .into_iter()
            .map(|t| t.join().unwrap())
            .max()
            .unwrap();
        assert_eq!(last, 200);
        journal.wait(last).await.unwrap();
        // Already durable: resolves at once.
        journal.wait(1).await.unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let scan = scan(&path, &bytes).unwrap();
        assert_eq!(scan.payloads.len(), 200);
        assert!(scan.torn.is_none());
        // Each thread's records are in its own append order.
        for t in 0..4u8 {
            let mine: Vec<u8> = scan
                .payloads
                .iter()
                .filter(|(_, p)| p.first() == Some(&t))
                .map(|(_, p)| p[1])
                .collect();
            assert_eq!(mine, (0..50).collect::<Vec<u8>>());
        }
        drop(journal);
        let _ = std::fs::remove_file(&path);
    }

    #[tokio::test]
    async fn a_write_failure_is_reported_to_waiters_and_sticks() {
        let path = temp_file("readonly");
        std::fs::write(&path, MAGIC).unwrap();
        // Opened read-only: the writer thread's write fails.
        let journal = Journal::start(std::fs::File::open(&path).unwrap()).unwrap();
        let seq = journal.append(b"lost");
        assert!(journal.wait(seq).await.is_err());
        assert!(journal.failed());
        assert!(journal.wait(seq + 1).await.is_err());
        drop(journal);
        assert_eq!(std::fs::read(&path).unwrap(), MAGIC);
        let _ = std::fs::remove_file(&path);
    }
}

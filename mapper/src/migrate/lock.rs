//! The migration lock: a lease in the lock table, taken with a lightweight transaction
//! (`INSERT ... IF NOT EXISTS USING TTL`) so exactly one runner holds it, renewed while the
//! run lasts, and expiring by itself when the holder dies — a crash never leaves a lock
//! behind for longer than one lease.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use cassia_driver::{Consistency, CqlValue, Session, Statement};
use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use super::MigrateError;
use super::history::HistoryTables;

/// The one row of the lock table.
const LOCK_ROW: &str = "migrations";

/// Who holds the lock, as the lock table says.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LockHolder {
    /// Owner id: host, process id, tool, and a random part.
    pub owner: String,
    /// When it was taken.
    pub acquired_at: Option<DateTime<Utc>>,
    /// When the lease lapses unless renewed.
    pub expires_at: Option<DateTime<Utc>>,
}

impl LockHolder {
    pub(crate) fn held_error(&self, tables: &HistoryTables) -> MigrateError {
        let fmt = |t: Option<DateTime<Utc>>| t.map_or_else(|| "?".to_owned(), |t| t.to_rfc3339());
        MigrateError::LockHeld {
            table: tables.lock_qualified(),
            owner: self.owner.clone(),
            acquired_at: fmt(self.acquired_at),
            expires_at: fmt(self.expires_at),
        }
    }
}

fn lwt(cql: String) -> Statement {
    Statement::new(cql)
        .with_consistency(Consistency::Quorum)
        .with_serial_consistency(Consistency::Serial)
}

fn ttl_secs(ttl: Duration) -> i32 {
    i32::try_from(ttl.as_secs().max(1)).unwrap_or(i32::MAX)
}

fn expiry(ttl: Duration) -> DateTime<Utc> {
    Utc::now() + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::MAX)
}

/// Reads the current holder, if any (a read at SERIAL sees in-flight lightweight transactions).
pub(crate) async fn holder(
    session: &Session,
    tables: &HistoryTables,
) -> Result<Option<LockHolder>, MigrateError> {
    let cql = format!(
        "SELECT owner, acquired_at, expires_at FROM {} WHERE name = ?",
        tables.lock_qualified()
    );
    type HolderRow = (Option<String>, Option<DateTime<Utc>>, Option<DateTime<Utc>>);
    let rows: Vec<HolderRow> = session
        .query(
            Statement::new(cql).with_consistency(Consistency::Serial),
            (LOCK_ROW,),
        )
        .await
        .map_err(MigrateError::cluster("reading the migration lock"))?
        .rows()
        .map_err(MigrateError::decode("reading the migration lock"))?;
    Ok(rows.into_iter().next().map(|(owner, at, exp)| LockHolder {
        owner: owner.unwrap_or_default(),
        acquired_at: at,
        expires_at: exp,
    }))
}

/// Tries once to take the lease; `Err(holder)` when someone else has it.
async fn try_acquire(
    session: &Session,
    tables: &HistoryTables,
    owner: &str,
    ttl: Duration,
) -> Result<Result<(), LockHolder>, MigrateError> {
    let cql = format!(
        "INSERT INTO {} (name, owner, acquired_at, expires_at) VALUES (?, ?, ?, ?) \
         IF NOT EXISTS USING TTL {}",
        tables.lock_qualified(),
        ttl_secs(ttl)
    );
    let result = session
        .query(lwt(cql), (LOCK_ROW, owner, Utc::now(), expiry(ttl)))
        .await
        .map_err(MigrateError::cluster("taking the migration lock"))?;
    if result
        .was_applied()
        .map_err(MigrateError::decode("taking the migration lock"))?
    {
        return Ok(Ok(()));
    }
    // Not applied: the row holds the current values (`[applied], name, acquired_at,
    // expires_at, owner` in some column order), read by name.
    let row = result
        .rows::<cassia_driver::Row>()
        .ok()
        .and_then(|r| r.into_iter().next());
    let text = |name: &str| match row.as_ref().and_then(|r| r.get(name).ok().flatten()) {
        Some(CqlValue::Text(s)) => Some(s.clone()),
        _ => None,
    };
    let time = |name: &str| match row.as_ref().and_then(|r| r.get(name).ok().flatten()) {
        Some(CqlValue::Timestamp(t)) => DateTime::from_timestamp_millis(t.0),
        _ => None,
    };
    Ok(Err(LockHolder {
        owner: text("owner").unwrap_or_else(|| "?".to_owned()),
        acquired_at: time("acquired_at"),
        expires_at: time("expires_at"),
    }))
}

/// A held lease; renewed in the background until [`Lease::release`].
#[derive(Debug)]
pub(crate) struct Lease {
    session: Session,
    tables: HistoryTables,
    owner: String,
    lost: Arc<AtomicBool>,
    stop: Arc<Notify>,
    renewer: tokio::task::JoinHandle<()>,
}

/// What the caller hears while it waits for the lock.
pub(crate) type OnWait<'a> = &'a (dyn Fn(&LockHolder) + Send + Sync);

/// Takes the lease, waiting up to `wait` while another runner holds it.
pub(crate) async fn acquire(
    session: &Session,
    tables: &HistoryTables,
    owner: &str,
    ttl: Duration,
    wait: Duration,
    on_wait: OnWait<'_>,
) -> Result<Lease, MigrateError> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(50);
    let mut told = false;
    loop {
        match try_acquire(session, tables, owner, ttl).await? {
            Ok(()) => break,
            Err(holder) => {
                if started.elapsed() >= wait {
                    return Err(holder.held_error(tables));
                }
                if !told {
                    on_wait(&holder);
                    told = true;
                }
                // Jitter (from the clock's low bits) keeps many waiting runners from retrying
                // in lock step.
                let jitter =
                    Duration::from_millis(u64::from(Utc::now().timestamp_subsec_micros() % 50));
                tokio::time::sleep(pause + jitter).await;
                pause = (pause * 2).min(Duration::from_secs(1));
            }
        }
    }
    let lost = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(Notify::new());
    let renewer = tokio::spawn(renew_loop(
        session.clone(),
        tables.clone(),
        owner.to_owned(),
        ttl,
        lost.clone(),
        stop.clone(),
    ));
    Ok(Lease {
        session: session.clone(),
        tables: tables.clone(),
        owner: owner.to_owned(),
        lost,
        stop,
        renewer,
    })
}

async fn renew_loop(
    session: Session,
    tables: HistoryTables,
    owner: String,
    ttl: Duration,
    lost: Arc<AtomicBool>,
    stop: Arc<Notify>,
) {
    let every = (ttl / 3).max(Duration::from_millis(200));
    loop {
        tokio::select! {
            () = stop.notified() => return,
            () = tokio::time::sleep(every) => {}
        }
        let cql = format!(
            "UPDATE {} USING TTL {} SET owner = ?, expires_at = ? WHERE name = ? IF owner = ?",
            tables.lock_qualified(),
            ttl_secs(ttl)
        );
        let renewed = session
            .query(
                lwt(cql),
                (owner.as_str(), expiry(ttl), LOCK_ROW, owner.as_str()),
            )
            .await
            .ok()
            .and_then(|r| r.was_applied().ok());
        match renewed {
            Some(true) => {}
            // Someone forced the lock away, or it lapsed: stop at the next statement.
            Some(false) => {
                lost.store(true, Ordering::SeqCst);
                return;
            }
            // A failed renewal is retried at the next tick; the lease still has two ticks left.
            None => {}
        }
    }
}

impl Lease {
    /// Fails when the lease was lost, so the run stops before its next statement.
    pub(crate) fn check(&self) -> Result<(), MigrateError> {
        if self.lost.load(Ordering::SeqCst) {
            return Err(MigrateError::LockLost {
                reason: "another runner took it or it expired".into(),
            });
        }
        Ok(())
    }

    /// Stops renewing and deletes the lease if it is still ours.
    pub(crate) async fn release(self) -> Result<(), MigrateError> {
        self.stop.notify_one();
        self.renewer.abort();
        let cql = format!(
            "DELETE FROM {} WHERE name = ? IF owner = ?",
            self.tables.lock_qualified()
        );
        self.session
            .query(lwt(cql), (LOCK_ROW, self.owner.as_str()))
            .await
            .map_err(MigrateError::cluster("releasing the migration lock"))?;
        Ok(())
    }
}

/// Deletes the lease whoever holds it (`unlock --force`).
pub(crate) async fn force_unlock(
    session: &Session,
    tables: &HistoryTables,
) -> Result<(), MigrateError> {
    let cql = format!(
        "DELETE FROM {} WHERE name = ? IF EXISTS",
        tables.lock_qualified()
    );
    session
        .query(lwt(cql), (LOCK_ROW,))
        .await
        .map_err(MigrateError::cluster("removing the migration lock"))?;
    Ok(())
}

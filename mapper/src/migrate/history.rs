//! The history table (one row per migration: state, progress per statement, checksums,
//! who applied it and how long it took) and the lock table beside it.
//!
//! Both are created with a table id derived from their names (`WITH ID = ...`): when
//! several runners create them at the same moment on different coordinators, every
//! `CREATE TABLE IF NOT EXISTS` carries the same id, so Cassandra never ends up with two ids
//! for one table (the schema corruption concurrent table creation otherwise causes).

use std::collections::BTreeMap;

use cassia_driver::error::ExecuteError;
use cassia_driver::{Consistency, Session, Statement, Uuid};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::MigrateError;
use crate::schema::quote_ident;

/// Where a migration stands in the history table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordState {
    /// Statements are being applied (or a runner died while applying them).
    Running,
    /// Every statement applied.
    Applied,
    /// A statement failed; later runs are blocked until it is fixed or repaired.
    Failed,
}

impl RecordState {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordState::Running => "running",
            RecordState::Applied => "applied",
            RecordState::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "running" => RecordState::Running,
            "applied" => RecordState::Applied,
            "failed" => RecordState::Failed,
            _ => return None,
        })
    }
}

/// One row of the history table.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HistoryRecord {
    /// Migration version.
    pub version: u64,
    /// Migration name.
    pub name: String,
    /// Checksum of the file as applied (empty after `repair` of a failed migration).
    pub checksum: String,
    /// State.
    pub state: RecordState,
    /// Statements applied so far.
    pub statements_done: usize,
    /// Statements in the file as applied.
    pub statements_total: usize,
    /// Checksums of the applied statements, in order.
    pub statement_checksums: Vec<String>,
    /// When it finished (or last progressed).
    pub applied_at: Option<DateTime<Utc>>,
    /// Host and tool that applied it.
    pub applied_by: String,
    /// Time spent applying it, in milliseconds.
    pub execution_ms: i64,
    /// The last error, for a failed migration.
    pub error: Option<String>,
    /// `baseline` for rows written by `migrate baseline` (never run), else `migration`.
    pub kind: String,
}

/// The two tables: history and lock.
#[derive(Debug, Clone)]
pub(crate) struct HistoryTables {
    pub(crate) keyspace: String,
    pub(crate) table: String,
}

type Row = (
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i32>,
    Option<i32>,
    Option<Vec<String>>,
    Option<DateTime<Utc>>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
);

/// History writes and reads go to a quorum, so the next runner sees them whichever
/// coordinator it reaches.
pub(crate) const HISTORY_CL: Consistency = Consistency::Quorum;

pub(crate) fn stmt(cql: String) -> Statement {
    Statement::new(cql).with_consistency(HISTORY_CL)
}

impl HistoryTables {
    pub(crate) fn qualified(&self) -> String {
        format!(
            "{}.{}",
            quote_ident(&self.keyspace),
            quote_ident(&self.table)
        )
    }

    pub(crate) fn lock_table(&self) -> String {
        format!("{}_lock", self.table)
    }

    pub(crate) fn lock_qualified(&self) -> String {
        format!(
            "{}.{}",
            quote_ident(&self.keyspace),
            quote_ident(&self.lock_table())
        )
    }

    /// `CREATE TABLE` statements for both tables, with their name-derived ids.
    pub(crate) fn create_cql(&self) -> [String; 2] {
        [
            format!(
                "CREATE TABLE IF NOT EXISTS {} (version bigint PRIMARY KEY, name text, \
                 checksum text, state text, statements_done int, statements_total int, \
                 statement_checksums list<text>, applied_at timestamp, applied_by text, \
                 execution_ms bigint, error text, kind text) \
                 WITH ID = {} AND comment = 'cassia migration history'",
                self.qualified(),
                table_id(&self.keyspace, &self.table)
            ),
            format!(
                "CREATE TABLE IF NOT EXISTS {} (name text PRIMARY KEY, owner text, \
                 acquired_at timestamp, expires_at timestamp) \
                 WITH ID = {} AND comment = 'cassia migration lock (a lease: rows expire by TTL)'",
                self.lock_qualified(),
                table_id(&self.keyspace, &self.lock_table())
            ),
        ]
    }

    /// Reads every history row, ordered by version. `None` when the table (or its keyspace)
    /// does not exist, which is told apart from other failures by asking system_schema.
    pub(crate) async fn read(
        &self,
        session: &Session,
    ) -> Result<Option<BTreeMap<u64, HistoryRecord>>, MigrateError> {
        let cql = format!(
            "SELECT version, name, checksum, state, statements_done, statements_total, \
             statement_checksums, applied_at, applied_by, execution_ms, error, kind FROM {}",
            self.qualified()
        );
        let mut attempt = 0;
        let result = loop {
            attempt += 1;
            match session.query(stmt(cql.clone()), ()).await {
                Ok(r) => break r,
                Err(e) if is_invalid(&e) => {
                    if !self.exists(session).await? {
                        return Ok(None);
                    }
                    // Another runner created the table between the read and the check:
                    // read again (a few times: the new table may still be propagating).
                    if attempt >= 5 {
                        return Err(MigrateError::cluster("reading the migration history")(e));
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(20 * attempt)).await;
                }
                Err(e) => return Err(MigrateError::cluster("reading the migration history")(e)),
            }
        };
        let mut rows: Vec<Row> = result
            .rows()
            .map_err(MigrateError::decode("reading the migration history"))?;
        // A full history is a few hundred rows: one page of the default size, but follow
        // paging anyway so a long-lived project never silently loses rows.
        let mut state = result.paging_state().cloned();
        while let Some(ps) = state {
            let cql = format!(
                "SELECT version, name, checksum, state, statements_done, statements_total, \
                 statement_checksums, applied_at, applied_by, execution_ms, error, kind FROM {}",
                self.qualified()
            );
            let page = session
                .query(stmt(cql).with_paging_state(ps), ())
                .await
                .map_err(MigrateError::cluster("reading the migration history"))?;
            rows.extend(
                page.rows::<Row>()
                    .map_err(MigrateError::decode("reading the migration history"))?,
            );
            state = page.paging_state().cloned();
        }
        let mut out = BTreeMap::new();
        for row in rows {
            let record = self.record(row)?;
            out.insert(record.version, record);
        }
        Ok(Some(out))
    }

    fn record(&self, row: Row) -> Result<HistoryRecord, MigrateError> {
        let (version, name, checksum, state, done, total, sums, at, by, ms, error, kind) = row;
        let bad = |detail: &str| MigrateError::BadHistory {
            table: self.qualified(),
            version,
            detail: detail.to_owned(),
        };
        let state = state
            .as_deref()
            .and_then(RecordState::parse)
            .ok_or_else(|| bad("state is not running, applied or failed"))?;
        Ok(HistoryRecord {
            version: u64::try_from(version).map_err(|_| bad("negative version"))?,
            name: name.unwrap_or_default(),
            checksum: checksum.unwrap_or_default(),
            state,
            statements_done: usize::try_from(done.unwrap_or(0))
                .map_err(|_| bad("negative statements_done"))?,
            statements_total: usize::try_from(total.unwrap_or(0))
                .map_err(|_| bad("negative statements_total"))?,
            statement_checksums: sums.unwrap_or_default(),
            applied_at: at,
            applied_by: by.unwrap_or_default(),
            execution_ms: ms.unwrap_or(0),
            error,
            kind: kind.unwrap_or_else(|| "migration".to_owned()),
        })
    }

    /// Whether the history table exists (system_schema).
    pub(crate) async fn exists(&self, session: &Session) -> Result<bool, MigrateError> {
        table_exists(session, &self.keyspace, &self.table).await
    }

    /// Writes a whole row (insert or overwrite).
    pub(crate) async fn write(
        &self,
        session: &Session,
        r: &HistoryRecord,
    ) -> Result<(), MigrateError> {
        let cql = format!(
            "INSERT INTO {} (version, name, checksum, state, statements_done, statements_total, \
             statement_checksums, applied_at, applied_by, execution_ms, error, kind) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self.qualified()
        );
        session
            .query(
                stmt(cql),
                (
                    version_i64(r.version),
                    r.name.as_str(),
                    r.checksum.as_str(),
                    r.state.as_str(),
                    count_i32(r.statements_done),
                    count_i32(r.statements_total),
                    &r.statement_checksums,
                    r.applied_at,
                    r.applied_by.as_str(),
                    r.execution_ms,
                    r.error.as_deref(),
                    r.kind.as_str(),
                ),
            )
            .await
            .map_err(MigrateError::cluster(format!(
                "recording migration {} in the history",
                r.version
            )))?;
        Ok(())
    }

    /// Records one more applied statement.
    pub(crate) async fn progress(
        &self,
        session: &Session,
        version: u64,
        done: usize,
        statement_checksum: &str,
    ) -> Result<(), MigrateError> {
        let cql = format!(
            "UPDATE {} SET statements_done = ?, statement_checksums = statement_checksums + ?, \
             applied_at = ? WHERE version = ?",
            self.qualified()
        );
        session
            .query(
                stmt(cql),
                (
                    count_i32(done),
                    vec![statement_checksum],
                    Utc::now(),
                    version_i64(version),
                ),
            )
            .await
            .map_err(MigrateError::cluster(format!(
                "recording progress of migration {version}"
            )))?;
        Ok(())
    }

    /// Deletes a row (revert, repair of a failed migration that applied nothing).
    pub(crate) async fn delete(&self, session: &Session, version: u64) -> Result<(), MigrateError> {
        let cql = format!("DELETE FROM {} WHERE version = ?", self.qualified());
        session
            .query(stmt(cql), (version_i64(version),))
            .await
            .map_err(MigrateError::cluster(format!(
                "removing migration {version} from the history"
            )))?;
        Ok(())
    }
}

pub(crate) fn version_i64(v: u64) -> i64 {
    // Versions have at most 18 digits, so they always fit.
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn count_i32(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Whether the server refused the request as invalid (unknown keyspace or table).
pub(crate) fn is_invalid(e: &ExecuteError) -> bool {
    matches!(
        e.server_error().map(|s| &s.kind),
        Some(cassia_driver::error::ErrorKind::Invalid)
    )
}

/// A table id derived from the table's name: a SHA-256 of it with the UUID version bits of
/// a custom (v8) UUID, so every runner computes the same one.
pub(crate) fn table_id(keyspace: &str, table: &str) -> Uuid {
    let digest = Sha256::digest(format!("cassia-migrations\0{keyspace}\0{table}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    Uuid::from_bytes(bytes)
}

pub(crate) async fn table_exists(
    session: &Session,
    keyspace: &str,
    table: &str,
) -> Result<bool, MigrateError> {
    let rows: Vec<(String,)> = session
        .query(
            "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?",
            (keyspace, table),
        )
        .await
        .map_err(MigrateError::cluster("reading system_schema.tables"))?
        .rows()
        .map_err(MigrateError::decode("reading system_schema.tables"))?;
    Ok(!rows.is_empty())
}

pub(crate) async fn keyspace_exists(
    session: &Session,
    keyspace: &str,
) -> Result<bool, MigrateError> {
    let rows: Vec<(String,)> = session
        .query(
            "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?",
            (keyspace,),
        )
        .await
        .map_err(MigrateError::cluster("reading system_schema.keyspaces"))?
        .rows()
        .map_err(MigrateError::decode("reading system_schema.keyspaces"))?;
    Ok(!rows.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_ids_are_stable_and_distinct() {
        let a = table_id("app", "cassia_migrations");
        assert_eq!(a, table_id("app", "cassia_migrations"));
        assert_ne!(a, table_id("app", "cassia_migrations_lock"));
        assert_ne!(a, table_id("other", "cassia_migrations"));
        assert_eq!(a.get_version_num(), 8);
    }
}

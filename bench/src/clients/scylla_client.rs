//! The `scylla` crate (ScyllaDB's Rust driver) as a benchmark client.
//!
//! Configured like a production user would for a single node: LZ4 when the setting asks,
//! schema metadata fetching off. It only speaks protocol v4, so v5 settings skip it.

use std::net::SocketAddr;
use std::sync::Arc;

use scylla::client::Compression;
use scylla::client::session::Session;
use scylla::client::session_builder::SessionBuilder;
use scylla::statement::batch::{Batch, BatchType};
use scylla::statement::prepared::PreparedStatement;
use scylla::value::CqlTimestamp;

use super::lanes::{self, Op, Outcome, Window};
use super::{ClientError, Timing};
use crate::workload::{self, BATCH_SIZE, Case, Workload};

fn err(e: impl std::error::Error + Send + Sync + 'static) -> ClientError {
    ClientError::Driver {
        client: "scylla",
        source: Box::new(e),
    }
}

struct ScyllaOp {
    session: Session,
    workload: Workload,
    stmt: PreparedStatement,
    batch: Batch,
    blob: Vec<u8>,
}

impl Op for ScyllaOp {
    async fn run(&self, seq: u64) -> Result<(), ClientError> {
        let k = seq as i64;
        match self.workload {
            Workload::Insert => {
                self.session
                    .execute_unpaged(&self.stmt, (k, k + 1, k + 2))
                    .await
                    .map_err(err)?;
            }
            Workload::Select => {
                let rows = self
                    .session
                    .execute_unpaged(&self.stmt, (k,))
                    .await
                    .map_err(err)?
                    .into_rows_result()
                    .map_err(err)?;
                let (v1, v2): (i64, i64) = rows.first_row().map_err(err)?;
                std::hint::black_box((v1, v2));
            }
            Workload::Page => {
                let rows = self
                    .session
                    .execute_unpaged(&self.stmt, (k,))
                    .await
                    .map_err(err)?
                    .into_rows_result()
                    .map_err(err)?;
                let mut n = 0usize;
                for row in rows
                    .rows::<(i64, String, f64, CqlTimestamp, uuid::Uuid)>()
                    .map_err(err)?
                {
                    std::hint::black_box(row.map_err(err)?);
                    n += 1;
                }
                super::check_page_rows("scylla", n)?;
            }
            Workload::Batch => {
                let values = super::batch_values(k);
                self.session.batch(&self.batch, values).await.map_err(err)?;
            }
            Workload::Blob16k | Workload::Blob256k => {
                self.session
                    .execute_unpaged(&self.stmt, (k, &self.blob))
                    .await
                    .map_err(err)?;
            }
        }
        Ok(())
    }
}

/// Connects, prepares and runs one trial.
pub(crate) async fn run(
    addr: SocketAddr,
    case: Case,
    timing: Timing,
    on_window: &dyn Fn(Window),
) -> Result<Outcome, ClientError> {
    if case.setting.version != 4 {
        return Err(ClientError::Unsupported {
            client: "scylla",
            reason: "the scylla crate speaks only protocol v4".into(),
        });
    }
    let session = SessionBuilder::new()
        .known_node_addr(addr)
        .compression(case.setting.lz4.then_some(Compression::Lz4))
        .fetch_schema_metadata(false)
        .tcp_nodelay(true)
        .build()
        .await
        .map_err(err)?;
    let text = match case.workload {
        Workload::Insert | Workload::Batch => workload::INSERT_KV,
        Workload::Select => workload::SELECT_KV,
        Workload::Page => workload::SELECT_PAGE,
        Workload::Blob16k | Workload::Blob256k => workload::INSERT_BLOB,
    };
    let stmt = session.prepare(text).await.map_err(err)?;
    let mut batch = Batch::new(BatchType::Unlogged);
    if case.workload == Workload::Batch {
        for _ in 0..BATCH_SIZE {
            batch.append_statement(stmt.clone());
        }
    }
    let op = Arc::new(ScyllaOp {
        session,
        workload: case.workload,
        stmt,
        batch,
        blob: crate::clients::blob(case.workload.blob_len()),
    });
    let window = timing.window_from_now_for(case.inflight);
    on_window(window);
    Ok(lanes::run(op, case.inflight, window).await)
}

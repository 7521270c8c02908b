//! Cassia (`cassia-driver`) as a benchmark client.
//!
//! Configured like the scylla client: one node, LZ4 when the setting asks, the setting's
//! protocol version fixed (so v4 and v5 are both measured), heartbeats off. Rows are decoded
//! into owned tuples, as the scylla client does.

use std::net::SocketAddr;
use std::sync::Arc;

use cassia_driver::{
    Batch, BatchType, Compression, CqlTimestamp, PreparedStatement, ProtocolVersion, Session,
};

use super::lanes::{self, Op, Outcome, Window};
use super::{ClientError, Timing};
use crate::workload::{self, BATCH_SIZE, Case, Workload};

fn err(e: impl std::error::Error + Send + Sync + 'static) -> ClientError {
    ClientError::Driver {
        client: "cassia",
        source: Box::new(e),
    }
}

struct CassiaOp {
    session: Session,
    workload: Workload,
    stmt: PreparedStatement,
    batch: Batch,
    blob: Vec<u8>,
}

impl Op for CassiaOp {
    async fn run(&self, seq: u64) -> Result<(), ClientError> {
        let k = seq as i64;
        match self.workload {
            Workload::Insert => {
                self.session
                    .execute(&self.stmt, (k, k + 1, k + 2))
                    .await
                    .map_err(err)?;
            }
            Workload::Select => {
                let result = self.session.execute(&self.stmt, (k,)).await.map_err(err)?;
                let (v1, v2): (i64, i64) = result.first_row().map_err(err)?;
                std::hint::black_box((v1, v2));
            }
            Workload::Page => {
                let result = self.session.execute(&self.stmt, (k,)).await.map_err(err)?;
                let mut n = 0usize;
                for row in result
                    .rows_iter::<(i64, String, f64, CqlTimestamp, uuid::Uuid)>()
                    .map_err(err)?
                {
                    std::hint::black_box(row.map_err(err)?);
                    n += 1;
                }
                super::check_page_rows("cassia", n)?;
            }
            Workload::Batch => {
                let values = super::batch_values(k);
                self.session
                    .batch(&self.batch, &values)
                    .await
                    .map_err(err)?;
            }
            Workload::Blob16k | Workload::Blob256k => {
                self.session
                    .execute(&self.stmt, (k, self.blob.as_slice()))
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
    let version = match case.setting.version {
        4 => ProtocolVersion::V4,
        _ => ProtocolVersion::V5,
    };
    let session = Session::builder()
        .known_node(addr.to_string())
        .protocol_version(version)
        .compression(case.setting.lz4.then_some(Compression::Lz4))
        .heartbeat_interval(None)
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
            batch.add_prepared(&stmt);
        }
    }
    let op = Arc::new(CassiaOp {
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

//! `--mapper`: typed insert and select by key through the mapper (`cassia`, `#[derive(Model)]`)
//! against the same statements through cassia-driver's prepared path, in A B B A order.
//!
//! Both run on one current-thread client runtime against the in-process emulator (its own
//! threads), so besides ops/s the client thread's own CPU per operation is read from
//! `/proc/thread-self/stat`: that is where a mapper's overhead shows, whatever the server costs.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use cassia::prelude::*;
use cassia_driver::{PreparedStatement, Session};

use crate::clients::lanes::{self, Op};
use crate::clients::{ClientError, Timing};
use crate::{procfs, stats};

/// The mapped table (same as the responder's `bench.kv`).
#[derive(Debug, Model)]
#[cassia(keyspace = "bench", table = "kv")]
struct Kv {
    #[cassia(partition_key)]
    k: i64,
    v1: i64,
    v2: i64,
}

fn err(e: impl std::error::Error + Send + Sync + 'static) -> ClientError {
    ClientError::Driver {
        client: "mapper",
        source: Box::new(e),
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Path {
    Driver,
    Mapper,
}

struct KvOp {
    session: Session,
    path: Path,
    read: bool,
    insert: PreparedStatement,
    select: PreparedStatement,
}

impl Op for KvOp {
    async fn run(&self, seq: u64) -> Result<(), ClientError> {
        let k = (seq % 1000) as i64;
        match (self.path, self.read) {
            (Path::Driver, false) => {
                self.session
                    .execute(&self.insert, (k, k + 1, k + 2))
                    .await
                    .map_err(err)?;
            }
            (Path::Driver, true) => {
                let r = self
                    .session
                    .execute(&self.select, (k,))
                    .await
                    .map_err(err)?;
                let row: (i64, i64, i64) = r.first_row().map_err(err)?;
                std::hint::black_box(row);
            }
            (Path::Mapper, false) => {
                Kv {
                    k,
                    v1: k + 1,
                    v2: k + 2,
                }
                .insert()
                .execute_on(&self.session)
                .await
                .map_err(err)?;
            }
            (Path::Mapper, true) => {
                let row = Kv::objects()
                    .filter(Kv::K.eq(k))
                    .get_on(&self.session)
                    .await
                    .map_err(err)?;
                std::hint::black_box(row);
            }
        }
        Ok(())
    }
}

/// One trial: (ops/s, client-thread CPU µs per op).
async fn trial(op: KvOp, timing: Timing) -> Result<(f64, Option<f64>), String> {
    let window = timing.window_from_now();
    let sampler = tokio::spawn(async move {
        tokio::time::sleep_until(window.start.into()).await;
        let start = procfs::current_tid().and_then(|t| procfs::thread_cpu(t).ok());
        tokio::time::sleep_until(window.end.into()).await;
        let end = procfs::current_tid().and_then(|t| procfs::thread_cpu(t).ok());
        start.zip(end).map(|(s, e)| e.saturating_sub(s))
    });
    let o = lanes::run(Arc::new(op), 16, window).await;
    let cpu = sampler.await.ok().flatten();
    if o.errors > 0 || o.ops == 0 {
        return Err(format!(
            "{} errors ({:?}), {} ops",
            o.errors, o.first_error, o.ops
        ));
    }
    let ops = o.ops as f64 / timing.measure.as_secs_f64();
    Ok((ops, cpu.map(|c| c.as_secs_f64() * 1e6 / o.ops as f64)))
}

/// Runs the comparison against an emulator at `addr`; returns the Markdown section.
pub(crate) async fn compare(
    addr: std::net::SocketAddr,
    measure: Duration,
    pairs: usize,
) -> Result<String, String> {
    let session = Session::builder()
        .known_node(addr.to_string())
        .heartbeat_interval(None)
        .build()
        .await
        .map_err(|e| format!("mapper: connect: {e}"))?;
    let insert = session
        .prepare("INSERT INTO bench.kv (k, v1, v2) VALUES (?, ?, ?)")
        .await
        .map_err(|e| format!("mapper: prepare: {e}"))?;
    let select = session
        .prepare("SELECT k, v1, v2 FROM bench.kv WHERE k = ?")
        .await
        .map_err(|e| format!("mapper: prepare: {e}"))?;
    let timing = Timing {
        warmup: Duration::from_millis(200),
        measure,
        rate: None,
    };
    let mut out = format!(
        "\n## Mapper vs driver (cassia `#[derive(Model)]` vs cassia-driver prepared, emulator in-process, \
         16 in flight, {} ms, A B B A × {pairs})\n\n\
         | workload | driver ops/s | mapper ops/s | mapper/driver ops (median, min–max) | driver CPU µs/op | mapper CPU µs/op |\n\
         |---|---:|---:|---|---:|---:|\n",
        measure.as_millis()
    );
    for read in [false, true] {
        let mut ratios = Vec::new();
        let (mut d_ops, mut m_ops, mut d_cpu, mut m_cpu) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for _ in 0..pairs {
            let mut pair = [None, None];
            for path in [Path::Driver, Path::Mapper, Path::Mapper, Path::Driver] {
                let op = KvOp {
                    session: session.clone(),
                    path,
                    read,
                    insert: insert.clone(),
                    select: select.clone(),
                };
                let (ops, cpu) = trial(op, timing)
                    .await
                    .map_err(|e| format!("mapper {path:?}: {e}"))?;
                let (all_ops, all_cpu) = if path == Path::Driver {
                    (&mut d_ops, &mut d_cpu)
                } else {
                    (&mut m_ops, &mut m_cpu)
                };
                all_ops.push(ops);
                all_cpu.extend(cpu);
                let slot = &mut pair[usize::from(path == Path::Mapper)];
                *slot = Some(slot.map_or(ops, |prev: f64| (prev + ops) / 2.0));
            }
            if let [Some(d), Some(m)] = pair {
                ratios.push(m / d);
            }
        }
        let s = stats::summarize(&ratios);
        let f = |v: Option<f64>, d: usize| v.map_or("–".into(), |x| format!("{x:.d$}"));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            if read { "select by key" } else { "insert" },
            f(stats::median(&d_ops), 0),
            f(stats::median(&m_ops), 0),
            s.map_or("–".into(), |s| format!(
                "{:.3} ({:.3}–{:.3})",
                s.median, s.min, s.max
            )),
            f(stats::median(&d_cpu), 1),
            f(stats::median(&m_cpu), 1),
        );
    }
    Ok(out)
}

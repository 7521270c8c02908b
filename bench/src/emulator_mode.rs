//! `--emulator`: throughput of the real `cassia-emulator`, client included.
//!
//! The emulator starts in-process on its own multi-thread runtime (two worker threads); four
//! raw pipelining connections with 32 requests in flight each (128 in total) drive prepared
//! single-row writes, then reads by key, for the measured window each. Unlike the client
//! matrix this measures the server, so nothing is pinned.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::Duration;

use cassia_protocol::request::{Query, QueryParameters, Request};
use cassia_protocol::response::Response;

use crate::clients::lanes::{Outcome, Window};
use crate::clients::raw::{self, RawConn};
use crate::clients::{ClientError, Timing};
use crate::workload::{Case, Setting, Workload};

/// Connections and requests in flight per connection.
const CONNECTIONS: usize = 4;
const INFLIGHT_PER_CONNECTION: usize = 32;

const SCHEMA: [&str; 2] = [
    "CREATE KEYSPACE IF NOT EXISTS bench WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    "CREATE TABLE IF NOT EXISTS bench.kv (k bigint PRIMARY KEY, v1 bigint, v2 bigint)",
];

async fn create_schema(addr: SocketAddr) -> Result<(), String> {
    let setting = Setting {
        version: 4,
        lz4: false,
    };
    let mut conn = RawConn::connect(addr, setting)
        .await
        .map_err(|e| e.to_string())?;
    for cql in SCHEMA {
        let q = Request::Query(Query {
            query: cql.to_string(),
            params: QueryParameters::default(),
        });
        match conn.call(q).await.map_err(|e| e.to_string())? {
            Response::Error(e) => return Err(format!("{cql}: {}", e.message)),
            _ => continue,
        }
    }
    Ok(())
}

async fn drive(
    addr: SocketAddr,
    workload: Workload,
    timing: Timing,
) -> Result<Outcome, ClientError> {
    let case = Case {
        workload,
        inflight: INFLIGHT_PER_CONNECTION,
        setting: Setting {
            version: 4,
            lz4: false,
        },
    };
    let on_window = |_w: Window| {};
    let mut runs = Vec::new();
    for _ in 0..CONNECTIONS {
        runs.push(raw::run(addr, case, timing, &on_window));
    }
    let mut total = Outcome::new();
    for r in join_all(runs).await {
        total.merge(r?);
    }
    Ok(total)
}

/// Polls every future to completion on the current task (no extra dependency for join_all).
async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut results: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, slot) in pinned.iter_mut().zip(results.iter_mut()) {
            if slot.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *slot = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    results.into_iter().flatten().collect()
}

/// Runs the emulator section and returns it as Markdown.
pub(crate) fn run(measure: Duration) -> Result<String, String> {
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("emulator")
        .enable_all()
        .build()
        .map_err(|e| format!("emulator runtime: {e}"))?;
    let handle = server_rt
        .block_on(cassia_emulator::Emulator::builder().start())
        .map_err(|e| format!("emulator start: {e}"))?;
    let addr = handle.addr();
    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("client runtime: {e}"))?;
    let timing = Timing {
        warmup: Duration::from_millis(300),
        measure,
        rate: None,
    };
    let mut out = format!(
        "\n## Emulator throughput (in-process cassia-emulator, {CONNECTIONS} connections × \
         {INFLIGHT_PER_CONNECTION} in flight, raw client, v4 plain, {} ms)\n\n\
         | workload | ops/s | p50 µs | p99 µs | errors |\n|---|---:|---:|---:|---|\n",
        measure.as_millis()
    );
    client_rt.block_on(create_schema(addr))?;
    for (name, workload) in [
        ("prepared write", Workload::Insert),
        ("prepared read by key", Workload::Select),
    ] {
        let o = client_rt
            .block_on(drive(addr, workload, timing))
            .map_err(|e| format!("emulator {name}: {e}"))?;
        let ops = o.ops as f64 / measure.as_secs_f64();
        eprintln!("  emulator {name}: {ops:.0} ops/s");
        let _ = writeln!(
            out,
            "| {name} | {ops:.0} | {} | {} | {} |",
            o.hist.value_at_quantile(0.5),
            o.hist.value_at_quantile(0.99),
            if o.errors == 0 {
                "0".to_string()
            } else {
                format!(
                    "{} ({})",
                    o.errors,
                    o.first_error.unwrap_or_default().replace('|', "/")
                )
            }
        );
        if o.errors > 0 || o.ops == 0 {
            return Err(format!(
                "emulator {name}: {} errors, {} ops\n{out}",
                o.errors, o.ops
            ));
        }
    }
    // Issue 5: the mapper against the plain driver on the same emulator (schema exists).
    let (mapper_ms, pairs) = if measure >= Duration::from_secs(2) {
        (measure / 2, 3)
    } else {
        (measure / 2, 1)
    };
    out.push_str(&client_rt.block_on(crate::mapper_mode::compare(addr, mapper_ms, pairs))?);
    server_rt.block_on(handle.shutdown());
    Ok(out)
}

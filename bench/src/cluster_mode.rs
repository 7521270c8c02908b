//! `--cluster`: the driver on a simulated 3-node cluster (the emulator, in process).
//!
//! * Token-aware vs round robin: prepared single-partition writes and reads in an RF 1
//!   keyspace, 32 in flight, for a fixed time per policy; the share of requests whose
//!   coordinator was not the partition's replica (each of those needs a hop inside a real
//!   cluster), read from the emulator's per-node request logs, and the throughput.
//! * Failover: idempotent reads at ONE of an RF 3 keyspace, 16 in flight; one node is
//!   stopped, later started again.
//!   Reported: the time from the stop to the last failed request, to throughput back at 90%
//!   of the level before the stop, and from the restart to the node coordinating again.
//!
//! Every part shares the 2 cores with the emulator, so the ratios matter more than the
//! rates.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use cassia_driver::policies::RoundRobinPolicy;
use cassia_driver::{ExecutionProfile, PreparedStatement, Session};
use cassia_emulator::engine::RequestKind;
use cassia_emulator::{Emulator, EmulatorHandle};
use tokio::sync::Mutex;

use crate::modes;

const IN_FLIGHT: usize = 32;
const KEYS: i32 = 1_000;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Runs both measurements and returns a Markdown section.
pub(crate) fn run() -> Result<String, String> {
    modes::run_section(measure())
}

async fn session(
    emulator: &EmulatorHandle,
    profile: Option<ExecutionProfile>,
) -> Result<Session, String> {
    let mut builder = Session::builder().known_node(emulator.addr());
    if let Some(p) = profile {
        builder = builder.default_execution_profile(p);
    }
    builder.build().await.map_err(err)
}

async fn measure() -> Result<String, String> {
    let emulator = Emulator::builder()
        .nodes(3)
        .record_requests(true)
        .start()
        .await
        .map_err(err)?;
    let setup = session(&emulator, None).await?;
    setup
        .query(
            "CREATE KEYSPACE bench_cluster WITH replication = \
             {'class': 'SimpleStrategy', 'replication_factor': 1}",
            (),
        )
        .await
        .map_err(err)?;
    setup
        .query(
            "CREATE TABLE bench_cluster.t (k int PRIMARY KEY, v int)",
            (),
        )
        .await
        .map_err(err)?;
    // Failover reads at ONE from RF 3: every key stays readable with a node down, so a
    // failure is the driver's, not the data's.
    setup
        .query(
            "CREATE KEYSPACE bench_failover WITH replication = \
             {'class': 'SimpleStrategy', 'replication_factor': 3}",
            (),
        )
        .await
        .map_err(err)?;
    setup
        .query(
            "CREATE TABLE bench_failover.t (k int PRIMARY KEY, v int)",
            (),
        )
        .await
        .map_err(err)?;
    setup.await_schema_agreement().await.map_err(err)?;
    setup.shutdown().await;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Routing on 3 nodes (RF 1, prepared single-partition writes + reads, {IN_FLIGHT} in flight)\n"
    );
    let _ = writeln!(out, "| policy | requests | needed a hop | throughput |");
    let _ = writeln!(out, "|---|---:|---:|---:|");
    for (name, profile) in [
        ("token-aware over DC-aware (default)", None),
        (
            "round robin",
            Some(
                ExecutionProfile::new()
                    .with_load_balancing_policy(Arc::new(RoundRobinPolicy::new())),
            ),
        ),
    ] {
        let s = session(&emulator, profile).await?;
        drain(&emulator);
        let (count, elapsed) = load(&s, Duration::from_secs(3)).await?;
        let (total, hops) = hops(&emulator);
        let _ = writeln!(
            out,
            "| {name} | {total} | {:.1}% | {:.0} req/s |",
            100.0 * hops as f64 / total.max(1) as f64,
            count as f64 / elapsed.as_secs_f64()
        );
        s.shutdown().await;
    }
    failover(&emulator, &mut out).await?;
    emulator.shutdown().await;
    Ok(out)
}

fn drain(emulator: &EmulatorHandle) {
    for i in 0..emulator.node_addrs().len() {
        emulator.node(i).take_requests();
    }
}

/// (EXECUTEs on one partition, those not coordinated by its replica).
fn hops(emulator: &EmulatorHandle) -> (usize, usize) {
    let mut total = 0;
    let mut hops = 0;
    for i in 0..emulator.node_addrs().len() {
        for r in emulator.node(i).take_requests() {
            if r.kind != RequestKind::Execute || !r.cql.contains("bench_cluster.t") {
                continue;
            }
            if let Some(token) = r.token {
                total += 1;
                if !emulator.replicas("bench_cluster", token).contains(&r.node) {
                    hops += 1;
                }
            }
        }
    }
    (total, hops)
}

async fn statements(s: &Session) -> Result<(PreparedStatement, PreparedStatement), String> {
    let insert = s
        .prepare("INSERT INTO bench_cluster.t (k, v) VALUES (?, ?)")
        .await
        .map_err(err)?
        .with_idempotent(true);
    let select = s
        .prepare("SELECT v FROM bench_cluster.t WHERE k = ?")
        .await
        .map_err(err)?
        .with_idempotent(true);
    Ok((insert, select))
}

/// Writes then reads keys round robin, `IN_FLIGHT` at once, for `length`.
async fn load(s: &Session, length: Duration) -> Result<(u64, Duration), String> {
    let (insert, select) = statements(s).await?;
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = tokio::task::JoinSet::new();
    let started = Instant::now();
    for w in 0..IN_FLIGHT {
        let (s, insert, select, stop) = (s.clone(), insert.clone(), select.clone(), stop.clone());
        workers.spawn(async move {
            let mut n = 0u64;
            let mut k = w as i32;
            while !stop.load(Ordering::Relaxed) {
                s.execute(&insert, (k % KEYS, k)).await.map_err(err)?;
                s.execute(&select, (k % KEYS,)).await.map_err(err)?;
                n += 2;
                k += IN_FLIGHT as i32;
            }
            Ok::<u64, String>(n)
        });
    }
    tokio::time::sleep(length).await;
    stop.store(true, Ordering::Relaxed);
    let elapsed = started.elapsed();
    let mut count = 0;
    while let Some(done) = workers.join_next().await {
        count += done.map_err(err)??;
    }
    Ok((count, elapsed))
}

/// One completed request: when it ended (since the start) and whether it succeeded.
type Outcome = (Duration, bool);

async fn failover(emulator: &EmulatorHandle, out: &mut String) -> Result<(), String> {
    let s = session(emulator, None).await?;
    let select = s
        .prepare("SELECT v FROM bench_failover.t WHERE k = ?")
        .await
        .map_err(err)?
        .with_idempotent(true)
        .with_consistency(cassia_driver::Consistency::One);
    let outcomes: Arc<Mutex<Vec<Outcome>>> = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for w in 0..16 {
        let (s, select, stop, outcomes) =
            (s.clone(), select.clone(), stop.clone(), outcomes.clone());
        workers.spawn(async move {
            let mut k = w;
            while !stop.load(Ordering::Relaxed) {
                let ok = s.execute(&select, (k % KEYS,)).await.is_ok();
                outcomes.lock().await.push((started.elapsed(), ok));
                k += 16;
            }
        });
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let stopped_at = started.elapsed();
    emulator.node(1).stop().await.map_err(err)?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    drain(emulator);
    let restarted_at = started.elapsed();
    emulator.node(1).start().await.map_err(err)?;
    // When does the restarted node coordinate again? Poll its log.
    let mut back_after = None;
    for _ in 0..200 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let served = emulator
            .node(1)
            .take_requests()
            .iter()
            .any(|r| r.kind == RequestKind::Execute);
        if served {
            back_after = Some(started.elapsed() - restarted_at);
            break;
        }
    }
    stop.store(true, Ordering::Relaxed);
    while workers.join_next().await.is_some() {}
    s.shutdown().await;

    let outcomes = outcomes.lock().await.clone();
    let window = Duration::from_millis(250);
    let per_window = |from: Duration| {
        outcomes
            .iter()
            .filter(|(t, ok)| *ok && *t >= from && *t < from + window)
            .count()
    };
    let before: Vec<usize> = (2..8)
        .map(|i| per_window(stopped_at - window * i))
        .collect();
    let level = before.iter().sum::<usize>() as f64 / before.len() as f64;
    let failed: Vec<Duration> = outcomes
        .iter()
        .filter(|(t, ok)| !*ok && *t >= stopped_at)
        .map(|(t, _)| *t)
        .collect();
    let last_failure = failed.iter().max().map(|t| *t - stopped_at);
    let recovered = (0..40)
        .map(|i| stopped_at + window * i)
        .find(|from| {
            *from >= last_failure.map_or(stopped_at, |l| stopped_at + l)
                && per_window(*from) as f64 >= 0.9 * level
        })
        .map(|from| from + window - stopped_at);
    let ms =
        |d: Option<Duration>| d.map_or("never".to_owned(), |d| format!("{} ms", d.as_millis()));
    let _ = writeln!(
        out,
        "\n## Failover on 3 nodes (idempotent reads at ONE, RF 3, 16 in flight; node 1 stopped, then started)\n"
    );
    let _ = writeln!(out, "| measure | value |");
    let _ = writeln!(out, "|---|---:|");
    let _ = writeln!(
        out,
        "| throughput before the stop | {:.0} req/s |",
        level / window.as_secs_f64()
    );
    let _ = writeln!(out, "| requests failed after the stop | {} |", failed.len());
    let _ = writeln!(
        out,
        "| stop → last failed request | {} |",
        last_failure.map_or("none failed".to_owned(), |d| format!(
            "{} ms",
            d.as_millis()
        ))
    );
    let _ = writeln!(out, "| stop → throughput back at 90% | {} |", ms(recovered));
    let _ = writeln!(
        out,
        "| restart → node coordinating again | {} |",
        ms(back_after)
    );
    Ok(())
}

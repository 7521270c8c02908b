//! `--migrations`: what `cassia migrate run` costs against the in-process emulator.
//!
//! * Nothing pending (every pod of a deployment calling it at start-up): wall time of one
//!   call including the connection, as the median and p99 of many calls, and the requests
//!   each call sends (from the emulator's request log), split into the driver's connection
//!   set-up and the migrator's own — which must be one read, no lock, no write.
//! * 100 pending migrations of 3 statements each: total wall time and where it goes
//!   (statements, schema agreement waits, history writes, lock, set-up).
//!
//! Both run through the library (`Migrator`), as the CLI does, so process start-up is not
//! counted; with `target/release/cassia` built, the nothing-pending call is also timed
//! through the real binary.

use crate::modes::{self, pct};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use cassia::migrate::{Migration, MigrationSet, Migrator, Replication};
use cassia_driver::Session;
use cassia_emulator::engine::RequestKind;

const CALLS: usize = 50;

fn migrations(n: u64) -> Result<MigrationSet, String> {
    let mut ms = Vec::new();
    for v in 1..=n {
        let up = format!(
            "CREATE TABLE t{v} (k int PRIMARY KEY, a text);\n\
             ALTER TABLE t{v} ADD b int;\n\
             CREATE INDEX t{v}_a ON t{v} (a);"
        );
        ms.push(Migration::from_texts(v, &format!("m{v}"), &up, None).map_err(|e| e.to_string())?);
    }
    MigrationSet::new(ms).map_err(|e| e.to_string())
}

/// Milliseconds as this report prints them.
fn ms(d: Duration) -> String {
    modes::ms(d, 1)
}

/// Runs both measurements and returns a Markdown section.
pub(crate) fn run() -> Result<String, String> {
    modes::run_section(measure())
}

async fn connect(addr: &str) -> Result<Session, String> {
    Session::builder()
        .known_node(addr)
        .build()
        .await
        .map_err(|e| e.to_string())
}

async fn measure() -> Result<String, String> {
    let emulator = cassia_emulator::Emulator::builder()
        .start()
        .await
        .map_err(|e| e.to_string())?;
    let addr = emulator.addr().to_string();
    let engine = emulator.engine().clone();
    let mut out = String::new();

    // 100 pending migrations of 3 statements.
    let set = migrations(100)?;
    let migrator = Migrator::new(set)
        .keyspace("bench_migrations")
        .replication(Replication::simple(1));
    let session = connect(&addr).await?;
    engine.record_requests(true);
    engine.take_requests();
    let started = Instant::now();
    let report = migrator.run(&session).await.map_err(|e| e.to_string())?;
    let total = started.elapsed();
    let sent = engine.take_requests();
    let t = report.timings;
    let _ = writeln!(
        out,
        "## `migrate run`, 100 pending migrations x 3 statements (emulator)\n"
    );
    let _ = writeln!(out, "| part | time | share |");
    let _ = writeln!(out, "|---|---:|---:|");
    for (name, d) in [
        ("statements (300 DDL)", t.statements),
        ("schema agreement waits (300)", t.schema_agreement),
        ("history writes (progress per statement)", t.history_writes),
        ("history reads", t.history_reads),
        ("lock (take + release)", t.lock),
        ("set-up (keyspace, history tables)", t.setup),
    ] {
        let _ = writeln!(
            out,
            "| {name} | {} | {:.0}% |",
            ms(d),
            100.0 * d.as_secs_f64() / total.as_secs_f64()
        );
    }
    let _ = writeln!(out, "| **total** | **{}** | |", ms(total));
    let _ = writeln!(
        out,
        "\nApplied {} migrations; {} requests counted by the migrator, {} executed by the server \
         (schema agreement reads included).\n",
        report.applied.len(),
        t.requests,
        sent.len()
    );
    session.shutdown().await;

    // Nothing pending: connect + run, many times.
    let mut walls = Vec::with_capacity(CALLS);
    let mut per_call = Vec::new();
    for _ in 0..CALLS {
        engine.take_requests();
        let started = Instant::now();
        let session = connect(&addr).await?;
        let report = migrator.run(&session).await.map_err(|e| e.to_string())?;
        walls.push(started.elapsed());
        if !report.applied.is_empty() || report.locked {
            return Err("nothing-pending run applied something or took the lock".into());
        }
        per_call = engine.take_requests();
        session.shutdown().await;
    }
    walls.sort();
    let history_reads = per_call
        .iter()
        .filter(|r| r.cql.contains("cassia_migrations"))
        .count();
    let writes = per_call.iter().filter(|r| r.is_write()).count();
    let prepares = per_call
        .iter()
        .filter(|r| r.kind == RequestKind::Prepare)
        .count();
    let _ = writeln!(
        out,
        "## `migrate run` with nothing pending (emulator, {CALLS} calls)\n"
    );
    let _ = writeln!(out, "| measure | value |");
    let _ = writeln!(out, "|---|---:|");
    let _ = writeln!(
        out,
        "| wall time per call incl. connection, median | {} |",
        ms(pct(&walls, 0.5))
    );
    let _ = writeln!(
        out,
        "| wall time per call incl. connection, p99 | {} |",
        ms(pct(&walls, 0.99))
    );
    let _ = writeln!(
        out,
        "| requests executed by the server per call | {} |",
        per_call.len()
    );
    let _ = writeln!(
        out,
        "| of which the migrator's (history read) | {history_reads} |"
    );
    let _ = writeln!(
        out,
        "| of which the driver's connection set-up (system tables) | {} |",
        per_call.len() - history_reads
    );
    let _ = writeln!(out, "| PREPAREs | {prepares} |");
    let _ = writeln!(out, "| writes (lock, history, DDL) | {writes} |");

    // The real binary, when built: process start included.
    let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/cassia");
    if bin.exists() {
        let mut bins = Vec::new();
        for _ in 0..20 {
            let started = Instant::now();
            let status = tokio::process::Command::new(&bin)
                .args([
                    "migrate",
                    "run",
                    "--contact-points",
                    &addr,
                    "--keyspace",
                    "bench_migrations",
                    "--migrations",
                    "/nonexistent-empty",
                ])
                .stdout(std::process::Stdio::null())
                .status()
                .await
                .map_err(|e| e.to_string())?;
            bins.push(started.elapsed());
            if !status.success() {
                return Err(format!("cassia migrate run exited with {status}"));
            }
        }
        bins.sort();
        let _ = writeln!(
            out,
            "| `target/release/cassia migrate run` process, median (20 runs; no files, so nothing pending) | {} |",
            ms(pct(&bins, 0.5))
        );
    }
    emulator.shutdown().await;
    Ok(out)
}

//! `cassia-bench`: side-by-side client benchmark (Cassia, the `scylla` crate, the Python
//! driver and a raw pipelining client) against an in-process responder pinned to core 0.
//!
//! ```text
//! cargo run --release -p cassia-bench -- --smoke   # every client, one 1-second trial (CI)
//! cargo run --release -p cassia-bench -- --quick   # small subset, 1-second trials, one pair
//! cargo run --release -p cassia-bench              # full matrix, 5 pairs per case
//! cargo run --release -p cassia-bench -- --migrations # `cassia migrate run` costs (emulator)
//! cargo run --release -p cassia-bench -- --vector     # ANN search latency (emulator)
//! cargo run --release -p cassia-bench -- --cluster    # routing and failover on 3 nodes
//! ```
//! Options: `--clients=cassia,scylla,python,raw`, `--only=TEXT` (cases whose name contains
//! TEXT, e.g. `@1024`), `--pairs=N`, `--trial-ms=N`,
//! `--warmup-ms=N`, `--rate=OPS` (open loop), `--out=DIR`. Allocation counts need
//! `--features count-allocs`. `cassia-bench responder` only serves (printing its address),
//! so one `cassia-bench worker --client=... --addr=...` can be profiled on its own.
//! See `bench/README.md`.

mod alloc;
mod chart;
mod clients;
mod cluster_mode;
mod emulator_mode;
mod mapper_mode;
mod migrations_mode;
mod modes;
mod pin;
mod plan;
mod procfs;
mod report;
mod responder;
mod runner;
mod stats;
mod trial;
mod vector_mode;
mod worker;
mod workload;

use std::path::PathBuf;

use clients::ClientKind;
use plan::{Mode, plan_for};
use runner::CaseResult;

const LOCKFILE: &str = include_str!("../../Cargo.lock");

/// The version Cargo.lock resolved for `name`.
fn locked_version(name: &str) -> String {
    let needle = format!("name = \"{name}\"\nversion = \"");
    LOCKFILE
        .find(&needle)
        .and_then(|i| LOCKFILE.get(i + needle.len()..))
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("unknown")
        .to_string()
}

fn stamp() -> String {
    chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("worker") {
        std::process::exit(worker::main(args.get(1..).unwrap_or_default()));
    }
    if args.first().map(String::as_str) == Some("responder") {
        // Profiling aid: serve until killed, so a `worker` can run under heaptrack or perf.
        match responder::Responder::start(Some(0)) {
            Ok(r) => {
                println!("{}", r.addr);
                loop {
                    std::thread::park();
                }
            }
            Err(e) => {
                eprintln!("cassia-bench: {e}");
                std::process::exit(1);
            }
        }
    }
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!(
            "usage: cassia-bench [--smoke|--quick] [--clients=a,b] [--pairs=N] [--trial-ms=N] [--warmup-ms=N] [--rate=OPS] [--out=DIR]"
        );
        return;
    }
    let mode = if args.iter().any(|a| a == "--smoke") {
        Mode::Smoke
    } else if args.iter().any(|a| a == "--quick") {
        Mode::Quick
    } else {
        Mode::Full
    };
    std::process::exit(match run(mode, &args) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("cassia-bench: {e}");
            1
        }
    });
}

/// `--emulator`: only the emulator throughput section (5-second windows unless `--trial-ms`).
fn run_emulator_only(args: &[String]) -> Result<(), String> {
    let ms = args
        .iter()
        .find_map(|a| a.strip_prefix("--trial-ms="))
        .map_or(Ok(5000), |v| {
            v.parse::<u64>()
                .map_err(|_| "--trial-ms must be milliseconds".to_string())
        })?
        .min(3_600_000);
    let md = format!(
        "# cassia-bench {} (emulator)\n{}",
        stamp(),
        emulator_mode::run(std::time::Duration::from_millis(ms))?
    );
    println!("{md}");
    Ok(())
}

fn run(mode: Mode, args: &[String]) -> Result<(), String> {
    if args.iter().any(|a| a == "--emulator") {
        return run_emulator_only(args);
    }
    if args.iter().any(|a| a == "--migrations") {
        println!(
            "# cassia-bench {} (migrations)\n\n{}",
            stamp(),
            migrations_mode::run()?
        );
        return Ok(());
    }
    if args.iter().any(|a| a == "--cluster") {
        println!(
            "# cassia-bench {} (cluster)\n\n{}",
            stamp(),
            cluster_mode::run()?
        );
        return Ok(());
    }
    if args.iter().any(|a| a == "--vector") {
        println!(
            "# cassia-bench {} (vector search)\n\n{}",
            stamp(),
            vector_mode::run()?
        );
        return Ok(());
    }
    let plan = plan_for(mode, args)?;
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let responder = responder::Responder::start(Some(0)).map_err(|e| e.to_string())?;
    let python = if plan.clients.contains(&ClientKind::Python) {
        clients::python::resolve()
    } else {
        Err("not selected".into())
    };
    let stamp = stamp();
    let header = report::Header {
        stamp: stamp.clone(),
        mode: format!("{mode:?}").to_lowercase(),
        lines: vec![
            format!(
                "scylla {} · tokio {} · Python cassandra-driver 3.30.1 ({}) · lz4_flex {}",
                locked_version("scylla"),
                locked_version("tokio"),
                python
                    .as_ref()
                    .map_or_else(|e| format!("unavailable: {e}"), |p| p.display().to_string()),
                locked_version("lz4_flex"),
            ),
            format!(
                "{cores} cores; responder on core 0 ({}), clients on core {} (each trial a separate pinned process)",
                if responder.pinned {
                    "pinned"
                } else {
                    "NOT pinned"
                },
                runner::CLIENT_CORE
            ),
            format!(
                "{} ms trials after {} ms warm-up, {} pair(s) per case in alternating order; {}",
                plan.timing.measure.as_millis(),
                plan.timing.warmup.as_millis(),
                plan.pairs,
                plan.timing.rate.map_or(
                    "closed loop: latency from the lane's previous completion".to_string(),
                    |r| { format!("open loop at {r} ops/s: latency from scheduled start") }
                )
            ),
            format!(
                "allocation counting {}; CPU from /proc (user+system, 10 ms ticks) over the window only",
                if alloc::count().is_some() {
                    "on (count-allocs)"
                } else {
                    "off (build with --features count-allocs)"
                }
            ),
        ],
    };
    eprintln!(
        "cassia-bench: {} case(s), responder at {}",
        plan.cases.len(),
        responder.addr
    );
    let results = runner::run(&plan, &responder, &python);
    let names: Vec<&'static str> = plan.clients.iter().map(|c| c.name()).collect();
    let mut md = report::render(&header, &names, &results);
    // Smoke also proves the emulator section works (briefly); `--emulator` runs it alone.
    let emulator = if mode == Mode::Smoke {
        Some(emulator_mode::run(std::time::Duration::from_secs(1)))
    } else {
        None
    };
    if let Some(section) = &emulator {
        match section {
            Ok(s) => md.push_str(s),
            Err(e) => md.push_str(&format!("\n## Emulator throughput\n\nFAILED: {e}\n")),
        }
    }
    println!("{md}");
    let out_dir = args
        .iter()
        .find_map(|a| a.strip_prefix("--out=").map(PathBuf::from))
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join("bench-results")
        });
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    // Results are machine-specific: the folder ignores itself rather than touching the root .gitignore.
    let ignore = out_dir.join(".gitignore");
    if !ignore.exists() {
        let _ = std::fs::write(&ignore, "*\n");
    }
    let md_path = out_dir.join(format!("{stamp}.md"));
    std::fs::write(&md_path, &md).map_err(|e| format!("{}: {e}", md_path.display()))?;
    let png_path = out_dir.join(format!("{stamp}.png"));
    match chart::draw(&png_path, &names, &results) {
        Ok(()) => eprintln!(
            "cassia-bench: wrote {} and {}",
            md_path.display(),
            png_path.display()
        ),
        Err(e) => eprintln!(
            "cassia-bench: wrote {}; chart skipped: {e}",
            md_path.display()
        ),
    }
    check_smoke(mode, &results)?;
    match emulator {
        Some(Err(e)) => Err(format!("smoke: emulator section failed: {e}")),
        _ => Ok(()),
    }
}

/// In smoke mode the harness itself must work: the raw client (no external dependency)
/// has to complete its trial; other clients may be skipped with a reason, not fail.
fn check_smoke(mode: Mode, results: &[CaseResult]) -> Result<(), String> {
    if mode != Mode::Smoke {
        return Ok(());
    }
    for r in results {
        for t in r.pairs.iter().flatten() {
            match &t.outcome {
                trial::TrialOutcome::Failed(e) => {
                    return Err(format!("smoke: {} failed: {e}", t.client));
                }
                trial::TrialOutcome::Ran(m) if t.measured().is_none() => {
                    return Err(format!(
                        "smoke: {} ran but had errors or no ops: {:?}",
                        t.client, m.error
                    ));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockfile_versions_are_found() {
        assert!(locked_version("scylla").starts_with("1."));
        assert_eq!(locked_version("no-such-crate"), "unknown");
    }
}

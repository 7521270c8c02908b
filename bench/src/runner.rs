//! Runs the matrix: for every case, pairs of trials in alternating client order, each trial
//! a pinned subprocess, while sampling the responder's CPU over the trial's window.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::clients::{ClientKind, Timing};
use crate::responder::Responder;
use crate::trial::{Measured, Trial, TrialOutcome, WINDOW_END, WINDOW_START, utilisation};
use crate::worker::WorkerArgs;
use crate::workload::Case;

/// Core the clients are pinned to.
pub(crate) const CLIENT_CORE: usize = 1;

/// What to run.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// Cases in order.
    pub(crate) cases: Vec<Case>,
    /// Pairs per case.
    pub(crate) pairs: usize,
    /// Trial timing.
    pub(crate) timing: Timing,
    /// Clients, in the order of even pairs.
    pub(crate) clients: Vec<ClientKind>,
}

/// All trials of one case, grouped by pair.
#[derive(Debug, Clone)]
pub(crate) struct CaseResult {
    /// The case.
    pub(crate) case: Case,
    /// `pairs[i]`: the trials of pair `i`.
    pub(crate) pairs: Vec<Vec<Trial>>,
}

/// How to start the Python client, or why it cannot run.
pub(crate) type PythonSetup = Result<std::path::PathBuf, String>;

/// Runs `plan` against `responder`.
pub(crate) fn run(plan: &Plan, responder: &Responder, python: &PythonSetup) -> Vec<CaseResult> {
    let mut results = Vec::new();
    for case in &plan.cases {
        let mut pairs = Vec::new();
        for p in 0..plan.pairs {
            let mut order = plan.clients.clone();
            if p % 2 == 1 {
                order.reverse();
            }
            let mut trials = Vec::new();
            for client in order {
                let t = run_trial(client, *case, plan.timing, responder, python);
                eprintln!("  {case} pair {p} {client}: {}", brief(&t));
                trials.push(t);
            }
            pairs.push(trials);
        }
        results.push(CaseResult { case: *case, pairs });
    }
    results
}

fn brief(t: &Trial) -> String {
    match &t.outcome {
        TrialOutcome::Ran(m) => format!(
            "{:.0} ops/s p50 {}µs p99 {}µs responder {}{}",
            m.ops_per_sec(),
            m.p50_us,
            m.p99_us,
            t.responder_util
                .map_or("?".into(), |u| format!("{:.0}%", u * 100.0)),
            m.error
                .as_ref()
                .map_or(String::new(), |e| format!(" errors {} ({e})", m.errors)),
        ),
        TrialOutcome::Skipped(r) => format!("skipped: {r}"),
        TrialOutcome::Failed(r) => format!("FAILED: {r}"),
    }
}

fn command(
    client: ClientKind,
    case: Case,
    timing: Timing,
    responder: &Responder,
    python: &PythonSetup,
) -> Result<Command, String> {
    if client == ClientKind::Python {
        let py = python.as_ref().map_err(Clone::clone)?;
        let mut c = Command::new(py);
        c.arg(crate::clients::python::script_path())
            .arg(format!("--port={}", responder.addr.port()))
            .arg(format!("--workload={}", case.workload.name()))
            .arg(format!("--inflight={}", case.inflight))
            .arg(format!("--version={}", case.setting.version))
            .arg(format!("--lz4={}", u8::from(case.setting.lz4)))
            .arg(format!("--warmup-ms={}", timing.warmup.as_millis()))
            .arg(format!("--measure-ms={}", timing.measure.as_millis()))
            .arg(format!("--core={CLIENT_CORE}"));
        return Ok(c);
    }
    let exe = std::env::current_exe().map_err(|e| format!("cannot find own executable: {e}"))?;
    let args = WorkerArgs {
        client,
        case,
        addr: responder.addr,
        timing,
        core: Some(CLIENT_CORE),
    };
    let mut c = Command::new(exe);
    c.arg("worker").args(args.to_args());
    Ok(c)
}

fn run_trial(
    client: ClientKind,
    case: Case,
    timing: Timing,
    responder: &Responder,
    python: &PythonSetup,
) -> Trial {
    let trial = |outcome, responder_util| Trial {
        client: client.name(),
        outcome,
        responder_util,
    };
    let mut cmd = match command(client, case, timing, responder, python) {
        Ok(c) => c,
        Err(reason) => return trial(TrialOutcome::Skipped(reason), None),
    };
    let mut child = match cmd.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn() {
        Ok(c) => c,
        Err(e) => return trial(TrialOutcome::Failed(format!("could not start: {e}")), None),
    };
    let Some(stdout) = child.stdout.take() else {
        return trial(TrialOutcome::Failed("no stdout".into()), None);
    };
    let (tx, rx) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // Connecting and preparing take a moment (the Python driver's start-up the longest).
    let deadline = Instant::now() + timing.warmup + timing.measure + Duration::from_secs(90);
    let mut window_start: Option<(Instant, Option<Duration>)> = None;
    let mut util = None;
    let outcome = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = match rx.recv_timeout(left) {
            Ok(l) => l,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                kill(&mut child);
                break TrialOutcome::Failed("timed out".into());
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let status = child.wait().map(|s| s.to_string()).unwrap_or_default();
                break TrialOutcome::Failed(format!("exited without a result ({status})"));
            }
        };
        if line == WINDOW_START {
            window_start = Some((Instant::now(), responder.cpu()));
        } else if line == WINDOW_END {
            if let Some((t0, Some(c0))) = window_start
                && let Some(c1) = responder.cpu()
            {
                util = utilisation(c1.saturating_sub(c0), t0.elapsed());
            }
        } else if let Some(m) = Measured::from_line(&line) {
            break TrialOutcome::Ran(m);
        } else if let Some(r) = line.strip_prefix("SKIPPED ") {
            break TrialOutcome::Skipped(r.to_string());
        } else if let Some(r) = line.strip_prefix("FAILED ") {
            break TrialOutcome::Failed(r.to_string());
        }
    };
    let _ = child.wait();
    trial(outcome, util)
}

fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

//! `cassia-bench worker ...`: runs one trial of one Rust client in this process, pinned to
//! the client core, and reports over stdout with the line protocol of [`crate::trial`].
//!
//! A subprocess per trial keeps each client's CPU time, peak RSS and allocation count its
//! own, exactly like the Python client's interpreter.

use std::net::SocketAddr;
use std::time::Duration;

use crate::clients::lanes::Window;
use crate::clients::{ClientError, ClientKind, Timing, cassia_client, raw, scylla_client};
use crate::trial::{Measured, WINDOW_END, WINDOW_START};
use crate::workload::{Case, Setting, Workload};
use crate::{alloc, procfs};

/// Worker arguments (all required except `rate` and `core`).
#[derive(Debug, Clone)]
pub(crate) struct WorkerArgs {
    /// Client to run.
    pub(crate) client: ClientKind,
    /// What to run.
    pub(crate) case: Case,
    /// Responder address.
    pub(crate) addr: SocketAddr,
    /// Timing.
    pub(crate) timing: Timing,
    /// Core to pin to.
    pub(crate) core: Option<usize>,
}

impl WorkerArgs {
    /// The command-line form (after `worker`).
    pub(crate) fn to_args(&self) -> Vec<String> {
        let mut v = vec![
            format!("--client={}", self.client.name()),
            format!("--workload={}", self.case.workload.name()),
            format!("--inflight={}", self.case.inflight),
            format!("--version={}", self.case.setting.version),
            format!("--lz4={}", u8::from(self.case.setting.lz4)),
            format!("--addr={}", self.addr),
            format!("--warmup-ms={}", self.timing.warmup.as_millis()),
            format!("--measure-ms={}", self.timing.measure.as_millis()),
        ];
        if let Some(r) = self.timing.rate {
            v.push(format!("--rate={r}"));
        }
        if let Some(c) = self.core {
            v.push(format!("--core={c}"));
        }
        v
    }

    /// Parses [`WorkerArgs::to_args`].
    pub(crate) fn parse(args: &[String]) -> Result<Self, String> {
        let get = |name: &str| {
            let prefix = format!("--{name}=");
            args.iter()
                .find_map(|a| a.strip_prefix(&prefix).map(str::to_string))
        };
        let need = |name: &str| get(name).ok_or_else(|| format!("worker: missing --{name}="));
        let num = |name: &str| -> Result<u64, String> {
            need(name)?
                .parse()
                .map_err(|_| format!("worker: --{name} is not a number"))
        };
        let client = ClientKind::parse(&need("client")?).ok_or("worker: unknown --client")?;
        let workload = Workload::parse(&need("workload")?).ok_or("worker: unknown --workload")?;
        Ok(WorkerArgs {
            client,
            case: Case {
                workload,
                inflight: num("inflight")? as usize,
                setting: Setting {
                    version: num("version")? as u8,
                    lz4: num("lz4")? == 1,
                },
            },
            addr: need("addr")?
                .parse()
                .map_err(|_| "worker: bad --addr".to_string())?,
            timing: Timing {
                warmup: Duration::from_millis(num("warmup-ms")?),
                measure: Duration::from_millis(num("measure-ms")?),
                rate: get("rate").and_then(|r| r.parse().ok()),
            },
            core: get("core").and_then(|c| c.parse().ok()),
        })
    }
}

#[derive(Debug, Clone, Copy)]
struct Snapshot {
    cpu: Option<Duration>,
    allocs: Option<u64>,
}

fn snapshot() -> Snapshot {
    Snapshot {
        cpu: procfs::process_cpu().ok(),
        allocs: alloc::count(),
    }
}

/// Runs the worker; returns the process exit code (0 ran, 2 skipped, 1 failed).
pub(crate) fn main(args: &[String]) -> i32 {
    let a = match WorkerArgs::parse(args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    if let Some(core) = a.core
        && !crate::pin::to_core(core)
    {
        eprintln!("worker: could not pin to core {core}; running unpinned");
    }
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            println!("FAILED could not start runtime: {e}");
            return 1;
        }
    };
    rt.block_on(async move {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(Snapshot, Snapshot)>();
        let on_window = move |w: Window| {
            let tx = tx.clone();
            tokio::spawn(async move {
                tokio::time::sleep_until(w.start.into()).await;
                let s = snapshot();
                println!("{WINDOW_START}");
                tokio::time::sleep_until(w.end.into()).await;
                let e = snapshot();
                println!("{WINDOW_END}");
                let _ = tx.send((s, e));
            });
        };
        let result = match a.client {
            ClientKind::Raw => raw::run(a.addr, a.case, a.timing, &on_window).await,
            ClientKind::Scylla => scylla_client::run(a.addr, a.case, a.timing, &on_window).await,
            ClientKind::Cassia => cassia_client::run(a.addr, a.case, a.timing, &on_window).await,
            ClientKind::Python => Err(ClientError::Unsupported {
                client: "python",
                reason: "the Python client runs as its own script, not as a worker".into(),
            }),
        };
        drop(on_window);
        let outcome = match result {
            Ok(o) => o,
            Err(ClientError::Unsupported { reason, .. }) => {
                println!("SKIPPED {reason}");
                return 2;
            }
            Err(e) => {
                println!("FAILED {}", e.to_string().replace('\n', " "));
                return 1;
            }
        };
        let (s, e) = rx.recv().await.unwrap_or((snapshot(), snapshot()));
        let cpu_ms = match (s.cpu, e.cpu) {
            (Some(s), Some(e)) => Some(e.saturating_sub(s).as_millis() as u64),
            _ => None,
        };
        let allocs = match (s.allocs, e.allocs) {
            (Some(s), Some(e)) => Some(e.saturating_sub(s)),
            _ => None,
        };
        let m = Measured {
            ops: outcome.ops,
            secs: a.timing.measure.as_secs_f64(),
            p50_us: outcome.hist.value_at_quantile(0.5),
            p99_us: outcome.hist.value_at_quantile(0.99),
            cpu_ms,
            rss_kib: procfs::peak_rss_kib(),
            allocs,
            errors: outcome.errors,
            error: outcome.first_error,
        };
        println!("{}", m.to_line());
        0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_args_roundtrip_through_the_command_line() {
        let a = WorkerArgs {
            client: ClientKind::Scylla,
            case: Case {
                workload: Workload::Blob256k,
                inflight: 16,
                setting: Setting {
                    version: 5,
                    lz4: true,
                },
            },
            addr: "127.0.0.1:9042".parse().expect("addr"),
            timing: Timing {
                warmup: Duration::from_millis(300),
                measure: Duration::from_millis(1000),
                rate: Some(5000.0),
            },
            core: Some(1),
        };
        let back = WorkerArgs::parse(&a.to_args()).expect("parses");
        assert_eq!(back.client, a.client);
        assert_eq!(back.case, a.case);
        assert_eq!(back.addr, a.addr);
        assert_eq!(
            (back.timing.warmup, back.timing.measure, back.timing.rate),
            (a.timing.warmup, a.timing.measure, a.timing.rate)
        );
        assert_eq!(back.core, Some(1));
        let err = WorkerArgs::parse(&["--client=nope".to_string()]).expect_err("bad client");
        assert!(err.contains("unknown --client"), "{err}");
    }
}

//! The clients under test and what they share: the error type, trial timing, client kinds.
//!
//! Rust clients (Cassia, scylla, raw) run inside a `cassia-bench worker` subprocess so their
//! CPU, peak RSS and allocation counts are theirs alone; the Python driver runs in its own
//! interpreter subprocess. Both report through the same line protocol (see `worker`).

pub(crate) mod cassia_client;
pub(crate) mod lanes;
pub(crate) mod python;
pub(crate) mod raw;
pub(crate) mod scylla_client;

use std::fmt;
use std::time::{Duration, Instant};

use lanes::Window;

/// Why a client could not run a trial.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum ClientError {
    /// The driver returned an error.
    #[error("{client}: {source}")]
    Driver {
        /// Client name.
        client: &'static str,
        /// Driver error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The client cannot run this case at all (reported as skipped).
    #[error("{client} skipped: {reason}")]
    Unsupported {
        /// Client name.
        client: &'static str,
        /// Why.
        reason: String,
    },
    /// A response did not look like what the responder sends.
    #[error("{client}: unexpected response: {what}")]
    Unexpected {
        /// Client name.
        client: &'static str,
        /// What was wrong.
        what: String,
    },
    /// Socket I/O (raw client).
    #[error("{client}: I/O: {source}")]
    Io {
        /// Client name.
        client: &'static str,
        /// Cause.
        source: std::io::Error,
    },
}

/// The clients compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ClientKind {
    /// `cassia-driver`.
    Cassia,
    /// The `scylla` crate.
    Scylla,
    /// The Python `cassandra-driver`.
    Python,
    /// Pre-encoded frames pipelined on one task: the machine's limit.
    Raw,
}

impl ClientKind {
    /// Every client in report order.
    pub(crate) const ALL: [ClientKind; 4] = [
        ClientKind::Cassia,
        ClientKind::Scylla,
        ClientKind::Python,
        ClientKind::Raw,
    ];

    /// Command-line and report name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            ClientKind::Cassia => "cassia",
            ClientKind::Scylla => "scylla",
            ClientKind::Python => "python",
            ClientKind::Raw => "raw",
        }
    }

    /// Parses [`ClientKind::name`].
    pub(crate) fn parse(s: &str) -> Option<Self> {
        ClientKind::ALL.into_iter().find(|c| c.name() == s)
    }
}

impl fmt::Display for ClientKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Warm-up, measured duration and optional open-loop rate of a trial.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timing {
    /// Warm-up before the window.
    pub(crate) warmup: Duration,
    /// Measured window.
    pub(crate) measure: Duration,
    /// Target operations per second per trial (open loop), if any.
    pub(crate) rate: Option<f64>,
}

impl Timing {
    /// The window starting after the warm-up from now; `inflight` splits the rate over lanes.
    pub(crate) fn window_from_now_for(&self, inflight: usize) -> Window {
        let start = Instant::now() + self.warmup;
        Window {
            start,
            end: start + self.measure,
            period: self
                .rate
                .filter(|r| *r > 0.0)
                .and_then(|r| Duration::try_from_secs_f64(inflight.max(1) as f64 / r).ok()),
        }
    }

    /// The window for closed-loop clients that pace themselves.
    pub(crate) fn window_from_now(&self) -> Window {
        self.window_from_now_for(1)
    }
}

/// The rows of one unlogged batch for key `k`, the same for every driver client so that
/// they all send identical work.
pub(crate) fn batch_values(k: i64) -> Vec<(i64, i64, i64)> {
    (0..crate::workload::BATCH_SIZE as i64)
        .map(|i| (k * 1000 + i, i, -i))
        .collect()
}

/// Fails unless a page workload decoded exactly `PAGE_ROWS` rows.
pub(crate) fn check_page_rows(client: &'static str, n: usize) -> Result<(), ClientError> {
    let want = crate::workload::PAGE_ROWS;
    if n == want {
        Ok(())
    } else {
        Err(ClientError::Unexpected {
            client,
            what: format!("page had {n} rows, expected {want}"),
        })
    }
}

/// The blob bound by the blob workloads: deterministic, not trivially compressible.
pub(crate) fn blob(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x2545_F491;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x & 0xff) as u8
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::responder::Responder;
    use crate::workload::{Case, Setting, Workload};

    /// Every Rust client runs every workload against the responder without a single error
    /// (v4 LZ4 for all three, v5 LZ4 for those that speak it).
    #[tokio::test]
    async fn rust_clients_run_every_workload_cleanly() {
        let responder = Responder::start(None).expect("responder");
        let timing = Timing {
            warmup: Duration::from_millis(50),
            measure: Duration::from_millis(150),
            rate: None,
        };
        let on_window = |_w: Window| {};
        for setting in [
            Setting {
                version: 4,
                lz4: true,
            },
            Setting {
                version: 5,
                lz4: true,
            },
        ] {
            for workload in Workload::ALL {
                let case = Case {
                    workload,
                    inflight: 4,
                    setting,
                };
                let runs = [
                    (
                        "raw",
                        raw::run(responder.addr, case, timing, &on_window).await,
                    ),
                    (
                        "cassia",
                        cassia_client::run(responder.addr, case, timing, &on_window).await,
                    ),
                    (
                        "scylla",
                        scylla_client::run(responder.addr, case, timing, &on_window).await,
                    ),
                ];
                for (client, result) in runs {
                    match result {
                        Ok(o) => {
                            assert_eq!((o.errors, &o.first_error), (0, &None), "{client} {case}");
                            assert!(o.ops > 0, "{client} {case}: no operation completed");
                        }
                        Err(ClientError::Unsupported { .. })
                            if client == "scylla" && setting.version == 5 => {}
                        Err(e) => panic!("{client} {case}: {e}"),
                    }
                }
            }
        }
    }
}

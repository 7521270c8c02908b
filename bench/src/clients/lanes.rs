//! Closed-loop load with N requests in flight, shared by the driver clients (Cassia, scylla).
//!
//! Each lane is a task that issues one operation at a time. An operation's latency runs from
//! its *scheduled* start: with `--rate` that is the lane's fixed schedule (open loop, so a
//! stall delays every later request and shows up in the tail instead of being omitted);
//! without it, the instant the lane's previous operation completed. Only completions inside
//! the measured window count.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

use super::ClientError;

/// One operation of a workload, bound to a connected client.
pub(crate) trait Op: Send + Sync + 'static {
    /// Runs operation number `seq`.
    fn run(&self, seq: u64) -> impl Future<Output = Result<(), ClientError>> + Send;
}

/// When the warm-up ends and the measured window closes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    /// Start of the measured window.
    pub(crate) start: Instant,
    /// End of the measured window.
    pub(crate) end: Instant,
    /// Per-lane period for open-loop pacing (`None`: closed loop).
    pub(crate) period: Option<Duration>,
}

/// What the lanes of one trial did inside the window.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// Operations completed inside the window.
    pub(crate) ops: u64,
    /// Failed operations (any time).
    pub(crate) errors: u64,
    /// The first failure, for the report.
    pub(crate) first_error: Option<String>,
    /// Latency in microseconds from scheduled start.
    pub(crate) hist: Histogram<u64>,
}

impl Outcome {
    /// An empty outcome.
    pub(crate) fn new() -> Self {
        Outcome {
            ops: 0,
            errors: 0,
            first_error: None,
            hist: new_histogram(),
        }
    }

    /// Adds another lane's figures.
    pub(crate) fn merge(&mut self, other: Outcome) {
        self.ops += other.ops;
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
        let _ = self.hist.add(&other.hist);
    }
}

/// A histogram of microseconds up to one hour, 3 significant digits.
pub(crate) fn new_histogram() -> Histogram<u64> {
    // Constant, valid bounds: this cannot fail.
    Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds")
}

/// Runs `inflight` lanes of `op` until `window.end`, returning the merged outcome.
pub(crate) async fn run<O: Op>(op: Arc<O>, inflight: usize, window: Window) -> Outcome {
    let mut tasks = Vec::with_capacity(inflight);
    for lane in 0..inflight {
        let op = Arc::clone(&op);
        tasks.push(tokio::spawn(run_lane(
            op,
            lane as u64,
            inflight as u64,
            window,
        )));
    }
    let mut total = Outcome::new();
    for t in tasks {
        match t.await {
            Ok(o) => total.merge(o),
            Err(e) => {
                total.errors += 1;
                total
                    .first_error
                    .get_or_insert_with(|| format!("lane task failed: {e}"));
            }
        }
    }
    total
}

async fn run_lane<O: Op>(op: Arc<O>, lane: u64, lanes: u64, w: Window) -> Outcome {
    let mut out = Outcome::new();
    let mut seq = lane;
    let mut scheduled = Instant::now();
    let lane_start = scheduled;
    let mut n: u32 = 0;
    loop {
        if let Some(period) = w.period {
            scheduled = lane_start + period * n;
            n = n.saturating_add(1);
            tokio::time::sleep_until(scheduled.into()).await;
        }
        if scheduled >= w.end {
            return out;
        }
        let result = op.run(seq).await;
        let done = Instant::now();
        seq += lanes;
        match result {
            Ok(()) if done >= w.start && done <= w.end => {
                out.ops += 1;
                let us = done.duration_since(scheduled).as_micros() as u64;
                let _ = out.hist.record(us.max(1));
            }
            Ok(()) => {}
            Err(e) => {
                out.errors += 1;
                out.first_error.get_or_insert_with(|| e.to_string());
                if out.errors > 1000 {
                    return out;
                }
            }
        }
        if w.period.is_none() {
            scheduled = done;
        }
    }
}

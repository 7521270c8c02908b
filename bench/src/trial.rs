//! One trial's figures and the one-line text protocol workers use to report them.
//!
//! A worker (Rust subprocess or the Python script) prints `WINDOW_START` and `WINDOW_END` as
//! its measured window opens and closes (the parent samples the responder's CPU then), and
//! finally one `RESULT key=value ...` line; `error=` is last and takes the rest of the line.

use std::time::Duration;

/// Marker printed when the measured window opens.
pub(crate) const WINDOW_START: &str = "WINDOW_START";
/// Marker printed when the measured window closes.
pub(crate) const WINDOW_END: &str = "WINDOW_END";

/// What a worker measured inside its window.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Measured {
    /// Operations completed in the window.
    pub(crate) ops: u64,
    /// Window length in seconds.
    pub(crate) secs: f64,
    /// Median latency (µs) from scheduled start.
    pub(crate) p50_us: u64,
    /// 99th percentile latency (µs).
    pub(crate) p99_us: u64,
    /// Client CPU (user + system) over the window, ms.
    pub(crate) cpu_ms: Option<u64>,
    /// Peak RSS of the client process, KiB.
    pub(crate) rss_kib: Option<u64>,
    /// Heap allocations in the window (count-allocs builds only).
    pub(crate) allocs: Option<u64>,
    /// Failed operations.
    pub(crate) errors: u64,
    /// First failure.
    pub(crate) error: Option<String>,
}

impl Measured {
    /// Operations per second.
    pub(crate) fn ops_per_sec(&self) -> f64 {
        if self.secs > 0.0 {
            self.ops as f64 / self.secs
        } else {
            0.0
        }
    }

    /// Client CPU seconds per 100k operations.
    pub(crate) fn cpu_per_100k(&self) -> Option<f64> {
        let ms = self.cpu_ms?;
        (self.ops > 0).then(|| ms as f64 / 1000.0 * 100_000.0 / self.ops as f64)
    }

    /// Allocations per operation.
    pub(crate) fn allocs_per_op(&self) -> Option<f64> {
        let a = self.allocs?;
        (self.ops > 0).then(|| a as f64 / self.ops as f64)
    }

    /// The `RESULT ...` line.
    pub(crate) fn to_line(&self) -> String {
        let opt = |v: Option<u64>| v.map_or_else(|| "-".to_string(), |v| v.to_string());
        let mut s = format!(
            "RESULT ops={} secs={} p50_us={} p99_us={} cpu_ms={} rss_kib={} allocs={} errors={}",
            self.ops,
            self.secs,
            self.p50_us,
            self.p99_us,
            opt(self.cpu_ms),
            opt(self.rss_kib),
            opt(self.allocs),
            self.errors
        );
        if let Some(e) = &self.error {
            s.push_str(" error=");
            s.push_str(&e.replace('\n', " "));
        }
        s
    }

    /// Parses a `RESULT ...` line; `None` if it is not one.
    pub(crate) fn from_line(line: &str) -> Option<Measured> {
        let rest = line.trim_end().strip_prefix("RESULT ")?;
        let (fields, error) = match rest.split_once(" error=") {
            Some((f, e)) => (f, Some(e.to_string())),
            None => (rest, None),
        };
        let mut m = Measured {
            error,
            ..Measured::default()
        };
        for kv in fields.split_whitespace() {
            let (k, v) = kv.split_once('=')?;
            let opt = || v.parse::<u64>().ok();
            match k {
                "ops" => m.ops = v.parse().ok()?,
                "secs" => m.secs = v.parse().ok()?,
                "p50_us" => m.p50_us = v.parse().ok()?,
                "p99_us" => m.p99_us = v.parse().ok()?,
                "cpu_ms" => m.cpu_ms = opt(),
                "rss_kib" => m.rss_kib = opt(),
                "allocs" => m.allocs = opt(),
                "errors" => m.errors = v.parse().ok()?,
                _ => {}
            }
        }
        Some(m)
    }
}

/// How a trial ended, as seen by the parent.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TrialOutcome {
    /// The client ran; figures attached.
    Ran(Measured),
    /// The client cannot run this case (missing dependency, unsupported protocol, ...).
    Skipped(String),
    /// The client failed.
    Failed(String),
}

/// One trial of one client.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Trial {
    /// Client name.
    pub(crate) client: &'static str,
    /// Result.
    pub(crate) outcome: TrialOutcome,
    /// Responder CPU over the window divided by the window length.
    pub(crate) responder_util: Option<f64>,
}

impl Trial {
    /// Whether the responder was near saturation (then the trial is left out of ratios).
    pub(crate) fn responder_saturated(&self) -> bool {
        self.responder_util.is_some_and(|u| u >= 0.9)
    }

    /// The figures, if the trial ran without errors.
    pub(crate) fn measured(&self) -> Option<&Measured> {
        match &self.outcome {
            TrialOutcome::Ran(m) if m.errors == 0 && m.ops > 0 => Some(m),
            _ => None,
        }
    }
}

/// Responder utilisation from CPU used over a wall-clock span.
pub(crate) fn utilisation(cpu: Duration, wall: Duration) -> Option<f64> {
    (wall > Duration::ZERO).then(|| cpu.as_secs_f64() / wall.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_line_roundtrips_with_error_text() {
        let m = Measured {
            ops: 12345,
            secs: 1.0,
            p50_us: 80,
            p99_us: 400,
            cpu_ms: Some(990),
            rss_kib: Some(20480),
            allocs: None,
            errors: 2,
            error: Some("scylla: timeout = 12s error=x".into()),
        };
        let line = m.to_line();
        assert!(line.contains("allocs=-"), "{line}");
        assert_eq!(Measured::from_line(&line), Some(m));
        assert_eq!(Measured::from_line("WINDOW_START"), None);
    }

    #[test]
    fn derived_figures() {
        let m = Measured {
            ops: 50_000,
            secs: 2.0,
            cpu_ms: Some(1500),
            allocs: Some(250_000),
            ..Measured::default()
        };
        assert_eq!(m.ops_per_sec(), 25_000.0);
        assert_eq!(m.cpu_per_100k(), Some(3.0));
        assert_eq!(m.allocs_per_op(), Some(5.0));
        assert_eq!(Measured::default().cpu_per_100k(), None);
    }
}

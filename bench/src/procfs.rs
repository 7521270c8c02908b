//! CPU time and peak memory from `/proc` (Linux only; elsewhere the figures are absent).
//!
//! `utime + stime` are in clock ticks of `USER_HZ`, which Linux fixes at 100 for user space
//! on every architecture the benchmark targets.

use std::time::Duration;

/// Clock ticks per second of `/proc/*/stat` times.
const USER_HZ: u64 = 100;

/// Why a `/proc` figure could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum ProcError {
    /// The file could not be read.
    #[error("reading {path}: {source}")]
    Read {
        /// File.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// The file did not have the expected shape.
    #[error("unexpected format of {path}")]
    Format {
        /// File.
        path: String,
    },
}

/// `utime + stime` from the text of a `stat` file.
pub(crate) fn parse_stat_cpu(stat: &str) -> Option<Duration> {
    // The command name (field 2) may contain spaces and parentheses: skip past the last ')'.
    let rest = stat.get(stat.rfind(')')? + 1..)?;
    let mut fields = rest.split_whitespace();
    // After ')': field 3 (state) is index 0, so utime (14) is index 11 and stime (15) index 12.
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 1000 / USER_HZ))
}

fn stat_cpu(path: String) -> Result<Duration, ProcError> {
    let text = std::fs::read_to_string(&path).map_err(|source| ProcError::Read {
        path: path.clone(),
        source,
    })?;
    parse_stat_cpu(&text).ok_or(ProcError::Format { path })
}

/// CPU time of one thread of this process.
pub(crate) fn thread_cpu(tid: u32) -> Result<Duration, ProcError> {
    stat_cpu(format!("/proc/self/task/{tid}/stat"))
}

/// CPU time of this whole process (all threads).
pub(crate) fn process_cpu() -> Result<Duration, ProcError> {
    stat_cpu("/proc/self/stat".to_string())
}

/// Kernel thread id of the calling thread (from the `/proc/thread-self` link).
pub(crate) fn current_tid() -> Option<u32> {
    let link = std::fs::read_link("/proc/thread-self").ok()?;
    link.file_name()?.to_str()?.parse().ok()
}

/// Peak resident set size of this process in KiB (`VmHWM`).
pub(crate) fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_with_spaces_in_the_name() {
        let line = "1234 (tokio rt) worker)) R 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 1 0 100";
        assert_eq!(parse_stat_cpu(line), Some(Duration::from_secs(3)));
        assert_eq!(parse_stat_cpu("garbage"), None);
    }

    #[test]
    fn own_figures_are_readable_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(process_cpu().is_ok());
            let tid = current_tid().expect("thread-self");
            assert!(thread_cpu(tid).is_ok());
            assert!(peak_rss_kib().is_some_and(|k| k > 0));
        }
    }
}

//! [`Session::execute_concurrent`]: one prepared statement over many sets of values, a
//! bounded number in flight at once, results in input order (the Python driver's
//! `execute_concurrent_with_args`).
//!
//! The requests run in the caller's task (no spawned tasks, so nothing outlives the call and
//! borrowed statements are fine); the connections' own tasks do the I/O.

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;

use super::Session;
use crate::error::ExecuteError;
use crate::result::QueryResult;
use crate::statement::PreparedStatement;
use crate::values::{SerializeRow, serialize};

/// How [`Session::execute_concurrent`] runs: how many requests at once, and whether to stop
/// sending after the first failure. A plain number converts into options with that
/// concurrency that run every input.
///
/// ```
/// use cassia_driver::ConcurrentOptions;
///
/// let keep_going = ConcurrentOptions::from(32);
/// let fail_fast = ConcurrentOptions::new(32).stop_on_error(true);
/// # let _ = (keep_going, fail_fast);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConcurrentOptions {
    concurrency: usize,
    stop_on_error: bool,
}

impl ConcurrentOptions {
    /// At most `concurrency` requests in flight (at least 1); every input runs.
    pub fn new(concurrency: usize) -> Self {
        ConcurrentOptions {
            concurrency: concurrency.max(1),
            stop_on_error: false,
        }
    }

    /// With `true`, no input is sent after a request fails: the requests already in flight
    /// finish and are reported, and the rest are not sent (the results stop there).
    pub fn stop_on_error(mut self, stop: bool) -> Self {
        self.stop_on_error = stop;
        self
    }
}

impl From<usize> for ConcurrentOptions {
    fn from(concurrency: usize) -> Self {
        ConcurrentOptions::new(concurrency)
    }
}

impl Session {
    /// Runs `prepared` once per set of values, at most `options`' concurrency at once, and
    /// returns one result per input, **in input order** (`results[i]` is input `i`'s).
    ///
    /// Inputs are sent in order. With [`ConcurrentOptions::stop_on_error`], the first failure
    /// stops the sending: the requests already in flight finish and are reported, and the
    /// vector ends there, so it is shorter than the input; the inputs past
    /// `results.len()` were **not sent** (and the iterator was not advanced past them).
    /// Values that do not fit the statement fail as [`ExecuteError::Bind`] without being
    /// sent, and count as a failure.
    ///
    /// ```no_run
    /// # async fn demo(session: cassia_driver::Session) -> Result<(), cassia_driver::error::ExecuteError> {
    /// use cassia_driver::ConcurrentOptions;
    ///
    /// let insert = session.prepare("INSERT INTO ks.t (id, v) VALUES (?, ?)").await?;
    /// let rows = (0..1000).map(|i| (i, format!("value {i}")));
    /// let results = session.execute_concurrent(&insert, rows, 32).await;
    /// assert!(results.iter().all(Result::is_ok));
    ///
    /// let rows = (0..1000).map(|i| (i, format!("value {i}")));
    /// let options = ConcurrentOptions::new(32).stop_on_error(true);
    /// let results = session.execute_concurrent(&insert, rows, options).await;
    /// if let Some(failed) = results.iter().position(Result::is_err) {
    ///     println!("input {failed} failed; inputs from {} on were not sent", results.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn execute_concurrent<I>(
        &self,
        prepared: &PreparedStatement,
        values: I,
        options: impl Into<ConcurrentOptions>,
    ) -> Vec<Result<QueryResult, ExecuteError>>
    where
        I: IntoIterator,
        I::Item: SerializeRow,
    {
        let options = options.into();
        let mut inputs = values.into_iter().enumerate();
        // One slot per input sent; filled as answers arrive in any order.
        let mut results: Vec<Option<Result<QueryResult, ExecuteError>>> = Vec::new();
        let mut running = FuturesUnordered::new();
        let mut stopped = false;
        loop {
            while !stopped && running.len() < options.concurrency {
                let Some((index, values)) = inputs.next() else {
                    break;
                };
                results.push(None);
                let bound = serialize(&values, prepared.bind_columns(), || {
                    prepared.excerpt().clone()
                });
                running.push(async move {
                    let result = match bound {
                        Ok(values) => self.execute_serialized(prepared, &values).await,
                        Err(e) => Err(e),
                    };
                    (index, result)
                });
            }
            let Some((index, result)) = running.next().await else {
                break;
            };
            if options.stop_on_error && result.is_err() {
                stopped = true;
            }
            if let Some(slot) = results.get_mut(index) {
                *slot = Some(result);
            }
        }
        // Every input sent was awaited above, so every slot is filled.
        results.into_iter().flatten().collect()
    }
}

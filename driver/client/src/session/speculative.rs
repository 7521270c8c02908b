//! Racing executions of one idempotent request (speculative execution).
//!
//! The first execution starts at once; each time the policy's delay passes without an
//! answer, another starts on the next untried node of the shared plan. The first success
//! wins. An execution that fails while others still run does not end the request: another
//! may yet succeed (the first failure is reported if none does).
//!
//! The losers are dropped, which cancels them in this task. Their requests may already be on
//! the wire: a late answer is read and discarded by the connection, whose stream id is then
//! freed, as for a request whose timeout fired.

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use tokio::time::Instant;

use super::attempt::Execution;
use crate::error::ExecuteError;
use crate::policies::SpeculativeExecutionPolicy;
use crate::result::QueryResult;

/// Runs `execution` with speculative executions as `policy` schedules them.
pub(super) async fn race(
    execution: &Execution<'_>,
    policy: &dyn SpeculativeExecutionPolicy,
) -> Result<QueryResult, ExecuteError> {
    let mut running = FuturesUnordered::new();
    running.push(execution.run());
    let mut started = 1u32;
    let mut next_at = policy.next_execution(started).map(|d| Instant::now() + d);
    let mut first_error = None;
    let outcome = loop {
        // Another execution only makes sense while some node is left to send it to.
        let timer = async {
            match next_at.filter(|_| execution.has_next_node()) {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            Some(result) = running.next() => match result {
                Ok(result) => break Ok(result),
                Err(error) => {
                    tracing::debug!(%error, "an execution failed");
                    // The first failure is the one reported; later ones are often just
                    // "no node left" from executions that found the plan used up.
                    let first = first_error.take().unwrap_or(error);
                    if running.is_empty() {
                        break Err(first);
                    }
                    first_error = Some(first);
                }
            },
            () = timer => {
                started += 1;
                tracing::debug!(execution = started, "no answer yet; starting a speculative execution");
                crate::metrics::record_speculative(execution.work.kind());
                running.push(execution.run());
                next_at = policy.next_execution(started).map(|d| Instant::now() + d);
            }
        }
    };
    super::spans::record_speculative(started - 1);
    if started > 1
        && let Ok(result) = &outcome
    {
        // The span names the node that answered, not the one tried last.
        let node = execution
            .session
            .topology()
            .nodes
            .iter()
            .find(|n| n.address() == result.node)
            .cloned();
        if let Some(node) = node {
            super::spans::record_coordinator(&node);
        }
    }
    outcome
}

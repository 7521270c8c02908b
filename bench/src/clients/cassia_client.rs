//! Cassia (`cassia-driver`) as a benchmark client.
//!
//! NOT AVAILABLE YET: the `driver` branch has no `Session` that can connect and execute
//! prepared statements, so this client reports itself as skipped. When the driver lands,
//! this file gets the same shape as `scylla_client.rs` (connect with LZ4/v5 per setting,
//! prepare, typed decode) and the report's Cassia ratios fill in.

use std::net::SocketAddr;

use super::lanes::{Outcome, Window};
use super::{ClientError, Timing};
use crate::workload::Case;

/// Reports Cassia as skipped until `cassia-driver` can run the workloads.
pub(crate) async fn run(
    _addr: SocketAddr,
    _case: Case,
    _timing: Timing,
    _on_window: &dyn Fn(Window),
) -> Result<Outcome, ClientError> {
    Err(ClientError::Unsupported {
        client: "cassia",
        reason: "cassia-driver not available (no Session on branch `driver` yet)".into(),
    })
}

//! Heartbeats: an OPTIONS request on connections that carried no traffic for a whole
//! interval, so dead peers and idle-killing middleboxes are noticed before a user request
//! hits them.

use std::sync::atomic::Ordering;
use std::time::Duration;

use cassia_protocol::request::Request;

use super::{Connection, Envelope, SendError};
use crate::error::ConnectionError;

pub(super) fn spawn(conn: Connection, interval: Duration) {
    tokio::spawn(async move {
        let closed = conn.closed();
        tokio::pin!(closed);
        loop {
            tokio::select! {
                _ = &mut closed => return,
                _ = tokio::time::sleep(interval) => {}
            }
            if conn.shared.active.swap(false, Ordering::Relaxed) {
                continue;
            }
            match conn.send(&Envelope::new(Request::Options), interval).await {
                Ok(_) => tracing::trace!(node = %conn.node(), "heartbeat answered"),
                Err(SendError::Timeout(after)) => {
                    tracing::warn!(node = %conn.node(), ?after, "heartbeat not answered; closing connection");
                    conn.shared.close(ConnectionError::HeartbeatTimeout(after));
                    return;
                }
                Err(SendError::Busy) => {}
                Err(_) => return,
            }
            // The heartbeat itself marked the connection active; that is not user traffic.
            conn.shared.active.store(false, Ordering::Relaxed);
        }
    });
}

//! Per-statement options shared by [`Statement`](super::Statement),
//! [`PreparedStatement`](super::PreparedStatement) and [`Batch`](super::Batch), and the
//! `with_*` builder methods they all expose.
//!
//! Unset options fall back to the execution profile, then to the session defaults.

use std::time::Duration;

use bytes::Bytes;
use cassia_protocol::consistency::Consistency;

/// Opaque position in a paged result, handed back by the server with each page.
///
/// Pass it to a statement with `with_paging_state` to fetch the following page later (for
/// example in another HTTP request). It is only valid for the same statement and values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PagingState(pub(crate) Bytes);

impl PagingState {
    /// The raw bytes (e.g. to store them, base64-encoded, in a web page).
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Rebuilds a paging state from bytes previously obtained with [`PagingState::as_bytes`].
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        PagingState(bytes.into())
    }
}

/// Default number of rows per page, as in the DataStax drivers.
pub(crate) const DEFAULT_PAGE_SIZE: i32 = 5000;

/// The options one statement carries.
#[derive(Debug, Clone, Default)]
pub(crate) struct StatementOptions {
    pub(crate) consistency: Option<Consistency>,
    pub(crate) serial_consistency: Option<Consistency>,
    pub(crate) timestamp: Option<i64>,
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) page_size: Option<i32>,
    pub(crate) paging_state: Option<PagingState>,
    pub(crate) idempotent: bool,
    pub(crate) keyspace: Option<String>,
    pub(crate) tracing: bool,
    pub(crate) custom_payload: Vec<(String, Bytes)>,
    pub(crate) profile: Option<String>,
}

/// Adds the shared `with_*` option setters and getters to a statement type with an
/// `opts: StatementOptions` field.
macro_rules! statement_options {
    ($ty:ty) => {
        impl $ty {
            /// Consistency level (default: the profile's, else `LOCAL_ONE`).
            pub fn with_consistency(mut self, c: $crate::Consistency) -> Self {
                self.opts.consistency = Some(c);
                self
            }

            /// Serial consistency for lightweight transactions (`SERIAL` or `LOCAL_SERIAL`).
            pub fn with_serial_consistency(mut self, c: $crate::Consistency) -> Self {
                self.opts.serial_consistency = Some(c);
                self
            }

            /// Client timestamp in microseconds since the epoch (default: the session's
            /// timestamp generator).
            pub fn with_timestamp(mut self, micros: i64) -> Self {
                self.opts.timestamp = Some(micros);
                self
            }

            /// How long the whole execution may take, retries included (default: the
            /// profile's, 10 s).
            pub fn with_request_timeout(mut self, timeout: std::time::Duration) -> Self {
                self.opts.request_timeout = Some(timeout);
                self
            }

            /// Whether running the statement twice has the same effect as once; only
            /// idempotent statements are retried after errors that may have applied them.
            pub fn with_idempotent(mut self, idempotent: bool) -> Self {
                self.opts.idempotent = idempotent;
                self
            }

            /// Keyspace to run in, overriding the session's (protocol v5 only).
            pub fn with_keyspace(mut self, keyspace: impl Into<String>) -> Self {
                self.opts.keyspace = Some(keyspace.into());
                self
            }

            /// Asks the server to trace this request; the result carries the tracing id.
            pub fn with_tracing(mut self, tracing: bool) -> Self {
                self.opts.tracing = tracing;
                self
            }

            /// Adds an entry to the custom payload sent with the request.
            pub fn with_custom_payload(
                mut self,
                key: impl Into<String>,
                value: impl Into<bytes::Bytes>,
            ) -> Self {
                self.opts.custom_payload.push((key.into(), value.into()));
                self
            }

            /// Runs with the named execution profile instead of the default one.
            pub fn with_execution_profile(mut self, name: impl Into<String>) -> Self {
                self.opts.profile = Some(name.into());
                self
            }

            /// Whether the statement is marked idempotent.
            pub fn is_idempotent(&self) -> bool {
                self.opts.idempotent
            }

            /// The consistency set on the statement, if any.
            pub fn consistency(&self) -> Option<$crate::Consistency> {
                self.opts.consistency
            }
        }
    };
}

/// Adds the paging setters to statement types that return rows (not batches).
macro_rules! paging_options {
    ($ty:ty) => {
        impl $ty {
            /// Rows per page (default 5000); `0` or less disables paging.
            pub fn with_page_size(mut self, rows: i32) -> Self {
                self.opts.page_size = Some(rows);
                self
            }

            /// Starts at the page this state points to (manual paging).
            pub fn with_paging_state(mut self, state: $crate::PagingState) -> Self {
                self.opts.paging_state = Some(state);
                self
            }

            /// The page size that will be requested.
            pub fn page_size(&self) -> i32 {
                self.opts
                    .page_size
                    .unwrap_or($crate::statement::options::DEFAULT_PAGE_SIZE)
            }
        }
    };
}

pub(crate) use {paging_options, statement_options};

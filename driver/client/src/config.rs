//! The settings a session runs with, gathered by [`SessionBuilder`](crate::SessionBuilder),
//! and the subset each connection needs.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use cassia_protocol::consistency::Consistency;
use cassia_protocol::frame::ProtocolVersion;

use crate::auth::Authenticator;
use crate::policies::{ReconnectionPolicy, TimestampGenerator};
use crate::profile::ExecutionProfile;
use crate::tls::TlsConfig;

pub use cassia_protocol::compression::Compression;

/// Default frame size limit (Cassandra's `native_transport_max_frame_size` default).
pub(crate) const DEFAULT_MAX_FRAME_SIZE: usize = 256 * 1024 * 1024;

/// What opening one connection needs.
#[derive(Debug, Clone)]
pub(crate) struct ConnectionConfig {
    /// Fixed version, or `None` to start at v5 and step down to v4.
    pub(crate) protocol_version: Option<ProtocolVersion>,
    pub(crate) compression: Option<Compression>,
    pub(crate) authenticator: Option<Arc<dyn Authenticator>>,
    pub(crate) tls: Option<Arc<TlsSetup>>,
    pub(crate) connect_timeout: Duration,
    pub(crate) heartbeat_interval: Option<Duration>,
    pub(crate) max_frame_size: usize,
    pub(crate) max_streams: usize,
    pub(crate) keyspace: Option<String>,
}

/// A TLS configuration checked and built once per session.
#[derive(Debug)]
pub(crate) struct TlsSetup {
    pub(crate) config: TlsConfig,
    pub(crate) client: Arc<rustls::ClientConfig>,
}

/// Everything a session runs with.
#[derive(Debug, Clone)]
pub(crate) struct SessionConfig {
    pub(crate) contact_points: Vec<String>,
    pub(crate) connection: ConnectionConfig,
    pub(crate) pool_size: usize,
    pub(crate) reconnection_policy: Arc<dyn ReconnectionPolicy>,
    pub(crate) default_profile: Arc<ExecutionProfile>,
    pub(crate) profiles: HashMap<String, Arc<ExecutionProfile>>,
    pub(crate) default_consistency: Consistency,
    pub(crate) timestamp_generator: Arc<dyn TimestampGenerator>,
    pub(crate) schema_agreement_timeout: Duration,
    /// Whether requests wait for a free stream id (profiles may override it).
    pub(crate) wait_for_stream_ids: bool,
    /// Most prepared statements the session's cache keeps.
    pub(crate) prepared_cache_capacity: std::num::NonZeroUsize,
    /// How long a schema event waits for others before the metadata refresh.
    pub(crate) schema_refresh_debounce: Duration,
    /// Requests run at once (`None`: no limit) and how many more may wait for a slot.
    pub(crate) max_concurrent_requests: Option<std::num::NonZeroUsize>,
    pub(crate) max_queued_requests: usize,
    /// Maps addresses read from `system.peers` (and events) to connectable ones.
    pub(crate) address_translator: Option<Arc<dyn crate::policies::AddressTranslator>>,
}

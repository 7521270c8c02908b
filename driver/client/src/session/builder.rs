//! [`SessionBuilder`]: every session setting, with the DataStax drivers' defaults, and
//! `build()` which opens the control connection and the pools.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use cassia_protocol::consistency::Consistency;
use cassia_protocol::frame::ProtocolVersion;

use super::Session;
use crate::auth::Authenticator;
use crate::config::{
    Compression, ConnectionConfig, DEFAULT_MAX_FRAME_SIZE, SessionConfig, TlsSetup,
};
use crate::connection::stream_ids::MAX_STREAMS;
use crate::contact_point::IntoContactPoint;
use crate::error::ConnectError;
use crate::policies::{
    ExponentialReconnectionPolicy, MonotonicTimestampGenerator, ReconnectionPolicy,
    TimestampGenerator,
};
use crate::profile::ExecutionProfile;
use crate::tls::TlsConfig;

/// Configures and opens a [`Session`].
///
/// ```no_run
/// # async fn demo() -> Result<(), cassia_driver::error::ConnectError> {
/// use cassia_driver::{Consistency, Session};
/// let session = Session::builder()
///     .known_node("127.0.0.1:9042")
///     .default_keyspace("shop")
///     .default_consistency(Consistency::LocalQuorum)
///     .build()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct SessionBuilder {
    contact_points: Vec<String>,
    protocol_version: Option<ProtocolVersion>,
    compression: Option<Compression>,
    authenticator: Option<Arc<dyn Authenticator>>,
    tls: Option<TlsConfig>,
    keyspace: Option<String>,
    pool_size: usize,
    connect_timeout: Duration,
    heartbeat_interval: Option<Duration>,
    reconnection_policy: Arc<dyn ReconnectionPolicy>,
    default_profile: ExecutionProfile,
    profiles: HashMap<String, ExecutionProfile>,
    default_consistency: Consistency,
    timestamp_generator: Arc<dyn TimestampGenerator>,
    max_frame_size: usize,
    max_streams: usize,
    schema_agreement_timeout: Duration,
    wait_for_stream_ids: bool,
    prepared_cache_capacity: std::num::NonZeroUsize,
    schema_refresh_debounce: Duration,
    max_concurrent_requests: Option<std::num::NonZeroUsize>,
    max_queued_requests: Option<usize>,
    address_translator: Option<Arc<dyn crate::policies::AddressTranslator>>,
}

impl Default for SessionBuilder {
    fn default() -> Self {
        SessionBuilder {
            contact_points: Vec::new(),
            protocol_version: None,
            compression: None,
            authenticator: None,
            tls: None,
            keyspace: None,
            pool_size: 1,
            connect_timeout: Duration::from_secs(5),
            heartbeat_interval: Some(Duration::from_secs(30)),
            reconnection_policy: Arc::new(ExponentialReconnectionPolicy::default()),
            default_profile: ExecutionProfile::default(),
            profiles: HashMap::new(),
            default_consistency: Consistency::LocalOne,
            timestamp_generator: Arc::new(MonotonicTimestampGenerator::new()),
            max_frame_size: DEFAULT_MAX_FRAME_SIZE,
            max_streams: MAX_STREAMS,
            schema_agreement_timeout: Duration::from_secs(10),
            wait_for_stream_ids: false,
            prepared_cache_capacity: super::DEFAULT_PREPARED_CACHE_CAPACITY,
            schema_refresh_debounce: super::schema::DEFAULT_SCHEMA_REFRESH_DEBOUNCE,
            max_concurrent_requests: None,
            max_queued_requests: None,
            address_translator: None,
        }
    }
}

impl SessionBuilder {
    /// A builder with the defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a contact point: `"host:port"` (the port defaults to 9042 when omitted), a
    /// `SocketAddr`, or an address and a port.
    pub fn known_node(mut self, address: impl IntoContactPoint) -> Self {
        self.contact_points.push(address.into_contact_point());
        self
    }

    /// Adds several contact points.
    pub fn known_nodes<I, S>(mut self, addresses: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: IntoContactPoint,
    {
        self.contact_points.extend(
            addresses
                .into_iter()
                .map(IntoContactPoint::into_contact_point),
        );
        self
    }

    /// Applies a [`SessionConfig`](crate::SessionConfig): contact points, protocol version,
    /// credentials, TLS CA, local data centre, keyspace, compression, timeouts. Settings it
    /// leaves unset keep the builder's.
    pub fn config(self, config: &crate::SessionConfig) -> Result<Self, crate::ConfigError> {
        config.apply(self)
    }

    /// Applies the `CASSIA_*` environment variables (see [`SessionConfig`](crate::SessionConfig)):
    /// the same ones the quickstart, the examples and the `cassia` migrations tool read.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let session = cassia_driver::Session::builder().from_env()?.build().await?;
    /// # let _ = session; Ok(()) }
    /// ```
    pub fn from_env(self) -> Result<Self, crate::ConfigError> {
        crate::SessionConfig::from_env()?.apply(self)
    }

    /// The default execution profile as configured so far.
    pub(crate) fn default_profile_ref(&self) -> &ExecutionProfile {
        &self.default_profile
    }

    /// Fixes the protocol version. By default the driver tries v5 and steps down to v4 when
    /// the server rejects it.
    pub fn protocol_version(mut self, version: ProtocolVersion) -> Self {
        self.protocol_version = Some(version);
        self
    }

    /// Compression to use when the server offers it (Snappy only exists in v4).
    pub fn compression(mut self, compression: Option<Compression>) -> Self {
        self.compression = compression;
        self
    }

    /// Authenticates connections, e.g. with a [`PlainTextAuthenticator`](crate::auth::PlainTextAuthenticator).
    pub fn authenticator(mut self, authenticator: impl Authenticator + 'static) -> Self {
        self.authenticator = Some(Arc::new(authenticator));
        self
    }

    /// Encrypts connections with TLS.
    pub fn tls(mut self, tls: TlsConfig) -> Self {
        self.tls = Some(tls);
        self
    }

    /// Keyspace every connection starts in (`USE`).
    pub fn default_keyspace(mut self, keyspace: impl Into<String>) -> Self {
        self.keyspace = Some(keyspace.into());
        self
    }

    /// Connections per node (default 1; each carries up to 32768 concurrent requests).
    pub fn pool_size(mut self, connections: usize) -> Self {
        self.pool_size = connections.max(1);
        self
    }

    /// Limit for opening one connection, TLS and handshake included (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Idle time after which a connection is probed with OPTIONS (default 30 s; `None`
    /// disables heartbeats).
    pub fn heartbeat_interval(mut self, interval: Option<Duration>) -> Self {
        self.heartbeat_interval = interval;
        self
    }

    /// Delays between attempts to reopen a node's pool connections (default: exponential,
    /// 1 s to 10 min). A pool also tries at once, and starts its delays over, when the node
    /// is announced UP or the control connection reopens on it. The control connection
    /// follows this policy too but never waits more than a second between attempts, so a
    /// restarted node is noticed quickly.
    pub fn reconnection_policy(mut self, policy: impl ReconnectionPolicy + 'static) -> Self {
        self.reconnection_policy = Arc::new(policy);
        self
    }

    /// Replaces the default execution profile.
    pub fn default_execution_profile(mut self, profile: ExecutionProfile) -> Self {
        self.default_profile = profile;
        self
    }

    /// Registers a named execution profile, selected per statement with
    /// `with_execution_profile(name)`.
    pub fn execution_profile(mut self, name: impl Into<String>, profile: ExecutionProfile) -> Self {
        self.profiles.insert(name.into(), profile);
        self
    }

    /// Consistency for statements and profiles that set none (default `LOCAL_ONE`).
    pub fn default_consistency(mut self, consistency: Consistency) -> Self {
        self.default_consistency = consistency;
        self
    }

    /// Source of client timestamps (default: monotonic microseconds).
    pub fn timestamp_generator(mut self, generator: impl TimestampGenerator + 'static) -> Self {
        self.timestamp_generator = Arc::new(generator);
        self
    }

    /// Largest frame accepted from the server (default 256 MiB); a larger one closes the
    /// connection.
    pub fn max_frame_size(mut self, bytes: usize) -> Self {
        self.max_frame_size = bytes;
        self
    }

    /// Concurrent requests per connection (default and maximum 32768).
    pub fn max_requests_per_connection(mut self, requests: usize) -> Self {
        self.max_streams = requests.clamp(1, MAX_STREAMS);
        self
    }

    /// Whether a request that finds every stream id of its connection in use waits for one
    /// to be freed, up to its request timeout (then
    /// [`ExecuteError::StreamIdTimeout`](crate::error::ExecuteError::StreamIdTimeout)).
    /// Default `false`: it moves on to the next node of the plan at once, and fails with
    /// [`ExecuteError::Busy`](crate::error::ExecuteError::Busy) when none is left.
    /// Execution profiles may override it (`ExecutionProfile::with_wait_for_stream_ids`).
    pub fn wait_for_stream_ids(mut self, wait: bool) -> Self {
        self.wait_for_stream_ids = wait;
        self
    }

    /// How long `await_schema_agreement` waits (default 10 s).
    pub fn schema_agreement_timeout(mut self, timeout: Duration) -> Self {
        self.schema_agreement_timeout = timeout;
        self
    }

    /// Most prepared statements the session keeps (default 1000; at least 1). Past it, the
    /// statements whose texts were least recently prepared or looked up are dropped from
    /// the cache, so many distinct texts cannot grow memory without limit; `prepare` simply
    /// prepares an evicted text again, and statements already handed out keep working.
    pub fn prepared_cache_capacity(mut self, statements: usize) -> Self {
        self.prepared_cache_capacity =
            std::num::NonZeroUsize::new(statements).unwrap_or(std::num::NonZeroUsize::MIN);
        self
    }

    /// Most requests (`query`, `execute`, `batch`, page fetches) the session runs at once
    /// (default: no limit). A request holds its slot for its whole execution, retries and
    /// speculative executions included. Requests past the limit wait in line, within their
    /// request timeout (then
    /// [`ExecuteError::QueueTimeout`](crate::error::ExecuteError::QueueTimeout)); when the
    /// line is full (`max_queued_requests`) they fail at once with
    /// [`ExecuteError::Throttled`](crate::error::ExecuteError::Throttled), without being sent.
    /// `0` means no limit.
    pub fn max_concurrent_requests(mut self, requests: usize) -> Self {
        self.max_concurrent_requests = std::num::NonZeroUsize::new(requests);
        self
    }

    /// How many requests may wait for a slot once `max_concurrent_requests` are running
    /// (default 10,000, as the DataStax Java driver's throttler; `0`: none wait, a request
    /// past the limit fails at once). Only used with `max_concurrent_requests`.
    pub fn max_queued_requests(mut self, requests: usize) -> Self {
        self.max_queued_requests = Some(requests);
        self
    }

    /// Translates the addresses the cluster reports for its nodes (`system.peers`, topology
    /// and status events) into addresses the driver can connect to: for nodes behind NAT, or
    /// in Kubernetes where the pod addresses are not reachable from the client. Contact
    /// points are used as given.
    pub fn address_translator(
        mut self,
        translator: impl crate::policies::AddressTranslator + 'static,
    ) -> Self {
        self.address_translator = Some(Arc::new(translator));
        self
    }

    /// How long the schema metadata ([`Session::metadata`]) waits after a schema change
    /// event for more before it is refreshed (default 200 ms): the events of a burst of DDL
    /// cost one read of each keyspace they name.
    pub fn schema_refresh_debounce(mut self, window: Duration) -> Self {
        self.schema_refresh_debounce = window;
        self
    }

    /// Connects to the contact points and returns the session.
    pub async fn build(self) -> Result<Session, ConnectError> {
        if self.contact_points.is_empty() {
            return Err(ConnectError::NoContactPoints {
                detail: "call known_node() at least once".into(),
            });
        }
        let tls = match self.tls {
            Some(config) => {
                let client = config.build()?;
                Some(Arc::new(TlsSetup { config, client }))
            }
            None => None,
        };
        let connection = ConnectionConfig {
            protocol_version: self.protocol_version,
            compression: self.compression,
            authenticator: self.authenticator,
            tls,
            connect_timeout: self.connect_timeout,
            heartbeat_interval: self.heartbeat_interval,
            max_frame_size: self.max_frame_size,
            max_streams: self.max_streams,
            keyspace: self.keyspace,
        };
        let config = SessionConfig {
            contact_points: self.contact_points,
            connection,
            pool_size: self.pool_size,
            reconnection_policy: self.reconnection_policy,
            default_profile: Arc::new(self.default_profile),
            profiles: self
                .profiles
                .into_iter()
                .map(|(k, v)| (k, Arc::new(v)))
                .collect(),
            default_consistency: self.default_consistency,
            timestamp_generator: self.timestamp_generator,
            schema_agreement_timeout: self.schema_agreement_timeout,
            wait_for_stream_ids: self.wait_for_stream_ids,
            prepared_cache_capacity: self.prepared_cache_capacity,
            schema_refresh_debounce: self.schema_refresh_debounce,
            max_concurrent_requests: self.max_concurrent_requests,
            max_queued_requests: self
                .max_queued_requests
                .unwrap_or(super::throttle::DEFAULT_MAX_QUEUED),
            address_translator: self.address_translator,
        };
        Session::connect(config).await
    }
}

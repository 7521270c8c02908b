//! [`Session`]: the handle applications share (an `Arc` inside) to run statements.
//!
//! A session owns a control connection (cluster metadata, events, schema agreement) and a
//! pool of connections per node. Submodules: `builder` (settings), `execute` (the request
//! path with retries), `pool`, `control`, `paging` (row streams), `trace`.

mod api;
mod attempt;
mod builder;
mod concurrent;
mod control;
mod execute;
mod page;
mod paging;
mod pool;
mod prepared_cache;
mod request;
mod routing;
mod schema;
mod spans;
mod speculative;
mod throttle;
mod topology;
mod trace;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use cassia_protocol::request::{Prepare, Request, SerializedValues, ValuesRef};
use cassia_protocol::response::{Response, ResultBody};

pub use builder::SessionBuilder;
pub use concurrent::ConcurrentOptions;
pub use page::QueryPage;
pub use paging::RowStream;
pub use trace::{TraceEvent, TracingInfo};

use crate::cluster::Node;
use crate::config::{ConnectionConfig, SessionConfig};
use crate::connection::{self, Envelope, send_error};
use crate::error::{ConnectError, ExecuteError, excerpt};
use crate::result::QueryResult;
use crate::statement::{Batch, PreparedStatement, Statement};
use control::ControlConnection;
use execute::Work;
use pool::NodePool;
pub(crate) use prepared_cache::DEFAULT_CAPACITY as DEFAULT_PREPARED_CACHE_CAPACITY;
use prepared_cache::PreparedCache;

/// A connected session, cheap to clone and meant to be shared by a whole application.
#[derive(Clone, Debug)]
pub struct Session {
    inner: Arc<SessionInner>,
}

#[derive(Debug)]
pub(crate) struct SessionInner {
    config: SessionConfig,
    /// Settings for new connections; the keyspace and negotiated version change over time.
    connection_config: Arc<RwLock<ConnectionConfig>>,
    topology: RwLock<Arc<topology::Topology>>,
    /// Port for peers listed without one (`system.peers` before Cassandra 4).
    default_port: u16,
    control: ControlConnection,
    prepared: Mutex<PreparedCache>,
    closed: AtomicBool,
    /// Schema metadata and its debounced refreshes.
    schema: schema::SchemaState,
    /// The concurrency limit, when `max_concurrent_requests` is set.
    throttle: Option<throttle::Throttle>,
}

/// A contact point as given, resolved.
struct ContactPoint {
    host: String,
    addr: SocketAddr,
}

async fn resolve(points: &[String]) -> Result<Vec<ContactPoint>, ConnectError> {
    let mut out: Vec<ContactPoint> = Vec::new();
    let mut errors = Vec::new();
    for p in points {
        let (host, target) = match p.rsplit_once(':') {
            Some((h, port)) if port.parse::<u16>().is_ok() && !h.ends_with(':') => {
                (h.trim_matches(['[', ']']).to_owned(), p.clone())
            }
            _ => (p.trim_matches(['[', ']']).to_owned(), format!("{p}:9042")),
        };
        match tokio::net::lookup_host(target.as_str()).await {
            Ok(addrs) => {
                for addr in addrs {
                    if !out.iter().any(|c| c.addr == addr) {
                        out.push(ContactPoint {
                            host: host.clone(),
                            addr,
                        });
                    }
                }
            }
            Err(e) => errors.push(format!("{p}: {e}")),
        }
    }
    if out.is_empty() {
        return Err(ConnectError::NoContactPoints {
            detail: errors.join("; "),
        });
    }
    Ok(out)
}

impl Session {
    /// Starts configuring a session.
    pub fn builder() -> SessionBuilder {
        SessionBuilder::new()
    }

    async fn connect(config: SessionConfig) -> Result<Session, ConnectError> {
        let points = resolve(&config.contact_points).await?;
        let (control, version, signals) =
            ControlConnection::open(&points_ref(&points), &config).await?;
        let mut conn_config = config.connection.clone();
        conn_config.protocol_version = Some(version);
        let shared_cfg = Arc::new(RwLock::new(conn_config.clone()));
        let mut nodes = Vec::new();
        let mut pools = HashMap::new();
        let mut errors = Vec::new();
        for p in &points {
            match connection::open(p.addr, &p.host, &conn_config, None).await {
                Ok(first) => {
                    let node = Arc::new(Node::new(p.addr));
                    nodes.push(node.clone());
                    let pool = NodePool::start(
                        node,
                        p.host.clone(),
                        config.pool_size,
                        Some(first),
                        shared_cfg.clone(),
                        config.reconnection_policy.clone(),
                    )
                    .await;
                    pools.insert(p.addr, pool);
                }
                // A missing keyspace or bad credentials will fail everywhere: report it.
                Err(
                    e @ (ConnectError::Connection { .. } | ConnectError::Authentication { .. }),
                ) => {
                    control.close();
                    return Err(e);
                }
                Err(e) => errors.push(e),
            }
        }
        if pools.is_empty() {
            control.close();
            return Err(ConnectError::AllNodesFailed { errors });
        }
        let default_port = points.first().map_or(9042, |p| p.addr.port());
        let mut described: Vec<_> = control.local().await.into_iter().collect();
        let peers = control.peers(default_port).await;
        described.extend(topology::translate_peers(&config, peers));
        let mut topology = topology::Topology {
            nodes,
            pools,
            token_map: Default::default(),
        };
        for peer in &described {
            if let Some(node) = topology.nodes.iter().find(|n| n.address() == peer.address) {
                node.set_placement(peer.datacenter.clone(), peer.rack.clone(), peer.host_id);
                continue;
            }
            let pool = topology::open_peer_pool(
                peer.clone(),
                &shared_cfg,
                config.pool_size,
                config.reconnection_policy.clone(),
            )
            .await;
            topology = topology.with_node(pool);
        }
        control.add_candidates(topology.nodes.iter().map(|n| n.address()));
        let (metadata, replication) = schema::initial(&control).await;
        topology.token_map = Arc::new(topology::token_map_for(
            &topology.nodes,
            &described,
            replication,
        ));
        let prepared = PreparedCache::new(config.prepared_cache_capacity);
        let debounce = config.schema_refresh_debounce;
        let (schema_state, schema_requests) = schema::SchemaState::new(metadata);
        let throttle = config
            .max_concurrent_requests
            .map(|limit| throttle::Throttle::new(limit, config.max_queued_requests));
        let inner = SessionInner {
            throttle,
            connection_config: shared_cfg,
            config,
            topology: RwLock::new(Arc::new(topology)),
            default_port,
            control,
            prepared: Mutex::new(prepared),
            closed: AtomicBool::new(false),
            schema: schema_state,
        };
        let inner = Arc::new(inner);
        tokio::spawn(topology::handle_events(Arc::downgrade(&inner), signals));
        tokio::spawn(schema::debounce(
            Arc::downgrade(&inner),
            schema_requests,
            debounce,
        ));
        Ok(Session { inner })
    }

    /// Runs a simple statement with already serialized values.
    pub(crate) async fn query_serialized(
        &self,
        statement: &Statement,
        values: &SerializedValues,
    ) -> Result<QueryResult, ExecuteError> {
        let work = Work::Query {
            cql: &statement.cql,
            values,
        };
        self.inner
            .run(work, &statement.opts, &excerpt(&statement.cql))
            .await
    }

    /// Runs a prepared statement with already serialized values.
    pub(crate) async fn execute_serialized(
        &self,
        prepared: &PreparedStatement,
        values: &SerializedValues,
    ) -> Result<QueryResult, ExecuteError> {
        let work = Work::Execute { prepared, values };
        self.inner
            .run(work, &prepared.opts, prepared.excerpt())
            .await
    }

    /// Runs a batch with already serialized values (one set per statement).
    pub(crate) async fn batch_serialized(
        &self,
        batch: &Batch,
        values: &[ValuesRef<'_>],
    ) -> Result<QueryResult, ExecuteError> {
        let work = Work::Batch { batch, values };
        self.inner.run(work, &batch.opts, batch.excerpt()).await
    }

    /// Prepares a statement (PREPARE), or returns the cached one for the same text and
    /// keyspace. The statement's options are copied to the result.
    pub async fn prepare(
        &self,
        statement: impl Into<Statement>,
    ) -> Result<PreparedStatement, ExecuteError> {
        let statement = statement.into();
        let inner = &self.inner;
        if inner.is_closed() {
            return Err(ExecuteError::SessionClosed);
        }
        let found = match &statement.opts.keyspace {
            Some(ks) => inner.cached_prepared(&statement.cql, Some(ks)),
            None => {
                let config = inner
                    .connection_config
                    .read()
                    .unwrap_or_else(|p| p.into_inner());
                inner.cached_prepared(&statement.cql, config.keyspace.as_deref())
            }
        };
        if let Some(found) = found {
            return Ok(PreparedStatement {
                shared: found,
                opts: statement.opts,
            });
        }
        let keyspace = statement
            .opts
            .keyspace
            .clone()
            .or_else(|| inner.current_keyspace());
        let prepared = inner.prepare_on_nodes(&statement).await?;
        inner
            .lock_prepared()
            .insert(&statement.cql, keyspace, prepared.clone());
        let mut p = prepared;
        p.opts = statement.opts;
        Ok(p)
    }

    /// Switches every connection to `keyspace` (`USE`); new connections start there too.
    pub async fn use_keyspace(&self, keyspace: &str) -> Result<(), ExecuteError> {
        let inner = &self.inner;
        let timeout = inner.config.default_profile.request_timeout;
        for pool in inner.topology().pools.values() {
            for conn in pool.connections() {
                connection::use_keyspace(&conn, keyspace, timeout).await?;
            }
        }
        inner
            .connection_config
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .keyspace = Some(keyspace.to_owned());
        Ok(())
    }

    /// The keyspace new statements run in (from `default_keyspace` or `use_keyspace`).
    pub fn keyspace(&self) -> Option<String> {
        self.inner.current_keyspace()
    }

    /// How many prepared statements the session's cache holds (at most the builder's
    /// `prepared_cache_capacity`), e.g. for a metrics gauge.
    pub fn prepared_cache_len(&self) -> usize {
        self.inner.lock_prepared().len()
    }

    /// The nodes the session knows (a snapshot).
    pub fn nodes(&self) -> Vec<Arc<Node>> {
        self.inner.topology().nodes.clone()
    }

    /// The negotiated protocol version.
    pub fn protocol_version(&self) -> cassia_protocol::frame::ProtocolVersion {
        self.inner.control.version()
    }

    /// Waits until every node reports the same schema version (after DDL), or fails after
    /// the configured `schema_agreement_timeout`.
    pub async fn await_schema_agreement(&self) -> Result<uuid::Uuid, ExecuteError> {
        topology::await_schema_agreement(&self.inner).await
    }

    /// Closes the session gracefully: new requests fail with
    /// [`ExecuteError::SessionClosed`], requests in flight complete (up to their timeout),
    /// then every connection is closed.
    pub async fn shutdown(&self) {
        let inner = &self.inner;
        if inner.closed.swap(true, Ordering::SeqCst) {
            return;
        }
        let limit = inner.config.default_profile.request_timeout;
        let mut drains = Vec::new();
        for pool in inner.topology().pools.values() {
            pool.begin_shutdown();
            for conn in pool.connections() {
                drains.push(tokio::spawn(
                    async move { conn.drain_and_close(limit).await },
                ));
            }
        }
        for d in drains {
            let _ = d.await;
        }
        inner.control.close();
        tracing::debug!("session shut down");
    }
}

impl Drop for SessionInner {
    /// The last handle is gone: close every connection so no task or socket outlives the
    /// session (connections would otherwise be kept open by their pools' tasks).
    fn drop(&mut self) {
        self.closed.store(true, Ordering::SeqCst);
        for pool in self.topology().pools.values() {
            pool.close();
        }
        self.control.close();
    }
}

impl SessionInner {
    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    fn pool(&self, addr: SocketAddr) -> Option<Arc<NodePool>> {
        self.topology().pools.get(&addr).cloned()
    }

    fn current_keyspace(&self) -> Option<String> {
        self.connection_config
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .keyspace
            .clone()
    }

    /// The cached statement prepared from `cql` in `keyspace`, if any.
    fn cached_prepared(
        &self,
        cql: &str,
        keyspace: Option<&str>,
    ) -> Option<Arc<crate::statement::prepared::PreparedShared>> {
        self.lock_prepared().get(cql, keyspace)
    }

    fn lock_prepared(&self) -> std::sync::MutexGuard<'_, PreparedCache> {
        self.prepared.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Prepares on every node with an open connection (so that `execute` works on any of
    /// them); the first success is the statement, and a server error is returned as is.
    async fn prepare_on_nodes(
        &self,
        statement: &Statement,
    ) -> Result<PreparedStatement, ExecuteError> {
        let cql_excerpt = excerpt(&statement.cql);
        let timeout = statement
            .opts
            .request_timeout
            .unwrap_or(self.config.default_profile.request_timeout);
        let mut result = None;
        let mut errors = Vec::new();
        for node in &self.topology().nodes {
            let Some(pool) = self.pool(node.address()) else {
                continue;
            };
            let conn = match pool.pick() {
                Ok(c) => c,
                Err(source) => {
                    errors.push(ExecuteError::Connection {
                        node: node.address(),
                        statement: cql_excerpt.clone(),
                        source,
                    });
                    continue;
                }
            };
            let addr = conn.node();
            let keyspace = match (conn.version(), &statement.opts.keyspace) {
                (cassia_protocol::frame::ProtocolVersion::V5, ks) => ks.clone(),
                (_, None) => None,
                (_, Some(_)) => {
                    return Err(ExecuteError::Encode {
                        statement: cql_excerpt,
                        detail: "a per-statement keyspace needs protocol v5".into(),
                    });
                }
            };
            let request = Request::Prepare(Prepare {
                query: statement.cql.to_string(),
                keyspace,
            });
            let reply = match conn.send(&Envelope::new(request), timeout).await {
                Ok(r) => r,
                Err(e) => {
                    errors.push(send_error(addr, cql_excerpt.clone(), e));
                    continue;
                }
            };
            match reply.response {
                Response::Result(ResultBody::Prepared(p)) => {
                    if result.is_none() {
                        let ks = statement
                            .opts
                            .keyspace
                            .clone()
                            .or_else(|| self.current_keyspace());
                        result = Some(PreparedStatement::from_prepared(
                            statement.cql.clone(),
                            ks,
                            p,
                        ));
                    }
                }
                Response::Error(error) => {
                    return Err(ExecuteError::Server {
                        node: addr,
                        statement: cql_excerpt,
                        error: Box::new(error),
                    });
                }
                other => {
                    errors.push(ExecuteError::UnexpectedResponse {
                        node: addr,
                        statement: cql_excerpt.clone(),
                        detail: connection::response_name(&other).to_owned(),
                    });
                }
            }
        }
        result.ok_or(ExecuteError::NoNodeAvailable {
            statement: cql_excerpt,
            errors,
        })
    }
}

fn points_ref(points: &[ContactPoint]) -> Vec<(String, SocketAddr)> {
    points.iter().map(|p| (p.host.clone(), p.addr)).collect()
}

/// Timeout used by internal metadata queries.
pub(crate) const INTERNAL_TIMEOUT: Duration = Duration::from_secs(10);

//! The control connection: one extra connection that registers for server events
//! (topology, status, schema changes), reads cluster metadata from `system.local` /
//! `system.peers`, and answers schema-agreement checks. It reconnects on its own when lost.
//!
//! Multi-node discovery and token metadata will be driven from here.

use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use cassia_protocol::frame::ProtocolVersion;
use cassia_protocol::request::{Register, Request, SerializedValues};
use cassia_protocol::response::{Event, Response};
use tokio::sync::mpsc;

use super::INTERNAL_TIMEOUT;
use crate::config::{ConnectionConfig, SessionConfig};
use crate::connection::{self, Connection, Envelope, send_error};
use crate::error::{ConnectError, ExecuteError, excerpt};
use crate::result::{Body, QueryResult};

/// Rows per page of the internal queries that page (`query_all`).
const INTERNAL_PAGE_SIZE: i32 = 5000;

/// Events the driver subscribes to.
const EVENTS: [&str; 3] = ["TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE"];

/// Longest wait between two attempts to reopen the control connection, whatever the
/// reconnection policy says. The control connection is how the session learns that nodes
/// are back (its reopening, then UP events, wake the pools), so it keeps probing at least
/// this often; it is a single connection, so the probing stays cheap.
pub(crate) const CONTROL_RECONNECT_MAX_DELAY: Duration = Duration::from_secs(1);

/// What the control connection reports to the session: server events, and the address of
/// each node it reopened on (events sent while it was down are lost, so the session wakes
/// pools that may have missed an UP).
#[derive(Debug)]
pub(crate) struct ControlSignals {
    pub(crate) events: mpsc::UnboundedReceiver<Event>,
    pub(crate) reconnected: mpsc::UnboundedReceiver<SocketAddr>,
}

#[derive(Debug)]
pub(crate) struct ControlConnection {
    current: Arc<RwLock<Option<Connection>>>,
    version: ProtocolVersion,
    /// Where to reconnect: the contact points, then every node the session knows.
    candidates: Arc<RwLock<Vec<(String, SocketAddr)>>>,
}

impl ControlConnection {
    /// Connects to the first contact point that answers; its version is the session's.
    pub(crate) async fn open(
        points: &[(String, SocketAddr)],
        config: &SessionConfig,
    ) -> Result<(ControlConnection, ProtocolVersion, ControlSignals), ConnectError> {
        let mut cfg = config.connection.clone();
        // The control connection never needs a keyspace.
        cfg.keyspace = None;
        let (events_tx, events_rx) = mpsc::unbounded_channel();
        let (reconnected_tx, reconnected_rx) = mpsc::unbounded_channel();
        let mut errors = Vec::new();
        for (host, addr) in points {
            match open_registered(*addr, host, &cfg, events_tx.clone()).await {
                Ok(conn) => {
                    let version = conn.version();
                    cfg.protocol_version = Some(version);
                    let current = Arc::new(RwLock::new(Some(conn.clone())));
                    let candidates = Arc::new(RwLock::new(points.to_vec()));
                    tokio::spawn(keep_alive(
                        Arc::downgrade(&current),
                        conn,
                        candidates.clone(),
                        cfg,
                        config.reconnection_policy.clone(),
                        events_tx,
                        reconnected_tx,
                    ));
                    let control = ControlConnection {
                        current,
                        version,
                        candidates,
                    };
                    let signals = ControlSignals {
                        events: events_rx,
                        reconnected: reconnected_rx,
                    };
                    return Ok((control, version, signals));
                }
                Err(e @ (ConnectError::Authentication { .. } | ConnectError::Tls { .. })) => {
                    return Err(e);
                }
                Err(e) => {
                    tracing::debug!(node = %addr, error = %e, "control connection failed");
                    errors.push(e);
                }
            }
        }
        if errors.len() == 1
            && let Some(e) = errors.pop()
        {
            return Err(e);
        }
        Err(ConnectError::AllNodesFailed { errors })
    }

    pub(crate) fn version(&self) -> ProtocolVersion {
        self.version
    }

    /// Adds nodes the control connection may fall back to when its node is lost.
    pub(crate) fn add_candidates(&self, nodes: impl IntoIterator<Item = SocketAddr>) {
        let mut list = self.candidates.write().unwrap_or_else(|p| p.into_inner());
        for addr in nodes {
            if !list.iter().any(|(_, a)| *a == addr) {
                list.push((addr.ip().to_string(), addr));
            }
        }
    }

    pub(crate) fn close(&self) {
        let taken = self
            .current
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(conn) = taken {
            conn.close();
        }
    }

    fn connection(&self) -> Result<Connection, ExecuteError> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or(ExecuteError::SessionClosed)
    }

    /// Runs an internal query (consistency ONE) on the control connection.
    pub(crate) async fn query(
        &self,
        cql: &str,
        values: SerializedValues,
    ) -> Result<QueryResult, ExecuteError> {
        Ok(self.query_page(cql, values, None).await?.0)
    }

    /// Every row of an internal query, read page by page: the `system_schema` tables of a
    /// large cluster would not fit one frame.
    pub(crate) async fn query_all(
        &self,
        cql: &str,
        values: SerializedValues,
    ) -> Result<Vec<cassia_protocol::row::Row>, ExecuteError> {
        let mut rows = Vec::new();
        let mut paging_state = None;
        loop {
            let page = Some((INTERNAL_PAGE_SIZE, paging_state.take()));
            let (result, next) = self.query_page(cql, values.clone(), page).await?;
            rows.extend(result.rows::<cassia_protocol::row::Row>()?);
            match next {
                Some(state) => paging_state = Some(state),
                None => return Ok(rows),
            }
        }
    }

    /// One page (`page`: its size and the state to resume from; `None` reads unpaged) and
    /// the state of the next page, if there is one.
    async fn query_page(
        &self,
        cql: &str,
        values: SerializedValues,
        page: Option<(i32, Option<bytes::Bytes>)>,
    ) -> Result<(QueryResult, Option<bytes::Bytes>), ExecuteError> {
        let conn = self.connection()?;
        let mut request = connection::simple_query(cql);
        if let Request::Query(q) = &mut request {
            q.params.values = values;
            if let Some((size, state)) = page {
                q.params.page_size = Some(size);
                q.params.paging_state = state;
            }
        }
        let node = conn.node();
        let statement = excerpt(cql);
        let reply = conn
            .send(&Envelope::new(request), INTERNAL_TIMEOUT)
            .await
            .map_err(|e| send_error(node, statement.clone(), e))?;
        match reply.response {
            Response::Result(body) => {
                let next = match &body {
                    cassia_protocol::response::ResultBody::Rows(rows) => {
                        rows.metadata.paging_state.clone()
                    }
                    _ => None,
                };
                let result = QueryResult {
                    node,
                    body: Body::from_result(body, None),
                    paging_state: None,
                    warnings: reply.warnings,
                    tracing_id: reply.tracing_id,
                };
                Ok((result, next))
            }
            Response::Error(error) => Err(ExecuteError::Server {
                node,
                statement,
                error: Box::new(error),
            }),
            other => Err(ExecuteError::UnexpectedResponse {
                node,
                statement,
                detail: connection::response_name(&other).to_owned(),
            }),
        }
    }

    /// The schema version of the control connection's node.
    pub(crate) async fn local_schema_version(&self) -> Result<Option<uuid::Uuid>, ExecuteError> {
        let result = self
            .query(
                "SELECT schema_version FROM system.local",
                SerializedValues::default(),
            )
            .await?;
        let rows: Vec<(Option<uuid::Uuid>,)> = result.rows()?;
        Ok(rows.into_iter().next().and_then(|(v,)| v))
    }

    /// Each peer's address and schema version (null until it has reported one).
    pub(crate) async fn peer_schema_versions(
        &self,
        default_port: u16,
    ) -> Result<Vec<(std::net::SocketAddr, Option<uuid::Uuid>)>, ExecuteError> {
        use cassia_protocol::row::Row;
        use cassia_protocol::value::CqlValue;
        let v2 = "SELECT native_address, native_port, schema_version FROM system.peers_v2";
        let v1 = "SELECT rpc_address, schema_version FROM system.peers";
        let rows: Vec<Row> = match self.query(v2, SerializedValues::default()).await {
            Ok(r) => r.rows()?,
            // Before Cassandra 4.0 there is no peers_v2.
            Err(ExecuteError::Server { .. }) => {
                self.query(v1, SerializedValues::default()).await?.rows()?
            }
            Err(e) => return Err(e),
        };
        Ok(rows
            .iter()
            .filter_map(|row| {
                let ip = match (row.get("native_address"), row.get("rpc_address")) {
                    (Ok(Some(CqlValue::Inet(ip))), _) | (_, Ok(Some(CqlValue::Inet(ip)))) => *ip,
                    _ => return None,
                };
                let port = match row.get("native_port") {
                    Ok(Some(CqlValue::Int(p))) => u16::try_from(*p).ok()?,
                    _ => default_port,
                };
                let version = match row.get("schema_version") {
                    Ok(Some(CqlValue::Uuid(u))) => Some(*u),
                    _ => None,
                };
                Some((std::net::SocketAddr::new(ip, port), version))
            })
            .collect())
    }

    /// The node of the control connection as `system.local` describes it (best effort).
    pub(crate) async fn local(&self) -> Option<crate::cluster::peers::PeerInfo> {
        let conn = self.connection().ok()?;
        let rows = self
            .query(crate::cluster::peers::LOCAL, SerializedValues::default())
            .await
            .and_then(|r| Ok(r.rows::<cassia_protocol::row::Row>()?));
        match rows {
            Ok(rows) => rows
                .first()
                .map(|row| crate::cluster::peers::local_from_row(row, conn.node())),
            Err(e) => {
                tracing::debug!(error = %e, "cannot read system.local");
                None
            }
        }
    }

    /// Replication of every keyspace (best effort: an error yields none).
    pub(crate) async fn replication(
        &self,
    ) -> std::collections::HashMap<String, crate::cluster::token_map::Replication> {
        use crate::cluster::token_map::Replication;
        let rows = self
            .query(
                "SELECT keyspace_name, replication FROM system_schema.keyspaces",
                SerializedValues::default(),
            )
            .await
            .and_then(|r| {
                Ok(r.rows::<(String, Option<std::collections::BTreeMap<String, String>>)>()?)
            });
        match rows {
            Ok(rows) => rows
                .into_iter()
                .map(|(ks, map)| {
                    let map: Vec<(String, String)> = map.unwrap_or_default().into_iter().collect();
                    (ks, Replication::from_map(&map))
                })
                .collect(),
            Err(e) => {
                tracing::debug!(error = %e, "cannot read keyspace replication");
                std::collections::HashMap::new()
            }
        }
    }

    /// The other nodes of the cluster (best effort: an error yields no peers).
    pub(crate) async fn peers(&self, default_port: u16) -> Vec<crate::cluster::peers::PeerInfo> {
        use crate::cluster::peers::{PEERS, PEERS_V2, from_rows};
        let rows = match self.query(PEERS_V2, SerializedValues::default()).await {
            Ok(r) => r.rows::<cassia_protocol::row::Row>(),
            // Before Cassandra 4.0 there is no peers_v2.
            Err(ExecuteError::Server { .. }) => {
                match self.query(PEERS, SerializedValues::default()).await {
                    Ok(r) => r.rows::<cassia_protocol::row::Row>(),
                    Err(e) => {
                        tracing::debug!(error = %e, "cannot read system.peers");
                        return Vec::new();
                    }
                }
            }
            Err(e) => {
                tracing::debug!(error = %e, "cannot read system.peers_v2");
                return Vec::new();
            }
        };
        match rows {
            Ok(rows) => from_rows(&rows, default_port),
            Err(e) => {
                tracing::debug!(error = %e, "unexpected system.peers rows");
                Vec::new()
            }
        }
    }
}

async fn open_registered(
    addr: SocketAddr,
    host: &str,
    cfg: &ConnectionConfig,
    events: mpsc::UnboundedSender<Event>,
) -> Result<Connection, ConnectError> {
    let conn = connection::open(addr, host, cfg, Some(events)).await?;
    let register = Request::Register(Register {
        events: EVENTS.iter().map(|e| (*e).to_owned()).collect(),
    });
    let reply = conn
        .send(&Envelope::new(register), cfg.connect_timeout)
        .await
        .map_err(|e| ConnectError::Connection {
            node: addr,
            source: Box::new(send_error(addr, excerpt("REGISTER"), e)),
        });
    match reply {
        Ok(r) if matches!(r.response, Response::Ready) => Ok(conn),
        Ok(r) => {
            conn.close();
            Err(ConnectError::Handshake {
                node: addr,
                detail: format!(
                    "REGISTER answered with {}",
                    connection::response_name(&r.response)
                ),
            })
        }
        Err(e) => {
            conn.close();
            Err(e)
        }
    }
}

/// Reopens the control connection when it closes, on any contact point or known node.
async fn keep_alive(
    slot: std::sync::Weak<RwLock<Option<Connection>>>,
    mut conn: Connection,
    candidates: Arc<RwLock<Vec<(String, SocketAddr)>>>,
    cfg: ConnectionConfig,
    reconnect: Arc<dyn crate::policies::ReconnectionPolicy>,
    events: mpsc::UnboundedSender<Event>,
    reconnected: mpsc::UnboundedSender<SocketAddr>,
) {
    loop {
        conn.closed().await;
        let Some(current) = slot.upgrade() else {
            return;
        };
        if current.read().unwrap_or_else(|p| p.into_inner()).is_none() {
            return; // closed by the session
        }
        drop(current);
        tracing::info!(reason = ?conn.close_reason(), "control connection lost; reconnecting");
        let mut schedule = reconnect.new_schedule();
        'retry: loop {
            let points = candidates.read().unwrap_or_else(|p| p.into_inner()).clone();
            for (host, addr) in &points {
                if let Ok(c) = open_registered(*addr, host, &cfg, events.clone()).await {
                    let Some(current) = slot.upgrade() else {
                        c.close();
                        return;
                    };
                    let mut guard = current.write().unwrap_or_else(|p| p.into_inner());
                    if guard.is_none() {
                        c.close();
                        return;
                    }
                    *guard = Some(c.clone());
                    drop(guard);
                    tracing::info!(node = %addr, "control connection reopened");
                    let _ = reconnected.send(*addr);
                    conn = c;
                    break 'retry;
                }
            }
            let delay = schedule
                .next()
                .unwrap_or(CONTROL_RECONNECT_MAX_DELAY)
                .min(CONTROL_RECONNECT_MAX_DELAY);
            tokio::time::sleep(delay).await;
            if slot.upgrade().is_none() {
                return;
            }
        }
    }
}

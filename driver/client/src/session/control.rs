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

/// Events the driver subscribes to.
const EVENTS: [&str; 3] = ["TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE"];

#[derive(Debug)]
pub(crate) struct ControlConnection {
    current: Arc<RwLock<Option<Connection>>>,
    version: ProtocolVersion,
}

impl ControlConnection {
    /// Connects to the first contact point that answers; its version is the session's.
    pub(crate) async fn open(
        points: &[(String, SocketAddr)],
        config: &SessionConfig,
    ) -> Result<(ControlConnection, ProtocolVersion), ConnectError> {
        let mut cfg = config.connection.clone();
        // The control connection never needs a keyspace.
        cfg.keyspace = None;
        let (events_tx, events_rx) = mpsc::unbounded_channel();
        let mut errors = Vec::new();
        for (host, addr) in points {
            match open_registered(*addr, host, &cfg, events_tx.clone()).await {
                Ok(conn) => {
                    let version = conn.version();
                    cfg.protocol_version = Some(version);
                    let current = Arc::new(RwLock::new(Some(conn.clone())));
                    tokio::spawn(log_events(events_rx));
                    tokio::spawn(keep_alive(
                        Arc::downgrade(&current),
                        conn,
                        points.to_vec(),
                        cfg,
                        config.reconnection_policy.clone(),
                        events_tx,
                    ));
                    return Ok((ControlConnection { current, version }, version));
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
        let conn = self.connection()?;
        let mut request = connection::simple_query(cql);
        if let Request::Query(q) = &mut request {
            q.params.values = values;
        }
        let node = conn.node();
        let statement = excerpt(cql);
        let reply = conn
            .send(&Envelope::new(request), INTERNAL_TIMEOUT)
            .await
            .map_err(|e| send_error(node, statement.clone(), e))?;
        match reply.response {
            Response::Result(body) => Ok(QueryResult {
                node,
                body: Body::from_result(body, None),
                paging_state: None,
                warnings: reply.warnings,
                tracing_id: reply.tracing_id,
            }),
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

    /// Polls `schema_version` in `system.local` and `system.peers` until they agree.
    pub(crate) async fn await_schema_agreement(
        &self,
        limit: Duration,
    ) -> Result<uuid::Uuid, ExecuteError> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let mut versions = self
                .schema_versions("SELECT schema_version FROM system.local")
                .await?;
            versions.extend(
                self.schema_versions("SELECT schema_version FROM system.peers")
                    .await?,
            );
            versions.sort();
            versions.dedup();
            if let [only] = versions.as_slice() {
                return Ok(*only);
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(ExecuteError::NotComplete {
                    what: "schema agreement",
                    after: limit,
                });
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Fills in data centre, rack and host id of the nodes from `system.local` and
    /// `system.peers` (best effort: failures are logged).
    pub(crate) async fn refresh_placement(&self, nodes: &[Arc<crate::cluster::Node>]) {
        let Ok(conn) = self.connection() else { return };
        let local = self
            .query(
                "SELECT data_center, rack, host_id FROM system.local",
                SerializedValues::default(),
            )
            .await
            .and_then(|r| Ok(r.rows_values()?));
        match local {
            Ok(rows) => {
                if let (Some(row), Some(node)) = (
                    rows.first(),
                    nodes.iter().find(|n| n.address() == conn.node()),
                ) {
                    node.set_placement(text(row.first()), text(row.get(1)), uuid(row.get(2)));
                }
            }
            Err(e) => tracing::debug!(error = %e, "cannot read system.local"),
        }
    }

    async fn schema_versions(&self, cql: &str) -> Result<Vec<uuid::Uuid>, ExecuteError> {
        let result = self.query(cql, SerializedValues::default()).await?;
        // Peers that have not reported a schema version yet (null) are skipped.
        let rows: Vec<(Option<uuid::Uuid>,)> = result.rows()?;
        Ok(rows.into_iter().filter_map(|(v,)| v).collect())
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

async fn log_events(mut rx: mpsc::UnboundedReceiver<Event>) {
    while let Some(event) = rx.recv().await {
        tracing::info!(?event, "cluster event");
    }
}

/// Reopens the control connection when it closes, on any contact point.
async fn keep_alive(
    slot: std::sync::Weak<RwLock<Option<Connection>>>,
    mut conn: Connection,
    points: Vec<(String, SocketAddr)>,
    cfg: ConnectionConfig,
    reconnect: Arc<dyn crate::policies::ReconnectionPolicy>,
    events: mpsc::UnboundedSender<Event>,
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
                    conn = c;
                    break 'retry;
                }
            }
            let delay = schedule.next().unwrap_or(Duration::from_secs(60));
            tokio::time::sleep(delay).await;
            if slot.upgrade().is_none() {
                return;
            }
        }
    }
}

fn text(v: Option<&Option<cassia_protocol::value::CqlValue>>) -> Option<String> {
    match v {
        Some(Some(cassia_protocol::value::CqlValue::Text(s))) => Some(s.clone()),
        _ => None,
    }
}

fn uuid(v: Option<&Option<cassia_protocol::value::CqlValue>>) -> Option<uuid::Uuid> {
    match v {
        Some(Some(cassia_protocol::value::CqlValue::Uuid(u))) => Some(*u),
        _ => None,
    }
}

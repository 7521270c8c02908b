//! The session's schema metadata ([`SchemaMetadata`]): read over the control connection
//! when the session connects, then refreshed
//! - after SCHEMA_CHANGE events, debounced: the first event opens a window
//!   (`schema_refresh_debounce`, 200 ms by default), every event inside it joins, then each
//!   keyspace they name is read once — a migration's burst of DDL costs one read, not one
//!   per statement;
//! - in full after the control connection reopens (events sent while it was down are lost);
//! - on demand (`Session::refresh_schema`, `Session::refresh_keyspace`).
//!
//! The token map takes its keyspaces' replication from the same reads, so
//! `system_schema.keyspaces` is not queried twice.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use cassia_protocol::request::{RawValue, SerializedValues};
use tokio::sync::mpsc;

use super::control::ControlConnection;
use super::{Session, SessionInner};
use cassia_protocol::response::ColumnSpec;
use cassia_protocol::row::{SerializeRow, serialize_values};
use cassia_protocol::token::murmur3_token;

use crate::cluster::token_map::Replication;
use crate::cluster::{Node, TokenMap};
use crate::error::{ExecuteError, MetadataError};
use crate::metadata::read::{SOURCES, SchemaRows, build};
use crate::metadata::{KeyspaceMetadata, SchemaMetadata};

/// How long the first schema event waits for others before the refresh runs.
pub(crate) const DEFAULT_SCHEMA_REFRESH_DEBOUNCE: Duration = Duration::from_millis(200);

/// What a refresh reads.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Scope {
    All,
    Keyspace(String),
}

/// The current snapshot and the queue of refreshes waiting for the debounce window.
#[derive(Debug)]
pub(crate) struct SchemaState {
    snapshot: RwLock<Arc<SchemaMetadata>>,
    requests: mpsc::UnboundedSender<Scope>,
    /// One refresh at a time, so a slow full read cannot overwrite a newer keyspace read.
    refreshing: tokio::sync::Mutex<()>,
}

impl SchemaState {
    pub(crate) fn new(initial: SchemaMetadata) -> (SchemaState, mpsc::UnboundedReceiver<Scope>) {
        let (requests, rx) = mpsc::unbounded_channel();
        let state = SchemaState {
            snapshot: RwLock::new(Arc::new(initial)),
            requests,
            refreshing: tokio::sync::Mutex::new(()),
        };
        (state, rx)
    }

    pub(crate) fn snapshot(&self) -> Arc<SchemaMetadata> {
        self.snapshot
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Queues a debounced refresh of `scope`.
    pub(crate) fn request(&self, scope: Scope) {
        // The receiver lives as long as the session: a send error means it is closing.
        let _ = self.requests.send(scope);
    }
}

/// Replication of every keyspace in `schema`, as the token map reads it.
pub(crate) fn replication_of(schema: &SchemaMetadata) -> HashMap<String, Replication> {
    schema
        .keyspaces
        .iter()
        .map(|(name, ks)| {
            let map: Vec<(String, String)> = ks
                .replication
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            (name.clone(), Replication::from_map(&map))
        })
        .collect()
}

/// Reads every keyspace (`None`) or one, over the control connection.
pub(crate) async fn fetch(
    control: &ControlConnection,
    keyspace: Option<&str>,
) -> Result<BTreeMap<String, KeyspaceMetadata>, MetadataError> {
    let mut values = SerializedValues::new();
    if let Some(ks) = keyspace {
        values
            .push(RawValue::Value(ks.as_bytes()))
            .map_err(|e| MetadataError::Query {
                table: SOURCES[0].table(),
                source: Box::new(ExecuteError::Encode {
                    statement: crate::error::excerpt("system_schema"),
                    detail: e.to_string(),
                }),
            })?;
    }
    let mut rows = SchemaRows::new();
    for source in SOURCES {
        match control
            .query_all(&source.select(keyspace.is_some()), values.clone())
            .await
        {
            Ok(r) => {
                rows.insert(source, r);
            }
            Err(ExecuteError::Server { .. }) if source.optional() => {}
            Err(e) => {
                return Err(MetadataError::Query {
                    table: source.table(),
                    source: Box::new(e),
                });
            }
        }
        // A keyspace that is gone has nothing else to read.
        if rows.get(&SOURCES[0]).is_some_and(Vec::is_empty) {
            return Ok(BTreeMap::new());
        }
    }
    build(&rows)
}

/// The metadata a new session starts with, and the token map's replication from it. A
/// failed read is logged, not fatal: the session works without metadata, and replication
/// is then read on its own.
pub(crate) async fn initial(
    control: &ControlConnection,
) -> (SchemaMetadata, HashMap<String, Replication>) {
    match fetch(control, None).await {
        Ok(keyspaces) => {
            let schema = SchemaMetadata {
                keyspaces: keyspaces
                    .into_iter()
                    .map(|(k, v)| (k, Arc::new(v)))
                    .collect(),
            };
            let replication = replication_of(&schema);
            (schema, replication)
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the schema metadata");
            (SchemaMetadata::default(), control.replication().await)
        }
    }
}

impl SessionInner {
    pub(crate) fn schema_snapshot(&self) -> Arc<SchemaMetadata> {
        self.schema.snapshot()
    }

    /// Reads `scope` now and swaps in the new snapshot; rebuilds the token map when a
    /// keyspace's replication changed.
    pub(crate) async fn refresh_schema_scope(
        &self,
        scope: &Scope,
    ) -> Result<Arc<SchemaMetadata>, MetadataError> {
        let _one_at_a_time = self.schema.refreshing.lock().await;
        let read = match scope {
            Scope::All => fetch(&self.control, None).await?,
            Scope::Keyspace(name) => fetch(&self.control, Some(name)).await?,
        };
        let before = self.schema.snapshot();
        let mut next = match scope {
            Scope::All => SchemaMetadata::default(),
            Scope::Keyspace(name) => {
                let mut s = (*before).clone();
                s.keyspaces.remove(name);
                s
            }
        };
        next.keyspaces
            .extend(read.into_iter().map(|(k, v)| (k, Arc::new(v))));
        let replication_changed = replication_of(&before) != replication_of(&next);
        let next = Arc::new(next);
        *self
            .schema
            .snapshot
            .write()
            .unwrap_or_else(|p| p.into_inner()) = next.clone();
        if replication_changed {
            let replication = replication_of(&next);
            self.replace_topology(|t| {
                Some(t.with_token_map(t.token_map.with_replication(replication)))
            });
        }
        tracing::debug!(?scope, "schema metadata refreshed");
        Ok(next)
    }
}

/// Runs the debounced refreshes until the session is dropped.
pub(crate) async fn debounce(
    session: Weak<SessionInner>,
    mut requests: mpsc::UnboundedReceiver<Scope>,
    window: Duration,
) {
    while let Some(first) = requests.recv().await {
        let mut scopes = BTreeSet::from([first]);
        let deadline = tokio::time::Instant::now() + window;
        loop {
            tokio::select! {
                more = requests.recv() => match more {
                    Some(scope) => {
                        scopes.insert(scope);
                    }
                    None => return,
                },
                () = tokio::time::sleep_until(deadline) => break,
            }
        }
        let Some(inner) = session.upgrade() else {
            return;
        };
        if inner.is_closed() {
            return;
        }
        if scopes.contains(&Scope::All) {
            scopes = BTreeSet::from([Scope::All]);
        }
        for scope in &scopes {
            if let Err(e) = inner.refresh_schema_scope(scope).await {
                tracing::warn!(?scope, error = %e, "schema metadata refresh failed");
            }
        }
    }
}

impl Session {
    /// The schema metadata: every keyspace with its tables, views, user types, functions
    /// and aggregates, as last read. A snapshot: refreshes swap in a new one, so hold it for
    /// a consistent view and call again for a fresh one.
    ///
    /// It is read when the session connects and refreshed after schema changes (by any
    /// client) once [`SessionBuilder::schema_refresh_debounce`] has passed; after your own
    /// DDL, [`Session::refresh_keyspace`] makes the change visible at once.
    ///
    /// [`SessionBuilder::schema_refresh_debounce`]: crate::SessionBuilder::schema_refresh_debounce
    pub fn metadata(&self) -> Arc<SchemaMetadata> {
        self.inner.schema_snapshot()
    }

    /// Reads the whole schema now (over the control connection) and returns the new
    /// snapshot.
    pub async fn refresh_schema(&self) -> Result<Arc<SchemaMetadata>, MetadataError> {
        self.inner.refresh_schema_scope(&Scope::All).await
    }

    /// Reads one keyspace now and returns it (`None` when it does not exist); the snapshot
    /// [`Session::metadata`] returns is updated too.
    pub async fn refresh_keyspace(
        &self,
        keyspace: &str,
    ) -> Result<Option<Arc<KeyspaceMetadata>>, MetadataError> {
        let schema = self
            .inner
            .refresh_schema_scope(&Scope::Keyspace(keyspace.to_owned()))
            .await?;
        Ok(schema.keyspaces.get(keyspace).cloned())
    }

    /// The token ring and the replicas of each keyspace (a snapshot, rebuilt when nodes or
    /// replication change).
    pub fn token_map(&self) -> Arc<TokenMap> {
        self.inner.topology().token_map.clone()
    }

    /// The replicas of the partition whose key columns of `keyspace.table` have the values
    /// `key` (in key order, e.g. a tuple), primary first: what a token-aware policy tries.
    /// Empty when the keyspace's replication strategy is not understood or no node
    /// reported tokens.
    ///
    /// ```no_run
    /// # async fn demo(session: cassia_driver::Session) -> Result<(), Box<dyn std::error::Error>> {
    /// let replicas = session.replicas("shop", "orders", ("eu", 42_i32))?;
    /// for node in replicas {
    ///     println!("{}", node.address());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn replicas(
        &self,
        keyspace: &str,
        table: &str,
        key: impl SerializeRow,
    ) -> Result<Vec<Arc<Node>>, MetadataError> {
        let schema = self.metadata();
        let ks = schema
            .keyspace(keyspace)
            .ok_or_else(|| MetadataError::UnknownKeyspace {
                keyspace: keyspace.to_owned(),
            })?;
        let t = ks.table(table).ok_or_else(|| MetadataError::UnknownTable {
            keyspace: keyspace.to_owned(),
            table: table.to_owned(),
        })?;
        let key_error = |detail: String, source| MetadataError::PartitionKey {
            keyspace: keyspace.to_owned(),
            table: table.to_owned(),
            detail,
            source,
        };
        let specs = t
            .partition_key()
            .into_iter()
            .map(|c| {
                let typ = c.column_type.clone().ok_or_else(|| {
                    key_error(
                        format!(
                            "the driver cannot read column {}'s type {}",
                            c.name, c.cql_type
                        ),
                        None,
                    )
                })?;
                Ok(ColumnSpec {
                    keyspace: keyspace.to_owned(),
                    table: table.to_owned(),
                    name: c.name.clone(),
                    typ,
                })
            })
            .collect::<Result<Vec<_>, MetadataError>>()?;
        let values = serialize_values(&key, &specs).map_err(|e| {
            key_error(
                "the values do not fit the key columns".into(),
                Some(Box::new(e)),
            )
        })?;
        let positions: Vec<u16> = (0..specs.len())
            .filter_map(|i| u16::try_from(i).ok())
            .collect();
        let routing = super::routing::routing_key(&positions, &values)
            .ok_or_else(|| key_error("a key value is null or missing".into(), None))?;
        let token = murmur3_token(&routing);
        Ok(self.token_map().replicas(keyspace, token).to_vec())
    }
}

//! Prepared statements: the server's id for a parsed statement, the bind markers' types and
//! the result metadata (refreshed when the server reports a change in protocol v5, and by
//! every re-prepare in either version).

use std::sync::{Arc, RwLock};

use bytes::Bytes;
use cassia_protocol::response::{ColumnSpec, Prepared, PreparedMetadata};

use super::options::{StatementOptions, paging_options, statement_options};

/// A statement prepared on the server (PREPARE), run with `Session::execute`.
///
/// Cheap to clone: clones share the server-side metadata; options are per clone. The session
/// caches prepared statements by query text and keyspace, and re-prepares transparently when
/// a node answers UNPREPARED.
#[derive(Debug, Clone)]
pub struct PreparedStatement {
    pub(crate) shared: Arc<PreparedShared>,
    pub(crate) opts: StatementOptions,
}

/// What every clone of a prepared statement shares.
#[derive(Debug)]
pub(crate) struct PreparedShared {
    pub(crate) id: Bytes,
    pub(crate) cql: Arc<str>,
    /// The text's one-line excerpt for errors and spans, made once here rather than on
    /// every execution (it allocated three times per request).
    pub(crate) excerpt: Arc<str>,
    pub(crate) keyspace: Option<String>,
    pub(crate) bind: PreparedMetadata,
    pub(crate) result: RwLock<ResultState>,
}

/// Result metadata, replaced when a v5 server sends Metadata_changed or the statement is
/// prepared again. Kept behind the shared `RwLock` so every clone (and the session's cache)
/// sees the refreshed columns.
#[derive(Debug, Clone)]
pub(crate) struct ResultState {
    pub(crate) metadata_id: Option<Bytes>,
    pub(crate) columns: Arc<Vec<ColumnSpec>>,
}

impl PreparedStatement {
    pub(crate) fn from_prepared(cql: Arc<str>, keyspace: Option<String>, p: Prepared) -> Self {
        let shared = PreparedShared {
            id: p.id,
            excerpt: crate::error::excerpt(&cql),
            cql,
            keyspace,
            bind: p.metadata,
            result: RwLock::new(ResultState {
                metadata_id: p.result_metadata_id,
                columns: p.result_metadata.columns,
            }),
        };
        PreparedStatement {
            shared: Arc::new(shared),
            opts: StatementOptions::default(),
        }
    }

    /// The CQL text that was prepared.
    pub fn cql(&self) -> &str {
        &self.shared.cql
    }

    /// The text's excerpt for errors and spans.
    pub(crate) fn excerpt(&self) -> &Arc<str> {
        &self.shared.excerpt
    }

    /// The server's statement id.
    pub fn id(&self) -> &[u8] {
        &self.shared.id
    }

    /// The bind markers, in order (name and CQL type of each).
    pub fn bind_columns(&self) -> &[ColumnSpec] {
        &self.shared.bind.columns
    }

    /// Indexes of the bind markers that form the partition key, in key order.
    pub fn partition_key_indexes(&self) -> &[u16] {
        &self.shared.bind.pk_indexes
    }

    /// The keyspace of the table whose partition the statement targets, as the server
    /// described its bind markers (`INSERT INTO shop.orders ...` is in `shop` whatever the
    /// session's keyspace), else the keyspace it was prepared in: what token-aware routing
    /// looks replicas up in.
    pub fn routing_keyspace(&self) -> Option<&str> {
        let bind = &self.shared.bind;
        bind.pk_indexes
            .first()
            .and_then(|i| bind.columns.get(usize::from(*i)))
            .or_else(|| bind.columns.first())
            .map(|spec| spec.keyspace.as_str())
            .filter(|ks| !ks.is_empty())
            .or(self.shared.keyspace.as_deref())
    }

    /// The columns a row of the result will have (empty for statements without rows).
    pub fn result_columns(&self) -> Arc<Vec<ColumnSpec>> {
        self.result_state().columns
    }

    pub(crate) fn result_state(&self) -> ResultState {
        match self.shared.result.read() {
            Ok(state) => state.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Records new result metadata: from a v5 Metadata_changed, or from a new PREPARED
    /// response (where protocol v4 has no metadata id: the columns alone are the news, e.g.
    /// a `SELECT *` after `ALTER TABLE ... ADD`).
    pub(crate) fn update_result(&self, metadata_id: Option<Bytes>, columns: Arc<Vec<ColumnSpec>>) {
        let mut guard = match self.shared.result.write() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = ResultState {
            metadata_id,
            columns,
        };
    }
}

statement_options!(PreparedStatement);
paging_options!(PreparedStatement);

//! Every response body the responder can send, computed once at start-up per protocol version.
//!
//! Prepared ids are the MD5 of the statement text (as Cassandra does, minus the keyspace),
//! and v5 result metadata ids the MD5 of the result columns, so they are stable across runs.

use std::collections::HashMap;

use bytes::Bytes;
use cassia_protocol::frame::ProtocolVersion;
use cassia_protocol::response::{ErrorKind, Response, ResultBody};
use md5::{Digest, Md5};

use super::body::{self, Body, BodyError, Col};
use super::system;
use crate::workload::{KS, statements};

/// Answers to EXECUTE of one prepared statement.
#[derive(Debug)]
pub(crate) struct Executed {
    /// RESULT with full metadata.
    pub(crate) with_meta: Body,
    /// RESULT with No_metadata (when the request set skip_metadata).
    pub(crate) no_meta: Body,
}

/// The bodies of one protocol version.
#[derive(Debug)]
pub(crate) struct Table {
    version: ProtocolVersion,
    execute: HashMap<Bytes, Executed>,
    prepare: HashMap<&'static str, Body>,
    /// RESULT Void (writes, batches, unknown statements).
    pub(crate) void: Body,
    /// SUPPORTED.
    pub(crate) supported: Body,
    /// READY (empty body; its LZ4 form is a zero length plus an empty block).
    pub(crate) ready: Body,
}

/// All precomputed bodies.
#[derive(Debug)]
pub(crate) struct Answers {
    port: u16,
    v4: Table,
    v5: Table,
}

/// Prepared id of a statement text.
pub(crate) fn statement_id(text: &str) -> Bytes {
    Bytes::copy_from_slice(&Md5::digest(text.as_bytes()))
}

fn metadata_id(cols: &[Col]) -> Bytes {
    let mut h = Md5::new();
    for (name, typ) in cols {
        h.update(name.as_bytes());
        h.update(typ.to_string().as_bytes());
    }
    Bytes::copy_from_slice(&h.finalize())
}

impl Table {
    fn build(version: ProtocolVersion) -> Result<Self, BodyError> {
        let mut execute = HashMap::new();
        let mut prepare = HashMap::new();
        let void = Body::of(version, "void", Response::Result(ResultBody::Void))?;
        for st in statements() {
            let id = statement_id(st.text);
            let meta_id = metadata_id(&st.result);
            let meta_id = (version == ProtocolVersion::V5).then_some(&meta_id);
            let p = body::prepared(&id, meta_id, KS, st.table, &st.binds, &st.pk, &st.result);
            prepare.insert(st.text, Body::of(version, "prepared", p)?);
            let executed = if st.result.is_empty() {
                Executed {
                    with_meta: void.clone(),
                    no_meta: void.clone(),
                }
            } else {
                let rows = |no_meta| body::rows(KS, st.table, &st.result, &st.rows, no_meta);
                Executed {
                    with_meta: Body::of(version, "rows", rows(false)?)?,
                    no_meta: Body::of(version, "rows", rows(true)?)?,
                }
            };
            execute.insert(id, executed);
        }
        Ok(Table {
            version,
            execute,
            prepare,
            void,
            supported: Body::of(version, "supported", body::supported())?,
            ready: Body::of(version, "ready", Response::Ready)?,
        })
    }

    /// EXECUTE answers for a prepared id.
    pub(crate) fn execute(&self, id: &[u8]) -> Option<&Executed> {
        self.execute.get(id)
    }

    /// PREPARE answer for a statement text.
    pub(crate) fn prepare(&self, text: &str) -> Option<&Body> {
        self.prepare.get(text.trim())
    }

    /// An ERROR body (built on demand: errors are never on the measured path).
    pub(crate) fn error(
        &self,
        kind: ErrorKind,
        message: impl Into<String>,
    ) -> Result<Body, BodyError> {
        Body::of(self.version, "error", body::error(kind, message))
    }
}

impl Answers {
    /// Builds every body; `port` is what `system.local` reports as `rpc_port`.
    pub(crate) fn build(port: u16) -> Result<Self, BodyError> {
        Ok(Answers {
            port,
            v4: Table::build(ProtocolVersion::V4)?,
            v5: Table::build(ProtocolVersion::V5)?,
        })
    }

    /// The bodies for `version`.
    pub(crate) fn table(&self, version: ProtocolVersion) -> &Table {
        match version {
            ProtocolVersion::V4 => &self.v4,
            ProtocolVersion::V5 => &self.v5,
        }
    }

    /// QUERY answer: system tables, `USE`, or Void. Built per call: only drivers'
    /// connection-time and metadata queries take this path, never the measured workloads.
    pub(crate) fn query(&self, version: ProtocolVersion, text: &str) -> Result<Body, BodyError> {
        if let Some(select) = system::parse(text) {
            let (ks, table, cols, rows) = system::answer(&select, self.port);
            return Body::of(
                version,
                "system rows",
                body::rows(&ks, &table, &cols, &rows, false)?,
            );
        }
        let trimmed = text.trim();
        if let Some(ks) = trimmed
            .strip_prefix("USE ")
            .or_else(|| trimmed.strip_prefix("use "))
        {
            let ks = ks
                .trim()
                .trim_end_matches(';')
                .trim_matches('"')
                .to_string();
            return Body::of(
                version,
                "set keyspace",
                Response::Result(ResultBody::SetKeyspace(ks)),
            );
        }
        Ok(self.table(version).void.clone())
    }
}

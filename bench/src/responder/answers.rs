//! Every response body the responder can send, computed once at start-up.
//!
//! Prepared ids are the MD5 of the statement text (as Cassandra does, minus the keyspace),
//! and v5 result metadata ids the MD5 of the result columns, so they are stable across runs.

use std::collections::HashMap;

use bytes::Bytes;
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

/// All precomputed bodies.
#[derive(Debug)]
pub(crate) struct Answers {
    port: u16,
    execute: HashMap<Bytes, Executed>,
    prepare_v4: HashMap<&'static str, Body>,
    prepare_v5: HashMap<&'static str, Body>,
    /// RESULT Void (writes, batches, unknown statements).
    pub(crate) void: Body,
    /// SUPPORTED.
    pub(crate) supported: Body,
    /// READY (empty body; its LZ4 form is 4 zero bytes plus an empty block).
    pub(crate) ready: Body,
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

impl Answers {
    /// Builds every body; `port` is what `system.local` reports as `rpc_port`.
    pub(crate) fn build(port: u16) -> Result<Self, BodyError> {
        let mut execute = HashMap::new();
        let mut prepare_v4 = HashMap::new();
        let mut prepare_v5 = HashMap::new();
        for st in statements() {
            let id = statement_id(st.text);
            let meta_id = metadata_id(&st.result);
            for (v5, map) in [(false, &mut prepare_v4), (true, &mut prepare_v5)] {
                let b = body::prepared(
                    v5, &id, &meta_id, KS, st.table, &st.binds, &st.pk, &st.result,
                )?;
                map.insert(st.text, Body::new(b));
            }
            let executed = if st.result.is_empty() {
                Executed {
                    with_meta: Body::new(body::void()),
                    no_meta: Body::new(body::void()),
                }
            } else {
                Executed {
                    with_meta: Body::new(body::rows(KS, st.table, &st.result, &st.rows, false)?),
                    no_meta: Body::new(body::rows(KS, st.table, &st.result, &st.rows, true)?),
                }
            };
            execute.insert(id, executed);
        }
        Ok(Answers {
            port,
            execute,
            prepare_v4,
            prepare_v5,
            void: Body::new(body::void()),
            supported: Body::new(body::supported()),
            ready: Body::new(Vec::new()),
        })
    }

    /// EXECUTE answers for a prepared id.
    pub(crate) fn execute(&self, id: &[u8]) -> Option<&Executed> {
        self.execute.get(id)
    }

    /// PREPARE answer for a statement text.
    pub(crate) fn prepare(&self, text: &str, v5: bool) -> Option<&Body> {
        let map = if v5 {
            &self.prepare_v5
        } else {
            &self.prepare_v4
        };
        map.get(text.trim())
    }

    /// QUERY answer: system tables, `USE`, or Void. Built per call: only drivers'
    /// connection-time and metadata queries take this path, never the measured workloads.
    pub(crate) fn query(&self, text: &str) -> Result<Body, BodyError> {
        if let Some(select) = system::parse(text) {
            let (ks, table, cols, rows) = system::answer(&select, self.port);
            return Ok(Body::new(body::rows(&ks, &table, &cols, &rows, false)?));
        }
        let trimmed = text.trim();
        if let Some(ks) = trimmed
            .strip_prefix("USE ")
            .or_else(|| trimmed.strip_prefix("use "))
        {
            return Ok(Body::new(body::set_keyspace(
                ks.trim().trim_end_matches(';').trim_matches('"'),
            )?));
        }
        Ok(self.void.clone())
    }
}

//! Engine unit tests: statements through `Engine::query`/`prepare`/`execute`/`batch`,
//! asserting stored rows (as raw cells), result metadata and exact errors.

#![allow(clippy::unwrap_used)]

mod protocol;
mod reads;
mod regressions;
mod vector;
mod writes;

use bytes::Bytes;
use cassia_protocol::consistency::Consistency;
use cassia_protocol::frame::ProtocolVersion;
use cassia_protocol::request::{
    Batch, BatchStatement, BatchType, Execute, QueryParameters, SerializedValues,
};
use cassia_protocol::response::{ErrorKind, ResultBody, Rows, ServerError};
use cassia_protocol::wire::Reader;

use super::*;

pub(super) fn engine() -> (Engine, ClientState) {
    let e = Engine::new(EngineConfig::default());
    let mut c = ClientState::new(ProtocolVersion::V5);
    q(
        &e,
        &mut c,
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    q(&e, &mut c, "USE ks");
    (e, c)
}

pub(super) fn q(e: &Engine, c: &mut ClientState, cql: &str) -> Outcome {
    e.query(c, cql, &QueryParameters::default())
        .unwrap_or_else(|err| panic!("{cql}: {err:?}"))
}

pub(super) fn err(e: &Engine, c: &mut ClientState, cql: &str) -> ServerError {
    match e.query(c, cql, &QueryParameters::default()) {
        Ok(o) => panic!("{cql}: expected an error, got {:?}", o.body),
        Err(err) => err,
    }
}

pub(super) fn rows(o: &Outcome) -> &Rows {
    match &o.body {
        ResultBody::Rows(r) => r,
        other => panic!("expected rows, got {other:?}"),
    }
}

/// Cells of each row as Option<Vec<u8>>.
pub(super) fn cells(r: &Rows) -> Vec<Vec<Option<Vec<u8>>>> {
    let mut rd = Reader::new(&r.content);
    (0..r.row_count)
        .map(|_| {
            (0..r.metadata.column_count)
                .map(|_| rd.bytes("cell").unwrap().map(<[u8]>::to_vec))
                .collect()
        })
        .collect()
}

pub(super) fn int(v: i32) -> Option<Vec<u8>> {
    Some(v.to_be_bytes().to_vec())
}

pub(super) fn text(s: &str) -> Option<Vec<u8>> {
    Some(s.as_bytes().to_vec())
}

pub(super) fn values(vals: &[Option<&[u8]>]) -> SerializedValues {
    let mut bytes = Vec::new();
    for v in vals {
        match v {
            Some(b) => {
                bytes.extend_from_slice(&(b.len() as i32).to_be_bytes());
                bytes.extend_from_slice(b);
            }
            None => bytes.extend_from_slice(&(-1i32).to_be_bytes()),
        }
    }
    SerializedValues {
        count: vals.len() as u16,
        named: false,
        bytes,
    }
}

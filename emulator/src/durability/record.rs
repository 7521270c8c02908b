//! One journal record: a request that changed state, with everything resolved while it was
//! applied (the tape), so replaying it re-applies exactly the same change.
//!
//! Requests are kept in their native-protocol v5 form (the protocol crate's own request
//! codec, so bound values stay the bytes the client sent), plus the CQL text and planning
//! keyspace of prepared statements: a replay prepares them again, as the statement id of a
//! prepared statement means nothing to a fresh process. The effective keyspace (the one
//! `USE` had set) is written into the request's own keyspace field, since the connection
//! that sent it is gone at replay.
//!
//! Layout: `[u8 kind][u32 tape length][tape entries][kind-specific body]`, each tape entry
//! `[u8 0][i64]` or `[u8 1][16 bytes]`.

use cassia_protocol::frame::ProtocolVersion;
use cassia_protocol::request::{Batch, Query, QueryParameters};
use cassia_protocol::wire::{self, DecodeError, EncodeError, Reader};

use super::tape::Resolved;

/// The protocol version requests are stored in: v5 carries keyspace and now_in_seconds.
const STORED: ProtocolVersion = ProtocolVersion::V5;

const QUERY: u8 = 1;
const EXECUTE: u8 = 2;
const BATCH: u8 = 3;

/// A prepared statement's source: what a replay prepares again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PreparedSource {
    /// CQL text as prepared.
    pub cql: String,
    /// Keyspace the statement was planned with (unqualified names resolve against it).
    pub keyspace: Option<String>,
}

/// A request that changed state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Logged {
    /// QUERY (keyspace resolved into its parameters).
    Query(Query),
    /// EXECUTE of a prepared statement.
    Execute {
        /// What was prepared.
        source: PreparedSource,
        /// The execution's parameters (keyspace resolved).
        params: QueryParameters,
    },
    /// BATCH; `sources[i]` is the source of child `i` when it is a prepared one.
    Batch {
        /// Per child: its prepared source, or `None` for a query string child.
        sources: Vec<Option<PreparedSource>>,
        /// The batch as sent (keyspace resolved).
        batch: Batch,
    },
}

/// A request and the values it resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    /// What ran.
    pub request: Logged,
    /// What it resolved, in call order.
    pub tape: Vec<Resolved>,
}

impl Record {
    /// The record's bytes (the journal frames them).
    pub(crate) fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::with_capacity(128);
        out.push(match &self.request {
            Logged::Query(_) => QUERY,
            Logged::Execute { .. } => EXECUTE,
            Logged::Batch { .. } => BATCH,
        });
        let count = u32::try_from(self.tape.len()).map_err(|_| EncodeError::TooLong {
            what: "journal tape",
            length: self.tape.len(),
        })?;
        out.extend_from_slice(&count.to_be_bytes());
        for r in &self.tape {
            match r {
                Resolved::Int(v) => {
                    out.push(0);
                    wire::put_i64(&mut out, *v);
                }
                Resolved::Uuid(v) => {
                    out.push(1);
                    out.extend_from_slice(&v.to_be_bytes());
                }
            }
        }
        match &self.request {
            Logged::Query(q) => q.encode(STORED, &mut out)?,
            Logged::Execute { source, params } => {
                put_source(&mut out, source)?;
                params.encode(STORED, &mut out)?;
            }
            Logged::Batch { sources, batch } => {
                let n = u16::try_from(sources.len()).map_err(|_| EncodeError::TooLong {
                    what: "batch sources",
                    length: sources.len(),
                })?;
                wire::put_u16(&mut out, n);
                for s in sources {
                    match s {
                        None => out.push(0),
                        Some(s) => {
                            out.push(1);
                            put_source(&mut out, s)?;
                        }
                    }
                }
                batch.encode(STORED, &mut out)?;
            }
        }
        Ok(out)
    }

    /// Reads a record back; any inconsistency is an error, never a guess.
    pub(crate) fn decode(bytes: &[u8]) -> Result<Record, DecodeError> {
        let mut r = Reader::new(bytes);
        let kind = r.u8("journal record kind")?;
        let count = r.u32("journal tape length")?;
        let mut tape = Vec::new();
        for _ in 0..count {
            tape.push(match r.u8("journal tape entry")? {
                0 => Resolved::Int(r.i64("journal tape integer")?),
                1 => {
                    let raw = r.take(16, "journal tape uuid")?;
                    let mut b = [0u8; 16];
                    b.copy_from_slice(raw);
                    Resolved::Uuid(u128::from_be_bytes(b))
                }
                other => return Err(invalid("journal tape entry", other)),
            });
        }
        let request = match kind {
            QUERY => Logged::Query(Query::decode(STORED, r.rest())?),
            EXECUTE => {
                let source = get_source(&mut r)?;
                let params = QueryParameters::decode(&mut r, STORED)?;
                r.finish("journal execute record")?;
                Logged::Execute { source, params }
            }
            BATCH => {
                let n = r.u16("batch sources")?;
                let mut sources = Vec::with_capacity(usize::from(n));
                for _ in 0..n {
                    sources.push(match r.u8("batch source flag")? {
                        0 => None,
                        1 => Some(get_source(&mut r)?),
                        other => return Err(invalid("batch source flag", other)),
                    });
                }
                Logged::Batch {
                    sources,
                    batch: Batch::decode(STORED, r.rest())?,
                }
            }
            other => return Err(invalid("journal record kind", other)),
        };
        Ok(Record { request, tape })
    }
}

fn invalid(what: &'static str, got: u8) -> DecodeError {
    DecodeError::Invalid {
        what,
        detail: format!("unknown code {got}"),
    }
}

fn put_source(out: &mut Vec<u8>, s: &PreparedSource) -> Result<(), EncodeError> {
    wire::put_long_string(out, &s.cql, "prepared cql")?;
    match &s.keyspace {
        None => out.push(0),
        Some(ks) => {
            out.push(1);
            wire::put_string(out, ks, "prepared keyspace")?;
        }
    }
    Ok(())
}

fn get_source(r: &mut Reader<'_>) -> Result<PreparedSource, DecodeError> {
    let cql = r.long_string("prepared cql")?.to_owned();
    let keyspace = match r.u8("prepared keyspace flag")? {
        0 => None,
        1 => Some(r.string("prepared keyspace")?.to_owned()),
        other => return Err(invalid("prepared keyspace flag", other)),
    };
    Ok(PreparedSource { cql, keyspace })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use cassia_protocol::consistency::Consistency;
    use cassia_protocol::request::{BatchStatement, BatchType, RawValue, SerializedValues};

    use super::*;

    fn params(ks: Option<&str>) -> QueryParameters {
        let mut values = SerializedValues::new();
        values.push(RawValue::Value(b"\x00\x00\x00\x07")).unwrap();
        values.push(RawValue::Null).unwrap();
        QueryParameters {
            consistency: Consistency::One,
            values,
            timestamp: Some(1_700_000_000_000_000),
            keyspace: ks.map(str::to_owned),
            now_in_seconds: Some(1_700_000_000),
            ..QueryParameters::default()
        }
    }

    #[test]
    fn every_kind_round_trips_and_truncation_is_an_error() {
        let tape = vec![Resolved::Int(-3), Resolved::Uuid(u128::MAX - 1)];
        let source = PreparedSource {
            cql: "INSERT INTO t (k, v) VALUES (?, ?)".to_owned(),
            keyspace: Some("ks".to_owned()),
        };
        let records = [
            Logged::Query(Query {
                query: "UPDATE t SET v = ? WHERE k = ?".to_owned(),
                params: params(Some("ks")),
            }),
            Logged::Execute {
                source: source.clone(),
                params: params(None),
            },
            Logged::Batch {
                sources: vec![Some(source), None],
                batch: Batch {
                    batch_type: BatchType::Unlogged,
                    statements: vec![
                        BatchStatement::Prepared {
                            id: bytes::Bytes::from_static(b"id"),
                            values: params(None).values,
                        },
                        BatchStatement::Query {
                            query: "DELETE FROM ks.t WHERE k = 1".to_owned(),
                            values: SerializedValues::new(),
                        },
                    ],
                    consistency: Consistency::Quorum,
                    serial_consistency: None,
                    timestamp: Some(5),
                    keyspace: Some("ks".to_owned()),
                    now_in_seconds: Some(6),
                },
            },
        ];
        for request in records {
            let record = Record {
                request,
                tape: tape.clone(),
            };
            let bytes = record.encode().unwrap();
            assert_eq!(Record::decode(&bytes).unwrap(), record);
            assert!(Record::decode(&bytes[..bytes.len() - 1]).is_err());
        }
        assert!(matches!(
            Record::decode(&[9, 0, 0, 0, 0]),
            Err(DecodeError::Invalid {
                what: "journal record kind",
                ..
            })
        ));
    }
}

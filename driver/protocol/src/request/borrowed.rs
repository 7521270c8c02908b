//! Borrowed views of the requests a driver sends on every operation (QUERY, EXECUTE, BATCH).
//!
//! The owned messages are what decoding produces and what tests build; a driver that already
//! holds the statement id, the serialized values and its options only needs to *write* them,
//! so these views let it encode a frame straight from what it has, without copying the values
//! into an owned request first. The owned types encode through these views, so both share
//! one layout.

use super::{BatchType, Request, SerializedValues};
use crate::consistency::Consistency;
use crate::frame::{Opcode, ProtocolVersion};
use crate::wire::EncodeError;

/// `<query_parameters>` borrowed: see [`QueryParameters`](super::QueryParameters) for the fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryParametersRef<'a> {
    /// Consistency level.
    pub consistency: Consistency,
    /// Bound values (flag 0x01 when non-empty, 0x40 when named).
    pub values: &'a SerializedValues,
    /// Ask the server to leave column specs out of the rows result (0x02).
    pub skip_metadata: bool,
    /// Page size (0x04).
    pub page_size: Option<i32>,
    /// Paging state from the previous page (0x08).
    pub paging_state: Option<&'a [u8]>,
    /// Serial consistency for conditional updates (0x10).
    pub serial_consistency: Option<Consistency>,
    /// Client-side timestamp in microseconds (0x20).
    pub timestamp: Option<i64>,
    /// Keyspace to run in (v5 only, 0x80).
    pub keyspace: Option<&'a str>,
    /// Server "now" override in seconds (v5 only, 0x100).
    pub now_in_seconds: Option<i32>,
}

impl<'a> QueryParametersRef<'a> {
    /// Parameters with only a consistency and values; every option off.
    pub fn new(consistency: Consistency, values: &'a SerializedValues) -> Self {
        QueryParametersRef {
            consistency,
            values,
            skip_metadata: false,
            page_size: None,
            paging_state: None,
            serial_consistency: None,
            timestamp: None,
            keyspace: None,
            now_in_seconds: None,
        }
    }
}

/// A QUERY borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryRef<'a> {
    /// CQL text.
    pub query: &'a str,
    /// Parameters.
    pub params: QueryParametersRef<'a>,
}

/// An EXECUTE borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecuteRef<'a> {
    /// Prepared statement id.
    pub id: &'a [u8],
    /// Result metadata id (required in v5, absent in v4).
    pub result_metadata_id: Option<&'a [u8]>,
    /// Parameters.
    pub params: QueryParametersRef<'a>,
}

/// Bound values borrowed: `count` entries in `bytes`, laid out as in [`SerializedValues`].
/// Lets the values of many statements share one buffer (a batch serialized in one go).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ValuesRef<'a> {
    /// Number of values.
    pub count: u16,
    /// Whether each value is preceded by its name.
    pub named: bool,
    /// The encoded entries.
    pub bytes: &'a [u8],
}

impl<'a> From<&'a SerializedValues> for ValuesRef<'a> {
    fn from(v: &'a SerializedValues) -> Self {
        ValuesRef {
            count: v.count,
            named: v.named,
            bytes: &v.bytes,
        }
    }
}

/// One statement of a borrowed BATCH.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchStatementRef<'a> {
    /// A CQL string with its values.
    Query {
        /// CQL text.
        query: &'a str,
        /// Bound values (positional only).
        values: ValuesRef<'a>,
    },
    /// A prepared statement id with its values.
    Prepared {
        /// Prepared statement id.
        id: &'a [u8],
        /// Bound values (positional only).
        values: ValuesRef<'a>,
    },
}

/// A BATCH borrowed: see [`super::Batch`] for the fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchRef<'a> {
    /// Logged, unlogged or counter.
    pub batch_type: BatchType,
    /// The statements, in order.
    pub statements: &'a [BatchStatementRef<'a>],
    /// Consistency level.
    pub consistency: Consistency,
    /// Serial consistency (0x10).
    pub serial_consistency: Option<Consistency>,
    /// Client-side timestamp (0x20).
    pub timestamp: Option<i64>,
    /// Keyspace (v5 only, 0x80).
    pub keyspace: Option<&'a str>,
    /// Server "now" override (v5 only, 0x100).
    pub now_in_seconds: Option<i32>,
}

/// Any request, either an owned message or one of the borrowed views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestRef<'a> {
    /// An owned message.
    Owned(&'a Request),
    /// A borrowed QUERY.
    Query(QueryRef<'a>),
    /// A borrowed EXECUTE.
    Execute(ExecuteRef<'a>),
    /// A borrowed BATCH.
    Batch(BatchRef<'a>),
}

impl RequestRef<'_> {
    /// The opcode this request is sent with.
    pub fn opcode(&self) -> Opcode {
        match self {
            RequestRef::Owned(r) => r.opcode(),
            RequestRef::Query(_) => Opcode::Query,
            RequestRef::Execute(_) => Opcode::Execute,
            RequestRef::Batch(_) => Opcode::Batch,
        }
    }

    /// Appends the message body (without frame header, tracing or custom payload).
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        match self {
            RequestRef::Owned(r) => r.encode(version, out),
            RequestRef::Query(q) => q.encode(version, out),
            RequestRef::Execute(e) => e.encode(version, out),
            RequestRef::Batch(b) => b.encode(version, out),
        }
    }
}

impl<'a> From<&'a Request> for RequestRef<'a> {
    fn from(r: &'a Request) -> Self {
        RequestRef::Owned(r)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Batch, BatchStatement, Execute, Query, QueryParameters, RawValue};
    use super::*;
    use bytes::Bytes;

    fn values() -> SerializedValues {
        let mut v = SerializedValues::new();
        v.push(RawValue::Value(&[0, 0, 0, 7])).expect("fits");
        v.push(RawValue::Null).expect("fits");
        v
    }

    fn encode(r: RequestRef<'_>, version: ProtocolVersion) -> Vec<u8> {
        let mut out = Vec::new();
        r.encode(version, &mut out).expect("encodes");
        out
    }

    /// A view built by hand (as the driver does) writes the same bytes as the owned message,
    /// and the owned message decodes them back.
    #[test]
    fn views_write_what_the_owned_messages_write() {
        let v = values();
        let params = QueryParameters {
            consistency: Consistency::LocalQuorum,
            values: v.clone(),
            page_size: Some(100),
            paging_state: Some(Bytes::from_static(b"state")),
            timestamp: Some(42),
            keyspace: Some("ks".into()),
            ..QueryParameters::default()
        };
        let by_hand = QueryParametersRef {
            page_size: Some(100),
            paging_state: Some(b"state"),
            timestamp: Some(42),
            keyspace: Some("ks"),
            ..QueryParametersRef::new(Consistency::LocalQuorum, &v)
        };
        let execute = Execute {
            id: Bytes::from_static(b"id"),
            result_metadata_id: Some(Bytes::from_static(b"md")),
            params: params.clone(),
        };
        let view = ExecuteRef {
            id: b"id",
            result_metadata_id: Some(b"md"),
            params: by_hand,
        };
        let bytes = encode(RequestRef::Execute(view), ProtocolVersion::V5);
        assert_eq!(
            bytes,
            encode(
                (&Request::Execute(execute.clone())).into(),
                ProtocolVersion::V5
            )
        );
        assert_eq!(Execute::decode(ProtocolVersion::V5, &bytes), Ok(execute));

        let query = Query {
            query: "SELECT 1".into(),
            params,
        };
        let bytes = encode(
            RequestRef::Query(QueryRef {
                query: "SELECT 1",
                params: by_hand,
            }),
            ProtocolVersion::V5,
        );
        assert_eq!(Query::decode(ProtocolVersion::V5, &bytes), Ok(query));

        let batch = Batch {
            batch_type: BatchType::Unlogged,
            statements: vec![
                BatchStatement::Query {
                    query: "INSERT".into(),
                    values: v.clone(),
                },
                BatchStatement::Prepared {
                    id: Bytes::from_static(b"p"),
                    values: v.clone(),
                },
            ],
            consistency: Consistency::One,
            serial_consistency: None,
            timestamp: Some(7),
            keyspace: None,
            now_in_seconds: None,
        };
        let statements = [
            BatchStatementRef::Query {
                query: "INSERT",
                values: (&v).into(),
            },
            BatchStatementRef::Prepared {
                id: b"p",
                values: (&v).into(),
            },
        ];
        let bytes = encode(
            RequestRef::Batch(BatchRef {
                batch_type: BatchType::Unlogged,
                statements: &statements,
                consistency: Consistency::One,
                serial_consistency: None,
                timestamp: Some(7),
                keyspace: None,
                now_in_seconds: None,
            }),
            ProtocolVersion::V4,
        );
        assert_eq!(Batch::decode(ProtocolVersion::V4, &bytes), Ok(batch));
    }

    #[test]
    fn views_refuse_what_the_version_cannot_carry() {
        let v = values();
        let params = QueryParametersRef {
            keyspace: Some("ks"),
            ..QueryParametersRef::new(Consistency::One, &v)
        };
        let mut out = Vec::new();
        let err = RequestRef::Query(QueryRef {
            query: "SELECT 1",
            params,
        })
        .encode(ProtocolVersion::V4, &mut out);
        assert_eq!(
            err,
            Err(EncodeError::Unsupported {
                what: "per-request keyspace",
                version: 4
            })
        );
        let err = RequestRef::Execute(ExecuteRef {
            id: b"id",
            result_metadata_id: None,
            params: QueryParametersRef::new(Consistency::One, &v),
        })
        .encode(ProtocolVersion::V5, &mut out);
        assert!(matches!(
            err,
            Err(EncodeError::Invalid {
                what: "EXECUTE",
                ..
            })
        ));
    }
}

//! The responses the responder precomputes, built with the protocol crate's response types
//! and envelope encoder, then kept as bare bodies (plain and v4-LZ4) to replay per request
//! with only the header written anew.

use bytes::Bytes;
use cassia_protocol::compression::Compression;
use cassia_protocol::envelope::ResponseFrame;
use cassia_protocol::frame::{HEADER_LEN, ProtocolVersion};
use cassia_protocol::response::{
    ColumnSpec, ErrorKind, Prepared, PreparedMetadata, Response, ResultBody, ResultMetadata, Rows,
    RowsBuilder, ServerError,
};
use cassia_protocol::types::ColumnType;
use cassia_protocol::value::CqlValue;
use cassia_protocol::wire::EncodeError;

/// A body ready to send both plain and v4-LZ4-compressed.
#[derive(Debug, Clone)]
pub(crate) struct Body {
    /// Uncompressed body.
    pub(crate) plain: Bytes,
    /// v4 LZ4 form (length prefix + block), computed once.
    pub(crate) lz4: Bytes,
}

/// Why a precomputed body could not be built (a bug in the responder's tables).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum BodyError {
    /// The protocol crate refused to encode a response.
    #[error("encoding a {what} response: {source}")]
    Encode {
        /// Which response.
        what: &'static str,
        /// Cause.
        source: EncodeError,
    },
    /// A value did not fit its column type.
    #[error("value for column {column}: {source}")]
    Value {
        /// Column name.
        column: String,
        /// Cause.
        source: cassia_protocol::value::SerializeError,
    },
    /// LZ4 compression failed.
    #[error("compressing a {what} body: {detail}")]
    Compress {
        /// Which response.
        what: &'static str,
        /// Cause.
        detail: String,
    },
}

impl Body {
    /// Encodes `response` for `version` and keeps its body in both forms.
    pub(crate) fn of(
        version: ProtocolVersion,
        what: &'static str,
        response: Response,
    ) -> Result<Self, BodyError> {
        let frame = ResponseFrame::new(0, response)
            .encode(version)
            .map_err(|source| BodyError::Encode { what, source })?;
        let plain = Bytes::from(frame).slice(HEADER_LEN..);
        let lz4 = Compression::Lz4
            .compress(&plain)
            .map_err(|e| BodyError::Compress {
                what,
                detail: e.to_string(),
            })?
            .into();
        Ok(Body { plain, lz4 })
    }
}

/// Column name and wire type.
pub(crate) type Col = (String, ColumnType);

fn specs(ks: &str, table: &str, cols: &[Col]) -> Vec<ColumnSpec> {
    cols.iter()
        .map(|(name, typ)| ColumnSpec {
            keyspace: ks.to_string(),
            table: table.to_string(),
            name: name.clone(),
            typ: typ.clone(),
        })
        .collect()
}

/// Result metadata; `no_metadata` keeps the count but drops the specs (flag 0x0004).
fn metadata(ks: &str, table: &str, cols: &[Col], no_metadata: bool) -> ResultMetadata {
    ResultMetadata {
        column_count: cols.len(),
        paging_state: None,
        new_metadata_id: None,
        columns: if no_metadata {
            Default::default()
        } else {
            specs(ks, table, cols).into()
        },
    }
}

/// RESULT Rows of `data` (one `Option<CqlValue>` per column; `None` is null).
pub(crate) fn rows(
    ks: &str,
    table: &str,
    cols: &[Col],
    data: &[Vec<Option<CqlValue>>],
    no_metadata: bool,
) -> Result<Response, BodyError> {
    let mut b = RowsBuilder::new(metadata(ks, table, cols, no_metadata));
    let mut cell = Vec::new();
    for row in data {
        for ((name, typ), value) in cols.iter().zip(row) {
            match value {
                None => b.push_null(),
                Some(v) => {
                    cell.clear();
                    v.serialize(typ, &mut cell)
                        .map_err(|source| BodyError::Value {
                            column: name.clone(),
                            source,
                        })?;
                    b.push_value(&cell).map_err(|source| BodyError::Encode {
                        what: "rows",
                        source,
                    })?;
                }
            }
        }
    }
    let rows: Rows = b.finish().map_err(|source| BodyError::Encode {
        what: "rows",
        source,
    })?;
    Ok(Response::Result(ResultBody::Rows(rows)))
}

/// RESULT Prepared (`result_metadata_id` only in v5).
pub(crate) fn prepared(
    id: &Bytes,
    result_metadata_id: Option<&Bytes>,
    ks: &str,
    table: &str,
    binds: &[Col],
    pk_indexes: &[u16],
    result_cols: &[Col],
) -> Response {
    Response::Result(ResultBody::Prepared(Prepared {
        id: id.clone(),
        result_metadata_id: result_metadata_id.cloned(),
        metadata: PreparedMetadata {
            pk_indexes: pk_indexes.to_vec(),
            columns: specs(ks, table, binds),
        },
        result_metadata: metadata(ks, table, result_cols, false),
    }))
}

/// An ERROR response.
pub(crate) fn error(kind: ErrorKind, message: impl Into<String>) -> Response {
    Response::Error(ServerError {
        kind,
        message: message.into(),
    })
}

/// SUPPORTED, as Cassandra 4.0 advertises it (minus snappy, which the responder lacks).
pub(crate) fn supported() -> Response {
    let entry = |k: &str, vs: &[&str]| (k.to_string(), vs.iter().map(|v| v.to_string()).collect());
    Response::Supported(vec![
        entry("PROTOCOL_VERSIONS", &["3/v3", "4/v4", "5/v5"]),
        entry("COMPRESSION", &["lz4"]),
        entry("CQL_VERSION", &["3.4.5"]),
    ])
}

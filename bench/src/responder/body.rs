//! Encoders for the RESULT/ERROR/SUPPORTED bodies the responder precomputes.
//!
//! Bodies are built once with the protocol crate's `wire` writers, `[option]` type codec and
//! `CqlValue` codec, then replayed from memory for every request.

use bytes::Bytes;
use cassia_protocol::types::{ColumnType, write_type};
use cassia_protocol::value::CqlValue;
use cassia_protocol::wire::{EncodeError, put_i32, put_short_bytes, put_string, put_u16};

use crate::codec::encode::compress_body;

/// A body ready to send both plain and v4-LZ4-compressed.
#[derive(Debug, Clone)]
pub(crate) struct Body {
    /// Uncompressed body.
    pub(crate) plain: Bytes,
    /// v4 LZ4 form (length prefix + block).
    pub(crate) lz4: Bytes,
}

impl Body {
    /// Precomputes both forms.
    pub(crate) fn new(plain: Vec<u8>) -> Self {
        let lz4 = compress_body(&plain).into();
        Body {
            plain: plain.into(),
            lz4,
        }
    }
}

/// Why a precomputed body could not be built (a bug in the responder's tables).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum BodyError {
    /// A protocol notation could not be written.
    #[error("encoding {what}: {source}")]
    Encode {
        /// What was being encoded.
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
}

fn enc(what: &'static str) -> impl Fn(EncodeError) -> BodyError {
    move |source| BodyError::Encode { what, source }
}

/// Column name and wire type.
pub(crate) type Col = (String, ColumnType);

/// Result `<metadata>` with a global table spec (flag 0x0001), or No_metadata (0x0004).
pub(crate) fn put_metadata(
    out: &mut Vec<u8>,
    ks: &str,
    table: &str,
    cols: &[Col],
    no_metadata: bool,
) -> Result<(), BodyError> {
    put_i32(out, if no_metadata { 0x0004 } else { 0x0001 });
    put_i32(out, cols.len() as i32);
    if no_metadata {
        return Ok(());
    }
    put_string(out, ks, "keyspace").map_err(enc("keyspace"))?;
    put_string(out, table, "table").map_err(enc("table"))?;
    for (name, typ) in cols {
        put_string(out, name, "column name").map_err(enc("column name"))?;
        write_type(typ, out).map_err(enc("column type"))?;
    }
    Ok(())
}

/// RESULT Rows: metadata then rows of optional values.
pub(crate) fn rows(
    ks: &str,
    table: &str,
    cols: &[Col],
    data: &[Vec<Option<CqlValue>>],
    no_metadata: bool,
) -> Result<Vec<u8>, BodyError> {
    let mut out = Vec::with_capacity(64 + data.len() * cols.len() * 16);
    put_i32(&mut out, 2);
    put_metadata(&mut out, ks, table, cols, no_metadata)?;
    put_i32(&mut out, data.len() as i32);
    let mut cell = Vec::new();
    for row in data {
        for ((name, typ), value) in cols.iter().zip(row) {
            match value {
                None => put_i32(&mut out, -1),
                Some(v) => {
                    cell.clear();
                    v.serialize(typ, &mut cell)
                        .map_err(|source| BodyError::Value {
                            column: name.clone(),
                            source,
                        })?;
                    put_i32(&mut out, cell.len() as i32);
                    out.extend_from_slice(&cell);
                }
            }
        }
    }
    Ok(out)
}

/// RESULT Prepared (v5 adds the result metadata id).
#[allow(clippy::too_many_arguments)]
pub(crate) fn prepared(
    v5: bool,
    id: &[u8],
    result_metadata_id: &[u8],
    ks: &str,
    table: &str,
    binds: &[Col],
    pk_indexes: &[u16],
    result_cols: &[Col],
) -> Result<Vec<u8>, BodyError> {
    let mut out = Vec::with_capacity(256);
    put_i32(&mut out, 4);
    put_short_bytes(&mut out, id, "prepared id").map_err(enc("prepared id"))?;
    if v5 {
        put_short_bytes(&mut out, result_metadata_id, "result metadata id")
            .map_err(enc("result metadata id"))?;
    }
    put_i32(&mut out, 0x0001);
    put_i32(&mut out, binds.len() as i32);
    put_i32(&mut out, pk_indexes.len() as i32);
    for &i in pk_indexes {
        put_u16(&mut out, i);
    }
    put_string(&mut out, ks, "keyspace").map_err(enc("keyspace"))?;
    put_string(&mut out, table, "table").map_err(enc("table"))?;
    for (name, typ) in binds {
        put_string(&mut out, name, "bind name").map_err(enc("bind name"))?;
        write_type(typ, &mut out).map_err(enc("bind type"))?;
    }
    if result_cols.is_empty() {
        put_i32(&mut out, 0x0004);
        put_i32(&mut out, 0);
    } else {
        put_metadata(&mut out, ks, table, result_cols, false)?;
    }
    Ok(out)
}

/// RESULT Void.
pub(crate) fn void() -> Vec<u8> {
    1i32.to_be_bytes().to_vec()
}

/// RESULT Set_keyspace.
pub(crate) fn set_keyspace(ks: &str) -> Result<Vec<u8>, BodyError> {
    let mut out = 3i32.to_be_bytes().to_vec();
    put_string(&mut out, ks, "keyspace").map_err(enc("keyspace"))?;
    Ok(out)
}

/// ERROR with a code and message (no extra fields: used for Invalid/Protocol/Server errors).
pub(crate) fn error(code: i32, message: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + message.len());
    put_i32(&mut out, code);
    if put_string(&mut out, message, "error message").is_err() {
        put_u16(&mut out, 0);
    }
    out
}

/// ERROR Unprepared (0x2500) carrying the unknown id.
pub(crate) fn unprepared(id: &[u8]) -> Vec<u8> {
    let mut out = error(0x2500, "Prepared query with ID not found (bench responder)");
    if put_short_bytes(&mut out, id, "id").is_err() {
        put_u16(&mut out, 0);
    }
    out
}

/// SUPPORTED, as Cassandra 4.0 advertises it.
pub(crate) fn supported() -> Vec<u8> {
    let mut out = Vec::new();
    let entries: [(&str, &[&str]); 3] = [
        ("PROTOCOL_VERSIONS", &["3/v3", "4/v4", "5/v5"]),
        ("COMPRESSION", &["lz4"]),
        ("CQL_VERSION", &["3.4.5"]),
    ];
    put_u16(&mut out, entries.len() as u16);
    for (k, vs) in entries {
        // Static ASCII well under 64 KiB: these writes cannot fail.
        let _ = put_string(&mut out, k, "key");
        put_u16(&mut out, vs.len() as u16);
        for v in vs {
            let _ = put_string(&mut out, v, "value");
        }
    }
    out
}

//! Native protocol v3, served on top of the v4 codec.
//!
//! Cassandra 4.0 still accepts v3 (the Python driver's cqlengine and older drivers use it).
//! Its frames have v4's 9-byte header and its request bodies are a subset of v4's, so rather
//! than teach the shared protocol crate (and with it the driver) a third version, the
//! connection reads a v3 frame as v4 and turns each v4 reply back into what 4.0 sends a v3
//! client:
//! - no warnings and no custom payload (both new in v4);
//! - the error codes v3 lacks replaced as 4.0's `ErrorMessage` does (read/write failures
//!   become timeouts, a function failure an invalid request);
//! - the types v3 lacks (date, time, smallint, tinyint) described as custom types by their
//!   Java class, as 4.0's `DataType` does for an older version;
//! - prepared metadata without the partition key indexes (added in v4).

use cassia_protocol::envelope::ResponseFrame;
use cassia_protocol::frame::HEADER_LEN;
use cassia_protocol::response::{
    ColumnSpec, ErrorKind, Response, ResultBody, ResultMetadata, ServerError,
};
use cassia_protocol::types::ColumnType;

/// The version number this module serves.
pub(crate) const V3: u8 = 3;

/// `reply` reshaped for a v3 client; still to be encoded as v4, passed through
/// [`drop_pk_indexes`], and given the v3 version byte once framed.
pub(crate) fn adapt(reply: &ResponseFrame) -> ResponseFrame {
    let mut out = reply.clone();
    out.warnings.clear();
    out.custom_payload = None;
    match &mut out.response {
        Response::Error(e) => *e = adapt_error(e),
        Response::Result(ResultBody::Rows(rows)) => adapt_metadata(&mut rows.metadata),
        Response::Result(ResultBody::Prepared(p)) => {
            adapt_columns(&mut p.metadata.columns);
            adapt_metadata(&mut p.result_metadata);
        }
        _ => {}
    }
    out
}

/// Drops the partition key indexes from a Prepared result encoded as v4 (uncompressed),
/// fixing the frame's length; other frames are left alone.
pub(crate) fn drop_pk_indexes(frame: &mut Vec<u8>) {
    // RESULT (0x08) kind Prepared (4): <id><flags><columns_count><pk_count><pk_index>*...
    if frame.get(4) != Some(&0x08) {
        return;
    }
    let tracing = frame.get(1).is_some_and(|f| f & 0x02 != 0);
    let body = HEADER_LEN + if tracing { 16 } else { 0 };
    let read_u32 = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(*frame.get(at..at + 4)?.first_chunk()?))
    };
    if read_u32(body) != Some(4) {
        return;
    }
    let Some(id_len) = frame
        .get(body + 4..body + 6)
        .map(|b| u16::from_be_bytes([b[0], b[1]]) as usize)
    else {
        return;
    };
    let pk_at = body + 6 + id_len + 8;
    let Some(pk_count) = read_u32(pk_at) else {
        return;
    };
    let end = pk_at + 4 + 2 * pk_count as usize;
    if end > frame.len() {
        return;
    }
    frame.drain(pk_at..end);
    let length = (frame.len() - HEADER_LEN) as u32;
    if let Some(len) = frame.get_mut(5..9) {
        len.copy_from_slice(&length.to_be_bytes());
    }
}

/// 4.0's `ErrorMessage.getBackwardsCompatibleException` for versions before v4.
fn adapt_error(e: &ServerError) -> ServerError {
    let kind = match &e.kind {
        ErrorKind::ReadFailure {
            consistency,
            received,
            block_for,
            data_present,
            ..
        } => ErrorKind::ReadTimeout {
            consistency: *consistency,
            received: *received,
            block_for: *block_for,
            data_present: *data_present,
        },
        ErrorKind::WriteFailure {
            consistency,
            received,
            block_for,
            write_type,
            ..
        } => ErrorKind::WriteTimeout {
            consistency: *consistency,
            received: *received,
            block_for: *block_for,
            write_type: write_type.clone(),
            contentions: None,
        },
        ErrorKind::FunctionFailure { .. } => ErrorKind::Invalid,
        other => other.clone(),
    };
    ServerError {
        kind,
        message: e.message.clone(),
    }
}

fn adapt_metadata(metadata: &mut ResultMetadata) {
    adapt_columns(std::sync::Arc::make_mut(&mut metadata.columns).as_mut_slice());
}

fn adapt_columns(columns: &mut [ColumnSpec]) {
    for column in columns {
        column.typ = adapt_type(&column.typ);
    }
}

/// The v3 description of a type: those added in v4 become custom types.
fn adapt_type(typ: &ColumnType) -> ColumnType {
    let custom =
        |class: &str| ColumnType::Custom(format!("org.apache.cassandra.db.marshal.{class}"));
    match typ {
        ColumnType::Date => custom("SimpleDateType"),
        ColumnType::Time => custom("TimeType"),
        ColumnType::SmallInt => custom("ShortType"),
        ColumnType::TinyInt => custom("ByteType"),
        ColumnType::List(e) => ColumnType::List(Box::new(adapt_type(e))),
        ColumnType::Set(e) => ColumnType::Set(Box::new(adapt_type(e))),
        ColumnType::Map(k, v) => ColumnType::Map(Box::new(adapt_type(k)), Box::new(adapt_type(v))),
        ColumnType::Tuple(items) => ColumnType::Tuple(items.iter().map(adapt_type).collect()),
        ColumnType::Udt {
            keyspace,
            name,
            fields,
        } => ColumnType::Udt {
            keyspace: keyspace.clone(),
            name: name.clone(),
            fields: fields
                .iter()
                .map(|(n, t)| (n.clone(), adapt_type(t)))
                .collect(),
        },
        other => other.clone(),
    }
}

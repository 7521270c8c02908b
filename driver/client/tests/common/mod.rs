//! Shared helpers for the driver's integration tests.
#![allow(dead_code)]

pub mod emulator;
pub mod mock;
pub mod schema_rows;

use bytes::Bytes;
use cassia_protocol::response::{ColumnSpec, Response, ResultBody, ResultMetadata, RowsBuilder};
use cassia_protocol::types::ColumnType;

/// A column spec in keyspace `ks`, table `t`.
pub fn col(name: &str, typ: ColumnType) -> ColumnSpec {
    ColumnSpec {
        keyspace: "ks".into(),
        table: "t".into(),
        name: name.into(),
        typ,
    }
}

/// A Rows result with the given columns and int cells, and an optional paging state.
pub fn int_rows(columns: &[&str], rows: &[Vec<Option<i32>>], paging: Option<&[u8]>) -> Response {
    let metadata = ResultMetadata {
        column_count: columns.len(),
        paging_state: paging.map(Bytes::copy_from_slice),
        new_metadata_id: None,
        columns: std::sync::Arc::new(columns.iter().map(|c| col(c, ColumnType::Int)).collect()),
    };
    let mut b = RowsBuilder::new(metadata);
    for row in rows {
        for cell in row {
            match cell {
                Some(v) => b.push_value(&v.to_be_bytes()).expect("cell fits"),
                None => b.push_null(),
            }
        }
    }
    Response::Result(ResultBody::Rows(b.finish().expect("whole rows")))
}

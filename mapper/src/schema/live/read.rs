//! Reading a [`LiveKeyspace`] from `system_schema`: one partition read per schema table
//! (`WHERE keyspace_name = ?`), every page of it.
//!
//! `system_schema.tables` and `dropped_columns` are read with `SELECT *` and by column name,
//! because their option columns differ between Cassandra versions (4.0 added
//! `additional_write_policy`, `read_repair` and `cdc`; 5.0 adds more): a column the server
//! does not have is left `None` instead of failing the read.

use std::collections::BTreeMap;

use cassia_driver::error::RowDecodeError;
use cassia_driver::{CqlValue, FromRow, Row, Session};

use super::{
    LiveColumn, LiveDroppedColumn, LiveIndex, LiveKeyspace, LiveTable, LiveTableOptions, LiveType,
};
use crate::exec::ExecError;

type StringMap = BTreeMap<String, String>;
/// `durable_writes, replication`.
type KeyspaceRow = (Option<bool>, Option<StringMap>);
/// `table_name, index_name, kind, options`.
type IndexRow = (String, String, String, Option<StringMap>);
/// `type_name, field_names, field_types`.
type TypeRow = (String, Option<Vec<String>>, Option<Vec<String>>);
/// `table_name, column_name, kind, position, clustering_order, type`.
type ColumnRow = (String, String, String, i32, String, String);

/// Reads everything `system_schema` says about `keyspace`; `None` when it does not exist.
///
/// Tables, columns, indexes and types come back sorted by name, as `system_schema` stores
/// them. Runs six single-partition queries; call it again after DDL to see the changes.
pub async fn read_keyspace(
    session: &Session,
    keyspace: &str,
) -> Result<Option<LiveKeyspace>, ExecError> {
    let rows: Vec<KeyspaceRow> = all(
        session,
        "SELECT durable_writes, replication FROM system_schema.keyspaces WHERE keyspace_name = ?",
        keyspace,
    )
    .await?;
    let Some((durable_writes, replication)) = rows.into_iter().next() else {
        return Ok(None);
    };
    let mut live = LiveKeyspace {
        name: keyspace.to_owned(),
        replication: replication.unwrap_or_default(),
        durable_writes: durable_writes.unwrap_or(true),
        tables: Vec::new(),
        types: Vec::new(),
    };

    let tables: Vec<Row> = all(
        session,
        "SELECT * FROM system_schema.tables WHERE keyspace_name = ?",
        keyspace,
    )
    .await?;
    for row in &tables {
        let Some(name) = cell(row, "table_name", "String", text)? else {
            continue;
        };
        let mut table = LiveTable::new(name);
        table.options = table_options(row)?;
        live.tables.push(table);
    }
    live.tables.sort_by(|a, b| a.name.cmp(&b.name));

    let columns: Vec<ColumnRow> = all(
        session,
        "SELECT table_name, column_name, kind, position, clustering_order, type \
         FROM system_schema.columns WHERE keyspace_name = ?",
        keyspace,
    )
    .await?;
    for (table, name, kind, position, clustering_order, cql_type) in columns {
        if let Some(t) = table_mut(&mut live, &table) {
            t.columns.push(LiveColumn {
                name,
                kind,
                position,
                clustering_order,
                cql_type,
            });
        }
    }

    let indexes: Vec<IndexRow> = all(
        session,
        "SELECT table_name, index_name, kind, options FROM system_schema.indexes \
         WHERE keyspace_name = ?",
        keyspace,
    )
    .await?;
    for (table, name, kind, options) in indexes {
        let options = options.unwrap_or_default();
        if let Some(t) = table_mut(&mut live, &table) {
            t.indexes.push(LiveIndex {
                name,
                kind,
                target: options.get("target").cloned().unwrap_or_default(),
                options,
            });
        }
    }

    let dropped: Vec<Row> = all(
        session,
        "SELECT * FROM system_schema.dropped_columns WHERE keyspace_name = ?",
        keyspace,
    )
    .await?;
    for row in &dropped {
        let (Some(table), Some(name)) = (
            cell(row, "table_name", "String", text)?,
            cell(row, "column_name", "String", text)?,
        ) else {
            continue;
        };
        let column = LiveDroppedColumn {
            name,
            kind: cell(row, "kind", "String", text)?.unwrap_or_default(),
            cql_type: cell(row, "type", "String", text)?.unwrap_or_default(),
        };
        if let Some(t) = table_mut(&mut live, &table) {
            t.dropped_columns.push(column);
        }
    }

    let types: Vec<TypeRow> = all(
        session,
        "SELECT type_name, field_names, field_types FROM system_schema.types \
         WHERE keyspace_name = ?",
        keyspace,
    )
    .await?;
    for (name, names, field_types) in types {
        let fields = names
            .unwrap_or_default()
            .into_iter()
            .zip(field_types.unwrap_or_default())
            .collect();
        live.types.push(LiveType { name, fields });
    }
    live.types.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Some(live))
}

fn table_mut<'a>(live: &'a mut LiveKeyspace, name: &str) -> Option<&'a mut LiveTable> {
    live.tables.iter_mut().find(|t| t.name == name)
}

/// Every row of every page of `cql` bound to `keyspace`.
async fn all<T: FromRow>(
    session: &Session,
    cql: &str,
    keyspace: &str,
) -> Result<Vec<T>, ExecError> {
    let mut stream = session
        .query_iter(cql, (keyspace,))
        .await?
        .rows_stream::<T>();
    let mut out = Vec::new();
    while let Some(row) = stream.next_row().await {
        out.push(row?);
    }
    Ok(out)
}

fn table_options(row: &Row) -> Result<LiveTableOptions, ExecError> {
    Ok(LiveTableOptions {
        additional_write_policy: cell(row, "additional_write_policy", "String", text)?,
        bloom_filter_fp_chance: cell(row, "bloom_filter_fp_chance", "f64", double)?,
        caching: cell(row, "caching", "map<text, text>", text_map)?,
        cdc: cell(row, "cdc", "bool", boolean)?,
        comment: cell(row, "comment", "String", text)?,
        compaction: cell(row, "compaction", "map<text, text>", text_map)?,
        compression: cell(row, "compression", "map<text, text>", text_map)?,
        crc_check_chance: cell(row, "crc_check_chance", "f64", double)?,
        default_time_to_live: cell(row, "default_time_to_live", "i32", int)?,
        extensions: cell(row, "extensions", "map<text, blob>", blob_map)?,
        gc_grace_seconds: cell(row, "gc_grace_seconds", "i32", int)?,
        max_index_interval: cell(row, "max_index_interval", "i32", int)?,
        memtable_flush_period_in_ms: cell(row, "memtable_flush_period_in_ms", "i32", int)?,
        min_index_interval: cell(row, "min_index_interval", "i32", int)?,
        read_repair: cell(row, "read_repair", "String", text)?,
        speculative_retry: cell(row, "speculative_retry", "String", text)?,
    })
}

/// The value of column `name`: `None` when the row has no such column or it is null; an
/// error naming the column when the value has an unexpected type.
fn cell<T>(
    row: &Row,
    name: &str,
    rust_type: &'static str,
    read: fn(&CqlValue) -> Option<T>,
) -> Result<Option<T>, ExecError> {
    let Ok(Some(value)) = row.get(name) else {
        return Ok(None);
    };
    read(value).map(Some).ok_or_else(|| {
        ExecError::Decode(RowDecodeError::Column {
            column: name.to_owned(),
            cql_type: value_type(value).to_owned(),
            rust_type,
            detail: "unexpected type in system_schema".to_owned(),
        })
    })
}

fn text(v: &CqlValue) -> Option<String> {
    match v {
        CqlValue::Text(s) | CqlValue::Ascii(s) => Some(s.clone()),
        _ => None,
    }
}

fn int(v: &CqlValue) -> Option<i32> {
    match v {
        CqlValue::Int(i) => Some(*i),
        _ => None,
    }
}

fn double(v: &CqlValue) -> Option<f64> {
    match v {
        CqlValue::Double(d) => Some(*d),
        CqlValue::Float(f) => Some(f64::from(*f)),
        _ => None,
    }
}

fn boolean(v: &CqlValue) -> Option<bool> {
    match v {
        CqlValue::Boolean(b) => Some(*b),
        _ => None,
    }
}

fn text_map(v: &CqlValue) -> Option<BTreeMap<String, String>> {
    match v {
        CqlValue::Map(entries) => entries
            .iter()
            .map(|(k, v)| Some((text(k)?, text(v)?)))
            .collect(),
        _ => None,
    }
}

fn blob_map(v: &CqlValue) -> Option<BTreeMap<String, Vec<u8>>> {
    match v {
        CqlValue::Map(entries) => entries
            .iter()
            .map(|(k, v)| match v {
                CqlValue::Blob(b) => Some((text(k)?, b.clone())),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// A short name of the value's type, for the error message.
fn value_type(v: &CqlValue) -> &'static str {
    match v {
        CqlValue::Text(_) | CqlValue::Ascii(_) => "text",
        CqlValue::Int(_) => "int",
        CqlValue::BigInt(_) => "bigint",
        CqlValue::Double(_) => "double",
        CqlValue::Float(_) => "float",
        CqlValue::Boolean(_) => "boolean",
        CqlValue::Blob(_) => "blob",
        CqlValue::Map(_) => "map",
        CqlValue::List(_) => "list",
        CqlValue::Set(_) => "set",
        _ => "another type",
    }
}

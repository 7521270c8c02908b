//! Runtime helpers called from the code `#[derive(Model)]` generates: polymorphic models
//! (enums of models sharing one table through a discriminator column), and reading the
//! null cell of an empty collection.

use cassia_protocol::response::ColumnSpec;
use cassia_protocol::row::FromRowError;
use cassia_protocol::types::ColumnType;
use cassia_protocol::value::{DeserializeError, DeserializeValue, SerializeError};

use crate::model::Model;
use crate::schema::{ColumnSchema, IndexKind, TableSchema};
use crate::types::CqlType;

/// The union of the variants' tables: the first variant's keyspace, name and options, each
/// column once (first declaration wins), and the discriminator column (indexed, as
/// cqlengine requires for querying a variant).
pub fn merge_schemas(discriminator: &str, parts: &[&TableSchema]) -> TableSchema {
    let mut merged = match parts.first() {
        Some(first) => {
            let mut t = TableSchema::new(first.keyspace.as_deref(), first.name.clone());
            t.options = first.options.clone();
            t
        }
        None => TableSchema::new(None, ""),
    };
    for part in parts {
        for c in &part.columns {
            if merged.column(&c.name).is_none() {
                merged.columns.push(c.clone());
            }
        }
    }
    if merged.column(discriminator).is_none() {
        merged
            .columns
            .push(ColumnSchema::new(discriminator, CqlType::Text).index(IndexKind::Values));
    }
    merged.discriminator = Some(discriminator.to_owned());
    merged
}

/// Writes `row`'s value of the column called `name`; `false` if its model has none.
pub fn write_by_name<M: Model>(
    row: &M,
    name: &str,
    typ: &ColumnType,
    out: &mut Vec<u8>,
) -> Result<bool, SerializeError> {
    match M::schema().columns.iter().position(|c| c.name == name) {
        Some(index) => row.write_column(index, typ, out),
        None => Ok(false),
    }
}

/// Cassandra stores an empty collection as no cell at all, so it reads back as null. For
/// a field that is not an `Option`, a null collection cell is read as an empty collection
/// (cqlengine does the same), instead of failing.
pub fn empty_collection_if_null<'c>(
    nullable: bool,
    typ: &ColumnType,
    cell: Option<&'c [u8]>,
) -> Option<&'c [u8]> {
    const EMPTY: [u8; 4] = [0; 4];
    match cell {
        None if !nullable && typ.is_collection() => Some(&EMPTY),
        other => other,
    }
}

/// Position of the discriminator column in a result.
pub fn find_discriminator(columns: &[ColumnSpec], name: &str) -> Result<usize, FromRowError> {
    columns
        .iter()
        .position(|c| c.name == name)
        .ok_or_else(|| FromRowError::NoSuchColumn {
            column: name.to_owned(),
        })
}

/// The discriminator value of a row.
pub fn read_discriminator(
    columns: &[ColumnSpec],
    cells: &[Option<&[u8]>],
    name: &str,
) -> Result<String, FromRowError> {
    let index = find_discriminator(columns, name)?;
    let (Some(spec), Some(cell)) = (columns.get(index), cells.get(index)) else {
        return Err(FromRowError::MissingCells {
            cells: cells.len(),
            columns: columns.len(),
        });
    };
    String::deserialize_value(&spec.typ, *cell).map_err(|e| FromRowError::column(index, spec, e))
}

/// The error for a discriminator value no variant claims.
pub fn unknown_discriminator(columns: &[ColumnSpec], name: &str, value: &str) -> FromRowError {
    match columns.iter().enumerate().find(|(_, c)| c.name == name) {
        Some((index, spec)) => FromRowError::column(
            index,
            spec,
            DeserializeError::malformed(
                &spec.typ,
                format!("no variant has discriminator value '{value}'"),
            ),
        ),
        None => FromRowError::NoSuchColumn {
            column: name.to_owned(),
        },
    }
}

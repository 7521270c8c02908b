//! System tables the catalog generates (`system.local`, `system.peers*`, `system_schema.*`,
//! the virtual tables): their rows are materialized into a scratch table so SELECT runs
//! through the same path as for user tables (restrictions, selection, paging). Also the
//! refusals of writes to virtual tables, which Cassandra 4.0 serves from code only.

use bytes::Bytes;
use cassia_protocol::response::ServerError;
use cassia_protocol::value::CqlValue;

use super::modify::WritePlan;
use super::schema::Table;
use crate::catalog::{ColumnKind, invalid, quote_ident};
use crate::store::compare::{elements, map_elements};
use crate::store::{Cell, ClusteringKey, ElemKey, TableData, partition_key_bytes};

/// A scratch copy of `rows` (each in the table's column order) laid out like stored data.
pub(crate) fn materialize(table: &Table, rows: &[Vec<Option<CqlValue>>]) -> TableData {
    let mut data = TableData::new(table.layout.clone());
    for row in rows {
        let cell = |i: usize| -> Option<Bytes> {
            let v = row.get(i)?.as_ref()?;
            let typ = &table.cols.get(i)?.typ;
            let mut out = Vec::new();
            // A value the catalog built for its own column type always serializes; skip it
            // (null cell) rather than fail the whole system query if not.
            v.serialize(typ, &mut out).ok()?;
            Some(Bytes::from(out))
        };
        let pk: Vec<Bytes> = table
            .pk
            .iter()
            .map(|i| cell(*i).unwrap_or_default())
            .collect();
        let refs: Vec<&[u8]> = pk.iter().map(|b| b.as_ref()).collect();
        let key = partition_key_bytes(&refs);
        let ck: Vec<Bytes> = table
            .ck
            .iter()
            .map(|i| cell(*i).unwrap_or_default())
            .collect();
        let partition = data.partition_mut(TableData::position(key));
        let ck_key = ClusteringKey {
            parts: ck,
            layout: table.layout.clone(),
        };
        partition
            .row_mut(ck_key.clone())
            .write_marker(Cell::live(0, 0, 0, Bytes::new()));
        for (i, col) in table.cols.iter().enumerate() {
            if col.kind.is_primary_key() {
                continue;
            }
            let Some(v) = cell(i) else { continue };
            let target = if col.kind == ColumnKind::Static {
                &mut partition.static_row
            } else {
                partition.row_mut(ck_key.clone())
            };
            match &col.elem_key {
                None => target.write_cell(col.id, Cell::live(0, 0, 0, v)),
                Some(kt) => {
                    let is_map = matches!(col.typ, cassia_protocol::types::ColumnType::Map(..));
                    let items = if is_map {
                        map_elements(&v)
                    } else {
                        elements(&v)
                    };
                    let is_set = matches!(col.typ, cassia_protocol::types::ColumnType::Set(_));
                    if is_map {
                        for kv in items.chunks_exact(2) {
                            let k = ElemKey {
                                bytes: Bytes::copy_from_slice(kv[0]),
                                typ: kt.clone(),
                            };
                            target.write_elem(
                                col.id,
                                k,
                                Cell::live(0, 0, 0, Bytes::copy_from_slice(kv[1])),
                            );
                        }
                    } else {
                        for (n, it) in items.iter().enumerate() {
                            let (k, val) = if is_set {
                                (Bytes::copy_from_slice(it), Bytes::new())
                            } else {
                                (
                                    Bytes::copy_from_slice(&(n as i64).to_be_bytes()),
                                    Bytes::copy_from_slice(it),
                                )
                            };
                            target.write_elem(
                                col.id,
                                ElemKey {
                                    bytes: k,
                                    typ: kt.clone(),
                                },
                                Cell::live(0, 0, 0, val),
                            );
                        }
                    }
                }
            }
        }
    }
    data
}

/// Whether `table` is a virtual table (`system_views.*`, `system_virtual_schema.*`).
pub(crate) fn is_virtual(table: &Table) -> bool {
    table.def.is_system && crate::catalog::is_virtual_keyspace(table.keyspace())
}

/// `DeleteStatement`'s refusal, raised while preparing (before any other check of the
/// statement's WHERE clause).
pub(crate) fn refuse_virtual_delete(table: &Table) -> Result<(), ServerError> {
    if is_virtual(table) {
        return Err(invalid("Virtual tables don't support DELETE statements"));
    }
    Ok(())
}

/// What 4.0 answers an INSERT or UPDATE of a virtual table: `ModificationStatement.validate`
/// refuses a TTL, then conditions; anything else reaches the table, and 4.0's tables
/// (`AbstractVirtualTable.apply`) refuse every modification.
pub(crate) fn refuse_virtual_write(w: &WritePlan) -> Result<(), ServerError> {
    if !is_virtual(&w.table) {
        return Ok(());
    }
    if w.ttl.is_some() {
        return Err(invalid(
            "Expiring columns are not supported by virtual tables",
        ));
    }
    if w.condition.is_some() {
        return Err(invalid(
            "Conditional updates are not supported by virtual tables",
        ));
    }
    // `TableMetadata.toString()`: the names as CQL writes them.
    Err(invalid(format!(
        "Modification is not supported by table {}.{}",
        quote_ident(w.table.keyspace()),
        quote_ident(w.table.name())
    )))
}

/// `TruncateStatement.execute`: virtual tables are never truncated.
pub(crate) fn refuse_virtual_truncate(table: &Table) -> Result<(), ServerError> {
    if is_virtual(table) {
        return Err(invalid("Cannot truncate virtual tables"));
    }
    Ok(())
}

/// `BatchStatement.validate`'s rules on virtual tables, checked after its counter rules: no
/// virtual table in a logged batch, no mix with regular tables, no conditions.
pub(crate) fn check_virtual_batch<'a>(
    logged: bool,
    children: impl Iterator<Item = &'a WritePlan>,
) -> Result<(), ServerError> {
    let (mut virtuals, mut regulars, mut conditional) = (false, false, false);
    for w in children {
        if is_virtual(&w.table) {
            virtuals = true;
        } else {
            regulars = true;
        }
        conditional |= w.condition.is_some();
    }
    if logged && virtuals {
        return Err(invalid(
            "Cannot include a virtual table statement in a logged batch",
        ));
    }
    if virtuals && regulars {
        return Err(invalid(
            "Mutations for virtual and regular tables cannot exist in the same batch",
        ));
    }
    if conditional && virtuals {
        return Err(invalid(
            "Conditional BATCH statements cannot include mutations for virtual tables",
        ));
    }
    Ok(())
}

//! ALTER TABLE: ADD / DROP / RENAME columns, `WITH` options, and the refused `ALTER TYPE`.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use cassia_protocol::response::{SchemaChangeType, ServerError};
use cassia_protocol::types::ColumnType;

use crate::cql::ast::{AlterTable, AlterTableOp, ColumnDef as AstColumn, CqlType, NativeType};

use super::super::errors::{config, invalid};
use super::super::model::{ColumnDef, ColumnKind, DroppedColumn, KeyspaceDef, TableDef};
use super::super::render::quote_ident;
use super::super::types::{render, resolve};
use super::super::{Catalog, DdlOutcome, keyspace_of};
use super::table::check_non_frozen_udt;
use super::{Perm, authorize, ensure_modifiable, table_change};

pub(super) fn alter(
    catalog: &mut Catalog,
    stmt: &AlterTable,
    current: Option<&str>,
) -> Result<DdlOutcome, ServerError> {
    let ks_name = keyspace_of(&stmt.name, current)?.to_owned();
    let table_name = &stmt.name.name;
    authorize(&ks_name, Some(table_name), Perm::Alter)?;
    let Some((ks, table)) = catalog
        .keyspaces
        .get(&ks_name)
        .and_then(|ks| ks.tables.get(table_name).map(|t| (ks, t)))
    else {
        if stmt.if_exists {
            return Ok(DdlOutcome::unchanged());
        }
        return Err(invalid(format!(
            "Table '{ks_name}.{table_name}' doesn't exist"
        )));
    };
    ensure_modifiable(ks)?;
    let mut new = TableDef::clone(table);
    match &stmt.op {
        AlterTableOp::Add(columns) => add_columns(ks, &mut new, columns)?,
        AlterTableOp::Drop(columns) => drop_columns(&mut new, columns)?,
        AlterTableOp::Rename(pairs) => rename_columns(&mut new, pairs)?,
        AlterTableOp::AlterType(..) => {
            return Err(invalid("Altering column types is no longer supported"));
        }
        AlterTableOp::Options(options) => {
            new.options.apply(options)?;
            if new.is_counter && new.options.default_time_to_live > 0 {
                return Err(invalid(
                    "Cannot set default_time_to_live on a table with counters",
                ));
            }
        }
    }
    if let Some(ks) = catalog.keyspace_mut(&ks_name) {
        ks.tables.insert(table_name.clone(), Arc::new(new));
    }
    Ok(DdlOutcome::single(table_change(
        SchemaChangeType::Updated,
        &ks_name,
        table_name,
    )))
}

fn qualified(table: &TableDef) -> String {
    format!("{}.{}", table.keyspace, table.name)
}

fn add_columns(
    ks: &KeyspaceDef,
    table: &mut TableDef,
    columns: &[AstColumn],
) -> Result<(), ServerError> {
    for col in columns {
        let (declared, wire) = resolve(&col.typ, ks)?;
        if table.column(&col.name).is_some() {
            return Err(invalid(format!(
                "Column with name '{}' already exists",
                col.name
            )));
        }
        if table.compact_storage {
            return Err(invalid("Cannot add new column to a COMPACT STORAGE table"));
        }
        if col.is_static && table.clustering_len() == 0 {
            return Err(invalid(
                "Static columns are only useful (and thus allowed) if the table has at least one clustering column",
            ));
        }
        check_non_frozen_udt(&declared, ks, Some(&col.name))?;
        if let Some(dropped) = table.dropped_columns.iter().find(|d| d.name == col.name) {
            if !value_compatible(&declared, &dropped.declared) {
                return Err(invalid(format!(
                    "Cannot re-add previously dropped column '{}' of type {}, incompatible with previous type {}",
                    col.name,
                    render(&declared),
                    render(&dropped.declared)
                )));
            }
            let was_static = dropped.kind == ColumnKind::Static;
            if was_static != col.is_static {
                let kind = |s: bool| if s { "STATIC" } else { "REGULAR" };
                return Err(invalid(format!(
                    "Cannot re-add previously dropped column '{}' of kind {}, incompatible with previous kind {}",
                    col.name,
                    kind(col.is_static),
                    kind(was_static)
                )));
            }
            if table.is_counter {
                return Err(invalid(format!(
                    "Cannot re-add previously dropped counter column {}",
                    col.name
                )));
            }
        }
        let is_counter = wire == ColumnType::Counter;
        if table.is_counter && !is_counter {
            return Err(config(format!(
                "Cannot have a non counter column (\"{}\") in a counter table",
                col.name
            )));
        }
        if !table.is_counter && is_counter {
            return Err(config(format!(
                "Cannot have a counter column (\"{}\") in a non counter table",
                col.name
            )));
        }
        let kind = if col.is_static {
            ColumnKind::Static
        } else {
            ColumnKind::Regular
        };
        insert_sorted(
            table,
            ColumnDef {
                name: col.name.clone(),
                kind,
                typ: wire,
                declared,
            },
        );
    }
    Ok(())
}

/// Inserts a static/regular column at its place in `SELECT *` order.
fn insert_sorted(table: &mut TableDef, column: ColumnDef) {
    let rank = |k: ColumnKind| match k {
        ColumnKind::PartitionKey(_) | ColumnKind::Clustering(..) => 0,
        ColumnKind::Static => 1,
        ColumnKind::Regular => 2,
    };
    let r = rank(column.kind);
    let at = table
        .columns
        .iter()
        .position(|c| rank(c.kind) > r || (rank(c.kind) == r && c.name > column.name))
        .unwrap_or(table.columns.len());
    table.columns.insert(at, column);
}

fn drop_columns(table: &mut TableDef, columns: &[String]) -> Result<(), ServerError> {
    let now = now_micros();
    for name in columns {
        let Some(column) = table.column(name).cloned() else {
            return Err(invalid(format!(
                "Column {name} was not found in table '{}'",
                qualified(table)
            )));
        };
        if column.kind.is_primary_key() {
            return Err(invalid(format!("Cannot drop PRIMARY KEY column {name}")));
        }
        if matches!(column.declared, crate::cql::ast::CqlType::UserType(_)) {
            return Err(invalid(format!(
                "Cannot drop non-frozen column {name} of user type {}",
                render(&column.declared)
            )));
        }
        let dependent: Vec<&str> = table
            .indexes
            .iter()
            .filter(|i| &i.column == name)
            .map(|i| i.name.as_str())
            .collect();
        if !dependent.is_empty() {
            return Err(invalid(format!(
                "Cannot drop column {name} because it has dependent secondary indexes ({})",
                dependent.join(", ")
            )));
        }
        table.columns.retain(|c| &c.name != name);
        table.dropped_columns.retain(|d| &d.name != name);
        table.dropped_columns.push(DroppedColumn {
            name: name.clone(),
            declared: column.declared,
            dropped_time_micros: now,
            kind: column.kind,
        });
    }
    Ok(())
}

fn rename_columns(table: &mut TableDef, pairs: &[(String, String)]) -> Result<(), ServerError> {
    for (old, new) in pairs {
        let Some(column) = table.column(old) else {
            // Cassandra looks the column up with `getExistingColumn`, which fails first.
            return Err(invalid(format!(
                "Undefined column name {} in table {}",
                quote_ident(old),
                qualified(table)
            )));
        };
        if !column.kind.is_primary_key() {
            return Err(invalid(format!(
                "Cannot rename non PRIMARY KEY column {old}"
            )));
        }
        if table.column(new).is_some() {
            return Err(invalid(format!(
                "Cannot rename column {old} to {new} in table '{}'; another column with that name already exists",
                qualified(table)
            )));
        }
        let dependent: Vec<&str> = table
            .indexes
            .iter()
            .filter(|i| &i.column == old)
            .map(|i| i.name.as_str())
            .collect();
        if !dependent.is_empty() {
            return Err(invalid(format!(
                "Cannot rename column {old} because it has dependent secondary indexes ({})",
                dependent.join(", ")
            )));
        }
        if let Some(c) = table.columns.iter_mut().find(|c| &c.name == old) {
            c.name = new.clone();
        }
    }
    Ok(())
}

pub(super) fn now_micros() -> i64 {
    // Journaled: dropped-column times decide which old cells stay hidden.
    crate::durability::tape::int(wall_micros)
}

fn wall_micros() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `AbstractType.isValueCompatibleWith(previous)`: can cells written as `previous` be read
/// as `new`? blob reads anything, text reads ascii, varint reads int and bigint, bigint and
/// timestamp read each other; collections and frozen types must match in shape, with their
/// values compatible.
fn value_compatible(new: &CqlType, previous: &CqlType) -> bool {
    use NativeType as N;
    if new == previous {
        return true;
    }
    match (new, previous) {
        (CqlType::Native(N::Blob), _) => true,
        (CqlType::Native(n), CqlType::Native(p)) => matches!(
            (n, p),
            (N::Text, N::Ascii)
                | (N::Varint, N::Int | N::BigInt | N::Timestamp)
                | (N::BigInt, N::Timestamp)
                | (N::Timestamp, N::BigInt)
        ),
        (CqlType::List(n), CqlType::List(p)) => value_compatible(n, p),
        (CqlType::Set(n), CqlType::Set(p)) => n == p,
        (CqlType::Map(nk, nv), CqlType::Map(pk, pv)) => nk == pk && value_compatible(nv, pv),
        (CqlType::Frozen(n), CqlType::Frozen(p)) => value_compatible(n, p),
        _ => false,
    }
}

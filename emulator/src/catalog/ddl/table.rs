//! CREATE TABLE and DROP TABLE (ALTER TABLE lives in `alter_table.rs`), with Cassandra's
//! validation of primary keys, clustering order, static and counter columns.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use cassia_protocol::response::{SchemaChangeType, ServerError};
use cassia_protocol::types::ColumnType;
use uuid::Uuid;

use crate::cql::ast::{CqlType, CreateTable, NativeType, OptionValue, Order, QualifiedName};

use super::super::errors::{config, invalid, table_exists};
use super::super::model::{ColumnDef, ColumnKind, KeyspaceDef, TableDef};
use super::super::options::TableOptions;
use super::super::render::quote_ident;
use super::super::types::{references_duration, resolve, written};
use super::super::{Catalog, DdlOutcome, keyspace_of};
use super::keyspace::MAX_KEYSPACE_NAME;
use super::{Perm, authorize, ensure_modifiable, table_change};

pub(super) fn create(
    catalog: &mut Catalog,
    stmt: &CreateTable,
    current: Option<&str>,
) -> Result<DdlOutcome, ServerError> {
    let ks_name = keyspace_of(&stmt.name, current)?.to_owned();
    let table_name = &stmt.name.name;
    authorize(&ks_name, None, Perm::Create)?;
    let Some(ks) = catalog.keyspaces.get(&ks_name) else {
        return Err(invalid(format!("Keyspace '{ks_name}' doesn't exist")));
    };
    ensure_modifiable(ks)?;
    if ks.tables.contains_key(table_name) {
        if stmt.if_not_exists {
            return Ok(DdlOutcome::unchanged());
        }
        return Err(table_exists(&ks_name, table_name));
    }
    let table = build_table(ks, stmt)?;
    if let Some(ks) = catalog.keyspace_mut(&ks_name) {
        ks.tables.insert(table_name.clone(), Arc::new(table));
    }
    Ok(DdlOutcome::single(table_change(
        SchemaChangeType::Created,
        &ks_name,
        table_name,
    )))
}

pub(super) fn drop(
    catalog: &mut Catalog,
    name: &QualifiedName,
    if_exists: bool,
    current: Option<&str>,
) -> Result<DdlOutcome, ServerError> {
    let ks_name = keyspace_of(name, current)?.to_owned();
    authorize(&ks_name, Some(&name.name), Perm::Drop)?;
    let exists = catalog
        .keyspaces
        .get(&ks_name)
        .is_some_and(|ks| ks.tables.contains_key(&name.name));
    if !exists {
        if if_exists {
            return Ok(DdlOutcome::unchanged());
        }
        return Err(invalid(format!(
            "Table '{ks_name}.{}' doesn't exist",
            name.name
        )));
    }
    if let Some(ks) = catalog.keyspaces.get(&ks_name) {
        ensure_modifiable(ks)?;
    }
    if let Some(ks) = catalog.keyspace_mut(&ks_name) {
        ks.tables.remove(&name.name);
    }
    Ok(DdlOutcome::single(table_change(
        SchemaChangeType::Dropped,
        &ks_name,
        &name.name,
    )))
}

/// `TableMetadata.validate`: 1 to 48 (Java) characters matching `\w+`, which without
/// UNICODE_CHARACTER_CLASS is ASCII letters, digits and `_`. `TableMetadata.except` throws a
/// ConfigurationException prefixed with `ks.table: `.
pub(super) fn validate_table_name(keyspace: &str, name: &str) -> Result<(), ServerError> {
    let ok = !name.is_empty()
        && name.encode_utf16().count() <= MAX_KEYSPACE_NAME
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(config(format!(
            "{keyspace}.{name}: Table name must not be empty, more than {MAX_KEYSPACE_NAME} characters long, or contain non-alphanumeric-underscore characters (got \"{name}\")"
        )))
    }
}

fn display_name(name: &QualifiedName) -> String {
    match &name.keyspace {
        Some(ks) => format!("{ks}.{}", quote_ident(&name.name)),
        None => quote_ident(&name.name),
    }
}

pub(in crate::catalog) fn build_table(
    ks: &KeyspaceDef,
    stmt: &CreateTable,
) -> Result<TableDef, ServerError> {
    let table_name = &stmt.name.name;
    // Raw-statement checks come first in Cassandra (while parsing).
    let mut seen = HashSet::new();
    for col in &stmt.columns {
        if !seen.insert(col.name.as_str()) {
            return Err(invalid(format!(
                "Duplicate column '{}' declaration for table '{}'",
                col.name,
                display_name(&stmt.name)
            )));
        }
    }
    if stmt.partition_key.is_empty() {
        return Err(invalid(format!(
            "No PRIMARY KEY specifed for table '{}' (exactly one required)",
            display_name(&stmt.name)
        )));
    }
    // `WITH ID = <uuid>` picks the table id (used to recreate a table with its old id).
    let mut id = None;
    let mut rest = Vec::with_capacity(stmt.options.len());
    for (name, value) in &stmt.options {
        if name == "id" {
            let text = match value {
                OptionValue::Literal(l) => l.raw_text(),
                OptionValue::Identifier(i) => i.clone(),
                OptionValue::Map(_) => String::new(),
            };
            let parsed =
                Uuid::parse_str(&text).map_err(|_| config(format!("Invalid table id {text}")))?;
            id = Some(parsed);
        } else {
            rest.push((name.clone(), value.clone()));
        }
    }
    let options = TableOptions::for_new_table(&rest)?;

    // Resolve types in name order (Cassandra uses a sorted map), so errors come in its order.
    let mut resolved: BTreeMap<&str, (CqlType, ColumnType, bool)> = BTreeMap::new();
    let mut by_name: Vec<_> = stmt.columns.iter().collect();
    by_name.sort_by(|a, b| a.name.cmp(&b.name));
    for col in by_name {
        let (declared, wire) = resolve(&col.typ, ks)?;
        resolved.insert(col.name.as_str(), (declared, wire, col.is_static));
    }
    for (declared, _, _) in resolved.values() {
        check_non_frozen_udt(declared, ks, None)?;
    }

    let mut pk_seen = HashSet::new();
    for col in stmt.partition_key.iter().chain(&stmt.clustering) {
        let Some((declared, _, is_static)) = resolved.get(col.as_str()) else {
            return Err(invalid(format!(
                "Unknown column '{col}' referenced in PRIMARY KEY for table '{table_name}'"
            )));
        };
        if !pk_seen.insert(col.as_str()) {
            return Err(invalid(format!(
                "Duplicate column '{col}' in PRIMARY KEY clause for table '{table_name}'"
            )));
        }
        check_key_type(declared, col)?;
        if *is_static {
            return Err(invalid(format!(
                "Static column '{col}' cannot be part of the PRIMARY KEY"
            )));
        }
    }

    let order = clustering_order(stmt)?;
    let has_static = resolved.values().any(|(_, _, s)| *s);
    if stmt.clustering.is_empty() && has_static {
        return Err(invalid(
            "Static columns are only useful (and thus allowed) if the table has at least one clustering column",
        ));
    }
    let is_counter = stmt
        .columns
        .iter()
        .any(|c| c.typ == CqlType::Native(NativeType::Counter));
    if is_counter {
        let non_counter = resolved
            .iter()
            .filter(|(name, _)| !pk_seen.contains(*name))
            .any(|(_, (_, wire, _))| *wire != ColumnType::Counter);
        if non_counter {
            return Err(invalid(
                "Cannot mix counter and non counter columns in the same table",
            ));
        }
        if options.default_time_to_live > 0 {
            return Err(invalid(
                "Cannot set default_time_to_live on a table with counters",
            ));
        }
    }

    let mut columns = Vec::with_capacity(resolved.len());
    for (pos, name) in stmt.partition_key.iter().enumerate() {
        if let Some((declared, wire, _)) = resolved.remove(name.as_str()) {
            columns.push(column(name, ColumnKind::PartitionKey(pos), declared, wire));
        }
    }
    for (pos, name) in stmt.clustering.iter().enumerate() {
        if let Some((declared, wire, _)) = resolved.remove(name.as_str()) {
            let dir = order.get(pos).copied().unwrap_or(Order::Asc);
            columns.push(column(
                name,
                ColumnKind::Clustering(pos, dir),
                declared,
                wire,
            ));
        }
    }
    // What is left, by name: statics first, then regulars (SELECT * order).
    let (statics, regulars): (Vec<_>, Vec<_>) = resolved.into_iter().partition(|(_, (_, _, s))| *s);
    for (name, (declared, wire, _)) in statics {
        columns.push(column(name, ColumnKind::Static, declared, wire));
    }
    for (name, (declared, wire, _)) in regulars {
        columns.push(column(name, ColumnKind::Regular, declared, wire));
    }
    validate_table_name(&ks.name, table_name)?;

    Ok(TableDef {
        keyspace: ks.name.clone(),
        name: table_name.clone(),
        id: id.unwrap_or_else(new_table_id),
        columns,
        options,
        indexes: Vec::new(),
        dropped_columns: Vec::new(),
        is_counter,
        compact_storage: stmt.compact_storage,
        is_system: false,
    })
}

/// A time-based table id, as Cassandra generates them.
pub(super) fn new_table_id() -> Uuid {
    // Journaled, so a replayed CREATE TABLE gets the same id.
    crate::durability::tape::uuid(|| Uuid::now_v1(&[0x02, 0xca, 0x55, 0x1a, 0x00, 0x01]))
}

fn column(name: &str, kind: ColumnKind, declared: CqlType, typ: ColumnType) -> ColumnDef {
    ColumnDef {
        name: name.to_owned(),
        kind,
        typ,
        declared,
    }
}

/// The per-position clustering directions, checked against the clustering columns.
fn clustering_order(stmt: &CreateTable) -> Result<Vec<Order>, ServerError> {
    if stmt.clustering_order.len() > stmt.clustering.len() {
        return Err(invalid(
            "Only clustering columns can be defined in CLUSTERING ORDER directive",
        ));
    }
    let mut out = vec![Order::Asc; stmt.clustering.len()];
    for (n, (name, dir)) in stmt.clustering_order.iter().enumerate() {
        let Some(expected) = stmt.clustering.get(n) else {
            break;
        };
        if name != expected {
            if stmt.clustering_order.iter().any(|(c, _)| c == expected) {
                return Err(invalid(format!(
                    "The order of columns in the CLUSTERING ORDER directive must match that of the clustering columns ({expected} must appear before {name})"
                )));
            }
            return Err(invalid(format!(
                "Missing CLUSTERING ORDER for column {expected}"
            )));
        }
        if let Some(slot) = out.get_mut(n) {
            *slot = *dir;
        }
    }
    Ok(out)
}

/// Cassandra's restrictions on primary key column types.
pub(super) fn check_key_type(declared: &CqlType, column: &str) -> Result<(), ServerError> {
    match declared {
        CqlType::List(_) | CqlType::Set(_) | CqlType::Map(..) => {
            return Err(invalid(format!(
                "Invalid non-frozen collection type {} for PRIMARY KEY column '{column}'",
                written(declared)
            )));
        }
        CqlType::UserType(_) => {
            return Err(invalid(format!(
                "Invalid non-frozen user-defined type {} for PRIMARY KEY column '{column}'",
                written(declared)
            )));
        }
        CqlType::Native(NativeType::Counter) => {
            return Err(invalid(format!(
                "counter type is not supported for PRIMARY KEY column '{column}'"
            )));
        }
        _ => {}
    }
    if references_duration(declared) {
        return Err(invalid(format!(
            "duration type is not supported for PRIMARY KEY column '{column}'"
        )));
    }
    Ok(())
}

/// A non-frozen UDT column may not have non-frozen collection (or UDT) fields.
pub(super) fn check_non_frozen_udt(
    declared: &CqlType,
    ks: &KeyspaceDef,
    column: Option<&str>,
) -> Result<(), ServerError> {
    let CqlType::UserType(name) = declared else {
        return Ok(());
    };
    let Some(udt) = ks.types.get(&name.name) else {
        return Ok(());
    };
    let nested = udt.fields.iter().any(|(_, t)| {
        matches!(
            t,
            CqlType::List(_) | CqlType::Set(_) | CqlType::Map(..) | CqlType::UserType(_)
        )
    });
    if nested {
        return Err(invalid(match column {
            None => {
                "Non-frozen UDTs with nested non-frozen collections are not supported".to_owned()
            }
            Some(c) => format!(
                "Non-frozen UDTs with nested non-frozen collections are not supported for column {c}"
            ),
        }));
    }
    Ok(())
}

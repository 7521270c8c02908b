//! CREATE / DROP INDEX, with Cassandra's rules for collection targets
//! (`keys`, `values`, `entries`, `full`) and its default index names.

use std::collections::BTreeMap;
use std::sync::Arc;

use cassia_protocol::response::{SchemaChangeType, ServerError};

use crate::cql::ast::{CqlType, CreateIndex, IndexTarget, QualifiedName};

use super::super::errors::invalid;
use super::super::model::{ColumnDef, ColumnKind, IndexClass, IndexDef, IndexTargetKind, TableDef};
use super::super::render::quote_ident;
use super::super::types::references_duration;
use super::super::{Catalog, DdlOutcome, keyspace_of};
use super::sai;
use super::{Perm, authorize, ensure_modifiable, table_change};

pub(super) fn create(
    catalog: &mut Catalog,
    stmt: &CreateIndex,
    current: Option<&str>,
) -> Result<DdlOutcome, ServerError> {
    let ks_name = keyspace_of(&stmt.table, current)?.to_owned();
    let table_name = &stmt.table.name;
    authorize(&ks_name, Some(table_name), Perm::Alter)?;
    validate_attributes(stmt)?;
    let Some(ks) = catalog.keyspaces.get(&ks_name) else {
        return Err(invalid(format!("Keyspace '{ks_name}' doesn't exist")));
    };
    ensure_modifiable(ks)?;
    let Some(table) = ks.tables.get(table_name) else {
        return Err(invalid(format!("Table '{table_name}' doesn't exist")));
    };
    if let Some(name) = &stmt.name
        && ks.index(name).is_some()
    {
        if stmt.if_not_exists {
            return Ok(DdlOutcome::unchanged());
        }
        return Err(invalid(format!("Index '{name}' already exists")));
    }
    if table.is_counter {
        return Err(invalid(
            "Secondary indexes on counter tables aren't supported",
        ));
    }
    let (column_name, written_kind) = match &stmt.target {
        IndexTarget::Column(c) => (c, IndexTargetKind::Simple),
        IndexTarget::Keys(c) => (c, IndexTargetKind::Keys),
        IndexTarget::Values(c) => (c, IndexTargetKind::Values),
        IndexTarget::Entries(c) => (c, IndexTargetKind::Entries),
        IndexTarget::Full(c) => (c, IndexTargetKind::Full),
    };
    let Some(column) = table.column(column_name) else {
        return Err(invalid(format!(
            "Undefined column name {} in table {}.{}",
            quote_ident(column_name),
            quote_ident(&ks_name),
            quote_ident(table_name)
        )));
    };
    // A plain target on a collection means its values (kept for backwards compatibility).
    let kind = if written_kind == IndexTargetKind::Simple && column.typ.is_collection() {
        IndexTargetKind::Values
    } else {
        written_kind
    };
    validate_target(table, column, kind)?;

    let name = match &stmt.name {
        Some(n) => n.clone(),
        None => available_name(catalog, &ks_name, table_name, column_name),
    };
    // `USING 'legacy_local_table'` (5.0) names the built-in index; any other class, with or
    // without CUSTOM, makes a custom one (`CREATE INDEX ... USING 'sai'`).
    let class = match &stmt.custom_class {
        Some(c) if c.eq_ignore_ascii_case("legacy_local_table") => IndexClass::Composites,
        Some(c) => IndexClass::Custom(c.clone()),
        None => IndexClass::Composites,
    };
    let options: BTreeMap<String, String> = if matches!(class, IndexClass::Custom(_)) {
        stmt.options
            .iter()
            .map(|(k, v)| (k.raw_text(), v.raw_text()))
            .collect()
    } else {
        BTreeMap::new()
    };
    let index = IndexDef {
        name,
        column: column_name.clone(),
        target: kind,
        class,
        options,
    };
    if let Some(existing) = table.indexes.iter().find(|i| {
        i.column == index.column
            && i.target == index.target
            && i.class == index.class
            && i.options == index.options
    }) {
        if stmt.if_not_exists {
            return Ok(DdlOutcome::unchanged());
        }
        return Err(invalid(format!(
            "Index {} is a duplicate of existing index {}",
            index.name, existing.name
        )));
    }
    let warnings = if sai::is_sai_index(&index) {
        sai::validate(table, column, kind, &index.options)?
    } else {
        Vec::new()
    };
    let mut new = TableDef::clone(table);
    new.indexes.push(index);
    if let Some(ks) = catalog.keyspace_mut(&ks_name) {
        ks.tables.insert(table_name.clone(), Arc::new(new));
    }
    let mut outcome = DdlOutcome::single(table_change(
        SchemaChangeType::Updated,
        &ks_name,
        table_name,
    ));
    outcome.warnings = warnings;
    Ok(outcome)
}

/// Cassandra's checks on `USING` / `WITH OPTIONS` (before anything is looked up).
fn validate_attributes(stmt: &CreateIndex) -> Result<(), ServerError> {
    if stmt.custom_class.is_none() && !stmt.options.is_empty() {
        return Err(invalid("Cannot specify options for a non-CUSTOM index"));
    }
    if stmt
        .options
        .iter()
        .any(|(k, _)| k.raw_text() == "class_name")
    {
        return Err(invalid("Cannot specify class_name as a CUSTOM option"));
    }
    // `enable_sasi_indexes` is false in 4.0's shipped cassandra.yaml (SASI is experimental);
    // CreateIndexStatement refuses it before looking at the keyspace.
    if stmt.custom_class.as_deref() == Some("org.apache.cassandra.index.sasi.SASIIndex") {
        return Err(invalid(
            "SASI indexes are disabled. Enable in cassandra.yaml to use.",
        ));
    }
    Ok(())
}

fn kind_name(kind: IndexTargetKind) -> &'static str {
    match kind {
        IndexTargetKind::Keys => "keys",
        IndexTargetKind::Values => "values",
        IndexTargetKind::Entries => "entries",
        IndexTargetKind::Full => "full",
        IndexTargetKind::Simple => "simple",
    }
}

fn validate_target(
    table: &TableDef,
    column: &ColumnDef,
    kind: IndexTargetKind,
) -> Result<(), ServerError> {
    let name = &column.name;
    if references_duration(&column.declared) {
        let what = match unfrozen(&column.declared) {
            CqlType::List(_) | CqlType::Set(_) | CqlType::Map(..) => {
                "collections containing durations"
            }
            CqlType::Tuple(_) => "tuples containing durations",
            CqlType::UserType(_) => "UDTs containing durations",
            _ => "duration columns",
        };
        return Err(invalid(format!(
            "Secondary indexes are not supported on {what}"
        )));
    }
    if matches!(column.kind, ColumnKind::PartitionKey(_)) && table.partition_key_len() == 1 {
        return Err(invalid(format!(
            "Cannot create secondary index on the only partition key column {name}"
        )));
    }
    let is_collection = column.typ.is_collection();
    let frozen_collection = is_collection && column.is_frozen();
    if frozen_collection && kind != IndexTargetKind::Full {
        return Err(invalid(format!(
            "Cannot create {}() index on frozen column {name}. Frozen collections are immutable and must be fully indexed by using the 'full({name})' modifier",
            kind_name(kind)
        )));
    }
    if !frozen_collection && kind == IndexTargetKind::Full {
        return Err(invalid(
            "full() indexes can only be created on frozen collections",
        ));
    }
    if !is_collection && kind != IndexTargetKind::Simple {
        return Err(invalid(format!(
            "Cannot create {}() index on {name}. Non-collection columns only support simple indexes",
            kind_name(kind)
        )));
    }
    let multi_cell_map = matches!(column.declared, CqlType::Map(..));
    if !multi_cell_map && matches!(kind, IndexTargetKind::Keys | IndexTargetKind::Entries) {
        return Err(invalid(format!(
            "Cannot create index on {} of column {name} with non-map type",
            kind_name(kind)
        )));
    }
    if matches!(column.declared, CqlType::UserType(_)) {
        return Err(invalid(format!(
            "Cannot create index on non-frozen UDT column {name}"
        )));
    }
    Ok(())
}

fn unfrozen(t: &CqlType) -> &CqlType {
    match t {
        CqlType::Frozen(inner) => unfrozen(inner),
        other => other,
    }
}

/// `<table>_<column>_idx` without non-word characters, suffixed `_1`, `_2`... if taken
/// anywhere in the keyspace.
fn available_name(catalog: &Catalog, keyspace: &str, table: &str, column: &str) -> String {
    let base: String = format!("{table}_{column}_idx")
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let taken = |n: &str| {
        catalog
            .keyspaces
            .get(keyspace)
            .is_some_and(|ks| ks.index(n).is_some())
    };
    if !taken(&base) {
        return base;
    }
    let mut i = 1;
    loop {
        let candidate = format!("{base}_{i}");
        if !taken(&candidate) {
            return candidate;
        }
        i += 1;
    }
}

pub(super) fn drop(
    catalog: &mut Catalog,
    name: &QualifiedName,
    if_exists: bool,
    current: Option<&str>,
) -> Result<DdlOutcome, ServerError> {
    let ks_name = keyspace_of(name, current)?.to_owned();
    let found = catalog
        .keyspaces
        .get(&ks_name)
        .and_then(|ks| ks.index(&name.name).map(|(t, _)| (ks, Arc::clone(t))));
    if let Some((_, t)) = &found {
        authorize(&ks_name, Some(&t.name), Perm::Alter)?;
    }
    let Some((ks, table)) = found else {
        if if_exists {
            return Ok(DdlOutcome::unchanged());
        }
        return Err(invalid(format!(
            "Index '{ks_name}.{}' doesn't exist",
            name.name
        )));
    };
    ensure_modifiable(ks)?;
    let mut new = TableDef::clone(&table);
    new.indexes.retain(|i| i.name != name.name);
    if let Some(ks) = catalog.keyspace_mut(&ks_name) {
        ks.tables.insert(table.name.clone(), Arc::new(new));
    }
    Ok(DdlOutcome::single(table_change(
        SchemaChangeType::Updated,
        &ks_name,
        &table.name,
    )))
}

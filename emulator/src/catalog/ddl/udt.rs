//! CREATE / ALTER / DROP TYPE (user-defined types).
//!
//! A user type's wire form embeds its fields, so after `ALTER TYPE` every table column of the
//! keyspace gets its wire type recomputed.

use std::collections::HashSet;
use std::sync::Arc;

use cassia_protocol::response::{SchemaChangeType, ServerError};

use crate::cql::ast::{AlterType, AlterTypeOp, CqlType, CreateType, NativeType, QualifiedName};

use super::super::errors::invalid;
use super::super::model::{KeyspaceDef, UdtDef};
use super::super::types::{references_user_type, resolve, wire_type, written};
use super::super::{Catalog, DdlOutcome, keyspace_of};
use super::{Perm, authorize, ensure_modifiable, table_change, type_change};

pub(super) fn create(
    catalog: &mut Catalog,
    stmt: &CreateType,
    current: Option<&str>,
) -> Result<DdlOutcome, ServerError> {
    let ks_name = keyspace_of(&stmt.name, current)?.to_owned();
    authorize(&ks_name, None, Perm::Create)?;
    let name = &stmt.name.name;
    let Some(ks) = catalog.keyspaces.get(&ks_name) else {
        return Err(invalid(format!("Keyspace '{ks_name}' doesn't exist")));
    };
    ensure_modifiable(ks)?;
    if ks.types.contains_key(name) {
        if stmt.if_not_exists {
            return Ok(DdlOutcome::unchanged());
        }
        return Err(invalid(format!(
            "A user type with name '{name}' already exists"
        )));
    }
    let mut used = HashSet::new();
    for (field, _) in &stmt.fields {
        if !used.insert(field.as_str()) {
            return Err(invalid(format!(
                "Duplicate field name '{field}' in type '{name}'"
            )));
        }
    }
    for (_, typ) in &stmt.fields {
        check_field_type(typ)?;
    }
    let mut fields = Vec::with_capacity(stmt.fields.len());
    for (field, typ) in &stmt.fields {
        let (declared, _) = resolve(typ, ks)?;
        fields.push((field.clone(), declared));
    }
    let udt = UdtDef {
        keyspace: ks_name.clone(),
        name: name.clone(),
        fields,
    };
    if let Some(ks) = catalog.keyspace_mut(&ks_name) {
        ks.types.insert(name.clone(), Arc::new(udt));
    }
    Ok(DdlOutcome::single(type_change(
        SchemaChangeType::Created,
        &ks_name,
        name,
    )))
}

fn check_field_type(typ: &CqlType) -> Result<(), ServerError> {
    match typ {
        CqlType::Native(NativeType::Counter) => Err(invalid("A user type cannot contain counters")),
        CqlType::UserType(_) => Err(invalid("A user type cannot contain non-frozen UDTs")),
        _ => Ok(()),
    }
}

pub(super) fn alter(
    catalog: &mut Catalog,
    stmt: &AlterType,
    current: Option<&str>,
) -> Result<DdlOutcome, ServerError> {
    let ks_name = keyspace_of(&stmt.name, current)?.to_owned();
    authorize(&ks_name, None, Perm::Alter)?;
    let name = &stmt.name.name;
    let Some((ks, udt)) = catalog
        .keyspaces
        .get(&ks_name)
        .and_then(|ks| ks.types.get(name).map(|t| (ks, t)))
    else {
        return Err(invalid(format!("Type {ks_name}.{name} doesn't exist")));
    };
    ensure_modifiable(ks)?;
    let cql_name = format!("{ks_name}.{name}");
    let mut new = UdtDef::clone(udt);
    match &stmt.op {
        AlterTypeOp::Add(field, typ) => {
            if new.field(field).is_some() {
                return Err(invalid(format!(
                    "Cannot add field {field} to type {cql_name}: a field with name {field} already exists"
                )));
            }
            check_field_type(typ)?;
            let (declared, _) = resolve(typ, ks)?;
            if references_user_type(&declared, &ks_name, name) {
                return Err(invalid(format!(
                    "Cannot add new field {field} of type {} to user type {cql_name} as it would create a circular reference",
                    written(typ)
                )));
            }
            let in_partition_key: Vec<String> = ks
                .tables
                .values()
                .filter(|t| {
                    t.partition_key()
                        .any(|c| references_user_type(&c.declared, &ks_name, name))
                })
                .map(|t| format!("{}.{}", t.keyspace, t.name))
                .collect();
            if !in_partition_key.is_empty() {
                return Err(invalid(format!(
                    "Cannot add new field {field} of type {} to user type {cql_name} as the type is being used in partition key by the following tables: {}",
                    written(typ),
                    in_partition_key.join(", ")
                )));
            }
            new.fields.push((field.clone(), declared));
        }
        AlterTypeOp::Rename(pairs) => {
            for (old, renamed) in pairs {
                let Some(slot) = new.fields.iter_mut().find(|(f, _)| f == old) else {
                    // Cassandra's message has this spelling.
                    return Err(invalid(format!(
                        "Unkown field {old} in user type {cql_name}"
                    )));
                };
                slot.0 = renamed.clone();
            }
            let mut seen = HashSet::new();
            for (field, _) in &new.fields {
                if !seen.insert(field.as_str()) {
                    // Cassandra formats this message with the keyspace in the type's place.
                    return Err(invalid(format!(
                        "Duplicate field name {field} in type {ks_name}"
                    )));
                }
            }
        }
    }
    let mut events = vec![type_change(SchemaChangeType::Updated, &ks_name, name)];
    if let Some(ks) = catalog.keyspace_mut(&ks_name) {
        ks.types.insert(name.clone(), Arc::new(new));
        // Cassandra announces every type nesting the altered one, then every table whose
        // columns use any of them.
        for t in ks.types.values() {
            if &t.name != name
                && t.fields
                    .iter()
                    .any(|(_, f)| references_user_type(f, &ks_name, name))
            {
                events.push(type_change(SchemaChangeType::Updated, &ks_name, &t.name));
            }
        }
        for table in refresh_wire_types(ks)? {
            events.push(table_change(SchemaChangeType::Updated, &ks_name, &table));
        }
    }
    Ok(DdlOutcome {
        change: events.first().cloned(),
        events,
        warnings: Vec::new(),
    })
}

/// Recomputes the wire type of every column of the keyspace (user types embed their fields),
/// returning the names of the tables that changed.
fn refresh_wire_types(ks: &mut KeyspaceDef) -> Result<Vec<String>, ServerError> {
    let mut updated = Vec::new();
    for (name, table) in &ks.tables {
        let mut changed = None;
        for (i, column) in table.columns.iter().enumerate() {
            let wire = wire_type(&column.declared, ks)?;
            if wire != column.typ {
                let t = changed.get_or_insert_with(|| (**table).clone());
                if let Some(c) = t.columns.get_mut(i) {
                    c.typ = wire;
                }
            }
        }
        if let Some(t) = changed {
            updated.push((name.clone(), t));
        }
    }
    let names = updated.iter().map(|(n, _)| n.clone()).collect();
    for (name, table) in updated {
        ks.tables.insert(name, Arc::new(table));
    }
    Ok(names)
}

pub(super) fn drop(
    catalog: &mut Catalog,
    name: &QualifiedName,
    if_exists: bool,
    current: Option<&str>,
) -> Result<DdlOutcome, ServerError> {
    let ks_name = keyspace_of(name, current)?.to_owned();
    authorize(&ks_name, None, Perm::Drop)?;
    let type_name = &name.name;
    let Some(ks) = catalog
        .keyspaces
        .get(&ks_name)
        .filter(|ks| ks.types.contains_key(type_name))
    else {
        if if_exists {
            return Ok(DdlOutcome::unchanged());
        }
        return Err(invalid(format!(
            "Type '{ks_name}.{type_name}' doesn't exist"
        )));
    };
    ensure_modifiable(ks)?;
    let types: Vec<&str> = ks
        .types
        .values()
        .filter(|t| {
            t.fields
                .iter()
                .any(|(_, f)| references_user_type(f, &ks_name, type_name))
        })
        .map(|t| t.name.as_str())
        .collect();
    if !types.is_empty() {
        return Err(invalid(format!(
            "Cannot drop user type '{ks_name}.{type_name}' as it is still used by user types {}",
            types.join(", ")
        )));
    }
    let tables: Vec<&str> = ks
        .tables
        .values()
        .filter(|t| {
            t.columns
                .iter()
                .any(|c| references_user_type(&c.declared, &ks_name, type_name))
        })
        .map(|t| t.name.as_str())
        .collect();
    if !tables.is_empty() {
        return Err(invalid(format!(
            "Cannot drop user type '{ks_name}.{type_name}' as it is still used by tables {}",
            tables.join(", ")
        )));
    }
    if let Some(ks) = catalog.keyspace_mut(&ks_name) {
        ks.types.remove(type_name);
    }
    Ok(DdlOutcome::single(type_change(
        SchemaChangeType::Dropped,
        &ks_name,
        type_name,
    )))
}

//! DDL execution: dispatches each schema statement to the module handling its object kind.

mod alter_table;
mod index;
mod keyspace;
pub(crate) mod sai;
pub(super) mod table;
mod udt;

pub(crate) use keyspace::parse_bool;

use cassia_protocol::response::{SchemaChange, SchemaChangeTarget, SchemaChangeType, ServerError};

use crate::cql::ast::Statement;

use super::errors::{invalid, unauthorized};
use super::model::{KeyspaceDef, KeyspaceKind};
use super::{Catalog, DdlOutcome};

pub(super) fn is_ddl(stmt: &Statement) -> bool {
    matches!(
        stmt,
        Statement::CreateKeyspace(_)
            | Statement::AlterKeyspace(_)
            | Statement::DropKeyspace { .. }
            | Statement::CreateTable(_)
            | Statement::AlterTable(_)
            | Statement::DropTable { .. }
            | Statement::CreateType(_)
            | Statement::AlterType(_)
            | Statement::DropType { .. }
            | Statement::CreateIndex(_)
            | Statement::DropIndex { .. }
    )
}

pub(super) fn apply(
    catalog: &mut Catalog,
    stmt: &Statement,
    current: Option<&str>,
) -> Result<DdlOutcome, ServerError> {
    match stmt {
        Statement::CreateKeyspace(s) => keyspace::create(catalog, s),
        Statement::AlterKeyspace(s) => keyspace::alter(catalog, s),
        Statement::DropKeyspace { name, if_exists } => keyspace::drop(catalog, name, *if_exists),
        Statement::CreateTable(s) => table::create(catalog, s, current),
        Statement::AlterTable(s) => alter_table::alter(catalog, s, current),
        Statement::DropTable { name, if_exists } => table::drop(catalog, name, *if_exists, current),
        Statement::CreateType(s) => udt::create(catalog, s, current),
        Statement::AlterType(s) => udt::alter(catalog, s, current),
        Statement::DropType { name, if_exists } => udt::drop(catalog, name, *if_exists, current),
        Statement::CreateIndex(s) => index::create(catalog, s, current),
        Statement::DropIndex { name, if_exists } => index::drop(catalog, name, *if_exists, current),
        _ => Err(invalid("not a schema statement")),
    }
}

pub(super) fn keyspace_change(change: SchemaChangeType, keyspace: &str) -> SchemaChange {
    SchemaChange {
        change,
        target: SchemaChangeTarget::Keyspace {
            keyspace: keyspace.to_owned(),
        },
    }
}

pub(super) fn table_change(change: SchemaChangeType, keyspace: &str, table: &str) -> SchemaChange {
    SchemaChange {
        change,
        target: SchemaChangeTarget::Table {
            keyspace: keyspace.to_owned(),
            table: table.to_owned(),
        },
    }
}

pub(super) fn type_change(change: SchemaChangeType, keyspace: &str, name: &str) -> SchemaChange {
    SchemaChange {
        change,
        target: SchemaChangeTarget::Type {
            keyspace: keyspace.to_owned(),
            name: name.to_owned(),
        },
    }
}

/// The schema permission a DDL statement checks (`Permission` in Cassandra).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Perm {
    Create,
    Alter,
    Drop,
}

/// Cassandra's `ClientState.preventSystemKSSchemaModification`, run by every DDL statement's
/// `authorize` before it looks at the schema (so it wins over "doesn't exist" and "already
/// exists"), whatever the authenticator: the local system and virtual keyspaces are never
/// modifiable, and the replicated ones (`system_auth`, `system_distributed`,
/// `system_traces`) only allow ALTER at keyspace level (their replication). `table` is the
/// resource's table when the statement checks a table-level permission.
pub(super) fn authorize(
    keyspace: &str,
    table: Option<&str>,
    perm: Perm,
) -> Result<(), ServerError> {
    const LOCAL: [&str; 4] = [
        "system",
        "system_schema",
        "system_views",
        "system_virtual_schema",
    ];
    const REPLICATED: [&str; 3] = ["system_auth", "system_distributed", "system_traces"];
    let lower = keyspace.to_ascii_lowercase();
    if LOCAL.contains(&lower.as_str()) {
        return Err(unauthorized(format!(
            "{keyspace} keyspace is not user-modifiable."
        )));
    }
    if REPLICATED.contains(&lower.as_str()) {
        if perm == Perm::Alter && table.is_none() {
            return Ok(());
        }
        let perm = match perm {
            Perm::Create => "CREATE",
            Perm::Alter => "ALTER",
            Perm::Drop => "DROP",
        };
        // `DataResource.toString()`.
        let resource = match table {
            Some(t) => format!("<table {keyspace}.{t}>"),
            None => format!("<keyspace {keyspace}>"),
        };
        return Err(unauthorized(format!("Cannot {perm} {resource}")));
    }
    Ok(())
}

/// What remains after [`authorize`]: a keyspace of another kind the emulator holds.
pub(super) fn ensure_modifiable(ks: &KeyspaceDef) -> Result<(), ServerError> {
    match ks.kind {
        KeyspaceKind::User => Ok(()),
        KeyspaceKind::Virtual | KeyspaceKind::System => Err(unauthorized(format!(
            "{} keyspace is not user-modifiable.",
            ks.name
        ))),
    }
}

/// `ALTER KEYSPACE` is allowed on the replicated system keyspaces.
pub(super) fn ensure_alterable(ks: &KeyspaceDef) -> Result<(), ServerError> {
    const REPLICATED: [&str; 3] = ["system_auth", "system_distributed", "system_traces"];
    if ks.kind == KeyspaceKind::System && REPLICATED.contains(&ks.name.as_str()) {
        return Ok(());
    }
    ensure_modifiable(ks)
}

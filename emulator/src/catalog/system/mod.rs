//! The system keyspaces present at start, their table definitions, and the rows of the
//! tables the catalog generates (`system.local`, `system_schema.*`, ...).
//!
//! Definitions are written as the CQL Cassandra 4.0 uses for them (`SystemKeyspace.java`,
//! `SchemaKeyspace.java`, `TraceKeyspace.java`, `AuthKeyspace.java`) and built with the same
//! code as user tables, so column order and types follow the same rules.

mod definitions;
mod rows;
mod settings;
mod views;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::cql::ast::Statement;
use crate::cql::parse_statement;

use super::ddl::table::build_table;
use super::model::{KeyspaceDef, KeyspaceKind};

pub(super) use rows::{now_secs, system_rows};

/// Whether `keyspace` is one of the virtual keyspaces (`system_views`,
/// `system_virtual_schema`), whose tables Cassandra 4.0 serves from code and never writes.
pub(crate) fn is_virtual_keyspace(keyspace: &str) -> bool {
    definitions::KEYSPACES
        .iter()
        .any(|spec| spec.is_virtual && spec.name == keyspace)
}

/// The system keyspaces with the replication Cassandra 4.0 reports for them, and their tables.
pub(super) fn system_keyspaces() -> Vec<KeyspaceDef> {
    definitions::KEYSPACES
        .iter()
        .map(|spec| {
            let mut ks = KeyspaceDef {
                name: spec.name.to_owned(),
                replication: spec
                    .replication
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect::<BTreeMap<_, _>>(),
                durable_writes: true,
                tables: BTreeMap::new(),
                types: BTreeMap::new(),
                kind: if spec.is_virtual {
                    KeyspaceKind::Virtual
                } else {
                    KeyspaceKind::System
                },
            };
            for (cql, comment) in spec.tables {
                // The definitions are constants checked by the catalog tests; one that did not
                // parse would be left out rather than bring the node down.
                let Ok(Statement::CreateTable(stmt)) = parse_statement(cql) else {
                    tracing::error!(cql, "system table definition does not parse");
                    continue;
                };
                match build_table(&ks, &stmt) {
                    Ok(mut table) => {
                        table.is_system = true;
                        table.options.comment = (*comment).to_owned();
                        ks.tables.insert(table.name.clone(), Arc::new(table));
                    }
                    Err(error) => {
                        tracing::error!(cql, ?error, "system table definition is invalid");
                    }
                }
            }
            ks
        })
        .collect()
}

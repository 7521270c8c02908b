//! The CQL export (the Python driver's `export_as_string`): a keyspace as the statements
//! that rebuild it on a fresh cluster, in the order Cassandra needs — the keyspace, user
//! types (a type after the types it uses), functions, aggregates, tables, indexes, then
//! materialized views. Within each kind objects are sorted by name, so two exports of the
//! same schema are byte-identical and diff cleanly.
//!
//! Tables are written the way `DESCRIBE` writes them (key columns first, every option the
//! server reported), so the replayed `system_schema` rows equal the original ones. Table
//! and view statements live in `table.rs`, types and routines in `routine.rs`.

use cassia_protocol::cql::{quote_identifier, quote_string};

use super::index::IndexMetadata;
use super::keyspace::KeyspaceMetadata;
use super::table::TableMetadata;

mod routine;
mod table;

impl KeyspaceMetadata {
    /// The whole keyspace as CQL: `CREATE KEYSPACE`, then every object in it with names
    /// qualified by the keyspace. Each statement ends with `;` and a newline, and
    /// statements are separated by a blank line.
    pub fn to_cql(&self) -> String {
        let mut out = self.keyspace_cql();
        out.push('\n');
        out.push_str(&self.objects_cql(Some(&self.name)));
        out
    }

    /// The export without its `CREATE KEYSPACE` statement and with unqualified names, to
    /// replay into a keyspace created separately (after `USE`, as migration files run) —
    /// possibly under another name or with other replication.
    pub fn without_keyspace_statement(&self) -> String {
        self.objects_cql(None)
    }

    fn keyspace_cql(&self) -> String {
        // `class` first, as Cassandra prints it; the rest (data centers) sorted.
        let mut entries: Vec<String> = Vec::new();
        if let Some(class) = self.replication.get("class") {
            entries.push(format!("'class': {}", quote_string(class)));
        }
        for (k, v) in self.replication.iter().filter(|(k, _)| *k != "class") {
            entries.push(format!("{}: {}", quote_string(k), quote_string(v)));
        }
        format!(
            "CREATE KEYSPACE {} WITH replication = {{{}}} AND durable_writes = {};\n",
            quote_identifier(&self.name),
            entries.join(", "),
            self.durable_writes
        )
    }

    fn objects_cql(&self, keyspace: Option<&str>) -> String {
        let name = |object: &str| qualified(keyspace, object);
        let mut statements: Vec<String> = Vec::new();
        for t in self.user_types_in_dependency_order() {
            statements.push(routine::type_cql(t, &name(&t.name)));
        }
        for f in &self.functions {
            statements.push(routine::function_cql(f, &name(&f.name)));
        }
        for a in &self.aggregates {
            statements.push(routine::aggregate_cql(a, &name(&a.name)));
        }
        for t in self.tables.values() {
            statements.push(table::table_cql(t, &name(&t.name)));
        }
        let mut indexes: Vec<(&IndexMetadata, &TableMetadata)> = self
            .tables
            .values()
            .flat_map(|t| t.indexes.iter().map(move |i| (i, t)))
            .collect();
        indexes.sort_by(|a, b| a.0.name.cmp(&b.0.name));
        for (index, t) in indexes {
            statements.push(table::index_cql(index, &name(&t.name)));
        }
        for v in self.views.values() {
            statements.push(table::view_cql(v, &name(&v.name), &name(&v.base_table)));
        }
        statements.join("\n")
    }
}

impl TableMetadata {
    /// `CREATE TABLE` with every option the server reported, then its indexes; names
    /// qualified by the keyspace.
    pub fn to_cql(&self) -> String {
        let name = qualified(Some(&self.keyspace), &self.name);
        let mut statements = vec![table::table_cql(self, &name)];
        statements.extend(self.indexes.iter().map(|i| table::index_cql(i, &name)));
        statements.join("\n")
    }
}

/// `"Ks".name` or, without a keyspace, the quoted name alone.
fn qualified(keyspace: Option<&str>, object: &str) -> String {
    match keyspace {
        Some(ks) => format!("{}.{}", quote_identifier(ks), quote_identifier(object)),
        None => quote_identifier(object),
    }
}

#[cfg(test)]
mod tests;

//! DDL text: CREATE TABLE / CREATE INDEX / CREATE TYPE from the static descriptions, and the
//! keyspace and drop statements. All statements use `IF [NOT] EXISTS` so they can be re-run.

use std::fmt::Write as _;

use super::ident::{quote_ident, quote_string};
use super::index::create_index_statement;
use super::{ColumnKind, TableSchema, UdtSchema};

impl TableSchema {
    /// `CREATE TABLE IF NOT EXISTS ...` with the primary key, clustering order and options.
    /// `keyspace` is used when the model names none.
    pub fn create_table_cql(&self, keyspace: Option<&str>) -> String {
        self.create_table_named(&self.qualified_name(keyspace))
    }

    /// `CREATE TABLE IF NOT EXISTS <name> (...)` with `name` already quoted (and qualified
    /// or not): the diff engine writes unqualified names, sync qualified ones.
    pub(crate) fn create_table_named(&self, name: &str) -> String {
        let mut cql = format!("CREATE TABLE IF NOT EXISTS {name} (");
        for c in &self.columns {
            let _ = write!(cql, "{} {}", quote_ident(&c.name), c.cql_type);
            if c.kind == ColumnKind::Static {
                cql.push_str(" static");
            }
            cql.push_str(", ");
        }
        let names = |cols: Vec<&super::ColumnSchema>| {
            cols.iter()
                .map(|c| quote_ident(&c.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let clustering = self.clustering_columns();
        let _ = write!(cql, "PRIMARY KEY (({})", names(self.partition_key()));
        if !clustering.is_empty() {
            let _ = write!(cql, ", {}", names(clustering.clone()));
        }
        cql.push_str("))");
        let mut with = Vec::new();
        if clustering.iter().any(|c| {
            matches!(
                c.kind,
                ColumnKind::Clustering(_, super::ClusteringOrder::Desc)
            )
        }) {
            let order = clustering
                .iter()
                .map(|c| match c.kind {
                    ColumnKind::Clustering(_, o) => {
                        format!("{} {}", quote_ident(&c.name), o.as_cql())
                    }
                    _ => String::new(),
                })
                .collect::<Vec<_>>()
                .join(", ");
            with.push(format!("CLUSTERING ORDER BY ({order})"));
        }
        for (name, value) in self.options.entries() {
            with.push(format!("{name} = {value}"));
        }
        if !with.is_empty() {
            cql.push_str(" WITH ");
            cql.push_str(&with.join(" AND "));
        }
        cql
    }

    /// One `CREATE INDEX IF NOT EXISTS` per indexed column (`CREATE CUSTOM INDEX ... USING
    /// 'StorageAttachedIndex'` for storage-attached ones), named `<table>_<column>_idx`.
    pub fn create_index_cql(&self, keyspace: Option<&str>) -> Vec<String> {
        let ks = self.keyspace.as_deref().or(keyspace);
        let table = self.qualified_name(ks);
        self.columns
            .iter()
            .filter_map(|c| create_index_statement(c, &c.index_name(&self.name), &table))
            .collect()
    }

    /// The user types the columns use, nested ones first, each once.
    pub fn user_types(&self) -> Vec<UdtSchema> {
        let mut seen: Vec<UdtSchema> = Vec::new();
        for c in &self.columns {
            for t in c.cql_type.user_types() {
                if let Some(u) = UdtSchema::from_cql_type(self.keyspace.as_deref(), t)
                    && !seen.iter().any(|s| s.name == u.name)
                {
                    seen.push(u);
                }
            }
        }
        seen
    }
}

impl UdtSchema {
    /// `CREATE TYPE IF NOT EXISTS ks.name (field type, ...)`.
    pub fn create_type_cql(&self, keyspace: Option<&str>) -> String {
        let name = match self.keyspace.as_deref().or(keyspace) {
            Some(ks) => format!("{}.{}", quote_ident(ks), quote_ident(&self.name)),
            None => quote_ident(&self.name),
        };
        self.create_type_named(&name)
    }

    /// `CREATE TYPE IF NOT EXISTS <name> (...)` with `name` already quoted.
    pub(crate) fn create_type_named(&self, name: &str) -> String {
        let fields = self
            .fields
            .iter()
            .map(|(n, t)| format!("{} {t}", quote_ident(n)))
            .collect::<Vec<_>>()
            .join(", ");
        format!("CREATE TYPE IF NOT EXISTS {name} ({fields})")
    }
}

/// `CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', ...}`.
pub fn create_keyspace_simple(keyspace: &str, replication_factor: u32) -> String {
    format!(
        "CREATE KEYSPACE IF NOT EXISTS {} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': {replication_factor}}}",
        quote_ident(keyspace)
    )
}

/// `CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'NetworkTopologyStrategy',
/// 'dc1': 3, ...}` with one entry per `(datacenter, replication factor)`.
pub fn create_keyspace_network_topology(keyspace: &str, datacenters: &[(&str, u32)]) -> String {
    let mut map = String::from("{'class': 'NetworkTopologyStrategy'");
    for (dc, rf) in datacenters {
        let _ = write!(map, ", {}: {rf}", quote_string(dc));
    }
    map.push('}');
    format!(
        "CREATE KEYSPACE IF NOT EXISTS {} WITH replication = {map}",
        quote_ident(keyspace)
    )
}

/// `DROP KEYSPACE IF EXISTS ks`.
pub fn drop_keyspace(keyspace: &str) -> String {
    format!("DROP KEYSPACE IF EXISTS {}", quote_ident(keyspace))
}

/// `DROP TABLE IF EXISTS [ks.]table`.
pub fn drop_table(keyspace: Option<&str>, table: &str) -> String {
    match keyspace {
        Some(ks) => format!(
            "DROP TABLE IF EXISTS {}.{}",
            quote_ident(ks),
            quote_ident(table)
        ),
        None => format!("DROP TABLE IF EXISTS {}", quote_ident(table)),
    }
}

/// `DROP TYPE IF EXISTS [ks.]name`.
pub fn drop_type(keyspace: Option<&str>, name: &str) -> String {
    match keyspace {
        Some(ks) => format!(
            "DROP TYPE IF EXISTS {}.{}",
            quote_ident(ks),
            quote_ident(name)
        ),
        None => format!("DROP TYPE IF EXISTS {}", quote_ident(name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{ClusteringOrder, ColumnSchema, IndexKind};
    use crate::types::CqlType;

    #[test]
    fn renders_keyspace_statements() {
        assert_eq!(
            create_keyspace_simple("app", 1),
            "CREATE KEYSPACE IF NOT EXISTS app WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"
        );
        assert_eq!(
            create_keyspace_network_topology("App", &[("dc1", 3), ("dc2", 2)]),
            "CREATE KEYSPACE IF NOT EXISTS \"App\" WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 2}"
        );
        assert_eq!(drop_keyspace("app"), "DROP KEYSPACE IF EXISTS app");
        assert_eq!(drop_table(Some("app"), "t"), "DROP TABLE IF EXISTS app.t");
        assert_eq!(drop_type(None, "addr"), "DROP TYPE IF EXISTS addr");
    }

    #[test]
    fn renders_table_with_order_options_and_indexes() {
        let mut t = TableSchema::new(Some("app"), "events");
        t.columns = vec![
            ColumnSchema::new("day", CqlType::Date).kind(ColumnKind::PartitionKey(1)),
            ColumnSchema::new("site", CqlType::Text).kind(ColumnKind::PartitionKey(0)),
            ColumnSchema::new("at", CqlType::Timestamp)
                .kind(ColumnKind::Clustering(0, ClusteringOrder::Desc)),
            ColumnSchema::new("seq", CqlType::Int)
                .kind(ColumnKind::Clustering(1, ClusteringOrder::Asc)),
            ColumnSchema::new("owner", CqlType::Text).kind(ColumnKind::Static),
            ColumnSchema::new("tags", CqlType::Set(Box::new(CqlType::Text)))
                .index(IndexKind::Values),
            ColumnSchema::new("kind", CqlType::Text).index(IndexKind::Values),
        ];
        t.options.default_ttl = Some(3600);
        t.options.comment = Some("it's".into());
        assert_eq!(
            t.create_table_cql(None),
            "CREATE TABLE IF NOT EXISTS app.events (day date, site text, at timestamp, seq int, \
             owner text static, tags set<text>, kind text, PRIMARY KEY ((site, day), at, seq)) \
             WITH CLUSTERING ORDER BY (at DESC, seq ASC) AND comment = 'it''s' AND default_time_to_live = 3600"
        );
        assert_eq!(
            t.create_index_cql(None),
            vec![
                "CREATE INDEX IF NOT EXISTS events_tags_idx ON app.events (values(tags))",
                "CREATE INDEX IF NOT EXISTS events_kind_idx ON app.events (kind)",
            ]
        );
    }
}

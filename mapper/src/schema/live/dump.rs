//! `schema dump`: a [`LiveKeyspace`] as CQL that rebuilds it on a fresh cluster, rendered
//! by the driver's CQL export ([`KeyspaceMetadata::to_cql`]) so there is one renderer: the
//! keyspace, user types (a type after the types it uses), tables, then indexes, each kind
//! sorted by name, so two dumps of the same schema are byte-identical and diff cleanly.
//!
//! Tables are written the way `DESCRIBE` writes them (key columns first, every option the
//! server reported), so the replayed `system_schema` rows equal the original ones.

use cassia_driver::metadata::KeyspaceMetadata;

use super::LiveKeyspace;

impl LiveKeyspace {
    /// The whole keyspace as CQL: `CREATE KEYSPACE`, `CREATE TYPE`s, `CREATE TABLE`s,
    /// `CREATE [CUSTOM] INDEX`es, names qualified with the keyspace. Each statement ends
    /// with `;` and a newline, and statements are separated by a blank line.
    pub fn to_cql(&self) -> String {
        KeyspaceMetadata::from(self).to_cql()
    }

    /// The dump without its `CREATE KEYSPACE` statement and with unqualified names, to replay
    /// into a keyspace created separately (after `USE`, as migration files run) — possibly
    /// under another name or with other replication.
    pub fn without_keyspace_statement(&self) -> String {
        KeyspaceMetadata::from(self).without_keyspace_statement()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{LiveColumn, LiveTable, LiveType};
    use super::*;

    /// The live view survives the trip through the driver's model: the statement text
    /// depends on kinds, positions and clustering orders given as strings.
    #[test]
    fn dumps_through_the_driver_renderer() {
        let column = |name: &str, kind: &str, position: i32, order: &str, typ: &str| LiveColumn {
            name: name.into(),
            kind: kind.into(),
            position,
            clustering_order: order.into(),
            cql_type: typ.into(),
        };
        let mut events = LiveTable::new("events");
        events.columns = vec![
            column("at", "clustering", 0, "desc", "timestamp"),
            column("day", "partition_key", 1, "none", "date"),
            column("owner", "static", -1, "none", "text"),
            column("site", "partition_key", 0, "none", "text"),
        ];
        let ks = LiveKeyspace {
            types: vec![LiveType::new("point", vec![("x".into(), "int".into())])],
            tables: vec![events],
            ..LiveKeyspace::empty("app")
        };
        assert_eq!(
            ks.without_keyspace_statement(),
            "CREATE TYPE point (\n    x int\n);\n\
             \n\
             CREATE TABLE events (\n    site text,\n    day date,\n    at timestamp,\n    \
             owner text static,\n    PRIMARY KEY ((site, day), at)\n) \
             WITH CLUSTERING ORDER BY (at DESC);\n"
        );
        assert!(
            ks.to_cql()
                .starts_with("CREATE KEYSPACE app WITH replication = {} AND")
        );
    }
}

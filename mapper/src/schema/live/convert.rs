//! [`LiveKeyspace`] from the driver's [`KeyspaceMetadata`] (what `read_keyspace` returns)
//! and back (what the dump renders): the two describe the same `system_schema` rows, the
//! mapper's with kinds and orders as the strings the diff engine compares.

use cassia_driver::metadata::{
    ClusteringOrder, ColumnKind, ColumnMetadata, DroppedColumnMetadata, IndexKind, IndexMetadata,
    KeyspaceMetadata, TableMetadata, UserTypeMetadata,
};

use super::{LiveColumn, LiveDroppedColumn, LiveIndex, LiveKeyspace, LiveTable, LiveType};

impl From<&KeyspaceMetadata> for LiveKeyspace {
    fn from(ks: &KeyspaceMetadata) -> Self {
        LiveKeyspace {
            name: ks.name.clone(),
            replication: ks.replication.clone(),
            durable_writes: ks.durable_writes,
            tables: ks.tables.values().map(live_table).collect(),
            types: ks
                .user_types
                .values()
                .map(|t| LiveType::new(t.name.clone(), t.fields.clone()))
                .collect(),
        }
    }
}

fn live_table(t: &TableMetadata) -> LiveTable {
    let mut columns: Vec<LiveColumn> = t
        .columns
        .iter()
        .map(|c| LiveColumn {
            name: c.name.clone(),
            kind: c.kind.as_str().to_owned(),
            position: c.position,
            clustering_order: c.clustering_order.as_str().to_owned(),
            cql_type: c.cql_type.clone(),
        })
        .collect();
    // As `system_schema.columns` lists them (the driver keeps DESCRIBE order).
    columns.sort_by(|a, b| a.name.cmp(&b.name));
    LiveTable {
        name: t.name.clone(),
        columns,
        indexes: t
            .indexes
            .iter()
            .map(|i| LiveIndex {
                name: i.name.clone(),
                kind: i.kind.as_str().to_owned(),
                target: i.target.clone(),
                options: i.options.clone(),
            })
            .collect(),
        options: t.options.clone(),
        dropped_columns: t
            .dropped_columns
            .iter()
            .map(|d| LiveDroppedColumn {
                name: d.name.clone(),
                kind: d.kind.clone(),
                cql_type: d.cql_type.clone(),
            })
            .collect(),
    }
}

impl From<&LiveKeyspace> for KeyspaceMetadata {
    fn from(live: &LiveKeyspace) -> Self {
        let mut ks = KeyspaceMetadata::new(live.name.clone());
        ks.replication = live.replication.clone();
        ks.durable_writes = live.durable_writes;
        for t in &live.types {
            let udt = UserTypeMetadata::new(live.name.clone(), t.name.clone(), t.fields.clone());
            ks.user_types.insert(t.name.clone(), udt);
        }
        for t in &live.tables {
            ks.tables
                .insert(t.name.clone(), table_metadata(&live.name, t));
        }
        ks
    }
}

fn table_metadata(keyspace: &str, t: &LiveTable) -> TableMetadata {
    let mut table = TableMetadata::new(keyspace, t.name.clone());
    table.columns = t
        .columns
        .iter()
        .map(|c| {
            ColumnMetadata::new(
                c.name.clone(),
                ColumnKind::from_schema(&c.kind).unwrap_or(ColumnKind::Regular),
                c.position,
                ClusteringOrder::from_schema(&c.clustering_order),
                c.cql_type.clone(),
            )
        })
        .collect();
    table.options = t.options.clone();
    table.indexes = t
        .indexes
        .iter()
        .map(|i| {
            let kind = IndexKind::from_schema(&i.kind).unwrap_or(IndexKind::Composites);
            let mut index = IndexMetadata::new(i.name.clone(), kind, i.options.clone());
            index.target = i.target.clone();
            index
        })
        .collect();
    table.dropped_columns = t
        .dropped_columns
        .iter()
        .map(|d| DroppedColumnMetadata::new(d.name.clone(), d.kind.clone(), d.cql_type.clone()))
        .collect();
    table
}

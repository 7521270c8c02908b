//! Building the model from the rows of `system_schema`: which tables are read, with which
//! statement (`SELECT *`, so a column another Cassandra version lacks or adds never fails
//! the read), and how their rows assemble into [`KeyspaceMetadata`].
//!
//! Fetching is the session's job (over its control connection, `session/schema.rs`); this
//! file is pure so it is tested on hand-made rows.

use std::collections::BTreeMap;

use cassia_protocol::row::Row;

use super::cells::Cells;
use super::index::{IndexKind, IndexMetadata};
use super::keyspace::KeyspaceMetadata;
use super::options::TableOptions;
use super::routine::{AggregateMetadata, FunctionMetadata, UserTypeMetadata};
use super::table::{
    ClusteringOrder, ColumnKind, ColumnMetadata, DroppedColumnMetadata, TableMetadata,
    describe_order,
};
use super::view::ViewMetadata;
use crate::error::MetadataError;

/// The `system_schema` tables the model is read from, in reading order.
pub(crate) const SOURCES: [Source; 9] = [
    Source::Keyspaces,
    Source::Tables,
    Source::Columns,
    Source::DroppedColumns,
    Source::Indexes,
    Source::Types,
    Source::Views,
    Source::Functions,
    Source::Aggregates,
];

/// One `system_schema` table the model is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Source {
    Keyspaces,
    Tables,
    Columns,
    DroppedColumns,
    Indexes,
    Types,
    Views,
    Functions,
    Aggregates,
}

impl Source {
    pub(crate) fn table(self) -> &'static str {
        match self {
            Source::Keyspaces => "system_schema.keyspaces",
            Source::Tables => "system_schema.tables",
            Source::Columns => "system_schema.columns",
            Source::DroppedColumns => "system_schema.dropped_columns",
            Source::Indexes => "system_schema.indexes",
            Source::Types => "system_schema.types",
            Source::Views => "system_schema.views",
            Source::Functions => "system_schema.functions",
            Source::Aggregates => "system_schema.aggregates",
        }
    }

    /// Whether a server may lack the table altogether (DSE and Cassandra forks without
    /// views or UDFs, servers that hide `dropped_columns`): read as empty when refused.
    pub(crate) fn optional(self) -> bool {
        matches!(
            self,
            Source::DroppedColumns | Source::Views | Source::Functions | Source::Aggregates
        )
    }

    /// The statement: the whole table, or one keyspace's partition (bound as the only value).
    pub(crate) fn select(self, one_keyspace: bool) -> String {
        let mut cql = format!("SELECT * FROM {}", self.table());
        if one_keyspace {
            cql.push_str(" WHERE keyspace_name = ?");
        }
        cql
    }
}

/// The rows read from each source.
pub(crate) type SchemaRows = BTreeMap<Source, Vec<Row>>;

/// Assembles the keyspaces the rows describe. Rows of objects whose keyspace (or, for
/// columns and indexes, table) has no row are ignored: they were read a moment apart.
pub(crate) fn build(
    rows: &SchemaRows,
) -> Result<BTreeMap<String, KeyspaceMetadata>, MetadataError> {
    let each = |source: Source| {
        rows.get(&source)
            .into_iter()
            .flatten()
            .map(move |row| Cells {
                table: source.table(),
                row,
            })
    };
    let mut keyspaces = BTreeMap::new();
    for c in each(Source::Keyspaces) {
        let Some(name) = c.text("keyspace_name")? else {
            continue;
        };
        let mut ks = KeyspaceMetadata::new(name.clone());
        ks.replication = c.text_map("replication")?.unwrap_or_default();
        ks.durable_writes = c.boolean("durable_writes")?.unwrap_or(true);
        keyspaces.insert(name, ks);
    }
    for c in each(Source::Types) {
        let Some([ks, name]) = c.names(["keyspace_name", "type_name"])? else {
            continue;
        };
        let fields = c
            .text_list("field_names")?
            .unwrap_or_default()
            .into_iter()
            .zip(c.text_list("field_types")?.unwrap_or_default())
            .collect();
        if let Some(k) = keyspaces.get_mut(&ks) {
            k.user_types
                .insert(name.clone(), UserTypeMetadata::new(ks, name, fields));
        }
    }
    for c in each(Source::Tables) {
        let Some([ks, name]) = c.names(["keyspace_name", "table_name"])? else {
            continue;
        };
        let mut table = TableMetadata::new(ks.clone(), name.clone());
        table.id = c.uuid("id")?;
        table.options = options(&c)?;
        if let Some(k) = keyspaces.get_mut(&ks) {
            k.tables.insert(name, table);
        }
    }
    for c in each(Source::Views) {
        let Some([ks, name]) = c.names(["keyspace_name", "view_name"])? else {
            continue;
        };
        let base = c.text("base_table_name")?.unwrap_or_default();
        let mut view = ViewMetadata::new(ks.clone(), name.clone(), base);
        view.id = c.uuid("id")?;
        view.where_clause = c.text("where_clause")?.unwrap_or_default();
        view.include_all_columns = c.boolean("include_all_columns")?.unwrap_or(false);
        view.options = options(&c)?;
        if let Some(k) = keyspaces.get_mut(&ks) {
            k.views.insert(name, view);
        }
    }
    for c in each(Source::Columns) {
        let Some([ks, table, name]) = c.names(["keyspace_name", "table_name", "column_name"])?
        else {
            continue;
        };
        let Some(k) = keyspaces.get_mut(&ks) else {
            continue;
        };
        let cql_type = c.text("type")?.unwrap_or_default();
        let column = ColumnMetadata {
            name,
            kind: c
                .text("kind")?
                .as_deref()
                .and_then(ColumnKind::from_schema)
                .unwrap_or(ColumnKind::Regular),
            position: c.int("position")?.unwrap_or(-1),
            clustering_order: ClusteringOrder::from_schema(
                c.text("clustering_order")?.as_deref().unwrap_or("none"),
            ),
            column_type: k.parse_type(&cql_type),
            cql_type,
        };
        if let Some(t) = k.tables.get_mut(&table) {
            t.columns.push(column);
        } else if let Some(v) = k.views.get_mut(&table) {
            v.columns.push(column);
        }
    }
    for c in each(Source::DroppedColumns) {
        let Some([ks, table, name]) = c.names(["keyspace_name", "table_name", "column_name"])?
        else {
            continue;
        };
        let column = DroppedColumnMetadata::new(
            name,
            c.text("kind")?.unwrap_or_default(),
            c.text("type")?.unwrap_or_default(),
        );
        if let Some(t) = keyspaces
            .get_mut(&ks)
            .and_then(|k| k.tables.get_mut(&table))
        {
            t.dropped_columns.push(column);
        }
    }
    for c in each(Source::Indexes) {
        let Some([ks, table, name]) = c.names(["keyspace_name", "table_name", "index_name"])?
        else {
            continue;
        };
        let kind = c
            .text("kind")?
            .as_deref()
            .and_then(IndexKind::from_schema)
            .unwrap_or(IndexKind::Composites);
        let index = IndexMetadata::new(name, kind, c.text_map("options")?.unwrap_or_default());
        if let Some(t) = keyspaces
            .get_mut(&ks)
            .and_then(|k| k.tables.get_mut(&table))
        {
            t.indexes.push(index);
        }
    }
    for c in each(Source::Functions) {
        let Some([ks, name]) = c.names(["keyspace_name", "function_name"])? else {
            continue;
        };
        let function = FunctionMetadata {
            keyspace: ks.clone(),
            name,
            argument_names: c.text_list("argument_names")?.unwrap_or_default(),
            argument_types: c.text_list("argument_types")?.unwrap_or_default(),
            return_type: c.text("return_type")?.unwrap_or_default(),
            language: c.text("language")?.unwrap_or_default(),
            body: c.text("body")?.unwrap_or_default(),
            called_on_null_input: c.boolean("called_on_null_input")?.unwrap_or(false),
        };
        if let Some(k) = keyspaces.get_mut(&ks) {
            k.functions.push(function);
        }
    }
    for c in each(Source::Aggregates) {
        let Some([ks, name]) = c.names(["keyspace_name", "aggregate_name"])? else {
            continue;
        };
        let aggregate = AggregateMetadata {
            keyspace: ks.clone(),
            name,
            argument_types: c.text_list("argument_types")?.unwrap_or_default(),
            state_func: c.text("state_func")?.unwrap_or_default(),
            state_type: c.text("state_type")?.unwrap_or_default(),
            final_func: c.text("final_func")?,
            initcond: c.text("initcond")?,
            return_type: c.text("return_type")?.unwrap_or_default(),
        };
        if let Some(k) = keyspaces.get_mut(&ks) {
            k.aggregates.push(aggregate);
        }
    }
    for k in keyspaces.values_mut() {
        for t in k.tables.values_mut() {
            describe_order(&mut t.columns);
            t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
            t.dropped_columns.sort_by(|a, b| a.name.cmp(&b.name));
        }
        for v in k.views.values_mut() {
            describe_order(&mut v.columns);
        }
        k.functions
            .sort_by(|a, b| (&a.name, &a.argument_types).cmp(&(&b.name, &b.argument_types)));
        k.aggregates
            .sort_by(|a, b| (&a.name, &a.argument_types).cmp(&(&b.name, &b.argument_types)));
    }
    Ok(keyspaces)
}

fn options(c: &Cells<'_>) -> Result<TableOptions, MetadataError> {
    Ok(TableOptions {
        additional_write_policy: c.text("additional_write_policy")?,
        allow_auto_snapshot: c.boolean("allow_auto_snapshot")?,
        bloom_filter_fp_chance: c.double("bloom_filter_fp_chance")?,
        caching: c.text_map("caching")?,
        cdc: c.boolean("cdc")?,
        comment: c.text("comment")?,
        compaction: c.text_map("compaction")?,
        compression: c.text_map("compression")?,
        crc_check_chance: c.double("crc_check_chance")?,
        default_time_to_live: c.int("default_time_to_live")?,
        extensions: c.blob_map("extensions")?,
        gc_grace_seconds: c.int("gc_grace_seconds")?,
        incremental_backups: c.boolean("incremental_backups")?,
        max_index_interval: c.int("max_index_interval")?,
        memtable: c.text("memtable")?,
        memtable_flush_period_in_ms: c.int("memtable_flush_period_in_ms")?,
        min_index_interval: c.int("min_index_interval")?,
        read_repair: c.text("read_repair")?,
        speculative_retry: c.text("speculative_retry")?,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use cassia_protocol::value::CqlValue;

    use super::*;

    fn row(cells: &[(&str, CqlValue)]) -> Row {
        let names: Arc<[String]> = cells.iter().map(|(n, _)| (*n).to_owned()).collect();
        Row::new(names, cells.iter().map(|(_, v)| Some(v.clone())).collect())
    }

    fn t(s: &str) -> CqlValue {
        CqlValue::Text(s.into())
    }

    #[test]
    fn assembles_keyspaces_tables_columns_and_tolerates_missing_columns() {
        let mut rows = SchemaRows::new();
        rows.insert(
            Source::Keyspaces,
            vec![row(&[
                ("keyspace_name", t("ks")),
                ("durable_writes", CqlValue::Boolean(false)),
            ])],
        );
        // No option columns at all (an old server): every option reads as None.
        rows.insert(
            Source::Tables,
            vec![row(&[("keyspace_name", t("ks")), ("table_name", t("t"))])],
        );
        let column = |name: &str, kind: &str, position: i32, order: &str, typ: &str| {
            row(&[
                ("keyspace_name", t("ks")),
                ("table_name", t("t")),
                ("column_name", t(name)),
                ("kind", t(kind)),
                ("position", CqlValue::Int(position)),
                ("clustering_order", t(order)),
                ("type", t(typ)),
            ])
        };
        rows.insert(
            Source::Columns,
            vec![
                column("v", "regular", -1, "none", "frozen<geo>"),
                column("at", "clustering", 0, "desc", "timestamp"),
                column("id", "partition_key", 0, "none", "int"),
            ],
        );
        rows.insert(
            Source::Types,
            vec![row(&[
                ("keyspace_name", t("ks")),
                ("type_name", t("geo")),
                ("field_names", CqlValue::List(vec![t("lat")])),
                ("field_types", CqlValue::List(vec![t("double")])),
            ])],
        );
        let ks = build(&rows).expect("builds");
        let ks = ks.get("ks").expect("keyspace");
        assert!(!ks.durable_writes);
        let table = ks.table("t").expect("table");
        assert_eq!(table.options, TableOptions::default());
        let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "at", "v"]);
        assert_eq!(table.columns[1].clustering_order, ClusteringOrder::Desc);
        assert!(matches!(
            table.columns[2].column_type,
            Some(cassia_protocol::types::ColumnType::Udt { .. })
        ));
    }

    #[test]
    fn a_value_of_the_wrong_type_names_table_and_column() {
        let mut rows = SchemaRows::new();
        rows.insert(
            Source::Keyspaces,
            vec![row(&[
                ("keyspace_name", t("ks")),
                ("durable_writes", t("yes")),
            ])],
        );
        let err = build(&rows).expect_err("a text durable_writes");
        assert_eq!(
            err.to_string(),
            "system_schema.keyspaces.durable_writes: expected boolean, found text"
        );
    }
}

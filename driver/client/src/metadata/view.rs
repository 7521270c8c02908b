//! Materialized views: [`ViewMetadata`].

use uuid::Uuid;

use super::options::TableOptions;
use super::table::ColumnMetadata;

/// A materialized view as `system_schema.views` and `columns` describe it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ViewMetadata {
    /// Keyspace name.
    pub keyspace: String,
    /// View name.
    pub name: String,
    /// The view id.
    pub id: Option<Uuid>,
    /// The table the view selects from.
    pub base_table: String,
    /// The `WHERE` clause as stored (`id IS NOT NULL AND seq IS NOT NULL`).
    pub where_clause: String,
    /// Whether the view selects every column of its base table (`SELECT *`).
    pub include_all_columns: bool,
    /// Columns in `DESCRIBE` order, as for tables.
    pub columns: Vec<ColumnMetadata>,
    /// The view's options.
    pub options: TableOptions,
}

impl ViewMetadata {
    /// A view without columns or options.
    pub fn new(
        keyspace: impl Into<String>,
        name: impl Into<String>,
        base_table: impl Into<String>,
    ) -> Self {
        ViewMetadata {
            keyspace: keyspace.into(),
            name: name.into(),
            id: None,
            base_table: base_table.into(),
            where_clause: String::new(),
            include_all_columns: false,
            columns: Vec::new(),
            options: TableOptions::default(),
        }
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&ColumnMetadata> {
        self.columns.iter().find(|c| c.name == name)
    }
}

//! [`SchemaSnapshot`]: the models' schemas as a JSON-serialisable value. An application
//! binary (which links the models) writes one; the standalone `cassia` CLI (which does not)
//! reads it to diff against a live keyspace — so the CLI never parses Rust source.

use crate::schema::TableSchema;

/// A serialisable list of model schemas.
///
/// The JSON shape (format 1):
///
/// ```json
/// {
///   "format": 1,
///   "tables": [
///     {
///       "keyspace": null,
///       "name": "posts",
///       "columns": [
///         {"name": "id", "cql_type": "uuid", "kind": {"partition_key": 0}, "index": null},
///         {"name": "at", "cql_type": "timestamp", "kind": {"clustering": [0, "desc"]}},
///         {"name": "tags", "cql_type": {"set": "text"}, "kind": "regular", "index": "values"},
///         {"name": "addr", "cql_type": {"frozen": {"udt": {"name": "address",
///           "fields": [["street", "text"], ["zip", "int"]]}}}, "kind": "static"}
///       ],
///       "options": {"default_ttl": 3600, "comment": "posts by day"},
///       "discriminator": null
///     }
///   ]
/// }
/// ```
///
/// Types use CQL's names (`"bigint"`, `{"map": ["text", "int"]}`, `{"vector": ["float",
/// 3]}`, `{"tuple": ["int", "text"]}`); user types appear inside column types with their
/// fields. `keyspace`, `index`, `options` (and each option) and `discriminator` may be
/// left out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct SchemaSnapshot {
    /// The shape's version: [`SchemaSnapshot::FORMAT`] when written by this version.
    pub format: u32,
    /// The models' tables.
    pub tables: Vec<TableSchema>,
}

impl SchemaSnapshot {
    /// The format this version writes and reads.
    pub const FORMAT: u32 = 1;

    /// A snapshot of `models` (for example `&[User::schema(), Post::schema()]`).
    pub fn new(models: &[&TableSchema]) -> Self {
        SchemaSnapshot {
            format: Self::FORMAT,
            tables: models.iter().map(|m| (*m).clone()).collect(),
        }
    }

    /// The tables as [`diff_keyspace`](crate::schema::diff_keyspace) takes them.
    pub fn models(&self) -> Vec<&TableSchema> {
        self.tables.iter().collect()
    }

    /// Whether this version understands the snapshot's format.
    pub fn is_supported(&self) -> bool {
        self.format == Self::FORMAT
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{ClusteringOrder, ColumnKind, ColumnSchema, IndexKind};
    use crate::types::CqlType;

    #[test]
    fn reads_the_documented_shape() {
        let json = r#"{"format": 1, "tables": [{"name": "posts", "columns": [
            {"name": "id", "cql_type": "uuid", "kind": {"partition_key": 0}},
            {"name": "at", "cql_type": "timestamp", "kind": {"clustering": [0, "desc"]}},
            {"name": "tags", "cql_type": {"set": "text"}, "kind": "regular", "index": "values"}
        ], "options": {"default_ttl": 3600}}]}"#;
        let snapshot: SchemaSnapshot = serde_json::from_str(json).expect("parses");
        assert!(snapshot.is_supported());
        let mut posts = TableSchema::new(None, "posts");
        posts.columns = vec![
            ColumnSchema::new("id", CqlType::Uuid).kind(ColumnKind::PartitionKey(0)),
            ColumnSchema::new("at", CqlType::Timestamp)
                .kind(ColumnKind::Clustering(0, ClusteringOrder::Desc)),
            ColumnSchema::new("tags", CqlType::Set(Box::new(CqlType::Text)))
                .index(IndexKind::Values),
        ];
        posts.options.default_ttl = Some(3600);
        assert_eq!(snapshot, SchemaSnapshot::new(&[&posts]));
    }
}

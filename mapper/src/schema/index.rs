//! Secondary indexes a model declares: the kind ([`IndexKind`]), storage-attached indexes'
//! options ([`SaiOptions`], [`Similarity`]) and the one place their DDL is written, shared
//! by `create_index_cql`, the diff engine and schema sync so the three never disagree.

use std::collections::BTreeMap;

use super::{ColumnSchema, quote_ident};

/// What a secondary index on a column indexes, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum IndexKind {
    /// The column's value; for sets and lists, their elements; for maps, their values.
    Values,
    /// A map's keys.
    Keys,
    /// A map's entries (`m['k'] = v` queries).
    Entries,
    /// A frozen collection as a whole.
    Full,
    /// A storage-attached index (Cassandra 5.0's `StorageAttachedIndex`): serves equality
    /// and range filters without `ALLOW FILTERING` and, on a vector column, `ORDER BY ...
    /// ANN OF` similarity search.
    Sai(SaiOptions),
}

/// The options of a storage-attached index; `None` leaves Cassandra's default.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(default)]
#[non_exhaustive]
pub struct SaiOptions {
    /// `similarity_function` of a vector index (Cassandra's default: cosine).
    pub similarity: Option<Similarity>,
    /// `case_sensitive` of a text index (default true).
    pub case_sensitive: Option<bool>,
    /// `normalize` (Unicode normalisation) of a text index (default false).
    pub normalize: Option<bool>,
    /// `ascii` (fold to ASCII) of a text index (default false).
    pub ascii: Option<bool>,
}

impl SaiOptions {
    /// A vector index using `similarity`.
    pub const fn vector(similarity: Similarity) -> Self {
        SaiOptions {
            similarity: Some(similarity),
            case_sensitive: None,
            normalize: None,
            ascii: None,
        }
    }

    /// With `case_sensitive`.
    pub const fn case_sensitive(mut self, on: bool) -> Self {
        self.case_sensitive = Some(on);
        self
    }

    /// With `normalize`.
    pub const fn normalize(mut self, on: bool) -> Self {
        self.normalize = Some(on);
        self
    }

    /// With `ascii`.
    pub const fn ascii(mut self, on: bool) -> Self {
        self.ascii = Some(on);
        self
    }

    /// The similarity a vector search on this index orders by.
    pub fn similarity_or_default(&self) -> Similarity {
        self.similarity.unwrap_or(Similarity::Cosine)
    }

    /// The `WITH OPTIONS` entries as Cassandra stores them (lower-case names and values).
    pub fn entries(&self) -> BTreeMap<&'static str, String> {
        let mut out = BTreeMap::new();
        if let Some(s) = self.similarity {
            out.insert("similarity_function", s.option_value().to_owned());
        }
        for (name, value) in [
            ("case_sensitive", self.case_sensitive),
            ("normalize", self.normalize),
            ("ascii", self.ascii),
        ] {
            if let Some(v) = value {
                out.insert(name, v.to_string());
            }
        }
        out
    }
}

/// A vector similarity function, as a storage-attached index's `similarity_function` and as
/// the selection function scoring a row (`similarity_cosine(v, ?)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Similarity {
    /// Cosine of the angle, scaled to 0..=1 (Cassandra's default).
    Cosine,
    /// Dot product, scaled to 0..=1 for unit vectors.
    DotProduct,
    /// Euclidean distance mapped to 1 / (1 + d²).
    Euclidean,
}

impl Similarity {
    /// The index option's value: `cosine`, `dot_product`, `euclidean`.
    pub const fn option_value(self) -> &'static str {
        match self {
            Similarity::Cosine => "cosine",
            Similarity::DotProduct => "dot_product",
            Similarity::Euclidean => "euclidean",
        }
    }

    /// The CQL function computing it: `similarity_cosine`, ...
    pub const fn function(self) -> &'static str {
        match self {
            Similarity::Cosine => "similarity_cosine",
            Similarity::DotProduct => "similarity_dot_product",
            Similarity::Euclidean => "similarity_euclidean",
        }
    }

    /// Parses an option value (case-insensitive, as Cassandra reads it).
    pub fn from_option(value: &str) -> Option<Self> {
        match value.to_ascii_lowercase().as_str() {
            "cosine" => Some(Similarity::Cosine),
            "dot_product" => Some(Similarity::DotProduct),
            "euclidean" => Some(Similarity::Euclidean),
            _ => None,
        }
    }
}

/// The class a storage-attached index records in `system_schema.indexes`.
pub(crate) const SAI_CLASS: &str = "StorageAttachedIndex";

/// The `target` Cassandra records for the index declared on `c`.
pub(crate) fn index_target(c: &ColumnSchema) -> Option<String> {
    let col = quote_ident(&c.name);
    Some(match c.index? {
        IndexKind::Values if c.cql_type.is_multi_cell_collection() => format!("values({col})"),
        IndexKind::Values | IndexKind::Sai(_) => col,
        IndexKind::Keys => format!("keys({col})"),
        IndexKind::Entries => format!("entries({col})"),
        IndexKind::Full => format!("full({col})"),
    })
}

/// `CREATE [CUSTOM] INDEX IF NOT EXISTS <index> ON <table> (<target>) ...` for the index
/// declared on `c` (`table` already qualified and quoted as wanted).
pub(crate) fn create_index_statement(c: &ColumnSchema, index: &str, table: &str) -> Option<String> {
    let kind = c.index?;
    let target = index_target(c)?;
    let index = quote_ident(index);
    Some(match kind {
        IndexKind::Sai(options) => {
            let mut cql = format!(
                "CREATE CUSTOM INDEX IF NOT EXISTS {index} ON {table} ({target}) USING '{SAI_CLASS}'"
            );
            let entries = options.entries();
            if !entries.is_empty() {
                let pairs: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("'{k}': '{v}'"))
                    .collect();
                cql.push_str(&format!(" WITH OPTIONS = {{{}}}", pairs.join(", ")));
            }
            cql
        }
        _ => format!("CREATE INDEX IF NOT EXISTS {index} ON {table} ({target})"),
    })
}

/// Whether a live index (its `kind` and stored `options`) is the one `c` declares: same
/// target, same implementation (regular or storage-attached) and, for a storage-attached
/// index, the options the model sets (unset ones may hold any value, as for table options).
pub(crate) fn index_matches(
    c: &ColumnSchema,
    kind: &str,
    options: &BTreeMap<String, String>,
    normalize: impl Fn(&str) -> String,
) -> bool {
    let (Some(declared), Some(target)) = (c.index, index_target(c)) else {
        return false;
    };
    let same_target = options
        .get("target")
        .is_some_and(|t| normalize(t) == normalize(&target));
    if !same_target {
        return false;
    }
    let class = options.get("class_name").map(String::as_str).unwrap_or("");
    let is_sai = kind.eq_ignore_ascii_case("CUSTOM")
        && (class.ends_with(SAI_CLASS) || class.eq_ignore_ascii_case("sai"));
    match declared {
        IndexKind::Sai(wanted) => {
            is_sai
                && wanted.entries().iter().all(|(k, v)| {
                    options
                        .iter()
                        .any(|(lk, lv)| lk.eq_ignore_ascii_case(k) && lv.eq_ignore_ascii_case(v))
                })
        }
        _ => !kind.eq_ignore_ascii_case("CUSTOM"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::CqlType;

    fn vector_column(index: IndexKind) -> ColumnSchema {
        ColumnSchema::new("embedding", CqlType::Vector(Box::new(CqlType::Float), 5)).index(index)
    }

    #[test]
    fn sai_index_statement_names_the_class_and_options() {
        let c = vector_column(IndexKind::Sai(SaiOptions::vector(Similarity::DotProduct)));
        assert_eq!(
            create_index_statement(&c, "products_embedding_idx", "shop.products").as_deref(),
            Some(
                "CREATE CUSTOM INDEX IF NOT EXISTS products_embedding_idx ON shop.products \
                 (embedding) USING 'StorageAttachedIndex' WITH OPTIONS = \
                 {'similarity_function': 'dot_product'}"
            )
        );
        let plain = vector_column(IndexKind::Sai(SaiOptions::default()));
        assert_eq!(
            create_index_statement(&plain, "i", "t").as_deref(),
            Some(
                "CREATE CUSTOM INDEX IF NOT EXISTS i ON t (embedding) USING 'StorageAttachedIndex'"
            )
        );
    }

    #[test]
    fn live_indexes_match_on_implementation_and_declared_options() {
        let c = vector_column(IndexKind::Sai(SaiOptions::vector(Similarity::Cosine)));
        let live = |kind: &str, pairs: &[(&str, &str)]| {
            let options: BTreeMap<String, String> = pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            index_matches(&c, kind, &options, str::to_owned)
        };
        let sai = [
            (
                "class_name",
                "org.apache.cassandra.index.sai.StorageAttachedIndex",
            ),
            ("target", "embedding"),
            ("similarity_function", "COSINE"),
        ];
        assert!(live("CUSTOM", &sai));
        assert!(!live("COMPOSITES", &[("target", "embedding")]));
        assert!(!live(
            "CUSTOM",
            &[
                (
                    "class_name",
                    "org.apache.cassandra.index.sai.StorageAttachedIndex"
                ),
                ("target", "embedding"),
                ("similarity_function", "euclidean"),
            ]
        ));
        let regular = ColumnSchema::new("cat", CqlType::Text).index(IndexKind::Values);
        let options = BTreeMap::from([("target".to_owned(), "cat".to_owned())]);
        assert!(index_matches(
            &regular,
            "COMPOSITES",
            &options,
            str::to_owned
        ));
        assert!(!index_matches(&regular, "CUSTOM", &options, str::to_owned));
    }

    #[test]
    fn similarity_reads_option_values_case_insensitively() {
        assert_eq!(
            Similarity::from_option("DOT_PRODUCT"),
            Some(Similarity::DotProduct)
        );
        assert_eq!(Similarity::from_option("manhattan"), None);
        assert_eq!(Similarity::Euclidean.function(), "similarity_euclidean");
    }
}

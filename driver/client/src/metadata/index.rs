//! Secondary indexes: [`IndexMetadata`] and its [`IndexKind`].

use std::collections::BTreeMap;

/// A secondary index as `system_schema.indexes` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct IndexMetadata {
    /// Index name (unique in the keyspace).
    pub name: String,
    /// Regular, custom (`USING`, including SAI and SASI) or legacy keys index.
    pub kind: IndexKind,
    /// The indexed target as CQL: `cat`, `values(tags)`, `keys(m)`, `entries(m)`,
    /// `full(f)` (the `target` option).
    pub target: String,
    /// Every option as stored, `target` and, for custom indexes, `class_name` included.
    pub options: BTreeMap<String, String>,
}

impl IndexMetadata {
    /// An index; `target` is taken from `options`.
    pub fn new(
        name: impl Into<String>,
        kind: IndexKind,
        options: BTreeMap<String, String>,
    ) -> Self {
        IndexMetadata {
            name: name.into(),
            kind,
            target: options.get("target").cloned().unwrap_or_default(),
            options,
        }
    }

    /// The implementation class of a custom index
    /// (`org.apache.cassandra.index.sai.StorageAttachedIndex`, ...).
    pub fn class_name(&self) -> Option<&str> {
        self.options.get("class_name").map(String::as_str)
    }

    /// Whether this is a custom index (`CREATE CUSTOM INDEX ... USING`).
    pub fn is_custom(&self) -> bool {
        self.kind == IndexKind::Custom
    }
}

/// `system_schema.indexes.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IndexKind {
    /// A regular secondary index (`COMPOSITES`).
    Composites,
    /// A custom index, its class in the `class_name` option (`CUSTOM`).
    Custom,
    /// A legacy index on a compact table (`KEYS`).
    Keys,
}

impl IndexKind {
    /// Reads the kind as `system_schema` spells it; `None` for another word.
    pub fn from_schema(kind: &str) -> Option<Self> {
        Some(match kind.to_ascii_uppercase().as_str() {
            "COMPOSITES" => IndexKind::Composites,
            "CUSTOM" => IndexKind::Custom,
            "KEYS" => IndexKind::Keys,
            _ => return None,
        })
    }

    /// The kind as `system_schema` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            IndexKind::Composites => "COMPOSITES",
            IndexKind::Custom => "CUSTOM",
            IndexKind::Keys => "KEYS",
        }
    }
}

//! Storage-attached indexes (Cassandra 5.0's SAI): recognising the class however it is
//! written, and `StorageAttachedIndex.validateOptions` with its messages and warning.
//!
//! Cassandra keeps `class_name` exactly as written (`'sai'`, `'StorageAttachedIndex'`, the
//! qualified class) and resolves the alias only when loading the class, so the catalog does
//! the same: the written name is stored and shown, and [`is_sai`] decides the behaviour.

use std::collections::BTreeMap;

use cassia_protocol::response::ServerError;

use crate::cql::ast::{CqlType, NativeType};
use crate::engine::Similarity;

use super::super::errors::{config, invalid};
use super::super::model::{ColumnDef, IndexClass, IndexDef, IndexTargetKind, TableDef};

/// The fully qualified class; Cassandra loads it by this exact name.
const CLASS: &str = "org.apache.cassandra.index.sai.StorageAttachedIndex";

/// The option naming the similarity function of a vector index.
pub(crate) const SIMILARITY_FUNCTION: &str = "similarity_function";

/// The string-analysis options (`NonTokenizingOptions`) and their defaults.
const ANALYSIS: [(&str, bool); 3] = [
    ("case_sensitive", true),
    ("normalize", false),
    ("ascii", false),
];

/// Options `StorageAttachedIndex` understands besides `target` and `class_name`.
const VALID: [&str; 7] = [
    "maximum_node_connections",
    "construction_beam_width",
    SIMILARITY_FUNCTION,
    "optimize_for",
    "case_sensitive",
    "normalize",
    "ascii",
];

/// The client warning Cassandra 5.0 attaches to every vector index creation.
pub(crate) const VECTOR_USAGE_WARNING: &str = "SAI ANN indexes on vector columns are experimental and are not recommended for production use.\n\
They don't yet support SELECT queries with:\n \
* Consistency level higher than ONE/LOCAL_ONE.\n \
* Paging.\n \
* No LIMIT clauses.\n \
* PER PARTITION LIMIT clauses.\n \
* GROUP BY clauses.\n \
* Aggregation functions.\n \
* Filters on columns without a SAI index.";

/// Whether a custom index class names SAI: the aliases `sai` and `StorageAttachedIndex` in
/// any case (Cassandra lower-cases before looking aliases up), or the exact class name.
pub(crate) fn is_sai(class: &str) -> bool {
    let lower = class.to_lowercase();
    lower == "sai" || lower == "storageattachedindex" || class == CLASS
}

/// Whether `index` is a storage-attached index.
pub(crate) fn is_sai_index(index: &IndexDef) -> bool {
    matches!(&index.class, IndexClass::Custom(c) if is_sai(c))
}

/// The similarity function of a vector index (cosine unless the option says otherwise).
pub(crate) fn similarity_of(index: &IndexDef) -> Similarity {
    index
        .options
        .get(SIMILARITY_FUNCTION)
        .and_then(|s| Similarity::parse(s))
        .unwrap_or(Similarity::Cosine)
}

fn strip_frozen(t: &CqlType) -> &CqlType {
    match t {
        CqlType::Frozen(inner) => strip_frozen(inner),
        other => other,
    }
}

/// `StorageAttachedIndex.validateOptions` for a new index on `column` (the table does not
/// hold it yet). Returns the client warnings to send.
pub(super) fn validate(
    table: &TableDef,
    column: &ColumnDef,
    kind: IndexTargetKind,
    options: &BTreeMap<String, String>,
) -> Result<Vec<String>, ServerError> {
    let unknown: Vec<&str> = options
        .keys()
        .map(String::as_str)
        .filter(|k| !VALID.contains(k) && *k != "target")
        .collect();
    if !unknown.is_empty() {
        // A Java set's toString; the order of several keys is Cassandra's hash order, here
        // alphabetical.
        return Err(config(format!(
            "Properties specified [{}] are not understood by StorageAttachedIndex",
            unknown.join(", ")
        )));
    }
    if table
        .indexes
        .iter()
        .any(|i| is_sai_index(i) && i.column == column.name && i.target == kind)
    {
        return Err(invalid(format!(
            "Cannot create more than one storage-attached index on the same column: {}",
            column.name
        )));
    }
    let analysis: Vec<(&str, &String)> = ANALYSIS
        .iter()
        .filter_map(|(k, _)| options.get(*k).map(|v| (*k, v)))
        .collect();
    if column.kind.is_primary_key() && !analysis.is_empty() {
        let shown: Vec<String> = analysis
            .iter()
            .map(|(k, v)| format!("'{k}': '{}'", v.replace('\'', "''")))
            .collect();
        return Err(invalid(format!(
            "Analysis options are not supported on primary key columns, but found {{{}}}",
            shown.join(", ")
        )));
    }
    let typ = strip_frozen(&column.declared);
    let type_name = crate::catalog::render_type(&column.declared);
    let non_default = analysis.iter().any(|(k, v)| {
        ANALYSIS
            .iter()
            .any(|(name, default)| name == k && !v.eq_ignore_ascii_case(&default.to_string()))
    });
    if non_default {
        let analyzable = matches!(typ, CqlType::Native(NativeType::Text | NativeType::Ascii));
        if !analyzable {
            return Err(invalid(format!("CQL type {type_name} cannot be analyzed.")));
        }
        for (k, v) in &analysis {
            if v.is_empty() {
                return Err(invalid(format!("Empty value for boolean option '{k}'")));
            }
            if !v.eq_ignore_ascii_case("true") && !v.eq_ignore_ascii_case("false") {
                return Err(invalid(format!(
                    "Illegal value for boolean option '{k}': {v}"
                )));
            }
        }
    }
    let vector = match typ {
        CqlType::Vector(elem, dim) => Some((elem, *dim)),
        _ => None,
    };
    let vector_options = [
        "maximum_node_connections",
        "construction_beam_width",
        SIMILARITY_FUNCTION,
        "optimize_for",
    ];
    if vector.is_none() && vector_options.iter().any(|o| options.contains_key(*o)) {
        return Err(invalid(format!(
            "CQL type {type_name} cannot have vector options"
        )));
    }
    let mut similarity = Similarity::Cosine;
    if let Some(value) = options.get(SIMILARITY_FUNCTION) {
        let Some(s) = Similarity::parse(value) else {
            let valid: Vec<&str> = Similarity::ALL.iter().map(|s| s.enum_name()).collect();
            // The index name is not known yet when Cassandra validates, hence its "null".
            return Err(invalid(format!(
                "Similarity function {} was not recognized for index null. Valid values are: {}",
                value.to_uppercase(),
                valid.join(", ")
            )));
        };
        similarity = s;
    }
    let Some((elem, dim)) = vector else {
        supported_type(typ, &type_name)?;
        return Ok(Vec::new());
    };
    if *strip_frozen(elem) != CqlType::Native(NativeType::Float) {
        return Err(invalid(
            "SAI ANN indexes are only allowed on vector columns with float elements",
        ));
    }
    if dim == 1 && similarity == Similarity::Cosine {
        return Err(invalid(
            "Cosine similarity is not supported for single-dimension vectors",
        ));
    }
    Ok(vec![VECTOR_USAGE_WARNING.to_owned()])
}

/// The types SAI indexes (`SUPPORTED_TYPES`, frozen collections, collection elements).
fn supported_type(typ: &CqlType, type_name: &str) -> Result<(), ServerError> {
    use NativeType as N;
    let ok = match typ {
        CqlType::Native(n) => matches!(
            n,
            N::Ascii
                | N::BigInt
                | N::Date
                | N::Double
                | N::Float
                | N::Int
                | N::SmallInt
                | N::Text
                | N::Time
                | N::Timestamp
                | N::Timeuuid
                | N::TinyInt
                | N::Uuid
                | N::Inet
                | N::Varint
                | N::Decimal
                | N::Boolean
        ),
        // Collections are checked element by element by Cassandra; the emulator accepts them.
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(invalid(format!("Unsupported type: {type_name}")))
    }
}

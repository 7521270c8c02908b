//! [`KeyspaceMetadata`]: one keyspace with everything in it, plus the ordering helpers the
//! CQL export (and the mapper's schema diff) need: which user types a type text mentions,
//! and a creation order that puts each object after what it uses.

use std::collections::{BTreeMap, BTreeSet};

use cassia_protocol::types::ColumnType;

use super::cql_type;
use super::routine::{AggregateMetadata, FunctionMetadata, UserTypeMetadata};
use super::table::TableMetadata;
use super::view::ViewMetadata;

/// Everything `system_schema` says about one keyspace (triggers aside).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct KeyspaceMetadata {
    /// Keyspace name.
    pub name: String,
    /// `replication` as stored: `class` (fully qualified) and its options.
    pub replication: BTreeMap<String, String>,
    /// `durable_writes`.
    pub durable_writes: bool,
    /// Tables by name.
    pub tables: BTreeMap<String, TableMetadata>,
    /// Materialized views by name.
    pub views: BTreeMap<String, ViewMetadata>,
    /// User types by name.
    pub user_types: BTreeMap<String, UserTypeMetadata>,
    /// User functions, by name then argument types.
    pub functions: Vec<FunctionMetadata>,
    /// User aggregates, by name then argument types.
    pub aggregates: Vec<AggregateMetadata>,
}

impl KeyspaceMetadata {
    /// A keyspace without objects, durable writes on, replication empty.
    pub fn new(name: impl Into<String>) -> Self {
        KeyspaceMetadata {
            name: name.into(),
            replication: BTreeMap::new(),
            durable_writes: true,
            tables: BTreeMap::new(),
            views: BTreeMap::new(),
            user_types: BTreeMap::new(),
            functions: Vec::new(),
            aggregates: Vec::new(),
        }
    }

    /// The replication strategy's class without its package (`SimpleStrategy`,
    /// `NetworkTopologyStrategy`, ...), empty when the server reported none.
    pub fn replication_strategy(&self) -> &str {
        let class = self.replication.get("class").map_or("", String::as_str);
        class.rsplit('.').next().unwrap_or(class)
    }

    /// The table called `name`.
    pub fn table(&self, name: &str) -> Option<&TableMetadata> {
        self.tables.get(name)
    }

    /// The materialized view called `name`.
    pub fn view(&self, name: &str) -> Option<&ViewMetadata> {
        self.views.get(name)
    }

    /// The user type called `name`.
    pub fn user_type(&self, name: &str) -> Option<&UserTypeMetadata> {
        self.user_types.get(name)
    }

    /// Reads CQL type text as this keyspace's columns use it (`frozen<map<text, address>>`)
    /// into a [`ColumnType`], user types resolved with their fields; `None` for text it
    /// cannot read or a user type the keyspace does not have.
    pub fn parse_type(&self, cql_type: &str) -> Option<ColumnType> {
        self.parse_type_at(cql_type, 0)
    }

    /// [`Self::parse_type`] inside `depth` user types: Cassandra forbids a type that
    /// contains itself, but metadata is read, not trusted, so a cycle ends unparsed.
    fn parse_type_at(&self, cql_type: &str, depth: usize) -> Option<ColumnType> {
        cql_type::parse(cql_type, &|name| {
            if depth >= cql_type::MAX_DEPTH {
                return None;
            }
            let udt = self.user_types.get(name)?;
            let fields = udt
                .fields
                .iter()
                .map(|(f, t)| Some((f.clone(), self.parse_type_at(t, depth + 1)?)))
                .collect::<Option<Vec<_>>>()?;
            Some(ColumnType::Udt {
                keyspace: self.name.clone(),
                name: name.to_owned(),
                fields,
            })
        })
    }

    /// The user types in creation order: a type after the types its fields use, ties by
    /// name.
    pub fn user_types_in_dependency_order(&self) -> Vec<&UserTypeMetadata> {
        let known: BTreeSet<&str> = self.user_types.keys().map(String::as_str).collect();
        let types: Vec<&UserTypeMetadata> = self.user_types.values().collect();
        dependency_order(
            &types,
            |t| t.name.clone(),
            |t| {
                t.fields
                    .iter()
                    .flat_map(|(_, typ)| referenced_user_types(typ, &known))
                    .filter(|d| d != &t.name)
                    .collect()
            },
        )
        .into_iter()
        .copied()
        .collect()
    }
}

/// The names among `known` that the CQL type text `cql_type` mentions (`frozen<"Addr">`
/// mentions `Addr`): identifiers are read as CQL does, unquoted ones as written (Cassandra
/// stores type names lower-case and quotes the others).
pub fn referenced_user_types(cql_type: &str, known: &BTreeSet<&str>) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = cql_type.chars().peekable();
    while let Some(c) = chars.next() {
        let word = if c == '"' {
            let mut w = String::new();
            while let Some(n) = chars.next() {
                if n == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        w.push('"');
                    } else {
                        break;
                    }
                } else {
                    w.push(n);
                }
            }
            w
        } else if c.is_alphanumeric() || c == '_' {
            let mut w = String::from(c);
            while let Some(&n) = chars.peek() {
                if !(n.is_alphanumeric() || n == '_') {
                    break;
                }
                w.push(n);
                chars.next();
            }
            w
        } else {
            continue;
        };
        if known.contains(word.as_str()) && !out.contains(&word) {
            out.push(word);
        }
    }
    out
}

/// `items` ordered so each comes after its dependencies (named by `deps`), ties broken by
/// name; dependencies outside `items` are ignored, and a cycle (which Cassandra forbids)
/// falls back to name order rather than looping.
///
/// Shared with the `cassia` mapper's schema diff (which orders its models' types the same
/// way); not meant as a stable interface.
#[doc(hidden)]
pub fn dependency_order<T>(
    items: &[T],
    name: impl Fn(&T) -> String,
    deps: impl Fn(&T) -> BTreeSet<String>,
) -> Vec<&T> {
    let mut pending: BTreeMap<String, (&T, BTreeSet<String>)> =
        items.iter().map(|t| (name(t), (t, deps(t)))).collect();
    let names: BTreeSet<String> = pending.keys().cloned().collect();
    for (_, d) in pending.values_mut() {
        d.retain(|n| names.contains(n));
    }
    let mut out = Vec::with_capacity(items.len());
    while !pending.is_empty() {
        let ready = pending
            .iter()
            .find(|(_, (_, d))| d.is_empty())
            .map(|(n, _)| n.clone())
            .or_else(|| pending.keys().next().cloned());
        let Some(next) = ready else { break };
        if let Some((item, _)) = pending.remove(&next) {
            out.push(item);
        }
        for (_, d) in pending.values_mut() {
            d.remove(&next);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_type_references_in_type_text() {
        let known = BTreeSet::from(["address", "Geo", "tag"]);
        assert_eq!(
            referenced_user_types("map<text, frozen<list<frozen<\"Geo\">>>>", &known),
            ["Geo"]
        );
        assert_eq!(
            referenced_user_types("frozen<tuple<address, tag, address>>", &known),
            ["address", "tag"]
        );
        assert!(referenced_user_types("frozen<geo>", &known).is_empty());
    }

    #[test]
    fn orders_types_after_their_dependencies() {
        let mut ks = KeyspaceMetadata::new("ks");
        for (name, field) in [("a", "frozen<c>"), ("b", "int"), ("c", "frozen<b>")] {
            let t = UserTypeMetadata::new("ks", name, vec![("x".into(), field.into())]);
            ks.user_types.insert(name.into(), t);
        }
        let order: Vec<&str> = ks
            .user_types_in_dependency_order()
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(order, ["b", "c", "a"]);
    }

    #[test]
    fn parses_types_with_user_types_resolved() {
        let mut ks = KeyspaceMetadata::new("ks");
        ks.user_types.insert(
            "geo".into(),
            UserTypeMetadata::new("ks", "geo", vec![("lat".into(), "double".into())]),
        );
        let geo = ColumnType::Udt {
            keyspace: "ks".into(),
            name: "geo".into(),
            fields: vec![("lat".into(), ColumnType::Double)],
        };
        assert_eq!(
            ks.parse_type("map<text, frozen<geo>>"),
            Some(ColumnType::Map(Box::new(ColumnType::Text), Box::new(geo)))
        );
        assert_eq!(ks.parse_type("frozen<nope>"), None, "unknown user type");
        ks.user_types.insert(
            "loop".into(),
            UserTypeMetadata::new("ks", "loop", vec![("x".into(), "frozen<loop>".into())]),
        );
        assert_eq!(ks.parse_type("loop"), None, "a cycle ends, unparsed");
    }
}

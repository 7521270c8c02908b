//! CREATE / ALTER / DROP KEYSPACE, with Cassandra's replication validation.

use std::collections::BTreeMap;
use std::sync::Arc;

use cassia_protocol::response::{SchemaChangeType, ServerError};

use crate::cql::ast::{AlterKeyspace, CreateKeyspace, OptionValue};

use super::super::errors::{config, invalid, keyspace_exists, syntax};
use super::super::model::{KeyspaceDef, KeyspaceKind};
use super::super::{Catalog, DdlOutcome};
use super::{keyspace_change, table_change, type_change};

const SIMPLE: &str = "org.apache.cassandra.locator.SimpleStrategy";
const NETWORK: &str = "org.apache.cassandra.locator.NetworkTopologyStrategy";
/// Cassandra's limit on keyspace and table name length.
pub(crate) const MAX_KEYSPACE_NAME: usize = 48;

pub(super) fn create(
    catalog: &mut Catalog,
    stmt: &CreateKeyspace,
) -> Result<DdlOutcome, ServerError> {
    let attrs = KeyspaceAttrs::parse(&stmt.options)?;
    let Some(replication) = attrs.replication else {
        return Err(invalid("Missing mandatory option 'replication'"));
    };
    if catalog.keyspaces.contains_key(&stmt.name) {
        if stmt.if_not_exists {
            return Ok(DdlOutcome::unchanged());
        }
        return Err(keyspace_exists(&stmt.name));
    }
    validate_name(&stmt.name)?;
    let replication = validate_replication(&stmt.name, replication, &catalog.datacenters())?;
    let ks = KeyspaceDef {
        name: stmt.name.clone(),
        replication,
        durable_writes: attrs.durable_writes.unwrap_or(true),
        tables: BTreeMap::new(),
        types: BTreeMap::new(),
        kind: KeyspaceKind::User,
    };
    catalog.keyspaces.insert(stmt.name.clone(), Arc::new(ks));
    Ok(DdlOutcome::single(keyspace_change(
        SchemaChangeType::Created,
        &stmt.name,
    )))
}

pub(super) fn alter(
    catalog: &mut Catalog,
    stmt: &AlterKeyspace,
) -> Result<DdlOutcome, ServerError> {
    super::authorize(&stmt.name, None, super::Perm::Alter)?;
    let attrs = KeyspaceAttrs::parse(&stmt.options)?;
    let datacenters = catalog.datacenters();
    let Some(ks) = catalog.keyspaces.get(&stmt.name) else {
        if stmt.if_exists {
            return Ok(DdlOutcome::unchanged());
        }
        return Err(invalid(format!("Keyspace '{}' doesn't exist", stmt.name)));
    };
    super::ensure_alterable(ks)?;
    let replication = match attrs.replication {
        Some(r) => validate_replication(&stmt.name, r, &datacenters)?,
        None => ks.replication.clone(),
    };
    let durable_writes = attrs.durable_writes.unwrap_or(ks.durable_writes);
    if let Some(ks) = catalog.keyspace_mut(&stmt.name) {
        ks.replication = replication;
        ks.durable_writes = durable_writes;
    }
    Ok(DdlOutcome::single(keyspace_change(
        SchemaChangeType::Updated,
        &stmt.name,
    )))
}

pub(super) fn drop(
    catalog: &mut Catalog,
    name: &str,
    if_exists: bool,
) -> Result<DdlOutcome, ServerError> {
    super::authorize(name, None, super::Perm::Drop)?;
    let Some(ks) = catalog.keyspaces.get(name) else {
        if if_exists {
            return Ok(DdlOutcome::unchanged());
        }
        return Err(invalid(format!("Keyspace '{name}' doesn't exist")));
    };
    super::ensure_modifiable(ks)?;
    // Cassandra pushes one event per dropped table, then per type, then the keyspace.
    let mut events: Vec<_> = ks
        .tables
        .keys()
        .map(|t| table_change(SchemaChangeType::Dropped, name, t))
        .collect();
    events.extend(
        ks.types
            .keys()
            .map(|t| type_change(SchemaChangeType::Dropped, name, t)),
    );
    let change = keyspace_change(SchemaChangeType::Dropped, name);
    events.push(change.clone());
    catalog.keyspaces.remove(name);
    Ok(DdlOutcome {
        change: Some(change),
        events,
        warnings: Vec::new(),
    })
}

/// Keyspace names: 1 to 48 word characters.
fn validate_name(name: &str) -> Result<(), ServerError> {
    let ok = !name.is_empty()
        && name.len() <= MAX_KEYSPACE_NAME
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(invalid(format!(
            "Keyspace name must not be empty, more than {MAX_KEYSPACE_NAME} characters long, or contain non-alphanumeric-underscore characters (got '{name}')"
        )))
    }
}

/// The `WITH` options of CREATE/ALTER KEYSPACE.
struct KeyspaceAttrs {
    replication: Option<BTreeMap<String, String>>,
    durable_writes: Option<bool>,
}

impl KeyspaceAttrs {
    fn parse(options: &[(String, OptionValue)]) -> Result<KeyspaceAttrs, ServerError> {
        let mut attrs = KeyspaceAttrs {
            replication: None,
            durable_writes: None,
        };
        for (name, value) in options {
            match name.as_str() {
                "replication" => {
                    let OptionValue::Map(entries) = value else {
                        return Err(syntax(format!(
                            "Invalid value for property '{name}'. It should be a map."
                        )));
                    };
                    let mut map = BTreeMap::new();
                    for (k, v) in entries {
                        map.insert(k.raw_text(), v.raw_text());
                    }
                    attrs.replication = Some(map);
                }
                "durable_writes" => {
                    let text = match value {
                        OptionValue::Literal(l) => l.raw_text(),
                        OptionValue::Identifier(i) => i.clone(),
                        OptionValue::Map(_) => {
                            return Err(syntax(format!(
                                "Invalid value for property '{name}'. It should be a string"
                            )));
                        }
                    };
                    attrs.durable_writes = Some(parse_bool(&text));
                }
                other => return Err(syntax(format!("Unknown property '{other}'"))),
            }
        }
        Ok(attrs)
    }
}

/// Cassandra's `Boolean.parseBoolean`-like reading of a property (`true`/`yes`/`1`).
pub(crate) fn parse_bool(text: &str) -> bool {
    matches!(text.to_ascii_lowercase().as_str(), "true" | "yes" | "1")
}

/// Validates a replication map and returns it as `system_schema.keyspaces` stores it.
fn validate_replication(
    keyspace: &str,
    mut options: BTreeMap<String, String>,
    datacenters: &[String],
) -> Result<BTreeMap<String, String>, ServerError> {
    let Some(class) = options.remove("class") else {
        return Err(config("Missing replication strategy class"));
    };
    let full_class = match class.as_str() {
        "SimpleStrategy" | SIMPLE => SIMPLE,
        "NetworkTopologyStrategy" | NETWORK => NETWORK,
        "LocalStrategy" | "org.apache.cassandra.locator.LocalStrategy" => {
            return Err(invalid(
                "Unable to use given strategy class: LocalStrategy is reserved for internal use.",
            ));
        }
        other => {
            let qualified = if other.contains('.') {
                other.to_owned()
            } else {
                format!("org.apache.cassandra.locator.{other}")
            };
            return Err(config(format!(
                "Unable to find replication strategy class '{qualified}'"
            )));
        }
    };
    let mut out = BTreeMap::new();
    out.insert("class".to_owned(), full_class.to_owned());
    if full_class == SIMPLE {
        for key in options.keys() {
            if key != "replication_factor" {
                return Err(unrecognized(key, "SimpleStrategy", keyspace));
            }
        }
        let Some(rf) = options.get("replication_factor") else {
            return Err(config(
                "SimpleStrategy requires a replication_factor strategy option.",
            ));
        };
        validate_rf(rf)?;
        out.insert("replication_factor".to_owned(), rf.clone());
    } else {
        for (key, rf) in &options {
            // Since 4.0, `replication_factor` expands to every known datacenter.
            let dcs: Vec<&String> = if key == "replication_factor" {
                datacenters.iter().collect()
            } else if datacenters.contains(key) {
                vec![key]
            } else {
                return Err(unrecognized(key, "NetworkTopologyStrategy", keyspace));
            };
            validate_rf(rf)?;
            for dc in dcs {
                out.entry(dc.clone()).or_insert_with(|| rf.clone());
            }
        }
    }
    Ok(out)
}

fn unrecognized(option: &str, strategy: &str, keyspace: &str) -> ServerError {
    config(format!(
        "Unrecognized strategy option {{{option}}} passed to {strategy} for keyspace {keyspace}"
    ))
}

fn validate_rf(rf: &str) -> Result<(), ServerError> {
    let full = rf.split('/').next().unwrap_or(rf);
    let n: i64 = full
        .trim()
        .parse()
        .map_err(|_| config(format!("For input string: \"{full}\"")))?;
    if n < 0 {
        return Err(config(format!(
            "Replication factor must be non-negative, found {n}"
        )));
    }
    Ok(())
}

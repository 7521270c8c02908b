//! Type resolution: a written `ast::CqlType` becomes the canonical declared type (frozen-ness
//! made explicit, user types qualified) plus the wire `ColumnType`, with Cassandra's checks on
//! nesting (non-frozen collections inside collections, counters, durations) and its wording.
//!
//! Rendering back to CQL follows Cassandra's `CQL3Type.toString()`: `text` for varchar,
//! `frozen<...>` around every frozen collection, UDT and tuple, UDTs by bare name.

use cassia_protocol::response::ServerError;
use cassia_protocol::types::ColumnType;

use crate::cql::ast::{CqlType, NativeType, QualifiedName};

use super::errors::invalid;
use super::model::KeyspaceDef;
use super::render::quote_ident;

/// Resolves a type written in a statement on keyspace `ks` (where user types are looked
/// up). Returns the canonical declared type and the wire type.
pub fn resolve(typ: &CqlType, ks: &KeyspaceDef) -> Result<(CqlType, ColumnType), ServerError> {
    let canonical = canonicalize(typ, ks, false)?;
    let wire = wire_type(&canonical, ks)?;
    Ok((canonical, wire))
}

/// The canonical form of `typ`. `frozen` says whether an enclosing type is frozen, in which
/// case every nested collection/UDT/tuple is frozen too (as Cassandra's `freeze()` does).
fn canonicalize(typ: &CqlType, ks: &KeyspaceDef, frozen: bool) -> Result<CqlType, ServerError> {
    match typ {
        CqlType::Native(_) => Ok(typ.clone()),
        CqlType::Custom(class) => Ok(CqlType::Custom(super::custom::qualify(class))),
        CqlType::Frozen(inner) => match inner.as_ref() {
            CqlType::List(_)
            | CqlType::Set(_)
            | CqlType::Map(..)
            | CqlType::Tuple(_)
            | CqlType::UserType(_) => {
                let inner = canonicalize(inner, ks, true)?;
                Ok(wrap_frozen(inner))
            }
            CqlType::Frozen(_) => canonicalize(inner, ks, frozen),
            _ => Err(invalid(
                "frozen<> is only allowed on collections, tuples, and user-defined types",
            )),
        },
        CqlType::List(elem) | CqlType::Set(elem) => {
            let is_set = matches!(typ, CqlType::Set(_));
            check_element(typ, elem, frozen)?;
            if is_set && references_duration(elem) {
                return Err(invalid(format!(
                    "Durations are not allowed inside sets: {}",
                    written(typ)
                )));
            }
            let elem = Box::new(canonicalize(elem, ks, true)?);
            let out = if is_set {
                CqlType::Set(elem)
            } else {
                CqlType::List(elem)
            };
            Ok(if frozen { wrap_frozen(out) } else { out })
        }
        CqlType::Map(key, value) => {
            check_element(typ, key, frozen)?;
            check_element(typ, value, frozen)?;
            if references_duration(key) {
                return Err(invalid(format!(
                    "Durations are not allowed as map keys: {}",
                    written(typ)
                )));
            }
            let out = CqlType::Map(
                Box::new(canonicalize(key, ks, true)?),
                Box::new(canonicalize(value, ks, true)?),
            );
            Ok(if frozen { wrap_frozen(out) } else { out })
        }
        CqlType::Tuple(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                if is_counter(item) {
                    return Err(invalid("Counters are not allowed inside tuples"));
                }
                out.push(canonicalize(item, ks, true)?);
            }
            // Tuples are always frozen.
            Ok(wrap_frozen(CqlType::Tuple(out)))
        }
        CqlType::UserType(name) => {
            let qualified = qualify_user_type(name, ks)?;
            let out = CqlType::UserType(qualified);
            Ok(if frozen { wrap_frozen(out) } else { out })
        }
        CqlType::Vector(elem, dimension) => {
            if *dimension == 0 {
                return Err(invalid(format!(
                    "Vectors must have a dimension greater than 0, given {dimension}"
                )));
            }
            if is_counter(elem) {
                return Err(invalid("Counters are not allowed inside vectors"));
            }
            Ok(CqlType::Vector(
                Box::new(canonicalize(elem, ks, true)?),
                *dimension,
            ))
        }
    }
}

fn wrap_frozen(t: CqlType) -> CqlType {
    match t {
        CqlType::Frozen(_) => t,
        other => CqlType::Frozen(Box::new(other)),
    }
}

/// Cassandra's checks on a collection's element (or key/value) type.
fn check_element(collection: &CqlType, elem: &CqlType, frozen: bool) -> Result<(), ServerError> {
    if is_counter(elem) {
        return Err(invalid(format!(
            "Counters are not allowed inside collections: {}",
            written(collection)
        )));
    }
    if !frozen {
        match elem {
            CqlType::List(_) | CqlType::Set(_) | CqlType::Map(..) => {
                return Err(invalid(format!(
                    "Non-frozen collections are not allowed inside collections: {}",
                    written(collection)
                )));
            }
            CqlType::UserType(_) => {
                return Err(invalid(format!(
                    "Non-frozen UDTs are not allowed inside collections: {}",
                    written(collection)
                )));
            }
            _ => {}
        }
    }
    Ok(())
}

fn is_counter(t: &CqlType) -> bool {
    matches!(t, CqlType::Native(NativeType::Counter))
}

/// Whether the type is or contains `duration` (UDT fields are not followed: Cassandra checks
/// those when the UDT is created).
pub fn references_duration(t: &CqlType) -> bool {
    match t {
        CqlType::Native(n) => *n == NativeType::Duration,
        CqlType::List(e) | CqlType::Set(e) | CqlType::Frozen(e) | CqlType::Vector(e, _) => {
            references_duration(e)
        }
        CqlType::Map(k, v) => references_duration(k) || references_duration(v),
        CqlType::Tuple(items) => items.iter().any(references_duration),
        CqlType::UserType(_) | CqlType::Custom(_) => false,
    }
}

/// Whether a canonical type names the given user type anywhere inside it.
pub fn references_user_type(t: &CqlType, keyspace: &str, name: &str) -> bool {
    match t {
        CqlType::UserType(q) => q.name == name && q.keyspace.as_deref() == Some(keyspace),
        CqlType::List(e) | CqlType::Set(e) | CqlType::Frozen(e) | CqlType::Vector(e, _) => {
            references_user_type(e, keyspace, name)
        }
        CqlType::Map(k, v) => {
            references_user_type(k, keyspace, name) || references_user_type(v, keyspace, name)
        }
        CqlType::Tuple(items) => items
            .iter()
            .any(|i| references_user_type(i, keyspace, name)),
        CqlType::Native(_) | CqlType::Custom(_) => false,
    }
}

fn qualify_user_type(name: &QualifiedName, ks: &KeyspaceDef) -> Result<QualifiedName, ServerError> {
    if let Some(other) = &name.keyspace
        && other != &ks.name
    {
        return Err(invalid(format!(
            "Statement on keyspace {} cannot refer to a user type in keyspace {}; user types can only be used in the keyspace they are defined in",
            ks.name, other
        )));
    }
    if !ks.types.contains_key(&name.name) {
        return Err(invalid(format!("Unknown type {}.{}", ks.name, name.name)));
    }
    Ok(QualifiedName {
        keyspace: Some(ks.name.clone()),
        name: name.name.clone(),
    })
}

/// The wire type of a canonical declared type; user types are looked up in `ks`.
pub fn wire_type(t: &CqlType, ks: &KeyspaceDef) -> Result<ColumnType, ServerError> {
    Ok(match t {
        CqlType::Native(n) => native_wire(*n),
        CqlType::Custom(class) => ColumnType::Custom(class.clone()),
        CqlType::Frozen(inner) => wire_type(inner, ks)?,
        CqlType::List(e) => ColumnType::List(Box::new(wire_type(e, ks)?)),
        CqlType::Set(e) => ColumnType::Set(Box::new(wire_type(e, ks)?)),
        CqlType::Map(k, v) => {
            ColumnType::Map(Box::new(wire_type(k, ks)?), Box::new(wire_type(v, ks)?))
        }
        CqlType::Tuple(items) => ColumnType::Tuple(
            items
                .iter()
                .map(|i| wire_type(i, ks))
                .collect::<Result<_, _>>()?,
        ),
        CqlType::Vector(e, dimension) => ColumnType::Vector {
            element: Box::new(wire_type(e, ks)?),
            dimension: *dimension,
        },
        CqlType::UserType(name) => {
            let udt = ks
                .types
                .get(&name.name)
                .ok_or_else(|| invalid(format!("Unknown type {}.{}", ks.name, name.name)))?;
            ColumnType::Udt {
                keyspace: udt.keyspace.clone(),
                name: udt.name.clone(),
                fields: udt
                    .fields
                    .iter()
                    .map(|(f, ft)| Ok((f.clone(), wire_type(ft, ks)?)))
                    .collect::<Result<_, ServerError>>()?,
            }
        }
    })
}

/// The wire type of a native type.
pub fn native_wire(n: NativeType) -> ColumnType {
    match n {
        NativeType::Ascii => ColumnType::Ascii,
        NativeType::BigInt => ColumnType::BigInt,
        NativeType::Blob => ColumnType::Blob,
        NativeType::Boolean => ColumnType::Boolean,
        NativeType::Counter => ColumnType::Counter,
        NativeType::Date => ColumnType::Date,
        NativeType::Decimal => ColumnType::Decimal,
        NativeType::Double => ColumnType::Double,
        NativeType::Duration => ColumnType::Duration,
        NativeType::Float => ColumnType::Float,
        NativeType::Inet => ColumnType::Inet,
        NativeType::Int => ColumnType::Int,
        NativeType::SmallInt => ColumnType::SmallInt,
        NativeType::Text => ColumnType::Text,
        NativeType::Time => ColumnType::Time,
        NativeType::Timestamp => ColumnType::Timestamp,
        NativeType::Timeuuid => ColumnType::Timeuuid,
        NativeType::TinyInt => ColumnType::TinyInt,
        NativeType::Uuid => ColumnType::Uuid,
        NativeType::Varint => ColumnType::Varint,
    }
}

/// Renders a canonical declared type as Cassandra prints it in `system_schema` and
/// `DESCRIBE` (`frozen<person>`, `map<text, frozen<list<int>>>`, `frozen<tuple<int, text>>`).
pub fn render(t: &CqlType) -> String {
    match t {
        CqlType::Native(n) => n.cql_name().to_owned(),
        CqlType::Custom(class) => format!("'{class}'"),
        CqlType::Frozen(inner) => format!("frozen<{}>", render(inner)),
        CqlType::List(e) => format!("list<{}>", render(e)),
        CqlType::Set(e) => format!("set<{}>", render(e)),
        CqlType::Map(k, v) => format!("map<{}, {}>", render(k), render(v)),
        CqlType::Tuple(items) => format!(
            "tuple<{}>",
            items.iter().map(render).collect::<Vec<_>>().join(", ")
        ),
        CqlType::UserType(name) => quote_ident(&name.name),
        CqlType::Vector(e, d) => format!("vector<{}, {d}>", render(e)),
    }
}

/// Renders a type as the user wrote it (for error messages, like Cassandra's raw types).
pub fn written(t: &CqlType) -> String {
    match t {
        CqlType::UserType(name) => match &name.keyspace {
            Some(ks) => format!("{ks}.{}", name.name),
            None => name.name.clone(),
        },
        CqlType::Frozen(inner) => format!("frozen<{}>", written(inner)),
        CqlType::List(e) => format!("list<{}>", written(e)),
        CqlType::Set(e) => format!("set<{}>", written(e)),
        CqlType::Map(k, v) => format!("map<{}, {}>", written(k), written(v)),
        CqlType::Tuple(items) => format!(
            "tuple<{}>",
            items.iter().map(written).collect::<Vec<_>>().join(", ")
        ),
        CqlType::Vector(e, d) => format!("vector<{}, {d}>", written(e)),
        CqlType::Native(_) | CqlType::Custom(_) => render(t),
    }
}

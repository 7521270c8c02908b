//! The user type comparer: a model's type against its live type, field by field, plus the
//! keyspace-wide parts of the diff — collecting the types the models use, creating them in
//! dependency order, and dropping live types nothing uses any more.
//!
//! Cassandra 4.0 can only append fields to a type (`ALTER TYPE ... ADD`); a field whose
//! type or name changed, a reordering, or a live field the model lacks (fields cannot be
//! dropped) is impossible in place.

use std::collections::{BTreeMap, BTreeSet};

use crate::schema::live::{LiveKeyspace, LiveType, dependency_order, referenced_types};
use crate::schema::{TableSchema, UdtSchema, quote_ident};

use super::compare::{model_type, normalize};
use super::{SchemaChange, Scope, Step, plan};

/// The user types the models use (nested ones included), each once: the first
/// declaration of a name wins.
pub(crate) fn model_types(tables: &BTreeMap<String, TableSchema>) -> Vec<UdtSchema> {
    let mut out: Vec<UdtSchema> = Vec::new();
    for t in tables.values() {
        for u in t.user_types() {
            if !out.iter().any(|o| o.name == u.name) {
                out.push(u);
            }
        }
    }
    out
}

/// Creates and alterations of the models' types (dependency order, then name), and
/// impossibilities, including two models disagreeing on one type's fields.
pub(crate) fn diff_types(
    tables: &BTreeMap<String, TableSchema>,
    live: &LiveKeyspace,
    scope: &Scope<'_>,
) -> Vec<SchemaChange> {
    let types = model_types(tables);
    let mut out = Vec::new();
    for t in tables.values() {
        for u in t.user_types() {
            if let Some(first) = types
                .iter()
                .find(|f| f.name == u.name && f.fields != u.fields)
            {
                let fields = |u: &UdtSchema| {
                    u.fields
                        .iter()
                        .map(|(n, t)| format!("{n} {t}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let change = SchemaChange::impossible(
                    format!("type {}", u.name),
                    format!(
                        "the models declare type {} with different fields: ({}) and ({}) in table {}",
                        u.name,
                        fields(first),
                        fields(&u),
                        t.name
                    ),
                    vec![format!(
                        "Make the models agree: one Rust type per CQL type {}.",
                        u.name
                    )],
                );
                if !out.contains(&change) {
                    out.push(change);
                }
            }
        }
    }
    let ordered = dependency_order(
        &types,
        |u| u.name.clone(),
        |u| {
            u.fields
                .iter()
                .flat_map(|(_, t)| t.user_types())
                .filter_map(|t| UdtSchema::from_cql_type(None, t))
                .map(|d| d.name)
                .filter(|d| d != &u.name)
                .collect()
        },
    );
    for u in ordered {
        out.extend(compare_type(
            u,
            live.user_type(&u.name),
            &users_of(live, &u.name),
            scope,
        ));
    }
    out
}

/// Where a live type is used: `table.column` and `type other`.
fn users_of(live: &LiveKeyspace, name: &str) -> Vec<String> {
    let known = BTreeSet::from([name]);
    let mut out = Vec::new();
    for t in &live.tables {
        for c in &t.columns {
            if !referenced_types(&c.cql_type, &known).is_empty() {
                out.push(format!("{}.{}", t.name, c.name));
            }
        }
    }
    for t in live.types.iter().filter(|t| t.name != name) {
        if t.fields
            .iter()
            .any(|(_, typ)| !referenced_types(typ, &known).is_empty())
        {
            out.push(format!("type {}", t.name));
        }
    }
    out
}

/// The changes that make `live` match `model`: create it, append fields, or report what
/// cannot change. `users` (`table.column`, `type other`) go into the plan.
pub(crate) fn compare_type(
    model: &UdtSchema,
    live: Option<&LiveType>,
    users: &[String],
    scope: &Scope<'_>,
) -> Vec<SchemaChange> {
    let name = scope.name(&model.name);
    let object = format!("type {}", model.name);
    let Some(live) = live else {
        let fields: Vec<String> = model
            .fields
            .iter()
            .map(|(n, t)| format!("{n} {t}"))
            .collect();
        return vec![SchemaChange::safe(
            Step::CreateType,
            object,
            format!("create type {} ({})", model.name, fields.join(", ")),
            vec![model.create_type_named(&name)],
        )];
    };
    let mut out = Vec::new();
    let impossible = |description: String| {
        SchemaChange::impossible(
            object.clone(),
            description,
            plan::replace_type(model, users, scope),
        )
    };
    for (i, (field, typ)) in model.fields.iter().enumerate() {
        let label = scope.label(&model.name, field);
        match live.fields.get(i) {
            Some((live_name, live_type)) if live_name == field => {
                if normalize(live_type) != model_type(typ) {
                    out.push(impossible(format!(
                        "field {label} has type {live_type} live but {typ} in the model"
                    )));
                }
            }
            Some((live_name, _)) => out.push(impossible(format!(
                "field #{i}{} is {live_name} live but {field} in the model (fields cannot be reordered or renamed)",
                scope.of(&model.name)
            ))),
            None => out.push(SchemaChange::safe(
                Step::AlterType,
                format!("field {}.{field}", model.name),
                format!("add field {label} {typ}"),
                vec![format!("ALTER TYPE {name} ADD {} {typ}", quote_ident(field))],
            )),
        }
    }
    for (live_name, live_type) in live.fields.iter().skip(model.fields.len()) {
        let label = scope.label(&model.name, live_name);
        out.push(
            impossible(format!(
                "field {label} {live_type} is live but not in the model (fields cannot be dropped)"
            ))
            .extra(live_name),
        );
    }
    out
}

/// `DROP TYPE IF EXISTS` for live types outside `used` (and the types they use), users
/// before the types they use.
pub(crate) fn drop_unused_types(
    live: &LiveKeyspace,
    used: &BTreeSet<String>,
    scope: &Scope<'_>,
) -> Vec<SchemaChange> {
    let known: BTreeSet<&str> = live.types.iter().map(|t| t.name.as_str()).collect();
    let mut kept = used.clone();
    loop {
        let more: Vec<String> = live
            .types
            .iter()
            .filter(|t| kept.contains(&t.name))
            .flat_map(|t| t.fields.iter())
            .flat_map(|(_, typ)| referenced_types(typ, &known))
            .filter(|n| !kept.contains(n))
            .collect();
        if more.is_empty() {
            break;
        }
        kept.extend(more);
    }
    live.types_in_dependency_order()
        .into_iter()
        .rev()
        .filter(|t| !kept.contains(&t.name))
        .map(|t| {
            SchemaChange::destructive(
                Step::DropType,
                format!("type {}", t.name),
                format!("drop type {} (no model uses it)", t.name),
                format!("DROP TYPE IF EXISTS {}", scope.name(&t.name)),
            )
        })
        .collect()
}

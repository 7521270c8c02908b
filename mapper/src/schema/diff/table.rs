//! The table comparer: one model table against its live table (or its absence), as a list
//! of classified changes. Schema sync runs the same function on one table.
//!
//! A changed primary key, clustering order or counter-ness makes the whole table
//! impossible to alter in place; the comparer then reports only that, with a plan to
//! recreate the table, because every other change would be made on the new table anyway.

use crate::schema::index::{create_index_statement, index_matches};
use crate::schema::live::{LiveColumn, LiveIndex, LiveKeyspace, LiveTable};
use crate::schema::{
    ClusteringOrder, ColumnKind, ColumnSchema, IndexKind, TableSchema, quote_ident,
};
use crate::types::CqlType;

use super::compare::{index_target, model_type, normalize, option_changes};
use super::{IndexNames, SchemaChange, Scope, Step, plan};

/// The `object` of a change about a column.
pub(crate) fn column_object(table: &str, column: &str) -> String {
    format!("column {table}.{column}")
}

/// The changes that make `live` (in keyspace `keyspace`) match `model`.
///
/// Order: table-level impossibilities alone, or else column changes in the model's column
/// order, dropped columns, new indexes, dropped indexes, options — the order sync runs
/// the safe ones in.
pub(crate) fn compare_table(
    model: &TableSchema,
    live: Option<&LiveTable>,
    keyspace: &LiveKeyspace,
    scope: &Scope<'_>,
    names: &mut IndexNames,
) -> Vec<SchemaChange> {
    let Some(live) = live else {
        return vec![create_table(model, scope, names)];
    };
    let structural = structural_changes(model, live, scope);
    if !structural.is_empty() {
        return structural;
    }
    let table = scope.name(&model.name);
    let mut out = Vec::new();
    for c in &model.columns {
        match live.column(&c.name) {
            Some(l) => out.extend(compare_column(model, c, l, scope)),
            None => out.push(add_column(model, c, live, scope)),
        }
    }
    for l in live.columns.iter().filter(|l| !l.is_primary_key()) {
        if model.column(&l.name).is_none() {
            out.push(drop_column(model, l, keyspace, scope));
        }
    }
    let matches =
        |c: &ColumnSchema, i: &LiveIndex| index_matches(c, &i.kind, &i.options, normalize);
    for c in model.columns.iter().filter(|c| c.index.is_some()) {
        if live.indexes.iter().any(|i| matches(c, i)) {
            continue;
        }
        // An index on the same target of another kind (or with other options) is replaced:
        // dropped first, as Cassandra refuses two storage-attached indexes on one column.
        let target = index_target(c).unwrap_or_default();
        for old in live
            .indexes
            .iter()
            .filter(|i| normalize(&i.target) == normalize(&target))
        {
            out.push(drop_index(model, old, scope));
        }
        out.push(create_index(model, c, scope, names));
    }
    for index in &live.indexes {
        let target_declared = model
            .columns
            .iter()
            .filter_map(index_target)
            .any(|t| normalize(&t) == normalize(&index.target));
        if !target_declared {
            out.push(drop_index(model, index, scope));
        }
    }
    let options = option_changes(model, live);
    if !options.is_empty() {
        out.push(SchemaChange::safe(
            Step::AlterOptions,
            format!("table {}", model.name),
            format!(
                "change options of table {}: {}",
                model.name,
                options
                    .iter()
                    .map(|o| o.split(" = ").next().unwrap_or(o))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            vec![format!(
                "ALTER TABLE {table} WITH {}",
                options.join(" AND ")
            )],
        ));
    }
    out
}

/// `CREATE TABLE IF NOT EXISTS` with the table's indexes.
fn create_table(model: &TableSchema, scope: &Scope<'_>, names: &mut IndexNames) -> SchemaChange {
    let mut statements = vec![model.create_table_named(&scope.name(&model.name))];
    for c in model.columns.iter().filter(|c| c.index.is_some()) {
        statements.extend(create_index(model, c, scope, names).statements);
    }
    SchemaChange::safe(
        Step::CreateTable,
        format!("table {}", model.name),
        format!("create table {}", model.name),
        statements,
    )
}

fn create_index(
    model: &TableSchema,
    c: &ColumnSchema,
    scope: &Scope<'_>,
    names: &mut IndexNames,
) -> SchemaChange {
    let target = index_target(c).unwrap_or_else(|| quote_ident(&c.name));
    let kind = match c.index {
        Some(IndexKind::Keys) => "keys",
        Some(IndexKind::Entries) => "entries",
        Some(IndexKind::Full) => "full",
        Some(IndexKind::Sai(_)) => "sai",
        _ => "values",
    };
    let name = names.claim(
        c.index_name(&model.name),
        &format!("{}_{}_{kind}_idx", model.name, c.name),
    );
    let statement =
        create_index_statement(c, &name, &scope.name(&model.name)).unwrap_or_else(|| {
            format!(
                "CREATE INDEX IF NOT EXISTS {} ON {} ({target})",
                quote_ident(&name),
                scope.name(&model.name)
            )
        });
    SchemaChange::safe(
        Step::CreateIndex,
        format!("index {name}"),
        format!("create index {name} on {} ({target})", model.name),
        vec![statement],
    )
}

fn drop_index(model: &TableSchema, index: &LiveIndex, scope: &Scope<'_>) -> SchemaChange {
    SchemaChange::destructive(
        Step::DropIndex,
        format!("index {}", index.name),
        format!(
            "drop index {} on {} ({})",
            index.name, model.name, index.target
        ),
        format!("DROP INDEX IF EXISTS {}", scope.name(&index.name)),
    )
}

/// `((a, b), c)`: a primary key as CQL writes it.
fn key_text(partition: &[String], clustering: &[String]) -> String {
    let quoted = |v: &[String]| v.iter().map(|s| quote_ident(s)).collect::<Vec<_>>();
    let mut key = format!("(({})", quoted(partition).join(", "));
    for c in quoted(clustering) {
        key.push_str(", ");
        key.push_str(&c);
    }
    key.push(')');
    key
}

/// `(at DESC, seq ASC)`.
fn order_text(columns: &[(String, &str)]) -> String {
    let items: Vec<String> = columns.iter().map(|(n, o)| format!("{n} {o}")).collect();
    format!("({})", items.join(", "))
}

/// A changed primary key, clustering order or counter-ness.
fn structural_changes(
    model: &TableSchema,
    live: &LiveTable,
    scope: &Scope<'_>,
) -> Vec<SchemaChange> {
    let names =
        |cols: Vec<&ColumnSchema>| -> Vec<String> { cols.iter().map(|c| c.name.clone()).collect() };
    let model_pk = names(model.partition_key());
    let model_ck = names(model.clustering_columns());
    let live_pk: Vec<String> = live
        .partition_key()
        .iter()
        .map(|c| c.name.clone())
        .collect();
    let live_ck: Vec<String> = live
        .clustering_columns()
        .iter()
        .map(|c| c.name.clone())
        .collect();
    let mut reasons = Vec::new();
    if model_pk != live_pk || model_ck != live_ck {
        let from = key_text(&live_pk, &live_ck);
        let to = key_text(&model_pk, &model_ck);
        reasons.push(format!(
            "primary key{} changes from {from} to {to} (primary keys cannot change)",
            scope.of(&model.name)
        ));
    } else {
        let model_order: Vec<(String, &str)> = model
            .clustering_columns()
            .iter()
            .map(|c| {
                let o = match c.kind {
                    ColumnKind::Clustering(_, ClusteringOrder::Desc) => "DESC",
                    _ => "ASC",
                };
                (quote_ident(&c.name), o)
            })
            .collect();
        let live_order: Vec<(String, &str)> = live
            .clustering_columns()
            .iter()
            .map(|c| {
                let o = if c.clustering_order.eq_ignore_ascii_case("desc") {
                    "DESC"
                } else {
                    "ASC"
                };
                (quote_ident(&c.name), o)
            })
            .collect();
        if model_order != live_order {
            reasons.push(format!(
                "clustering order{} changes from {} to {} (clustering order cannot change)",
                scope.of(&model.name),
                order_text(&live_order),
                order_text(&model_order)
            ));
        }
    }
    let kind = |counter: bool| {
        if counter {
            "a counter table"
        } else {
            "a regular table"
        }
    };
    if model.is_counter_table() != live.is_counter() {
        reasons.push(format!(
            "{} changes from {} to {} (counter and regular columns cannot share a table)",
            scope.subject(&model.name),
            kind(live.is_counter()),
            kind(model.is_counter_table())
        ));
    }
    reasons
        .into_iter()
        .map(|r| {
            SchemaChange::impossible(
                format!("table {}", model.name),
                r,
                plan::recreate_table(model, scope),
            )
        })
        .collect()
}

/// Kind and type of a column both sides declare.
fn compare_column(
    model: &TableSchema,
    c: &ColumnSchema,
    live: &LiveColumn,
    scope: &Scope<'_>,
) -> Vec<SchemaChange> {
    let label = scope.label(&model.name, &c.name);
    let object = column_object(&model.name, &c.name);
    let mut out = Vec::new();
    let model_static = c.kind == ColumnKind::Static;
    if !c.kind.is_primary_key() && model_static != live.is_static() {
        let kind = |s: bool| if s { "static" } else { "regular" };
        out.push(SchemaChange::impossible(
            object.clone(),
            format!(
                "column {label} is {} live but {} in the model (a column's kind cannot change)",
                kind(live.is_static()),
                kind(model_static)
            ),
            plan::replace_column(model, c, scope),
        ));
    }
    if normalize(&live.cql_type) != model_type(&c.cql_type) {
        let steps = if c.kind.is_primary_key() {
            plan::recreate_table(model, scope)
        } else {
            plan::replace_column(model, c, scope)
        };
        out.push(SchemaChange::impossible(
            object,
            format!(
                "column {label} has type {} live but {} in the model",
                live.cql_type, c.cql_type
            ),
            steps,
        ));
    }
    out
}

/// `ALTER TABLE ... ADD`, unless Cassandra would refuse it: re-adding a dropped column as
/// another kind or type, re-adding one to a counter table, a non-counter in a counter table.
fn add_column(
    model: &TableSchema,
    c: &ColumnSchema,
    live: &LiveTable,
    scope: &Scope<'_>,
) -> SchemaChange {
    let label = scope.label(&model.name, &c.name);
    let object = column_object(&model.name, &c.name);
    let is_static = c.kind == ColumnKind::Static;
    let is_counter = c.cql_type.unfrozen() == &CqlType::Counter;
    if live.is_counter() && !is_counter {
        return SchemaChange::impossible(
            object,
            format!(
                "column {label} is not a counter but {} is a counter table (it holds only counters besides its key)",
                scope.subject(&model.name)
            ),
            vec![format!(
                "Keep {} in another table with the same primary key as {}, since counter tables hold only counters.",
                c.name, model.name
            )],
        );
    }
    if let Some(dropped) = live.dropped_columns.iter().find(|d| d.name == c.name) {
        let was_static = dropped.kind == "static";
        // User types are recorded as tuples when dropped: their types cannot be compared.
        let comparable = !normalize(&dropped.cql_type).starts_with("frozen<tuple<");
        let reason = if !dropped.kind.is_empty() && was_static != is_static {
            Some(format!(
                "as {} (it was {})",
                if is_static { "static" } else { "regular" },
                dropped.kind
            ))
        } else if live.is_counter() {
            Some("to a counter table".to_owned())
        } else if comparable && normalize(&dropped.cql_type) != model_type(&c.cql_type) {
            Some(format!("as {} (it was {})", c.cql_type, dropped.cql_type))
        } else {
            None
        };
        if let Some(reason) = reason {
            return SchemaChange::impossible(
                object,
                format!(
                    "column {label} was dropped before and Cassandra refuses to re-add it {reason}"
                ),
                vec![format!(
                    "Give the column another name (for example #[cassia(rename = \"{}_v2\")] on the field) and generate the migration again.",
                    c.name
                )],
            );
        }
    }
    let static_word = if is_static { "static " } else { "" };
    SchemaChange::safe(
        Step::AddColumn,
        object,
        format!("add {static_word}column {label} {}", c.cql_type),
        vec![format!(
            "ALTER TABLE {} ADD {} {}{}",
            scope.name(&model.name),
            quote_ident(&c.name),
            c.cql_type,
            if is_static { " static" } else { "" }
        )],
    )
}

/// `ALTER TABLE ... DROP`, except for non-frozen user type columns, which Cassandra 4.0
/// cannot drop.
fn drop_column(
    model: &TableSchema,
    l: &LiveColumn,
    keyspace: &LiveKeyspace,
    scope: &Scope<'_>,
) -> SchemaChange {
    let label = scope.label(&model.name, &l.name);
    let object = column_object(&model.name, &l.name);
    let bare = l.cql_type.trim_matches('"');
    let non_frozen_udt = !l.cql_type.contains('<') && keyspace.user_type(bare).is_some();
    if non_frozen_udt {
        return SchemaChange::impossible(
            object,
            format!(
                "column {label} is live but not in the model, and its non-frozen user type {} cannot be dropped",
                l.cql_type
            ),
            plan::recreate_table(model, scope),
        )
        .extra(&l.name);
    }
    SchemaChange::destructive(
        Step::DropColumn,
        object,
        format!("drop column {label} {} (its data is lost)", l.cql_type),
        format!(
            "ALTER TABLE {} DROP {}",
            scope.name(&model.name),
            quote_ident(&l.name)
        ),
    )
    .extra(&l.name)
}

/// `DROP TABLE IF EXISTS` of a live table no model declares.
pub(crate) fn drop_table(name: &str, scope: &Scope<'_>) -> SchemaChange {
    SchemaChange::destructive(
        Step::DropTable,
        format!("table {name}"),
        format!("drop table {name} (all its rows are lost)"),
        format!("DROP TABLE IF EXISTS {}", scope.name(name)),
    )
}

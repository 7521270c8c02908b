//! The plans written for changes Cassandra cannot make in place. Each follows the same
//! expand-and-contract shape — create the new object next to the old one, copy the data,
//! switch the application, drop the old object in a later migration — so no step loses
//! data before the application has moved.
//!
//! A step is prose, optionally followed by statements on their own lines (after `\n`), so
//! a reader can copy a statement whole.

use crate::schema::index::create_index_statement;
use crate::schema::{ColumnKind, ColumnSchema, TableSchema, UdtSchema, quote_ident};

use super::Scope;

/// The new name suggested for a replacement object.
fn replacement(name: &str) -> String {
    format!("{name}_v2")
}

/// Recreate the table under a new name with the model's definition, copy, switch, drop.
pub(crate) fn recreate_table(model: &TableSchema, scope: &Scope<'_>) -> Vec<String> {
    let new = replacement(&model.name);
    let mut renamed = model.clone();
    renamed.name = new.clone();
    let new_table = scope.name(&new);
    let mut create = vec![renamed.create_table_named(&new_table)];
    create.extend(
        renamed
            .columns
            .iter()
            .filter_map(|c| create_index_statement(c, &c.index_name(&new), &new_table)),
    );
    let old = &model.name;
    // Counters cannot be inserted: a copy into a counter table adds each value instead.
    let write = if model.is_counter_table() {
        "adds each row's counts to"
    } else {
        "inserts each row into"
    };
    vec![
        format!(
            "Create the table under a new name with the model's definition:\n{};",
            create.join(";\n")
        ),
        format!(
            "Copy every row of {old} into {new}: a one-off job that pages through {old} with \
             the mapper and {write} {new}, or DSBulk (dsbulk unload -t {old}, then dsbulk load \
             -t {new})."
        ),
        format!(
            "Switch the application to {new} (#[cassia(table = \"{new}\")] on the model), \
             writing to both tables until the copy has caught up."
        ),
        format!(
            "Drop the old table in a later migration, once nothing reads it:\nDROP TABLE IF EXISTS {};",
            scope.name(old)
        ),
    ]
}

/// Add the column under a new name with the model's definition, backfill, switch, drop.
pub(crate) fn replace_column(
    model: &TableSchema,
    c: &ColumnSchema,
    scope: &Scope<'_>,
) -> Vec<String> {
    let table = scope.name(&model.name);
    let new = replacement(&c.name);
    let old = &c.name;
    let is_static = if c.kind == ColumnKind::Static {
        " static"
    } else {
        ""
    };
    vec![
        format!(
            "Add the column under a new name with the model's definition:\nALTER TABLE {table} ADD {} {}{is_static};",
            quote_ident(&new),
            c.cql_type
        ),
        format!(
            "Backfill {new} from {old}: a one-off job that reads each row's key and {old} and \
             writes the converted value to {new}."
        ),
        format!(
            "Switch reads and writes to {new} (#[cassia(rename = \"{new}\")] on the field), \
             writing both columns until the backfill is done."
        ),
        format!(
            "Drop the old column in a later migration:\nALTER TABLE {table} DROP {};",
            quote_ident(old)
        ),
    ]
}

/// Create the type under a new name, move every column using it, drop the old type.
pub(crate) fn replace_type(udt: &UdtSchema, users: &[String], scope: &Scope<'_>) -> Vec<String> {
    let new = replacement(&udt.name);
    let old = &udt.name;
    let move_columns = if users.is_empty() {
        format!("Point the Rust type at {new} (#[cassia(name = \"{new}\")] on the type).")
    } else {
        format!(
            "For each use of {old} ({}): add a column of type {new}, backfill it, switch to it \
             (#[cassia(name = \"{new}\")] on the type) and drop the old column, as for a \
             column type change.",
            users.join(", ")
        )
    };
    vec![
        format!(
            "Create the type under a new name with the model's fields:\n{};",
            udt.create_type_named(&scope.name(&new))
        ),
        move_columns,
        format!(
            "Drop the old type in a later migration, once nothing uses it:\nDROP TYPE IF EXISTS {};",
            scope.name(old)
        ),
    ]
}

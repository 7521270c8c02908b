//! The schema diff engine: the models' static schemas against the live schema of one
//! keyspace, classified by what Cassandra 4.0 can do in place.
//!
//! - **safe**: create a type or table (with its indexes), add a column or a type field,
//!   set table options the model declares, create an index;
//! - **destructive**: drop an index, a column, a table or a type the models no longer
//!   declare — written commented out unless explicitly allowed;
//! - **impossible** in place: a primary key or clustering order change, a column type
//!   change, a counter table becoming a regular one (or back), a static column becoming
//!   regular (or back), a type's field changed, renamed, reordered or removed. These get
//!   no statement, only a plan (new table or column, copy, switch, drop).
//!
//! One comparer per object kind (`table.rs`, `udt.rs`) serves both [`diff_keyspace`] and
//! schema sync (`sync/`), which runs the safe statements of a one-table diff and refuses
//! the impossible ones. Rendering the migration file and the plan lives in `render.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::schema::live::{LiveKeyspace, referenced_types};
use crate::schema::{TableSchema, quote_ident};

pub(crate) mod compare;
mod plan;
mod render;
pub(crate) mod table;
pub(crate) mod udt;

/// How a change can be applied.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ChangeClass {
    /// Applied by its statements without losing data.
    Safe,
    /// Its statements lose data (a drop); only applied when explicitly allowed.
    Destructive,
    /// Cassandra cannot make it in place: no statements, only a plan to follow by hand.
    Impossible,
}

impl ChangeClass {
    /// `safe`, `destructive` or `impossible`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeClass::Safe => "safe",
            ChangeClass::Destructive => "destructive",
            ChangeClass::Impossible => "impossible",
        }
    }
}

impl fmt::Display for ChangeClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad` honours width and alignment (`{:<12}` in the plan's columns).
        f.pad(self.as_str())
    }
}

/// What a change does; decides its place in a migration file (declaration order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Step {
    CreateType,
    AlterType,
    CreateTable,
    AddColumn,
    AlterOptions,
    CreateIndex,
    DropIndex,
    DropColumn,
    DropTable,
    DropType,
    Impossible,
}

/// One difference between the models and the live keyspace.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct SchemaChange {
    /// How it can be applied.
    pub class: ChangeClass,
    /// What it concerns: `table posts`, `column posts.title`, `field address.zip`,
    /// `type address`, `index posts_cat_idx`.
    pub object: String,
    /// One line for humans, e.g. `add column posts.title text`.
    pub description: String,
    /// The CQL statements (without `;`), names unqualified; empty for impossible changes.
    pub statements: Vec<String>,
    /// For impossible changes, the steps to make the change by hand.
    pub plan: Vec<String>,
    /// Place in a migration file.
    #[serde(skip)]
    pub(crate) step: Step,
    /// Set when the change is about a live column or field the model does not declare:
    /// schema sync keeps such things and reports them instead of refusing or dropping.
    #[serde(skip)]
    pub(crate) extra: Option<String>,
}

impl SchemaChange {
    pub(crate) fn safe(
        step: Step,
        object: String,
        description: String,
        statements: Vec<String>,
    ) -> Self {
        SchemaChange {
            class: ChangeClass::Safe,
            object,
            description,
            statements,
            plan: Vec::new(),
            step,
            extra: None,
        }
    }

    pub(crate) fn destructive(
        step: Step,
        object: String,
        description: String,
        statement: String,
    ) -> Self {
        SchemaChange {
            class: ChangeClass::Destructive,
            statements: vec![statement],
            ..SchemaChange::safe(step, object, description, Vec::new())
        }
    }

    pub(crate) fn impossible(object: String, description: String, plan: Vec<String>) -> Self {
        SchemaChange {
            class: ChangeClass::Impossible,
            plan,
            ..SchemaChange::safe(Step::Impossible, object, description, Vec::new())
        }
    }

    /// Marks the change as about a live item the model does not declare.
    pub(crate) fn extra(mut self, name: &str) -> Self {
        self.extra = Some(name.to_owned());
        self
    }
}

/// Options of [`diff_keyspace`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DiffOptions {
    /// Tables left out of the diff on both sides: never created, altered or dropped (for
    /// example the migration history tables).
    pub ignore_tables: Vec<String>,
}

impl DiffOptions {
    /// Leaves `table` out of the diff.
    pub fn ignore_table(mut self, table: impl Into<String>) -> Self {
        self.ignore_tables.push(table.into());
        self
    }
}

/// The classified differences between the models and one keyspace, in migration order:
/// create types, alter types, create tables, add columns, option changes, create indexes,
/// then drop indexes, drop columns, drop tables, drop types, and the impossible changes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct SchemaDiff {
    /// The keyspace compared.
    pub keyspace: String,
    /// The changes, in the order a migration applies them.
    pub changes: Vec<SchemaChange>,
}

impl SchemaDiff {
    /// Whether the keyspace already matches the models.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Whether some change cannot be made in place.
    pub fn has_impossible(&self) -> bool {
        self.count(ChangeClass::Impossible) > 0
    }

    /// Whether some change loses data.
    pub fn has_destructive(&self) -> bool {
        self.count(ChangeClass::Destructive) > 0
    }

    /// How many changes are of `class`.
    pub fn count(&self, class: ChangeClass) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }
}

/// How comparers name things: diff statements are unqualified (migration files run in their
/// keyspace), sync statements are qualified with the keyspace it resolved; sync messages
/// are about one table, so they leave its name out.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scope<'a> {
    keyspace: Option<&'a str>,
    short_labels: bool,
}

impl<'a> Scope<'a> {
    /// For migration files: unqualified statements, `table.column` labels.
    pub(crate) fn migration() -> Self {
        Scope {
            keyspace: None,
            short_labels: false,
        }
    }

    /// For sync: statements qualified with `keyspace`, labels without the table.
    pub(crate) fn sync(keyspace: &'a str) -> Self {
        Scope {
            keyspace: Some(keyspace),
            short_labels: true,
        }
    }

    /// A table or type name as statements write it.
    pub(crate) fn name(&self, object: &str) -> String {
        match self.keyspace {
            Some(ks) => format!("{}.{}", quote_ident(ks), quote_ident(object)),
            None => quote_ident(object),
        }
    }

    /// ` of posts` after a noun about table or type `parent`, or nothing in sync messages.
    pub(crate) fn of(&self, parent: &str) -> String {
        if self.short_labels {
            String::new()
        } else {
            format!(" of {parent}")
        }
    }

    /// `table posts` as the subject of a sentence, or `the table` in sync messages.
    pub(crate) fn subject(&self, table: &str) -> String {
        if self.short_labels {
            "the table".to_owned()
        } else {
            format!("table {table}")
        }
    }

    /// A column or field of `parent` as descriptions name it.
    pub(crate) fn label(&self, parent: &str, item: &str) -> String {
        if self.short_labels {
            item.to_owned()
        } else {
            format!("{parent}.{item}")
        }
    }
}

/// Index names taken in the keyspace (Cassandra wants them unique per keyspace), so a new
/// index never reuses one — `CREATE INDEX IF NOT EXISTS` would silently do nothing.
#[derive(Debug, Clone, Default)]
pub(crate) struct IndexNames(BTreeSet<String>);

impl IndexNames {
    pub(crate) fn of(live: &LiveKeyspace) -> Self {
        IndexNames(live.index_names())
    }

    /// `preferred` if free, else `fallback`, else `fallback` with a number; then taken.
    pub(crate) fn claim(&mut self, preferred: String, fallback: &str) -> String {
        let mut name = preferred;
        if self.0.contains(&name) {
            name = fallback.to_owned();
            let mut n = 2;
            while self.0.contains(&name) {
                name = format!("{fallback}{n}");
                n += 1;
            }
        }
        self.0.insert(name.clone());
        name
    }
}

/// Compares the models with the live keyspace `keyspace` (`None`: it does not exist yet).
///
/// Models whose `keyspace` is unset or equal to `keyspace` take part; others are left out.
/// Several models of one table (the variants of a polymorphic model) are merged: the union
/// of their columns (the first declaration of a column wins) and of their options.
/// Statements name tables and types unqualified, for a migration file that runs in its
/// keyspace.
pub fn diff_keyspace(
    models: &[&TableSchema],
    live: Option<&LiveKeyspace>,
    keyspace: &str,
    options: &DiffOptions,
) -> SchemaDiff {
    let empty = LiveKeyspace::empty(keyspace);
    let live = live.unwrap_or(&empty);
    let ignored = |name: &str| options.ignore_tables.iter().any(|t| t == name);
    let tables = merge_models(
        models
            .iter()
            .copied()
            .filter(|m| m.keyspace.as_deref().is_none_or(|k| k == keyspace))
            .filter(|m| !ignored(&m.name)),
    );
    let scope = Scope::migration();
    let mut names = IndexNames::of(live);
    let mut changes = udt::diff_types(&tables, live, &scope);
    let mut dropped_tables = BTreeSet::new();
    for model in tables.values() {
        changes.extend(table::compare_table(
            model,
            live.table(&model.name),
            live,
            &scope,
            &mut names,
        ));
    }
    for t in live.tables.iter().filter(|t| !ignored(&t.name)) {
        if !tables.contains_key(&t.name) {
            dropped_tables.insert(t.name.clone());
            changes.push(table::drop_table(&t.name, &scope));
        }
    }
    // Types still used after the migration: by the models, and by every live column that
    // survives it (ignored tables, columns kept because they cannot be dropped).
    let known: BTreeSet<&str> = live.types.iter().map(|t| t.name.as_str()).collect();
    let mut used: BTreeSet<String> = udt::model_types(&tables)
        .into_iter()
        .map(|u| u.name)
        .collect();
    for t in live
        .tables
        .iter()
        .filter(|t| !dropped_tables.contains(&t.name))
    {
        for c in &t.columns {
            let dropped = changes.iter().any(|ch| {
                ch.step == Step::DropColumn && ch.object == format!("column {}.{}", t.name, c.name)
            });
            if !dropped {
                used.extend(referenced_types(&c.cql_type, &known));
            }
        }
    }
    changes.extend(udt::drop_unused_types(live, &used, &scope));
    // A stable sort keeps each step's own order (dependencies, then names).
    changes.sort_by_key(|c| c.step);
    SchemaDiff {
        keyspace: keyspace.to_owned(),
        changes,
    }
}

/// The models by table name, variants of one table merged.
fn merge_models<'a>(
    models: impl Iterator<Item = &'a TableSchema>,
) -> BTreeMap<String, TableSchema> {
    let mut out: BTreeMap<String, TableSchema> = BTreeMap::new();
    for m in models {
        let Some(merged) = out.get_mut(&m.name) else {
            out.insert(m.name.clone(), m.clone());
            continue;
        };
        for c in &m.columns {
            if merged.column(&c.name).is_none() {
                merged.columns.push(c.clone());
            }
        }
        let (o, n) = (&mut merged.options, &m.options);
        o.default_ttl = o.default_ttl.or(n.default_ttl);
        o.gc_grace_seconds = o.gc_grace_seconds.or(n.gc_grace_seconds);
        o.comment = o.comment.take().or_else(|| n.comment.clone());
        o.compaction = o.compaction.take().or_else(|| n.compaction.clone());
        o.caching = o.caching.take().or_else(|| n.caching.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::live::{LiveIndex, LiveTable};
    use crate::schema::{ColumnKind, ColumnSchema, IndexKind};
    use crate::types::CqlType;

    fn keyed(name: &str) -> TableSchema {
        let mut t = TableSchema::new(None, name);
        t.columns = vec![ColumnSchema::new("id", CqlType::Int).kind(ColumnKind::PartitionKey(0))];
        t
    }

    #[test]
    fn new_indexes_never_reuse_a_taken_name() {
        let mut a = keyed("a");
        a.columns.push(
            ColumnSchema::new(
                "m",
                CqlType::Map(Box::new(CqlType::Text), Box::new(CqlType::Int)),
            )
            .index(IndexKind::Keys),
        );
        let mut other = LiveTable::new("other");
        other.indexes.push(LiveIndex {
            name: "a_m_idx".into(),
            kind: "COMPOSITES".into(),
            target: "x".into(),
            options: BTreeMap::new(),
        });
        let mut live = LiveKeyspace::empty("app");
        live.tables.push(other);
        let diff = diff_keyspace(&[&a], Some(&live), "app", &DiffOptions::default());
        assert_eq!(
            diff.changes[0].statements,
            [
                "CREATE TABLE IF NOT EXISTS a (id int, m map<text, int>, PRIMARY KEY ((id)))",
                "CREATE INDEX IF NOT EXISTS a_m_keys_idx ON a (keys(m))",
            ]
        );
    }

    #[test]
    fn variants_of_one_table_are_merged() {
        let mut like = keyed("notes");
        like.columns.push(ColumnSchema::new("post", CqlType::Int));
        let mut comment = keyed("notes");
        comment
            .columns
            .push(ColumnSchema::new("post", CqlType::Int));
        comment
            .columns
            .push(ColumnSchema::new("text", CqlType::Text));
        comment.options.comment = Some("c".into());
        let diff = diff_keyspace(&[&like, &comment], None, "app", &DiffOptions::default());
        assert_eq!(
            diff.changes[0].statements,
            [
                "CREATE TABLE IF NOT EXISTS notes (id int, post int, text text, PRIMARY KEY ((id))) WITH comment = 'c'"
            ]
        );
    }

    #[test]
    fn classes_display_in_lower_case() {
        assert_eq!(ChangeClass::Safe.to_string(), "safe");
        assert_eq!(ChangeClass::Destructive.to_string(), "destructive");
        assert_eq!(ChangeClass::Impossible.to_string(), "impossible");
    }
}

//! Turning a parsed statement into an executable plan bound to the current schema, with the
//! bind-marker specs and result columns a Prepared result reports.

use std::sync::Arc;

use bytes::Bytes;
use cassia_protocol::response::{ColumnSpec, ServerError};

use super::modify::WritePlan;
use super::restrict::Restr;
use super::result::metadata_id;
use super::schema::Table;
use super::select::SelectPlan;
use super::specs::Specs;
use crate::cql::ast::{BatchChild, BatchKind, QualifiedName, Statement, Term, Using};

/// An executable statement.
#[derive(Debug)]
pub(crate) enum Plan {
    Select(SelectPlan),
    Write(WritePlan),
    Batch(BatchPlan),
    Use(String),
    Truncate(Arc<Table>),
    /// DDL: executed by the catalog each time.
    Ddl(Statement),
}

/// A `BEGIN BATCH ... APPLY BATCH` statement.
#[derive(Debug)]
pub(crate) struct BatchPlan {
    pub kind: BatchKind,
    pub using: Using,
    pub children: Vec<WritePlan>,
}

/// A planned statement with what PREPARE reports about it.
#[derive(Debug)]
pub(crate) struct Planned {
    pub plan: Plan,
    pub bind_specs: Vec<ColumnSpec>,
    pub bind_names: Vec<Option<String>>,
    pub pk_indexes: Vec<u16>,
    pub result_columns: Vec<ColumnSpec>,
    pub metadata_id: Bytes,
    /// `(keyspace, table)` the statement reads or writes (for invalidation on ALTER/DROP).
    pub tables: Vec<(String, String)>,
    /// Whether every table name was written with its keyspace.
    pub fully_qualified: bool,
}

/// Resolves table names to runtime tables.
pub(crate) trait Tables {
    fn table(
        &self,
        name: &QualifiedName,
        keyspace: Option<&str>,
    ) -> Result<Arc<Table>, ServerError>;
}

fn pk_indexes(table: &Table, w: &super::restrict::Where) -> Vec<u16> {
    let mut out = Vec::with_capacity(table.pk.len());
    for r in &w.pk {
        match r {
            Some(Restr::Eq(Term::Bind(m))) => out.push(m.index as u16),
            _ => return Vec::new(),
        }
    }
    out
}

/// Plans `stmt`.
pub(crate) fn plan(
    tables: &dyn Tables,
    stmt: &Statement,
    keyspace: Option<&str>,
) -> Result<Planned, ServerError> {
    let mut planned = Planned {
        plan: Plan::Use(String::new()),
        bind_specs: Vec::new(),
        bind_names: Vec::new(),
        pk_indexes: Vec::new(),
        result_columns: Vec::new(),
        metadata_id: metadata_id([]),
        tables: Vec::new(),
        fully_qualified: true,
    };
    let note = |planned: &mut Planned, name: &QualifiedName, t: &Table| {
        planned.fully_qualified &= name.keyspace.is_some();
        planned
            .tables
            .push((t.keyspace().to_owned(), t.name().to_owned()));
    };
    match stmt {
        Statement::Select(s) => {
            let table = tables.table(&s.table, keyspace)?;
            note(&mut planned, &s.table, &table);
            let mut specs = Specs::new(table.keyspace(), table.name());
            let p = SelectPlan::prepare(table.clone(), s, &mut specs)?;
            planned.pk_indexes = pk_indexes(&table, &p.restrictions);
            planned.result_columns = p.result_columns();
            let marshals: Vec<(String, String)> = if p.json {
                vec![(
                    "[json]".to_owned(),
                    "org.apache.cassandra.db.marshal.UTF8Type".to_owned(),
                )]
            } else {
                p.selected
                    .sels
                    .iter()
                    .zip(p.selected.columns.iter())
                    .map(|(sel, c)| {
                        let marshal = match sel {
                            super::selection::Sel::Col(i) => {
                                table.cols.get(*i).map(|col| col.marshal.clone())
                            }
                            _ => None,
                        };
                        let marshal = marshal
                            .unwrap_or_else(|| cassia_protocol::types::marshal_class_name(&c.typ));
                        (c.name.clone(), marshal)
                    })
                    .collect()
            };
            planned.metadata_id =
                metadata_id(marshals.iter().map(|(a, b)| (a.as_str(), b.as_str())));
            (planned.bind_specs, planned.bind_names) = specs.finish();
            planned.plan = Plan::Select(p);
        }
        Statement::Insert(i) => {
            let table = tables.table(&i.table, keyspace)?;
            note(&mut planned, &i.table, &table);
            let mut specs = Specs::new(table.keyspace(), table.name());
            let w = WritePlan::insert(table.clone(), i, &mut specs)?;
            finish_write(&mut planned, &table, w, specs);
        }
        Statement::Update(u) => {
            let table = tables.table(&u.table, keyspace)?;
            note(&mut planned, &u.table, &table);
            let mut specs = Specs::new(table.keyspace(), table.name());
            let w = WritePlan::update(table.clone(), u, &mut specs)?;
            finish_write(&mut planned, &table, w, specs);
        }
        Statement::Delete(d) => {
            let table = tables.table(&d.table, keyspace)?;
            super::system::refuse_virtual_delete(&table)?;
            note(&mut planned, &d.table, &table);
            let mut specs = Specs::new(table.keyspace(), table.name());
            let w = WritePlan::delete(table.clone(), d, &mut specs)?;
            finish_write(&mut planned, &table, w, specs);
        }
        Statement::Batch(b) => {
            let mut children = Vec::new();
            let mut all_specs: Vec<ColumnSpec> = Vec::new();
            let mut all_names: Vec<Option<String>> = Vec::new();
            for child in &b.statements {
                let (name, table) = match child {
                    BatchChild::Insert(i) => (&i.table, tables.table(&i.table, keyspace)?),
                    BatchChild::Update(u) => (&u.table, tables.table(&u.table, keyspace)?),
                    BatchChild::Delete(d) => (&d.table, tables.table(&d.table, keyspace)?),
                };
                if matches!(child, BatchChild::Delete(_)) {
                    super::system::refuse_virtual_delete(&table)?;
                }
                note(&mut planned, name, &table);
                let mut specs = Specs::new(table.keyspace(), table.name());
                let w = match child {
                    BatchChild::Insert(i) => WritePlan::insert(table, i, &mut specs)?,
                    BatchChild::Update(u) => WritePlan::update(table, u, &mut specs)?,
                    BatchChild::Delete(d) => WritePlan::delete(table, d, &mut specs)?,
                };
                let (specs, names) = specs.finish();
                // Markers are numbered across the whole batch; later children extend the list.
                for (i, (s, n)) in specs.into_iter().zip(names).enumerate() {
                    if i >= all_specs.len() {
                        all_specs.push(s);
                        all_names.push(n);
                    } else if s.name != format!("arg{i}") {
                        all_specs[i] = s;
                        all_names[i] = n;
                    }
                }
                children.push(w);
            }
            planned.bind_specs = all_specs;
            planned.bind_names = all_names;
            let batch = BatchPlan {
                kind: b.kind,
                using: b.using.clone(),
                children,
            };
            // BatchStatement.Parsed.prepare validates the batch: PREPARE refuses it too.
            super::batch::validate_plan(&batch)?;
            planned.plan = Plan::Batch(batch);
        }
        Statement::Use(ks) => planned.plan = Plan::Use(ks.clone()),
        Statement::Truncate(name) => {
            let table = tables.table(name, keyspace)?;
            note(&mut planned, name, &table);
            planned.plan = Plan::Truncate(table);
        }
        Statement::Unsupported(kind) => {
            return Err(crate::catalog::invalid(format!(
                "{kind} statements are not supported by the emulator"
            )));
        }
        other => planned.plan = Plan::Ddl(other.clone()),
    }
    Ok(planned)
}

fn finish_write(planned: &mut Planned, table: &Table, w: WritePlan, specs: Specs) {
    planned.pk_indexes = pk_indexes(table, &w.restrictions);
    // A conditional write prepares with no result metadata (4.0's CQLStatement default,
    // ResultMetadata.EMPTY with the NO_METADATA flag): its result columns vary with the
    // outcome, so every LWT result describes its own columns.
    (planned.bind_specs, planned.bind_names) = specs.finish();
    planned.plan = Plan::Write(w);
}

//! WHERE clauses: rendering conditions as CQL, and sorting them by the part of the primary
//! key they restrict so each statement kind can apply Cassandra's rules
//! (`StatementRestrictions` in Cassandra 4.0) before anything is sent.

use super::built::Writer;
use super::column::{Condition, Operator, Target};
use super::error::QueryError;
use crate::model::Model;
use crate::schema::{ColumnKind, IndexKind, TableSchema, quote_ident};
use crate::types::CqlType;

/// The restrictions of a WHERE clause, grouped by key part.
pub(crate) struct Restrictions {
    /// Partition key columns without `=`/`IN`.
    pub(crate) pk_missing: Vec<String>,
    /// Whether any partition key column is restricted by `=`/`IN`.
    pub(crate) pk_any: bool,
    /// The first partition key column restricted by a range (only valid with filtering).
    pub(crate) pk_range: Option<String>,
    /// Whether `token(...)` is restricted.
    pub(crate) token: bool,
    /// Per clustering column in order: its name and operators.
    pub(crate) clustering: Vec<(String, Vec<Operator>)>,
    /// Regular and static columns: name, operator, which index serves it.
    pub(crate) others: Vec<(String, Operator, Served)>,
}

impl Restrictions {
    /// Fails if a partition key column is restricted by a range.
    pub(crate) fn check_no_pk_range(&self, table: &str) -> Result<(), QueryError> {
        match &self.pk_range {
            Some(column) => Err(QueryError::PartitionKeyRange {
                table: table.to_owned(),
                column: column.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Whether every partition key column has `=` or `IN`.
    pub(crate) fn pk_complete(&self) -> bool {
        self.pk_missing.is_empty()
    }

    /// Whether a secondary index serves one of the restrictions.
    pub(crate) fn uses_index(&self) -> bool {
        self.others
            .iter()
            .any(|(_, _, served)| *served != Served::Filtering)
    }

    /// Whether every clustering column is restricted by `=` (or `IN`).
    pub(crate) fn clustering_complete_eq(&self) -> bool {
        self.clustering.iter().all(|(_, ops)| {
            !ops.is_empty() && ops.iter().all(|o| matches!(o, Operator::Eq | Operator::In))
        })
    }

    /// Whether any clustering column is restricted.
    pub(crate) fn clustering_any(&self) -> bool {
        self.clustering.iter().any(|(_, ops)| !ops.is_empty())
    }

    /// Checks the clustering columns form a valid prefix: no restricted column after an
    /// unrestricted one, none after a range.
    pub(crate) fn check_clustering_prefix(&self, table: &str) -> Result<(), QueryError> {
        let mut unrestricted: Option<&str> = None;
        let mut range: Option<&str> = None;
        for (name, ops) in &self.clustering {
            if ops.is_empty() {
                unrestricted.get_or_insert(name);
                continue;
            }
            if let Some(preceding) = unrestricted {
                return Err(QueryError::ClusteringGap {
                    table: table.to_owned(),
                    column: name.clone(),
                    preceding: preceding.to_owned(),
                });
            }
            if let Some(preceding) = range {
                return Err(QueryError::ClusteringAfterRange {
                    table: table.to_owned(),
                    column: name.clone(),
                    preceding: preceding.to_owned(),
                });
            }
            if ops.iter().any(|o| o.is_range()) {
                range = Some(name);
            }
        }
        Ok(())
    }
}

/// What serves a restriction on a non-key column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Served {
    /// No index: only `ALLOW FILTERING` makes it legal.
    Filtering,
    /// A regular secondary index (one per query; the rest filter).
    Index,
    /// A storage-attached index (several intersect without filtering).
    Sai,
}

/// Which index of `kind` on a column of `typ` serves `op`, if any. Storage-attached indexes
/// serve equality on any non-collection column, ranges on non-text ones, and `CONTAINS` /
/// `CONTAINS KEY` on collections.
fn index_serves(kind: Option<IndexKind>, op: Operator, typ: &CqlType) -> Served {
    let collection = typ.is_multi_cell_collection();
    let served = match (kind, op) {
        (Some(IndexKind::Values), Operator::Contains) => collection,
        (Some(IndexKind::Values), Operator::Eq) => !collection,
        (Some(IndexKind::Keys), Operator::ContainsKey) => true,
        (Some(IndexKind::Full), Operator::Eq) => true,
        (Some(IndexKind::Sai(_)), Operator::Contains | Operator::ContainsKey) => {
            return if collection {
                Served::Sai
            } else {
                Served::Filtering
            };
        }
        (Some(IndexKind::Sai(_)), Operator::Eq) if !collection => return Served::Sai,
        (Some(IndexKind::Sai(_)), op) if op.is_range() && !collection && !is_text(typ) => {
            return Served::Sai;
        }
        _ => false,
    };
    if served {
        Served::Index
    } else {
        Served::Filtering
    }
}

/// Text types, which storage-attached indexes match by equality only.
fn is_text(typ: &CqlType) -> bool {
    matches!(typ, CqlType::Text | CqlType::Ascii)
}

/// Groups `conds` by key part; checks values serialized, IN lists are not empty and that no
/// operator is used where it never applies.
pub(crate) fn analyze<M: Model>(
    conds: &[Condition<M>],
    place: &'static str,
) -> Result<Restrictions, QueryError> {
    let schema = M::schema();
    let table = &schema.name;
    let mut r = Restrictions {
        pk_missing: Vec::new(),
        pk_any: false,
        pk_range: None,
        token: false,
        clustering: schema
            .clustering_columns()
            .iter()
            .map(|c| (c.name.clone(), Vec::new()))
            .collect(),
        others: Vec::new(),
    };
    let mut pk_done: Vec<&str> = Vec::new();
    for cond in conds {
        let values = cond.values.as_ref().map_err(|e| QueryError::Value {
            table: table.clone(),
            column: cond.name.to_owned(),
            source: e.clone(),
        })?;
        if cond.op == Operator::In && values.is_empty() {
            return Err(QueryError::EmptyIn {
                table: table.clone(),
                column: cond.name.to_owned(),
            });
        }
        if cond.op == Operator::Ne {
            return Err(unsupported(schema, cond.name, cond.op, place));
        }
        let Target::Column(index) = cond.target else {
            r.token = true;
            continue;
        };
        let Some(column) = schema.columns.get(index) else {
            continue;
        };
        match column.kind {
            ColumnKind::PartitionKey(_) => match cond.op {
                Operator::Eq | Operator::In => {
                    r.pk_any = true;
                    pk_done.push(&column.name);
                }
                op if op.is_range() => {
                    r.pk_range.get_or_insert_with(|| column.name.clone());
                }
                op => return Err(unsupported(schema, &column.name, op, place)),
            },
            ColumnKind::Clustering(_, _) => {
                if let Some((_, ops)) = r.clustering.iter_mut().find(|(n, _)| *n == column.name) {
                    ops.push(cond.op);
                }
            }
            ColumnKind::Static | ColumnKind::Regular => {
                if cond.op == Operator::In {
                    return Err(QueryError::InOnNonKey {
                        table: table.clone(),
                        column: column.name.clone(),
                    });
                }
                let served = index_serves(column.index, cond.op, &column.cql_type);
                r.others.push((column.name.clone(), cond.op, served));
            }
        }
    }
    if r.token && (r.pk_any || r.pk_range.is_some()) {
        return Err(QueryError::TokenAndColumns {
            table: table.clone(),
            columns: schema
                .partition_key()
                .iter()
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    r.pk_missing = schema
        .partition_key()
        .iter()
        .filter(|c| !pk_done.contains(&c.name.as_str()))
        .map(|c| c.name.clone())
        .collect();
    Ok(r)
}

fn unsupported(
    schema: &TableSchema,
    column: &str,
    op: Operator,
    place: &'static str,
) -> QueryError {
    QueryError::UnsupportedOperator {
        table: schema.name.clone(),
        column: column.to_owned(),
        operator: op.as_cql(),
        place,
    }
}

/// Appends ` <keyword> cond AND cond ...` (nothing if `conds` is empty).
pub(crate) fn render<M: Model>(
    w: &mut Writer<'_>,
    keyword: &str,
    conds: &[Condition<M>],
) -> Result<(), QueryError> {
    let schema = M::schema();
    for (i, cond) in conds.iter().enumerate() {
        w.push(if i == 0 { keyword } else { " AND " });
        match cond.target {
            Target::Token => {
                let keys = schema
                    .partition_key()
                    .iter()
                    .map(|c| quote_ident(&c.name))
                    .collect::<Vec<_>>()
                    .join(", ");
                w.push(&format!("token({keys})"));
            }
            Target::Column(_) => w.push(&quote_ident(cond.name)),
        }
        w.push(" ");
        w.push(cond.op.as_cql());
        w.push(" ");
        let values = cond.values.as_ref().map_err(|e| QueryError::Value {
            table: schema.name.clone(),
            column: cond.name.to_owned(),
            source: e.clone(),
        })?;
        if cond.op == Operator::In {
            w.push("(");
            for (j, v) in values.iter().enumerate() {
                if j > 0 {
                    w.push(", ");
                }
                w.bind(v)?;
            }
            w.push(")");
        } else {
            for v in values {
                w.bind(v)?;
            }
        }
    }
    Ok(())
}

/// The name of the table in statements: `ks.table` with the per-call `keyspace` override,
/// else with the keyspace the model names, else the bare table (the session's keyspace).
pub(crate) fn table_name<M: Model>(keyspace: Option<&str>) -> String {
    let schema = M::schema();
    match keyspace {
        Some(ks) => format!(
            "{}.{}",
            crate::schema::quote_ident(ks),
            crate::schema::quote_ident(&schema.name)
        ),
        None => schema.qualified_name(None),
    }
}

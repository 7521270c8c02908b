//! What UPDATE and DELETE share: the WHERE clause must name rows by their primary key, and
//! `IF` conditions (LWT) are checked and rendered here.

use super::built::Writer;
use super::column::{Condition, Operator, Target};
use super::error::QueryError;
use super::restrict::{Restrictions, analyze, render};
use crate::model::Model;
use crate::schema::ColumnKind;

/// Conditions that select `row` by its primary key (`k = ? AND c = ?`).
pub(crate) fn key_of<M: Model>(row: &M) -> Vec<Condition<M>> {
    let schema = M::schema();
    let keyspace = schema.keyspace.as_deref().unwrap_or("");
    schema
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind.is_primary_key())
        .map(|(i, c)| {
            let typ = c.cql_type.to_column_type(keyspace);
            let mut buf = Vec::new();
            let values = row.write_column(i, &typ, &mut buf).map(|_| vec![buf]);
            Condition::raw(i, &c.name, Operator::Eq, values)
        })
        .collect()
}

/// Checks a write's WHERE clause: the whole partition key by `=`/`IN`, only key columns,
/// and the clustering columns as `clustering` requires.
pub(crate) fn check_where<M: Model>(
    filters: &[Condition<M>],
    clustering: ClusteringNeed,
) -> Result<Restrictions, QueryError> {
    let schema = M::schema();
    let table = &schema.name;
    let r = analyze(filters, "WHERE clause")?;
    if r.token {
        return Err(QueryError::UnsupportedOperator {
            table: table.clone(),
            column: "token".to_owned(),
            operator: "token()",
            place: "write's WHERE clause",
        });
    }
    r.check_no_pk_range(table)?;
    if let Some((name, _, _)) = r.others.first() {
        return Err(QueryError::NonKeyInWhere {
            table: table.clone(),
            column: name.clone(),
        });
    }
    if !r.pk_complete() {
        return Err(QueryError::MissingPrimaryKey {
            table: table.clone(),
            part: "partition key parts",
            missing: r.pk_missing.join(", "),
        });
    }
    let missing: Vec<String> = r
        .clustering
        .iter()
        .filter(|(_, ops)| ops.is_empty())
        .map(|(n, _)| n.clone())
        .collect();
    match clustering {
        ClusteringNeed::AllEq => {
            if !missing.is_empty() {
                return Err(QueryError::MissingPrimaryKey {
                    table: table.clone(),
                    part: "clustering keys",
                    missing: missing.join(", "),
                });
            }
            if let Some((name, _)) = r
                .clustering
                .iter()
                .find(|(_, ops)| ops.iter().any(|o| o.is_range()))
            {
                return Err(QueryError::UnsupportedOperator {
                    table: table.clone(),
                    column: name.clone(),
                    operator: "range",
                    place: "write that names single rows",
                });
            }
        }
        ClusteringNeed::None => {
            if r.clustering_any() {
                return Err(QueryError::MissingPrimaryKey {
                    table: table.clone(),
                    part: "clustering keys",
                    missing: missing.join(", "),
                });
            }
        }
        ClusteringNeed::Prefix => r.check_clustering_prefix(table)?,
    }
    Ok(r)
}

/// How a write must restrict the clustering columns.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClusteringNeed {
    /// All, by `=`/`IN` (writes to rows).
    AllEq,
    /// None (writes to static columns only).
    None,
    /// A prefix, the last possibly a range (row and range deletions).
    Prefix,
}

/// Checks `IF` conditions: only regular or static columns, no `CONTAINS`.
pub(crate) fn check_conditions<M: Model>(conditions: &[Condition<M>]) -> Result<(), QueryError> {
    let schema = M::schema();
    for c in conditions {
        c.values.as_ref().map_err(|e| QueryError::Value {
            table: schema.name.clone(),
            column: c.name.to_owned(),
            source: e.clone(),
        })?;
        let key = match c.target {
            Target::Column(i) => schema
                .columns
                .get(i)
                .is_some_and(|col| col.kind.is_primary_key()),
            Target::Token => true,
        };
        if key || matches!(c.op, Operator::Contains | Operator::ContainsKey) {
            return Err(QueryError::UnsupportedOperator {
                table: schema.name.clone(),
                column: c.name.to_owned(),
                operator: c.op.as_cql(),
                place: "IF condition (only non-key columns compared with =, !=, <, <=, >, >=, IN)",
            });
        }
    }
    Ok(())
}

/// Appends ` IF EXISTS` or ` IF cond AND ...`.
pub(crate) fn render_conditions<M: Model>(
    w: &mut Writer<'_>,
    if_exists: bool,
    conditions: &[Condition<M>],
) -> Result<(), QueryError> {
    if if_exists {
        w.push(" IF EXISTS");
        Ok(())
    } else {
        render(w, " IF ", conditions)
    }
}

/// Whether every column at these positions is static.
pub(crate) fn all_static<M: Model>(indexes: impl IntoIterator<Item = usize>) -> bool {
    let schema = M::schema();
    let mut any = false;
    for i in indexes {
        any = true;
        if schema.columns.get(i).map(|c| c.kind) != Some(ColumnKind::Static) {
            return false;
        }
    }
    any
}

/// Conditional writes name single rows: `IN` on a key column is refused.
pub(crate) fn no_in_on_keys<M: Model>(
    filters: &[Condition<M>],
    table: &str,
) -> Result<(), QueryError> {
    match filters.iter().find(|f| f.op == Operator::In) {
        Some(f) => Err(QueryError::ConditionalIn {
            table: table.to_owned(),
            column: f.name.to_owned(),
        }),
        None => Ok(()),
    }
}

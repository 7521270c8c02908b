//! The SELECT shapes Cassandra 4.0 validates while preparing (`SelectStatement.RawStatement`):
//! ORDER BY and GROUP BY over the primary key, where a column restricted by `=` may be
//! skipped, and SELECT DISTINCT, which reads partition key and static columns only and,
//! over a key range, all the partition key columns.

use cassia_protocol::response::ServerError;

use super::restrict::{Restr, Where};
use super::schema::Table;
use super::selection::Selected;
use crate::catalog::{ColumnKind, invalid};
use crate::cql::ast::{Order, Select};

/// Whether key column `idx` (a partition key or clustering column) is restricted by `=`
/// (`StatementRestrictions.isColumnRestrictedByEq`).
fn restricted_by_eq(table: &Table, r: &Where, idx: usize) -> bool {
    let eq = |slot: Option<&Option<Restr>>| matches!(slot, Some(Some(Restr::Eq(_))));
    if let Some(pos) = table.pk.iter().position(|i| *i == idx) {
        return eq(r.pk.get(pos));
    }
    table
        .ck
        .iter()
        .position(|i| *i == idx)
        .is_some_and(|pos| eq(r.ck.get(pos)))
}

const ORDER_MESSAGE: &str = "Order by currently only supports the ordering of columns following their declared order in the PRIMARY KEY";

/// Checks the ORDER BY clause; returns whether it reverses the clustering order.
///
/// The orderings are a map in Cassandra (`Map<ColumnMetadata.Raw, Boolean>`): a column
/// named twice keeps its first place and its last direction.
pub(crate) fn ordering(table: &Table, stmt: &Select, r: &Where) -> Result<bool, ServerError> {
    let mut orderings: Vec<(&str, Order)> = Vec::new();
    for (name, order) in &stmt.order_by {
        match orderings.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = *order,
            None => orderings.push((name, *order)),
        }
    }
    let mut reversed = None;
    let mut next = 0usize;
    for (name, order) in orderings {
        let Some((_, col)) = table.col(name) else {
            return Err(invalid(format!("Undefined column name {name}")));
        };
        let ColumnKind::Clustering(pos, natural) = col.kind else {
            return Err(invalid(format!(
                "Order by is currently only supported on the clustered columns of the PRIMARY KEY, got {name}"
            )));
        };
        while next != pos {
            let skipped = table.ck.get(next).copied();
            if pos < next || !skipped.is_some_and(|idx| restricted_by_eq(table, r, idx)) {
                return Err(invalid(ORDER_MESSAGE));
            }
            next += 1;
        }
        next += 1;
        let flip = order != natural;
        match reversed {
            None => reversed = Some(flip),
            Some(r) if r != flip => return Err(invalid("Unsupported order by relation")),
            Some(_) => {}
        }
    }
    if reversed.is_some() && !r.pk_complete() {
        return Err(invalid(
            "ORDER BY is only supported when the partition key is restricted by an EQ or an IN.",
        ));
    }
    Ok(reversed.unwrap_or(false))
}

const GROUP_MESSAGE: &str = "Group by currently only support groups of columns following their declared order in the PRIMARY KEY";

/// Checks the GROUP BY clause (`SelectStatement.getAggregationSpecification`); returns how
/// many leading primary key columns make a group (0 without GROUP BY).
pub(crate) fn group_by(table: &Table, stmt: &Select, r: &Where) -> Result<usize, ServerError> {
    if stmt.group_by.is_empty() {
        return Ok(0);
    }
    let key_cols: Vec<usize> = table.pk.iter().chain(table.ck.iter()).copied().collect();
    let mut next = 0usize;
    for name in &stmt.group_by {
        let Some((idx, col)) = table.col(name) else {
            return Err(invalid(format!("Undefined column name {name}")));
        };
        if !col.kind.is_primary_key() {
            return Err(invalid(format!(
                "Group by is currently only supported on the columns of the PRIMARY KEY, got {name}"
            )));
        }
        loop {
            let Some(&key) = key_cols.get(next) else {
                return Err(invalid(GROUP_MESSAGE));
            };
            next += 1;
            if key == idx {
                break;
            }
            if !restricted_by_eq(table, r, key) {
                return Err(invalid(GROUP_MESSAGE));
            }
        }
    }
    if next < table.pk.len() {
        return Err(invalid(
            "Group by is not supported on only a part of the partition key",
        ));
    }
    Ok(next)
}

/// `SelectStatement.validateDistinctSelection`.
pub(crate) fn distinct(table: &Table, selected: &Selected, r: &Where) -> Result<(), ServerError> {
    let non_static_filter = r
        .filters
        .iter()
        .any(|f| !matches!(table.cols[f.col].kind, ColumnKind::Static));
    if r.ck.iter().any(Option::is_some) || !r.multi.is_empty() || non_static_filter {
        return Err(invalid(
            "SELECT DISTINCT with WHERE clause only supports restriction by partition key and/or static columns.",
        ));
    }
    let requested = selected.columns_read(table);
    for &i in &requested {
        let col = &table.cols[i];
        if !matches!(col.kind, ColumnKind::PartitionKey(_) | ColumnKind::Static) {
            return Err(invalid(format!(
                "SELECT DISTINCT queries must only request partition key columns and/or static columns (not {})",
                col.name
            )));
        }
    }
    // Over a key range all the partition key columns are needed, so that partitions need no
    // grouping after the query.
    if !r.pk_complete() {
        if let Some(missing) = table.pk.iter().find(|i| !requested.contains(i)) {
            return Err(invalid(format!(
                "SELECT DISTINCT queries must request all the partition key columns (missing {})",
                table.cols[*missing].name
            )));
        }
    }
    Ok(())
}

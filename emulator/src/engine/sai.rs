//! Which restrictions storage-attached indexes serve, so that a query restricted only on
//! SAI-indexed columns runs without ALLOW FILTERING, as on Cassandra 5.0.
//!
//! SAI answers equality on every supported type and ranges on the non-literal ones (text,
//! ascii, boolean and uuid are equality only), `CONTAINS`/`CONTAINS KEY`/entries on
//! collections, and only ANN on vectors. Unlike the built-in index it intersects several
//! restrictions, so any number of them can be combined.

use cassia_protocol::types::ColumnType;

use super::restrict::{Filter, Restr, Where};
use super::schema::Table;
use crate::catalog::{IndexDef, IndexTargetKind, is_sai_index};
use crate::cql::ast::Operator;

/// The storage-attached indexes on a column, by its name.
pub(crate) fn indexes_on<'a>(table: &'a Table, column: &str) -> impl Iterator<Item = &'a IndexDef> {
    table
        .def
        .indexes
        .iter()
        .filter(move |i| is_sai_index(i) && i.column == column)
}

/// Whether any index at all (SAI or not) covers the column (Cassandra's `dependsOn`).
pub(crate) fn any_index_on(table: &Table, column: &str) -> bool {
    table.def.indexes.iter().any(|i| i.column == column)
}

/// Whether the column of `typ` only supports equality in SAI.
fn equality_only(typ: &ColumnType) -> bool {
    matches!(
        typ,
        ColumnType::Text | ColumnType::Ascii | ColumnType::Boolean | ColumnType::Uuid
    )
}

/// Whether an SAI index on the filter's column answers it.
pub(crate) fn serves(table: &Table, f: &Filter) -> bool {
    let col = &table.cols[f.col];
    indexes_on(table, &col.name).any(|i| {
        if matches!(col.typ, ColumnType::Vector { .. }) {
            return false;
        }
        match (i.target, f.op, f.map_key.is_some()) {
            (IndexTargetKind::Values, Operator::Contains, false) => true,
            (IndexTargetKind::Keys, Operator::ContainsKey, false) => true,
            (IndexTargetKind::Entries, Operator::Eq, true) => true,
            (IndexTargetKind::Full, Operator::Eq, false) => f.value.is_ok(),
            (IndexTargetKind::Simple, Operator::Eq, false) => f.value.is_ok(),
            (
                IndexTargetKind::Simple,
                Operator::Lt | Operator::Le | Operator::Gt | Operator::Ge,
                false,
            ) => !equality_only(&col.typ),
            _ => false,
        }
    })
}

/// Whether a key column (partition or clustering, by table column index) has an SAI index
/// answering its restriction.
fn key_served(table: &Table, idx: usize, r: &Restr) -> bool {
    let col = &table.cols[idx];
    indexes_on(table, &col.name).any(|i| {
        i.target == IndexTargetKind::Simple
            && match r {
                Restr::Eq(_) => true,
                Restr::Range(..) => !equality_only(&col.typ),
                Restr::In(_) => false,
            }
    })
}

/// Whether SAI serves the query: every row filter of `w` (there being at least one), or,
/// without row filters, key restrictions outside a single partition.
pub(crate) fn serves_query(w: &Where, table: &Table, pk_complete: bool) -> bool {
    if !w.filters.is_empty() {
        return w.filters.iter().all(|f| serves(table, f));
    }
    let keys_restricted = w.pk.iter().chain(w.ck.iter()).any(Option::is_some);
    !pk_complete && keys_restricted && w.token.is_empty() && !still_filters(w, table, pk_complete)
}

/// Whether a query whose row filters SAI serves still filters rows: a partially restricted
/// partition key or clustering restrictions outside a single partition, on columns SAI does
/// not index, or multi-column relations outside a single partition.
pub(crate) fn still_filters(w: &Where, table: &Table, pk_complete: bool) -> bool {
    if pk_complete {
        return false;
    }
    let pk_unserved =
        w.pk.iter()
            .zip(table.pk.iter())
            .any(|(r, idx)| r.as_ref().is_some_and(|r| !key_served(table, *idx, r)));
    let ck_unserved =
        w.ck.iter()
            .zip(table.ck.iter())
            .any(|(r, idx)| r.as_ref().is_some_and(|r| !key_served(table, *idx, r)));
    pk_unserved || ck_unserved || !w.multi.is_empty()
}

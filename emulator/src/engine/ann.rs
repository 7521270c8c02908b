//! `ORDER BY v ANN OF [...] LIMIT n` (Cassandra 5.0 vector search): Cassandra's checks at
//! prepare time (`StatementRestrictions`) and at execution (`SelectStatement.execute`,
//! `StorageAttachedIndex.validate`), each with its message, and the exact search the emulator
//! runs instead of an approximate graph: every matching row scored with the index's
//! similarity function, best first, ties kept in token and clustering order.

use bytes::Bytes;
use cassia_protocol::response::ServerError;
use cassia_protocol::types::ColumnType;

use super::restrict::{Filter, Restr, Where};
use super::sai;
use super::schema::Table;
use super::specs::Specs;
use super::term::{Binds, Receiver, Val, eval};
use super::vector_fns::{Similarity, decode_floats, is_all_zero};
use crate::catalog::{invalid, similarity_of};
use crate::cql::ast::{Operator, Order, Select, Term};

/// The most rows an ANN query may ask for (`sai_vector_search_max_top_k`, 1000 by default).
pub(crate) const MAX_TOP_K: usize = 1000;

const REQUIRES_INDEX: &str = "ANN ordering by vector requires the column to be indexed";
const ONLY_ON_VECTORS: &str = "ANN ordering is only supported on float vector indexes";
const REQUIRES_INDEXED_FILTERING: &str =
    "ANN ordering by vector requires all restricted column(s) to be indexed";
const VECTOR_INDEXES_ANN_ONLY: &str = "Vector indexes only support ANN queries";
const TOPK_AGGREGATION: &str = "Top-K queries can not be run with aggregation";
const TOPK_LIMIT: &str =
    "Top-K queries must have a limit specified and the limit must be less than the query page size";
const TOPK_PARTITION_LIMIT: &str = "Top-K queries do not support per-partition limits";
const ZERO_COSINE: &str = "Zero vectors cannot be indexed or queried with cosine similarity";

/// The ordering column and query vector, bound to the table (before the WHERE clause, as
/// Cassandra binds orderings first).
#[derive(Debug, Clone)]
pub(crate) struct AnnOrdering {
    col: usize,
    vector: Term,
}

/// A prepared ANN ordering.
#[derive(Debug, Clone)]
pub(crate) struct AnnPlan {
    col: usize,
    vector: Term,
    similarity: Similarity,
}

/// An ANN ordering ready to run: the query vector and how many rows to keep.
#[derive(Debug, Clone)]
pub(crate) struct AnnQuery {
    pub col: usize,
    pub target: Vec<f32>,
    pub similarity: Similarity,
    pub limit: usize,
}

/// Binds the `ANN OF` ordering of `stmt` (if any): its column, its term's bind marker, and
/// the orderings Cassandra refuses next to it.
pub(crate) fn ordering(
    table: &Table,
    stmt: &Select,
    specs: &mut Specs,
) -> Result<Option<AnnOrdering>, ServerError> {
    let Some(ann) = stmt.ann_order.first() else {
        return Ok(None);
    };
    if stmt.ann_order.len() > 1 {
        return Err(invalid("Cannot specify more than one ANN ordering"));
    }
    if !stmt.order_by.is_empty() {
        return Err(invalid("ANN ordering does not support any other ordering"));
    }
    if ann.order == Order::Desc {
        return Err(invalid("Descending ANN ordering is not supported"));
    }
    let Some((col, c)) = table.col(&ann.column) else {
        return Err(invalid(format!(
            "Undefined column name {} in table {}.{}",
            ann.column,
            table.keyspace(),
            table.name()
        )));
    };
    // The value is typed as the column: a literal of the wrong size fails here.
    if !has_marker(&ann.vector) {
        let recv = Receiver {
            name: &c.name,
            typ: &c.typ,
        };
        eval(&ann.vector, recv, &Binds::default())?;
    }
    specs.term(&ann.vector, &c.name, &c.typ);
    Ok(Some(AnnOrdering {
        col,
        vector: ann.vector.clone(),
    }))
}

fn has_marker(t: &Term) -> bool {
    match t {
        Term::Bind(_) => true,
        Term::List(items) | Term::Set(items) | Term::Tuple(items) => items.iter().any(has_marker),
        Term::Map(entries) => entries.iter().any(|(k, v)| has_marker(k) || has_marker(v)),
        Term::Udt(fields) => fields.iter().any(|(_, v)| has_marker(v)),
        Term::Function { args, .. } => args.iter().any(has_marker),
        Term::Cast(_, inner) | Term::Negate(inner) => has_marker(inner),
        Term::Literal(_) => false,
    }
}

/// `StatementRestrictions`' rules for an ANN query given its WHERE clause; without an ANN
/// ordering, refuses restrictions on vector-indexed columns.
pub(crate) fn prepare(
    table: &Table,
    ordering: Option<AnnOrdering>,
    w: &Where,
) -> Result<Option<AnnPlan>, ServerError> {
    let Some(AnnOrdering { col, vector }) = ordering else {
        let vector_indexed = w.filters.iter().any(|f| {
            let c = &table.cols[f.col];
            matches!(c.typ, ColumnType::Vector { .. }) && sai::any_index_on(table, &c.name)
        });
        if vector_indexed {
            return Err(invalid(VECTOR_INDEXES_ANN_ONLY));
        }
        return Ok(None);
    };
    let c = &table.cols[col];
    if let Some(f) = w.filters.iter().find(|f| f.col == col) {
        return Err(invalid(merge_message(&c.name, f)));
    }
    let float_vector =
        matches!(&c.typ, ColumnType::Vector { element, .. } if **element == ColumnType::Float);
    if !float_vector {
        return Err(invalid(ONLY_ON_VECTORS));
    }
    let Some(index) = sai::indexes_on(table, &c.name).next() else {
        return Err(invalid(REQUIRES_INDEX));
    };
    let similarity = similarity_of(index);
    let pk_restricted = w.pk.iter().filter(|r| r.is_some()).count();
    let pk_needs_filtering = (pk_restricted > 0 && !w.pk_complete())
        || w.pk.iter().any(|r| matches!(r, Some(Restr::Range(..))));
    if pk_needs_filtering {
        return Err(invalid(REQUIRES_INDEXED_FILTERING));
    }
    let unindexed_filter = w
        .filters
        .iter()
        .any(|f| !sai::any_index_on(table, &table.cols[f.col].name));
    let unindexed_ck =
        w.ck.iter()
            .zip(table.ck.iter())
            .any(|(r, idx)| r.is_some() && !sai::any_index_on(table, &table.cols[*idx].name));
    // Unindexed clustering restrictions pass only as a slice of whole partitions.
    let ck_slice_ok = pk_restricted == table.pk.len() && !clustering_filters(w);
    if unindexed_filter || (unindexed_ck && !ck_slice_ok) || (!w.multi.is_empty() && !ck_slice_ok) {
        return Err(invalid(REQUIRES_INDEXED_FILTERING));
    }
    Ok(Some(AnnPlan {
        col,
        vector,
        similarity,
    }))
}

/// Whether the clustering restrictions leave rows to filter (a gap, or a restriction after
/// a slice).
fn clustering_filters(w: &Where) -> bool {
    let mut open = true;
    for r in &w.ck {
        match r {
            None => open = false,
            Some(_) if !open => return true,
            Some(Restr::Range(..)) => open = false,
            Some(_) => {}
        }
    }
    false
}

/// What Cassandra says when the ANN column is also restricted in the WHERE clause.
fn merge_message(column: &str, f: &Filter) -> String {
    if f.op == Operator::Eq && f.map_key.is_none() && f.value.is_ok() {
        format!("{column} cannot be restricted by more than one relation if it includes an Equal")
    } else {
        format!("{column} cannot be restricted by more than one relation in an ANN ordering")
    }
}

impl AnnPlan {
    /// `SelectStatement.execute`'s Top-K checks, then the index's own (`MAX_TOP_K`, zero
    /// vectors with cosine), then the query vector.
    pub fn query(
        &self,
        table: &Table,
        binds: &Binds<'_>,
        aggregation: bool,
        limit: Option<usize>,
        per_partition_limit: Option<usize>,
    ) -> Result<AnnQuery, ServerError> {
        if aggregation {
            return Err(invalid(TOPK_AGGREGATION));
        }
        let Some(limit) = limit else {
            return Err(invalid(TOPK_LIMIT));
        };
        if per_partition_limit.is_some() {
            return Err(invalid(TOPK_PARTITION_LIMIT));
        }
        if limit > MAX_TOP_K {
            return Err(invalid(format!(
                "Use of ANN OF in an ORDER BY clause requires a LIMIT that is not greater than {MAX_TOP_K}. LIMIT was {limit}"
            )));
        }
        let c = &table.cols[self.col];
        let recv = Receiver {
            name: &c.name,
            typ: &c.typ,
        };
        let bytes: Bytes = match eval(&self.vector, recv, binds)? {
            Val::Value(b) => b,
            Val::Null | Val::Unset => {
                return Err(invalid(format!(
                    "Unsupported null value for column {}",
                    c.name
                )));
            }
        };
        let target = decode_floats(&bytes)
            .ok_or_else(|| invalid(format!("Invalid vector value for column {}", c.name)))?;
        if self.similarity == Similarity::Cosine && is_all_zero(&target) {
            return Err(invalid(ZERO_COSINE));
        }
        Ok(AnnQuery {
            col: self.col,
            target,
            similarity: self.similarity,
            limit,
        })
    }
}

impl AnnQuery {
    /// The score of a row's vector cell; `None` for rows without a vector (the index does not
    /// hold them, so ANN never returns them).
    pub fn score(&self, cell: Option<&[u8]>) -> Option<f32> {
        let v = decode_floats(cell?)?;
        if v.len() != self.target.len() {
            return None;
        }
        Some(self.similarity.compare(&v, &self.target))
    }
}

/// Orders scored rows best first, keeping scan order (token, then clustering) among equal
/// scores; NaN scores (a zero vector stored before a cosine index existed) go last.
pub(crate) fn rank<T>(rows: &mut [(f32, T)]) {
    rows.sort_by(|a, b| match (a.0.is_nan(), b.0.is_nan()) {
        (false, false) => b.0.total_cmp(&a.0),
        (x, y) => x.cmp(&y),
    });
}

/// The `k` best-scored rows seen so far, in scan order among equal scores. Rows are
/// gathered until twice `k`, then ranked and cut back to `k`: linear in the rows scanned,
/// and a row that cannot make the cut is refused before its cells are built.
#[derive(Debug)]
pub(crate) struct TopK<T> {
    k: usize,
    rows: Vec<(f32, T)>,
    /// The worst score kept at the last cut (`None` before the first cut).
    floor: Option<f32>,
}

impl<T> TopK<T> {
    pub(crate) fn new(k: usize) -> TopK<T> {
        TopK {
            k,
            rows: Vec::new(),
            floor: None,
        }
    }

    /// Whether a row scoring `score`, seen after every row so far, can still be among the
    /// best `k` (a tie loses to the earlier row; NaN never beats a number).
    pub(crate) fn admits(&self, score: f32) -> bool {
        match self.floor {
            None => self.k > 0,
            Some(floor) if floor.is_nan() => true,
            Some(floor) => !score.is_nan() && score > floor,
        }
    }

    pub(crate) fn push(&mut self, score: f32, row: T) {
        if !self.admits(score) {
            return;
        }
        self.rows.push((score, row));
        if self.rows.len() >= self.k.saturating_mul(2).max(16) {
            self.cut();
        }
    }

    fn cut(&mut self) {
        rank(&mut self.rows);
        self.rows.truncate(self.k);
        if self.rows.len() == self.k {
            self.floor = self.rows.last().map(|(s, _)| *s);
        }
    }

    /// The best `k` rows, best first.
    pub(crate) fn into_ranked(mut self) -> impl Iterator<Item = T> {
        self.cut();
        self.rows.into_iter().map(|(_, row)| row)
    }
}

#[cfg(test)]
mod top_k_tests {
    use super::TopK;

    #[test]
    fn keeps_the_best_k_in_scan_order_among_ties() {
        let mut top = TopK::new(3);
        let scores = [
            0.5,
            0.9,
            0.1,
            0.9,
            f32::NAN,
            0.7,
            0.9,
            0.2,
            0.95,
            0.3,
            0.4,
            0.6,
            0.8,
            0.0,
            0.05,
            0.15,
            0.25,
            0.35,
            0.45,
        ];
        for (i, s) in scores.iter().enumerate() {
            top.push(*s, i);
        }
        // 0.95 (#8), then the 0.9s in scan order (#1, #3); #6 (also 0.9) came later.
        assert_eq!(top.into_ranked().collect::<Vec<_>>(), vec![8, 1, 3]);
    }

    #[test]
    fn after_a_cut_rows_at_or_below_the_floor_are_refused() {
        let mut top = TopK::new(1);
        for i in 0..16 {
            top.push(i as f32, i);
        }
        assert!(!top.admits(15.0), "a later tie loses");
        assert!(!top.admits(f32::NAN));
        assert!(top.admits(15.5));
        let none: TopK<()> = TopK::new(0);
        assert!(!none.admits(1.0));
    }
}

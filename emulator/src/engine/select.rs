//! SELECT: planning (restrictions, selection, ORDER BY, limits) and execution over the
//! store, with paging that resumes exactly after the last returned row.

use std::ops::Bound as RangeBound;
use std::sync::Arc;

use bytes::Bytes;
use cassia_protocol::response::{ResultBody, ServerError};
use cassia_protocol::types::ColumnType;

use super::paging::PagingState;
use super::read::{RowRef, passes};
use super::restrict::{CkMatch, FILTERING_MESSAGE, Partitions, Where, in_list};
use super::result::RowsBuilder;
use super::schema::Table;
use super::selection::{self, Acc, Sel, Selected};
use super::specs::Specs;
use super::term::{Binds, Receiver, Val, eval};
use crate::catalog::invalid;
use crate::cql::ast::{Select, Term};
use crate::store::{
    ClusteringKey, ClusteringLayout, Partition, PartitionPos, Row, TableData, split_partition_key,
};

/// The warning Cassandra attaches to aggregates over several partitions.
pub(crate) const AGGREGATE_WARNING: &str = "Aggregation query used without partition key";

/// The warning Cassandra attaches to aggregates over an IN on the partition key.
pub(crate) const AGGREGATE_IN_WARNING: &str =
    "Aggregation query used on multiple partition keys (IN restriction)";

/// A prepared SELECT.
#[derive(Debug)]
pub(crate) struct SelectPlan {
    pub table: Arc<Table>,
    pub restrictions: Where,
    pub selected: Selected,
    pub reversed: bool,
    pub distinct: bool,
    pub limit: Option<Term>,
    pub per_partition_limit: Option<Term>,
    /// GROUP BY: how many leading primary key columns form a group (0 = no grouping).
    pub group_by: usize,
    /// `SELECT JSON`: rows come back as one `[json]` text column.
    pub json: bool,
    /// Whether the statement has an ORDER BY.
    pub ordered: bool,
    /// `ORDER BY v ANN OF [...]`.
    pub ann: Option<super::ann::AnnPlan>,
}

impl SelectPlan {
    /// Plans `stmt` against `table`.
    pub fn prepare(
        table: Arc<Table>,
        stmt: &Select,
        specs: &mut Specs,
    ) -> Result<SelectPlan, ServerError> {
        let selected = super::selector_plan::plan(&table, &stmt.selection, &Binds::default())?;
        selected.register_markers(specs);
        // Cassandra binds orderings before the WHERE clause.
        let ann_ordering = super::ann::ordering(&table, stmt, specs)?;
        let restrictions = Where::prepare(&table, &stmt.where_clause, specs, stmt.allow_filtering)?;
        let ann = super::ann::prepare(&table, ann_ordering, &restrictions)?;
        // An ANN query has its own rules on what may be restricted (checked above).
        let filter_checks = ann.is_none();
        if filter_checks
            && restrictions.needs_filtering
            && !stmt.allow_filtering
            && !restrictions.indexed
        {
            return Err(invalid(FILTERING_MESSAGE));
        }
        if filter_checks
            && restrictions.needs_filtering
            && !stmt.allow_filtering
            && restrictions.indexed
            && restrictions.filters.len() > 1
        {
            return Err(invalid(FILTERING_MESSAGE));
        }
        let reversed = super::select_checks::ordering(&table, stmt, &restrictions)?;
        if stmt.distinct {
            super::select_checks::distinct(&table, &selected, &restrictions)?;
        }
        let group_by = super::select_checks::group_by(&table, stmt, &restrictions)?;
        if let Some(t) = &stmt.limit {
            specs.term(t, "[limit]", &ColumnType::Int);
        }
        if let Some(t) = &stmt.per_partition_limit {
            specs.term(t, "[per_partition_limit]", &ColumnType::Int);
        }
        Ok(SelectPlan {
            table,
            restrictions,
            selected,
            reversed,
            distinct: stmt.distinct,
            limit: stmt.limit.clone(),
            per_partition_limit: stmt.per_partition_limit.clone(),
            group_by,
            json: stmt.json,
            ordered: !stmt.order_by.is_empty(),
            ann,
        })
    }

    /// The columns of the Rows result.
    pub fn result_columns(&self) -> Vec<cassia_protocol::response::ColumnSpec> {
        if !self.json {
            return self.selected.columns.clone();
        }
        vec![cassia_protocol::response::ColumnSpec {
            keyspace: self.table.keyspace().to_owned(),
            table: self.table.name().to_owned(),
            name: "[json]".to_owned(),
            typ: ColumnType::Text,
        }]
    }

    /// Warnings this statement produces whenever it runs.
    pub fn warnings(&self) -> Vec<String> {
        // Cassandra checks this for every query with an aggregation spec: aggregates, and
        // GROUP BY with or without them.
        if !self.selected.aggregate && self.group_by == 0 {
            return Vec::new();
        }
        let r = &self.restrictions;
        if r.pk.iter().all(Option::is_none) && r.token.is_empty() {
            vec![AGGREGATE_WARNING.to_owned()]
        } else if r
            .pk
            .iter()
            .any(|p| matches!(p, Some(super::restrict::Restr::In(_))))
        {
            vec![AGGREGATE_IN_WARNING.to_owned()]
        } else {
            Vec::new()
        }
    }

    /// Runs the query over the table's stored data.
    pub fn execute(
        &self,
        binds: &Binds<'_>,
        page_size: Option<i32>,
        paging_state: Option<&[u8]>,
        now: i64,
    ) -> Result<ResultBody, ServerError> {
        let data = self.table.runtime.lock();
        self.execute_on(&data, binds, page_size, paging_state, now)
    }

    /// Runs the query over `data` (the table's, or generated system rows).
    pub fn execute_on(
        &self,
        data: &TableData,
        binds: &Binds<'_>,
        page_size: Option<i32>,
        paging_state: Option<&[u8]>,
        now: i64,
    ) -> Result<ResultBody, ServerError> {
        let table = &self.table;
        let limit = limit_value(self.limit.as_ref(), "[limit]", "LIMIT", binds)?;
        let ppl = limit_value(
            self.per_partition_limit.as_ref(),
            "[per_partition_limit]",
            "PER PARTITION LIMIT",
            binds,
        )?;
        let ann = match &self.ann {
            Some(a) => {
                let given = |t: Option<&Term>, v: usize| t.is_some() && v != i32::MAX as usize;
                Some(a.query(
                    table,
                    binds,
                    self.selected.aggregate || self.group_by > 0,
                    given(self.limit.as_ref(), limit).then_some(limit),
                    given(self.per_partition_limit.as_ref(), ppl).then_some(ppl),
                )?)
            }
            None => None,
        };
        let partitions = self.restrictions.partitions(table, binds)?;
        let ck = self.restrictions.clustering(table, binds)?;
        let pk_filter = if self.restrictions.pk_complete() {
            None
        } else {
            Some(self.restrictions.pk_filter(table, binds)?)
        };
        let mut filters = Vec::with_capacity(self.restrictions.filters.len());
        for f in &self.restrictions.filters {
            let col = &table.cols[f.col];
            let recv_typ = match (f.op, &col.typ, &f.map_key) {
                (_, ColumnType::Map(_, v), Some(_)) => (**v).clone(),
                (
                    crate::cql::ast::Operator::Contains,
                    ColumnType::List(e) | ColumnType::Set(e),
                    _,
                ) => (**e).clone(),
                (crate::cql::ast::Operator::Contains, ColumnType::Map(_, v), _) => (**v).clone(),
                (crate::cql::ast::Operator::ContainsKey, ColumnType::Map(k, _), _) => (**k).clone(),
                _ => col.typ.clone(),
            };
            let values = match &f.value {
                Ok(t) => match eval(
                    t,
                    Receiver {
                        name: &col.name,
                        typ: &recv_typ,
                    },
                    binds,
                )? {
                    Val::Value(b) => vec![b],
                    _ => {
                        return Err(invalid(format!(
                            "Unsupported null value for column {}",
                            col.name
                        )));
                    }
                },
                Err(iv) => in_list(iv, &col.name, &recv_typ, binds)?,
            };
            let key = match (&f.map_key, &col.typ) {
                (Some(k), ColumnType::Map(kt, _)) => eval(
                    k,
                    Receiver {
                        name: &col.name,
                        typ: kt,
                    },
                    binds,
                )?
                .bytes()
                .cloned(),
                _ => None,
            };
            filters.push((f.col, f.op, values, key));
        }
        let resume = match paging_state {
            Some(b) => Some(PagingState::decode(b).ok_or_else(|| {
                cassia_protocol::response::ServerError {
                    kind: cassia_protocol::response::ErrorKind::ProtocolError,
                    message: "Invalid value for the paging state".to_owned(),
                }
            })?),
            None => None,
        };
        // Top-K queries are not paged: Cassandra raises the page size to the LIMIT. An
        // aggregate without GROUP BY is one row; with GROUP BY the page size counts groups
        // (4.0's `AggregationQueryPager`).
        let page = if (self.selected.aggregate && self.group_by == 0) || ann.is_some() {
            None
        } else {
            page_size.filter(|p| *p > 0).map(|p| p as usize)
        };
        let single = matches!(&partitions, Some(Partitions::Keys(k)) if k.len() == 1);
        // ORDER BY over several partitions (pk IN): rows are merged in clustering order,
        // which Cassandra only does without paging.
        let merge = self.ordered && matches!(&partitions, Some(Partitions::Keys(k)) if k.len() > 1);
        if merge && page.is_some() {
            return Err(invalid(
                "Cannot page queries with both ORDER BY and a IN restriction on the partition key; you must either remove the ORDER BY or the IN and sort client side, or disable paging for this query",
            ));
        }
        let total_limit = resume
            .as_ref()
            .map_or(limit, |r| r.remaining.min(limit as u64) as usize);

        let mut out = Output {
            plan: self,
            sels: self.selected.bind(binds)?,
            builder: RowsBuilder::default(),
            accs: if self.selected.aggregate || self.group_by > 0 {
                vec![Acc::default(); self.selected.sels.len()]
            } else {
                Vec::new()
            },
            any: false,
            emitted: 0,
            limit: total_limit,
            page,
            ppl,
            resume_budget: resume
                .as_ref()
                .map(|r| r.remaining_in_partition.min(ppl as u64) as usize),
            last: None,
            group: None,
            group_last: None,
            page_full: false,
            merged: merge.then(Vec::new),
            ann: ann.map(|q| {
                let top = super::ann::TopK::new(q.limit);
                (q, top)
            }),
            error: None,
        };
        let mut visit = |pos: &PartitionPos, p: &Partition, resume_ck: Option<&[Bytes]>| -> bool {
            let pk_parts = split_partition_key(&pos.1, table.pk.len());
            let ctx = Ctx {
                table,
                ck: &ck,
                pk_filter: pk_filter.as_ref(),
                filters: &filters,
                now,
            };
            out.partition(&ctx, &pos.1, &pk_parts, p, resume_ck)
        };
        let resume_pos = resume
            .as_ref()
            .filter(|r| !r.partition_key.is_empty())
            .map(|r| TableData::position(r.partition_key.clone()));
        let resume_ck = resume.as_ref().map(|r| r.clustering.clone());
        match &partitions {
            Some(Partitions::Keys(keys)) => {
                // Cassandra reads the keys of an IN in the order of the partition key's
                // type (`MultiCBuilder.build` sorts and deduplicates them), not ring order.
                let mut ordered: Vec<Bytes> = keys.clone();
                ordered.sort_by(|a, b| compare_keys(table, a, b));
                ordered.dedup();
                let positions: Vec<PartitionPos> =
                    ordered.into_iter().map(TableData::position).collect();
                let mut skipping = resume.is_some() && !single;
                for pos in &positions {
                    let mut rck = None;
                    if let Some(rp) = &resume_pos {
                        if skipping {
                            if pos != rp {
                                continue;
                            }
                            skipping = false;
                            rck = resume_ck.as_deref();
                        }
                    } else if single {
                        rck = resume_ck.as_deref();
                    }
                    if let Some(p) = data.partitions.get(pos) {
                        if !visit(pos, p, rck) {
                            break;
                        }
                    }
                }
            }
            other => {
                let (lo, hi) = match other {
                    Some(Partitions::Tokens(lo, hi)) => (*lo, *hi),
                    _ => (RangeBound::Unbounded, RangeBound::Unbounded),
                };
                for (pos, p) in data.partitions.iter() {
                    let tok = pos.0;
                    let after_lo = match lo {
                        RangeBound::Included(t) => tok >= t,
                        RangeBound::Excluded(t) => tok > t,
                        RangeBound::Unbounded => true,
                    };
                    let before_hi = match hi {
                        RangeBound::Included(t) => tok <= t,
                        RangeBound::Excluded(t) => tok < t,
                        RangeBound::Unbounded => true,
                    };
                    if !after_lo || !before_hi {
                        continue;
                    }
                    let mut rck = None;
                    if let Some(rp) = &resume_pos {
                        if pos < rp {
                            continue;
                        }
                        if pos == rp {
                            rck = resume_ck.as_deref();
                        }
                    }
                    if !visit(pos, p, rck) {
                        break;
                    }
                }
            }
        }
        // The last key of an IN: once its partition is exhausted, so is the query (4.0's
        // `MultiPartitionPager` asks its pagers in this order).
        let final_key = match &partitions {
            Some(Partitions::Keys(keys)) if !single => keys
                .iter()
                .max_by(|a, b| compare_keys(table, a, b))
                .cloned(),
            _ => None,
        };
        out.finish(single, final_key.as_ref())
    }
}

/// Orders serialized partition keys by their columns' types, column by column.
fn compare_keys(table: &Table, a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let n = table.pk.len();
    let (pa, pb) = (split_partition_key(a, n), split_partition_key(b, n));
    for ((x, y), idx) in pa.iter().zip(pb.iter()).zip(table.pk.iter()) {
        let o = crate::store::compare::compare(&table.cols[*idx].typ, x, y);
        if o.is_ne() {
            return o;
        }
    }
    std::cmp::Ordering::Equal
}

fn limit_value(
    t: Option<&Term>,
    name: &str,
    what: &str,
    binds: &Binds<'_>,
) -> Result<usize, ServerError> {
    let Some(t) = t else {
        return Ok(i32::MAX as usize);
    };
    match eval(
        t,
        Receiver {
            name,
            typ: &ColumnType::Int,
        },
        binds,
    )? {
        Val::Value(b) => {
            let v = <[u8; 4]>::try_from(b.as_ref())
                .map(i32::from_be_bytes)
                .unwrap_or(0);
            if v <= 0 {
                return Err(invalid(format!("{what} must be strictly positive")));
            }
            Ok(v as usize)
        }
        Val::Null => Err(invalid(format!(
            "Invalid null value of {}",
            what.to_lowercase()
        ))),
        Val::Unset => Ok(i32::MAX as usize),
    }
}

struct Ctx<'a> {
    table: &'a Table,
    ck: &'a CkMatch,
    pk_filter: Option<&'a CkMatch>,
    filters: &'a [(usize, crate::cql::ast::Operator, Vec<Bytes>, Option<Bytes>)],
    now: i64,
}

struct Output<'p> {
    plan: &'p SelectPlan,
    /// The selectors, bind markers replaced by this execution's values.
    sels: std::borrow::Cow<'p, [Sel]>,
    builder: RowsBuilder,
    accs: Vec<Acc>,
    any: bool,
    emitted: usize,
    limit: usize,
    page: Option<usize>,
    ppl: usize,
    /// PER PARTITION LIMIT budget left in the partition the last page stopped in.
    resume_budget: Option<usize>,
    last: Option<(Bytes, Vec<Bytes>, usize)>,
    /// The key of the GROUP BY group being accumulated.
    group: Option<Vec<Bytes>>,
    /// Where the group being accumulated last read a row: becomes `last` once the group is
    /// emitted, so the next page resumes right after the last complete group.
    group_last: Option<(Bytes, Vec<Bytes>, usize)>,
    /// A GROUP BY page filled up when the next group started (that group is not emitted).
    page_full: bool,
    /// Rows of an ORDER BY over several partitions, sorted at the end.
    merged: Option<Vec<MergedRow>>,
    /// An ANN query and the rows scored so far (ranked at the end).
    ann: Option<(super::ann::AnnQuery, super::ann::TopK<Vec<Option<Bytes>>>)>,
    /// An error a selector raised on a row; it ends the scan and fails the query.
    error: Option<ServerError>,
}

/// A row held back for sorting: its clustering values and its result cells.
type MergedRow = (Vec<Bytes>, Vec<Option<Bytes>>);

/// A row of an ANN query held back for ranking: its similarity and its result cells.
impl Output<'_> {
    /// Visits one partition; false stops the scan.
    fn partition(
        &mut self,
        ctx: &Ctx<'_>,
        key: &Bytes,
        pk: &[&[u8]],
        p: &Partition,
        resume_ck: Option<&[Bytes]>,
    ) -> bool {
        let table = ctx.table;
        if let Some(f) = ctx.pk_filter {
            let owned: Vec<Bytes> = pk.iter().map(|b| Bytes::copy_from_slice(b)).collect();
            if !f.matches(&owned) {
                return true;
            }
        }
        let mut in_partition = 0usize;
        let budget = match (resume_ck, self.resume_budget) {
            (Some(_), Some(b)) => b,
            _ => self.ppl,
        };
        let layout = &*table.layout;
        if self.plan.distinct {
            let live = p.static_live(ctx.now)
                || p.rows
                    .iter()
                    .any(|(k, r)| r.is_live(p.outer_deletion(layout, &k.parts), ctx.now));
            if live && resume_ck.is_none() {
                let row = RowRef {
                    pk,
                    ck: &[],
                    row: None,
                    outer: p.deleted_at,
                    statics: &p.static_row,
                    partition_del: p.deleted_at,
                    now: ctx.now,
                };
                // Filtering on static columns picks the partitions.
                if !self.filtered_in(ctx, &row) {
                    return true;
                }
                return self.emit(ctx, key, &row, &mut in_partition, budget);
            }
            return true;
        }
        let mut emitted_rows = false;
        let iter = rows_in_range(
            p,
            &table.layout,
            ctx.ck.eq_prefix(),
            resume_ck,
            self.plan.reversed,
        );
        if resume_ck.is_some_and(|c| c.is_empty()) {
            // The last page ended on this partition's static-only row.
            return true;
        }
        for (k, r) in iter {
            if self.partition_full(in_partition, budget) {
                return true;
            }
            let outer = p.outer_deletion(layout, &k.parts);
            if !r.is_live(outer, ctx.now) || !ctx.ck.matches(&k.parts) {
                continue;
            }
            let row = RowRef {
                pk,
                ck: &k.parts,
                row: Some(r),
                outer,
                statics: &p.static_row,
                partition_del: p.deleted_at,
                now: ctx.now,
            };
            if !self.filtered_in(ctx, &row) {
                continue;
            }
            emitted_rows = true;
            if !self.emit(ctx, key, &row, &mut in_partition, budget) {
                return false;
            }
            if self.partition_full(in_partition, budget) {
                return true;
            }
        }
        // A partition with only static data shows up as one row with null clustering
        // columns, unless clustering columns are restricted.
        if !emitted_rows
            && resume_ck.is_none()
            && ctx.ck.is_empty()
            && p.static_live(ctx.now)
            && !table.ck.is_empty()
            && !p
                .rows
                .iter()
                .any(|(k, r)| r.is_live(p.outer_deletion(layout, &k.parts), ctx.now))
        {
            let row = RowRef {
                pk,
                ck: &[],
                row: None,
                outer: p.deleted_at,
                statics: &p.static_row,
                partition_del: p.deleted_at,
                now: ctx.now,
            };
            if self.filtered_in(ctx, &row) {
                return self.emit(ctx, key, &row, &mut in_partition, budget);
            }
        }
        true
    }

    /// Whether PER PARTITION LIMIT ends the partition. With GROUP BY it counts groups, and
    /// `in_partition` goes one past the budget when a group beyond it starts.
    fn partition_full(&self, in_partition: usize, budget: usize) -> bool {
        if self.plan.group_by > 0 {
            in_partition > budget
        } else {
            in_partition >= budget
        }
    }

    fn filtered_in(&self, ctx: &Ctx<'_>, row: &RowRef<'_>) -> bool {
        ctx.filters.iter().all(|(col, op, values, key)| {
            let typ = &ctx.table.cols[*col].typ;
            let cell = row.value(ctx.table, *col);
            values
                .iter()
                .any(|v| passes(typ, cell.as_deref(), *op, v, key.as_deref()))
        })
    }

    fn emit(
        &mut self,
        ctx: &Ctx<'_>,
        key: &Bytes,
        row: &RowRef<'_>,
        in_partition: &mut usize,
        budget: usize,
    ) -> bool {
        if self.plan.group_by > 0 {
            let pk_len = ctx.table.pk.len();
            let group_key: Vec<Bytes> = (0..self.plan.group_by)
                .map(|i| {
                    if i < pk_len {
                        row.pk
                            .get(i)
                            .map(|b| Bytes::copy_from_slice(b))
                            .unwrap_or_default()
                    } else {
                        row.ck.get(i - pk_len).cloned().unwrap_or_default()
                    }
                })
                .collect();
            if self.group.as_ref().is_some_and(|g| *g != group_key) {
                self.flush_group();
                // LIMIT and the page size both count groups; the group this row starts is
                // left for the next page, which resumes after the last emitted group.
                if self.emitted >= self.limit {
                    return false;
                }
                if self.page.is_some_and(|p| self.builder.len() >= p) {
                    self.page_full = true;
                    return false;
                }
                self.group = None;
            }
            if self.group.is_none() {
                // PER PARTITION LIMIT counts groups (4.0's `CQLGroupByLimits`): a group
                // beyond it ends the partition.
                if *in_partition >= budget {
                    *in_partition += 1;
                    return true;
                }
                *in_partition += 1;
            }
            self.group = Some(group_key);
            self.group_last = Some((
                key.clone(),
                row.ck.to_vec(),
                budget.saturating_sub(*in_partition),
            ));
        }
        let sels = &*self.sels;
        if self.plan.selected.aggregate || self.plan.group_by > 0 {
            for (acc, sel) in self.accs.iter_mut().zip(sels.iter()) {
                acc.add(sel, ctx.table, row);
            }
            self.any = true;
            return true;
        }
        // A vector search scores the row first and builds its cells only if it can still be
        // among the nearest (the top-k so far), so a large table costs one score per row.
        if let Some((q, top)) = &self.ann {
            let vector = row.value(ctx.table, q.col);
            match q.score(vector.as_deref()) {
                Some(score) if top.admits(score) => {}
                _ => return true,
            }
        }
        let cells: Result<Vec<Option<Bytes>>, ServerError> = sels
            .iter()
            .map(|s| selection::try_value(s, ctx.table, row))
            .collect();
        let cells = match cells {
            Ok(c) => c,
            Err(e) => {
                self.error = Some(e);
                return false;
            }
        };
        if let Some((q, top)) = &mut self.ann {
            let vector = row.value(ctx.table, q.col);
            if let Some(score) = q.score(vector.as_deref()) {
                top.push(score, cells);
            }
            return true;
        }
        if let Some(merged) = &mut self.merged {
            merged.push((row.ck.to_vec(), cells));
            *in_partition += 1;
            return true;
        }
        self.push_cells(cells);
        self.emitted += 1;
        *in_partition += 1;
        self.last = Some((
            key.clone(),
            row.ck.to_vec(),
            budget.saturating_sub(*in_partition),
        ));
        if self.emitted >= self.limit {
            return false;
        }
        self.page.is_none_or(|p| self.builder.len() < p)
    }

    /// Emits the accumulated group as a row and starts a new one.
    fn flush_group(&mut self) {
        let accs = std::mem::replace(
            &mut self.accs,
            vec![Acc::default(); self.plan.selected.sels.len()],
        );
        let sels = &*self.sels;
        let cells: Vec<Option<Bytes>> = accs
            .iter()
            .zip(sels.iter())
            .map(|(a, s)| a.finish(s))
            .collect();
        self.push_cells(cells);
        self.emitted += 1;
        if let Some(last) = self.group_last.take() {
            self.last = Some(last);
        }
    }

    /// Appends a result row (as one `[json]` cell for SELECT JSON).
    fn push_cells(&mut self, cells: Vec<Option<Bytes>>) {
        if self.plan.json {
            let columns: Vec<(String, ColumnType)> = self
                .plan
                .selected
                .columns
                .iter()
                .map(|c| (c.name.clone(), c.typ.clone()))
                .collect();
            let text = super::json::render_row(&columns, &cells);
            self.builder.push([Some(text.into_bytes())]);
        } else {
            self.builder.push(cells);
        }
    }

    fn finish(
        mut self,
        single: bool,
        final_key: Option<&Bytes>,
    ) -> Result<ResultBody, ServerError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let columns = self.plan.result_columns();
        if let Some((_, top)) = self.ann.take() {
            for cells in top.into_ranked() {
                self.push_cells(cells);
            }
            return Ok(ResultBody::Rows(self.builder.finish(columns, None)));
        }
        if self.plan.group_by > 0 {
            // The scan ended without starting another group: the one being accumulated is
            // complete.
            if !self.page_full && self.group.is_some() && self.emitted < self.limit {
                self.flush_group();
            }
            let state = self.paging_state(single, final_key);
            return Ok(ResultBody::Rows(self.builder.finish(columns, state)));
        }
        if self.plan.selected.aggregate {
            let accs = std::mem::take(&mut self.accs);
            let sels = &*self.sels;
            let cells: Vec<Option<Bytes>> = accs
                .iter()
                .zip(sels.iter())
                .map(|(a, s)| a.finish(s))
                .collect();
            self.push_cells(cells);
            return Ok(ResultBody::Rows(self.builder.finish(columns, None)));
        }
        if let Some(mut merged) = self.merged.take() {
            let layout = self.plan.table.layout.clone();
            merged.sort_by(|a, b| {
                let o = layout.compare_prefix(&a.0, &b.0);
                if self.plan.reversed { o.reverse() } else { o }
            });
            for (_, cells) in merged.into_iter().take(self.limit) {
                self.push_cells(cells);
            }
            return Ok(ResultBody::Rows(self.builder.finish(columns, None)));
        }
        let state = self.paging_state(single, final_key);
        Ok(ResultBody::Rows(self.builder.finish(columns, state)))
    }

    /// The state to resume after this page, as 4.0's pagers decide it: a full page has
    /// one (even if nothing follows) unless LIMIT is used up, or, for a single partition
    /// or the last key of an IN, the partition is (PER PARTITION LIMIT used up, or the last
    /// row had no clustering: a static-only row or a table without clustering columns).
    fn paging_state(&self, single: bool, final_key: Option<&Bytes>) -> Option<Bytes> {
        let full_page = self.page.is_some_and(|p| self.builder.len() >= p);
        let (key, ck, left_in_partition) = self.last.as_ref()?;
        if !full_page || self.emitted >= self.limit {
            return None;
        }
        let last_partition = single || final_key == Some(key);
        if last_partition && (ck.is_empty() || *left_in_partition == 0) {
            return None;
        }
        Some(
            PagingState {
                partition_key: if single { Bytes::new() } else { key.clone() },
                clustering: ck.clone(),
                remaining: (self.limit - self.emitted) as u64,
                remaining_in_partition: *left_in_partition as u64,
            }
            .encode(),
        )
    }
}

type RowIter<'a> = Box<dyn Iterator<Item = (&'a ClusteringKey, &'a Row)> + 'a>;

/// The rows of `p` that can match: those starting with the EQ prefix of the clustering
/// restrictions, after the row the previous page ended on, in query order. Seeks in the
/// partition's ordered map instead of scanning it, so point reads and pages of large
/// partitions stay cheap.
fn rows_in_range<'a>(
    p: &'a Partition,
    layout: &Arc<ClusteringLayout>,
    prefix: Vec<Bytes>,
    resume: Option<&[Bytes]>,
    reversed: bool,
) -> RowIter<'a> {
    let resume = resume.filter(|r| !r.is_empty()).map(|r| ClusteringKey {
        parts: r.to_vec(),
        layout: layout.clone(),
    });
    let in_prefix = {
        let layout = layout.clone();
        let prefix = prefix.clone();
        move |k: &ClusteringKey| layout.compare_prefix(&k.parts, &prefix).is_eq()
    };
    let from = ClusteringKey {
        parts: prefix.clone(),
        layout: layout.clone(),
    };
    if !reversed {
        let lower = match resume {
            Some(r) => RangeBound::Excluded(r),
            None if prefix.is_empty() => RangeBound::Unbounded,
            None => RangeBound::Included(from),
        };
        return Box::new(
            p.rows
                .range((lower, RangeBound::Unbounded))
                .take_while(move |(k, _)| in_prefix(k)),
        );
    }
    match resume {
        Some(r) => Box::new(
            p.rows
                .range((RangeBound::Unbounded, RangeBound::Excluded(r)))
                .rev()
                .take_while(move |(k, _)| in_prefix(k)),
        ),
        None if prefix.is_empty() => Box::new(p.rows.iter().rev()),
        None => {
            let matching: Vec<_> = p
                .rows
                .range(from..)
                .take_while(|(k, _)| in_prefix(k))
                .collect();
            Box::new(matching.into_iter().rev())
        }
    }
}

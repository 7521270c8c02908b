//! Executing a planned SELECT over the store: visiting partitions and rows in query order,
//! applying filters, PER PARTITION LIMIT, LIMIT and the page size (counted in groups for
//! GROUP BY), accumulating aggregates, and recording where the next page resumes.

use std::ops::Bound as RangeBound;
use std::sync::Arc;

use bytes::Bytes;
use cassia_protocol::response::{ResultBody, ServerError};
use cassia_protocol::types::ColumnType;

use super::SelectPlan;
use crate::engine::paging::PagingState;
use crate::engine::read::{RowRef, passes};
use crate::engine::restrict::CkMatch;
use crate::engine::result::RowsBuilder;
use crate::engine::schema::Table;
use crate::engine::selection::{self, Acc, Sel};
use crate::store::{ClusteringKey, ClusteringLayout, Partition, Row};

/// What every row of one execution is checked against: the table, the clustering and
/// partition-key matches, the filters, and the time TTLs expire against.
pub(super) struct Ctx<'a> {
    pub(super) table: &'a Table,
    pub(super) ck: &'a CkMatch,
    pub(super) pk_filter: Option<&'a CkMatch>,
    pub(super) filters: &'a [(usize, crate::cql::ast::Operator, Vec<Bytes>, Option<Bytes>)],
    pub(super) now: i64,
}

/// The rows, aggregates and paging position of one SELECT execution as it visits the store.
pub(super) struct Output<'p> {
    pub(super) plan: &'p SelectPlan,
    /// The selectors, bind markers replaced by this execution's values.
    pub(super) sels: std::borrow::Cow<'p, [Sel]>,
    pub(super) builder: RowsBuilder,
    pub(super) accs: Vec<Acc>,
    pub(super) any: bool,
    pub(super) emitted: usize,
    pub(super) limit: usize,
    pub(super) page: Option<usize>,
    pub(super) ppl: usize,
    /// PER PARTITION LIMIT budget left in the partition the last page stopped in.
    pub(super) resume_budget: Option<usize>,
    pub(super) last: Option<(Bytes, Vec<Bytes>, usize)>,
    /// The key of the GROUP BY group being accumulated.
    pub(super) group: Option<Vec<Bytes>>,
    /// Where the group being accumulated last read a row: becomes `last` once the group is
    /// emitted, so the next page resumes right after the last complete group.
    pub(super) group_last: Option<(Bytes, Vec<Bytes>, usize)>,
    /// A GROUP BY page filled up when the next group started (that group is not emitted).
    pub(super) page_full: bool,
    /// Rows of an ORDER BY over several partitions, sorted at the end.
    pub(super) merged: Option<Vec<MergedRow>>,
    /// An ANN query and the rows scored so far (ranked at the end).
    pub(super) ann: Option<(
        crate::engine::ann::AnnQuery,
        crate::engine::ann::TopK<Vec<Option<Bytes>>>,
    )>,
    /// An error a selector raised on a row; it ends the scan and fails the query.
    pub(super) error: Option<ServerError>,
    /// The selected columns' names and types that `SELECT JSON` renders each row with.
    pub(super) json: Option<Vec<(String, ColumnType)>>,
}

/// A row held back for sorting: its clustering values and its result cells.
type MergedRow = (Vec<Bytes>, Vec<Option<Bytes>>);

/// A row of an ANN query held back for ranking: its similarity and its result cells.
impl Output<'_> {
    /// Visits one partition; false stops the scan.
    pub(super) fn partition(
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
                let row = static_only(pk, p, ctx.now);
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
            let row = static_only(pk, p, ctx.now);
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
        self.push_aggregates(&accs);
        self.emitted += 1;
        if let Some(last) = self.group_last.take() {
            self.last = Some(last);
        }
    }

    /// Appends the row of one group's (or the whole query's) finished aggregates.
    fn push_aggregates(&mut self, accs: &[Acc]) {
        let cells: Vec<Option<Bytes>> = accs
            .iter()
            .zip(self.sels.iter())
            .map(|(a, s)| a.finish(s))
            .collect();
        self.push_cells(cells);
    }

    /// Appends a result row (as one `[json]` cell for SELECT JSON).
    fn push_cells(&mut self, cells: Vec<Option<Bytes>>) {
        if let Some(columns) = &self.json {
            let text = crate::engine::json::render_row(columns, &cells);
            self.builder.push([Some(text.into_bytes())]);
        } else {
            self.builder.push(cells);
        }
    }

    pub(super) fn finish(
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
            self.push_aggregates(&accs);
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

/// The row a partition shows by its static columns alone (DISTINCT, or no live row).
fn static_only<'a>(pk: &'a [&'a [u8]], p: &'a Partition, now: i64) -> RowRef<'a> {
    RowRef {
        pk,
        ck: &[],
        row: None,
        outer: p.deleted_at,
        statics: &p.static_row,
        partition_del: p.deleted_at,
        now,
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

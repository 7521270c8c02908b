//! A conditional request on one partition, checked and reported as Cassandra 4.0's
//! `CQL3CasRequest` and `ModificationStatement.buildCasResultSet` do, for a single statement
//! or a conditional batch.
//!
//! Where a condition applies: a static column condition to the static row, whatever row the
//! statement writes; a regular column condition and IF [NOT] EXISTS to the statement's row
//! (the static row for a statement writing static columns only).
//!
//! What a failed request reports is the partition Cassandra read for the check: the rows with
//! conditions or, with conditions on the static row only, the first live row of the
//! partition; every static column if the request writes the static row (else only the
//! conditioned ones), every regular column if it writes a regular row (else only the
//! conditioned ones). A column not read is null in the result; with no row read, the static
//! row alone is reported (null clustering and regular columns) if it has data.

use bytes::Bytes;
use cassia_protocol::response::{Rows, ServerError};

use super::{CondPlan, applied_result};
use crate::catalog::{ColumnKind, invalid};
use crate::engine::modify::{Target, WritePlan};
use crate::engine::read::RowRef;
use crate::engine::schema::Table;
use crate::engine::term::Binds;
use crate::store::{ClusteringKey, Partition, Row, TableData, split_partition_key};

/// One condition and the row it applies to (`None`: the static row).
struct Check<'a> {
    row: Option<Vec<Bytes>>,
    cond: CondPlan,
    binds: &'a Binds<'a>,
}

/// The conditions of a statement or batch on one partition, and what it writes.
pub(crate) struct CasRequest<'a> {
    table: &'a Table,
    checks: Vec<Check<'a>>,
    updates_regular: bool,
    updates_static: bool,
    /// Columns with conditions (what is read besides what is written).
    condition_columns: Vec<usize>,
    /// Reported columns of a failure, in order; `None` (an existence condition): all.
    reported: Option<Vec<usize>>,
}

fn push_unique(v: &mut Vec<usize>, c: usize) {
    if !v.contains(&c) {
        v.push(c);
    }
}

impl<'a> CasRequest<'a> {
    /// A request on `table`; a batch reports the primary key of each row first.
    pub fn new(table: &'a Table, is_batch: bool) -> CasRequest<'a> {
        let reported = if is_batch {
            Some(table.pk.iter().chain(table.ck.iter()).copied().collect())
        } else {
            Some(Vec::new())
        };
        CasRequest {
            table,
            checks: Vec::new(),
            updates_regular: false,
            updates_static: false,
            condition_columns: Vec::new(),
            reported,
        }
    }

    /// Adds one statement: its writes and, if it has one, its condition.
    pub fn add(
        &mut self,
        w: &WritePlan,
        target: &Target,
        binds: &'a Binds<'a>,
    ) -> Result<(), ServerError> {
        let table = self.table;
        // `updatesRegularRows`: the table has no clustering or the statement restricts it.
        self.updates_regular |=
            table.ck.is_empty() || !matches!(target, Target::Static | Target::Partition);
        let Some(cond) = &w.condition else {
            return Ok(());
        };
        // A batch counts the static writes of its conditional statements only.
        let is_static = |c: usize| table.cols.get(c).map(|c| c.kind) == Some(ColumnKind::Static);
        self.updates_static |= w.ops.iter().any(|op| is_static(op.col()));
        let row = match target {
            Target::Rows(rows) if rows.len() == 1 => rows.first().cloned(),
            Target::Static => None,
            _ => {
                return Err(invalid(
                    "IN on the clustering key columns is not supported with conditional updates",
                ));
            }
        };
        match cond {
            CondPlan::Exists | CondPlan::NotExists => {
                self.reported = None;
                self.checks.push(Check {
                    row,
                    cond: cond.clone(),
                    binds,
                });
            }
            CondPlan::Columns(conds) => {
                let (statics, regulars): (Vec<_>, Vec<_>) =
                    conds.iter().cloned().partition(|c| is_static(c.col));
                // Reported in ColumnConditions.getColumns order: regular, then static.
                for c in regulars.iter().chain(statics.iter()) {
                    push_unique(&mut self.condition_columns, c.col);
                    if let Some(r) = self.reported.as_mut() {
                        push_unique(r, c.col);
                    }
                }
                if !regulars.is_empty() {
                    self.checks.push(Check {
                        row,
                        cond: CondPlan::Columns(regulars),
                        binds,
                    });
                }
                if !statics.is_empty() {
                    self.checks.push(Check {
                        row: None,
                        cond: CondPlan::Columns(statics),
                        binds,
                    });
                }
            }
        }
        Ok(())
    }

    /// Checks every condition against partition `key`; returns whether the request applies
    /// and the `[applied]` result.
    pub fn check(
        &self,
        data: &TableData,
        key: &Bytes,
        now: i64,
    ) -> Result<(bool, Rows), ServerError> {
        let table = self.table;
        let pk = split_partition_key(key, table.pk.len());
        let partition = data.partitions.get(&TableData::position(key.clone()));
        let view = View {
            table,
            data,
            partition,
            pk: &pk,
            now,
        };
        let mut applied = true;
        for check in &self.checks {
            let row = match &check.row {
                Some(ck) => view.row(ck),
                None => view.static_row(),
            };
            if !check.cond.holds(table, row.as_ref(), check.binds)? {
                applied = false;
                break;
            }
        }
        let rows = if applied {
            Vec::new()
        } else {
            self.read(&view)
        };
        let columns = self.reported.as_deref();
        Ok((applied, applied_result(table, applied, columns, &rows)))
    }

    /// What Cassandra's read for the check returns, as full-width rows with null for what it
    /// does not fetch.
    fn read(&self, view: &View<'_>) -> Vec<Vec<Option<Bytes>>> {
        let table = self.table;
        let fetched = |c: usize| -> bool {
            let Some(col) = table.cols.get(c) else {
                return false;
            };
            match col.kind {
                ColumnKind::Static => self.updates_static || self.condition_columns.contains(&c),
                ColumnKind::Regular => self.updates_regular || self.condition_columns.contains(&c),
                _ => true,
            }
        };
        let Some(p) = view.partition else {
            return Vec::new();
        };
        // A row is read if its liveness or a fetched column is live.
        let live = |r: &RowRef<'_>| -> bool {
            r.row.is_some_and(|row| row.marker_live(r.outer, r.now))
                || table.cols.iter().enumerate().any(|(i, c)| {
                    c.kind == ColumnKind::Regular && fetched(i) && r.value(table, i).is_some()
                })
        };
        let mut named: Vec<&Vec<Bytes>> =
            self.checks.iter().filter_map(|c| c.row.as_ref()).collect();
        named.sort_by(|a, b| table.layout.compare_prefix(a, b));
        named.dedup();
        let mut rows: Vec<RowRef<'_>> = Vec::new();
        if named.is_empty() {
            // Static conditions only: the first live row of the partition.
            rows.extend(
                p.rows
                    .iter()
                    .map(|(k, row)| view.row_ref(&k.parts, Some(row)))
                    .find(|r| live(r)),
            );
        } else {
            rows.extend(
                named
                    .into_iter()
                    .filter_map(|ck| view.stored(ck).filter(live)),
            );
        }
        let values = |r: &RowRef<'_>| -> Vec<Option<Bytes>> {
            (0..table.cols.len())
                .map(|i| if fetched(i) { r.value(table, i) } else { None })
                .collect()
        };
        if rows.is_empty() {
            // No row: the static row alone, if it has data that was fetched.
            let statics = view.row_ref(&[], None);
            let any_static = table.cols.iter().enumerate().any(|(i, c)| {
                c.kind == ColumnKind::Static && fetched(i) && statics.value(table, i).is_some()
            });
            return if any_static {
                vec![values(&statics)]
            } else {
                Vec::new()
            };
        }
        rows.iter().map(values).collect()
    }
}

/// One partition as a conditional request sees it.
struct View<'a> {
    table: &'a Table,
    data: &'a TableData,
    partition: Option<&'a Partition>,
    pk: &'a [&'a [u8]],
    now: i64,
}

impl<'a> View<'a> {
    fn row_ref(&self, ck: &'a [Bytes], row: Option<&'a Row>) -> RowRef<'a> {
        let p = self.partition;
        RowRef {
            pk: self.pk,
            ck,
            row,
            outer: p.and_then(|p| match row {
                Some(_) => p.outer_deletion(&self.table.layout, ck),
                None => p.deleted_at,
            }),
            statics: p.map_or(&EMPTY_ROW, |p| &p.static_row),
            partition_del: p.and_then(|p| p.deleted_at),
            now: self.now,
        }
    }

    /// The row stored at `ck`, live or not.
    fn stored(&self, ck: &[Bytes]) -> Option<RowRef<'a>> {
        let p = self.partition?;
        let key = ClusteringKey {
            parts: ck.to_vec(),
            layout: self.data.layout.clone(),
        };
        let (k, row) = p.rows.get_key_value(&key)?;
        Some(self.row_ref(&k.parts, Some(row)))
    }

    /// The row at `ck`, if live.
    fn row(&self, ck: &[Bytes]) -> Option<RowRef<'a>> {
        self.stored(ck)
            .filter(|r| r.row.is_some_and(|row| row.is_live(r.outer, self.now)))
    }

    /// The static row, if live.
    fn static_row(&self) -> Option<RowRef<'a>> {
        let p = self.partition?;
        p.static_live(self.now).then(|| self.row_ref(&[], None))
    }
}

static EMPTY_ROW: Row = Row {
    marker: None,
    deleted_at: None,
    columns: std::collections::BTreeMap::new(),
};

//! The data size Cassandra 4.0 gives a batch's mutations (`IMutation.dataSize`), which
//! `BatchStatement.verifyBatchSize` compares with `batch_size_warn_threshold_in_kb` and
//! `batch_size_fail_threshold_in_kb`.
//!
//! Cassandra 4.0 sums `PartitionUpdate.dataSize()` over every partition update: the data of
//! the static row's columns, then for each row its clustering values and the data of its
//! columns. Row liveness, row deletions, partition and range deletions are not counted (later
//! versions count them through `Row.dataSize()`; 4.0's loop does not). A simple cell is 16
//! bytes (timestamp, TTL, local deletion time) plus its value and path; a non-frozen
//! collection or UDT is 12 bytes (its complex deletion, live or not) plus its cells. The
//! updates of one table and partition are merged first, as Cassandra's `UpdatesCollector`
//! merges them, so a row written twice counts once.
//!
//! The model is built from the statements (not from the store), since the size is that of
//! the writes, not of the rows they land on. Approximations, where the emulator's storage
//! differs from Cassandra's: list element paths count 16 bytes (Cassandra's timeuuid
//! paths), and a counter update counts the 36-byte local counter context Cassandra puts in
//! the update before the read-before-write.

use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;
use cassia_protocol::types::ColumnType;

use crate::catalog::ColumnKind;
use crate::engine::modify::{Kind, Op, Target, WritePlan, element_types};
use crate::engine::schema::{Col, Table};
use crate::engine::term::{Binds, Receiver, Val, eval, normalize};
use crate::store::compare::{compare, elements, map_elements};
use crate::store::{ClusteringKey, Partition, Row, TableData};

/// Bytes of a cell besides its value and path: timestamp (8), TTL (4), local deletion time (4).
const CELL_OVERHEAD: usize = 16;
/// A complex column's deletion time (`DeletionTime.dataSize`), counted even when live.
const COMPLEX_DELETION: usize = 12;
/// Cassandra's list element paths are timeuuids.
const LIST_PATH: usize = 16;
/// UDT field paths are the field's position as a short.
const FIELD_PATH: usize = 2;
/// `CounterContext.createLocal`: a 4-byte header and one 32-byte local shard.
const COUNTER_UPDATE: usize = 36;

/// One cell of the mutation: what decides which of two writes wins, and its counted bytes
/// (value plus path).
#[derive(Debug, Clone, Copy)]
struct CellSize {
    ts: i64,
    tombstone: bool,
    len: usize,
}

impl CellSize {
    /// Cassandra's reconciliation, as far as it changes the size: the later write wins, then
    /// a tombstone, then (approximately) the longer value.
    fn wins_over(&self, other: &CellSize) -> bool {
        (self.ts, self.tombstone, self.len) > (other.ts, other.tombstone, other.len)
    }
}

/// Path of a complex cell: an element or field key, or a fresh list element.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Path {
    Key(Bytes),
    Fresh(usize),
}

#[derive(Debug, Default)]
struct ComplexSize {
    deleted: Option<i64>,
    cells: BTreeMap<Path, CellSize>,
}

/// One row (or the static row) of a partition update.
#[derive(Debug, Default)]
struct RowSize {
    deleted: Option<i64>,
    simple: BTreeMap<usize, CellSize>,
    complex: BTreeMap<usize, ComplexSize>,
}

fn later(a: Option<i64>, b: i64) -> Option<i64> {
    a.max(Some(b))
}

/// Puts `cell` at `key` unless the cell already there wins over it.
fn reconcile<K: Ord>(cells: &mut BTreeMap<K, CellSize>, key: K, cell: CellSize) {
    let old = cells.entry(key).or_insert(cell);
    if cell.wins_over(old) {
        *old = cell;
    }
}

impl RowSize {
    fn cell(&mut self, col: usize, cell: CellSize) {
        reconcile(&mut self.simple, col, cell);
    }

    fn complex(&mut self, col: usize) -> &mut ComplexSize {
        self.complex.entry(col).or_default()
    }

    fn elem(&mut self, col: usize, path: Path, cell: CellSize) {
        reconcile(&mut self.complex(col).cells, path, cell);
    }

    /// What 4.0's `PartitionUpdate.dataSize()` counts for the merged row: its clustering and
    /// its column data, leaving out what its own deletions shadow (as merging rows in a
    /// partition update does).
    fn size(&self, clustering: usize) -> usize {
        let alive = |del: Option<i64>, ts: i64| del.is_none_or(|d| ts > d);
        let mut size = clustering;
        for cell in self.simple.values() {
            if alive(self.deleted, cell.ts) {
                size += CELL_OVERHEAD + cell.len;
            }
        }
        for column in self.complex.values() {
            // The later deletion (`None` orders before any time).
            let del = self.deleted.max(column.deleted);
            let cells: usize = column
                .cells
                .values()
                .filter(|c| alive(del, c.ts))
                .map(|c| CELL_OVERHEAD + c.len)
                .sum();
            // A complex column with neither a deletion nor a surviving cell is dropped.
            if column.deleted.is_some() || cells > 0 {
                size += COMPLEX_DELETION + cells;
            }
        }
        size
    }
}

#[derive(Debug, Default)]
struct PartitionSize {
    static_row: RowSize,
    rows: BTreeMap<Vec<Bytes>, RowSize>,
}

impl PartitionSize {
    fn size(&self) -> usize {
        let rows: usize = self
            .rows
            .iter()
            .map(|(ck, row)| row.size(ck.iter().map(Bytes::len).sum()))
            .sum();
        self.static_row.size(0) + rows
    }
}

/// The partition updates of a batch, keyed by (keyspace, table, partition key).
#[derive(Debug, Default)]
pub(crate) struct BatchSize<'t> {
    updates: BTreeMap<(&'t str, &'t str, Bytes), PartitionSize>,
    /// Fresh list element paths so far.
    fresh: usize,
}

/// What one statement writes with: its table, values, timestamp and TTL.
struct Ctx<'a> {
    table: &'a Table,
    binds: &'a Binds<'a>,
    ts: i64,
    now: i64,
}

impl<'t> BatchSize<'t> {
    /// Notes the partitions one statement updates: enough for [`BatchSize::mutations`],
    /// [`BatchSize::partition_keys`] and [`BatchSize::tables`], without sizing anything.
    pub fn partitions(&mut self, table: &'t Table, keys: &[Bytes]) {
        for key in keys {
            self.updates
                .entry((table.keyspace(), table.name(), key.clone()))
                .or_default();
        }
    }

    /// Adds one statement's writes to `keys`. Values that do not evaluate add nothing: the
    /// statement itself is refused when it is applied.
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &mut self,
        w: &'t WritePlan,
        binds: &Binds<'_>,
        data: &TableData,
        keys: &[Bytes],
        target: &Target,
        ts: i64,
        now: i64,
    ) {
        if w.ttl(binds).is_err() {
            return;
        }
        let table = &w.table;
        let ctx = Ctx {
            table,
            binds,
            ts,
            now,
        };
        let is_static = |op: &&Op| table.cols[op.col()].kind == ColumnKind::Static;
        let has_regular = w.ops.iter().any(|op| !is_static(&op));
        let BatchSize { updates, fresh } = self;
        for key in keys {
            let stored = data.partitions.get(&TableData::position(key.clone()));
            let update = updates
                .entry((table.keyspace(), table.name(), key.clone()))
                .or_default();
            let rows = match target {
                Target::Partition | Target::Ranges(_) => continue,
                Target::Static => {
                    for op in &w.ops {
                        let existing = stored.map(|p| (&p.static_row, p.deleted_at));
                        op_size(&ctx, &mut update.static_row, op, existing, fresh);
                    }
                    continue;
                }
                Target::Rows(rows) => rows,
            };
            for op in w.ops.iter().filter(is_static) {
                let existing = stored.map(|p| (&p.static_row, p.deleted_at));
                op_size(&ctx, &mut update.static_row, op, existing, fresh);
            }
            for ck in rows {
                let deletes_row = w.kind == Kind::Delete && w.ops.is_empty();
                if !deletes_row && w.kind != Kind::Insert && !has_regular {
                    continue;
                }
                let row = update.rows.entry(ck.clone()).or_default();
                if deletes_row {
                    row.deleted = later(row.deleted, ts);
                    continue;
                }
                let existing = stored.and_then(|p| stored_row(p, data, ck));
                for op in w.ops.iter().filter(|op| !is_static(op)) {
                    op_size(&ctx, row, op, existing, fresh);
                }
            }
        }
    }

    /// How many mutations Cassandra builds: one per keyspace and partition key.
    pub fn mutations(&self) -> usize {
        self.updates
            .keys()
            .map(|(ks, _, key)| (ks, key))
            .collect::<BTreeSet<_>>()
            .len()
    }

    /// The distinct partition keys (`verifyBatchType` counts keys, whatever their table).
    pub fn partition_keys(&self) -> usize {
        self.updates
            .keys()
            .map(|(_, _, key)| key)
            .collect::<BTreeSet<_>>()
            .len()
    }

    /// `keyspace.table` of every updated table, sorted.
    pub fn tables(&self) -> Vec<String> {
        self.updates
            .keys()
            .map(|(ks, t, _)| format!("{ks}.{t}"))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    /// `IMutation.dataSize` of the whole batch.
    pub fn data_size(&self) -> usize {
        self.updates.values().map(PartitionSize::size).sum()
    }
}

/// A stored row with its outer (partition or range) deletion, for list operations that
/// depend on the current elements.
fn stored_row<'p>(
    p: &'p Partition,
    data: &TableData,
    ck: &[Bytes],
) -> Option<(&'p Row, Option<i64>)> {
    let key = ClusteringKey {
        parts: ck.to_vec(),
        layout: data.layout.clone(),
    };
    let row = p.rows.get(&key)?;
    Some((row, p.outer_deletion(&data.layout, ck)))
}

fn value(ctx: &Ctx<'_>, col: &Col, typ: &ColumnType, term: &crate::cql::ast::Term) -> Val {
    eval(
        term,
        Receiver {
            name: &col.name,
            typ,
        },
        ctx.binds,
    )
    .unwrap_or(Val::Unset)
}

fn live(ctx: &Ctx<'_>, len: usize) -> CellSize {
    CellSize {
        ts: ctx.ts,
        tombstone: false,
        len,
    }
}

fn tombstone(ctx: &Ctx<'_>, len: usize) -> CellSize {
    CellSize {
        ts: ctx.ts,
        tombstone: true,
        len,
    }
}

/// Adds what one column operation writes to `row`.
fn op_size(
    ctx: &Ctx<'_>,
    row: &mut RowSize,
    op: &Op,
    existing: Option<(&Row, Option<i64>)>,
    fresh: &mut usize,
) {
    let Some(col) = ctx.table.cols.get(op.col()) else {
        return;
    };
    let c = op.col();
    let list = matches!(col.typ, ColumnType::List(_));
    match op {
        Op::Set(_, t) => match value(ctx, col, &col.typ, t) {
            Val::Unset => {}
            Val::Null if col.multi_cell() => {
                let del = &mut row.complex(c).deleted;
                *del = later(*del, ctx.ts);
            }
            Val::Null => row.cell(c, tombstone(ctx, 0)),
            Val::Value(b) if col.multi_cell() => {
                let del = &mut row.complex(c).deleted;
                *del = later(*del, ctx.ts - 1);
                elements_size(ctx, row, col, c, &b, fresh);
            }
            Val::Value(b) => row.cell(c, live(ctx, normalize(&col.typ, b).len())),
        },
        Op::Add(_, t) | Op::Remove(_, t) if col.typ == ColumnType::Counter => {
            if let Val::Value(_) = value(ctx, col, &col.typ, t) {
                row.cell(c, live(ctx, COUNTER_UPDATE));
            }
        }
        Op::Add(_, t) | Op::Prepend(_, t) => {
            if let Val::Value(b) = value(ctx, col, &col.typ, t) {
                elements_size(ctx, row, col, c, &b, fresh);
            }
        }
        Op::Remove(_, t) => {
            let typ = match &col.typ {
                ColumnType::Map(k, _) => ColumnType::Set(k.clone()),
                other => other.clone(),
            };
            let Val::Value(b) = value(ctx, col, &typ, t) else {
                return;
            };
            let items = elements(&b);
            if let ColumnType::List(e) = &col.typ {
                // Discarding from a list deletes each current element equal to one given.
                let Some((stored, outer)) = existing else {
                    return;
                };
                let doomed: Vec<Bytes> = stored
                    .elems(col.id, outer, ctx.now)
                    .filter(|(_, cell)| {
                        cell.value
                            .as_ref()
                            .is_some_and(|v| items.iter().any(|x| compare(e, v, x).is_eq()))
                    })
                    .map(|(k, _)| k.bytes.clone())
                    .collect();
                for k in doomed {
                    row.elem(c, Path::Key(k), tombstone(ctx, LIST_PATH));
                }
            } else {
                for it in items {
                    let path = Bytes::copy_from_slice(it);
                    row.elem(c, Path::Key(path), tombstone(ctx, it.len()));
                }
            }
        }
        Op::SetElement(_, k, v) => {
            let (kt, vt) = element_types(col);
            let Val::Value(kb) = value(ctx, col, &kt, k) else {
                return;
            };
            let path = if list { LIST_PATH } else { kb.len() };
            match value(ctx, col, &vt, v) {
                Val::Value(b) => row.elem(c, Path::Key(kb), live(ctx, path + b.len())),
                Val::Null => row.elem(c, Path::Key(kb), tombstone(ctx, path)),
                Val::Unset => {}
            }
        }
        Op::SetField(_, pos, v) => {
            let ColumnType::Udt { fields, .. } = &col.typ else {
                return;
            };
            let Some((_, ft)) = fields.get(*pos) else {
                return;
            };
            let path = field_path(*pos);
            match value(ctx, col, ft, v) {
                Val::Value(b) => row.elem(c, path, live(ctx, FIELD_PATH + b.len())),
                Val::Null => row.elem(c, path, tombstone(ctx, FIELD_PATH)),
                Val::Unset => {}
            }
        }
        Op::Delete(_) => {
            if col.multi_cell() {
                let del = &mut row.complex(c).deleted;
                *del = later(*del, ctx.ts);
            } else {
                row.cell(c, tombstone(ctx, 0));
            }
        }
        Op::DeleteElement(_, k) => {
            let (kt, _) = element_types(col);
            if let Val::Value(kb) = value(ctx, col, &kt, k) {
                let path = if list { LIST_PATH } else { kb.len() };
                row.elem(c, Path::Key(kb), tombstone(ctx, path));
            }
        }
        Op::DeleteField(_, pos) => row.elem(c, field_path(*pos), tombstone(ctx, FIELD_PATH)),
    }
}

fn field_path(pos: usize) -> Path {
    let pos = i16::try_from(pos).unwrap_or(i16::MAX);
    Path::Key(Bytes::copy_from_slice(&pos.to_be_bytes()))
}

/// The cells a whole collection or UDT value writes (as `mutation::write_elements`).
fn elements_size(
    ctx: &Ctx<'_>,
    row: &mut RowSize,
    col: &Col,
    c: usize,
    value: &[u8],
    fresh: &mut usize,
) {
    match &col.typ {
        ColumnType::Set(_) => {
            for e in elements(value) {
                row.elem(c, Path::Key(Bytes::copy_from_slice(e)), live(ctx, e.len()));
            }
        }
        ColumnType::Map(..) => {
            for kv in map_elements(value).chunks_exact(2) {
                let cell = live(ctx, kv[0].len() + kv[1].len());
                row.elem(c, Path::Key(Bytes::copy_from_slice(kv[0])), cell);
            }
        }
        ColumnType::List(_) => {
            for e in elements(value) {
                *fresh += 1;
                row.elem(c, Path::Fresh(*fresh), live(ctx, LIST_PATH + e.len()));
            }
        }
        ColumnType::Udt { .. } => {
            for (i, p) in crate::engine::matching::split_tuple(value)
                .into_iter()
                .enumerate()
            {
                let cell = if p.is_empty() {
                    tombstone(ctx, FIELD_PATH)
                } else {
                    live(ctx, FIELD_PATH + p.len())
                };
                row.elem(c, field_path(i), cell);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(ts: i64, len: usize) -> CellSize {
        CellSize {
            ts,
            tombstone: false,
            len,
        }
    }

    #[test]
    fn a_row_counts_its_clustering_and_cells_only() {
        let mut row = RowSize::default();
        row.cell(3, cell(1, 4));
        // 4 (clustering int) + (16 + 4)
        assert_eq!(row.size(4), 24);
        // An untouched static row adds nothing.
        assert_eq!(RowSize::default().size(0), 0);
    }

    #[test]
    fn complex_columns_count_their_deletion_and_cells() {
        let mut row = RowSize::default();
        row.complex(2).deleted = Some(0);
        row.elem(2, Path::Key(Bytes::from_static(b"ab")), cell(1, 2));
        // 12 + (16 + 2)
        assert_eq!(row.size(0), 30);
    }

    #[test]
    fn a_row_written_twice_counts_once_and_row_deletions_shadow() {
        let mut row = RowSize::default();
        row.cell(1, cell(1, 10));
        row.cell(1, cell(1, 4));
        assert_eq!(row.size(0), 16 + 10);
        row.deleted = Some(1);
        // A deleted row still counts its clustering, nothing more.
        assert_eq!(row.size(4), 4);
    }
}

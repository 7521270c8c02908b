//! Applying a write plan to one partition, all or nothing. Cassandra builds a statement's whole
//! mutation (every value evaluated and validated) before it applies anything, so a statement
//! refused for one bad value leaves no trace. Here each touched row is staged on a copy of the
//! stored row (only rows the statement touches are copied) and written back once every
//! operation has succeeded; an error returns before the store changes. What a write replaces
//! goes to an [`Undo`] log, so a statement over several partitions or a batch that fails
//! part-way takes back its earlier writes too.

use bytes::Bytes;
use cassia_protocol::response::ServerError;

use super::modify::{Kind, Target, WritePlan};
use super::mutation::{OpCtx, apply_op};
use super::term::Binds;
use crate::catalog::ColumnKind;
use crate::store::{Cell, ClusteringKey, Partition, PartitionPos, Row, TableData};

impl WritePlan {
    /// Applies the statement to one partition (no condition checks). On error the partition
    /// is as it was; on success `undo` can restore it.
    #[allow(clippy::too_many_arguments)]
    pub fn apply(
        &self,
        data: &mut TableData,
        key: Bytes,
        target: &Target,
        binds: &Binds<'_>,
        ts: i64,
        now: i64,
        undo: &mut Undo,
    ) -> Result<(), ServerError> {
        let ttl = self.ttl(binds)?;
        let table = &self.table;
        let layout = data.layout.clone();
        let pos = TableData::position(key);
        let rows = match target {
            Target::Partition => {
                let partition = undo.partition(data, &pos);
                undo.steps.push(Step::Deletion(pos, partition.deleted_at));
                partition.delete(ts);
                return Ok(());
            }
            Target::Ranges(slices) => {
                for slice in slices {
                    undo.partition(data, &pos).delete_range(slice.clone(), ts);
                    undo.steps.push(Step::Range(pos.clone()));
                }
                return Ok(());
            }
            Target::Static => None,
            Target::Rows(rows) => Some(rows),
        };
        let existing = data.partitions.get(&pos);
        let partition_deletion = existing.and_then(|p| p.deleted_at);
        let ctx = |outer: Option<i64>| OpCtx {
            table,
            binds,
            ts,
            ttl,
            now,
            outer,
        };
        let is_static = |op: &&super::modify::Op| table.cols[op.col()].kind == ColumnKind::Static;
        let stored_static = || existing.map(|p| p.static_row.clone()).unwrap_or_default();

        let Some(rows) = rows else {
            let mut row = stored_static();
            if self.kind == Kind::Insert {
                row.write_marker(Cell::live(ts, ttl, now, Bytes::new()));
            }
            for op in &self.ops {
                apply_op(&ctx(partition_deletion), &mut row, op)?;
            }
            let old = std::mem::replace(&mut undo.partition(data, &pos).static_row, row);
            undo.steps.push(Step::Static(pos, old));
            return Ok(());
        };

        // Static columns once for the partition (however many rows the statement names).
        let mut static_row = None;
        if self.ops.iter().any(|op| is_static(&op)) {
            let mut row = stored_static();
            for op in self.ops.iter().filter(is_static) {
                apply_op(&ctx(partition_deletion), &mut row, op)?;
            }
            static_row = Some(row);
        }
        let has_regular = self.ops.iter().any(|op| !is_static(&op));
        let mut staged: Vec<(ClusteringKey, Row)> = Vec::with_capacity(rows.len());
        for ck in rows {
            let deletes_row = self.kind == Kind::Delete && self.ops.is_empty();
            if !deletes_row && self.kind != Kind::Insert && !has_regular {
                continue;
            }
            let ck_key = ClusteringKey {
                parts: ck.clone(),
                layout: layout.clone(),
            };
            // A key named twice sees its own earlier write.
            let mut row = match staged.iter().position(|(k, _)| *k == ck_key) {
                Some(i) => staged.swap_remove(i).1,
                None => existing
                    .and_then(|p| p.rows.get(&ck_key))
                    .cloned()
                    .unwrap_or_default(),
            };
            if deletes_row {
                row.delete(ts);
            } else {
                let outer = existing.and_then(|p| p.outer_deletion(&layout, ck));
                if self.kind == Kind::Insert {
                    row.write_marker(Cell::live(ts, ttl, now, Bytes::new()));
                }
                for op in self.ops.iter().filter(|op| !is_static(op)) {
                    apply_op(&ctx(outer), &mut row, op)?;
                }
            }
            staged.push((ck_key, row));
        }
        let partition = undo.partition(data, &pos);
        let old_static = static_row.map(|row| std::mem::replace(&mut partition.static_row, row));
        let mut replaced = Vec::with_capacity(staged.len());
        for (ck_key, row) in staged {
            let old = partition.rows.insert(ck_key.clone(), row);
            replaced.push(Step::Row(pos.clone(), ck_key, old));
        }
        if let Some(old) = old_static {
            undo.steps.push(Step::Static(pos, old));
        }
        undo.steps.extend(replaced);
        Ok(())
    }
}

/// What writes replaced in one table, oldest first, to take them back when a later part of the
/// same statement or batch is refused.
#[derive(Debug, Default)]
pub(crate) struct Undo {
    steps: Vec<Step>,
}

#[derive(Debug)]
enum Step {
    /// The partition did not exist.
    Created(PartitionPos),
    /// The partition deletion before.
    Deletion(PartitionPos, Option<i64>),
    /// A range tombstone was appended.
    Range(PartitionPos),
    /// The static row before.
    Static(PartitionPos, Row),
    /// The row before (`None`: there was none).
    Row(PartitionPos, ClusteringKey, Option<Row>),
}

impl Undo {
    /// The partition at `pos`, noting its creation if it did not exist.
    fn partition<'d>(&mut self, data: &'d mut TableData, pos: &PartitionPos) -> &'d mut Partition {
        if !data.partitions.contains_key(pos) {
            self.steps.push(Step::Created(pos.clone()));
        }
        data.partition_mut(pos.clone())
    }

    /// Restores what the logged writes replaced, newest first.
    pub fn rollback(self, data: &mut TableData) {
        for step in self.steps.into_iter().rev() {
            match step {
                Step::Created(pos) => {
                    data.partitions.remove(&pos);
                }
                Step::Deletion(pos, old) => {
                    if let Some(p) = data.partitions.get_mut(&pos) {
                        p.deleted_at = old;
                    }
                }
                Step::Range(pos) => {
                    if let Some(p) = data.partitions.get_mut(&pos) {
                        p.ranges.pop();
                    }
                }
                Step::Static(pos, old) => {
                    if let Some(p) = data.partitions.get_mut(&pos) {
                        p.static_row = old;
                    }
                }
                Step::Row(pos, ck, old) => {
                    if let Some(p) = data.partitions.get_mut(&pos) {
                        match old {
                            Some(row) => {
                                p.rows.insert(ck, row);
                            }
                            None => {
                                p.rows.remove(&ck);
                            }
                        }
                    }
                }
            }
        }
    }
}

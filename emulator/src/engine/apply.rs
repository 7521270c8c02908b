//! Applying a write plan to one partition, all or nothing. Cassandra builds a statement's whole
//! mutation (every value evaluated and validated) before it applies anything, so a statement
//! refused for one bad value leaves no trace. Here each touched row is staged on a copy of the
//! stored row (only rows the statement touches are copied) and written back once every
//! operation has succeeded; an error returns before the store changes.

use bytes::Bytes;
use cassia_protocol::response::ServerError;

use super::modify::{Kind, Target, WritePlan};
use super::mutation::{OpCtx, apply_op};
use super::term::Binds;
use crate::catalog::ColumnKind;
use crate::store::{Cell, ClusteringKey, Row, TableData};

impl WritePlan {
    /// Applies the statement to one partition (no condition checks). On error the partition
    /// is as it was.
    pub fn apply(
        &self,
        data: &mut TableData,
        key: Bytes,
        target: &Target,
        binds: &Binds<'_>,
        ts: i64,
        now: i64,
    ) -> Result<(), ServerError> {
        let ttl = self.ttl(binds)?;
        let table = &self.table;
        let layout = data.layout.clone();
        let pos = TableData::position(key);
        let rows = match target {
            Target::Partition => {
                data.partition_mut(pos).delete(ts);
                return Ok(());
            }
            Target::Range(slice) => {
                data.partition_mut(pos).delete_range(slice.clone(), ts);
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
            data.partition_mut(pos).static_row = row;
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
        let partition = data.partition_mut(pos);
        if let Some(row) = static_row {
            partition.static_row = row;
        }
        for (ck_key, row) in staged {
            partition.rows.insert(ck_key, row);
        }
        Ok(())
    }
}

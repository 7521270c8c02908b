//! A row: its primary-key liveness (the row marker INSERT writes), its deletion, and its
//! columns, simple (one cell) or complex (non-frozen collections and UDTs: one cell per
//! element, plus a collection-wide deletion used when the whole collection is overwritten).

use std::collections::BTreeMap;

use bytes::Bytes;

use super::cell::{Cell, shadows};
use super::key::ElemKey;

/// Stable id of a column within its table (survives ALTER; never reused after DROP).
pub(crate) type ColId = u32;

/// One column's data in a row.
#[derive(Debug, Clone)]
pub(crate) enum Column {
    /// A simple column (including frozen collections and counters).
    Simple(Cell),
    /// A non-frozen collection or UDT.
    Complex {
        /// Deletion of the whole collection (written before a full overwrite).
        deleted_at: Option<i64>,
        /// Elements in element-key order.
        elems: BTreeMap<ElemKey, Cell>,
    },
}

/// A row (or the static row of a partition).
#[derive(Debug, Clone, Default)]
pub(crate) struct Row {
    /// Row marker: a live cell (empty value) written by INSERT.
    pub marker: Option<Cell>,
    /// Row deletion timestamp.
    pub deleted_at: Option<i64>,
    /// Columns by id.
    pub columns: BTreeMap<ColId, Column>,
}

fn max_deletion(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

impl Row {
    /// Writes the row marker.
    pub fn write_marker(&mut self, marker: Cell) {
        match &mut self.marker {
            Some(slot) => Cell::merge_into(slot, marker),
            None => self.marker = Some(marker),
        }
    }

    /// Deletes the row at `ts`.
    pub fn delete(&mut self, ts: i64) {
        self.deleted_at = max_deletion(self.deleted_at, Some(ts));
    }

    /// Writes a simple cell (value or tombstone).
    pub fn write_cell(&mut self, col: ColId, cell: Cell) {
        match self.columns.get_mut(&col) {
            Some(Column::Simple(slot)) => Cell::merge_into(slot, cell),
            _ => {
                self.columns.insert(col, Column::Simple(cell));
            }
        }
    }

    fn complex(&mut self, col: ColId) -> Option<(&mut Option<i64>, &mut BTreeMap<ElemKey, Cell>)> {
        let entry = self.columns.entry(col).or_insert_with(|| Column::Complex {
            deleted_at: None,
            elems: BTreeMap::new(),
        });
        if matches!(entry, Column::Simple(_)) {
            *entry = Column::Complex {
                deleted_at: None,
                elems: BTreeMap::new(),
            };
        }
        match entry {
            Column::Complex { deleted_at, elems } => Some((deleted_at, elems)),
            Column::Simple(_) => None,
        }
    }

    /// Deletes a whole non-frozen collection at `ts` (elements written at `ts` survive only
    /// if written with a later timestamp, so overwrites use `ts - 1` as Cassandra does).
    pub fn delete_complex(&mut self, col: ColId, ts: i64) {
        if let Some((deleted_at, elems)) = self.complex(col) {
            *deleted_at = max_deletion(*deleted_at, Some(ts));
            elems.retain(|_, c| c.ts > ts);
        }
    }

    /// Writes one element (or element tombstone) of a non-frozen collection.
    pub fn write_elem(&mut self, col: ColId, key: ElemKey, cell: Cell) {
        if let Some((_, elems)) = self.complex(col) {
            match elems.get_mut(&key) {
                Some(slot) => Cell::merge_into(slot, cell),
                None => {
                    elems.insert(key, cell);
                }
            }
        }
    }

    /// Adds `delta` to a counter column.
    pub fn counter_add(&mut self, col: ColId, delta: i64, ts: i64, outer: Option<i64>, now: i64) {
        let current = self
            .cell(col, outer, now)
            .and_then(|c| c.value.as_ref())
            .and_then(|v| <[u8; 8]>::try_from(v.as_ref()).ok())
            .map_or(0, i64::from_be_bytes);
        let sum = current.wrapping_add(delta);
        let ts = match self.columns.get(&col) {
            Some(Column::Simple(c)) => ts.max(c.ts),
            _ => ts,
        };
        self.columns.insert(
            col,
            Column::Simple(Cell::live(
                ts,
                0,
                now,
                Bytes::copy_from_slice(&sum.to_be_bytes()),
            )),
        );
    }

    /// Effective deletion, combining an outer one (partition, range tombstones).
    pub fn deletion(&self, outer: Option<i64>) -> Option<i64> {
        max_deletion(self.deleted_at, outer)
    }

    /// The live cell of a simple column.
    pub fn cell(&self, col: ColId, outer: Option<i64>, now: i64) -> Option<&Cell> {
        let del = self.deletion(outer);
        match self.columns.get(&col)? {
            Column::Simple(c) if c.is_live(now) && !shadows(del, c.ts) => Some(c),
            _ => None,
        }
    }

    /// The live elements of a complex column, in order.
    pub fn elems(
        &self,
        col: ColId,
        outer: Option<i64>,
        now: i64,
    ) -> impl Iterator<Item = (&ElemKey, &Cell)> {
        let del = self.deletion(outer);
        let (cdel, elems) = match self.columns.get(&col) {
            Some(Column::Complex { deleted_at, elems }) => (*deleted_at, Some(elems)),
            _ => (None, None),
        };
        let del = max_deletion(del, cdel);
        elems
            .into_iter()
            .flat_map(|m| m.iter())
            .filter(move |(_, c)| c.is_live(now) && !shadows(del, c.ts))
    }

    /// Whether the row marker is live.
    pub fn marker_live(&self, outer: Option<i64>, now: i64) -> bool {
        let del = self.deletion(outer);
        self.marker
            .as_ref()
            .is_some_and(|m| m.is_live(now) && !shadows(del, m.ts))
    }

    /// Whether the row exists for reads: a live marker or any live cell.
    pub fn is_live(&self, outer: Option<i64>, now: i64) -> bool {
        if self.marker_live(outer, now) {
            return true;
        }
        self.columns.iter().any(|(id, col)| match col {
            Column::Simple(_) => self.cell(*id, outer, now).is_some(),
            Column::Complex { .. } => self.elems(*id, outer, now).next().is_some(),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::sync::Arc;

    use cassia_protocol::types::ColumnType;

    use super::*;

    fn b(s: &'static str) -> Bytes {
        Bytes::from_static(s.as_bytes())
    }

    #[test]
    fn marker_keeps_row_alive_but_update_cells_do_not() {
        let mut inserted = Row::default();
        inserted.write_marker(Cell::live(1, 0, 0, Bytes::new()));
        inserted.write_cell(7, Cell::tombstone(1));
        assert!(inserted.is_live(None, 0));

        let mut updated = Row::default();
        updated.write_cell(7, Cell::live(1, 0, 0, b("x")));
        assert!(updated.is_live(None, 0));
        updated.write_cell(7, Cell::tombstone(2));
        assert!(!updated.is_live(None, 0));
    }

    #[test]
    fn row_deletion_hides_older_writes_only() {
        let mut row = Row::default();
        row.write_cell(1, Cell::live(5, 0, 0, b("old")));
        row.delete(5);
        assert!(row.cell(1, None, 0).is_none());
        row.write_cell(1, Cell::live(6, 0, 0, b("new")));
        assert_eq!(row.cell(1, None, 0).unwrap().value, Some(b("new")));
        assert!(row.cell(1, Some(6), 0).is_none(), "partition deletion at 6");
    }

    #[test]
    fn collection_overwrite_and_element_delete() {
        let typ = Arc::new(ColumnType::Text);
        let key = |s| ElemKey {
            bytes: b(s),
            typ: typ.clone(),
        };
        let mut row = Row::default();
        row.write_elem(3, key("a"), Cell::live(1, 0, 0, Bytes::new()));
        row.write_elem(3, key("b"), Cell::live(1, 0, 0, Bytes::new()));
        row.delete_complex(3, 1);
        row.write_elem(3, key("c"), Cell::live(2, 0, 0, Bytes::new()));
        row.write_elem(3, key("d"), Cell::live(2, 0, 0, Bytes::new()));
        row.write_elem(3, key("d"), Cell::tombstone(3));
        let live: Vec<_> = row
            .elems(3, None, 0)
            .map(|(k, _)| k.bytes.clone())
            .collect();
        assert_eq!(live, vec![b("c")]);
    }

    #[test]
    fn counters_accumulate() {
        let mut row = Row::default();
        row.counter_add(2, 5, 10, None, 0);
        row.counter_add(2, -3, 11, None, 0);
        let v = row.cell(2, None, 0).unwrap().value.clone().unwrap();
        assert_eq!(v.as_ref(), &2i64.to_be_bytes());
    }
}

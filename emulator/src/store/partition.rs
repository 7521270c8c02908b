//! A partition: its static row, its clustered rows in clustering order, and the deletions
//! that apply to many rows at once (partition deletion, range tombstones).

use std::collections::BTreeMap;

use bytes::Bytes;

use super::key::{ClusteringKey, ClusteringLayout, Slice};
use super::row::Row;

/// One partition of a table.
#[derive(Debug, Clone, Default)]
pub(crate) struct Partition {
    /// Partition deletion timestamp.
    pub deleted_at: Option<i64>,
    /// The static row.
    pub static_row: Row,
    /// Range tombstones: a clustering slice deleted at a timestamp.
    pub ranges: Vec<(Slice, i64)>,
    /// Rows in clustering order.
    pub rows: BTreeMap<ClusteringKey, Row>,
}

impl Partition {
    /// Deletes the whole partition at `ts`.
    pub fn delete(&mut self, ts: i64) {
        self.deleted_at = Some(self.deleted_at.map_or(ts, |d| d.max(ts)));
    }

    /// Deletes a clustering range at `ts`.
    pub fn delete_range(&mut self, slice: Slice, ts: i64) {
        self.ranges.push((slice, ts));
    }

    /// The deletion that applies to the row at `key` from outside the row itself.
    pub fn outer_deletion(&self, layout: &ClusteringLayout, key: &[Bytes]) -> Option<i64> {
        self.ranges
            .iter()
            .filter(|(slice, _)| slice.contains(layout, key))
            .map(|(_, ts)| *ts)
            .chain(self.deleted_at)
            .max()
    }

    /// The row at `key`, created empty if absent.
    pub fn row_mut(&mut self, key: ClusteringKey) -> &mut Row {
        self.rows.entry(key).or_default()
    }

    /// Whether the static row has live data.
    pub fn static_live(&self, now: i64) -> bool {
        self.static_row.is_live(self.deleted_at, now)
    }
}

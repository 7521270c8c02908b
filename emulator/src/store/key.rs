//! Ordered keys: clustering keys (by each clustering column's comparator and ASC/DESC) and
//! collection element keys (set elements, map keys, list positions, UDT field indexes).
//!
//! Keys carry a shared reference to their types so they can live in a `BTreeMap` ordered
//! exactly as Cassandra orders them, without decoding values.

use std::cmp::Ordering;
use std::sync::Arc;

use bytes::Bytes;
use cassia_protocol::types::ColumnType;

use super::compare::compare;

/// Types and directions of a table's clustering columns.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ClusteringLayout {
    /// `(type, descending)` per clustering column.
    pub columns: Vec<(ColumnType, bool)>,
}

impl ClusteringLayout {
    /// Compares two (possibly partial) prefixes component by component.
    pub fn compare_prefix(&self, a: &[Bytes], b: &[Bytes]) -> Ordering {
        for ((x, y), (typ, desc)) in a.iter().zip(b.iter()).zip(self.columns.iter()) {
            let o = compare(typ, x, y);
            let o = if *desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    }
}

/// A full clustering key.
#[derive(Debug, Clone)]
pub(crate) struct ClusteringKey {
    /// Serialized components, one per clustering column.
    pub parts: Vec<Bytes>,
    /// Their layout.
    pub layout: Arc<ClusteringLayout>,
}

impl PartialEq for ClusteringKey {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for ClusteringKey {}
impl PartialOrd for ClusteringKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for ClusteringKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.layout
            .compare_prefix(&self.parts, &other.parts)
            .then_with(|| self.parts.len().cmp(&other.parts.len()))
    }
}

/// One end of a clustering range: a prefix and whether the prefix itself is included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bound {
    /// Clustering prefix (empty = unbounded).
    pub prefix: Vec<Bytes>,
    /// Whether keys starting with the prefix are included.
    pub inclusive: bool,
}

impl Bound {
    /// The unbounded end.
    pub fn unbounded() -> Bound {
        Bound {
            prefix: Vec::new(),
            inclusive: true,
        }
    }
}

/// A range of clustering keys in *clustering order* (`start` sorts first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Slice {
    /// Lower end (in clustering order).
    pub start: Bound,
    /// Upper end (in clustering order).
    pub end: Bound,
}

impl Slice {
    /// Whether `key` lies in the slice.
    pub fn contains(&self, layout: &ClusteringLayout, key: &[Bytes]) -> bool {
        let after_start = if self.start.prefix.is_empty() {
            true
        } else {
            match layout.compare_prefix(key, &self.start.prefix) {
                Ordering::Greater => true,
                Ordering::Equal => self.start.inclusive,
                Ordering::Less => false,
            }
        };
        let before_end = if self.end.prefix.is_empty() {
            true
        } else {
            match layout.compare_prefix(key, &self.end.prefix) {
                Ordering::Less => true,
                Ordering::Equal => self.end.inclusive,
                Ordering::Greater => false,
            }
        };
        after_start && before_end
    }
}

/// The key of one element of a non-frozen collection or UDT.
#[derive(Debug, Clone)]
pub(crate) struct ElemKey {
    /// Serialized key (set element, map key, list position as bigint, UDT field index).
    pub bytes: Bytes,
    /// The type that orders it.
    pub typ: Arc<ColumnType>,
}

impl PartialEq for ElemKey {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for ElemKey {}
impl PartialOrd for ElemKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for ElemKey {
    fn cmp(&self, other: &Self) -> Ordering {
        compare(&self.typ, &self.bytes, &other.bytes)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn int(v: i32) -> Bytes {
        Bytes::copy_from_slice(&v.to_be_bytes())
    }

    #[test]
    fn desc_columns_reverse_order_and_slices_follow_it() {
        let layout = Arc::new(ClusteringLayout {
            columns: vec![(ColumnType::Int, false), (ColumnType::Int, true)],
        });
        let k = |a, b| ClusteringKey {
            parts: vec![int(a), int(b)],
            layout: layout.clone(),
        };
        let mut keys = [k(1, 1), k(0, 5), k(1, 9), k(-1, 0)];
        keys.sort();
        let flat: Vec<_> = keys
            .iter()
            .map(|k| (k.parts[0].clone(), k.parts[1].clone()))
            .collect();
        assert_eq!(
            flat,
            vec![
                (int(-1), int(0)),
                (int(0), int(5)),
                (int(1), int(9)),
                (int(1), int(1))
            ]
        );
        let s = Slice {
            start: Bound {
                prefix: vec![int(1)],
                inclusive: true,
            },
            end: Bound::unbounded(),
        };
        assert!(s.contains(&layout, &[int(1), int(9)]));
        assert!(!s.contains(&layout, &[int(0), int(9)]));
    }
}

//! The in-memory store: per table, partitions ordered by Murmur3 token of the serialized
//! partition key, each holding rows ordered by clustering key, each holding cells with write
//! timestamps, expiry and tombstones, so reads see exactly what Cassandra would return.
//!
//! Values stay serialized (wire bytes) end to end: writes copy the bound bytes once, reads
//! copy them straight into a Rows result. Ordering uses type-aware comparators on the bytes.
//! The store is not a stable interface; the engine is its only user.

pub(crate) mod cell;
pub(crate) mod compare;
pub(crate) mod key;
pub(crate) mod partition;
pub(crate) mod row;
pub(crate) mod token;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;

pub(crate) use cell::Cell;
pub(crate) use key::{Bound, ClusteringKey, ClusteringLayout, ElemKey, Slice};
pub(crate) use partition::Partition;
pub(crate) use row::{ColId, Row};

/// Where a partition sits in the ring: token first, then key bytes (as Cassandra's
/// `DecoratedKey` orders them).
pub(crate) type PartitionPos = (i64, Bytes);

/// The data of one table.
#[derive(Debug)]
pub(crate) struct TableData {
    /// Partitions in ring order.
    pub partitions: BTreeMap<PartitionPos, Partition>,
    /// Clustering layout, shared by every key of the table.
    pub layout: Arc<ClusteringLayout>,
}

impl TableData {
    /// An empty table.
    pub fn new(layout: Arc<ClusteringLayout>) -> TableData {
        TableData {
            partitions: BTreeMap::new(),
            layout,
        }
    }

    /// The ring position of a serialized partition key.
    pub fn position(key: Bytes) -> PartitionPos {
        (token::murmur3_token(&key), key)
    }

    /// The partition at `pos`, created if absent.
    pub fn partition_mut(&mut self, pos: PartitionPos) -> &mut Partition {
        self.partitions.entry(pos).or_default()
    }

    /// Drops all data.
    pub fn truncate(&mut self) {
        self.partitions.clear();
    }
}

/// Serializes a partition key as Cassandra does: a single component as is; several as
/// `[short length][bytes][0x00]` each (CompositeType).
pub(crate) fn partition_key_bytes(parts: &[&[u8]]) -> Bytes {
    match parts {
        [single] => Bytes::copy_from_slice(single),
        _ => {
            let mut out = Vec::with_capacity(parts.iter().map(|p| p.len() + 3).sum());
            for p in parts {
                let len = u16::try_from(p.len()).unwrap_or(u16::MAX);
                out.extend_from_slice(&len.to_be_bytes());
                out.extend_from_slice(p);
                out.push(0);
            }
            Bytes::from(out)
        }
    }
}

/// Splits a composite partition key back into its components.
pub(crate) fn split_partition_key(key: &[u8], count: usize) -> Vec<&[u8]> {
    if count <= 1 {
        return vec![key];
    }
    let mut out = Vec::with_capacity(count);
    let mut rest = key;
    while let Some((len, tail)) = rest.split_first_chunk::<2>() {
        let len = usize::from(u16::from_be_bytes(*len));
        let Some((part, tail)) = tail.split_at_checked(len) else {
            break;
        };
        out.push(part);
        rest = tail.get(1..).unwrap_or(&[]);
    }
    out
}

static LAST_MICROS: AtomicI64 = AtomicI64::new(0);

/// The server clock in microseconds, strictly increasing across calls (as Cassandra's
/// `ClientState.getTimestamp` guarantees), so two statements never share a timestamp.
pub(crate) fn now_micros() -> i64 {
    let wall = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX));
    let mut last = LAST_MICROS.load(Ordering::Relaxed);
    loop {
        let next = wall.max(last + 1);
        match LAST_MICROS.compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return next,
            Err(seen) => last = seen,
        }
    }
}

/// The server clock in seconds.
pub(crate) fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

static LIST_SEQ: AtomicI64 = AtomicI64::new(0);

/// A fresh list-element position: appends sort after every earlier element, prepends before.
/// (Cassandra uses time-based UUIDs; increasing/decreasing counters give the same order.)
pub(crate) fn list_position(prepend: bool) -> Bytes {
    let n = LIST_SEQ.fetch_add(1, Ordering::Relaxed) + 1;
    let pos = if prepend { -n } else { n };
    Bytes::copy_from_slice(&pos.to_be_bytes())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn composite_partition_keys_round_trip() {
        let key = partition_key_bytes(&[b"ab", b""]);
        assert_eq!(key.as_ref(), b"\x00\x02ab\x00\x00\x00\x00");
        assert_eq!(split_partition_key(&key, 2), vec![&b"ab"[..], &b""[..]]);
        assert_eq!(partition_key_bytes(&[b"x"]).as_ref(), b"x");
    }

    #[test]
    fn clock_is_strictly_increasing() {
        let a = now_micros();
        let b = now_micros();
        assert!(b > a);
        let big = cassia_protocol::types::ColumnType::BigInt;
        let (first, second) = (list_position(false), list_position(false));
        assert_eq!(
            compare::compare(&big, &first, &second),
            std::cmp::Ordering::Less
        );
        let front = list_position(true);
        assert_eq!(
            compare::compare(&big, &front, &first),
            std::cmp::Ordering::Less
        );
    }
}

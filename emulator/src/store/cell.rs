//! Cells: one written value (or tombstone) with its write timestamp and optional expiry, and
//! Cassandra's rules for which of two writes to the same cell wins.

use std::cmp::Ordering;

use bytes::Bytes;

/// "Never expires".
pub(crate) const NO_EXPIRY: i64 = i64::MAX;

/// One version of a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cell {
    /// Write timestamp in microseconds.
    pub ts: i64,
    /// The TTL it was written with (seconds; 0 = none), reported by `TTL()`.
    pub ttl: i32,
    /// Expiry time in seconds since the epoch ([`NO_EXPIRY`] for none).
    pub expires: i64,
    /// The value; `None` is a tombstone.
    pub value: Option<Bytes>,
}

impl Cell {
    /// A live cell.
    pub fn live(ts: i64, ttl: i32, now_secs: i64, value: Bytes) -> Cell {
        let expires = if ttl > 0 {
            now_secs.saturating_add(i64::from(ttl))
        } else {
            NO_EXPIRY
        };
        Cell {
            ts,
            ttl,
            expires,
            value: Some(value),
        }
    }

    /// A cell tombstone.
    pub fn tombstone(ts: i64) -> Cell {
        Cell {
            ts,
            ttl: 0,
            expires: NO_EXPIRY,
            value: None,
        }
    }

    /// Whether it holds a value at `now_secs` (not a tombstone, not expired).
    pub fn is_live(&self, now_secs: i64) -> bool {
        self.value.is_some() && self.expires > now_secs
    }

    /// Remaining TTL in seconds, if it was written with one.
    pub fn remaining_ttl(&self, now_secs: i64) -> Option<i32> {
        (self.ttl > 0).then(|| i32::try_from(self.expires - now_secs).unwrap_or(i32::MAX))
    }

    /// Cassandra's reconciliation (`Cells.reconcile`): the higher timestamp wins; on a tie a
    /// tombstone or expiring cell beats a plain live one, the later expiry beats the earlier,
    /// and finally the greater value (bytewise) wins.
    pub fn wins_over(&self, other: &Cell) -> bool {
        if self.ts != other.ts {
            return self.ts > other.ts;
        }
        let self_dies = self.value.is_none() || self.expires != NO_EXPIRY;
        let other_dies = other.value.is_none() || other.expires != NO_EXPIRY;
        if self_dies || other_dies {
            if self_dies != other_dies {
                return self_dies;
            }
            if self.value.is_none() != other.value.is_none() {
                return self.value.is_none();
            }
            if self.expires != other.expires {
                return self.expires > other.expires;
            }
        }
        let empty = Bytes::new();
        let a = self.value.as_ref().unwrap_or(&empty);
        let b = other.value.as_ref().unwrap_or(&empty);
        a.cmp(b) != Ordering::Less
    }

    /// Stores `incoming` in `slot` if it wins.
    pub fn merge_into(slot: &mut Cell, incoming: Cell) {
        if incoming.wins_over(slot) {
            *slot = incoming;
        }
    }
}

/// When a row or partition was marked deleted; deletes every write with `ts <= at`.
pub(crate) fn shadows(deleted_at: Option<i64>, ts: i64) -> bool {
    deleted_at.is_some_and(|at| ts <= at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higher_timestamp_wins_then_tombstone_then_greater_value() {
        let a = Cell::live(10, 0, 0, Bytes::from_static(b"a"));
        let b = Cell::live(11, 0, 0, Bytes::from_static(b"a"));
        assert!(b.wins_over(&a) && !a.wins_over(&b));
        let t = Cell::tombstone(10);
        assert!(t.wins_over(&a) && !a.wins_over(&t));
        let z = Cell::live(10, 0, 0, Bytes::from_static(b"z"));
        assert!(z.wins_over(&a) && !a.wins_over(&z));
    }

    #[test]
    fn expiry_and_remaining_ttl() {
        let c = Cell::live(1, 100, 1_000, Bytes::from_static(b"x"));
        assert!(c.is_live(1_099));
        assert!(!c.is_live(1_100));
        assert_eq!(c.remaining_ttl(1_040), Some(60));
        assert!(shadows(Some(5), 5) && !shadows(Some(5), 6) && !shadows(None, 0));
    }
}

//! Stream-id bookkeeping for one connection: up to 32768 requests in flight, each waiting
//! for its response on a oneshot channel.
//!
//! Ids are reused as soon as their response arrives. A request whose timeout fired is
//! *orphaned*: its id stays reserved until the late response arrives (or the connection
//! closes), because handing the id to a new request would let the stale response be read as
//! the new request's answer.

use tokio::sync::oneshot;

/// Highest usable stream id + 1 (ids are non-negative `i16`).
pub(crate) const MAX_STREAMS: usize = 32768;

/// What a finished request receives: the response frame, or why the connection broke.
pub(crate) type Reply<T, E> = oneshot::Sender<Result<T, E>>;

enum Slot<T, E> {
    Free,
    Waiting(Reply<T, E>),
    /// Timed out; the id is kept until the late response shows up.
    Orphaned,
}

/// The per-connection table of in-flight requests.
pub(crate) struct StreamIds<T, E> {
    slots: Vec<Slot<T, E>>,
    /// Free ids, reused last-in first-out so the table stays dense.
    free: Vec<i16>,
    in_flight: usize,
    orphaned: usize,
}

impl<T, E> std::fmt::Debug for StreamIds<T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamIds")
            .field("capacity", &self.slots.len())
            .field("in_flight", &self.in_flight)
            .finish()
    }
}

impl<T, E> StreamIds<T, E> {
    /// A table allowing `capacity` ids (clamped to 1..=32768).
    pub(crate) fn new(capacity: usize) -> Self {
        let capacity = capacity.clamp(1, MAX_STREAMS);
        let mut slots = Vec::with_capacity(capacity);
        slots.resize_with(capacity, || Slot::Free);
        // Reversed so that `pop` hands out 0, 1, 2, ... first.
        let free = (0..capacity)
            .rev()
            .filter_map(|i| i16::try_from(i).ok())
            .collect();
        StreamIds {
            slots,
            free,
            in_flight: 0,
            orphaned: 0,
        }
    }

    /// Reserves an id for a request; `None` when all ids are taken.
    pub(crate) fn allocate(&mut self, reply: Reply<T, E>) -> Option<i16> {
        let id = self.free.pop()?;
        if let Some(slot) = self.slot_mut(id) {
            *slot = Slot::Waiting(reply);
        }
        self.in_flight += 1;
        Some(id)
    }

    fn slot_mut(&mut self, id: i16) -> Option<&mut Slot<T, E>> {
        usize::try_from(id).ok().and_then(|i| self.slots.get_mut(i))
    }

    /// Takes the waiter of `id` and frees the id. Returns `None` for an id not in use
    /// (a protocol violation by the server) and `Some(None)` for an orphaned id whose
    /// requester gave up.
    pub(crate) fn complete(&mut self, id: i16) -> Option<Option<Reply<T, E>>> {
        let slot = self.slot_mut(id)?;
        let taken = std::mem::replace(slot, Slot::Free);
        let result = match taken {
            Slot::Free => return None,
            Slot::Waiting(reply) => Some(reply),
            Slot::Orphaned => {
                self.orphaned -= 1;
                None
            }
        };
        self.free.push(id);
        self.in_flight -= 1;
        Some(result)
    }

    /// Marks `id` as abandoned by its requester (timeout): it stays reserved. Only a waiter
    /// whose receiver is gone is orphaned, so a late call cannot hit a request that has since
    /// reused the id.
    pub(crate) fn orphan(&mut self, id: i16) {
        if let Some(slot) = self.slot_mut(id)
            && matches!(slot, Slot::Waiting(reply) if reply.is_closed())
        {
            *slot = Slot::Orphaned;
            self.orphaned += 1;
        }
    }

    /// Releases an id whose request was never written (the write failed before sending).
    pub(crate) fn release_unsent(&mut self, id: i16) -> Option<Reply<T, E>> {
        self.complete(id).flatten()
    }

    /// Whether every id is in use (an `allocate` now would fail).
    pub(crate) fn is_full(&self) -> bool {
        self.free.is_empty()
    }

    /// Number of ids in use (waiting or orphaned).
    pub(crate) fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// Requests whose caller is still waiting (in flight minus orphaned).
    pub(crate) fn waiting(&self) -> usize {
        self.in_flight - self.orphaned
    }

    /// Removes every waiter (the connection is closing) so each can be failed.
    pub(crate) fn drain(&mut self) -> Vec<Reply<T, E>> {
        let mut out = Vec::new();
        for (i, slot) in self.slots.iter_mut().enumerate() {
            match std::mem::replace(slot, Slot::Free) {
                Slot::Waiting(reply) => out.push(reply),
                Slot::Orphaned => {}
                Slot::Free => continue,
            }
            if let Ok(id) = i16::try_from(i) {
                self.free.push(id);
            }
        }
        self.in_flight = 0;
        self.orphaned = 0;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Table = StreamIds<u32, ()>;

    fn reply() -> (Reply<u32, ()>, oneshot::Receiver<Result<u32, ()>>) {
        oneshot::channel()
    }

    #[test]
    fn ids_are_reused_after_completion() {
        let mut t = Table::new(MAX_STREAMS);
        let a = t.allocate(reply().0).expect("free id");
        let b = t.allocate(reply().0).expect("free id");
        assert_eq!((a, b), (0, 1));
        assert!(matches!(t.complete(a), Some(Some(_))));
        assert_eq!(t.allocate(reply().0), Some(0));
        assert_eq!(t.in_flight(), 2);
    }

    #[test]
    fn exhaustion_returns_none_and_recovers() {
        let mut t = Table::new(MAX_STREAMS);
        for _ in 0..MAX_STREAMS {
            assert!(t.allocate(reply().0).is_some());
        }
        assert_eq!(t.allocate(reply().0), None);
        assert!(t.complete(32767).is_some());
        assert_eq!(t.allocate(reply().0), Some(32767));
    }

    #[test]
    fn orphaned_id_stays_reserved_until_late_response() {
        let mut t = Table::new(2);
        let (tx, rx) = reply();
        let a = t.allocate(tx).expect("free id");
        drop(rx);
        t.orphan(a);
        let b = t.allocate(reply().0).expect("second id");
        assert_ne!(a, b);
        assert_eq!(t.allocate(reply().0), None, "orphan must not be reused");
        assert_eq!((t.in_flight(), t.waiting()), (2, 1));
        assert!(matches!(t.complete(a), Some(None)));
        assert_eq!((t.in_flight(), t.waiting()), (1, 1));
        assert_eq!(t.allocate(reply().0), Some(a));
    }

    #[test]
    fn unknown_and_negative_ids_are_rejected() {
        let mut t = Table::new(4);
        assert!(t.complete(3).is_none());
        assert!(t.complete(-1).is_none());
        assert!(t.complete(i16::MAX).is_none());
    }

    #[test]
    fn drain_hands_back_every_waiter() {
        let mut t = Table::new(8);
        let (tx, mut rx) = reply();
        t.allocate(tx).expect("free id");
        let orphan = t.allocate(reply().0).expect("free id");
        t.orphan(orphan);
        let (live_tx, _live_rx) = reply();
        let live = t.allocate(live_tx).expect("free id");
        t.orphan(live);
        assert!(
            matches!(t.complete(live), Some(Some(_))),
            "a live waiter is never orphaned"
        );
        let waiters = t.drain();
        assert_eq!(waiters.len(), 1);
        for w in waiters {
            let _ = w.send(Err(()));
        }
        assert_eq!(rx.try_recv(), Ok(Err(())));
        assert_eq!(t.in_flight(), 0);
    }
}

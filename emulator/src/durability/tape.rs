//! The resolution tape: every value the engine makes up while applying a write (server
//! timestamps, `now` in seconds for TTL expiry, `now()`/`uuid()` results, table ids, list
//! element positions) passes through here.
//!
//! While a logged request runs, the tape records those values in call order; the journal
//! stores them with the request. At replay the same request runs with the tape playing
//! them back, so it re-applies exactly what was applied the first time (same timestamps,
//! same expiry times, same generated ids) instead of picking new ones.
//!
//! The tape is thread-local: the engine is synchronous, so one request runs start to end on
//! one thread, and concurrent requests on other threads never see each other's values.
//! Only the outermost resolution is taped (a `now()` timeuuid is one entry, not also the
//! clock read inside it), so replay never finds nested entries out of step.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

use uuid::Uuid;

/// One value resolved at apply time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// A clock reading, a sequence number.
    Int(i64),
    /// A generated UUID (or any 16-byte identifier).
    Uuid(u128),
}

#[derive(Debug, Default)]
enum Mode {
    #[default]
    Off,
    Record(Vec<Resolved>),
    Replay {
        values: VecDeque<Resolved>,
        /// Set when the engine asked for a value the tape could not give (a replay that
        /// took another path than the original run).
        diverged: bool,
    },
}

thread_local! {
    static TAPE: RefCell<Mode> = const { RefCell::new(Mode::Off) };
    /// Journal sequence number of the last record appended by this thread and not yet
    /// claimed by the transport (which waits for it to be durable before replying).
    static PENDING: Cell<Option<u64>> = const { Cell::new(None) };
}

/// Resolves a value through the tape: played back at replay, recorded while logging, or
/// simply `real()` otherwise.
fn resolve(real: impl FnOnce() -> Resolved, matches: fn(&Resolved) -> bool) -> Resolved {
    let outer = TAPE.with(|t| std::mem::take(&mut *t.borrow_mut()));
    match outer {
        Mode::Off => real(),
        Mode::Record(mut values) => {
            // Off while `real` runs: nested resolutions are part of this one.
            let v = real();
            values.push(v);
            TAPE.with(|t| *t.borrow_mut() = Mode::Record(values));
            v
        }
        Mode::Replay {
            mut values,
            mut diverged,
        } => {
            let taped = if values.front().is_some_and(matches) {
                values.pop_front()
            } else {
                None
            };
            let v = match taped {
                Some(v) => v,
                None => {
                    diverged = true;
                    real()
                }
            };
            TAPE.with(|t| *t.borrow_mut() = Mode::Replay { values, diverged });
            v
        }
    }
}

/// An integer made up at apply time (clock, sequence).
pub(crate) fn int(real: impl FnOnce() -> i64) -> i64 {
    match resolve(|| Resolved::Int(real()), |r| matches!(r, Resolved::Int(_))) {
        Resolved::Int(v) => v,
        // `resolve` only returns what `matches` accepted or what `real` made.
        Resolved::Uuid(v) => v as i64,
    }
}

/// A UUID made up at apply time.
pub(crate) fn uuid(real: impl FnOnce() -> Uuid) -> Uuid {
    match resolve(
        || Resolved::Uuid(real().as_u128()),
        |r| matches!(r, Resolved::Uuid(_)),
    ) {
        Resolved::Uuid(v) => Uuid::from_u128(v),
        Resolved::Int(v) => Uuid::from_u128(v as u128),
    }
}

/// Puts the tape back to Off when dropped, so a panicking request cannot leave the thread
/// recording or replaying.
#[derive(Debug)]
pub(crate) struct Session(());

impl Drop for Session {
    fn drop(&mut self) {
        TAPE.with(|t| *t.borrow_mut() = Mode::Off);
    }
}

/// Starts recording on this thread.
pub(crate) fn record() -> Session {
    TAPE.with(|t| *t.borrow_mut() = Mode::Record(Vec::new()));
    Session(())
}

/// What was recorded since [`record`] (the tape keeps recording: the request may still
/// resolve values before it ends, but those come after the record is taken).
pub(crate) fn recorded() -> Vec<Resolved> {
    TAPE.with(|t| match &*t.borrow() {
        Mode::Record(values) => values.clone(),
        _ => Vec::new(),
    })
}

/// Starts playing `values` back on this thread.
pub(crate) fn replay(values: Vec<Resolved>) -> Session {
    TAPE.with(|t| {
        *t.borrow_mut() = Mode::Replay {
            values: values.into(),
            diverged: false,
        }
    });
    Session(())
}

/// Whether the replay so far consumed exactly what the tape held, in order.
pub(crate) fn replay_faithful() -> bool {
    TAPE.with(|t| match &*t.borrow() {
        Mode::Replay { values, diverged } => !diverged && values.is_empty(),
        _ => true,
    })
}

/// Notes that this thread appended journal record `seq`.
pub(crate) fn set_pending(seq: u64) {
    PENDING.with(|p| p.set(Some(p.get().map_or(seq, |old| old.max(seq)))));
}

/// The journal record this thread appended since the last call, if any.
pub(crate) fn take_pending() -> Option<u64> {
    PENDING.with(Cell::take)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_then_replays_the_same_values_and_only_the_outermost() {
        let session = record();
        let a = int(|| 41);
        let u = uuid(|| {
            // Nested: part of the uuid's resolution, not a tape entry of its own.
            let _ = int(|| 7);
            Uuid::from_u128(9)
        });
        let taped = recorded();
        drop(session);
        assert_eq!(taped, vec![Resolved::Int(41), Resolved::Uuid(9)]);
        assert_eq!((a, u), (41, Uuid::from_u128(9)));

        let session = replay(taped);
        assert_eq!(int(|| 1000), 41);
        assert_eq!(uuid(|| Uuid::from_u128(1)), Uuid::from_u128(9));
        assert!(replay_faithful());
        // Past the end: the real value, and the replay is flagged.
        assert_eq!(int(|| 5), 5);
        assert!(!replay_faithful());
        drop(session);
        assert_eq!(int(|| 6), 6);
    }

    #[test]
    fn pending_is_taken_once() {
        set_pending(3);
        set_pending(2);
        assert_eq!(take_pending(), Some(3));
        assert_eq!(take_pending(), None);
    }
}

//! Whether enough simulated replicas are up for a consistency level, with the `Unavailable`
//! error Cassandra 4.0 sends otherwise.
//!
//! The required counts are `ConsistencyLevel.blockFor` and the checks
//! `ReplicaPlans.assureSufficientLiveReplicas`: LOCAL_ONE and LOCAL_QUORUM count only the
//! live replicas in the coordinator's data centre, EACH_QUORUM checks every data centre of a
//! NetworkTopologyStrategy keyspace on its own (and reports the first one short), ANY
//! accepts a write with no replica up (a hint is stored), and with SimpleStrategy the LOCAL_
//! levels use the whole replication factor, as Cassandra does. Paxos (SERIAL, LOCAL_SERIAL)
//! needs a quorum like QUORUM and LOCAL_QUORUM.

use cassia_protocol::consistency::Consistency;
use cassia_protocol::response::{ErrorKind, ServerError};

use super::ring::Strategy;

/// The replicas of one partition as the coordinator sees them.
#[derive(Debug)]
pub(crate) struct ReplicaView<'a> {
    pub strategy: &'a Strategy,
    /// `(data centre, alive)` of every replica.
    pub replicas: Vec<(&'a str, bool)>,
    /// The coordinator's data centre.
    pub local_dc: &'a str,
}

fn quorum(rf: usize) -> usize {
    rf / 2 + 1
}

fn dc_factor(strategy: &Strategy, dc: &str) -> usize {
    match strategy {
        Strategy::Network(f) => f.get(dc).copied().unwrap_or(0),
        other => other.total(),
    }
}

/// `ConsistencyLevel.blockFor` of Cassandra 4.0.
pub(crate) fn block_for(cl: Consistency, strategy: &Strategy, local_dc: &str) -> usize {
    match cl {
        Consistency::Any | Consistency::One | Consistency::LocalOne => 1,
        Consistency::Two => 2,
        Consistency::Three => 3,
        Consistency::Quorum | Consistency::Serial => quorum(strategy.total()),
        Consistency::All => strategy.total(),
        Consistency::LocalQuorum | Consistency::LocalSerial => {
            quorum(dc_factor(strategy, local_dc))
        }
        Consistency::EachQuorum => match strategy {
            Strategy::Network(f) => f.values().map(|rf| quorum(*rf)).sum(),
            other => quorum(other.total()),
        },
        // A level added to the protocol later: treat it like ONE rather than refuse.
        #[allow(unreachable_patterns)]
        _ => 1,
    }
}

/// `Ok` when the request can proceed; Cassandra's Unavailable error otherwise.
pub(crate) fn check(
    cl: Consistency,
    view: &ReplicaView<'_>,
    write: bool,
) -> Result<(), ServerError> {
    if matches!(view.strategy, Strategy::Local) {
        return Ok(());
    }
    let required = block_for(cl, view.strategy, view.local_dc);
    let alive_in = |dc: Option<&str>| {
        view.replicas
            .iter()
            .filter(|(d, up)| *up && dc.is_none_or(|dc| dc == *d))
            .count()
    };
    match cl {
        // A hint on the coordinator is enough (reads at ANY are refused before this).
        Consistency::Any if write => Ok(()),
        Consistency::LocalOne | Consistency::LocalQuorum | Consistency::LocalSerial => {
            let alive = alive_in(Some(view.local_dc));
            ensure(cl, None, required, alive)
        }
        Consistency::EachQuorum => match view.strategy {
            Strategy::Network(factors) => {
                for (dc, rf) in factors {
                    ensure(cl, Some(dc), quorum(*rf), alive_in(Some(dc)))?;
                }
                Ok(())
            }
            _ => ensure(cl, None, required, alive_in(None)),
        },
        _ => ensure(cl, None, required, alive_in(None)),
    }
}

fn ensure(
    cl: Consistency,
    dc: Option<&str>,
    required: usize,
    alive: usize,
) -> Result<(), ServerError> {
    if alive >= required {
        return Ok(());
    }
    let message = match dc {
        Some(dc) => format!("Cannot achieve consistency level {} in DC {dc}", name(cl)),
        None => format!("Cannot achieve consistency level {}", name(cl)),
    };
    Err(ServerError {
        kind: ErrorKind::Unavailable {
            consistency: cl,
            required: i32::try_from(required).unwrap_or(i32::MAX),
            alive: i32::try_from(alive).unwrap_or(i32::MAX),
        },
        message,
    })
}

/// Cassandra's name of a level (`LOCAL_QUORUM`), as in its messages: the protocol's.
pub(crate) fn name(cl: Consistency) -> &'static str {
    cl.as_str()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn unavailable(r: Result<(), ServerError>) -> (i32, i32, String) {
        match r {
            Err(ServerError {
                kind:
                    ErrorKind::Unavailable {
                        required, alive, ..
                    },
                message,
            }) => (required, alive, message),
            other => panic!("expected Unavailable, got {other:?}"),
        }
    }

    #[test]
    fn simple_strategy_counts() {
        let s = Strategy::Simple(3);
        let view = ReplicaView {
            strategy: &s,
            replicas: vec![("dc1", true), ("dc1", false), ("dc1", false)],
            local_dc: "dc1",
        };
        assert!(check(Consistency::One, &view, false).is_ok());
        assert_eq!(
            unavailable(check(Consistency::Quorum, &view, false)),
            (2, 1, "Cannot achieve consistency level QUORUM".to_owned())
        );
        assert_eq!(unavailable(check(Consistency::All, &view, true)).0, 3);
        assert_eq!(unavailable(check(Consistency::Two, &view, true)).0, 2);
        // With SimpleStrategy, LOCAL_QUORUM needs a quorum of the whole factor.
        assert_eq!(
            unavailable(check(Consistency::LocalQuorum, &view, true)).0,
            2
        );
        let none_up = ReplicaView {
            replicas: vec![("dc1", false); 3],
            ..view
        };
        assert!(check(Consistency::Any, &none_up, true).is_ok());
    }

    #[test]
    fn network_strategy_counts_per_dc() {
        let s = Strategy::Network(BTreeMap::from([("dc1".into(), 3), ("dc2".into(), 2)]));
        let view = ReplicaView {
            strategy: &s,
            replicas: vec![
                ("dc1", true),
                ("dc1", true),
                ("dc1", false),
                ("dc2", true),
                ("dc2", false),
            ],
            local_dc: "dc1",
        };
        assert!(check(Consistency::LocalQuorum, &view, false).is_ok());
        assert!(check(Consistency::Quorum, &view, false).is_ok());
        assert_eq!(
            unavailable(check(Consistency::EachQuorum, &view, true)),
            (
                2,
                1,
                "Cannot achieve consistency level EACH_QUORUM in DC dc2".to_owned()
            )
        );
        assert_eq!(
            unavailable(check(Consistency::All, &view, false)),
            (5, 3, "Cannot achieve consistency level ALL".to_owned())
        );
        let remote = ReplicaView {
            local_dc: "dc2",
            ..view
        };
        assert_eq!(
            unavailable(check(Consistency::LocalQuorum, &remote, false)).0,
            2
        );
        assert!(check(Consistency::LocalOne, &remote, false).is_ok());
    }
}

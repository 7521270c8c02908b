//! Which consistency levels a statement may use, refused with Cassandra 4.0's
//! InvalidRequest before any replica is consulted.
//!
//! The rules and messages are `ConsistencyLevel.validateForRead`, `validateForWrite`,
//! `validateCounterForWrite`, `validateForCas` and `validateForCasCommit`, called where
//! Cassandra calls them: `SelectStatement.execute` (reads), `ModificationStatement.
//! executeWithoutCondition` (plain writes) and `StorageProxy.doPaxos` (conditional writes and
//! conditional batches: the serial level first, then the commit level). A batch without
//! conditions is not validated by Cassandra 4.0, so it is not here either. Whether enough
//! replicas are up is a separate, later check (`crate::cluster::availability`).

use cassia_protocol::consistency::Consistency;
use cassia_protocol::response::ServerError;

use crate::catalog::invalid;
use crate::cluster::availability::name;

/// `validateForRead`: ANY only makes sense for writes (a hint is not readable).
pub(crate) fn for_read(cl: Consistency) -> Result<(), ServerError> {
    if cl == Consistency::Any {
        return Err(invalid("ANY ConsistencyLevel is only supported for writes"));
    }
    Ok(())
}

/// `validateForWrite` / `validateCounterForWrite` for a write without conditions on
/// `table` (a counter table when `counter`).
pub(crate) fn for_write(cl: Consistency, counter: bool, table: &str) -> Result<(), ServerError> {
    let serial = is_serial(cl);
    if counter {
        if cl == Consistency::Any {
            return Err(invalid(format!(
                "Consistency level ANY is not yet supported for counter table {table}"
            )));
        }
        if serial {
            return Err(invalid(
                "Counter operations are inherently non-serializable",
            ));
        }
    } else if serial {
        return Err(invalid(
            "You must use conditional updates for serializable writes",
        ));
    }
    Ok(())
}

/// `validateForCas` on the serial level (SERIAL when the request carries none), then
/// `validateForCasCommit` on the commit level; `network` says whether the keyspace uses
/// NetworkTopologyStrategy (EACH_QUORUM commits need it).
pub(crate) fn for_cas(
    serial: Option<Consistency>,
    commit: Consistency,
    network: bool,
    strategy_class: &str,
) -> Result<(), ServerError> {
    if !is_serial(serial.unwrap_or(Consistency::Serial)) {
        return Err(invalid(
            "Invalid consistency for conditional update. Must be one of SERIAL or LOCAL_SERIAL",
        ));
    }
    if is_serial(commit) {
        return Err(invalid(format!(
            "{} is not supported as conditional update commit consistency. Use ANY if you mean \"make sure it is accepted but I don't care how many replicas commit it for non-SERIAL reads\"",
            name(commit)
        )));
    }
    if commit == Consistency::EachQuorum && !network {
        return Err(invalid(format!(
            "consistency level EACH_QUORUM not compatible with replication strategy ({strategy_class})"
        )));
    }
    Ok(())
}

fn is_serial(cl: Consistency) -> bool {
    matches!(cl, Consistency::Serial | Consistency::LocalSerial)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(r: Result<(), ServerError>) -> String {
        r.expect_err("refused").message
    }

    #[test]
    fn reads_refuse_any_only() {
        assert_eq!(
            message(for_read(Consistency::Any)),
            "ANY ConsistencyLevel is only supported for writes"
        );
        assert!(for_read(Consistency::Serial).is_ok());
        assert!(for_read(Consistency::EachQuorum).is_ok());
    }

    #[test]
    fn writes_refuse_serial_and_counters_refuse_any() {
        assert_eq!(
            message(for_write(Consistency::LocalSerial, false, "t")),
            "You must use conditional updates for serializable writes"
        );
        assert!(for_write(Consistency::Any, false, "t").is_ok());
        assert_eq!(
            message(for_write(Consistency::Any, true, "hits")),
            "Consistency level ANY is not yet supported for counter table hits"
        );
        assert_eq!(
            message(for_write(Consistency::Serial, true, "hits")),
            "Counter operations are inherently non-serializable"
        );
    }

    #[test]
    fn conditional_updates_check_serial_then_commit() {
        let simple = "org.apache.cassandra.locator.SimpleStrategy";
        assert!(for_cas(None, Consistency::Quorum, false, simple).is_ok());
        assert!(
            for_cas(
                Some(Consistency::LocalSerial),
                Consistency::Any,
                false,
                simple
            )
            .is_ok()
        );
        assert_eq!(
            message(for_cas(
                Some(Consistency::Quorum),
                Consistency::Serial,
                false,
                simple
            )),
            "Invalid consistency for conditional update. Must be one of SERIAL or LOCAL_SERIAL"
        );
        assert!(
            message(for_cas(None, Consistency::Serial, false, simple))
                .starts_with("SERIAL is not supported as conditional update commit consistency.")
        );
        assert_eq!(
            message(for_cas(None, Consistency::EachQuorum, false, simple)),
            "consistency level EACH_QUORUM not compatible with replication strategy (org.apache.cassandra.locator.SimpleStrategy)"
        );
        assert!(for_cas(None, Consistency::EachQuorum, true, simple).is_ok());
    }
}

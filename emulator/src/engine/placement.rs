//! Simulated replication: before a statement runs, the partitions it touches are placed on
//! the ring and the cluster checks that enough of their replicas are up for the requested
//! consistency level (see `crate::cluster::availability`). One data set serves every node,
//! so this check is the only thing that replication changes.
//!
//! A statement on known partitions checks each of them; a range scan checks every range of
//! the ring, as Cassandra's range reads need every range to reach the level. System tables
//! are node-local and always available. A conditional write (LWT) also needs its serial
//! level (Paxos) to be reachable, checked first as Cassandra does.

use bytes::Bytes;
use cassia_protocol::consistency::Consistency;
use cassia_protocol::request::QueryParameters;
use cassia_protocol::response::ServerError;

use super::modify::WritePlan;
use super::plan::Plan;
use super::restrict::Partitions;
use super::schema::Table;
use super::term::Binds;
use super::{ClientState, Engine, read};
use crate::store::token::murmur3_token;

/// Checks availability for a planned statement; returns the partition token when it
/// touches exactly one partition of a user table (for the request log).
pub(super) fn check_plan(
    engine: &Engine,
    client: &ClientState,
    plan: &Plan,
    binds: &Binds<'_>,
    params: &QueryParameters,
) -> Result<Option<i64>, ServerError> {
    let levels = Levels {
        consistency: params.consistency,
        serial: params.serial_consistency,
    };
    match plan {
        Plan::Select(p) => {
            super::levels::for_read(params.consistency)?;
            let keys = match p.restrictions.partitions(&p.table, binds) {
                Ok(Some(Partitions::Keys(keys))) => Some(keys),
                // A scan, or a key the execution will reject with its own error.
                Ok(_) | Err(_) => None,
            };
            check_table(engine, client, &p.table, keys.as_deref(), levels.read())
        }
        Plan::Write(w) => {
            validate_levels(engine, w, w.condition.is_some(), levels)?;
            check_write(engine, client, w, binds, levels)
        }
        Plan::Batch(b) => {
            validate_batch_levels(engine, b.children.iter(), levels)?;
            for child in &b.children {
                check_write(engine, client, child, binds, levels)?;
            }
            Ok(None)
        }
        Plan::Use(_) | Plan::Truncate(_) | Plan::Ddl(_) => Ok(None),
    }
}

/// Checks every statement of a BATCH message.
pub(super) fn check_batch(
    engine: &Engine,
    client: &ClientState,
    children: &[(&WritePlan, &Binds<'_>)],
    consistency: Consistency,
    serial: Option<Consistency>,
) -> Result<(), ServerError> {
    let levels = Levels {
        consistency,
        serial,
    };
    validate_batch_levels(engine, children.iter().map(|(w, _)| *w), levels)?;
    for (w, binds) in children {
        check_write(engine, client, w, binds, levels)?;
    }
    Ok(())
}

#[derive(Debug, Clone, Copy)]
struct Levels {
    consistency: Consistency,
    serial: Option<Consistency>,
}

/// What a step of the request needs: the level and whether it writes.
type Need = (Consistency, bool);

impl Levels {
    fn read(self) -> Vec<Need> {
        vec![(self.consistency, false)]
    }
}

fn check_write(
    engine: &Engine,
    client: &ClientState,
    w: &WritePlan,
    binds: &Binds<'_>,
    levels: Levels,
) -> Result<Option<i64>, ServerError> {
    // INSERT JSON names its key inside the JSON: resolve it to find the partition.
    let resolved = match w.resolve_json(binds) {
        Ok(r) => r,
        Err(_) => return Ok(None),
    };
    let w = resolved.as_ref().unwrap_or(w);
    let keys = match w.restrictions.partitions(&w.table, binds) {
        Ok(Some(Partitions::Keys(keys))) => keys,
        // The execution reports the missing or invalid key.
        _ => return Ok(None),
    };
    let mut needs = Vec::with_capacity(2);
    if w.condition.is_some() {
        needs.push((levels.serial.unwrap_or(Consistency::Serial), false));
    }
    needs.push((levels.consistency, true));
    check_table(engine, client, &w.table, Some(&keys), needs)
}

/// The InvalidRequest checks of the levels themselves (see `super::levels`).
fn validate_levels(
    engine: &Engine,
    w: &WritePlan,
    conditional: bool,
    levels: Levels,
) -> Result<(), ServerError> {
    if !conditional {
        return super::levels::for_write(
            levels.consistency,
            w.table.def.is_counter,
            w.table.name(),
        );
    }
    let class = read(&engine.catalog)
        .find_keyspace(w.table.keyspace())
        .and_then(|ks| ks.replication.get("class").cloned())
        .unwrap_or_default();
    super::levels::for_cas(
        levels.serial,
        levels.consistency,
        class.ends_with("NetworkTopologyStrategy"),
        &class,
    )
}

/// A batch with conditions is one Paxos round, checked as a conditional write; Cassandra 4.0
/// does not validate the level of a batch without conditions (`BatchStatement.execute`).
fn validate_batch_levels<'a>(
    engine: &Engine,
    mut children: impl Iterator<Item = &'a WritePlan>,
    levels: Levels,
) -> Result<(), ServerError> {
    match children.find(|w| w.condition.is_some()) {
        Some(w) => validate_levels(engine, w, true, levels),
        None => Ok(()),
    }
}

fn check_table(
    engine: &Engine,
    client: &ClientState,
    table: &Table,
    keys: Option<&[Bytes]>,
    needs: Vec<Need>,
) -> Result<Option<i64>, ServerError> {
    if table.def.is_system || !client.check_replicas {
        return Ok(single_token(keys));
    }
    let replication = match read(&engine.catalog).find_keyspace(table.keyspace()) {
        Some(ks) => ks.replication.clone(),
        None => return Ok(None),
    };
    let tokens: Option<Vec<i64>> = keys.map(|k| k.iter().map(|k| murmur3_token(k)).collect());
    for (cl, write) in needs {
        engine
            .cluster
            .check_available(client.node, &replication, tokens.as_deref(), cl, write)?;
    }
    Ok(single_token(keys))
}

fn single_token(keys: Option<&[Bytes]>) -> Option<i64> {
    match keys {
        Some([key]) => Some(murmur3_token(key)),
        _ => None,
    }
}

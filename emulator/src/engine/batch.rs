//! Executing writes: single statements (with lightweight-transaction conditions), CQL
//! `BEGIN BATCH` statements and BATCH messages (simple and prepared children, logged,
//! unlogged and counter, conditional batches on one partition), with Cassandra's batch
//! size check and batch warnings.

mod size;

use std::sync::Arc;

use cassia_protocol::request::{Batch, BatchStatement, BatchType, SerializedValues};
use cassia_protocol::response::{ResultBody, ServerError};

use super::apply::Undo;
use super::conditions::CasRequest;
use super::modify::{Target, WritePlan};
use super::plan::{BatchPlan, Plan, Planned};
use super::term::{Binds, Receiver, Val, eval};
use super::{ClientState, Engine, Outcome, PreparedEntry};
use crate::catalog::invalid;
use crate::cql::ast::BatchKind;
use crate::store::{TableData, now_micros, now_secs};
use size::BatchSize;

/// Runs one INSERT/UPDATE/DELETE at timestamp `default_ts` (unless USING TIMESTAMP).
pub(crate) fn execute_write(
    w: &WritePlan,
    binds: &Binds<'_>,
    default_ts: i64,
    now: i64,
) -> Result<ResultBody, ServerError> {
    match w.resolve_json(binds)? {
        Some(resolved) => execute_resolved(&resolved, binds, default_ts, now),
        None => execute_resolved(w, binds, default_ts, now),
    }
}

fn execute_resolved(
    w: &WritePlan,
    binds: &Binds<'_>,
    default_ts: i64,
    now: i64,
) -> Result<ResultBody, ServerError> {
    let ts = w.timestamp(binds, default_ts)?;
    let (keys, target) = w.targets(binds)?;
    let mut data = w.table.runtime.lock();
    if w.condition.is_some() {
        let [key] = keys.as_slice() else {
            return Err(invalid(
                "IN on the partition key is not supported with conditional updates",
            ));
        };
        let mut request = CasRequest::new(&w.table, false);
        request.add(w, &target, binds)?;
        let (applied, rows) = request.check(&data, key, now)?;
        if applied {
            apply_all(w, &mut data, keys, &target, binds, ts, now)?;
        }
        return Ok(ResultBody::Rows(rows));
    }
    apply_all(w, &mut data, keys, &target, binds, ts, now)?;
    Ok(ResultBody::Void)
}

/// Applies one statement to each of its partitions, all or none.
fn apply_all(
    w: &WritePlan,
    data: &mut TableData,
    keys: Vec<bytes::Bytes>,
    target: &Target,
    binds: &Binds<'_>,
    ts: i64,
    now: i64,
) -> Result<(), ServerError> {
    let mut undo = Undo::default();
    for key in keys {
        if let Err(e) = w.apply(data, key, target, binds, ts, now, &mut undo) {
            undo.rollback(data);
            return Err(e);
        }
    }
    Ok(())
}

/// Runs a `BEGIN BATCH ... APPLY BATCH` statement (markers numbered across the batch); its
/// attributes were checked by [`validate_plan`] when it was planned.
pub(crate) fn execute_statement(
    b: &BatchPlan,
    binds: &Binds<'_>,
    client_ts: Option<i64>,
    now: i64,
) -> Result<super::Outcome, ServerError> {
    let mut ts = client_ts.unwrap_or_else(now_micros);
    if let Some(t) = &b.using.timestamp {
        if let Val::Value(v) = eval(
            t,
            Receiver {
                name: "[timestamp]",
                typ: &cassia_protocol::types::ColumnType::BigInt,
            },
            binds,
        )? {
            ts = <[u8; 8]>::try_from(v.as_ref())
                .map(i64::from_be_bytes)
                .unwrap_or(ts);
        }
    }
    let children: Vec<(&WritePlan, &Binds<'_>)> = b.children.iter().map(|c| (c, binds)).collect();
    let (body, warnings) = run_children(b.kind, &children, ts, now)?;
    Ok(super::Outcome { body, warnings })
}

/// The attribute checks of `BatchStatement.validate`, in its order: no global TTL, and a
/// batch-level timestamp neither on a conditional or counter batch, nor alongside a
/// statement's own, nor on a batch containing counter statements.
fn validate_attributes(b: &BatchPlan) -> Result<(), ServerError> {
    if b.using.ttl.is_some() {
        return Err(invalid(
            "Global TTL on the BATCH statement is not supported.",
        ));
    }
    if b.using.timestamp.is_none() {
        return Ok(());
    }
    if b.children.iter().any(|w| w.condition.is_some()) {
        return Err(invalid(
            "Cannot provide custom timestamp for conditional BATCH",
        ));
    }
    if b.kind == BatchKind::Counter {
        return Err(invalid("Cannot provide custom timestamp for counter BATCH"));
    }
    if b.children.iter().any(|w| w.timestamp.is_some()) {
        return Err(invalid(
            "Timestamp must be set either on BATCH or individual statements",
        ));
    }
    // Checked after the statements' own timestamps, before the counter mix.
    if b.children.iter().any(|w| w.table.def.is_counter) {
        return Err(invalid(
            "Cannot provide custom timestamp for a BATCH containing counters",
        ));
    }
    Ok(())
}

/// `BatchStatement.validate`, which `BatchStatement.Parsed.prepare` runs: a batch it refuses
/// is refused at PREPARE too. The attributes first, then the counter mix, then (for a
/// conditional batch) a single table.
pub(crate) fn validate_plan(b: &BatchPlan) -> Result<(), ServerError> {
    validate_attributes(b)?;
    counter_mix(b.kind, &b.children)?;
    if b.children.iter().any(|w| w.condition.is_some()) {
        if let Some(first) = b.children.first() {
            if b.children
                .iter()
                .any(|w| !Arc::ptr_eq(&w.table, &first.table))
            {
                return Err(invalid("Batch with conditions cannot span multiple tables"));
            }
        }
    }
    Ok(())
}

/// `BatchStatement.validate` checks the counter mix in this order.
fn counter_mix<'a>(
    kind: BatchKind,
    plans: impl IntoIterator<Item = &'a WritePlan>,
) -> Result<(), ServerError> {
    let (mut counters, mut total) = (0, 0);
    for w in plans {
        total += 1;
        if w.table.def.is_counter {
            counters += 1;
        }
    }
    let mixed = counters > 0 && counters != total;
    if kind == BatchKind::Counter && counters != total {
        return Err(invalid(
            "Cannot include non-counter statement in a counter batch",
        ));
    }
    if mixed {
        return Err(invalid(
            "Counter and non-counter mutations cannot exist in the same batch",
        ));
    }
    if kind == BatchKind::Logged && counters > 0 {
        return Err(invalid(
            "Cannot include a counter statement in a logged batch",
        ));
    }
    Ok(())
}

fn run_children(
    kind: BatchKind,
    children: &[(&WritePlan, &Binds<'_>)],
    ts: i64,
    now: i64,
) -> Result<(ResultBody, Vec<String>), ServerError> {
    // INSERT JSON children become plain INSERTs first.
    let mut resolved = Vec::with_capacity(children.len());
    for (w, binds) in children {
        resolved.push(w.resolve_json(binds)?);
    }
    let children: Vec<(&WritePlan, &Binds<'_>)> = children
        .iter()
        .zip(resolved.iter())
        .map(|((w, b), r)| (r.as_ref().unwrap_or(w), *b))
        .collect();
    let children = children.as_slice();
    counter_mix(kind, children.iter().map(|(w, _)| *w))?;
    super::system::check_virtual_batch(
        kind == BatchKind::Logged,
        children.iter().map(|(w, _)| *w),
    )?;
    for (w, _) in children {
        super::system::refuse_virtual_write(w)?;
    }
    let conditional = children.iter().any(|(w, _)| w.condition.is_some());
    if conditional {
        if kind == BatchKind::Counter {
            return Err(invalid(
                "Cannot include a counter statement in a conditional batch",
            ));
        }
        let mut targets = Vec::with_capacity(children.len());
        for (w, binds) in children {
            let (keys, target) = w.targets(binds)?;
            targets.push((keys, target));
        }
        let first = children.first().map(|(w, _)| w.table.clone());
        let Some(table) = first else {
            return Ok((ResultBody::Void, Vec::new()));
        };
        if children.iter().any(|(w, _)| !Arc::ptr_eq(&w.table, &table)) {
            return Err(invalid("Batch with conditions cannot span multiple tables"));
        }
        let first_keys = targets.first().map(|t| t.0.clone()).unwrap_or_default();
        if targets.iter().any(|(k, _)| *k != first_keys) || first_keys.len() != 1 {
            return Err(invalid(
                "Batch with conditions cannot span multiple partitions",
            ));
        }
        super::conditions::check_row_mix(children.iter().zip(targets.iter()).filter_map(
            |((w, _), (_, target))| {
                let row = match target {
                    Target::Static => None,
                    Target::Rows(rows) => Some(rows.first()?.as_slice()),
                    _ => return None,
                };
                Some((row, w.condition.as_ref()?))
            },
        ))?;
        // Every condition is checked together, as one CQL3CasRequest.
        let mut request = CasRequest::new(&table, true);
        for ((w, binds), (_, target)) in children.iter().zip(targets.iter()) {
            request.add(w, target, binds)?;
        }
        let Some(key) = first_keys.first() else {
            return Ok((ResultBody::Void, Vec::new()));
        };
        let mut data = table.runtime.lock();
        let (applied, rows) = request.check(&data, key, now)?;
        let result = Some(rows);
        if applied {
            // One table, one partition: one log takes back every child if one is refused.
            let mut undo = Undo::default();
            let mut outcome = Ok(());
            'children: for ((w, binds), (keys, target)) in children.iter().zip(targets.iter()) {
                for key in keys {
                    outcome = w.timestamp(binds, ts).and_then(|child_ts| {
                        w.apply(
                            &mut data,
                            key.clone(),
                            target,
                            binds,
                            child_ts,
                            now,
                            &mut undo,
                        )
                    });
                    if outcome.is_err() {
                        break 'children;
                    }
                }
            }
            if let Err(e) = outcome {
                undo.rollback(&mut data);
                return Err(e);
            }
        }
        // A conditional batch goes through Paxos: no size check, no batch warnings.
        return Ok((
            result.map_or(ResultBody::Void, ResultBody::Rows),
            Vec::new(),
        ));
    }
    let mut targets = Vec::with_capacity(children.len());
    for (w, binds) in children {
        targets.push((w.timestamp(binds, ts)?, w.targets(binds)?));
    }
    // The partitions the batch updates; then, for a batch of several mutations (the only
    // kind Cassandra checks), the size of its writes, taken from the statements before they
    // are applied (list discards depend on the current elements).
    let mut sizes = BatchSize::default();
    for ((w, _), (_, (keys, _))) in children.iter().zip(targets.iter()) {
        sizes.partitions(&w.table, keys);
    }
    if sizes.mutations() > 1 {
        for ((w, binds), (child_ts, (keys, target))) in children.iter().zip(targets.iter()) {
            let data = w.table.runtime.lock();
            sizes.record(w, binds, &data, keys, target, *child_ts, now);
        }
    }
    // Each child's writes are logged (per child: children may be on different tables), so a
    // child refused part-way takes back the children before it, as Cassandra, which builds
    // the whole batch's mutations before applying any, leaves nothing behind.
    let mut logs: Vec<(&WritePlan, Undo)> = Vec::with_capacity(children.len());
    for ((w, binds), (child_ts, (keys, target))) in children.iter().zip(targets.iter()) {
        let mut data = w.table.runtime.lock();
        let mut undo = Undo::default();
        for key in keys {
            if let Err(e) = w.apply(
                &mut data,
                key.clone(),
                target,
                binds,
                *child_ts,
                now,
                &mut undo,
            ) {
                undo.rollback(&mut data);
                drop(data);
                rollback_all(logs);
                return Err(e);
            }
        }
        logs.push((w, undo));
    }
    // Cassandra checks the size once the mutations are built (so a bad value is reported
    // first) and before it sends any: a batch too large leaves nothing behind.
    let mut warnings = gc_grace_warning(kind, children);
    match size_verdict(&sizes) {
        Err(e) => {
            rollback_all(logs);
            return Err(e);
        }
        Ok(Some(warning)) => warnings.push(warning),
        Ok(None) => {}
    }
    warnings.extend(unlogged_warning(kind, &sizes));
    Ok((ResultBody::Void, warnings))
}

/// Takes back applied children, newest first.
fn rollback_all(logs: Vec<(&WritePlan, Undo)>) {
    for (earlier, log) in logs.into_iter().rev() {
        log.rollback(&mut earlier.table.runtime.lock());
    }
}

/// `BatchStatement.verifyBatchSize`: only a batch spanning more than one mutation (one per
/// keyspace and partition key) is checked; over the fail threshold it is refused, over the
/// warn threshold the client is warned with the raw byte counts.
fn size_verdict(sizes: &BatchSize) -> Result<Option<String>, ServerError> {
    if sizes.mutations() <= 1 {
        return Ok(None);
    }
    let size = sizes.data_size();
    if size <= BATCH_SIZE_WARN_THRESHOLD {
        return Ok(None);
    }
    if size > BATCH_SIZE_FAIL_THRESHOLD {
        return Err(invalid("Batch too large"));
    }
    Ok(Some(format!(
        "Batch for [{}] is of size {size}, exceeding specified threshold of {BATCH_SIZE_WARN_THRESHOLD} by {}.",
        sizes.tables().join(", "),
        size - BATCH_SIZE_WARN_THRESHOLD
    )))
}

/// `batch_size_warn_threshold_in_kb: 5`.
const BATCH_SIZE_WARN_THRESHOLD: usize = 5 * 1024;
/// `batch_size_fail_threshold_in_kb: 50`.
const BATCH_SIZE_FAIL_THRESHOLD: usize = 50 * 1024;

/// `BatchStatement.verifyBatchType`: a batch that is not logged (unlogged or counter),
/// spanning more than one mutation, over more than 10 distinct partition keys (whatever
/// their table) warns the client.
fn unlogged_warning(kind: BatchKind, sizes: &BatchSize) -> Option<String> {
    if kind == BatchKind::Logged || sizes.mutations() <= 1 {
        return None;
    }
    let keys = sizes.partition_keys();
    if keys <= UNLOGGED_PARTITIONS_WARN_THRESHOLD {
        return None;
    }
    let names = sizes.tables();
    Some(format!(
        "Unlogged batch covering {keys} partitions detected against table{} [{}]. You should use a logged batch for atomicity, or asynchronous writes for performance.",
        if names.len() > 1 { "s" } else { "" },
        names.join(", ")
    ))
}

/// `BatchStatement.getMutations`: a logged batch on tables with `gc_grace_seconds = 0`.
fn gc_grace_warning(kind: BatchKind, children: &[(&WritePlan, &Binds<'_>)]) -> Vec<String> {
    if kind != BatchKind::Logged {
        return Vec::new();
    }
    let mut names: Vec<String> = children
        .iter()
        .filter(|(w, _)| w.table.def.options.gc_grace_seconds == 0)
        .map(|(w, _)| format!("{}.{}", w.table.keyspace(), w.table.name()))
        .collect();
    names.sort();
    names.dedup();
    if names.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "Executing a LOGGED BATCH on table{} [{}], configured with a gc_grace_seconds of 0. The gc_grace_seconds is used to TTL batchlog entries, so setting gc_grace_seconds too low on tables involved in an atomic batch might cause batchlog entries to expire before being replayed.",
        if names.len() > 1 { "s" } else { "" },
        names.join(", ")
    )]
}

/// Cassandra's default `unlogged_batch_across_partitions_warn_threshold`.
const UNLOGGED_PARTITIONS_WARN_THRESHOLD: usize = 10;

enum Child {
    Owned(Box<Planned>),
    Shared(Arc<PreparedEntry>),
}

impl Child {
    fn planned(&self) -> &Planned {
        match self {
            Child::Owned(p) => p,
            Child::Shared(e) => &e.planned,
        }
    }
}

/// Runs a BATCH message.
pub(crate) fn execute_message(
    engine: &Engine,
    client: &mut ClientState,
    batch: &Batch,
) -> Result<Outcome, ServerError> {
    let keyspace = batch.keyspace.clone().or_else(|| client.keyspace.clone());
    let mut owned: Vec<(Child, &SerializedValues)> = Vec::with_capacity(batch.statements.len());
    for s in &batch.statements {
        match s {
            BatchStatement::Query { query, values } => {
                let stmt = super::parse(query)?;
                let planned = super::plan::plan(engine, &stmt, keyspace.as_deref())?;
                owned.push((Child::Owned(Box::new(planned)), values));
            }
            BatchStatement::Prepared { id, values } => {
                owned.push((Child::Shared(engine.prepared_entry(id)?), values));
            }
        }
    }
    let mut binds = Vec::with_capacity(owned.len());
    for (child, values) in &owned {
        binds.push(super::binds::decode(values, child.planned())?);
    }
    let mut children: Vec<(&WritePlan, &Binds<'_>)> = Vec::with_capacity(owned.len());
    for ((child, _), b) in owned.iter().zip(binds.iter()) {
        match &child.planned().plan {
            Plan::Write(w) => children.push((w, b)),
            _ => {
                return Err(invalid(
                    "Invalid statement in batch: only UPDATE, INSERT and DELETE statements are allowed.",
                ));
            }
        }
    }
    let kind = match batch.batch_type {
        BatchType::Logged => BatchKind::Logged,
        BatchType::Unlogged => BatchKind::Unlogged,
        BatchType::Counter => BatchKind::Counter,
    };
    super::placement::check_batch(
        engine,
        client,
        &children,
        batch.consistency,
        batch.serial_consistency,
    )?;
    let now = batch.now_in_seconds.map_or_else(now_secs, i64::from);
    let ts = batch.timestamp.unwrap_or_else(now_micros);
    let (body, warnings) = run_children(kind, &children, ts, now)?;
    Ok(Outcome { body, warnings })
}

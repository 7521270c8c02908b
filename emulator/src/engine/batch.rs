//! Executing writes: single statements (with lightweight-transaction conditions), CQL
//! `BEGIN BATCH` statements and BATCH messages (simple and prepared children, logged,
//! unlogged and counter, conditional batches on one partition).

use std::sync::Arc;

use cassia_protocol::request::{
    Batch, BatchStatement, BatchType, QueryParameters, SerializedValues,
};
use cassia_protocol::response::{ResultBody, ServerError};

use super::modify::{Target, WritePlan};
use super::plan::{BatchPlan, Plan, Planned};
use super::read::RowRef;
use super::term::{Binds, Receiver, Val, eval};
use super::{ClientState, Engine, Outcome, PreparedEntry};
use crate::catalog::invalid;
use crate::cql::ast::BatchKind;
use crate::store::{ClusteringKey, TableData, now_micros, now_secs, split_partition_key};

/// Runs one INSERT/UPDATE/DELETE at timestamp `default_ts` (unless USING TIMESTAMP).
pub(crate) fn execute_write(
    w: &WritePlan,
    binds: &Binds<'_>,
    default_ts: i64,
    now: i64,
) -> Result<ResultBody, ServerError> {
    let ts = w.timestamp(binds, default_ts)?;
    let (keys, target) = w.targets(binds)?;
    let mut data = w.table.runtime.lock();
    if w.condition.is_some() {
        let (applied, rows) = check_condition(w, &data, &keys, &target, binds, now)?;
        if applied {
            for key in keys {
                w.apply(&mut data, key, &target, binds, ts, now)?;
            }
        }
        return Ok(ResultBody::Rows(rows));
    }
    for key in keys {
        w.apply(&mut data, key, &target, binds, ts, now)?;
    }
    Ok(ResultBody::Void)
}

/// Evaluates a statement's IF against the current row; returns whether it applies and the
/// `[applied]` result.
fn check_condition(
    w: &WritePlan,
    data: &TableData,
    keys: &[bytes::Bytes],
    target: &Target,
    binds: &Binds<'_>,
    now: i64,
) -> Result<(bool, cassia_protocol::response::Rows), ServerError> {
    let Some(cond) = &w.condition else {
        return Err(invalid("not a conditional statement"));
    };
    let [key] = keys else {
        return Err(invalid(
            "IN on the partition key is not supported with conditional updates",
        ));
    };
    let ck: Vec<bytes::Bytes> = match target {
        Target::Rows(rows) if rows.len() == 1 => rows.first().cloned().unwrap_or_default(),
        Target::Static => Vec::new(),
        _ => {
            return Err(invalid(
                "IN on the clustering key columns is not supported with conditional updates",
            ));
        }
    };
    let table = &w.table;
    let pos = TableData::position(key.clone());
    let pk_parts = split_partition_key(key, table.pk.len());
    let partition = data.partitions.get(&pos);
    let row = partition.and_then(|p| {
        let outer = p.outer_deletion(&table.layout, &ck);
        let r = if table.ck.is_empty() || !ck.is_empty() {
            p.rows.get(&ClusteringKey {
                parts: ck.clone(),
                layout: table.layout.clone(),
            })
        } else {
            None
        };
        let live = r.is_some_and(|r| r.is_live(outer, now))
            || (matches!(target, Target::Static) && p.static_live(now));
        live.then_some(RowRef {
            pk: &pk_parts,
            ck: &ck,
            row: r,
            outer,
            statics: &p.static_row,
            partition_del: p.deleted_at,
            now,
        })
    });
    let applied = cond.holds(table, row.as_ref(), binds)?;
    Ok((applied, cond.result(table, applied, row.as_ref())))
}

/// Runs a `BEGIN BATCH ... APPLY BATCH` statement (markers numbered across the batch).
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
    run_children(b.kind, &children, ts, now).map(super::Outcome::new)
}

fn validate_kind(
    kind: BatchKind,
    children: &[(&WritePlan, &Binds<'_>)],
) -> Result<(), ServerError> {
    let counters = children
        .iter()
        .filter(|(w, _)| w.table.def.is_counter)
        .count();
    match kind {
        BatchKind::Counter if counters != children.len() => Err(invalid(
            "Cannot include non-counter statement in a counter batch",
        )),
        BatchKind::Logged if counters > 0 => Err(invalid(
            "Cannot include a counter statement in a logged batch",
        )),
        BatchKind::Unlogged if counters > 0 && counters != children.len() => Err(invalid(
            "Counter and non-counter mutations cannot exist in the same batch",
        )),
        _ => Ok(()),
    }
}

fn run_children(
    kind: BatchKind,
    children: &[(&WritePlan, &Binds<'_>)],
    ts: i64,
    now: i64,
) -> Result<ResultBody, ServerError> {
    validate_kind(kind, children)?;
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
            return Ok(ResultBody::Void);
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
        let mut data = table.runtime.lock();
        let mut result = None;
        let mut applied = true;
        for ((w, binds), (keys, target)) in children.iter().zip(targets.iter()) {
            if w.condition.is_some() {
                let (ok, rows) = check_condition(w, &data, keys, target, binds, now)?;
                if !ok || result.is_none() {
                    result = Some(rows);
                }
                applied &= ok;
                if !ok {
                    break;
                }
            }
        }
        if applied {
            for ((w, binds), (keys, target)) in children.iter().zip(targets.iter()) {
                for key in keys {
                    w.apply(
                        &mut data,
                        key.clone(),
                        target,
                        binds,
                        w.timestamp(binds, ts)?,
                        now,
                    )?;
                }
            }
        }
        return Ok(result.map_or(ResultBody::Void, ResultBody::Rows));
    }
    for (w, binds) in children {
        let child_ts = w.timestamp(binds, ts)?;
        let (keys, target) = w.targets(binds)?;
        let mut data = w.table.runtime.lock();
        for key in keys {
            w.apply(&mut data, key, &target, binds, child_ts, now)?;
        }
    }
    Ok(ResultBody::Void)
}

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
    let now = batch.now_in_seconds.map_or_else(now_secs, i64::from);
    let ts = batch.timestamp.unwrap_or_else(now_micros);
    let body = run_children(kind, &children, ts, now)?;
    let _ = QueryParameters::default();
    Ok(Outcome::new(body))
}

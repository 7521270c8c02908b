//! Applying one column operation (set, collection add/remove/put, element set/delete,
//! counter increment, UDT field) to a row of the store, with the statement's timestamp and
//! TTL. Separate from planning (`modify`) because this is the per-row hot path.

use std::sync::Arc;

use bytes::Bytes;
use cassia_protocol::response::ServerError;
use cassia_protocol::types::ColumnType;

use super::modify::{Op, element_types};
use super::schema::{Col, Table};
use super::term::{Binds, Receiver, Val, eval, normalize};
use crate::catalog::invalid;
use crate::store::compare::{compare, elements, map_elements};
use crate::store::{Cell, ElemKey, Row, list_position};

#[derive(Clone, Copy)]
pub(crate) struct OpCtx<'a> {
    pub table: &'a Table,
    pub binds: &'a Binds<'a>,
    pub ts: i64,
    pub ttl: i32,
    pub now: i64,
    pub outer: Option<i64>,
}

pub(crate) fn apply_op(ctx: &OpCtx<'_>, row: &mut Row, op: &Op) -> Result<(), ServerError> {
    let col = &ctx.table.cols[op.col()];
    let recv = Receiver {
        name: &col.name,
        typ: &col.typ,
    };
    let live = |v: Bytes| Cell::live(ctx.ts, ctx.ttl, ctx.now, v);
    let elem_typ = col.elem_key.clone();
    let key = |b: Bytes| ElemKey {
        bytes: b,
        typ: elem_typ
            .clone()
            .unwrap_or_else(|| Arc::new(ColumnType::Blob)),
    };
    match op {
        Op::Set(_, t) => {
            let v = eval(t, recv, ctx.binds)?;
            if !col.multi_cell() {
                match v {
                    Val::Value(b) => row.write_cell(col.id, live(normalize(&col.typ, b))),
                    Val::Null => row.write_cell(col.id, Cell::tombstone(ctx.ts)),
                    Val::Unset => {}
                }
                return Ok(());
            }
            match v {
                Val::Unset => {}
                Val::Null => row.delete_complex(col.id, ctx.ts),
                Val::Value(b) => {
                    row.delete_complex(col.id, ctx.ts - 1);
                    write_elements(ctx, row, col, &b, false, key)?;
                }
            }
        }
        Op::Add(_, t) => {
            if col.typ == ColumnType::Counter {
                if let Val::Value(b) = eval(t, recv, ctx.binds)? {
                    let n = <[u8; 8]>::try_from(b.as_ref())
                        .map(i64::from_be_bytes)
                        .unwrap_or(0);
                    row.counter_add(col.id, n, ctx.ts, ctx.outer, ctx.now);
                } else {
                    return Err(invalid("Invalid null value for counter increment"));
                }
                return Ok(());
            }
            if !col.multi_cell() {
                return Err(invalid(format!(
                    "Invalid operation ({0} = {0} + ?) for frozen collection column {0}",
                    col.name
                )));
            }
            if let Val::Value(b) = eval(t, recv, ctx.binds)? {
                write_elements(ctx, row, col, &b, false, key)?;
            }
        }
        Op::Prepend(_, t) => {
            if !matches!(col.typ, ColumnType::List(_)) || !col.multi_cell() {
                return Err(invalid(format!(
                    "Invalid operation ({0} = ? + {0}) for non list column {0}",
                    col.name
                )));
            }
            if let Val::Value(b) = eval(t, recv, ctx.binds)? {
                write_elements(ctx, row, col, &b, true, key)?;
            }
        }
        Op::Remove(_, t) => {
            if col.typ == ColumnType::Counter {
                if let Val::Value(b) = eval(t, recv, ctx.binds)? {
                    let n = <[u8; 8]>::try_from(b.as_ref())
                        .map(i64::from_be_bytes)
                        .unwrap_or(0);
                    let Some(negated) = n.checked_neg() else {
                        return Err(invalid(format!(
                            "The negation of {n} overflows supported counter precision (signed 8 bytes integer)"
                        )));
                    };
                    row.counter_add(col.id, negated, ctx.ts, ctx.outer, ctx.now);
                }
                return Ok(());
            }
            if !col.multi_cell() {
                return Err(invalid(format!(
                    "Invalid operation ({0} = {0} - ?) for frozen collection column {0}",
                    col.name
                )));
            }
            let typ = match &col.typ {
                ColumnType::Map(k, _) => ColumnType::Set(k.clone()),
                other => other.clone(),
            };
            let Val::Value(b) = eval(
                t,
                Receiver {
                    name: &col.name,
                    typ: &typ,
                },
                ctx.binds,
            )?
            else {
                return Ok(());
            };
            let items: Vec<Bytes> = elements(&b)
                .into_iter()
                .map(Bytes::copy_from_slice)
                .collect();
            match &col.typ {
                ColumnType::List(e) => {
                    let doomed: Vec<ElemKey> = row
                        .elems(col.id, ctx.outer, ctx.now)
                        .filter(|(_, c)| {
                            c.value
                                .as_ref()
                                .is_some_and(|v| items.iter().any(|x| compare(e, v, x).is_eq()))
                        })
                        .map(|(k, _)| k.clone())
                        .collect();
                    for k in doomed {
                        row.write_elem(col.id, k, Cell::tombstone(ctx.ts));
                    }
                }
                _ => {
                    for it in items {
                        row.write_elem(col.id, key(it), Cell::tombstone(ctx.ts));
                    }
                }
            }
        }
        Op::SetElement(_, k, v) => {
            let (kt, vt) = element_types(col);
            if !col.multi_cell() {
                return Err(invalid(format!(
                    "Invalid operation ({}[?] = ?) for frozen collection column {}",
                    col.name, col.name
                )));
            }
            let kv = eval(
                k,
                Receiver {
                    name: &col.name,
                    typ: &kt,
                },
                ctx.binds,
            )?;
            let vv = eval(
                v,
                Receiver {
                    name: &col.name,
                    typ: &vt,
                },
                ctx.binds,
            )?;
            let Some(kb) = kv.bytes().cloned() else {
                return Err(invalid(format!("Invalid null value for {} key", col.name)));
            };
            let cell = match vv {
                Val::Value(b) => live(b),
                Val::Null => Cell::tombstone(ctx.ts),
                Val::Unset => return Ok(()),
            };
            match &col.typ {
                ColumnType::List(_) => {
                    let ek = list_index(row, col, &kb, ctx)?;
                    row.write_elem(col.id, ek, cell);
                }
                _ => row.write_elem(col.id, key(kb), cell),
            }
        }
        Op::SetField(_, pos, v) => {
            let ColumnType::Udt { fields, .. } = &col.typ else {
                return Ok(());
            };
            let Some((_, ft)) = fields.get(*pos) else {
                return Ok(());
            };
            let cell = match eval(
                v,
                Receiver {
                    name: &col.name,
                    typ: ft,
                },
                ctx.binds,
            )? {
                Val::Value(b) => live(b),
                Val::Null => Cell::tombstone(ctx.ts),
                Val::Unset => return Ok(()),
            };
            if col.multi_cell() {
                row.write_elem(
                    col.id,
                    key(Bytes::copy_from_slice(&(*pos as i16).to_be_bytes())),
                    cell,
                );
            } else {
                return Err(invalid(format!(
                    "Invalid operation ({}.{} = ?) for frozen UDT column {}",
                    col.name, fields[*pos].0, col.name
                )));
            }
        }
        Op::Delete(_) => {
            if col.multi_cell() {
                row.delete_complex(col.id, ctx.ts);
            } else {
                row.write_cell(col.id, Cell::tombstone(ctx.ts));
            }
        }
        Op::DeleteElement(_, k) => {
            let (kt, _) = element_types(col);
            if !col.multi_cell() {
                return Err(invalid(format!(
                    "Invalid deletion operation for frozen collection column {}",
                    col.name
                )));
            }
            let Some(kb) = eval(
                k,
                Receiver {
                    name: &col.name,
                    typ: &kt,
                },
                ctx.binds,
            )?
            .bytes()
            .cloned() else {
                return Err(invalid(format!("Invalid null value for {} key", col.name)));
            };
            match &col.typ {
                ColumnType::List(_) => {
                    let ek = list_index(row, col, &kb, ctx)?;
                    row.write_elem(col.id, ek, Cell::tombstone(ctx.ts));
                }
                _ => row.write_elem(col.id, key(kb), Cell::tombstone(ctx.ts)),
            }
        }
        Op::DeleteField(_, pos) => {
            row.write_elem(
                col.id,
                key(Bytes::copy_from_slice(&(*pos as i16).to_be_bytes())),
                Cell::tombstone(ctx.ts),
            );
        }
    }
    Ok(())
}

/// The element key at a list index, or Cassandra's out-of-bound error.
fn list_index(row: &Row, col: &Col, idx: &[u8], ctx: &OpCtx<'_>) -> Result<ElemKey, ServerError> {
    let i = <[u8; 4]>::try_from(idx)
        .map(i32::from_be_bytes)
        .unwrap_or(-1);
    let live: Vec<ElemKey> = row
        .elems(col.id, ctx.outer, ctx.now)
        .map(|(k, _)| k.clone())
        .collect();
    usize::try_from(i)
        .ok()
        .and_then(|i| live.get(i).cloned())
        .ok_or_else(|| {
            invalid(format!(
                "List index {i} out of bound, list has size {}",
                live.len()
            ))
        })
}

fn write_elements(
    ctx: &OpCtx<'_>,
    row: &mut Row,
    col: &Col,
    value: &[u8],
    prepend: bool,
    key: impl Fn(Bytes) -> ElemKey,
) -> Result<(), ServerError> {
    let live = |v: Bytes| Cell::live(ctx.ts, ctx.ttl, ctx.now, v);
    match &col.typ {
        ColumnType::Set(_) => {
            for e in elements(value) {
                row.write_elem(col.id, key(Bytes::copy_from_slice(e)), live(Bytes::new()));
            }
        }
        ColumnType::Map(..) => {
            for kv in map_elements(value).chunks_exact(2) {
                row.write_elem(
                    col.id,
                    key(Bytes::copy_from_slice(kv[0])),
                    live(Bytes::copy_from_slice(kv[1])),
                );
            }
        }
        ColumnType::List(_) => {
            let items = elements(value);
            let ordered: Vec<&[u8]> = if prepend {
                items.into_iter().rev().collect()
            } else {
                items
            };
            for e in ordered {
                row.write_elem(
                    col.id,
                    key(list_position(prepend)),
                    live(Bytes::copy_from_slice(e)),
                );
            }
        }
        ColumnType::Udt { .. } => {
            let parts = super::matching::tuple_components(value);
            for (i, p) in parts.into_iter().enumerate() {
                let k = key(Bytes::copy_from_slice(&(i as i16).to_be_bytes()));
                match p {
                    Some(p) => row.write_elem(col.id, k, live(p)),
                    None => row.write_elem(col.id, k, Cell::tombstone(ctx.ts)),
                }
            }
        }
        _ => {}
    }
    Ok(())
}

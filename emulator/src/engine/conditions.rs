//! Lightweight-transaction conditions (`IF NOT EXISTS`, `IF EXISTS`, `IF col op value`),
//! checked against the current row, and the `[applied]` result Cassandra returns.

mod cas;

use bytes::Bytes;
use cassia_protocol::response::{ColumnSpec, ServerError};
use cassia_protocol::types::ColumnType;

use super::read::{RowRef, passes};
use super::restrict::in_list;
use super::result::RowsBuilder;
use super::schema::Table;
use super::specs::Specs;
use super::term::{Binds, Receiver, Val, eval};
use crate::catalog::invalid;
use crate::cql::ast::{Condition, ConditionValue, InValues, Operator, Term};
use crate::store::compare::{compare, elements, map_elements};

pub(crate) use cas::CasRequest;

/// One `IF` column condition.
#[derive(Debug, Clone)]
pub(crate) struct Cond {
    pub col: usize,
    pub element: Option<Term>,
    pub field: Option<usize>,
    pub op: Operator,
    pub value: Result<Term, InValues>,
}

/// The condition of a conditional statement.
#[derive(Debug, Clone)]
pub(crate) enum CondPlan {
    NotExists,
    Exists,
    Columns(Vec<Cond>),
}

impl CondPlan {
    /// Plans an UPDATE/DELETE condition.
    pub fn prepare(
        table: &Table,
        cond: Option<&Condition>,
        specs: &mut Specs,
    ) -> Result<Option<CondPlan>, ServerError> {
        let Some(cond) = cond else { return Ok(None) };
        let conds = match cond {
            Condition::Exists => return Ok(Some(CondPlan::Exists)),
            Condition::Columns(c) => c,
        };
        let mut out = Vec::new();
        for c in conds {
            let Some((idx, col)) = table.col(&c.column) else {
                return Err(invalid(format!("Undefined column name {}", c.column)));
            };
            if col.kind.is_primary_key() {
                return Err(invalid(format!(
                    "PRIMARY KEY column '{}' cannot have IF conditions",
                    c.column
                )));
            }
            let mut typ = col.typ.clone();
            if let Some(e) = &c.element {
                let (kt, vt) = match &col.typ {
                    ColumnType::List(v) => (ColumnType::Int, (**v).clone()),
                    ColumnType::Map(k, v) => ((**k).clone(), (**v).clone()),
                    _ => {
                        return Err(invalid(format!(
                            "Invalid element access syntax for non-collection column {}",
                            c.column
                        )));
                    }
                };
                specs.term(e, &format!("key({})", c.column), &kt);
                typ = vt;
            }
            let mut field = None;
            if let Some(f) = &c.field {
                let ColumnType::Udt { fields, .. } = &col.typ else {
                    return Err(invalid(format!(
                        "Invalid field access for non-UDT column {}",
                        c.column
                    )));
                };
                let pos = fields
                    .iter()
                    .position(|(n, _)| n == f)
                    .ok_or_else(|| invalid(format!("Unknown field {f} for column {}", c.column)))?;
                typ = fields[pos].1.clone();
                field = Some(pos);
            }
            let value = match &c.value {
                ConditionValue::Term(t) => {
                    specs.term(t, &c.column, &typ);
                    Ok(t.clone())
                }
                ConditionValue::In(iv) => {
                    specs.in_values(iv, &c.column, &typ);
                    Err(iv.clone())
                }
            };
            out.push(Cond {
                col: idx,
                element: c.element.clone(),
                field,
                op: c.op,
                value,
            });
        }
        Ok(Some(CondPlan::Columns(out)))
    }

    /// Whether the condition holds for the current row (`None` = no live row).
    pub fn holds(
        &self,
        table: &Table,
        row: Option<&RowRef<'_>>,
        binds: &Binds<'_>,
    ) -> Result<bool, ServerError> {
        match self {
            CondPlan::NotExists => Ok(row.is_none()),
            CondPlan::Exists => Ok(row.is_some()),
            CondPlan::Columns(conds) => {
                for c in conds {
                    if !cond_holds(table, c, row, binds)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
        }
    }
}

/// The `[applied]` result Cassandra builds (`ModificationStatement.buildCasResultSet`):
/// `[applied]` alone when applied or when no row exists; else `[applied]` followed by the
/// reported columns of each existing row (`columns` = None: every column). `rows` holds
/// each existing row's values for every table column.
pub(crate) fn applied_result(
    table: &Table,
    applied: bool,
    columns: Option<&[usize]>,
    rows: &[Vec<Option<Bytes>>],
) -> cassia_protocol::response::Rows {
    let spec = |name: &str, typ: ColumnType| ColumnSpec {
        keyspace: table.keyspace().to_owned(),
        table: table.name().to_owned(),
        name: name.to_owned(),
        typ,
    };
    let flag = || Some(Bytes::from_static(if applied { &[1] } else { &[0] }));
    let mut specs = vec![spec("[applied]", ColumnType::Boolean)];
    let mut b = RowsBuilder::default();
    if applied || rows.is_empty() {
        b.push([flag()]);
        return b.finish(specs, None);
    }
    let all: Vec<usize> = (0..table.cols.len()).collect();
    let cols = columns.unwrap_or(&all);
    for i in cols {
        if let Some(col) = table.cols.get(*i) {
            specs.push(spec(&col.name, col.typ.clone()));
        }
    }
    for row in rows {
        let mut cells = vec![flag()];
        cells.extend(cols.iter().map(|i| row.get(*i).cloned().flatten()));
        b.push(cells);
    }
    b.finish(specs, None)
}

fn cond_holds(
    table: &Table,
    c: &Cond,
    row: Option<&RowRef<'_>>,
    binds: &Binds<'_>,
) -> Result<bool, ServerError> {
    let col = &table.cols[c.col];
    let mut current = row.and_then(|r| r.value(table, c.col));
    let mut typ = col.typ.clone();
    if let Some(e) = &c.element {
        let (kt, vt) = match &col.typ {
            ColumnType::List(v) => (ColumnType::Int, (**v).clone()),
            ColumnType::Map(k, v) => ((**k).clone(), (**v).clone()),
            _ => return Ok(false),
        };
        let key = eval(
            e,
            Receiver {
                name: &col.name,
                typ: &kt,
            },
            binds,
        )?;
        current = match (&current, key.bytes()) {
            (Some(cur), Some(k)) => match &col.typ {
                ColumnType::List(_) => {
                    let items = elements(cur);
                    let i = <[u8; 4]>::try_from(k.as_ref())
                        .map(i32::from_be_bytes)
                        .unwrap_or(-1);
                    usize::try_from(i)
                        .ok()
                        .and_then(|i| items.get(i))
                        .map(|b| Bytes::copy_from_slice(b))
                }
                _ => map_elements(cur)
                    .chunks_exact(2)
                    .find(|kv| compare(&kt, kv[0], k).is_eq())
                    .map(|kv| Bytes::copy_from_slice(kv[1])),
            },
            _ => None,
        };
        typ = vt;
    }
    if let Some(pos) = c.field {
        if let ColumnType::Udt { fields, .. } = &col.typ {
            typ = fields.get(pos).map_or(ColumnType::Blob, |f| f.1.clone());
        }
        current = current
            .and_then(|b| super::restrict::split_tuple(&b).into_iter().nth(pos))
            .filter(|b| !b.is_empty());
    }
    let values: Vec<Option<Bytes>> = match &c.value {
        Ok(t) => match eval(
            t,
            Receiver {
                name: &col.name,
                typ: &typ,
            },
            binds,
        )? {
            Val::Value(b) => vec![Some(b)],
            _ => vec![None],
        },
        Err(iv) => in_list(iv, &col.name, &typ, binds)?
            .into_iter()
            .map(Some)
            .collect(),
    };
    Ok(values.iter().any(|v| match (v, &current) {
        (None, None) => matches!(c.op, Operator::Eq),
        (None, Some(_)) => matches!(c.op, Operator::Ne),
        (Some(_), None) => matches!(c.op, Operator::Ne),
        (Some(v), Some(cur)) => passes(&typ, Some(cur), c.op, v, None),
    }))
}

/// CQL3CasRequest's per-row bookkeeping for a conditional batch: each row (`None` for the
/// static row) takes one kind of condition; repeating IF [NOT] EXISTS is fine, mixing kinds
/// is refused with the message of `addExistsCondition` or `addConditions`.
pub(crate) fn check_row_mix<'a>(
    rows: impl IntoIterator<Item = (Option<&'a [Bytes]>, &'a CondPlan)>,
) -> Result<(), ServerError> {
    let mut seen: Vec<(Option<&[Bytes]>, &CondPlan)> = Vec::new();
    for (row, cond) in rows {
        let Some((_, previous)) = seen.iter().find(|(r, _)| *r == row) else {
            seen.push((row, cond));
            continue;
        };
        let message = match (previous, cond) {
            (CondPlan::NotExists, CondPlan::NotExists)
            | (CondPlan::Exists, CondPlan::Exists)
            | (CondPlan::Columns(_), CondPlan::Columns(_)) => continue,
            (CondPlan::Columns(_), CondPlan::NotExists) => {
                "Cannot mix IF conditions and IF NOT EXISTS for the same row"
            }
            (CondPlan::Columns(_), CondPlan::Exists) => {
                "Cannot mix IF conditions and IF EXISTS for the same row"
            }
            // 4.0's addConditions names IF NOT EXISTS whichever existence test came first.
            (_, CondPlan::Columns(_)) => {
                "Cannot mix IF conditions and IF NOT EXISTS for the same row"
            }
            _ => "Cannot mix IF EXISTS and IF NOT EXISTS conditions for the same row",
        };
        return Err(invalid(message));
    }
    Ok(())
}

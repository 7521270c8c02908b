//! Evaluated restrictions: the values of EQ/IN/slice restrictions on key columns after
//! binding, matched against a row's key values; IN lists, tuples and key combinations.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use bytes::Bytes;
use cassia_protocol::response::ServerError;
use cassia_protocol::types::ColumnType;

use super::restrict::{Restr, col_index};
use super::schema::Table;
use super::term::{Binds, Receiver, Val, eval};
use crate::catalog::invalid;
use crate::cql::ast::{InValues, Operator, Term};
use crate::store::compare::{compare, elements};

pub(crate) fn conditions(
    restrs: &[Option<Restr>],
    cols: &[usize],
    table: &Table,
    binds: &Binds<'_>,
) -> Result<Vec<(usize, ColumnType, CkCond)>, ServerError> {
    let mut conds = Vec::new();
    for (pos, r) in restrs.iter().enumerate() {
        let Some(r) = r else { continue };
        let Some(col) = cols.get(pos).and_then(|i| table.cols.get(*i)) else {
            continue;
        };
        let cond = match r {
            Restr::Eq(_) | Restr::In(_) => CkCond::In(restr_values(r, &col.name, &col.typ, binds)?),
            Restr::Range(lo, hi) => {
                let b = |x: &Option<(Term, bool)>| -> Result<Option<(Bytes, bool)>, ServerError> {
                    match x {
                        Some((t, inc)) => Ok(eval(
                            t,
                            Receiver {
                                name: &col.name,
                                typ: &col.typ,
                            },
                            binds,
                        )?
                        .bytes()
                        .cloned()
                        .map(|v| (v, *inc))),
                        None => Ok(None),
                    }
                };
                CkCond::Range(b(lo)?, b(hi)?)
            }
        };
        conds.push((pos, col.typ.clone(), cond));
    }
    Ok(conds)
}

/// Evaluated clustering restrictions.
#[derive(Debug, Default)]
pub(crate) struct CkMatch {
    pub(crate) conds: Vec<(usize, ColumnType, CkCond)>,
    pub(crate) multis: Vec<MultiMatch>,
}

/// A multi-column relation: clustering positions, their types, the operator (None = IN)
/// and the tuples to compare with.
pub(crate) type MultiMatch = (
    Vec<usize>,
    Vec<ColumnType>,
    Option<Operator>,
    Vec<Vec<Bytes>>,
);

#[derive(Debug)]
pub(crate) enum CkCond {
    In(Vec<Bytes>),
    Range(Option<(Bytes, bool)>, Option<(Bytes, bool)>),
}

impl CkMatch {
    /// Whether a row's clustering values pass.
    pub fn matches(&self, ck: &[Bytes]) -> bool {
        for (pos, typ, cond) in &self.conds {
            let Some(v) = ck.get(*pos) else { return false };
            let ok = match cond {
                CkCond::In(vals) => vals.iter().any(|x| compare(typ, v, x).is_eq()),
                CkCond::Range(lo, hi) => {
                    lo.as_ref().is_none_or(|(b, inc)| match compare(typ, v, b) {
                        Ordering::Greater => true,
                        Ordering::Equal => *inc,
                        Ordering::Less => false,
                    }) && hi.as_ref().is_none_or(|(b, inc)| match compare(typ, v, b) {
                        Ordering::Less => true,
                        Ordering::Equal => *inc,
                        Ordering::Greater => false,
                    })
                }
            };
            if !ok {
                return false;
            }
        }
        for (positions, types, op, tuples) in &self.multis {
            let cmp_with = |t: &Vec<Bytes>| -> Ordering {
                for ((p, typ), x) in positions.iter().zip(types.iter()).zip(t.iter()) {
                    let o = ck.get(*p).map_or(Ordering::Less, |v| compare(typ, v, x));
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                Ordering::Equal
            };
            let ok = match op {
                None | Some(Operator::Eq) => tuples.iter().any(|t| cmp_with(t).is_eq()),
                Some(Operator::Gt) => tuples.iter().all(|t| cmp_with(t) == Ordering::Greater),
                Some(Operator::Ge) => tuples.iter().all(|t| cmp_with(t) != Ordering::Less),
                Some(Operator::Lt) => tuples.iter().all(|t| cmp_with(t) == Ordering::Less),
                Some(Operator::Le) => tuples.iter().all(|t| cmp_with(t) != Ordering::Greater),
                _ => true,
            };
            if !ok {
                return false;
            }
        }
        true
    }

    /// Full clustering keys when every clustering column is restricted by EQ/IN.
    pub fn exact_keys(&self, ck_len: usize) -> Option<Vec<Vec<Bytes>>> {
        if !self.multis.is_empty() {
            let (positions, _, op, tuples) = self.multis.first()?;
            if self.multis.len() == 1
                && self.conds.is_empty()
                && matches!(op, None | Some(Operator::Eq))
                && positions.len() == ck_len
            {
                return Some(tuples.clone());
            }
            return None;
        }
        if self.conds.len() != ck_len {
            return None;
        }
        let mut per: Vec<Vec<Bytes>> = Vec::new();
        for (_, _, c) in &self.conds {
            match c {
                CkCond::In(v) => per.push(v.clone()),
                CkCond::Range(..) => return None,
            }
        }
        let mut out = Vec::new();
        cartesian(&per, &mut Vec::new(), &mut |parts| out.push(parts.to_vec()));
        Some(out)
    }

    /// Whether there is no clustering restriction at all.
    /// The leading clustering values fixed by single-valued EQ restrictions (`c1 = x AND
    /// c2 = y`), which bound the rows a query can match.
    pub fn eq_prefix(&self) -> Vec<Bytes> {
        let mut out = Vec::new();
        for (i, (pos, _, cond)) in self.conds.iter().enumerate() {
            match cond {
                CkCond::In(vals) if *pos == i && vals.len() == 1 => {
                    out.extend(vals.first().cloned());
                }
                _ => break,
            }
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.conds.is_empty() && self.multis.is_empty()
    }
}

pub(crate) fn multi_positions(
    table: &Table,
    columns: &[String],
) -> Result<Vec<usize>, ServerError> {
    let mut out = Vec::new();
    for (n, c) in columns.iter().enumerate() {
        let idx = col_index(table, c)?;
        let Some(pos) = table.ck.iter().position(|i| *i == idx) else {
            return Err(invalid(format!(
                "Multi-column relations can only be applied to clustering columns but was applied to: {c}"
            )));
        };
        if pos != n {
            return Err(invalid(format!(
                "Clustering columns must appear in the PRIMARY KEY order in multi-column relations: ({})",
                columns.join(", ")
            )));
        }
        out.push(pos);
    }
    Ok(out)
}

/// Splits a serialized tuple into components (null components become empty).
pub(crate) fn split_tuple(b: &[u8]) -> Vec<Bytes> {
    tuple_components(b)
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect()
}

/// The components of a tuple or UDT value, `None` for a null one. Unlike `split_tuple`, an
/// empty component stays apart from a null one: Cassandra writes a cell for an empty string
/// in a non-frozen UDT, so `{a: ''}` reads back as a value, not as null.
pub(crate) fn tuple_components(v: &[u8]) -> Vec<Option<Bytes>> {
    let mut out = Vec::new();
    let mut rest = v;
    while let Some((len, tail)) = rest.split_first_chunk::<4>() {
        let Ok(len) = usize::try_from(i32::from_be_bytes(*len)) else {
            out.push(None);
            rest = tail;
            continue;
        };
        let Some((item, tail)) = tail.split_at_checked(len) else {
            break;
        };
        out.push(Some(Bytes::copy_from_slice(item)));
        rest = tail;
    }
    out
}

/// The values of an `IN` (or a single `=`), deduplicated and sorted as Cassandra does.
pub(crate) fn restr_values(
    r: &Restr,
    name: &str,
    typ: &ColumnType,
    binds: &Binds<'_>,
) -> Result<Vec<Bytes>, ServerError> {
    let mut vals = match r {
        Restr::Eq(t) => match eval(t, Receiver { name, typ }, binds)? {
            Val::Value(b) => vec![b],
            Val::Null => {
                return Err(invalid(format!(
                    "Invalid null value in condition for column {name}"
                )));
            }
            Val::Unset => return Err(invalid(format!("Invalid unset value for column {name}"))),
        },
        Restr::In(values) => in_list(values, name, typ, binds)?,
        Restr::Range(..) => Vec::new(),
    };
    if vals.len() > 1 {
        let set: BTreeSet<Vec<u8>> = vals.iter().map(|b| b.to_vec()).collect();
        if set.len() != vals.len() {
            vals = set.into_iter().map(Bytes::from).collect();
        }
    }
    Ok(vals)
}

/// Evaluates the values of an `IN`.
pub(crate) fn in_list(
    values: &InValues,
    name: &str,
    typ: &ColumnType,
    binds: &Binds<'_>,
) -> Result<Vec<Bytes>, ServerError> {
    match values {
        InValues::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for t in items {
                match eval(t, Receiver { name, typ }, binds)? {
                    Val::Value(b) => out.push(b),
                    Val::Null => {
                        return Err(invalid(format!(
                            "Invalid null value in condition for column {name}"
                        )));
                    }
                    Val::Unset => {
                        return Err(invalid(format!("Invalid unset value for column {name}")));
                    }
                }
            }
            Ok(out)
        }
        InValues::Bind(m) => {
            let list_typ = ColumnType::List(Box::new(typ.clone()));
            match eval(
                &Term::Bind(m.clone()),
                Receiver {
                    name,
                    typ: &list_typ,
                },
                binds,
            )? {
                Val::Value(b) => Ok(elements(&b)
                    .into_iter()
                    .map(Bytes::copy_from_slice)
                    .collect()),
                Val::Null => Err(invalid(format!("Invalid null value for column {name}"))),
                Val::Unset => Err(invalid(format!("Invalid unset value for column {name}"))),
            }
        }
    }
}

pub(crate) fn cartesian(per: &[Vec<Bytes>], acc: &mut Vec<Bytes>, out: &mut dyn FnMut(&[Bytes])) {
    match per.split_first() {
        None => out(acc),
        Some((first, rest)) => {
            for v in first {
                acc.push(v.clone());
                cartesian(rest, acc, out);
                acc.pop();
            }
        }
    }
}

//! INSERT, UPDATE and DELETE: planning (which columns, which operations, which rows, with
//! Cassandra's validation messages). Applying a plan to one partition, all or nothing, lives
//! in `apply`; the per-column operations themselves in `mutation`.

use std::sync::Arc;

use bytes::Bytes;
use cassia_protocol::response::ServerError;
use cassia_protocol::types::ColumnType;

use super::conditions::CondPlan;
use super::restrict::{Restr, Where};
use super::schema::{Col, Table};
use super::specs::Specs;
use super::term::{Binds, Receiver, Val, eval};
use crate::catalog::{ColumnKind, invalid};
use crate::cql::ast::{Assignment, Delete, DeleteTarget, Insert, Term, Update, Using};
use crate::store::{Bound, Slice};

/// One change to one column.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    Set(usize, Term),
    SetElement(usize, Term, Term),
    SetField(usize, usize, Term),
    Add(usize, Term),
    Prepend(usize, Term),
    Remove(usize, Term),
    Delete(usize),
    DeleteElement(usize, Term),
    DeleteField(usize, usize),
}

impl Op {
    pub(crate) fn col(&self) -> usize {
        match self {
            Op::Set(c, _)
            | Op::SetElement(c, ..)
            | Op::SetField(c, ..)
            | Op::Add(c, _)
            | Op::Prepend(c, _)
            | Op::Remove(c, _)
            | Op::Delete(c)
            | Op::DeleteElement(c, _)
            | Op::DeleteField(c, _) => *c,
        }
    }
}

/// Which statement a plan came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Insert,
    Update,
    Delete,
}

/// A prepared INSERT/UPDATE/DELETE.
#[derive(Debug)]
pub(crate) struct WritePlan {
    pub table: Arc<Table>,
    pub kind: Kind,
    pub restrictions: Where,
    pub ops: Vec<Op>,
    pub ttl: Option<Term>,
    pub timestamp: Option<Term>,
    pub condition: Option<CondPlan>,
    /// `INSERT ... JSON`: the statement, re-planned with the decoded values on each run.
    pub json: Option<Box<Insert>>,
}

fn col_index(table: &Table, name: &str) -> Result<usize, ServerError> {
    table
        .col(name)
        .map(|(i, _)| i)
        .ok_or_else(|| invalid(format!("Undefined column name {name}")))
}

fn using(u: &Using, specs: &mut Specs) {
    if let Some(t) = &u.ttl {
        specs.term(t, "[ttl]", &ColumnType::Int);
    }
    if let Some(t) = &u.timestamp {
        specs.term(t, "[timestamp]", &ColumnType::BigInt);
    }
}

fn check_counter_use(table: &Table, col: &Col, op: &Op) -> Result<(), ServerError> {
    let is_counter = col.typ == ColumnType::Counter;
    match op {
        Op::Set(..) if is_counter => Err(invalid(format!(
            "Cannot set the value of counter column {} (counters can only be incremented/decremented, not set)",
            col.name
        ))),
        Op::Add(..) | Op::Remove(..) if !is_counter && !col.typ.is_collection() => {
            Err(invalid(format!(
                "Invalid operation ({0} = {0} + ?) for non counter column {0}",
                col.name
            )))
        }
        _ if table.def.is_counter && !is_counter && !col.kind.is_primary_key() => Err(invalid(
            "Cannot mix counter and non counter columns in the same table",
        )),
        _ => Ok(()),
    }
}

pub(crate) fn element_types(col: &Col) -> (ColumnType, ColumnType) {
    match &col.typ {
        ColumnType::List(e) => (ColumnType::Int, (**e).clone()),
        ColumnType::Set(e) => ((**e).clone(), (**e).clone()),
        ColumnType::Map(k, v) => ((**k).clone(), (**v).clone()),
        other => (other.clone(), other.clone()),
    }
}

impl WritePlan {
    /// Plans an INSERT.
    pub fn insert(
        table: Arc<Table>,
        stmt: &Insert,
        specs: &mut Specs,
    ) -> Result<WritePlan, ServerError> {
        if let Some((json, _)) = &stmt.json {
            specs.term(json, "[json]", &ColumnType::Text);
            using(&stmt.using, specs);
            return Ok(WritePlan {
                table,
                kind: Kind::Insert,
                restrictions: Where::default(),
                ops: Vec::new(),
                ttl: None,
                timestamp: None,
                condition: stmt.if_not_exists.then_some(CondPlan::NotExists),
                json: Some(Box::new(stmt.clone())),
            });
        }
        if table.def.is_counter {
            return Err(invalid(
                "INSERT statements are not allowed on counter tables, use UPDATE instead",
            ));
        }
        if stmt.columns.len() != stmt.values.len() {
            return Err(invalid("Unmatched column names/values"));
        }
        let mut restrictions = Where {
            pk: vec![None; table.pk.len()],
            ck: vec![None; table.ck.len()],
            ..Where::default()
        };
        let mut ops = Vec::new();
        let mut seen = Vec::new();
        for (name, value) in stmt.columns.iter().zip(stmt.values.iter()) {
            let idx = col_index(&table, name)?;
            if seen.contains(&idx) {
                return Err(invalid(format!(
                    "Multiple definitions found for column {name}"
                )));
            }
            seen.push(idx);
            let col = &table.cols[idx];
            specs.term(value, name, &col.typ);
            match col.kind {
                ColumnKind::PartitionKey(_) => {
                    let pos = table.pk.iter().position(|i| *i == idx).unwrap_or(0);
                    if let Some(slot) = restrictions.pk.get_mut(pos) {
                        *slot = Some(Restr::Eq(value.clone()));
                    }
                }
                ColumnKind::Clustering(..) => {
                    let pos = table.ck.iter().position(|i| *i == idx).unwrap_or(0);
                    if let Some(slot) = restrictions.ck.get_mut(pos) {
                        *slot = Some(Restr::Eq(value.clone()));
                    }
                }
                _ => ops.push(Op::Set(idx, value.clone())),
            }
        }
        let missing_pk = restrictions.missing_pk(&table);
        if !missing_pk.is_empty() {
            return Err(invalid(format!(
                "Some partition key parts are missing: {}",
                missing_pk.join(", ")
            )));
        }
        let missing_ck: Vec<String> = restrictions
            .ck
            .iter()
            .zip(table.ck.iter())
            .filter(|(r, _)| r.is_none())
            .map(|(_, i)| table.cols[*i].name.clone())
            .collect();
        let static_only = !ops.is_empty()
            && ops
                .iter()
                .all(|o| table.cols[o.col()].kind == ColumnKind::Static);
        let no_ck_given = missing_ck.len() == table.ck.len();
        if !(missing_ck.is_empty() || static_only && no_ck_given) {
            return Err(invalid(format!(
                "Some clustering keys are missing: {}",
                missing_ck.join(", ")
            )));
        }
        using(&stmt.using, specs);
        if stmt.if_not_exists && stmt.using.timestamp.is_some() {
            return Err(invalid(
                "Cannot provide custom timestamp for conditional updates",
            ));
        }
        Ok(WritePlan {
            table,
            kind: Kind::Insert,
            restrictions,
            ops,
            ttl: stmt.using.ttl.clone(),
            timestamp: stmt.using.timestamp.clone(),
            condition: stmt.if_not_exists.then_some(CondPlan::NotExists),
            json: None,
        })
    }

    /// Plans an UPDATE.
    pub fn update(
        table: Arc<Table>,
        stmt: &Update,
        specs: &mut Specs,
    ) -> Result<WritePlan, ServerError> {
        using(&stmt.using, specs);
        let mut ops = Vec::new();
        for a in &stmt.assignments {
            let (name, op) = match a {
                Assignment::Set { column, value } => {
                    (column, Op::Set(col_index(&table, column)?, value.clone()))
                }
                Assignment::SetElement { column, key, value } => (
                    column,
                    Op::SetElement(col_index(&table, column)?, key.clone(), value.clone()),
                ),
                Assignment::SetField {
                    column,
                    field,
                    value,
                } => {
                    let idx = col_index(&table, column)?;
                    let ColumnType::Udt { fields, .. } = &table.cols[idx].typ else {
                        return Err(invalid(format!(
                            "Invalid operation ({column}.{field} = ...) for non-UDT column {column}"
                        )));
                    };
                    let Some(pos) = fields.iter().position(|(f, _)| f == field) else {
                        return Err(invalid(format!(
                            "UDT column {column} does not have a field named {field}"
                        )));
                    };
                    (column, Op::SetField(idx, pos, value.clone()))
                }
                Assignment::Add { column, value } => {
                    (column, Op::Add(col_index(&table, column)?, value.clone()))
                }
                Assignment::Prepend { column, value } => (
                    column,
                    Op::Prepend(col_index(&table, column)?, value.clone()),
                ),
                Assignment::Remove { column, value } => (
                    column,
                    Op::Remove(col_index(&table, column)?, value.clone()),
                ),
            };
            let col = &table.cols[op.col()];
            if col.kind.is_primary_key() {
                return Err(invalid(format!(
                    "PRIMARY KEY part {name} found in SET part"
                )));
            }
            check_counter_use(&table, col, &op)?;
            op_specs(&op, col, specs);
            ops.push(op);
        }
        let restrictions = modification_where(&table, &stmt.where_clause, specs, "UPDATE")?;
        let condition = CondPlan::prepare(&table, stmt.condition.as_ref(), specs)?;
        refuse_counter_conditions(&table, condition.as_ref())?;
        if condition.is_some() && stmt.using.timestamp.is_some() {
            return Err(invalid(
                "Cannot provide custom timestamp for conditional updates",
            ));
        }
        if table.def.is_counter && stmt.using.timestamp.is_some() {
            return Err(invalid(
                "Cannot provide custom timestamp for counter updates",
            ));
        }
        if table.def.is_counter && stmt.using.ttl.is_some() {
            return Err(invalid("Cannot provide custom TTL for counter updates"));
        }
        Ok(WritePlan {
            table,
            kind: Kind::Update,
            restrictions,
            ops,
            ttl: stmt.using.ttl.clone(),
            timestamp: stmt.using.timestamp.clone(),
            condition,
            json: None,
        })
    }

    /// Plans a DELETE.
    pub fn delete(
        table: Arc<Table>,
        stmt: &Delete,
        specs: &mut Specs,
    ) -> Result<WritePlan, ServerError> {
        if let Some(t) = &stmt.timestamp {
            specs.term(t, "[timestamp]", &ColumnType::BigInt);
        }
        let mut ops = Vec::new();
        for t in &stmt.targets {
            let op = match t {
                DeleteTarget::Column(c) => Op::Delete(col_index(&table, c)?),
                DeleteTarget::Element { column, key } => {
                    Op::DeleteElement(col_index(&table, column)?, key.clone())
                }
                DeleteTarget::Field { column, field } => {
                    let idx = col_index(&table, column)?;
                    let ColumnType::Udt { fields, .. } = &table.cols[idx].typ else {
                        return Err(invalid(format!(
                            "Invalid deletion operation for non-UDT column {column}"
                        )));
                    };
                    let pos = fields.iter().position(|(f, _)| f == field).ok_or_else(|| {
                        invalid(format!(
                            "UDT column {column} does not have a field named {field}"
                        ))
                    })?;
                    Op::DeleteField(idx, pos)
                }
            };
            let col = &table.cols[op.col()];
            if col.kind.is_primary_key() {
                return Err(invalid(format!(
                    "Invalid identifier {} for deletion (should not be a PRIMARY KEY part)",
                    col.name
                )));
            }
            op_specs(&op, col, specs);
            ops.push(op);
        }
        let restrictions = modification_where(&table, &stmt.where_clause, specs, "DELETE")?;
        let condition = CondPlan::prepare(&table, stmt.condition.as_ref(), specs)?;
        refuse_counter_conditions(&table, condition.as_ref())?;
        if condition.is_some() && stmt.timestamp.is_some() {
            return Err(invalid(
                "Cannot provide custom timestamp for conditional updates",
            ));
        }
        Ok(WritePlan {
            table,
            kind: Kind::Delete,
            restrictions,
            ops,
            ttl: None,
            timestamp: stmt.timestamp.clone(),
            condition,
            json: None,
        })
    }

    /// The statement's timestamp (USING TIMESTAMP, else the client's, else the server clock).
    /// `UpdateParameters` refuses `Long.MIN_VALUE`, which Cassandra uses internally for "no
    /// timestamp". That check sits in `UpdateParameters`' constructor, whose arguments
    /// (`ModificationStatement.makeUpdateParameters`) evaluate the timestamp and then the TTL:
    /// a bad TTL's error therefore wins over a `Long.MIN_VALUE` timestamp, while a null
    /// timestamp's wins over the TTL's.
    pub fn timestamp(&self, binds: &Binds<'_>, default: i64) -> Result<i64, ServerError> {
        let ts = self.timestamp_unchecked(binds, default)?;
        if ts == i64::MIN {
            self.ttl(binds)?;
            return Err(invalid(format!(
                "Out of bound timestamp, must be in [{}, {}]",
                i64::MIN + 1,
                i64::MAX
            )));
        }
        Ok(ts)
    }

    fn timestamp_unchecked(&self, binds: &Binds<'_>, default: i64) -> Result<i64, ServerError> {
        match &self.timestamp {
            Some(t) => match eval(
                t,
                Receiver {
                    name: "[timestamp]",
                    typ: &ColumnType::BigInt,
                },
                binds,
            )? {
                Val::Value(b) => Ok(<[u8; 8]>::try_from(b.as_ref())
                    .map(i64::from_be_bytes)
                    .unwrap_or(default)),
                Val::Null => Err(invalid("Invalid null value of timestamp")),
                Val::Unset => Ok(default),
            },
            None => Ok(default),
        }
    }

    pub(super) fn ttl(&self, binds: &Binds<'_>) -> Result<i32, ServerError> {
        let default = self.table.def.options.default_time_to_live;
        match &self.ttl {
            Some(t) => match eval(
                t,
                Receiver {
                    name: "[ttl]",
                    typ: &ColumnType::Int,
                },
                binds,
            )? {
                Val::Value(b) => {
                    let v = <[u8; 4]>::try_from(b.as_ref())
                        .map(i32::from_be_bytes)
                        .unwrap_or(0);
                    if v < 0 {
                        return Err(invalid(format!(
                            "A TTL must be greater or equal to 0, but was {v}"
                        )));
                    }
                    if v > 630_720_000 {
                        return Err(invalid(format!(
                            "ttl is too large. requested ({v}) maximum (630720000)"
                        )));
                    }
                    if default != 0 && v == 0 {
                        return Ok(0);
                    }
                    self.check_expiration_overflow(v, false)?;
                    Ok(v)
                }
                Val::Null => Ok(0),
                Val::Unset => Ok(default),
            },
            None => {
                self.check_expiration_overflow(default, true)?;
                Ok(default)
            }
        }
    }

    /// `ExpirationDateOverflowHandling` with its default REJECT policy: a cell's local
    /// expiration time is an `int` of seconds, so a TTL reaching past 2038-01-19 is refused.
    fn check_expiration_overflow(&self, ttl: i32, is_default: bool) -> Result<(), ServerError> {
        if ttl == 0 || i64::from(ttl) + crate::store::now_secs() <= i64::from(i32::MAX) {
            return Ok(());
        }
        let def = &self.table.def;
        Err(invalid(format!(
            "Request on table {}.{} with {}ttl of {ttl} seconds exceeds maximum supported expiration date of 2038-01-19T03:14:06+00:00. In order to avoid this use a lower TTL, change the expiration date overflow policy or upgrade to a version where this limitation is fixed. See CASSANDRA-14092 for more details.",
            def.keyspace,
            def.name,
            if is_default { "default " } else { "" }
        )))
    }

    /// For INSERT JSON: the plan of the equivalent INSERT with the decoded values.
    pub fn resolve_json(&self, binds: &Binds<'_>) -> Result<Option<WritePlan>, ServerError> {
        let Some(stmt) = &self.json else {
            return Ok(None);
        };
        let Some((term, default_null)) = &stmt.json else {
            return Ok(None);
        };
        let text = match eval(
            term,
            Receiver {
                name: "[json]",
                typ: &ColumnType::Text,
            },
            binds,
        )? {
            Val::Value(b) => {
                String::from_utf8(b.to_vec()).map_err(|_| invalid("String didn't validate."))?
            }
            _ => return Err(invalid("Got null for INSERT JSON values")),
        };
        let pairs = super::json::insert_terms(&self.table, &text, *default_null)?;
        let insert = Insert {
            table: stmt.table.clone(),
            columns: pairs.iter().map(|(c, _)| c.clone()).collect(),
            values: pairs.into_iter().map(|(_, t)| t).collect(),
            json: None,
            if_not_exists: stmt.if_not_exists,
            using: stmt.using.clone(),
        };
        let mut specs = Specs::new(self.table.keyspace(), self.table.name());
        WritePlan::insert(self.table.clone(), &insert, &mut specs).map(Some)
    }

    /// The partition keys and rows this statement targets.
    pub fn targets(&self, binds: &Binds<'_>) -> Result<(Vec<Bytes>, Target), ServerError> {
        let keys = match self.restrictions.partitions(&self.table, binds)? {
            Some(super::restrict::Partitions::Keys(k)) => k,
            _ => {
                let missing = self.restrictions.missing_pk(&self.table);
                return Err(invalid(format!(
                    "Some partition key parts are missing: {}",
                    missing.join(", ")
                )));
            }
        };
        // QueryProcessor.validateKey, key by key: a key is stored with a short length.
        for key in &keys {
            if key.is_empty() {
                return Err(invalid("Key may not be empty"));
            }
            if key.len() > usize::from(u16::MAX) {
                return Err(invalid(format!(
                    "Key length of {} is longer than maximum of {}",
                    key.len(),
                    u16::MAX
                )));
            }
        }
        let ck = self.restrictions.clustering(&self.table, binds)?;
        let ck_len = self.table.ck.len();
        let target = if ck_len == 0 {
            Target::Rows(vec![Vec::new()])
        } else if let Some(rows) = ck.exact_keys(ck_len) {
            Target::Rows(rows)
        } else if ck.is_empty() && self.kind == Kind::Delete && self.ops.is_empty() {
            Target::Partition
        } else if ck.is_empty() && self.static_only() {
            Target::Static
        } else if self.kind == Kind::Delete && self.ops.is_empty() {
            Target::Ranges(self.slices(binds)?)
        } else {
            let missing: Vec<String> = self
                .restrictions
                .ck
                .iter()
                .zip(self.table.ck.iter())
                .filter(|(r, _)| !matches!(r, Some(Restr::Eq(_) | Restr::In(_))))
                .map(|(_, i)| self.table.cols[*i].name.clone())
                .collect();
            return Err(invalid(format!(
                "Some clustering keys are missing: {}",
                missing.join(", ")
            )));
        };
        Ok((keys, target))
    }

    fn static_only(&self) -> bool {
        !self.ops.is_empty()
            && self
                .ops
                .iter()
                .all(|o| self.table.cols[o.col()].kind == ColumnKind::Static)
    }

    /// The clustering slices of a range deletion: EQ and IN prefixes (one slice per
    /// combination, as Cassandra's `MultiCBuilder` builds its bounds) then an optional
    /// range on the next column.
    fn slices(&self, binds: &Binds<'_>) -> Result<Vec<Slice>, ServerError> {
        let table = &self.table;
        let mut prefixes: Vec<Vec<Bytes>> = vec![Vec::new()];
        for (pos, r) in self.restrictions.ck.iter().enumerate() {
            let col = &table.cols[table.ck[pos]];
            let recv = Receiver {
                name: &col.name,
                typ: &col.typ,
            };
            match r {
                Some(r @ (Restr::Eq(_) | Restr::In(_))) => {
                    let values = super::matching::restr_values(r, &col.name, &col.typ, binds)?;
                    prefixes = prefixes
                        .iter()
                        .flat_map(|p| {
                            values.iter().map(move |v| {
                                let mut p = p.clone();
                                p.push(v.clone());
                                p
                            })
                        })
                        .collect();
                }
                Some(Restr::Range(lo, hi)) => {
                    let desc = matches!(
                        col.kind,
                        ColumnKind::Clustering(_, crate::cql::ast::Order::Desc)
                    );
                    let value =
                        |x: &Option<(Term, bool)>| -> Result<Option<(Bytes, bool)>, ServerError> {
                            let Some((t, inc)) = x else { return Ok(None) };
                            Ok(eval(t, recv, binds)?.bytes().cloned().map(|v| (v, *inc)))
                        };
                    let (lo_v, hi_v) = (value(lo)?, value(hi)?);
                    let bound = |prefix: &[Bytes], v: &Option<(Bytes, bool)>| match v {
                        Some((v, inclusive)) => {
                            let mut p = prefix.to_vec();
                            p.push(v.clone());
                            Bound {
                                prefix: p,
                                inclusive: *inclusive,
                            }
                        }
                        None => Bound {
                            prefix: prefix.to_vec(),
                            inclusive: true,
                        },
                    };
                    return Ok(prefixes
                        .iter()
                        .map(|p| {
                            let (first, last) = if desc { (&hi_v, &lo_v) } else { (&lo_v, &hi_v) };
                            Slice {
                                start: bound(p, first),
                                end: bound(p, last),
                            }
                        })
                        .collect());
                }
                None => break,
            }
        }
        Ok(prefixes
            .into_iter()
            .map(|prefix| {
                if prefix.is_empty() {
                    Slice {
                        start: Bound::unbounded(),
                        end: Bound::unbounded(),
                    }
                } else {
                    Slice {
                        start: Bound {
                            prefix: prefix.clone(),
                            inclusive: true,
                        },
                        end: Bound {
                            prefix,
                            inclusive: true,
                        },
                    }
                }
            })
            .collect())
    }
}

/// What rows of a partition a statement touches.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    /// These full clustering keys (one empty key for tables without clustering).
    Rows(Vec<Vec<Bytes>>),
    /// Only the static row.
    Static,
    /// The whole partition (DELETE without clustering restriction).
    Partition,
    /// Clustering ranges (a range deletion; several with IN on a clustering prefix).
    Ranges(Vec<Slice>),
}

fn op_specs(op: &Op, col: &Col, specs: &mut Specs) {
    let (key_typ, val_typ) = element_types(col);
    match op {
        Op::Set(_, t) | Op::Add(_, t) | Op::Prepend(_, t) => specs.term(t, &col.name, &col.typ),
        Op::Remove(_, t) => {
            let typ = match &col.typ {
                ColumnType::Map(k, _) => ColumnType::Set(k.clone()),
                other => other.clone(),
            };
            specs.term(t, &col.name, &typ)
        }
        Op::SetElement(_, k, v) => {
            let kname = if matches!(col.typ, ColumnType::List(_)) {
                "idx"
            } else {
                "key"
            };
            specs.term(k, &format!("{kname}({})", col.name), &key_typ);
            specs.term(v, &format!("value({})", col.name), &val_typ);
        }
        Op::SetField(_, pos, v) => {
            if let ColumnType::Udt { fields, .. } = &col.typ {
                if let Some((f, t)) = fields.get(*pos) {
                    specs.term(v, &format!("{}.{f}", col.name), t);
                }
            }
        }
        Op::DeleteElement(_, k) => {
            let kname = if matches!(col.typ, ColumnType::List(_)) {
                "idx"
            } else {
                "key"
            };
            specs.term(k, &format!("{kname}({})", col.name), &key_typ);
        }
        Op::Delete(_) | Op::DeleteField(..) => {}
    }
}

fn modification_where(
    table: &Table,
    relations: &[crate::cql::ast::Relation],
    specs: &mut Specs,
    kind: &str,
) -> Result<Where, ServerError> {
    let w = Where::prepare(table, relations, specs, true)?;
    if let Some(f) = w.filters.first() {
        return Err(invalid(format!(
            "Non PRIMARY KEY columns found in where clause: {}",
            table.cols[f.col].name
        )));
    }
    if !w.token.is_empty() {
        return Err(invalid(format!(
            "The token function cannot be used in WHERE clauses for {kind} statements"
        )));
    }
    let unrestricted: Vec<String> =
        w.pk.iter()
            .zip(table.pk.iter())
            .filter(|(r, _)| r.is_none())
            .map(|(_, i)| table.cols[*i].name.clone())
            .collect();
    if !unrestricted.is_empty() {
        return Err(invalid(format!(
            "Some partition key parts are missing: {}",
            unrestricted.join(", ")
        )));
    }
    if w.pk.iter().any(|r| matches!(r, Some(Restr::Range(..)))) {
        return Err(invalid(format!(
            "Only EQ and IN relation are supported on the partition key (unless you use the token() function) for {kind} statements"
        )));
    }
    if kind == "UPDATE"
        && (w.ck.iter().any(|r| matches!(r, Some(Restr::Range(..))))
            || w.multi
                .iter()
                .any(|m| !matches!(m.op, None | Some(crate::cql::ast::Operator::Eq))))
    {
        return Err(invalid(format!(
            "Slice restrictions are not supported on the clustering columns in {kind} statements"
        )));
    }
    Ok(w)
}

/// ModificationStatement's constructor: no LWT may touch a counter table (checked before the
/// timestamp and TTL rules, which 4.0 applies later in `validate`).
fn refuse_counter_conditions(
    table: &Table,
    condition: Option<&CondPlan>,
) -> Result<(), ServerError> {
    if table.def.is_counter && condition.is_some() {
        return Err(invalid(
            "Conditional updates are not supported on counter tables",
        ));
    }
    Ok(())
}

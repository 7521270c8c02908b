//! WHERE clauses: sorting relations into partition-key, token, clustering and filtering
//! restrictions at prepare time (with Cassandra's validation messages), and evaluating them
//! against bound values at execution time.

use bytes::Bytes;
use cassia_protocol::response::ServerError;
use cassia_protocol::types::ColumnType;

pub(crate) use super::matching::{CkMatch, in_list, split_tuple};
use super::matching::{conditions, multi_positions};
use super::schema::Table;
use super::specs::Specs;
use super::term::{Binds, Receiver, Val, eval};
use crate::catalog::{ColumnKind, IndexTargetKind, invalid};
use crate::cql::ast::{InValues, Operator, Relation, Term};

/// The ALLOW FILTERING refusal, word for word.
pub(crate) const FILTERING_MESSAGE: &str = "Cannot execute this query as it might involve data filtering and thus may have unpredictable performance. If you want to execute this query despite the performance unpredictability, use ALLOW FILTERING";

/// A restriction on one key column.
#[derive(Debug, Clone)]
pub(crate) enum Restr {
    /// `=`.
    Eq(Term),
    /// `IN`.
    In(InValues),
    /// A slice (lower, upper), each with inclusiveness.
    Range(Option<(Term, bool)>, Option<(Term, bool)>),
}

/// A multi-column relation on clustering columns starting at the first one.
#[derive(Debug, Clone)]
pub(crate) struct Multi {
    /// Clustering positions.
    pub positions: Vec<usize>,
    /// Operator (Eq or a slice), or `None` for IN.
    pub op: Option<Operator>,
    /// Tuple term, or IN values.
    pub value: Result<Term, InValues>,
}

/// A restriction evaluated row by row.
#[derive(Debug, Clone)]
pub(crate) struct Filter {
    /// Column index in the table.
    pub col: usize,
    /// Operator.
    pub op: Operator,
    /// Value (`IN` values for `In`).
    pub value: Result<Term, InValues>,
    /// `m[key]` restriction.
    pub map_key: Option<Term>,
}

/// A WHERE clause, prepared.
#[derive(Debug, Clone, Default)]
pub(crate) struct Where {
    /// Per partition key position.
    pub pk: Vec<Option<Restr>>,
    /// `token(pk) op x` bounds.
    pub token: Vec<(Operator, Term)>,
    /// Per clustering position.
    pub ck: Vec<Option<Restr>>,
    /// Multi-column clustering relations.
    pub multi: Vec<Multi>,
    /// Row filters.
    pub filters: Vec<Filter>,
    /// Whether the query filters (needs ALLOW FILTERING unless an index serves it).
    pub needs_filtering: bool,
    /// Whether a secondary index serves one of the restrictions.
    pub indexed: bool,
}

/// Which partitions a statement reads or writes.
#[derive(Debug)]
pub(crate) enum Partitions {
    /// These serialized keys (deduplicated, in ring order later).
    Keys(Vec<Bytes>),
    /// A token range (inclusive/exclusive bounds).
    Tokens(std::ops::Bound<i64>, std::ops::Bound<i64>),
}

pub(crate) fn col_index(table: &Table, name: &str) -> Result<usize, ServerError> {
    table
        .col(name)
        .map(|(i, _)| i)
        .ok_or_else(|| invalid(format!("Undefined column name {name}")))
}

fn slice_bounds(op: Operator, t: Term) -> Restr {
    match op {
        Operator::Gt => Restr::Range(Some((t, false)), None),
        Operator::Ge => Restr::Range(Some((t, true)), None),
        Operator::Lt => Restr::Range(None, Some((t, false))),
        _ => Restr::Range(None, Some((t, true))),
    }
}

fn merge_range(existing: Option<Restr>, new: Restr, name: &str) -> Result<Restr, ServerError> {
    match (existing, new) {
        (None, r) => Ok(r),
        (Some(Restr::Range(l1, h1)), Restr::Range(l2, h2)) => {
            if (l1.is_some() && l2.is_some()) || (h1.is_some() && h2.is_some()) {
                let bound = if l1.is_some() && l2.is_some() {
                    "start"
                } else {
                    "end"
                };
                return Err(invalid(format!(
                    "More than one restriction was found for the {bound} bound on {name}"
                )));
            }
            Ok(Restr::Range(l1.or(l2), h1.or(h2)))
        }
        (Some(Restr::Eq(_) | Restr::In(_)), _) | (Some(Restr::Range(..)), _) => {
            Err(invalid(format!(
                "{name} cannot be restricted by more than one relation if it includes an Equal"
            )))
        }
    }
}

impl Where {
    /// Sorts `relations` for `table`, recording bind-marker specs.
    pub fn prepare(
        table: &Table,
        relations: &[Relation],
        specs: &mut Specs,
        allow_filtering: bool,
    ) -> Result<Where, ServerError> {
        let mut w = Where {
            pk: vec![None; table.pk.len()],
            ck: vec![None; table.ck.len()],
            ..Where::default()
        };
        for rel in relations {
            match rel {
                Relation::Simple {
                    op: Operator::Like, ..
                } => {
                    // Only SASI indexes serve LIKE; the emulator has none.
                    return Err(invalid(format!(
                        "LIKE restriction is only supported on properly indexed columns. {rel} is not valid."
                    )));
                }
                Relation::Simple { column, op, value } => {
                    let idx = col_index(table, column)?;
                    let col = &table.cols[idx];
                    let is_contains = matches!(op, Operator::Contains | Operator::ContainsKey);
                    let recv_typ = match (op, &col.typ) {
                        (Operator::Contains, ColumnType::List(e) | ColumnType::Set(e)) => {
                            (**e).clone()
                        }
                        (Operator::Contains, ColumnType::Map(_, v)) => (**v).clone(),
                        (Operator::ContainsKey, ColumnType::Map(k, _)) => (**k).clone(),
                        (Operator::Contains | Operator::ContainsKey, _) => {
                            return Err(invalid(format!(
                                "Cannot use {} on non-collection column {column}",
                                if *op == Operator::Contains {
                                    "CONTAINS"
                                } else {
                                    "CONTAINS KEY"
                                }
                            )));
                        }
                        _ => col.typ.clone(),
                    };
                    specs.term(value, column, &recv_typ);
                    match col.kind {
                        ColumnKind::PartitionKey(p) if !is_contains => {
                            let r = if *op == Operator::Eq {
                                Restr::Eq(value.clone())
                            } else if *op == Operator::Ne {
                                return Err(invalid(format!(
                                    "Unsupported \"!=\" relation: {column} != ..."
                                )));
                            } else {
                                if !allow_filtering {
                                    return Err(invalid(
                                        "Only EQ and IN relation are supported on the partition key (unless you use the token() function)",
                                    ));
                                }
                                slice_bounds(*op, value.clone())
                            };
                            let slot =
                                w.pk.get_mut(table.pk.iter().position(|i| *i == idx).unwrap_or(p));
                            if let Some(slot) = slot {
                                *slot = Some(merge_range(slot.take(), r, column)?);
                            }
                        }
                        ColumnKind::Clustering(..) if !is_contains && *op != Operator::Ne => {
                            let pos = table.ck.iter().position(|i| *i == idx).unwrap_or(0);
                            let r = if *op == Operator::Eq {
                                Restr::Eq(value.clone())
                            } else {
                                slice_bounds(*op, value.clone())
                            };
                            if let Some(slot) = w.ck.get_mut(pos) {
                                *slot = Some(merge_range(slot.take(), r, column)?);
                            }
                        }
                        _ => {
                            if *op == Operator::Ne {
                                return Err(invalid(format!(
                                    "Unsupported \"!=\" relation: {column} != ..."
                                )));
                            }
                            w.filters.push(Filter {
                                col: idx,
                                op: *op,
                                value: Ok(value.clone()),
                                map_key: None,
                            });
                        }
                    }
                }
                Relation::In { column, values } => {
                    let idx = col_index(table, column)?;
                    let col = &table.cols[idx];
                    specs.in_values(values, column, &col.typ);
                    match col.kind {
                        ColumnKind::PartitionKey(_) => {
                            let pos = table.pk.iter().position(|i| *i == idx).unwrap_or(0);
                            if let Some(slot) = w.pk.get_mut(pos) {
                                *slot = Some(merge_range(
                                    slot.take(),
                                    Restr::In(values.clone()),
                                    column,
                                )?);
                            }
                        }
                        ColumnKind::Clustering(..) => {
                            let pos = table.ck.iter().position(|i| *i == idx).unwrap_or(0);
                            if let Some(slot) = w.ck.get_mut(pos) {
                                *slot = Some(merge_range(
                                    slot.take(),
                                    Restr::In(values.clone()),
                                    column,
                                )?);
                            }
                        }
                        _ => {
                            // `SingleColumnRelation.newINRestriction`: IN on a regular or
                            // static column only as a one-value IN (an EQ), index or not.
                            if !matches!(values, InValues::List(v) if v.len() == 1) {
                                return Err(invalid(format!(
                                    "IN predicates on non-primary-key columns ({}) is not yet supported",
                                    col.name
                                )));
                            }
                            w.filters.push(Filter {
                                col: idx,
                                op: Operator::Eq,
                                value: Err(values.clone()),
                                map_key: None,
                            })
                        }
                    }
                }
                Relation::MultiColumn { columns, op, value } => {
                    let positions = multi_positions(table, columns)?;
                    let typ = ColumnType::Tuple(
                        positions
                            .iter()
                            .map(|p| table.cols[table.ck[*p]].typ.clone())
                            .collect(),
                    );
                    let name = format!("({})", columns.join(","));
                    specs.term(value, &name, &typ);
                    w.multi.push(Multi {
                        positions,
                        op: Some(*op),
                        value: Ok(value.clone()),
                    });
                }
                Relation::MultiColumnIn { columns, values } => {
                    let positions = multi_positions(table, columns)?;
                    let typ = ColumnType::Tuple(
                        positions
                            .iter()
                            .map(|p| table.cols[table.ck[*p]].typ.clone())
                            .collect(),
                    );
                    specs.in_values(values, &format!("({})", columns.join(",")), &typ);
                    w.multi.push(Multi {
                        positions,
                        op: None,
                        value: Err(values.clone()),
                    });
                }
                Relation::Token { columns, op, value } => {
                    let expected: Vec<&str> = table
                        .pk
                        .iter()
                        .map(|i| table.cols[*i].name.as_str())
                        .collect();
                    if columns
                        .iter()
                        .map(String::as_str)
                        .ne(expected.iter().copied())
                    {
                        return Err(invalid(format!(
                            "The token function arguments must be in the partition key order: {}",
                            expected.join(", ")
                        )));
                    }
                    match value {
                        Term::Function { name, args } if name == "token" => {
                            for (a, idx) in args.iter().zip(table.pk.iter()) {
                                let col = &table.cols[*idx];
                                specs.term(a, &col.name, &col.typ);
                            }
                        }
                        _ => specs.term(value, "partition key token", &ColumnType::BigInt),
                    }
                    w.token.push((*op, value.clone()));
                }
                Relation::MapEntry {
                    column,
                    key,
                    op,
                    value,
                } => {
                    let idx = col_index(table, column)?;
                    let ColumnType::Map(k, v) = &table.cols[idx].typ else {
                        return Err(invalid(format!("Column {column} cannot be used as a map")));
                    };
                    specs.term(key, column, k);
                    specs.term(value, column, v);
                    w.filters.push(Filter {
                        col: idx,
                        op: *op,
                        value: Ok(value.clone()),
                        map_key: Some(key.clone()),
                    });
                }
                // Only materialized views (their own DDL path) accept `IS NOT NULL`.
                Relation::IsNotNull { column } => {
                    return Err(invalid(format!(
                        "Unsupported restriction: {column} IS NOT null"
                    )));
                }
            }
        }
        w.classify(table, allow_filtering)?;
        Ok(w)
    }

    /// Decides whether the restrictions need filtering, and rejects the shapes Cassandra
    /// refuses outright.
    fn classify(&mut self, table: &Table, allow_filtering: bool) -> Result<(), ServerError> {
        let pk_restricted = self.pk.iter().filter(|r| r.is_some()).count();
        let pk_complete = pk_restricted == self.pk.len()
            && self
                .pk
                .iter()
                .all(|r| matches!(r, Some(Restr::Eq(_) | Restr::In(_))));
        // Indexed equality on a regular column lets the query run without filtering.
        self.indexed = self.filters.iter().any(|f| {
            table.def.indexes.iter().any(|i| {
                i.column == table.cols[f.col].name
                    && match (f.op, i.target, f.map_key.is_some()) {
                        (Operator::Eq, IndexTargetKind::Entries, true) => true,
                        (Operator::Eq, IndexTargetKind::Simple | IndexTargetKind::Full, false) => {
                            f.value.is_ok()
                        }
                        (Operator::Contains, IndexTargetKind::Values, false) => true,
                        (Operator::ContainsKey, IndexTargetKind::Keys, false) => true,
                        _ => false,
                    }
            })
        });
        // Equality on an indexed key column (a partition key component or a clustering
        // column) is served by the index too.
        let key_indexed = self
            .pk
            .iter()
            .zip(table.pk.iter())
            .chain(self.ck.iter().zip(table.ck.iter()))
            .any(|(r, idx)| {
                matches!(r, Some(Restr::Eq(_)))
                    && table.def.indexes.iter().any(|i| {
                        i.column == table.cols[*idx].name && i.target == IndexTargetKind::Simple
                    })
            })
            && !pk_complete;
        self.indexed |= key_indexed;
        // Storage-attached indexes serve any number of restrictions together.
        let sai = super::sai::serves_query(self, table, pk_complete);
        self.indexed |= sai;
        let mut filtering = false;
        if pk_restricted > 0 && !pk_complete {
            filtering = true;
        }
        // Clustering: a prefix of EQ/IN, then at most one slice.
        let mut seen_gap: Option<usize> = None;
        let mut seen_slice: Option<usize> = None;
        for (pos, r) in self.ck.iter().enumerate() {
            match r {
                None => {
                    if seen_gap.is_none() {
                        seen_gap = Some(pos);
                    }
                }
                Some(r) => {
                    let name = &table.cols[table.ck[pos]].name;
                    if let Some(gap) = seen_gap {
                        if !allow_filtering && !self.indexed {
                            let prev = &table.cols[table.ck[gap]].name;
                            return Err(invalid(format!(
                                "PRIMARY KEY column \"{name}\" cannot be restricted as preceding column \"{prev}\" is not restricted"
                            )));
                        }
                        filtering = true;
                    } else if let Some(slice) = seen_slice {
                        if !allow_filtering {
                            let prev = &table.cols[table.ck[slice]].name;
                            return Err(invalid(format!(
                                "Clustering column \"{name}\" cannot be restricted (preceding column \"{prev}\" is restricted by a non-EQ relation)"
                            )));
                        }
                        filtering = true;
                    }
                    if matches!(r, Restr::Range(..)) && seen_slice.is_none() {
                        seen_slice = Some(pos);
                    }
                }
            }
        }
        let ck_restricted = self.ck.iter().any(Option::is_some) || !self.multi.is_empty();
        if ck_restricted && !pk_complete && self.token.is_empty() {
            filtering = true;
        }
        if !self.filters.is_empty() {
            let served = usize::from(self.indexed);
            if self.filters.len() > served || !self.indexed {
                filtering = true;
            }
        }
        if key_indexed && self.filters.is_empty() && self.multi.is_empty() {
            filtering = false;
        }
        if sai {
            filtering = super::sai::still_filters(self, table, pk_complete);
            // What SAI leaves to filter needs ALLOW FILTERING, whatever the index serves.
            self.indexed = !filtering;
        }
        self.needs_filtering = filtering;
        Ok(())
    }

    /// Whether every partition key column has an EQ/IN restriction.
    pub fn pk_complete(&self) -> bool {
        self.pk
            .iter()
            .all(|r| matches!(r, Some(Restr::Eq(_) | Restr::In(_))))
    }

    /// Names of partition key columns without a restriction.
    pub fn missing_pk(&self, table: &Table) -> Vec<String> {
        self.pk
            .iter()
            .zip(table.pk.iter())
            .filter(|(r, _)| !matches!(r, Some(Restr::Eq(_) | Restr::In(_))))
            .map(|(_, i)| table.cols[*i].name.clone())
            .collect()
    }

    /// Evaluates the partition key restrictions as a row filter (for filtering queries).
    pub fn pk_filter(&self, table: &Table, binds: &Binds<'_>) -> Result<CkMatch, ServerError> {
        Ok(CkMatch {
            conds: conditions(&self.pk, &table.pk, table, binds)?,
            multis: Vec::new(),
        })
    }

    /// Evaluates the clustering restrictions.
    pub fn clustering(&self, table: &Table, binds: &Binds<'_>) -> Result<CkMatch, ServerError> {
        let conds = conditions(&self.ck, &table.ck, table, binds)?;
        let mut multis = Vec::new();
        for m in &self.multi {
            let types: Vec<ColumnType> = m
                .positions
                .iter()
                .map(|p| table.cols[table.ck[*p]].typ.clone())
                .collect();
            let tuple_typ = ColumnType::Tuple(types.clone());
            let name = "clustering tuple";
            let tuples: Vec<Vec<Bytes>> = match &m.value {
                Ok(t) => match eval(
                    t,
                    Receiver {
                        name,
                        typ: &tuple_typ,
                    },
                    binds,
                )? {
                    Val::Value(b) => vec![split_tuple(&b)],
                    _ => Vec::new(),
                },
                Err(values) => in_list(values, name, &tuple_typ, binds)?
                    .into_iter()
                    .map(|b| split_tuple(&b))
                    .collect(),
            };
            multis.push((m.positions.clone(), types, m.op, tuples));
        }
        Ok(CkMatch { conds, multis })
    }
}

//! SELECT: planning (restrictions, selection, ORDER BY, limits) and execution over the
//! store, with paging that resumes exactly after the last returned row.

use std::ops::Bound as RangeBound;
use std::sync::Arc;

use bytes::Bytes;
use cassia_protocol::response::{ResultBody, ServerError};
use cassia_protocol::types::ColumnType;

use super::paging::PagingState;
use super::restrict::{FILTERING_MESSAGE, Partitions, Where, in_list};
use super::result::RowsBuilder;
use super::schema::Table;
use super::selection::{Acc, Selected};
use super::specs::Specs;
use super::term::{Binds, Receiver, Val, eval};
use crate::catalog::invalid;
use crate::cql::ast::{Select, Term};
use crate::store::{Partition, PartitionPos, TableData, split_partition_key};

/// The warning Cassandra attaches to aggregates over several partitions.
pub(crate) const AGGREGATE_WARNING: &str = "Aggregation query used without partition key";

/// The warning Cassandra attaches to aggregates over an IN on the partition key.
pub(crate) const AGGREGATE_IN_WARNING: &str =
    "Aggregation query used on multiple partition keys (IN restriction)";

/// A prepared SELECT.
#[derive(Debug)]
pub(crate) struct SelectPlan {
    pub table: Arc<Table>,
    pub restrictions: Where,
    pub selected: Selected,
    pub reversed: bool,
    pub distinct: bool,
    pub limit: Option<Term>,
    pub per_partition_limit: Option<Term>,
    /// GROUP BY: how many leading primary key columns form a group (0 = no grouping).
    pub group_by: usize,
    /// `SELECT JSON`: rows come back as one `[json]` text column.
    pub json: bool,
    /// Whether the statement has an ORDER BY.
    pub ordered: bool,
    /// `ORDER BY v ANN OF [...]`.
    pub ann: Option<super::ann::AnnPlan>,
}

impl SelectPlan {
    /// Plans `stmt` against `table`.
    pub fn prepare(
        table: Arc<Table>,
        stmt: &Select,
        specs: &mut Specs,
    ) -> Result<SelectPlan, ServerError> {
        let selected = super::selector_plan::plan(&table, &stmt.selection, &Binds::default())?;
        selected.register_markers(specs);
        // Cassandra binds orderings before the WHERE clause.
        let ann_ordering = super::ann::ordering(&table, stmt, specs)?;
        let restrictions = Where::prepare(&table, &stmt.where_clause, specs, stmt.allow_filtering)?;
        let ann = super::ann::prepare(&table, ann_ordering, &restrictions)?;
        // An ANN query has its own rules on what may be restricted (checked above).
        let filter_checks = ann.is_none();
        if filter_checks
            && restrictions.needs_filtering
            && !stmt.allow_filtering
            && !restrictions.indexed
        {
            return Err(invalid(FILTERING_MESSAGE));
        }
        if filter_checks
            && restrictions.needs_filtering
            && !stmt.allow_filtering
            && restrictions.indexed
            && restrictions.filters.len() > 1
        {
            return Err(invalid(FILTERING_MESSAGE));
        }
        let reversed = super::select_checks::ordering(&table, stmt, &restrictions)?;
        if stmt.distinct {
            super::select_checks::distinct(&table, &selected, &restrictions)?;
        }
        let group_by = super::select_checks::group_by(&table, stmt, &restrictions)?;
        if let Some(t) = &stmt.limit {
            specs.term(t, "[limit]", &ColumnType::Int);
        }
        if let Some(t) = &stmt.per_partition_limit {
            specs.term(t, "[per_partition_limit]", &ColumnType::Int);
        }
        Ok(SelectPlan {
            table,
            restrictions,
            selected,
            reversed,
            distinct: stmt.distinct,
            limit: stmt.limit.clone(),
            per_partition_limit: stmt.per_partition_limit.clone(),
            group_by,
            json: stmt.json,
            ordered: !stmt.order_by.is_empty(),
            ann,
        })
    }

    /// The columns of the Rows result.
    pub fn result_columns(&self) -> Vec<cassia_protocol::response::ColumnSpec> {
        if !self.json {
            return self.selected.columns.clone();
        }
        vec![cassia_protocol::response::ColumnSpec {
            keyspace: self.table.keyspace().to_owned(),
            table: self.table.name().to_owned(),
            name: "[json]".to_owned(),
            typ: ColumnType::Text,
        }]
    }

    /// Warnings this statement produces whenever it runs.
    pub fn warnings(&self) -> Vec<String> {
        // Cassandra checks this for every query with an aggregation spec: aggregates, and
        // GROUP BY with or without them.
        if !self.selected.aggregate && self.group_by == 0 {
            return Vec::new();
        }
        let r = &self.restrictions;
        if r.pk.iter().all(Option::is_none) && r.token.is_empty() {
            vec![AGGREGATE_WARNING.to_owned()]
        } else if r
            .pk
            .iter()
            .any(|p| matches!(p, Some(super::restrict::Restr::In(_))))
        {
            vec![AGGREGATE_IN_WARNING.to_owned()]
        } else {
            Vec::new()
        }
    }

    /// Runs the query over the table's stored data.
    pub fn execute(
        &self,
        binds: &Binds<'_>,
        page_size: Option<i32>,
        paging_state: Option<&[u8]>,
        now: i64,
    ) -> Result<ResultBody, ServerError> {
        let data = self.table.runtime.lock();
        self.execute_on(&data, binds, page_size, paging_state, now)
    }

    /// Runs the query over `data` (the table's, or generated system rows).
    pub fn execute_on(
        &self,
        data: &TableData,
        binds: &Binds<'_>,
        page_size: Option<i32>,
        paging_state: Option<&[u8]>,
        now: i64,
    ) -> Result<ResultBody, ServerError> {
        let table = &self.table;
        let limit = limit_value(self.limit.as_ref(), "[limit]", "LIMIT", binds)?;
        let ppl = limit_value(
            self.per_partition_limit.as_ref(),
            "[per_partition_limit]",
            "PER PARTITION LIMIT",
            binds,
        )?;
        let ann = match &self.ann {
            Some(a) => {
                let given = |t: Option<&Term>, v: usize| t.is_some() && v != i32::MAX as usize;
                Some(a.query(
                    table,
                    binds,
                    self.selected.aggregate || self.group_by > 0,
                    given(self.limit.as_ref(), limit).then_some(limit),
                    given(self.per_partition_limit.as_ref(), ppl).then_some(ppl),
                )?)
            }
            None => None,
        };
        let partitions = self.restrictions.partitions(table, binds)?;
        let ck = self.restrictions.clustering(table, binds)?;
        let pk_filter = if self.restrictions.pk_complete() {
            None
        } else {
            Some(self.restrictions.pk_filter(table, binds)?)
        };
        let mut filters = Vec::with_capacity(self.restrictions.filters.len());
        for f in &self.restrictions.filters {
            let col = &table.cols[f.col];
            let recv_typ = match (f.op, &col.typ, &f.map_key) {
                (_, ColumnType::Map(_, v), Some(_)) => (**v).clone(),
                (
                    crate::cql::ast::Operator::Contains,
                    ColumnType::List(e) | ColumnType::Set(e),
                    _,
                ) => (**e).clone(),
                (crate::cql::ast::Operator::Contains, ColumnType::Map(_, v), _) => (**v).clone(),
                (crate::cql::ast::Operator::ContainsKey, ColumnType::Map(k, _), _) => (**k).clone(),
                _ => col.typ.clone(),
            };
            let values = match &f.value {
                Ok(t) => match eval(
                    t,
                    Receiver {
                        name: &col.name,
                        typ: &recv_typ,
                    },
                    binds,
                )? {
                    Val::Value(b) => vec![b],
                    _ => {
                        return Err(invalid(format!(
                            "Unsupported null value for column {}",
                            col.name
                        )));
                    }
                },
                Err(iv) => in_list(iv, &col.name, &recv_typ, binds)?,
            };
            let key = match (&f.map_key, &col.typ) {
                (Some(k), ColumnType::Map(kt, _)) => eval(
                    k,
                    Receiver {
                        name: &col.name,
                        typ: kt,
                    },
                    binds,
                )?
                .bytes()
                .cloned(),
                _ => None,
            };
            filters.push((f.col, f.op, values, key));
        }
        let resume = match paging_state {
            Some(b) => Some(PagingState::decode(b).ok_or_else(|| {
                cassia_protocol::response::ServerError {
                    kind: cassia_protocol::response::ErrorKind::ProtocolError,
                    message: "Invalid value for the paging state".to_owned(),
                }
            })?),
            None => None,
        };
        // Top-K queries are not paged: Cassandra raises the page size to the LIMIT. An
        // aggregate without GROUP BY is one row; with GROUP BY the page size counts groups
        // (4.0's `AggregationQueryPager`).
        let page = if (self.selected.aggregate && self.group_by == 0) || ann.is_some() {
            None
        } else {
            page_size.filter(|p| *p > 0).map(|p| p as usize)
        };
        let single = matches!(&partitions, Some(Partitions::Keys(k)) if k.len() == 1);
        // ORDER BY over several partitions (pk IN): rows are merged in clustering order,
        // which Cassandra only does without paging.
        let merge = self.ordered && matches!(&partitions, Some(Partitions::Keys(k)) if k.len() > 1);
        if merge && page.is_some() {
            return Err(invalid(
                "Cannot page queries with both ORDER BY and a IN restriction on the partition key; you must either remove the ORDER BY or the IN and sort client side, or disable paging for this query",
            ));
        }
        let total_limit = resume
            .as_ref()
            .map_or(limit, |r| r.remaining.min(limit as u64) as usize);

        let mut out = Output {
            plan: self,
            sels: self.selected.bind(binds)?,
            builder: RowsBuilder::default(),
            accs: if self.selected.aggregate || self.group_by > 0 {
                vec![Acc::default(); self.selected.sels.len()]
            } else {
                Vec::new()
            },
            any: false,
            emitted: 0,
            limit: total_limit,
            page,
            ppl,
            resume_budget: resume
                .as_ref()
                .map(|r| r.remaining_in_partition.min(ppl as u64) as usize),
            last: None,
            group: None,
            group_last: None,
            page_full: false,
            merged: merge.then(Vec::new),
            ann: ann.map(|q| {
                let top = super::ann::TopK::new(q.limit);
                (q, top)
            }),
            error: None,
            json: self.json.then(|| {
                let columns = self.selected.columns.iter();
                columns.map(|c| (c.name.clone(), c.typ.clone())).collect()
            }),
        };
        let mut visit = |pos: &PartitionPos, p: &Partition, resume_ck: Option<&[Bytes]>| -> bool {
            let pk_parts = split_partition_key(&pos.1, table.pk.len());
            let ctx = Ctx {
                table,
                ck: &ck,
                pk_filter: pk_filter.as_ref(),
                filters: &filters,
                now,
            };
            out.partition(&ctx, &pos.1, &pk_parts, p, resume_ck)
        };
        let resume_pos = resume
            .as_ref()
            .filter(|r| !r.partition_key.is_empty())
            .map(|r| TableData::position(r.partition_key.clone()));
        let resume_ck = resume.as_ref().map(|r| r.clustering.clone());
        match &partitions {
            Some(Partitions::Keys(keys)) => {
                // Cassandra reads the keys of an IN in the order of the partition key's
                // type (`MultiCBuilder.build` sorts and deduplicates them), not ring order.
                let mut ordered: Vec<Bytes> = keys.clone();
                ordered.sort_by(|a, b| compare_keys(table, a, b));
                ordered.dedup();
                let positions: Vec<PartitionPos> =
                    ordered.into_iter().map(TableData::position).collect();
                let mut skipping = resume.is_some() && !single;
                for pos in &positions {
                    let mut rck = None;
                    if let Some(rp) = &resume_pos {
                        if skipping {
                            if pos != rp {
                                continue;
                            }
                            skipping = false;
                            rck = resume_ck.as_deref();
                        }
                    } else if single {
                        rck = resume_ck.as_deref();
                    }
                    if let Some(p) = data.partitions.get(pos) {
                        if !visit(pos, p, rck) {
                            break;
                        }
                    }
                }
            }
            other => {
                let (lo, hi) = match other {
                    Some(Partitions::Tokens(lo, hi)) => (*lo, *hi),
                    _ => (RangeBound::Unbounded, RangeBound::Unbounded),
                };
                for (pos, p) in data.partitions.iter() {
                    let tok = pos.0;
                    let after_lo = match lo {
                        RangeBound::Included(t) => tok >= t,
                        RangeBound::Excluded(t) => tok > t,
                        RangeBound::Unbounded => true,
                    };
                    let before_hi = match hi {
                        RangeBound::Included(t) => tok <= t,
                        RangeBound::Excluded(t) => tok < t,
                        RangeBound::Unbounded => true,
                    };
                    if !after_lo || !before_hi {
                        continue;
                    }
                    let mut rck = None;
                    if let Some(rp) = &resume_pos {
                        if pos < rp {
                            continue;
                        }
                        if pos == rp {
                            rck = resume_ck.as_deref();
                        }
                    }
                    if !visit(pos, p, rck) {
                        break;
                    }
                }
            }
        }
        // The last key of an IN: once its partition is exhausted, so is the query (4.0's
        // `MultiPartitionPager` asks its pagers in this order).
        let final_key = match &partitions {
            Some(Partitions::Keys(keys)) if !single => keys
                .iter()
                .max_by(|a, b| compare_keys(table, a, b))
                .cloned(),
            _ => None,
        };
        out.finish(single, final_key.as_ref())
    }
}

/// Orders serialized partition keys by their columns' types, column by column.
fn compare_keys(table: &Table, a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let n = table.pk.len();
    let (pa, pb) = (split_partition_key(a, n), split_partition_key(b, n));
    for ((x, y), idx) in pa.iter().zip(pb.iter()).zip(table.pk.iter()) {
        let o = crate::store::compare::compare(&table.cols[*idx].typ, x, y);
        if o.is_ne() {
            return o;
        }
    }
    std::cmp::Ordering::Equal
}

fn limit_value(
    t: Option<&Term>,
    name: &str,
    what: &str,
    binds: &Binds<'_>,
) -> Result<usize, ServerError> {
    let Some(t) = t else {
        return Ok(i32::MAX as usize);
    };
    match eval(
        t,
        Receiver {
            name,
            typ: &ColumnType::Int,
        },
        binds,
    )? {
        Val::Value(b) => {
            let v = <[u8; 4]>::try_from(b.as_ref())
                .map(i32::from_be_bytes)
                .unwrap_or(0);
            if v <= 0 {
                return Err(invalid(format!("{what} must be strictly positive")));
            }
            Ok(v as usize)
        }
        Val::Null => Err(invalid(format!(
            "Invalid null value of {}",
            what.to_lowercase()
        ))),
        Val::Unset => Ok(i32::MAX as usize),
    }
}

mod output;

use output::{Ctx, Output};

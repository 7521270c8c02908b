//! [`Delete`]: deleting rows, clustering ranges, or chosen columns, optionally conditional.

use std::marker::PhantomData;
use std::time::Duration;

use cassia_protocol::consistency::Consistency;

use super::built::{BuiltQuery, QueryOptions, StatementKind, Writer};
use super::column::{Column, Condition};
use super::error::QueryError;
use super::insert::using;
use super::keyed::{
    ClusteringNeed, all_static, check_conditions, check_where, key_of, no_in_on_keys,
    render_conditions,
};
use super::restrict::{render, table_name};
use crate::model::Model;
use crate::schema::quote_ident;

/// A DELETE on model `M`.
#[derive(Debug)]
pub struct Delete<M> {
    columns: Vec<(usize, &'static str)>,
    filters: Vec<Condition<M>>,
    conditions: Vec<Condition<M>>,
    if_exists: bool,
    timestamp: Option<i64>,
    keyspace: Option<String>,
    options: QueryOptions,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> Default for Delete<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M: Model> Delete<M> {
    /// A DELETE with no WHERE clause yet (deletes whole rows unless columns are chosen).
    pub fn new() -> Self {
        Delete {
            columns: Vec::new(),
            filters: Vec::new(),
            conditions: Vec::new(),
            if_exists: false,
            timestamp: None,
            keyspace: None,
            options: QueryOptions::default(),
            _model: PhantomData,
        }
    }

    /// Deletes the row with `row`'s primary key.
    pub fn of(row: &M) -> Self {
        let mut d = Self::new();
        d.filters = key_of(row);
        d
    }

    /// Deletes only this column (call again for more).
    pub fn column<T>(mut self, col: Column<M, T>) -> Self {
        self.columns.push((col.index(), col.name()));
        self
    }

    /// Restricts the rows: the whole partition key, then a clustering prefix, possibly
    /// ending with a range (a range deletion).
    pub fn filter(mut self, condition: Condition<M>) -> Self {
        self.filters.push(condition);
        self
    }

    /// `IF condition`.
    pub fn iff(mut self, condition: Condition<M>) -> Self {
        self.conditions.push(condition);
        self
    }

    /// `IF EXISTS`.
    pub fn if_exists(mut self) -> Self {
        self.if_exists = true;
        self
    }

    /// `USING TIMESTAMP` in microseconds.
    pub fn timestamp(mut self, micros: i64) -> Self {
        self.timestamp = Some(micros);
        self
    }

    /// Deletes from the table in `keyspace` instead of the model's (or the session's)
    /// keyspace: for services that keep one keyspace per tenant. The statement names the
    /// table `keyspace.table`, on protocol v4 and v5 alike.
    pub fn keyspace(mut self, keyspace: impl Into<String>) -> Self {
        self.keyspace = Some(keyspace.into());
        self
    }

    /// Consistency level.
    pub fn consistency(mut self, c: Consistency) -> Self {
        self.options.consistency = Some(c);
        self
    }

    /// Serial consistency (for conditional deletes).
    pub fn serial_consistency(mut self, c: Consistency) -> Self {
        self.options.serial_consistency = Some(c);
        self
    }

    /// Client-side timeout.
    pub fn timeout(mut self, t: Duration) -> Self {
        self.options.timeout = Some(t);
        self
    }

    /// The statement, or why Cassandra would refuse it.
    pub fn build(&self) -> Result<BuiltQuery, QueryError> {
        let schema = M::schema();
        let table = &schema.name;
        let conditional = self.if_exists || !self.conditions.is_empty();
        let need = if self.columns.is_empty() {
            ClusteringNeed::Prefix
        } else if all_static::<M>(self.columns.iter().map(|(i, _)| *i)) {
            ClusteringNeed::None
        } else {
            ClusteringNeed::AllEq
        };
        for (i, name) in &self.columns {
            if schema
                .columns
                .get(*i)
                .is_some_and(|c| c.kind.is_primary_key())
            {
                return Err(QueryError::UnsupportedOperator {
                    table: table.clone(),
                    column: (*name).to_owned(),
                    operator: "DELETE of a column",
                    place: "DELETE (primary key columns cannot be deleted on their own)",
                });
            }
        }
        let r = check_where(&self.filters, need)?;
        check_conditions(&self.conditions)?;
        if conditional && need == ClusteringNeed::Prefix && !r.clustering_complete_eq() {
            return Err(QueryError::ConditionalRangeDelete {
                table: table.clone(),
            });
        }
        if conditional {
            no_in_on_keys(&self.filters, table)?;
        }
        if conditional && self.timestamp.is_some() {
            return Err(QueryError::TimestampOnConditional {
                table: table.clone(),
            });
        }
        let mut w = Writer::new(table);
        w.push("DELETE ");
        if !self.columns.is_empty() {
            let cols = self
                .columns
                .iter()
                .map(|(_, n)| quote_ident(n))
                .collect::<Vec<_>>()
                .join(", ");
            w.push(&cols);
            w.push(" ");
        }
        w.push("FROM ");
        w.push(&table_name::<M>(self.keyspace.as_deref()));
        using(&mut w, None, self.timestamp)?;
        render(&mut w, " WHERE ", &self.filters)?;
        render_conditions(&mut w, self.if_exists, &self.conditions)?;
        Ok(BuiltQuery {
            cql: w.cql,
            values: w.values,
            options: self.options.clone(),
            kind: StatementKind::Delete,
            conditional,
            counter: schema.is_counter_table(),
        })
    }
}

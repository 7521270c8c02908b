//! [`Update`]: `UPDATE ... SET` of chosen columns, collection operations and counter
//! increments, on rows named by their primary key, optionally conditional.

use std::marker::PhantomData;
use std::time::Duration;

use cassia_protocol::consistency::Consistency;
use cassia_protocol::types::ColumnType;
use cassia_protocol::value::SerializeError;

use super::built::{BuiltQuery, QueryOptions, StatementKind, Writer, int_value};
use super::column::{
    Bindable, Column, Condition, ListCollection, MapCollection, SetCollection, column_type,
    element_type, encode, key_type,
};
use super::error::QueryError;
use super::insert::using;
use super::keyed::{
    ClusteringNeed, all_static, check_conditions, check_where, key_of, no_in_on_keys,
    render_conditions,
};
use super::restrict::{render, table_name};
use crate::Counter;
use crate::model::Model;
use crate::schema::quote_ident;
use crate::types::CqlType;

/// How an assignment changes its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// `c = ?`
    Set,
    /// `c = c + ?`
    Add,
    /// `c = ? + c`
    Prepend,
    /// `c = c - ?`
    Remove,
    /// `c[?] = ?`
    SetAt,
}

#[derive(Debug)]
struct Assignment {
    index: usize,
    name: &'static str,
    op: Op,
    values: Result<Vec<Vec<u8>>, SerializeError>,
}

/// An UPDATE of model `M`.
#[derive(Debug)]
pub struct Update<M> {
    assignments: Vec<Assignment>,
    filters: Vec<Condition<M>>,
    conditions: Vec<Condition<M>>,
    if_exists: bool,
    ttl: Option<i32>,
    timestamp: Option<i64>,
    keyspace: Option<String>,
    options: QueryOptions,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> Default for Update<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M: Model> Update<M> {
    /// An UPDATE with no assignment and no WHERE clause yet.
    pub fn new() -> Self {
        Update {
            assignments: Vec::new(),
            filters: Vec::new(),
            conditions: Vec::new(),
            if_exists: false,
            ttl: None,
            timestamp: None,
            keyspace: None,
            options: QueryOptions::default(),
            _model: PhantomData,
        }
    }

    /// An UPDATE of the row with `row`'s primary key.
    pub fn of(row: &M) -> Self {
        let mut u = Self::new();
        u.filters = key_of(row);
        u
    }

    fn assign<T>(
        mut self,
        col: Column<M, T>,
        op: Op,
        values: Result<Vec<Vec<u8>>, SerializeError>,
    ) -> Self {
        self.assignments.push(Assignment {
            index: col.index(),
            name: col.name(),
            op,
            values,
        });
        self
    }

    /// `column = value`.
    pub fn set<T, V: Bindable<T>>(self, col: Column<M, T>, value: V) -> Self {
        let typ = column_type::<M>(col.index());
        self.assign(col, Op::Set, encode(&value, &typ).map(|v| vec![v]))
    }

    /// Restricts the rows (`k = ?`, `c IN (...)`; the whole primary key is required).
    pub fn filter(mut self, condition: Condition<M>) -> Self {
        self.filters.push(condition);
        self
    }

    /// `IF condition` (a lightweight transaction; several are ANDed).
    pub fn iff(mut self, condition: Condition<M>) -> Self {
        self.conditions.push(condition);
        self
    }

    /// `IF EXISTS`.
    pub fn if_exists(mut self) -> Self {
        self.if_exists = true;
        self
    }

    /// `USING TTL` in seconds.
    pub fn ttl(mut self, seconds: i32) -> Self {
        self.ttl = Some(seconds);
        self
    }

    /// `USING TIMESTAMP` in microseconds.
    pub fn timestamp(mut self, micros: i64) -> Self {
        self.timestamp = Some(micros);
        self
    }

    /// Updates the table in `keyspace` instead of the model's (or the session's)
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

    /// Serial consistency (for conditional updates).
    pub fn serial_consistency(mut self, c: Consistency) -> Self {
        self.options.serial_consistency = Some(c);
        self
    }

    /// Client-side timeout.
    pub fn timeout(mut self, t: Duration) -> Self {
        self.options.timeout = Some(t);
        self
    }

    /// `counter = counter + by`.
    pub fn incr(self, col: Column<M, Counter>, by: i64) -> Self {
        self.assign(
            col,
            Op::Add,
            encode::<i64, i64>(&by, &ColumnType::Counter).map(|v| vec![v]),
        )
    }

    /// `counter = counter - by`.
    pub fn decr(self, col: Column<M, Counter>, by: i64) -> Self {
        self.assign(
            col,
            Op::Remove,
            encode::<i64, i64>(&by, &ColumnType::Counter).map(|v| vec![v]),
        )
    }

    /// The statement, or why Cassandra would refuse it.
    pub fn build(&self) -> Result<BuiltQuery, QueryError> {
        let schema = M::schema();
        let table = &schema.name;
        if self.assignments.is_empty() {
            return Err(QueryError::NothingToSet {
                table: table.clone(),
            });
        }
        let counter = schema.is_counter_table();
        for (i, a) in self.assignments.iter().enumerate() {
            // Cassandra refuses a plain `c = ?` next to any other assignment of `c`.
            let clash = self
                .assignments
                .iter()
                .take(i)
                .any(|b| b.index == a.index && (a.op == Op::Set || b.op == Op::Set));
            if clash {
                return Err(QueryError::IncompatibleSettings {
                    table: table.clone(),
                    column: a.name.to_owned(),
                });
            }
        }
        for a in &self.assignments {
            let Some(col) = schema.columns.get(a.index) else {
                continue;
            };
            if col.kind.is_primary_key() {
                return Err(QueryError::SetKeyColumn {
                    table: table.clone(),
                    column: col.name.clone(),
                });
            }
            if counter && a.op == Op::Set && col.cql_type.unfrozen() == &CqlType::Counter {
                return Err(QueryError::Counter {
                    table: table.clone(),
                    detail: "Cannot set the value of counter column (counters can only be incremented/decremented, not set)",
                });
            }
        }
        let need = if all_static::<M>(self.assignments.iter().map(|a| a.index))
            && !self.filters.iter().any(|f| {
                matches!(f.target, super::column::Target::Column(i)
                    if matches!(schema.columns.get(i).map(|c| c.kind), Some(crate::schema::ColumnKind::Clustering(..))))
            }) {
            ClusteringNeed::None
        } else {
            ClusteringNeed::AllEq
        };
        check_where(&self.filters, need)?;
        check_conditions(&self.conditions)?;
        let conditional = self.if_exists || !self.conditions.is_empty();
        if conditional {
            no_in_on_keys(&self.filters, table)?;
        }
        if conditional && self.timestamp.is_some() {
            return Err(QueryError::TimestampOnConditional {
                table: table.clone(),
            });
        }
        let mut w = Writer::new(table);
        w.push("UPDATE ");
        w.push(&table_name::<M>(self.keyspace.as_deref()));
        using(&mut w, self.ttl, self.timestamp)?;
        w.push(" SET ");
        for (i, a) in self.assignments.iter().enumerate() {
            if i > 0 {
                w.push(", ");
            }
            let values = a.values.as_ref().map_err(|e| QueryError::Value {
                table: table.clone(),
                column: a.name.to_owned(),
                source: e.clone(),
            })?;
            let col = quote_ident(a.name);
            let mut values = values.iter();
            let mut next = |w: &mut Writer<'_>| match values.next() {
                Some(v) => w.bind(v),
                None => Ok(()),
            };
            match a.op {
                Op::Set => {
                    w.push(&format!("{col} = "));
                    next(&mut w)?;
                }
                Op::Add => {
                    w.push(&format!("{col} = {col} + "));
                    next(&mut w)?;
                }
                Op::Remove => {
                    w.push(&format!("{col} = {col} - "));
                    next(&mut w)?;
                }
                Op::Prepend => {
                    w.push(&format!("{col} = "));
                    next(&mut w)?;
                    w.push(&format!(" + {col}"));
                }
                Op::SetAt => {
                    w.push(&format!("{col}["));
                    next(&mut w)?;
                    w.push("] = ");
                    next(&mut w)?;
                }
            }
        }
        render(&mut w, " WHERE ", &self.filters)?;
        render_conditions(&mut w, self.if_exists, &self.conditions)?;
        Ok(BuiltQuery {
            cql: w.cql,
            values: w.values,
            options: self.options.clone(),
            kind: StatementKind::Update,
            conditional,
            counter,
        })
    }
}

impl<M: Model> Update<M> {
    /// List: `column = column + values`.
    pub fn append<T: ListCollection, V: Bindable<T>>(self, col: Column<M, T>, values: V) -> Self {
        let typ = column_type::<M>(col.index());
        self.assign(col, Op::Add, encode(&values, &typ).map(|v| vec![v]))
    }

    /// List: `column = values + column`.
    pub fn prepend<T: ListCollection, V: Bindable<T>>(self, col: Column<M, T>, values: V) -> Self {
        let typ = column_type::<M>(col.index());
        self.assign(col, Op::Prepend, encode(&values, &typ).map(|v| vec![v]))
    }

    /// List: `column[index] = value`.
    pub fn set_at<T: ListCollection, V: Bindable<T::Element>>(
        self,
        col: Column<M, T>,
        index: i32,
        value: V,
    ) -> Self {
        let typ = element_type(&column_type::<M>(col.index()));
        let values = encode(&value, &typ).map(|v| vec![int_value(index), v]);
        self.assign(col, Op::SetAt, values)
    }

    /// Set: `column = column + values`.
    pub fn add<T: SetCollection, V: Bindable<T>>(self, col: Column<M, T>, values: V) -> Self {
        let typ = column_type::<M>(col.index());
        self.assign(col, Op::Add, encode(&values, &typ).map(|v| vec![v]))
    }

    /// List or set: `column = column - values` (every occurrence of each value).
    pub fn remove<T: super::column::Collection, V: Bindable<T>>(
        self,
        col: Column<M, T>,
        values: V,
    ) -> Self {
        let typ = column_type::<M>(col.index());
        self.assign(col, Op::Remove, encode(&values, &typ).map(|v| vec![v]))
    }

    /// Map: `column = column + entries`.
    pub fn put<T: MapCollection, V: Bindable<T>>(self, col: Column<M, T>, entries: V) -> Self {
        let typ = column_type::<M>(col.index());
        self.assign(col, Op::Add, encode(&entries, &typ).map(|v| vec![v]))
    }

    /// Map: `column[key] = value`.
    pub fn put_entry<T: MapCollection, K: Bindable<T::Key>, V: Bindable<T::Element>>(
        self,
        col: Column<M, T>,
        key: K,
        value: V,
    ) -> Self {
        let typ = column_type::<M>(col.index());
        let values = encode(&key, &key_type(&typ))
            .and_then(|k| encode(&value, &element_type(&typ)).map(|v| vec![k, v]));
        self.assign(col, Op::SetAt, values)
    }

    /// Map: `column = column - {keys}`.
    pub fn remove_keys<T: MapCollection>(
        self,
        col: Column<M, T>,
        keys: impl IntoIterator<Item = T::Key>,
    ) -> Self
    where
        T::Key: cassia_protocol::value::SerializeValue,
    {
        let typ = ColumnType::Set(Box::new(key_type(&column_type::<M>(col.index()))));
        let keys: Vec<T::Key> = keys.into_iter().collect();
        self.assign(
            col,
            Op::Remove,
            encode::<Vec<T::Key>, _>(&keys, &typ).map(|v| vec![v]),
        )
    }
}

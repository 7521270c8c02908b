//! [`Insert`]: saving a whole model row (`INSERT INTO ... VALUES (...)`), optionally
//! `IF NOT EXISTS` and `USING TTL / TIMESTAMP`.
//!
//! `None` fields are bound as *unset*, not null, as cqlengine skips them: saving a new row
//! then writes no tombstones, and every row of a model shares one statement text (one
//! prepared statement).

use std::marker::PhantomData;
use std::time::Duration;

use cassia_protocol::consistency::Consistency;

use super::built::{BuiltQuery, QueryOptions, StatementKind, Writer, bigint_value, int_value};
use super::error::QueryError;
use super::restrict::table_name;
use crate::model::Model;
use crate::schema::quote_ident;

const NULL: [u8; 4] = (-1i32).to_be_bytes();
const UNSET: [u8; 4] = (-2i32).to_be_bytes();

/// Serializes every column `row` has, as `(schema position, [value])`; nulls become unset
/// when `null_as_unset`.
pub(crate) fn row_values<M: Model>(
    row: &M,
    null_as_unset: bool,
) -> Result<Vec<(usize, Vec<u8>)>, QueryError> {
    let schema = M::schema();
    let keyspace = schema.keyspace.as_deref().unwrap_or("");
    let mut out = Vec::new();
    for (i, c) in schema.columns.iter().enumerate() {
        let typ = c.cql_type.to_column_type(keyspace);
        let mut buf = Vec::new();
        let present = row
            .write_column(i, &typ, &mut buf)
            .map_err(|source| QueryError::Value {
                table: schema.name.clone(),
                column: c.name.clone(),
                source,
            })?;
        if present {
            if null_as_unset && buf == NULL {
                buf = UNSET.to_vec();
            }
            out.push((i, buf));
        }
    }
    Ok(out)
}

/// An INSERT of one model row.
#[derive(Debug)]
pub struct Insert<M> {
    values: Result<Vec<(usize, Vec<u8>)>, QueryError>,
    if_not_exists: bool,
    ttl: Option<i32>,
    timestamp: Option<i64>,
    options: QueryOptions,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> Insert<M> {
    /// Saves `row` (its values are serialized now).
    pub fn new(row: &M) -> Self {
        Insert {
            values: row_values(row, true),
            if_not_exists: false,
            ttl: None,
            timestamp: None,
            options: QueryOptions::default(),
            _model: PhantomData,
        }
    }

    /// `IF NOT EXISTS` (a lightweight transaction).
    pub fn if_not_exists(mut self) -> Self {
        self.if_not_exists = true;
        self
    }

    /// `USING TTL` in seconds.
    pub fn ttl(mut self, seconds: i32) -> Self {
        self.ttl = Some(seconds);
        self
    }

    /// `USING TIMESTAMP` in microseconds since the epoch.
    pub fn timestamp(mut self, micros: i64) -> Self {
        self.timestamp = Some(micros);
        self
    }

    /// Consistency level.
    pub fn consistency(mut self, c: Consistency) -> Self {
        self.options.consistency = Some(c);
        self
    }

    /// Serial consistency (for `IF NOT EXISTS`).
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
        if schema.is_counter_table() {
            return Err(QueryError::Counter {
                table: schema.name.clone(),
                detail: "INSERT statements are not allowed on counter tables, use UPDATE instead",
            });
        }
        if self.if_not_exists && self.timestamp.is_some() {
            return Err(QueryError::TimestampOnConditional {
                table: schema.name.clone(),
            });
        }
        let values = self.values.as_ref().map_err(Clone::clone)?;
        let mut w = Writer::new(&schema.name);
        w.push("INSERT INTO ");
        w.push(&table_name::<M>());
        let names = values
            .iter()
            .filter_map(|(i, _)| schema.columns.get(*i))
            .map(|c| quote_ident(&c.name))
            .collect::<Vec<_>>()
            .join(", ");
        w.push(&format!(" ({names}) VALUES ("));
        for (j, (_, v)) in values.iter().enumerate() {
            if j > 0 {
                w.push(", ");
            }
            w.bind(v)?;
        }
        w.push(")");
        if self.if_not_exists {
            w.push(" IF NOT EXISTS");
        }
        using(&mut w, self.ttl, self.timestamp)?;
        Ok(BuiltQuery {
            cql: w.cql,
            values: w.values,
            options: self.options.clone(),
            kind: StatementKind::Insert,
            conditional: self.if_not_exists,
            counter: false,
        })
    }
}

/// Appends ` USING TTL ? AND TIMESTAMP ?` for the given parts.
pub(crate) fn using(
    w: &mut Writer<'_>,
    ttl: Option<i32>,
    timestamp: Option<i64>,
) -> Result<(), QueryError> {
    let mut first = true;
    let mut next = |w: &mut Writer<'_>| {
        w.push(if first { " USING " } else { " AND " });
        first = false;
    };
    if let Some(t) = ttl {
        next(w);
        w.push("TTL ");
        w.bind(&int_value(t))?;
    }
    if let Some(ts) = timestamp {
        next(w);
        w.push("TIMESTAMP ");
        w.bind(&bigint_value(ts))?;
    }
    Ok(())
}

//! [`Insert`]: saving a whole model row (`INSERT INTO ... VALUES (...)`), optionally
//! `IF NOT EXISTS` and `USING TTL / TIMESTAMP`.
//!
//! `None` fields are bound as *unset*, not null, as cqlengine skips them: saving a new row
//! then writes no tombstones, and every row of a model shares one statement text (one
//! prepared statement).

use std::borrow::Cow;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use cassia_protocol::consistency::Consistency;
use cassia_protocol::request::SerializedValues;

use super::built::{BuiltQuery, QueryOptions, StatementKind, Writer, bigint_value, int_value};
use super::error::QueryError;
use super::restrict::table_name;
use super::shape::{self, ShapeKey};
use crate::model::Model;
use crate::schema::quote_ident;

const NULL: [u8; 4] = (-1i32).to_be_bytes();
const UNSET: [u8; 4] = (-2i32).to_be_bytes();

/// A row's values, serialized straight into one buffer (no per-column allocation), and
/// which schema columns they are for.
#[derive(Debug, Clone)]
pub(crate) struct RowValues {
    /// The `[value]`s of the present columns, in schema order.
    pub(crate) values: SerializedValues,
    /// Present columns among the first 64 (bit i = column i).
    mask: u64,
    /// Present columns from the 65th on (rare; empty without allocating otherwise).
    extra: Vec<usize>,
}

impl RowValues {
    /// The schema positions of the present columns, in order.
    pub(crate) fn columns(&self) -> impl Iterator<Item = usize> + '_ {
        (0..64usize)
            .filter(|i| self.mask & (1u64 << i) != 0)
            .chain(self.extra.iter().copied())
    }
}

/// Serializes every column `row` has; nulls become unset when `null_as_unset`.
pub(crate) fn row_values<M: Model>(row: &M, null_as_unset: bool) -> Result<RowValues, QueryError> {
    let schema = M::schema();
    let keyspace = schema.keyspace.as_deref().unwrap_or("");
    let mut out = RowValues {
        values: SerializedValues {
            count: 0,
            named: false,
            bytes: Vec::with_capacity(16 * schema.columns.len()),
        },
        mask: 0,
        extra: Vec::new(),
    };
    for (i, c) in schema.columns.iter().enumerate() {
        let typ = c.cql_type.to_column_type(keyspace);
        let start = out.values.bytes.len();
        let value_error = |source| QueryError::Value {
            table: schema.name.clone(),
            column: c.name.clone(),
            source,
        };
        let present = row
            .write_column(i, &typ, &mut out.values.bytes)
            .map_err(value_error)?;
        if !present {
            continue;
        }
        if null_as_unset && out.values.bytes.get(start..) == Some(&NULL[..]) {
            out.values.bytes.truncate(start);
            out.values.bytes.extend_from_slice(&UNSET);
        }
        out.values.count =
            out.values
                .count
                .checked_add(1)
                .ok_or_else(|| QueryError::TooManyValues {
                    table: schema.name.clone(),
                })?;
        match u32::try_from(i).ok().and_then(|b| 1u64.checked_shl(b)) {
            Some(bit) if i < 64 => out.mask |= bit,
            _ => out.extra.push(i),
        }
    }
    Ok(out)
}

/// An INSERT of one model row.
#[derive(Debug)]
pub struct Insert<M> {
    values: Result<RowValues, QueryError>,
    if_not_exists: bool,
    ttl: Option<i32>,
    timestamp: Option<i64>,
    keyspace: Option<String>,
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
            keyspace: None,
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

    /// Writes the row to the table in `keyspace` instead of the model's (or the session's)
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
        let (cql, values) = self.render()?;
        Ok(BuiltQuery {
            cql,
            values,
            options: self.options.clone(),
            kind: StatementKind::Insert,
            conditional: self.if_not_exists,
            counter: false,
        })
    }

    /// The CQL text and values, rendered.
    fn render(&self) -> Result<(String, SerializedValues), QueryError> {
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
        let row = self.values.as_ref().map_err(Clone::clone)?;
        let mut w = Writer::new(&schema.name);
        w.push("INSERT INTO ");
        w.push(&table_name::<M>(self.keyspace.as_deref()));
        let names = row
            .columns()
            .filter_map(|i| schema.columns.get(i))
            .map(|c| quote_ident(&c.name))
            .collect::<Vec<_>>()
            .join(", ");
        w.push(&format!(" ({names}) VALUES ("));
        for j in 0..row.values.count {
            w.push(if j > 0 { ", ?" } else { "?" });
        }
        w.values = row.values.clone();
        w.push(")");
        if self.if_not_exists {
            w.push(" IF NOT EXISTS");
        }
        using(&mut w, self.ttl, self.timestamp)?;
        Ok((w.cql, w.values))
    }

    /// The statement's text (shared per shape: same columns present, same clauses) and its
    /// values, without rendering CQL again once the shape has been seen.
    pub(crate) fn prepared_parts(
        &self,
    ) -> Result<(Arc<str>, Cow<'_, SerializedValues>), QueryError> {
        let row = self.values.as_ref().map_err(Clone::clone)?;
        let mut key = ShapeKey::new::<M>(1);
        key.in_keyspace(self.keyspace.as_deref());
        key.push(row.mask);
        key.push_usize(row.extra.len());
        for i in &row.extra {
            key.push_usize(*i);
        }
        key.push(
            u64::from(self.if_not_exists)
                | u64::from(self.ttl.is_some()) << 1
                | u64::from(self.timestamp.is_some()) << 2,
        );
        if let Some(cql) = shape::get(&key) {
            if self.ttl.is_none() && self.timestamp.is_none() {
                return Ok((cql, Cow::Borrowed(&row.values)));
            }
            let mut w = Writer::new(&M::schema().name);
            w.values = row.values.clone();
            for v in self
                .ttl
                .map(int_value)
                .iter()
                .chain(self.timestamp.map(bigint_value).iter())
            {
                w.push_value(v)?;
            }
            return Ok((cql, Cow::Owned(w.values)));
        }
        let (cql, values) = self.render()?;
        Ok((shape::insert(&key, cql), Cow::Owned(values)))
    }

    /// Execution options.
    pub(crate) fn options(&self) -> &QueryOptions {
        &self.options
    }

    /// Whether the statement is `IF NOT EXISTS`.
    pub(crate) fn is_conditional(&self) -> bool {
        self.if_not_exists
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

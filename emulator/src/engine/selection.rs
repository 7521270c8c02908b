//! SELECT clauses: selectors (columns, WRITETIME/TTL, functions, aggregates, constants),
//! the result column names and types Cassandra reports for them, and their evaluation.

use bigdecimal::BigDecimal;
use bytes::Bytes;
use cassia_protocol::response::{ColumnSpec, ServerError};
use cassia_protocol::types::ColumnType;
use num_bigint::BigInt;

use super::functions::{native_by_name, return_type};
use super::read::RowRef;
use super::schema::Table;
use super::term::{Binds, Receiver, eval, timeuuid_millis};
use crate::catalog::invalid;
use crate::cql::ast::{BindMarker, Selection, SelectorExpr, Term};
use crate::store::compare::compare;
use crate::store::{partition_key_bytes, token::murmur3_token};

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Agg {
    Count,
    Min,
    Max,
    Sum,
    Avg,
}

/// A planned selector.
#[derive(Debug, Clone)]
pub(crate) enum Sel {
    Col(usize),
    WriteTime(usize),
    Ttl(usize),
    CountStar,
    Agg(Agg, Box<Sel>, ColumnType),
    Scalar(String, Vec<Sel>, ColumnType),
    Const(Option<Bytes>),
    Token,
    /// `similarity_*(a, b)` (Cassandra 5.0 vector functions).
    Similarity(super::vector_fns::Similarity, Box<Sel>, Box<Sel>),
    /// A bind marker among a function's arguments (`similarity_cosine(v, ?)`): replaced by
    /// its bound value ([`Selected::bind`]) before any row is read.
    Bound {
        /// The marker.
        marker: BindMarker,
        /// The receiver Cassandra names it after (`arg1(system.similarity_cosine)`).
        name: String,
        /// Its type.
        typ: ColumnType,
    },
}

impl Sel {
    pub fn is_aggregate(&self) -> bool {
        matches!(self, Sel::CountStar | Sel::Agg(..))
    }
}

impl Sel {
    /// Calls `f` with every bind marker inside this selector.
    fn markers<'a>(&'a self, f: &mut impl FnMut(&'a BindMarker, &'a str, &'a ColumnType)) {
        match self {
            Sel::Bound { marker, name, typ } => f(marker, name, typ),
            Sel::Agg(_, a, _) => a.markers(f),
            Sel::Scalar(_, args, _) => args.iter().for_each(|a| a.markers(f)),
            Sel::Similarity(_, a, b) => {
                a.markers(f);
                b.markers(f);
            }
            _ => {}
        }
    }

    /// This selector with its bind markers replaced by their bound values.
    fn bound(&self, binds: &Binds<'_>) -> Result<Sel, ServerError> {
        Ok(match self {
            Sel::Bound { marker, name, typ } => {
                let v = eval(&Term::Bind(marker.clone()), Receiver { name, typ }, binds)?;
                Sel::Const(v.bytes().cloned())
            }
            Sel::Agg(agg, a, t) => Sel::Agg(*agg, Box::new(a.bound(binds)?), t.clone()),
            Sel::Scalar(n, args, t) => Sel::Scalar(
                n.clone(),
                args.iter()
                    .map(|a| a.bound(binds))
                    .collect::<Result<_, _>>()?,
                t.clone(),
            ),
            Sel::Similarity(f, a, b) => {
                Sel::Similarity(*f, Box::new(a.bound(binds)?), Box::new(b.bound(binds)?))
            }
            other => other.clone(),
        })
    }
}

/// A planned selection: selectors and the result columns.
#[derive(Debug, Clone)]
pub(crate) struct Selected {
    pub sels: Vec<Sel>,
    pub columns: Vec<ColumnSpec>,
    pub aggregate: bool,
}

impl Selected {
    /// Records the selection's bind markers (they come first in a SELECT's markers).
    pub(crate) fn register_markers(&self, specs: &mut super::specs::Specs) {
        for sel in &self.sels {
            sel.markers(&mut |marker, name, typ| specs.marker(marker, name, typ));
        }
    }

    /// The selectors with bound values in place of markers (borrowed when there are none).
    pub(crate) fn bind(
        &self,
        binds: &Binds<'_>,
    ) -> Result<std::borrow::Cow<'_, [Sel]>, ServerError> {
        let mut any = false;
        for sel in &self.sels {
            sel.markers(&mut |_, _, _| any = true);
        }
        if !any {
            return Ok(std::borrow::Cow::Borrowed(&self.sels));
        }
        let bound = self
            .sels
            .iter()
            .map(|s| s.bound(binds))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(std::borrow::Cow::Owned(bound))
    }
}

fn spec(table: &Table, name: String, typ: ColumnType) -> ColumnSpec {
    ColumnSpec {
        keyspace: table.keyspace().to_owned(),
        table: table.name().to_owned(),
        name,
        typ,
    }
}

/// Plans `selection` over `table`.
pub(crate) fn plan(
    table: &Table,
    selection: &Selection,
    binds_none: &Binds<'_>,
) -> Result<Selected, ServerError> {
    let mut sels = Vec::new();
    let mut columns = Vec::new();
    match selection {
        Selection::Wildcard => {
            for (i, c) in table.cols.iter().enumerate() {
                sels.push(Sel::Col(i));
                columns.push(spec(table, c.name.clone(), c.typ.clone()));
            }
        }
        Selection::Selectors(list) => {
            for s in list {
                let (sel, name, typ) = selector(table, &s.expr, binds_none)?;
                columns.push(spec(table, s.alias.clone().unwrap_or(name), typ));
                sels.push(sel);
            }
        }
    }
    let aggregate = sels.iter().any(Sel::is_aggregate);
    Ok(Selected {
        sels,
        columns,
        aggregate,
    })
}

fn column(table: &Table, name: &str) -> Result<usize, ServerError> {
    table
        .col(name)
        .map(|(i, _)| i)
        .ok_or_else(|| invalid(format!("Undefined column name {name}")))
}

fn selector(
    table: &Table,
    expr: &SelectorExpr,
    binds: &Binds<'_>,
) -> Result<(Sel, String, ColumnType), ServerError> {
    Ok(match expr {
        SelectorExpr::Column(c) => {
            let i = column(table, c)?;
            (Sel::Col(i), c.clone(), table.cols[i].typ.clone())
        }
        SelectorExpr::CountStar => (Sel::CountStar, "count".to_owned(), ColumnType::BigInt),
        SelectorExpr::WriteTime(c) | SelectorExpr::Ttl(c) => {
            let i = column(table, c)?;
            let col = &table.cols[i];
            let is_wt = matches!(expr, SelectorExpr::WriteTime(_));
            let fname = if is_wt { "writetime" } else { "ttl" };
            if col.kind.is_primary_key() {
                return Err(invalid(format!(
                    "Cannot use selection function {} on PRIMARY KEY part {c}",
                    if is_wt { "writeTime" } else { "ttl" }
                )));
            }
            if col.multi_cell() {
                let what = if col.typ.is_collection() {
                    "collection"
                } else {
                    "UDT"
                };
                return Err(invalid(format!(
                    "Cannot use selection function {} on non-frozen {what} {c}",
                    if is_wt { "writeTime" } else { "ttl" }
                )));
            }
            if is_wt {
                (
                    Sel::WriteTime(i),
                    format!("{fname}({c})"),
                    ColumnType::BigInt,
                )
            } else {
                (Sel::Ttl(i), format!("{fname}({c})"), ColumnType::Int)
            }
        }
        SelectorExpr::Function { name, args } => {
            let declared = |c: &str| {
                table
                    .def
                    .column(c)
                    .map(|c| crate::catalog::render_type(&c.declared))
            };
            let mut plan_arg = |a: &SelectorExpr| selector(table, a, binds);
            if let Some(planned) = super::vector_sel::plan(name, args, &mut plan_arg, &declared)? {
                return Ok(planned);
            }
            let agg = match name.as_str() {
                "count" => Some(Agg::Count),
                "min" => Some(Agg::Min),
                "max" => Some(Agg::Max),
                "sum" => Some(Agg::Sum),
                "avg" => Some(Agg::Avg),
                _ => None,
            };
            let mut parts = Vec::new();
            let mut names = Vec::new();
            let mut types = Vec::new();
            for a in args {
                let (s, n, t) = selector(table, a, binds)?;
                parts.push(s);
                names.push(n);
                types.push(t);
            }
            let label = format!("system.{name}({})", names.join(", "));
            if let Some(agg) = agg {
                let (Some(arg), Some(t)) = (parts.pop(), types.pop()) else {
                    return Err(invalid(format!(
                        "Invalid number of arguments in call to function system.{name}: 1 required but 0 provided"
                    )));
                };
                let out = if agg == Agg::Count {
                    ColumnType::BigInt
                } else {
                    t.clone()
                };
                return Ok((Sel::Agg(agg, Box::new(arg), t), label, out));
            }
            if name == "token" {
                return Ok((Sel::Token, label, ColumnType::BigInt));
            }
            let Some(rt) = return_type(name) else {
                return Err(invalid(format!("Unknown function '{name}'")));
            };
            if let Some(t) = name.strip_suffix("asblob").and_then(native_by_name) {
                if types.first().is_some_and(|a| *a != t) {
                    return Err(invalid(format!(
                        "Type error: {} cannot be passed as argument 0 of function system.{name} of type {t}",
                        names.join(", ")
                    )));
                }
            }
            (Sel::Scalar(name.clone(), parts, rt.clone()), label, rt)
        }
        SelectorExpr::Cast(inner, to) => {
            let (s, n, from) = selector(table, inner, binds)?;
            let Some(to_typ) = super::functions::native_by_name(&to.to_string()) else {
                return Err(invalid(format!("{n} cannot be cast to {to}")));
            };
            super::cast::check(&from, &to_typ, &n)?;
            let label = format!("cast({n} as {to})");
            (
                Sel::Scalar(format!("cast#{to}"), vec![s], to_typ.clone()),
                label,
                to_typ,
            )
        }
        SelectorExpr::Field(inner, field) => {
            let (s, n, t) = selector(table, inner, binds)?;
            let ColumnType::Udt { fields, .. } = &t else {
                return Err(invalid(format!(
                    "Invalid field selection: {n} of type {t} is not a user type"
                )));
            };
            let Some(pos) = fields.iter().position(|(f, _)| f == field) else {
                return Err(invalid(format!("{t} has no field {field}")));
            };
            let ft = fields[pos].1.clone();
            (
                Sel::Scalar(format!("field#{pos}"), vec![s], ft.clone()),
                format!("{n}.{field}"),
                ft,
            )
        }
        SelectorExpr::Term(term) => {
            let typ = match term {
                Term::Literal(crate::cql::ast::Literal::Integer(_)) => ColumnType::Int,
                Term::Literal(crate::cql::ast::Literal::Float(_)) => ColumnType::Double,
                Term::Literal(crate::cql::ast::Literal::Bool(_)) => ColumnType::Boolean,
                Term::Literal(crate::cql::ast::Literal::Blob(_)) => ColumnType::Blob,
                Term::Literal(crate::cql::ast::Literal::Uuid(_)) => ColumnType::Uuid,
                _ => ColumnType::Text,
            };
            let v = eval(
                term,
                Receiver {
                    name: "term",
                    typ: &typ,
                },
                binds,
            )?;
            (Sel::Const(v.bytes().cloned()), "term".to_owned(), typ)
        }
    })
}

/// Evaluates a non-aggregate selector on a row; errors a function raises (a zero vector
/// given to `similarity_cosine`) are returned.
pub(crate) fn try_value(
    sel: &Sel,
    table: &Table,
    row: &RowRef<'_>,
) -> Result<Option<Bytes>, ServerError> {
    match sel {
        Sel::Similarity(f, a, b) => {
            super::vector_sel::evaluate(*f, try_value(a, table, row)?, try_value(b, table, row)?)
        }
        other => Ok(value(other, table, row)),
    }
}

/// Evaluates a non-aggregate selector on a row (a failing function gives null).
pub(crate) fn value(sel: &Sel, table: &Table, row: &RowRef<'_>) -> Option<Bytes> {
    match sel {
        Sel::Similarity(..) => try_value(sel, table, row).ok().flatten(),
        Sel::Col(i) => row.value(table, *i),
        Sel::WriteTime(i) => {
            let c = row.cell(table.cols.get(*i)?)?;
            Some(Bytes::copy_from_slice(&c.ts.to_be_bytes()))
        }
        Sel::Ttl(i) => {
            let c = row.cell(table.cols.get(*i)?)?;
            c.remaining_ttl(row.now)
                .map(|t| Bytes::copy_from_slice(&t.to_be_bytes()))
        }
        Sel::Token => {
            let key = partition_key_bytes(row.pk);
            Some(Bytes::copy_from_slice(&murmur3_token(&key).to_be_bytes()))
        }
        Sel::Const(v) => v.clone(),
        Sel::Scalar(name, args, _) => {
            let arg = args.first().and_then(|a| value(a, table, row));
            scalar(name, arg, args.first().map(|a| sel_type(a, table)))
        }
        Sel::CountStar | Sel::Agg(..) | Sel::Bound { .. } => None,
    }
}

fn sel_type(sel: &Sel, table: &Table) -> ColumnType {
    match sel {
        Sel::Col(i) => table
            .cols
            .get(*i)
            .map_or(ColumnType::Blob, |c| c.typ.clone()),
        Sel::WriteTime(_) | Sel::Token | Sel::CountStar => ColumnType::BigInt,
        Sel::Ttl(_) => ColumnType::Int,
        Sel::Agg(_, _, t) | Sel::Scalar(_, _, t) => t.clone(),
        Sel::Const(_) => ColumnType::Blob,
        Sel::Similarity(..) => ColumnType::Float,
        Sel::Bound { typ, .. } => typ.clone(),
    }
}

fn scalar(name: &str, arg: Option<Bytes>, arg_typ: Option<ColumnType>) -> Option<Bytes> {
    if let Some(to) = name.strip_prefix("cast#") {
        let to = super::functions::native_by_name(to)?;
        return super::cast::convert(&arg_typ?, &to, &arg?);
    }
    if let Some(pos) = name
        .strip_prefix("field#")
        .and_then(|p| p.parse::<usize>().ok())
    {
        let parts = super::restrict::split_tuple(&arg?);
        return parts.get(pos).cloned().filter(|b| !b.is_empty());
    }
    if name.starts_with("blobas") || name.ends_with("asblob") {
        return arg;
    }
    let millis = |a: &Bytes| -> Option<i64> {
        match arg_typ.as_ref()? {
            ColumnType::Timeuuid => timeuuid_millis(a),
            ColumnType::Date => {
                let raw = u32::from_be_bytes(a.as_ref().try_into().ok()?);
                Some((i64::from(raw) - (1i64 << 31)) * 86_400_000)
            }
            _ => <[u8; 8]>::try_from(a.as_ref()).ok().map(i64::from_be_bytes),
        }
    };
    match name {
        "tojson" => {
            let text = match (&arg, &arg_typ) {
                (Some(b), Some(t)) => super::json::to_json(t, b),
                _ => "null".to_owned(),
            };
            Some(Bytes::from(text.into_bytes()))
        }
        "totimestamp" | "tounixtimestamp" | "dateof" | "unixtimestampof" => {
            millis(&arg?).map(|m| Bytes::copy_from_slice(&m.to_be_bytes()))
        }
        "todate" => millis(&arg?).map(|m| {
            let days = m.div_euclid(86_400_000) + (1i64 << 31);
            Bytes::copy_from_slice(&(days as u32).to_be_bytes())
        }),
        "now" | "uuid" | "currenttimestamp" | "currentdate" | "currenttime" | "currenttimeuuid" => {
            let t = Term::Function {
                name: name.to_owned(),
                args: Vec::new(),
            };
            let typ = return_type(name)?;
            eval(&t, Receiver { name, typ: &typ }, &Binds::default())
                .ok()?
                .bytes()
                .cloned()
        }
        _ => None,
    }
}

/// Running state of one aggregate.
#[derive(Debug, Clone, Default)]
pub(crate) struct Acc {
    count: i64,
    best: Option<Bytes>,
    int_sum: i128,
    float_sum: f64,
    big_sum: Option<BigInt>,
    dec_sum: Option<BigDecimal>,
    first: Option<Option<Bytes>>,
}

impl Acc {
    /// Feeds one row.
    pub fn add(&mut self, sel: &Sel, table: &Table, row: &RowRef<'_>) {
        match sel {
            Sel::CountStar => self.count += 1,
            Sel::Agg(agg, inner, typ) => {
                let Some(v) = value(inner, table, row) else {
                    return;
                };
                if v.is_empty()
                    && !matches!(typ, ColumnType::Text | ColumnType::Ascii | ColumnType::Blob)
                {
                    return;
                }
                self.count += 1;
                match agg {
                    Agg::Count => {}
                    Agg::Min | Agg::Max => {
                        let better = self.best.as_ref().is_none_or(|b| {
                            let o = compare(typ, &v, b);
                            if *agg == Agg::Min {
                                o.is_lt()
                            } else {
                                o.is_gt()
                            }
                        });
                        if better {
                            self.best = Some(v);
                        }
                    }
                    Agg::Sum | Agg::Avg => self.add_number(typ, &v),
                }
            }
            other => {
                if self.first.is_none() {
                    self.first = Some(value(other, table, row));
                }
            }
        }
    }

    fn add_number(&mut self, typ: &ColumnType, v: &[u8]) {
        match typ {
            ColumnType::Float => {
                if let Ok(b) = <[u8; 4]>::try_from(v) {
                    self.float_sum += f64::from(f32::from_be_bytes(b));
                }
            }
            ColumnType::Double => {
                if let Ok(b) = <[u8; 8]>::try_from(v) {
                    self.float_sum += f64::from_be_bytes(b);
                }
            }
            ColumnType::Varint => {
                let n = BigInt::from_signed_bytes_be(v);
                self.big_sum = Some(self.big_sum.take().unwrap_or_default() + n);
            }
            ColumnType::Decimal => {
                if let Some((scale, unscaled)) = v.split_first_chunk::<4>() {
                    let d = BigDecimal::new(
                        BigInt::from_signed_bytes_be(unscaled),
                        i64::from(i32::from_be_bytes(*scale)),
                    );
                    self.dec_sum = Some(self.dec_sum.take().unwrap_or_default() + d);
                }
            }
            _ => {
                self.int_sum +=
                    i128::from(BigInt::from_signed_bytes_be(v).try_into().unwrap_or(0i64));
            }
        }
    }

    /// The aggregate's result.
    pub fn finish(&self, sel: &Sel) -> Option<Bytes> {
        match sel {
            Sel::CountStar | Sel::Agg(Agg::Count, ..) => {
                Some(Bytes::copy_from_slice(&self.count.to_be_bytes()))
            }
            Sel::Agg(Agg::Min | Agg::Max, ..) => self.best.clone(),
            Sel::Agg(agg, _, typ) => {
                let avg = *agg == Agg::Avg;
                let n = self.count.max(1);
                Some(match typ {
                    ColumnType::Float => {
                        let s = if avg {
                            self.float_sum / n as f64
                        } else {
                            self.float_sum
                        };
                        Bytes::copy_from_slice(&(s as f32).to_be_bytes())
                    }
                    ColumnType::Double => {
                        let s = if avg {
                            self.float_sum / n as f64
                        } else {
                            self.float_sum
                        };
                        Bytes::copy_from_slice(&s.to_be_bytes())
                    }
                    ColumnType::Varint => {
                        let s = self.big_sum.clone().unwrap_or_default();
                        let s = if avg { s / BigInt::from(n) } else { s };
                        Bytes::from(s.to_signed_bytes_be())
                    }
                    ColumnType::Decimal => {
                        let s = self.dec_sum.clone().unwrap_or_default();
                        let s = if avg { s / BigDecimal::from(n) } else { s };
                        super::literal::decimal_bytes(&s)
                    }
                    _ => {
                        let s = if avg {
                            self.int_sum / i128::from(n)
                        } else {
                            self.int_sum
                        };
                        match typ {
                            ColumnType::Int => Bytes::copy_from_slice(&(s as i32).to_be_bytes()),
                            ColumnType::SmallInt => {
                                Bytes::copy_from_slice(&(s as i16).to_be_bytes())
                            }
                            ColumnType::TinyInt => Bytes::copy_from_slice(&(s as i8).to_be_bytes()),
                            _ => Bytes::copy_from_slice(&(s as i64).to_be_bytes()),
                        }
                    }
                })
            }
            _ => self.first.clone().flatten(),
        }
    }
}

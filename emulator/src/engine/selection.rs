//! SELECT clauses: planned selectors (columns, WRITETIME/TTL, functions, aggregates,
//! operations, collection elements and slices, constants) and their evaluation per row and
//! per group. Planning, with the names and types Cassandra reports, is `super::selector_plan`.

use bigdecimal::BigDecimal;
use bytes::Bytes;
use cassia_protocol::response::{ColumnSpec, ServerError};
use cassia_protocol::types::ColumnType;
use num_bigint::BigInt;

use super::arith::{self, Arith};
use super::functions::return_type;
use super::read::RowRef;
use super::schema::Table;
use super::term::{Binds, Receiver, eval, timeuuid_millis};
use crate::cql::ast::{BindMarker, Term};
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
    /// A constant with its type (a literal typed by its receiver, a bound marker).
    Typed(Option<Bytes>, ColumnType),
    /// `left op right`, with the operand types of the operation used.
    Op(Arith, Box<Sel>, Box<Sel>, ColumnType, ColumnType),
    /// `-x` on a number of the given type.
    Neg(Box<Sel>, ColumnType),
    /// `c[key]` on a map or set of the given type.
    Element(Box<Sel>, Box<Sel>, ColumnType),
    /// `c[from..to]` on a map or set of the given type.
    Slice(Box<Sel>, Option<Box<Sel>>, Option<Box<Sel>>, ColumnType),
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

impl Selected {
    /// The table columns the selectors read, in order of first use (Cassandra's
    /// `Selection.getColumns`).
    pub(crate) fn columns_read(&self, table: &Table) -> Vec<usize> {
        let mut out = Vec::new();
        for sel in &self.sels {
            sel.columns(table, &mut out);
        }
        out
    }
}

impl Sel {
    fn columns(&self, table: &Table, out: &mut Vec<usize>) {
        let mut add = |i: usize| {
            if !out.contains(&i) {
                out.push(i);
            }
        };
        match self {
            Sel::Col(i) | Sel::WriteTime(i) | Sel::Ttl(i) => add(*i),
            Sel::Token => table.pk.iter().for_each(|i| add(*i)),
            Sel::Agg(_, a, _) | Sel::Neg(a, _) => a.columns(table, out),
            Sel::Scalar(_, args, _) => args.iter().for_each(|a| a.columns(table, out)),
            Sel::Similarity(_, a, b) | Sel::Op(_, a, b, ..) | Sel::Element(a, b, _) => {
                a.columns(table, out);
                b.columns(table, out);
            }
            Sel::Slice(c, ..) => c.columns(table, out),
            _ => {}
        }
    }

    pub fn is_aggregate(&self) -> bool {
        matches!(self, Sel::CountStar | Sel::Agg(..))
    }

    /// Whether evaluating this selector can raise an error (a failing operation).
    fn can_fail(&self) -> bool {
        match self {
            Sel::Op(..) | Sel::Similarity(..) => true,
            Sel::Neg(a, _) => a.can_fail(),
            Sel::Scalar(_, args, _) => args.iter().any(Sel::can_fail),
            Sel::Element(a, b, _) => a.can_fail() || b.can_fail(),
            Sel::Slice(a, ..) => a.can_fail(),
            _ => false,
        }
    }
}

impl Sel {
    /// Calls `f` with every bind marker inside this selector.
    fn markers<'a>(&'a self, f: &mut impl FnMut(&'a BindMarker, &'a str, &'a ColumnType)) {
        match self {
            Sel::Bound { marker, name, typ } => f(marker, name, typ),
            Sel::Agg(_, a, _) => a.markers(f),
            Sel::Scalar(_, args, _) => args.iter().for_each(|a| a.markers(f)),
            Sel::Similarity(_, a, b) | Sel::Op(_, a, b, ..) | Sel::Element(a, b, _) => {
                a.markers(f);
                b.markers(f);
            }
            Sel::Neg(a, _) => a.markers(f),
            Sel::Slice(c, lo, hi, _) => {
                c.markers(f);
                lo.iter().chain(hi.iter()).for_each(|b| b.markers(f));
            }
            _ => {}
        }
    }

    /// This selector with its bind markers replaced by their bound values.
    fn bound(&self, binds: &Binds<'_>) -> Result<Sel, ServerError> {
        Ok(match self {
            Sel::Bound { marker, name, typ } => {
                let v = eval(&Term::Bind(marker.clone()), Receiver { name, typ }, binds)?;
                Sel::Typed(v.bytes().cloned(), typ.clone())
            }
            Sel::Op(op, a, b, lt, rt) => Sel::Op(
                *op,
                Box::new(a.bound(binds)?),
                Box::new(b.bound(binds)?),
                lt.clone(),
                rt.clone(),
            ),
            Sel::Neg(a, t) => Sel::Neg(Box::new(a.bound(binds)?), t.clone()),
            Sel::Element(c, k, t) => Sel::Element(
                Box::new(c.bound(binds)?),
                Box::new(k.bound(binds)?),
                t.clone(),
            ),
            Sel::Slice(c, lo, hi, t) => {
                let b = |x: &Option<Box<Sel>>| -> Result<Option<Box<Sel>>, ServerError> {
                    x.as_ref().map(|s| s.bound(binds).map(Box::new)).transpose()
                };
                Sel::Slice(Box::new(c.bound(binds)?), b(lo)?, b(hi)?, t.clone())
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

pub(crate) fn spec(table: &Table, name: String, typ: ColumnType) -> ColumnSpec {
    ColumnSpec {
        keyspace: table.keyspace().to_owned(),
        table: table.name().to_owned(),
        name,
        typ,
    }
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
        Sel::Op(op, a, b, lt, rt) => {
            let (x, y) = (try_value(a, table, row)?, try_value(b, table, row)?);
            arith::apply(*op, (lt, x.as_deref()), (rt, y.as_deref()))
        }
        Sel::Neg(a, t) => Ok(arith::negate(t, try_value(a, table, row)?.as_deref())),
        Sel::Element(c, k, t) => {
            let (coll, key) = (try_value(c, table, row)?, try_value(k, table, row)?);
            Ok(super::sel_collections::element(
                t,
                coll.as_deref(),
                key.as_deref(),
            ))
        }
        Sel::Slice(c, lo, hi, t) => {
            let coll = try_value(c, table, row)?;
            let bound = |b: &Option<Box<Sel>>| -> Result<Option<Bytes>, ServerError> {
                Ok(match b {
                    Some(s) => try_value(s, table, row)?,
                    None => None,
                })
            };
            let (lo, hi) = (bound(lo)?, bound(hi)?);
            Ok(super::sel_collections::slice(
                t,
                coll.as_deref(),
                lo.as_deref(),
                hi.as_deref(),
            ))
        }
        Sel::Scalar(name, args, _) if args.iter().any(Sel::can_fail) => {
            let arg = match args.first() {
                Some(a) => try_value(a, table, row)?,
                None => None,
            };
            Ok(scalar(name, arg, args.first().map(|a| sel_type(a, table))))
        }
        other => Ok(value(other, table, row)),
    }
}

/// Evaluates a non-aggregate selector on a row (a failing function gives null).
pub(crate) fn value(sel: &Sel, table: &Table, row: &RowRef<'_>) -> Option<Bytes> {
    match sel {
        Sel::Similarity(..) | Sel::Op(..) | Sel::Neg(..) | Sel::Element(..) | Sel::Slice(..) => {
            try_value(sel, table, row).ok().flatten()
        }
        Sel::Typed(v, _) => v.clone(),
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
        Sel::Typed(_, t) | Sel::Neg(_, t) | Sel::Slice(.., t) => t.clone(),
        Sel::Op(_, _, _, l, r) => arith::result_type(l, r),
        Sel::Element(_, _, t) => match t {
            ColumnType::Map(_, v) => (**v).clone(),
            ColumnType::Set(e) => (**e).clone(),
            other => other.clone(),
        },
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
        "mintimeuuid" | "maxtimeuuid" => {
            let ms = <[u8; 8]>::try_from(arg?.as_ref())
                .ok()
                .map(i64::from_be_bytes)?;
            Some(super::functions::timeuuid_bound(name == "mintimeuuid", ms))
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
    floats: super::kahan::Kahan,
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
                    Agg::Sum | Agg::Avg => self.add_number(typ, &v, *agg == Agg::Avg),
                }
            }
            other => {
                if self.first.is_none() {
                    self.first = Some(value(other, table, row));
                }
            }
        }
    }

    fn add_number(&mut self, typ: &ColumnType, v: &[u8], avg: bool) {
        match typ {
            ColumnType::Float => {
                if let Ok(b) = <[u8; 4]>::try_from(v) {
                    self.floats.add(f64::from(f32::from_be_bytes(b)), avg);
                }
            }
            ColumnType::Double => {
                if let Ok(b) = <[u8; 8]>::try_from(v) {
                    self.floats.add(f64::from_be_bytes(b), avg);
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
                            self.floats.avg()
                        } else {
                            self.floats.sum()
                        };
                        Bytes::copy_from_slice(&(s as f32).to_be_bytes())
                    }
                    ColumnType::Double => {
                        let s = if avg {
                            self.floats.avg()
                        } else {
                            self.floats.sum()
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

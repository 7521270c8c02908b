//! Planning a SELECT's selectors as Cassandra 4.0's `Selectable.newSelectorFactory` does:
//! each selector's evaluation, the column name Cassandra reports for it
//! (`system.mintimeuuid('2013-01-01 00:05+0000')`, `v + 1`, `m['k']`, `cast(v as text)`) and
//! its type.
//!
//! A term (literal or bind marker) has no type of its own: it takes the type of the
//! function argument it is passed to, and on its own it is refused ("Cannot infer type for
//! term 1 in selection clause (try using a cast to force a type)") unless a type hint
//! (`(int)1`) gives one. Function calls resolve against the declared signatures
//! (`super::signatures`), operators against `OperationFcts`' numeric pairs.

use cassia_protocol::response::ServerError;
use cassia_protocol::types::ColumnType;

use super::arith::Arith;
use super::functions::{native_by_name, return_type};
use super::schema::Table;
use super::selection::{Agg, Sel, Selected, spec};
use super::signatures::{self, Arg, Fit};
use super::term::{Binds, Receiver, Val, eval};
use crate::catalog::invalid;
use crate::cql::ast::{Literal, Selection, SelectorExpr, Term};

/// A planned selector: what to evaluate, its column name, its type.
pub(crate) type Planned = (Sel, String, ColumnType);

/// A call's planned arguments: selectors, names, types.
type PlannedArgs = (Vec<Sel>, Vec<String>, Vec<ColumnType>);

pub(crate) struct Ctx<'a> {
    pub(crate) table: &'a Table,
    pub(crate) binds: &'a Binds<'a>,
    /// The columns the selection reads, in order (Cassandra's `defs`; its cast error names
    /// the first of them).
    pub(crate) defs: Vec<String>,
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
            let mut ctx = Ctx {
                table,
                binds: binds_none,
                defs: Vec::new(),
            };
            for s in list {
                let (sel, name, typ) = ctx.selector(&s.expr, None)?;
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

/// The text Cassandra prints for a term (`Term.Raw.getText`): `(int)1` for a type hint.
pub(crate) fn term_text(t: &Term) -> String {
    match t {
        Term::Cast(typ, inner) => format!("({typ}){}", term_text(inner)),
        other => other.to_string(),
    }
}

/// `Selectable.WithTerm`: a term with neither a type hint nor a receiver type.
fn cannot_infer(text: &str) -> ServerError {
    invalid(format!(
        "Cannot infer type for term {text} in selection clause (try using a cast to force a type)"
    ))
}

impl Ctx<'_> {
    fn column(&mut self, name: &str) -> Result<usize, ServerError> {
        let (i, _) = self
            .table
            .col(name)
            .ok_or_else(|| invalid(format!("Undefined column name {name}")))?;
        if !self.defs.iter().any(|d| d == name) {
            self.defs.push(name.to_owned());
        }
        Ok(i)
    }

    pub(crate) fn selector(
        &mut self,
        expr: &SelectorExpr,
        expected: Option<&ColumnType>,
    ) -> Result<Planned, ServerError> {
        Ok(match expr {
            SelectorExpr::Column(c) => {
                let i = self.column(c)?;
                (Sel::Col(i), c.clone(), self.table.cols[i].typ.clone())
            }
            SelectorExpr::CountStar => (Sel::CountStar, "count".to_owned(), ColumnType::BigInt),
            SelectorExpr::WriteTime(c) | SelectorExpr::Ttl(c) => {
                self.writetime_or_ttl(c, matches!(expr, SelectorExpr::WriteTime(_)))?
            }
            SelectorExpr::Function { name, args } => self.function(name, args)?,
            SelectorExpr::Cast(inner, to) => self.cast(inner, &to.to_string())?,
            SelectorExpr::Field(inner, field) => {
                let (s, n, t) = self.selector(inner, None)?;
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
            SelectorExpr::Term(term) => self.term(term, expected)?,
            SelectorExpr::Element(inner, key) => self.element(inner, Some(key), None, false)?,
            SelectorExpr::Slice(inner, from, to) => {
                self.element(inner, from.as_ref(), to.as_ref(), true)?
            }
        })
    }

    fn writetime_or_ttl(&mut self, c: &str, is_wt: bool) -> Result<Planned, ServerError> {
        let i = self.column(c)?;
        let col = &self.table.cols[i];
        let what = if is_wt { "writeTime" } else { "ttl" };
        if col.kind.is_primary_key() {
            return Err(invalid(format!(
                "Cannot use selection function {what} on PRIMARY KEY part {c}"
            )));
        }
        if col.multi_cell() {
            let kind = if col.typ.is_collection() {
                "collection"
            } else {
                "UDT"
            };
            return Err(invalid(format!(
                "Cannot use selection function {what} on non-frozen {kind} {c}"
            )));
        }
        Ok(if is_wt {
            (
                Sel::WriteTime(i),
                format!("writetime({c})"),
                ColumnType::BigInt,
            )
        } else {
            (Sel::Ttl(i), format!("ttl({c})"), ColumnType::Int)
        })
    }

    /// A literal, bind marker or type-hinted term, typed by its hint or by `expected`.
    fn term(&mut self, term: &Term, expected: Option<&ColumnType>) -> Result<Planned, ServerError> {
        let text = term_text(term);
        let (typ, value) = match (signatures::term_type(term), term) {
            (Some(own), Term::Cast(_, inner)) => (own, &**inner),
            _ => {
                let Some(typ) = expected else {
                    return Err(cannot_infer(&text));
                };
                if signatures::fit(&Arg::Term(term), typ) == Fit::No {
                    return Err(invalid(format!(
                        "{text} is not of the expected type: {typ}"
                    )));
                }
                (typ.clone(), term)
            }
        };
        let sel = self.constant(value, &typ, "[selection]")?;
        Ok((sel, text, typ))
    }

    /// A term's value for a receiver named `name` (a bind marker waits for its value).
    pub(crate) fn constant(
        &self,
        t: &Term,
        typ: &ColumnType,
        name: &str,
    ) -> Result<Sel, ServerError> {
        if let Term::Bind(marker) = t {
            return Ok(Sel::Bound {
                marker: marker.clone(),
                name: name.to_owned(),
                typ: typ.clone(),
            });
        }
        let v = eval(t, Receiver { name, typ }, self.binds)?;
        Ok(Sel::Typed(
            match v {
                Val::Value(b) => Some(b),
                _ => None,
            },
            typ.clone(),
        ))
    }

    fn function(&mut self, name: &str, args: &[SelectorExpr]) -> Result<Planned, ServerError> {
        let table = self.table;
        let declared_type = |c: &str| {
            table
                .def
                .column(c)
                .map(|c| crate::catalog::render_type(&c.declared))
        };
        let binds = self.binds;
        let mut plan_arg = |a: &SelectorExpr| {
            let mut inner = Ctx {
                table,
                binds,
                defs: Vec::new(),
            };
            inner.selector(a, None)
        };
        if let Some(planned) = super::vector_sel::plan(name, args, &mut plan_arg, &declared_type)? {
            return Ok(planned);
        }
        if let Some(op) = Arith::from_function(name) {
            return self.operation(op, args);
        }
        if name == "_negate" {
            return self.negation(args);
        }
        // `count(1)` (any non-null literal) counts rows (Selectable.WithFunction.Raw).
        if let ("count", [SelectorExpr::Term(Term::Literal(l))]) = (name, args) {
            if *l != Literal::Null {
                return Ok((Sel::CountStar, "count".to_owned(), ColumnType::BigInt));
            }
        }
        let (parts, names, types) = self.arguments(name, args)?;
        let label = format!("system.{name}({})", names.join(", "));
        if name == "token" {
            return Ok((Sel::Token, label, ColumnType::BigInt));
        }
        let agg = match name {
            "count" => Some(Agg::Count),
            "min" => Some(Agg::Min),
            "max" => Some(Agg::Max),
            "sum" => Some(Agg::Sum),
            "avg" => Some(Agg::Avg),
            _ => None,
        };
        if let Some(agg) = agg {
            let (Some(arg), Some(t)) = (parts.into_iter().next(), types.first()) else {
                return Err(invalid(format!("Unknown function '{name}'")));
            };
            let out = if agg == Agg::Count {
                ColumnType::BigInt
            } else {
                t.clone()
            };
            return Ok((Sel::Agg(agg, Box::new(arg), t.clone()), label, out));
        }
        let rt = match signatures::declared(name) {
            Some(sigs) => sigs
                .into_iter()
                .find(|s| s.args == types)
                .map(|s| s.ret)
                .or_else(|| return_type(name)),
            None => return_type(name),
        };
        let Some(rt) = rt else {
            return Err(invalid(format!("Unknown function '{name}'")));
        };
        Ok((Sel::Scalar(name.to_owned(), parts, rt.clone()), label, rt))
    }

    /// Plans a call's arguments, typing terms by the signature the call resolves to.
    fn arguments(&mut self, name: &str, args: &[SelectorExpr]) -> Result<PlannedArgs, ServerError> {
        let mut shapes = Vec::with_capacity(args.len());
        let mut planned: Vec<Option<Planned>> = Vec::with_capacity(args.len());
        for a in args {
            match a {
                SelectorExpr::Term(t) => {
                    shapes.push(Arg::Term(t));
                    planned.push(None);
                }
                other => {
                    let p = self.selector(other, None)?;
                    shapes.push(Arg::Typed(p.2.clone()));
                    planned.push(Some(p));
                }
            }
        }
        let texts: Vec<String> = args
            .iter()
            .zip(&planned)
            .map(|(a, p)| match (a, p) {
                (_, Some(p)) => p.1.clone(),
                (SelectorExpr::Term(t), None) => term_text(t),
                (other, None) => other.to_string(),
            })
            .collect();
        let expected: Vec<Option<ColumnType>> = match signatures::declared(name) {
            Some(sigs) => {
                let sig = signatures::resolve(name, &sigs, &shapes, &texts)?;
                sig.args.iter().cloned().map(Some).collect()
            }
            None => args.iter().map(|_| plain_arg_type(name)).collect(),
        };
        let mut parts = Vec::with_capacity(args.len());
        let mut names = Vec::with_capacity(args.len());
        let mut types = Vec::with_capacity(args.len());
        for (i, (a, p)) in args.iter().zip(planned).enumerate() {
            let (s, n, t) = match p {
                Some(p) => p,
                None => self.selector(a, expected.get(i).and_then(Option::as_ref))?,
            };
            parts.push(s);
            names.push(n);
            types.push(t);
        }
        if let Some(t) = name.strip_suffix("asblob").and_then(native_by_name) {
            if types.first().is_some_and(|a| *a != t) {
                return Err(invalid(format!(
                    "Type error: {} cannot be passed as argument 0 of function system.{name} of type {t}",
                    names.join(", ")
                )));
            }
        }
        Ok((parts, names, types))
    }

    fn cast(&mut self, inner: &SelectorExpr, to: &str) -> Result<Planned, ServerError> {
        let (s, n, from) = self.selector(inner, None)?;
        let Some(to_typ) = native_by_name(to) else {
            return Err(invalid(format!(
                "{} cannot be cast to {to}",
                self.first_def()
            )));
        };
        // `Selectable.WithCast`: a cast to the selector's own type is no cast at all.
        if from == to_typ {
            return Ok((s, n, from));
        }
        let sigs = signatures::casts_to(&to_typ);
        if sigs.is_empty() {
            return Err(invalid(format!(
                "{} cannot be cast to {to}",
                self.first_def()
            )));
        }
        let called = format!("system.{}", signatures::cast_name(&to_typ));
        signatures::resolve(
            &called,
            &sigs,
            &[Arg::Typed(from.clone())],
            std::slice::from_ref(&n),
        )?;
        let label = format!("cast({n} as {to})");
        Ok((
            Sel::Scalar(format!("cast#{to}"), vec![s], to_typ.clone()),
            label,
            to_typ,
        ))
    }

    fn first_def(&self) -> &str {
        self.defs.first().map_or("", String::as_str)
    }
}

/// The type a term argument of an undeclared-here function takes: `blobAsX` reads a blob,
/// `xAsBlob` an x.
fn plain_arg_type(name: &str) -> Option<ColumnType> {
    if name.starts_with("blobas") {
        return Some(ColumnType::Blob);
    }
    if let Some(t) = name.strip_suffix("asblob") {
        return native_by_name(t);
    }
    // Any other function (`tojson`, `token`, `now`...) gives its terms no type.
    None
}

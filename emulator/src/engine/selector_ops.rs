//! Operators and collection sub-selections in selections, planned as Cassandra 4.0 does:
//! `left op right` resolves against `OperationFcts`' numeric and temporal pairs (an exact pair wins, a
//! single weak one is used, several are ambiguous), `-x` negates a number, and `c[k]` /
//! `c[a..b]` (`WithElementSelection`, `WithSliceSelection`) apply to maps and sets only, their
//! keys typed (and bind markers named `key(m)` / `value(s)`) after the collection.

use cassia_protocol::response::ServerError;
use cassia_protocol::types::ColumnType;

use super::arith::{self, Arith};
use super::selection::Sel;
use super::selector_plan::{Ctx, Planned, term_text};
use super::signatures::{self, Arg, Fit};
use super::temporal_ops;
use crate::catalog::invalid;
use crate::cql::ast::{SelectorExpr, Term};

impl Ctx<'_> {
    /// `left op right` over `OperationFcts`' numeric pairs.
    pub(crate) fn operation(
        &mut self,
        op: Arith,
        args: &[SelectorExpr],
    ) -> Result<Planned, ServerError> {
        let [left, right] = args else {
            return Err(invalid(format!(
                "Invalid number of arguments for the '{}' operation",
                op.symbol()
            )));
        };
        let mut typed = |e: &SelectorExpr| -> Result<Option<Planned>, ServerError> {
            Ok(match e {
                SelectorExpr::Term(t) if signatures::term_type(t).is_none() => None,
                other => Some(self.selector(other, None)?),
            })
        };
        let (l, r) = (typed(left)?, typed(right)?);
        fn shape<'e>(e: &'e SelectorExpr, p: &Option<Planned>) -> Arg<'e> {
            match (e, p) {
                (_, Some(p)) => Arg::Typed(p.2.clone()),
                (SelectorExpr::Term(t), None) => Arg::Term(t),
                (_, None) => Arg::Typed(ColumnType::Blob),
            }
        }
        let text = |e: &SelectorExpr, p: &Option<Planned>| match (e, p) {
            (_, Some(p)) => p.1.clone(),
            (SelectorExpr::Term(t), None) => term_text(t),
            (other, None) => other.to_string(),
        };
        let (ls, rs) = (shape(left, &l), shape(right, &r));
        let (lt, rt) = (text(left, &l), text(right, &r));
        let mut weak = Vec::new();
        let mut chosen = None;
        // The numeric pairs, then `timestamp ± duration` and `date ± duration`.
        let numeric = arith::NUMERIC
            .iter()
            .flat_map(|a| arith::NUMERIC.iter().map(move |b| (a, b)));
        let temporal = temporal_ops::TEMPORAL
            .iter()
            .filter(|a| temporal_ops::declared(op, a, &ColumnType::Duration))
            .map(|a| (a, &ColumnType::Duration));
        for (a, b) in numeric.chain(temporal) {
            match (signatures::fit(&ls, a), signatures::fit(&rs, b)) {
                (Fit::No, _) | (_, Fit::No) => {}
                (Fit::Exact, Fit::Exact) => {
                    chosen = Some((a.clone(), b.clone()));
                    break;
                }
                _ => weak.push((a.clone(), b.clone())),
            }
        }
        let (a, b) = match (chosen, weak.len()) {
            (Some(pair), _) => pair,
            (None, 1) => weak.remove(0),
            (None, 0) => {
                return Err(invalid(format!(
                    "the '{}' operation is not supported between {lt} and {rt}",
                    op.symbol()
                )));
            }
            (None, _) => {
                return Err(invalid(format!(
                    "Ambiguous '{}' operation: use type casts to disambiguate",
                    op.symbol()
                )));
            }
        };
        let ls = match l {
            Some(p) => p.0,
            None => self.selector(left, Some(&a))?.0,
        };
        let rsel = match r {
            Some(p) => p.0,
            None => self.selector(right, Some(&b))?.0,
        };
        let out = arith::result_type(&a, &b);
        let name = format!("{lt} {} {rt}", op.symbol());
        Ok((Sel::Op(op, Box::new(ls), Box::new(rsel), a, b), name, out))
    }

    pub(crate) fn negation(&mut self, args: &[SelectorExpr]) -> Result<Planned, ServerError> {
        let [inner] = args else {
            return Err(invalid("Invalid negation"));
        };
        if let SelectorExpr::Term(t) = inner {
            if signatures::term_type(t).is_none() {
                return Err(invalid(
                    "Ambiguous negation: use type casts to disambiguate",
                ));
            }
        }
        let (s, n, t) = self.selector(inner, None)?;
        if !arith::is_numeric(&t) {
            return Err(invalid(format!(
                "Invalid call to function _negate, none of its type signatures match (known type signatures: {})",
                arith::NUMERIC
                    .iter()
                    .map(|t| format!("system._negate : ({t}) -> {t}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        Ok((Sel::Neg(Box::new(s), t.clone()), format!("-{n}"), t))
    }

    /// `c[key]` (element) or `c[from..to]` (slice) of a map or set (`WithElementSelection`,
    /// `WithSliceSelection`).
    pub(crate) fn element(
        &mut self,
        inner: &SelectorExpr,
        from: Option<&Term>,
        to: Option<&Term>,
        slice: bool,
    ) -> Result<Planned, ServerError> {
        let (s, n, t) = self.selector(inner, None)?;
        let what = if slice { "Slice" } else { "Element" };
        let (key_type, key_name, out) = match &t {
            ColumnType::Map(k, v) => (
                &**k,
                format!("key({n})"),
                if slice { t.clone() } else { (**v).clone() },
            ),
            ColumnType::Set(e) => (
                &**e,
                format!("value({n})"),
                if slice { t.clone() } else { (**e).clone() },
            ),
            ColumnType::List(_) => {
                return Err(invalid(format!(
                    "{what} selection is only allowed on sets and maps, but {n} is a list"
                )));
            }
            other => {
                return Err(invalid(if slice {
                    format!("Invalid slice selection: {n} of type {other} is not a collection")
                } else {
                    format!("Invalid element selection: {n} is of type {other} is not a collection")
                }));
            }
        };
        let key_type = key_type.clone();
        let bound = |term: Option<&Term>| -> Result<Option<Box<Sel>>, ServerError> {
            term.map(|t| self.constant(t, &key_type, &key_name).map(Box::new))
                .transpose()
        };
        let (lo, hi) = (bound(from)?, bound(to)?);
        let text = |t: Option<&Term>| t.map(term_text).unwrap_or_default();
        if slice {
            let name = format!("{n}[{}..{}]", text(from), text(to));
            Ok((Sel::Slice(Box::new(s), lo, hi, t.clone()), name, out))
        } else {
            let key = lo.ok_or_else(|| invalid("Invalid element selection"))?;
            let name = format!("{n}[{}]", text(from));
            Ok((Sel::Element(Box::new(s), key, t.clone()), name, out))
        }
    }
}

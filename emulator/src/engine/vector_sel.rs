//! The `similarity_cosine`, `similarity_dot_product` and `similarity_euclidean` selectors of
//! Cassandra 5.0 (`VectorFcts`): argument typing and checks with Cassandra's messages, the
//! result column name (`system.similarity_cosine(v, [1, 2])`) and evaluation per row.

use bytes::Bytes;
use cassia_protocol::response::ServerError;
use cassia_protocol::types::ColumnType;

use super::literal::cql_type_name;
use super::selection::Sel;
use super::term::{Binds, Receiver, Val, eval};
use super::vector_fns::{Similarity, decode_floats, is_all_zero};
use crate::catalog::invalid;
use crate::cql::ast::{Literal, SelectorExpr, Term};

/// A planned selector: what to evaluate, its column name, its type.
pub(crate) type Planned = (Sel, String, ColumnType);

/// One argument before typing: a planned selector, or a constant waiting for a type.
enum Arg<'a> {
    Typed(Box<Planned>),
    Constant(&'a Term),
}

fn dimension(typ: &ColumnType) -> Option<u32> {
    match typ {
        ColumnType::Vector { element, dimension } if **element == ColumnType::Float => {
            Some(*dimension)
        }
        _ => None,
    }
}

fn float_vector(dimension: u32) -> ColumnType {
    ColumnType::Vector {
        element: Box::new(ColumnType::Float),
        dimension,
    }
}

/// Plans `name(args)` if `name` is a similarity function. `plan_arg` plans a non-constant
/// argument (a column or a nested selector); `type_of_column` gives a column's declared
/// type as Cassandra prints it.
pub(crate) fn plan(
    name: &str,
    args: &[SelectorExpr],
    plan_arg: &mut dyn FnMut(&SelectorExpr) -> Result<Planned, ServerError>,
    type_of_column: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Planned>, ServerError> {
    let Some(similarity) = Similarity::by_function(name) else {
        return Ok(None);
    };
    let qualified = format!("system.{name}");
    if args.len() != 2 {
        return Err(invalid(format!(
            "Invalid number of arguments in call to function {qualified}: 2 required but {} provided",
            args.len()
        )));
    }
    let mut planned = Vec::with_capacity(2);
    for a in args {
        planned.push(match a {
            SelectorExpr::Term(t @ (Term::List(_) | Term::Literal(_) | Term::Bind(_))) => {
                Arg::Constant(t)
            }
            other => {
                let (sel, shown, typ) = plan_arg(other)?;
                if dimension(&typ).is_none() {
                    let type_name = match other {
                        SelectorExpr::Column(c) => type_of_column(c),
                        _ => None,
                    }
                    .unwrap_or_else(|| cql_type_name(&typ));
                    return Err(invalid(format!(
                        "Function {qualified} requires a float vector argument, but found argument {shown} of type {type_name}"
                    )));
                }
                Arg::Typed(Box::new((sel, shown, typ)))
            }
        });
    }
    // A list literal is a vector of its own size; a null or a marker takes the other side's.
    let own_type = |arg: &Arg<'_>| match arg {
        Arg::Typed(p) => Some(p.2.clone()),
        Arg::Constant(Term::List(items)) => Some(float_vector(items.len() as u32)),
        Arg::Constant(_) => None,
    };
    let types = [own_type(&planned[0]), own_type(&planned[1])];
    let mut out: Vec<(Sel, String)> = Vec::with_capacity(2);
    for (i, arg) in planned.into_iter().enumerate() {
        let typ = types[i].clone().or_else(|| types[1 - i].clone());
        match arg {
            Arg::Typed(p) => {
                let (sel, shown, _) = *p;
                out.push((sel, shown));
            }
            Arg::Constant(t) => {
                let Some(typ) = typ else {
                    let what = match t {
                        Term::Bind(_) => "?".to_owned(),
                        _ => "NULL".to_owned(),
                    };
                    return Err(invalid(format!(
                        "Cannot infer type of argument {what} in call to function {qualified}"
                    )));
                };
                out.push((constant(t, &typ, i, &qualified)?, t.to_string()));
            }
        }
    }
    let dims: Vec<Option<u32>> = types
        .iter()
        .map(|t| t.as_ref().and_then(dimension))
        .collect();
    if let [Some(a), Some(b)] = dims.as_slice()
        && a != b
    {
        return Err(invalid(
            "All arguments must have the same vector dimensions",
        ));
    }
    let label = format!("{qualified}({}, {})", out[0].1, out[1].1);
    let mut sels = out.into_iter().map(|(s, _)| Box::new(s));
    let (Some(a), Some(b)) = (sels.next(), sels.next()) else {
        return Err(invalid(format!(
            "Invalid number of arguments in call to function {qualified}: 2 required but 0 provided"
        )));
    };
    Ok(Some((
        Sel::Similarity(similarity, a, b),
        label,
        ColumnType::Float,
    )))
}

/// A constant argument's value, typed as `typ` (a null stays null).
fn constant(
    t: &Term,
    typ: &ColumnType,
    position: usize,
    qualified: &str,
) -> Result<Sel, ServerError> {
    if matches!(t, Term::Literal(Literal::Null)) {
        return Ok(Sel::Const(None));
    }
    if let Term::Bind(marker) = t {
        // Cassandra names a function argument's receiver `arg<i>(<function>)`.
        return Ok(Sel::Bound {
            marker: marker.clone(),
            name: format!("arg{position}({qualified})"),
            typ: typ.clone(),
        });
    }
    let recv = Receiver { name: "arg", typ };
    match eval(t, recv, &Binds::default()) {
        Ok(Val::Value(b)) => Ok(Sel::Const(Some(b))),
        Ok(_) => Ok(Sel::Const(None)),
        Err(_) => Err(invalid(format!(
            "Type error: {t} cannot be passed as argument {position} of function {qualified} of type {}",
            cql_type_name(typ)
        ))),
    }
}

/// The similarity of two serialized float vectors; null if either is null.
pub(crate) fn evaluate(
    similarity: Similarity,
    a: Option<Bytes>,
    b: Option<Bytes>,
) -> Result<Option<Bytes>, ServerError> {
    let (Some(a), Some(b)) = (a, b) else {
        return Ok(None);
    };
    let (Some(a), Some(b)) = (decode_floats(&a), decode_floats(&b)) else {
        return Ok(None);
    };
    if a.len() != b.len() {
        return Ok(None);
    }
    if similarity == Similarity::Cosine && (is_all_zero(&a) || is_all_zero(&b)) {
        return Err(invalid(
            "Function system.similarity_cosine doesn't support all-zero vectors.",
        ));
    }
    let score = similarity.compare(&a, &b);
    Ok(Some(Bytes::copy_from_slice(&score.to_be_bytes())))
}

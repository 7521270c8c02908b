//! Which declared signature of a native function a call in a selection uses, with Cassandra
//! 4.0's messages when none or several fit (`FunctionResolver.get`).
//!
//! An argument is either typed (a column, another function) or a term whose type comes
//! from the signature (a literal, a bind marker). A literal fits exactly the type it prefers
//! (`Constants.Type.getPreferedTypeFor`: `1` is an int, `1.5` a double, `'x'` text) and
//! weakly the others it can be read as (`Constants.Literal.testAssignment`); an exact fit wins
//! at once, a single weak fit is used, several are ambiguous. The declared signatures are
//! those of `AggregateFcts`, `CastFcts` and `TimeFcts`, in their declaration order (the
//! order Cassandra lists them in its messages).

use cassia_protocol::response::ServerError;
use cassia_protocol::types::ColumnType;

use super::arith::NUMERIC;
use crate::catalog::invalid;
use crate::cql::ast::{Literal, Term};

/// How well an argument fits a declared argument type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fit {
    Exact,
    Weak,
    No,
}

/// A call's argument before its type is fixed.
#[derive(Debug)]
pub(crate) enum Arg<'a> {
    /// A column, a function result...: its type is known.
    Typed(ColumnType),
    /// A term (literal, bind marker, cast term) typed by the signature it is passed to.
    Term(&'a Term),
}

/// One declared signature.
#[derive(Debug, Clone)]
pub(crate) struct Signature {
    /// The name as Cassandra declares it (`castAsInt`, `sum`).
    pub name: String,
    pub args: Vec<ColumnType>,
    pub ret: ColumnType,
}

impl Signature {
    fn new(name: &str, args: Vec<ColumnType>, ret: ColumnType) -> Signature {
        Signature {
            name: name.to_owned(),
            args,
            ret,
        }
    }

    /// `AbstractFunction.toString`: `system.sum : (int) -> int`.
    fn describe(&self) -> String {
        let args: Vec<String> = self.args.iter().map(ToString::to_string).collect();
        format!(
            "system.{} : ({}) -> {}",
            self.name,
            args.join(", "),
            self.ret
        )
    }
}

/// The type a literal prefers; `None` for `null`.
pub(crate) fn preferred(lit: &Literal) -> Option<ColumnType> {
    Some(match lit {
        Literal::Null => return None,
        Literal::Bool(_) => ColumnType::Boolean,
        Literal::Integer(s) => {
            if s.parse::<i32>().is_ok() {
                ColumnType::Int
            } else if s.parse::<i64>().is_ok() {
                ColumnType::BigInt
            } else {
                ColumnType::Varint
            }
        }
        Literal::Float(_) => ColumnType::Double,
        Literal::String(_) => ColumnType::Text,
        Literal::Blob(..) | Literal::OddHexBlob(_) => ColumnType::Blob,
        Literal::Uuid(_) => ColumnType::Uuid,
        Literal::Duration(_) => ColumnType::Duration,
    })
}

/// `Constants.Literal.testAssignment`.
fn literal_fit(lit: &Literal, to: &ColumnType) -> Fit {
    use ColumnType::*;
    if preferred(lit).as_ref() == Some(to) {
        return Fit::Exact;
    }
    let weak = match lit {
        Literal::Null => !matches!(to, Counter),
        Literal::String(_) => matches!(to, Ascii | Text | Inet | Date | Time | Timestamp),
        Literal::Integer(_) => matches!(
            to,
            BigInt
                | Counter
                | Date
                | Decimal
                | Double
                | Duration
                | Float
                | Int
                | SmallInt
                | Time
                | Timestamp
                | TinyInt
                | Varint
        ),
        Literal::Uuid(_) => matches!(to, Uuid | Timeuuid),
        Literal::Float(_) => matches!(to, Decimal | Double | Float),
        Literal::Bool(_) => matches!(to, Boolean),
        Literal::Blob(..) | Literal::OddHexBlob(_) => matches!(to, Blob),
        Literal::Duration(_) => matches!(to, Duration),
    };
    if weak { Fit::Weak } else { Fit::No }
}

/// The type a term has on its own: only a cast term (`(int) 1`) has one.
pub(crate) fn term_type(term: &Term) -> Option<ColumnType> {
    match term {
        Term::Cast(t, _) => super::functions::native_by_name(&t.to_string()),
        _ => None,
    }
}

/// How `arg` fits a declared argument of type `to`.
pub(crate) fn fit(arg: &Arg<'_>, to: &ColumnType) -> Fit {
    match arg {
        Arg::Typed(t) if t == to => Fit::Exact,
        // `AbstractType.isValueCompatibleWith`: text reads ascii bytes.
        Arg::Typed(ColumnType::Ascii) if *to == ColumnType::Text => Fit::Weak,
        Arg::Typed(_) => Fit::No,
        Arg::Term(t) => match (term_type(t), t) {
            (Some(own), _) => fit(&Arg::Typed(own), to),
            (None, Term::Literal(lit)) => literal_fit(lit, to),
            (None, Term::Bind(_)) => Fit::Weak,
            (None, _) => Fit::No,
        },
    }
}

/// The declared signatures of `name` (lower-cased as called), if it has several or is one
/// this module knows; `None` for functions resolved elsewhere.
pub(crate) fn declared(name: &str) -> Option<Vec<Signature>> {
    use ColumnType::*;
    let one = |n: &str, a: ColumnType, r: ColumnType| Signature::new(n, vec![a], r);
    Some(match name {
        "sum" | "avg" => NUMERIC
            .iter()
            .map(|t| one(name, t.clone(), t.clone()))
            .collect(),
        "count" | "min" | "max" => NATIVE
            .iter()
            .map(|t| {
                let ret = if name == "count" { BigInt } else { t.clone() };
                one(name, t.clone(), ret)
            })
            .collect(),
        "mintimeuuid" | "maxtimeuuid" => vec![one(name, Timestamp, Timeuuid)],
        "dateof" => vec![one(name, Timeuuid, Timestamp)],
        "unixtimestampof" => vec![one(name, Timeuuid, BigInt)],
        "todate" => vec![one(name, Timeuuid, Date), one(name, Timestamp, Date)],
        "totimestamp" => vec![one(name, Timeuuid, Timestamp), one(name, Date, Timestamp)],
        "tounixtimestamp" => vec![
            one(name, Timeuuid, BigInt),
            one(name, Timestamp, BigInt),
            one(name, Date, BigInt),
        ],
        _ => return None,
    })
}

/// `CQL3Type.Native.values()` without varchar (it is text) and the `empty` type.
const NATIVE: [ColumnType; 20] = [
    ColumnType::Ascii,
    ColumnType::BigInt,
    ColumnType::Blob,
    ColumnType::Boolean,
    ColumnType::Counter,
    ColumnType::Date,
    ColumnType::Decimal,
    ColumnType::Double,
    ColumnType::Duration,
    ColumnType::Float,
    ColumnType::Inet,
    ColumnType::Int,
    ColumnType::SmallInt,
    ColumnType::Text,
    ColumnType::Timestamp,
    ColumnType::Time,
    ColumnType::Timeuuid,
    ColumnType::TinyInt,
    ColumnType::Uuid,
    ColumnType::Varint,
];

/// The cast functions to `to` (`CastFcts.all`), named `castAsX`.
pub(crate) fn casts_to(to: &ColumnType) -> Vec<Signature> {
    use ColumnType::*;
    let name = cast_name(to);
    let mut inputs: Vec<ColumnType> = Vec::new();
    if NUMERIC.contains(to) && *to != Counter {
        inputs.extend(
            [
                TinyInt, SmallInt, Int, BigInt, Float, Double, Decimal, Counter, Varint,
            ]
            .into_iter()
            .filter(|t| t != to),
        );
    }
    match to {
        Ascii | Text => {
            inputs.extend([
                TinyInt, SmallInt, Int, BigInt, Float, Double, Decimal, Counter, Varint,
            ]);
            if *to == Text {
                inputs.push(Ascii);
            }
            inputs.extend([Inet, Boolean, Timeuuid, Timestamp, Date, Time, Uuid]);
        }
        Date => inputs.extend([Timeuuid, Timestamp]),
        Timestamp => inputs.extend([Timeuuid, Date]),
        _ => {}
    }
    inputs
        .into_iter()
        .map(|t| Signature::new(&name, vec![t], to.clone()))
        .collect()
}

/// `CastFcts.getFunctionName`: `castAs` and the capitalised type name.
pub(crate) fn cast_name(to: &ColumnType) -> String {
    let t = to.to_string();
    let mut chars = t.chars();
    let first = chars
        .next()
        .map(|c| c.to_ascii_uppercase())
        .unwrap_or_default();
    format!("castAs{first}{}", chars.as_str())
}

/// Picks the signature of `sigs` the call `called(args)` uses (`args_text` are the
/// arguments as Cassandra prints them, for the messages).
pub(crate) fn resolve<'s>(
    called: &str,
    sigs: &'s [Signature],
    args: &[Arg<'_>],
    args_text: &[String],
) -> Result<&'s Signature, ServerError> {
    if let [only] = sigs {
        // `FunctionResolver.validateTypes`: precise messages for a single signature.
        if only.args.len() != args.len() {
            return Err(invalid(format!(
                "Invalid number of arguments in call to function system.{}: {} required but {} provided",
                only.name,
                only.args.len(),
                args.len()
            )));
        }
        for (i, (arg, typ)) in args.iter().zip(&only.args).enumerate() {
            if fit(arg, typ) == Fit::No {
                return Err(invalid(format!(
                    "Type error: {} cannot be passed as argument {i} of function system.{} of type {typ}",
                    args_text.get(i).map_or("?", String::as_str),
                    only.name
                )));
            }
        }
        return Ok(only);
    }
    let mut weak = Vec::new();
    for sig in sigs {
        if sig.args.len() != args.len() {
            continue;
        }
        let fits: Vec<Fit> = args.iter().zip(&sig.args).map(|(a, t)| fit(a, t)).collect();
        if fits.contains(&Fit::No) {
            continue;
        }
        if fits.iter().all(|f| *f == Fit::Exact) {
            return Ok(sig);
        }
        weak.push(sig);
    }
    match weak.as_slice() {
        [one] => Ok(one),
        [] => Err(invalid(format!(
            "Invalid call to function {called}, none of its type signatures match (known type signatures: {})",
            list(sigs.iter())
        ))),
        several => Err(invalid(format!(
            "Ambiguous call to function {called} (can be matched by following signatures: {}): use type casts to disambiguate",
            list(several.iter().copied())
        ))),
    }
}

fn list<'a>(sigs: impl Iterator<Item = &'a Signature>) -> String {
    sigs.map(Signature::describe).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(l: Literal) -> Term {
        Term::Literal(l)
    }

    #[test]
    fn literals_prefer_their_natural_type() {
        let one = lit(Literal::Integer("1".into()));
        assert_eq!(fit(&Arg::Term(&one), &ColumnType::Int), Fit::Exact);
        assert_eq!(fit(&Arg::Term(&one), &ColumnType::Timestamp), Fit::Weak);
        let text = lit(Literal::String("2013-01-01".into()));
        assert_eq!(fit(&Arg::Term(&text), &ColumnType::Int), Fit::No);
    }

    #[test]
    fn resolution_messages() {
        let sums = declared("sum").expect("sum is declared");
        let err = resolve("sum", &sums, &[Arg::Typed(ColumnType::Text)], &["t".into()])
            .expect_err("no sum of text");
        assert!(err.message.starts_with(
            "Invalid call to function sum, none of its type signatures match (known type signatures: system.sum : (tinyint) -> tinyint, system.sum : (smallint) -> smallint,"
        ));
        let ms = lit(Literal::Integer("1000".into()));
        let min = declared("mintimeuuid").expect("declared");
        assert_eq!(
            resolve("mintimeuuid", &min, &[Arg::Term(&ms)], &["1000".into()])
                .expect("an integer is a timestamp")
                .args,
            vec![ColumnType::Timestamp]
        );
        let casts = casts_to(&ColumnType::Int);
        assert_eq!(casts[0].name, "castAsInt");
        let err = resolve(
            "castAsInt",
            &casts,
            &[Arg::Typed(ColumnType::Text)],
            &["t".into()],
        )
        .expect_err("text is not numeric");
        assert!(err.message.contains("system.castAsInt : (tinyint) -> int"));
    }
}

//! Comparing a value read back with the one written, exactly.

use cassia_driver::CqlValue;

/// A value or `null`, as the transcript prints it.
pub fn show(v: &Option<CqlValue>) -> String {
    match v {
        Some(v) => format!("{v}"),
        None => "null".into(),
    }
}

/// [`identical`] for values that may be null.
pub fn identical_opt(a: &Option<CqlValue>, b: &Option<CqlValue>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => identical(a, b),
        (None, None) => true,
        _ => false,
    }
}

/// Equality that is stricter than `==` where it matters for a round trip: a float must
/// keep its bits (NaN equals itself, -0.0 differs from 0.0), and a decimal its scale
/// (`BigDecimal` says 1.0 == 1.00).
pub fn identical(a: &CqlValue, b: &CqlValue) -> bool {
    use CqlValue as V;
    let all = |x: &[CqlValue], y: &[CqlValue]| {
        x.len() == y.len() && x.iter().zip(y).all(|(x, y)| identical(x, y))
    };
    match (a, b) {
        (V::Float(x), V::Float(y)) => x.to_bits() == y.to_bits(),
        (V::Double(x), V::Double(y)) => x.to_bits() == y.to_bits(),
        (V::Decimal(x), V::Decimal(y)) => x.as_bigint_and_exponent() == y.as_bigint_and_exponent(),
        (V::List(x), V::List(y)) | (V::Set(x), V::Set(y)) | (V::Vector(x), V::Vector(y)) => {
            all(x, y)
        }
        (V::Map(x), V::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((xk, xv), (yk, yv))| identical(xk, yk) && identical(xv, yv))
        }
        (V::Tuple(x), V::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| identical_opt(x, y))
        }
        (
            V::Udt {
                keyspace: xk,
                name: xn,
                fields: xf,
            },
            V::Udt {
                keyspace: yk,
                name: yn,
                fields: yf,
            },
        ) => {
            xk == yk
                && xn == yn
                && xf.len() == yf.len()
                && xf
                    .iter()
                    .zip(yf)
                    .all(|((xn, xv), (yn, yv))| xn == yn && identical_opt(xv, yv))
        }
        _ => a == b,
    }
}

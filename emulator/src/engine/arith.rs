//! Arithmetic in selections (`v + 1`, `-v`, `a * b`): the result types and the evaluation of
//! Cassandra 4.0's operator functions (`OperationFcts`, `NumberType.add/...`).
//!
//! The result type of `left op right` is floating point when either side is, and as wide as
//! the wider side (`OperationFcts.returnType`): `int + float` is a float, `bigint + float` a
//! double, `varint + float` a decimal. Integer arithmetic wraps as Java's does; integer
//! division or modulo by zero fails with Java's `/ by zero`, reported as Cassandra's
//! FunctionFailure "the operation 'int / int' failed: / by zero".

use std::str::FromStr;

use bigdecimal::{BigDecimal, ToPrimitive, Zero};
use bytes::Bytes;
use cassia_protocol::response::{ErrorKind, ServerError};
use cassia_protocol::types::ColumnType;
use num_bigint::BigInt;

use super::literal::decimal_bytes;

/// One of the five binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl Arith {
    /// The operator of one of Cassandra's operator function names (`_add`, `_substract`...).
    pub(crate) fn from_function(name: &str) -> Option<Arith> {
        Some(match name {
            "_add" => Arith::Add,
            "_substract" => Arith::Sub,
            "_multiply" => Arith::Mul,
            "_divide" => Arith::Div,
            "_modulo" => Arith::Mod,
            _ => return None,
        })
    }

    /// The operator's symbol, as Cassandra prints it in column names and errors.
    pub(crate) fn symbol(self) -> char {
        match self {
            Arith::Add => '+',
            Arith::Sub => '-',
            Arith::Mul => '*',
            Arith::Div => '/',
            Arith::Mod => '%',
        }
    }

    fn function(self) -> &'static str {
        match self {
            Arith::Add => "_add",
            Arith::Sub => "_substract",
            Arith::Mul => "_multiply",
            Arith::Div => "_divide",
            Arith::Mod => "_modulo",
        }
    }
}

/// The numeric types operations are declared for, in `OperationFcts`' order.
pub(crate) const NUMERIC: [ColumnType; 9] = [
    ColumnType::TinyInt,
    ColumnType::SmallInt,
    ColumnType::Int,
    ColumnType::BigInt,
    ColumnType::Float,
    ColumnType::Double,
    ColumnType::Decimal,
    ColumnType::Varint,
    ColumnType::Counter,
];

pub(crate) fn is_numeric(t: &ColumnType) -> bool {
    NUMERIC.contains(t)
}

/// Byte width as `OperationFcts.size` counts it (variable-length types are widest).
fn size(t: &ColumnType) -> usize {
    match t {
        ColumnType::TinyInt => 1,
        ColumnType::SmallInt => 2,
        ColumnType::Int | ColumnType::Float => 4,
        ColumnType::BigInt | ColumnType::Double | ColumnType::Counter => 8,
        _ => usize::MAX,
    }
}

fn floating(t: &ColumnType) -> bool {
    matches!(
        t,
        ColumnType::Float | ColumnType::Double | ColumnType::Decimal
    )
}

/// `OperationFcts.returnType`.
pub(crate) fn result_type(left: &ColumnType, right: &ColumnType) -> ColumnType {
    if *right == ColumnType::Duration {
        // A temporal operation returns its temporal operand's type.
        return left.clone();
    }
    let width = size(left).max(size(right));
    match (floating(left) || floating(right), width) {
        (true, 4) => ColumnType::Float,
        (true, 8) => ColumnType::Double,
        (true, _) => ColumnType::Decimal,
        (false, 1) => ColumnType::TinyInt,
        (false, 2) => ColumnType::SmallInt,
        (false, 4) => ColumnType::Int,
        (false, 8) => ColumnType::BigInt,
        (false, _) => ColumnType::Varint,
    }
}

/// A decoded number.
enum Num {
    Int(i64),
    Float(f64),
    Big(BigInt),
    Dec(BigDecimal),
}

fn decode(t: &ColumnType, v: &[u8]) -> Option<Num> {
    Some(match t {
        ColumnType::TinyInt => Num::Int(i64::from(i8::from_be_bytes(v.try_into().ok()?))),
        ColumnType::SmallInt => Num::Int(i64::from(i16::from_be_bytes(v.try_into().ok()?))),
        ColumnType::Int => Num::Int(i64::from(i32::from_be_bytes(v.try_into().ok()?))),
        ColumnType::BigInt | ColumnType::Counter => {
            Num::Int(i64::from_be_bytes(v.try_into().ok()?))
        }
        ColumnType::Float => Num::Float(f64::from(f32::from_be_bytes(v.try_into().ok()?))),
        ColumnType::Double => Num::Float(f64::from_be_bytes(v.try_into().ok()?)),
        ColumnType::Varint => Num::Big(BigInt::from_signed_bytes_be(v)),
        ColumnType::Decimal => {
            let (scale, unscaled) = v.split_first_chunk::<4>()?;
            Num::Dec(BigDecimal::new(
                BigInt::from_signed_bytes_be(unscaled),
                i64::from(i32::from_be_bytes(*scale)),
            ))
        }
        _ => return None,
    })
}

impl Num {
    fn to_i64(&self) -> i64 {
        match self {
            Num::Int(i) => *i,
            Num::Float(f) => *f as i64,
            Num::Big(b) => b.to_i64().unwrap_or(0),
            Num::Dec(d) => d.to_i64().unwrap_or(0),
        }
    }

    fn to_f64(&self) -> f64 {
        match self {
            Num::Int(i) => *i as f64,
            Num::Float(f) => *f,
            Num::Big(b) => b.to_f64().unwrap_or(f64::NAN),
            Num::Dec(d) => d.to_f64().unwrap_or(f64::NAN),
        }
    }

    fn to_big(&self) -> BigInt {
        match self {
            Num::Int(i) => BigInt::from(*i),
            Num::Big(b) => b.clone(),
            other => BigInt::from(other.to_i64()),
        }
    }

    /// `NumberType.toBigDecimal`: doubles through their shortest decimal form.
    fn to_dec(&self) -> BigDecimal {
        match self {
            Num::Int(i) => BigDecimal::from(*i),
            Num::Big(b) => BigDecimal::from(b.clone()),
            Num::Dec(d) => d.clone(),
            Num::Float(f) => BigDecimal::from_str(&format!("{f:?}")).unwrap_or_default(),
        }
    }
}

/// Java's MathContext.DECIMAL128: 34 significant digits.
fn decimal128(d: BigDecimal) -> BigDecimal {
    if d.digits() > 34 { d.with_prec(34) } else { d }
}

fn encode_int(t: &ColumnType, i: i64) -> Bytes {
    match t {
        ColumnType::TinyInt => Bytes::copy_from_slice(&(i as i8).to_be_bytes()),
        ColumnType::SmallInt => Bytes::copy_from_slice(&(i as i16).to_be_bytes()),
        ColumnType::Int => Bytes::copy_from_slice(&(i as i32).to_be_bytes()),
        _ => Bytes::copy_from_slice(&i.to_be_bytes()),
    }
}

/// The FunctionFailure an operation raises (Cassandra's `OperationExecutionException`).
pub(crate) fn failure(op: Arith, lt: &ColumnType, rt: &ColumnType, why: &str) -> ServerError {
    ServerError {
        kind: ErrorKind::FunctionFailure {
            keyspace: "system".to_owned(),
            function: op.function().to_owned(),
            arg_types: vec![lt.to_string(), rt.to_string()],
        },
        message: format!("the operation '{lt} {} {rt}' failed: {why}", op.symbol()),
    }
}

/// Evaluates `left op right` (null when either side is null or empty).
pub(crate) fn apply(
    op: Arith,
    (lt, left): (&ColumnType, Option<&[u8]>),
    (rt, right): (&ColumnType, Option<&[u8]>),
) -> Result<Option<Bytes>, ServerError> {
    if super::temporal_ops::declared(op, lt, rt) {
        return super::temporal_ops::apply(op, (lt, left), (rt, right));
    }
    let (Some(l), Some(r)) = (left, right) else {
        return Ok(None);
    };
    let (Some(a), Some(b)) = (decode(lt, l), decode(rt, r)) else {
        return Ok(None);
    };
    let out = result_type(lt, rt);
    Ok(Some(match &out {
        ColumnType::Float => {
            let (x, y) = (a.to_f64() as f32, b.to_f64() as f32);
            let v = match op {
                Arith::Add => x + y,
                Arith::Sub => x - y,
                Arith::Mul => x * y,
                Arith::Div => x / y,
                Arith::Mod => x % y,
            };
            Bytes::copy_from_slice(&v.to_be_bytes())
        }
        ColumnType::Double => {
            let (x, y) = (a.to_f64(), b.to_f64());
            let v = match op {
                Arith::Add => x + y,
                Arith::Sub => x - y,
                Arith::Mul => x * y,
                Arith::Div => x / y,
                Arith::Mod => x % y,
            };
            Bytes::copy_from_slice(&v.to_be_bytes())
        }
        ColumnType::Decimal => {
            let (x, y) = (a.to_dec(), b.to_dec());
            if matches!(op, Arith::Div | Arith::Mod) && y.is_zero() {
                let why = if x.is_zero() {
                    "Division undefined"
                } else {
                    "Division by zero"
                };
                return Err(failure(op, lt, rt, why));
            }
            let v = match op {
                Arith::Add => x + y,
                Arith::Sub => x - y,
                Arith::Mul => x * y,
                Arith::Div => x / y,
                Arith::Mod => x % y,
            };
            decimal_bytes(&decimal128(v))
        }
        ColumnType::Varint => {
            let (x, y) = (a.to_big(), b.to_big());
            if matches!(op, Arith::Div | Arith::Mod) && y.is_zero() {
                return Err(failure(op, lt, rt, "BigInteger divide by zero"));
            }
            let v = match op {
                Arith::Add => x + y,
                Arith::Sub => x - y,
                Arith::Mul => x * y,
                Arith::Div => x / y,
                Arith::Mod => x % y,
            };
            Bytes::from(v.to_signed_bytes_be())
        }
        int => {
            let (x, y) = (a.to_i64(), b.to_i64());
            // Java promotes byte/short/int operands to int, long to long; both wrap.
            let v = if *int == ColumnType::BigInt {
                match op {
                    Arith::Add => x.wrapping_add(y),
                    Arith::Sub => x.wrapping_sub(y),
                    Arith::Mul => x.wrapping_mul(y),
                    Arith::Div | Arith::Mod if y == 0 => {
                        return Err(failure(op, lt, rt, "/ by zero"));
                    }
                    Arith::Div => x.wrapping_div(y),
                    Arith::Mod => x.wrapping_rem(y),
                }
            } else {
                let (x, y) = (x as i32, y as i32);
                i64::from(match op {
                    Arith::Add => x.wrapping_add(y),
                    Arith::Sub => x.wrapping_sub(y),
                    Arith::Mul => x.wrapping_mul(y),
                    Arith::Div | Arith::Mod if y == 0 => {
                        return Err(failure(op, lt, rt, "/ by zero"));
                    }
                    Arith::Div => x.wrapping_div(y),
                    Arith::Mod => x.wrapping_rem(y),
                })
            };
            encode_int(int, v)
        }
    }))
}

/// `-x` (`NumberType.negate`): integers wrap, a counter negates as a bigint.
pub(crate) fn negate(t: &ColumnType, v: Option<&[u8]>) -> Option<Bytes> {
    let n = decode(t, v?)?;
    Some(match (t, n) {
        (ColumnType::Float, n) => Bytes::copy_from_slice(&(-(n.to_f64() as f32)).to_be_bytes()),
        (ColumnType::Double, n) => Bytes::copy_from_slice(&(-n.to_f64()).to_be_bytes()),
        (ColumnType::Varint, n) => Bytes::from((-n.to_big()).to_signed_bytes_be()),
        (ColumnType::Decimal, n) => decimal_bytes(&(-n.to_dec())),
        (ColumnType::BigInt | ColumnType::Counter, n) => {
            encode_int(&ColumnType::BigInt, n.to_i64().wrapping_neg())
        }
        (t, n) => encode_int(t, i64::from((n.to_i64() as i32).wrapping_neg())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(v: i32) -> Vec<u8> {
        v.to_be_bytes().to_vec()
    }

    #[test]
    fn result_types_follow_operation_fcts() {
        use ColumnType::*;
        assert_eq!(result_type(&TinyInt, &Int), Int);
        assert_eq!(result_type(&Int, &Float), Float);
        assert_eq!(result_type(&BigInt, &Float), Double);
        assert_eq!(result_type(&Varint, &Float), Decimal);
        assert_eq!(result_type(&Counter, &Int), BigInt);
        assert_eq!(result_type(&Varint, &Int), Varint);
    }

    #[test]
    fn integer_division_by_zero_fails_like_java() {
        let t = ColumnType::Int;
        let err = apply(Arith::Div, (&t, Some(&int(7))), (&t, Some(&int(0))))
            .expect_err("division by zero");
        assert_eq!(err.message, "the operation 'int / int' failed: / by zero");
        assert!(matches!(err.kind, ErrorKind::FunctionFailure { .. }));
        let wrapped = apply(Arith::Add, (&t, Some(&int(i32::MAX))), (&t, Some(&int(1))))
            .expect("adds")
            .expect("a value");
        assert_eq!(wrapped.as_ref(), int(i32::MIN).as_slice());
        let d = ColumnType::Double;
        let inf = apply(
            Arith::Div,
            (&d, Some(&1.0f64.to_be_bytes())),
            (&t, Some(&int(0))),
        )
        .expect("doubles divide by zero")
        .expect("a value");
        assert_eq!(inf.as_ref(), f64::INFINITY.to_be_bytes().as_slice());
    }
}

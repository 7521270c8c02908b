//! `CAST(x AS type)` in selections: numeric conversions with Java's narrowing rules, time
//! conversions, and conversions to text (the value's string form, as Cassandra's
//! `castAsText` functions produce it). Which casts exist is `super::signatures::casts_to`.

use std::str::FromStr;

use bigdecimal::{BigDecimal, ToPrimitive};
use bytes::Bytes;
use cassia_protocol::types::ColumnType;
use cassia_protocol::value::CqlValue;
use num_bigint::BigInt;

use super::literal::decimal_bytes;
use crate::catalog::java_double;

fn is_numeric(t: &ColumnType) -> bool {
    matches!(
        t,
        ColumnType::TinyInt
            | ColumnType::SmallInt
            | ColumnType::Int
            | ColumnType::BigInt
            | ColumnType::Counter
            | ColumnType::Varint
            | ColumnType::Float
            | ColumnType::Double
            | ColumnType::Decimal
    )
}

/// Converts a serialized value of type `from` into type `to`.
pub(crate) fn convert(from: &ColumnType, to: &ColumnType, v: &[u8]) -> Option<Bytes> {
    if from == to || v.is_empty() {
        return Some(Bytes::copy_from_slice(v));
    }
    let value = CqlValue::deserialize(from, v).ok()?;
    if matches!(to, ColumnType::Text | ColumnType::Ascii) {
        return Some(Bytes::from(text(&value).into_bytes()));
    }
    if is_numeric(to) {
        return numeric(&value, to);
    }
    let millis = match &value {
        CqlValue::Timestamp(t) => t.0,
        CqlValue::Date(_) => super::functions::date_to_millis(v)?,
        CqlValue::Timeuuid(_) => super::term::timeuuid_millis(v)?,
        _ => return None,
    };
    Some(match to {
        ColumnType::Date => super::functions::millis_to_date(millis),
        _ => Bytes::copy_from_slice(&millis.to_be_bytes()),
    })
}

enum Num {
    Int(i128),
    Float(f64),
    Dec(BigDecimal),
    Big(BigInt),
}

fn numeric(v: &CqlValue, to: &ColumnType) -> Option<Bytes> {
    let n = match v {
        CqlValue::TinyInt(x) => Num::Int(i128::from(*x)),
        CqlValue::SmallInt(x) => Num::Int(i128::from(*x)),
        CqlValue::Int(x) => Num::Int(i128::from(*x)),
        CqlValue::BigInt(x) | CqlValue::Counter(x) => Num::Int(i128::from(*x)),
        CqlValue::Float(x) => Num::Float(f64::from(*x)),
        CqlValue::Double(x) => Num::Float(*x),
        CqlValue::Decimal(d) => Num::Dec(d.clone()),
        CqlValue::Varint(b) => Num::Big(b.clone()),
        _ => return None,
    };
    // Java narrowing: integers wrap, floating point truncates toward zero and saturates.
    let as_i128 = |n: &Num| -> i128 {
        match n {
            Num::Int(i) => *i,
            Num::Float(f) => *f as i128,
            Num::Dec(d) => d.to_i128().unwrap_or(0),
            Num::Big(b) => i128::try_from(b).unwrap_or(0),
        }
    };
    let as_f64 = |n: &Num| -> f64 {
        match n {
            Num::Int(i) => *i as f64,
            Num::Float(f) => *f,
            Num::Dec(d) => d.to_f64().unwrap_or(f64::NAN),
            Num::Big(b) => b.to_string().parse().unwrap_or(f64::NAN),
        }
    };
    let b = |v: &[u8]| Some(Bytes::copy_from_slice(v));
    match to {
        ColumnType::TinyInt => b(&(as_i128(&n) as i8).to_be_bytes()),
        ColumnType::SmallInt => b(&(as_i128(&n) as i16).to_be_bytes()),
        ColumnType::Int => b(&(match n {
            Num::Float(f) => f as i32,
            ref other => as_i128(other) as i32,
        })
        .to_be_bytes()),
        ColumnType::BigInt => b(&(match n {
            Num::Float(f) => f as i64,
            ref other => as_i128(other) as i64,
        })
        .to_be_bytes()),
        ColumnType::Float => b(&(as_f64(&n) as f32).to_be_bytes()),
        ColumnType::Double => b(&as_f64(&n).to_be_bytes()),
        ColumnType::Varint => {
            let big = match n {
                Num::Big(b) => b,
                Num::Dec(d) => d.with_scale(0).as_bigint_and_exponent().0,
                other => BigInt::from(as_i128(&other)),
            };
            Some(Bytes::from(big.to_signed_bytes_be()))
        }
        ColumnType::Decimal => {
            let d = match n {
                Num::Dec(d) => d,
                Num::Int(i) => BigDecimal::from(i),
                Num::Big(b) => BigDecimal::from(b),
                Num::Float(f) => BigDecimal::from_str(&java_double(f)).ok()?,
            };
            Some(decimal_bytes(&d))
        }
        _ => None,
    }
}

/// The string form `castAsText` gives.
fn text(v: &CqlValue) -> String {
    match v {
        CqlValue::Ascii(s) | CqlValue::Text(s) => s.clone(),
        CqlValue::Float(f) => java_double(f64::from(*f)),
        CqlValue::Double(d) => java_double(*d),
        CqlValue::Timestamp(t) => chrono::DateTime::from_timestamp_millis(t.0)
            .map(|d| d.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
            .unwrap_or_else(|| t.0.to_string()),
        CqlValue::Date(d) => super::literal::date_text(d.0),
        other => other.to_string().trim_matches('\'').to_owned(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn numeric_and_text_casts() {
        let v = convert(&ColumnType::Double, &ColumnType::Int, &2.9f64.to_be_bytes()).unwrap();
        assert_eq!(v.as_ref(), &2i32.to_be_bytes());
        let v = convert(
            &ColumnType::BigInt,
            &ColumnType::Int,
            &(1i64 << 32 | 5).to_be_bytes(),
        )
        .unwrap();
        assert_eq!(v.as_ref(), &5i32.to_be_bytes());
        let v = convert(&ColumnType::Int, &ColumnType::Text, &42i32.to_be_bytes()).unwrap();
        assert_eq!(v.as_ref(), b"42");
        assert_eq!(java_double(1.5e10), "1.5E10");
        assert_eq!(java_double(100.0), "100.0");
    }
}

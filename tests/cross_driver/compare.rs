//! Comparing a value Cassia read with the expected one, and rendering both for failures.
//!
//! `CqlValue`'s `PartialEq` is not the right equality here: NaN never equals itself and
//! `-0.0` equals `0.0`, and `BigDecimal` compares numerically (`1.0 == 1.00`) although the
//! scale travels on the wire. So floats compare by their bits and decimals by unscaled value
//! and scale; geometries by the bits of their coordinates (`POINT EMPTY` is NaN NaN);
//! everything else (including collection order, which Cassandra defines) exactly.

use cassia_driver::{CqlValue, Point};

/// Both coordinates, bit for bit.
fn same_point(a: &Point, b: &Point) -> bool {
    a.x.to_bits() == b.x.to_bits() && a.y.to_bits() == b.y.to_bits()
}

fn same_points(a: &[Point], b: &[Point]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_point(x, y))
}

/// Whether `got` is exactly `expected` on the wire.
pub fn same(expected: &CqlValue, got: &CqlValue) -> bool {
    use CqlValue as V;
    match (expected, got) {
        (V::Float(a), V::Float(b)) => a.to_bits() == b.to_bits(),
        (V::Double(a), V::Double(b)) => a.to_bits() == b.to_bits(),
        (V::Decimal(a), V::Decimal(b)) => a.as_bigint_and_exponent() == b.as_bigint_and_exponent(),
        (V::Point(a), V::Point(b)) => same_point(a, b),
        (V::LineString(a), V::LineString(b)) => same_points(&a.0, &b.0),
        (V::Polygon(a), V::Polygon(b)) => {
            a.rings.len() == b.rings.len()
                && a.rings.iter().zip(&b.rings).all(|(x, y)| same_points(x, y))
        }
        (V::List(a), V::List(b)) | (V::Set(a), V::Set(b)) | (V::Vector(a), V::Vector(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (V::Map(a), V::Map(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((ka, va), (kb, vb))| same(ka, kb) && same(va, vb))
        }
        (V::Tuple(a), V::Tuple(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|(x, y)| same_opt(x.as_ref(), y.as_ref()))
        }
        (V::Udt { fields: a, .. }, V::Udt { fields: b, .. }) => {
            // A value with fewer fields than the type (legal on the wire) reads as nulls.
            let field =
                |f: &[(String, Option<CqlValue>)], i: usize| f.get(i).and_then(|(_, v)| v.clone());
            let names_match = a.iter().zip(b).all(|((na, _), (nb, _))| na == nb);
            names_match
                && (0..a.len().max(b.len()))
                    .all(|i| same_opt(field(a, i).as_ref(), field(b, i).as_ref()))
        }
        _ => expected == got,
    }
}

/// [`same`] over nullable values.
pub fn same_opt(expected: Option<&CqlValue>, got: Option<&CqlValue>) -> bool {
    match (expected, got) {
        (None, None) => true,
        (Some(e), Some(g)) => same(e, g),
        _ => false,
    }
}

/// A readable, bounded rendering: the CQL literal (as Cassia renders it) and, for values
/// whose literal hides details (float bits, decimal scale), the debug form too.
pub fn render(v: Option<&CqlValue>) -> String {
    let Some(v) = v else {
        return "null".to_string();
    };
    let mut literal = v.to_string();
    let shown = bounded(&mut literal);
    let debug = match v {
        CqlValue::Float(f) => format!(" (bits {:08x})", f.to_bits()),
        CqlValue::Double(d) => format!(" (bits {:016x})", d.to_bits()),
        CqlValue::Decimal(d) => {
            let (unscaled, scale) = d.as_bigint_and_exponent();
            let mut u = unscaled.to_string();
            bounded(&mut u);
            format!(" (unscaled {u}, scale {scale})")
        }
        _ => String::new(),
    };
    format!("{shown}{debug}")
}

/// Cuts `s` to about 160 characters, noting the full length.
fn bounded(s: &mut String) -> String {
    const LIMIT: usize = 160;
    let chars = s.chars().count();
    if chars > LIMIT {
        let cut: String = s.chars().take(LIMIT).collect();
        *s = format!("{cut}... ({chars} chars)");
    }
    s.clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bigdecimal::BigDecimal;
    use num_bigint::BigInt;

    #[test]
    fn nan_equals_itself_and_signed_zeros_differ() {
        assert!(same(&CqlValue::Float(f32::NAN), &CqlValue::Float(f32::NAN)));
        assert!(!same(&CqlValue::Double(0.0), &CqlValue::Double(-0.0)));
        assert!(!same(
            &CqlValue::Float(f32::NAN),
            &CqlValue::Float(-f32::NAN)
        ));
    }

    #[test]
    fn geometries_compare_by_coordinate_bits() {
        assert!(same(
            &CqlValue::Point(Point::EMPTY),
            &CqlValue::Point(Point::EMPTY)
        ));
        assert!(!same(
            &CqlValue::Point(Point::new(0.0, 1.0)),
            &CqlValue::Point(Point::new(-0.0, 1.0))
        ));
        let ring = vec![Point::new(0.0, 0.0), Point::new(1.0, 0.0)];
        let a = CqlValue::Polygon(cassia_driver::Polygon::new(vec![ring.clone()]));
        let b = CqlValue::Polygon(cassia_driver::Polygon::new(vec![ring, vec![]]));
        assert!(same(&a, &a.clone()));
        assert!(!same(&a, &b));
    }

    #[test]
    fn decimals_compare_with_their_scale() {
        let one = CqlValue::Decimal(BigDecimal::new(BigInt::from(10), 1));
        let one_again = CqlValue::Decimal(BigDecimal::new(BigInt::from(100), 2));
        assert!(!same(&one, &one_again));
        assert!(same(&one, &one.clone()));
    }

    #[test]
    fn collections_compare_in_order() {
        let a = CqlValue::Set(vec![CqlValue::Int(1), CqlValue::Int(2)]);
        let b = CqlValue::Set(vec![CqlValue::Int(2), CqlValue::Int(1)]);
        assert!(!same(&a, &b));
        assert_eq!(render(Some(&a)), "{1, 2}");
        assert_eq!(render(None), "null");
    }
}

//! `sum` and `avg` over floats and doubles as Cassandra 4.0 computes them
//! (`AggregateFcts.FloatSumAggregate`, `FloatAvgAggregate`): Kahan's compensated summation
//! in doubles, the final `sum + compensation` (NaN from same-signed infinities falls back to
//! the plain sum), and an average that switches to decimal arithmetic when the running sum
//! overflows. Matching it exactly gives the same floating-point results as a real node.

use std::str::FromStr;

use bigdecimal::{BigDecimal, RoundingMode};

/// The running state of a float/double `sum` or `avg`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Kahan {
    sum: f64,
    compensation: f64,
    simple: f64,
    count: i32,
    /// The exact sum once the double sum overflowed (`avg` only).
    big: Option<BigDecimal>,
}

/// `BigDecimal.valueOf(double)`: the double's shortest decimal form.
fn decimal(d: f64) -> BigDecimal {
    BigDecimal::from_str(&format!("{d:?}")).unwrap_or_default()
}

impl Kahan {
    /// Adds one value; `avg` tracks the overflow fallback (`sum` does not).
    pub(crate) fn add(&mut self, d: f64, avg: bool) {
        self.count = self.count.wrapping_add(1);
        if let Some(big) = self.big.take() {
            self.big = Some(big + decimal(d));
            return;
        }
        self.simple += d;
        let prev = self.sum;
        let tmp = d - self.compensation;
        let rounded = self.sum + tmp;
        self.compensation = (rounded - self.sum) - tmp;
        self.sum = rounded;
        if avg && self.sum.is_infinite() && !d.is_infinite() {
            self.big = Some(decimal(prev) + decimal(d));
        }
    }

    fn total(&self) -> f64 {
        let tmp = self.sum + self.compensation;
        if tmp.is_nan() && self.simple.is_infinite() {
            self.simple
        } else {
            tmp
        }
    }

    /// `FloatSumAggregate.computeInternal`.
    pub(crate) fn sum(&self) -> f64 {
        self.total()
    }

    /// `FloatAvgAggregate.computeInternal` (0 without values).
    pub(crate) fn avg(&self) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        if let Some(big) = &self.big {
            // `bigSum.divide(count, HALF_EVEN)`: the quotient keeps the sum's scale.
            let (_, scale) = big.as_bigint_and_exponent();
            let q = (big / BigDecimal::from(self.count))
                .with_scale_round(scale, RoundingMode::HalfEven);
            // Through the decimal text: `to_f64` loses the exponent range near f64::MAX.
            return q.to_string().parse().unwrap_or(f64::NAN);
        }
        self.total() / f64::from(self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compensated_sum_differs_from_the_naive_one() {
        let values = [0.1, 0.2, 0.3, 0.1, 0.2, 0.3, 0.2];
        let mut k = Kahan::default();
        let mut naive = 0.0;
        for v in values {
            k.add(v, true);
            naive += v;
        }
        assert_eq!(naive, 1.4000000000000001);
        assert_eq!(k.sum(), 1.4);
        assert_eq!(k.avg(), 0.19999999999999998);
    }

    #[test]
    fn infinities_and_overflow() {
        let mut k = Kahan::default();
        k.add(f64::INFINITY, false);
        k.add(f64::INFINITY, false);
        assert_eq!(k.sum(), f64::INFINITY);
        let mut a = Kahan::default();
        a.add(f64::MAX, true);
        a.add(f64::MAX, true);
        assert_eq!(a.avg(), f64::MAX);
    }
}

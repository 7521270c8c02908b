//! Vector similarity as Cassandra 5.0 computes it (jvector's `VectorSimilarityFunction`, the
//! scalar `DefaultVectorUtilSupport`): the `similarity_cosine`, `similarity_dot_product` and
//! `similarity_euclidean` functions and the order of `ORDER BY v ANN OF [...]`.
//!
//! Every step is done in `f32` in the same order as the Java code (Java neither fuses a
//! multiply and an add nor reorders float sums, and neither does Rust), so results match
//! Cassandra bit for bit; only cosine's square root and division go through `f64`, as there.

/// A similarity function, as named in an SAI index's `similarity_function` option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Similarity {
    /// `1 / (1 + squared distance)`.
    Euclidean,
    /// `(1 + dot product) / 2`.
    DotProduct,
    /// `(1 + cosine) / 2`.
    Cosine,
}

impl Similarity {
    /// All of them, in jvector's enum order (Cassandra lists valid values in this order).
    pub const ALL: [Similarity; 3] = [
        Similarity::Euclidean,
        Similarity::DotProduct,
        Similarity::Cosine,
    ];

    /// The enum constant's name (`EUCLIDEAN`, `DOT_PRODUCT`, `COSINE`).
    pub fn enum_name(self) -> &'static str {
        match self {
            Similarity::Euclidean => "EUCLIDEAN",
            Similarity::DotProduct => "DOT_PRODUCT",
            Similarity::Cosine => "COSINE",
        }
    }

    /// Parses an option value the way Cassandra does: upper-cased, then the exact enum name.
    pub fn parse(option: &str) -> Option<Similarity> {
        let upper = option.to_uppercase();
        Similarity::ALL.into_iter().find(|s| s.enum_name() == upper)
    }

    /// The CQL function computing this similarity (`similarity_cosine`...).
    pub fn by_function(name: &str) -> Option<Similarity> {
        match name {
            "similarity_cosine" => Some(Similarity::Cosine),
            "similarity_dot_product" => Some(Similarity::DotProduct),
            "similarity_euclidean" => Some(Similarity::Euclidean),
            _ => None,
        }
    }

    /// The score of `a` against `b` (higher is more similar). Both have the same length.
    pub fn compare(self, a: &[f32], b: &[f32]) -> f32 {
        match self {
            Similarity::Euclidean => 1.0 / (1.0 + square_distance(a, b)),
            Similarity::DotProduct => (1.0 + dot_product(a, b)) / 2.0,
            Similarity::Cosine => (1.0 + cosine(a, b)) / 2.0,
        }
    }
}

/// Sum of `b[i] * a[i]`: the `len % 8` leading elements one by one, then blocks of 32 as four
/// sums of eight, then blocks of eight; each block summed left to right before being added.
pub(crate) fn dot_product(a: &[f32], b: &[f32]) -> f32 {
    let len = a.len().min(b.len());
    let eight = |i: usize| -> f32 {
        let mut s = b[i] * a[i];
        for k in 1..8 {
            s += b[i + k] * a[i + k];
        }
        s
    };
    let mut res = 0.0f32;
    let mut i = 0;
    while i < len % 8 {
        res += b[i] * a[i];
        i += 1;
    }
    if len < 8 {
        return res;
    }
    while i + 31 < len {
        for block in 0..4 {
            res += eight(i + block * 8);
        }
        i += 32;
    }
    while i + 7 < len {
        res += eight(i);
        i += 8;
    }
    res
}

/// `sum / sqrt(norm1 * norm2)`: the sums in `f32`, the product of the norms, its square root
/// and the division in `f64` (as in the Lucene code jvector 1.0 took it from).
pub(crate) fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let mut sum = 0.0f32;
    let mut norm1 = 0.0f32;
    let mut norm2 = 0.0f32;
    for (x, y) in a.iter().zip(b.iter()) {
        sum += x * y;
        norm1 += x * x;
        norm2 += y * y;
    }
    (f64::from(sum) / (f64::from(norm1) * f64::from(norm2)).sqrt()) as f32
}

/// Squared euclidean distance: blocks of eight from the start (each summed left to right),
/// then the remaining elements one by one.
pub(crate) fn square_distance(a: &[f32], b: &[f32]) -> f32 {
    let len = a.len().min(b.len());
    let mut sum = 0.0f32;
    let mut i = 0;
    while i + 8 <= len {
        let d = |k: usize| a[i + k] - b[i + k];
        let mut block = d(0) * d(0);
        for k in 1..8 {
            block += d(k) * d(k);
        }
        sum += block;
        i += 8;
    }
    while i < len {
        let d = a[i] - b[i];
        sum += d * d;
        i += 1;
    }
    sum
}

/// A serialized `vector<float, n>` (n big-endian floats, no length prefixes) as floats;
/// `None` when the byte count is not a multiple of four.
pub(crate) fn decode_floats(bytes: &[u8]) -> Option<Vec<f32>> {
    if bytes.len() % 4 != 0 {
        return None;
    }
    Some(
        bytes
            .chunks_exact(4)
            .map(|c| f32::from_be_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
    )
}

/// Whether every component is exactly zero (what Cassandra refuses with cosine).
pub(crate) fn is_all_zero(v: &[f32]) -> bool {
    v.iter().all(|x| *x == 0.0)
}

#[cfg(test)]
#[path = "vector_fns_tests.rs"]
mod tests;

//! Golden similarity values. The expected numbers were computed outside Rust, in Python with
//! every intermediate rounded to float32 through `struct` (jvector's order of operations),
//! and are written here as literals so the test fails if the arithmetic drifts.

// The expected floats are written with all the digits Python printed for them: exact, on
// purpose.
#![allow(clippy::excessive_precision)]

use super::*;

fn all(a: &[f32], b: &[f32]) -> [f32; 3] {
    [
        Similarity::Cosine.compare(a, b),
        Similarity::DotProduct.compare(a, b),
        Similarity::Euclidean.compare(a, b),
    ]
}

const QUERY: [f32; 5] = [0.15, 0.1, 0.1, 0.35, 0.55];

#[test]
fn quickstart_rows_against_the_query_vector() {
    assert_eq!(
        all(&[0.1, 0.15, 0.3, 0.12, 0.05], &QUERY),
        [0.753_639_94, 0.564_750_02, 0.741_894_8]
    );
    assert_eq!(
        all(&[0.45, 0.09, 0.01, 0.2, 0.11], &QUERY),
        [0.796_708_4, 0.604, 0.760_861_3]
    );
    assert_eq!(
        all(&[0.1, 0.05, 0.08, 0.3, 0.6], &QUERY),
        [0.994_447_35, 0.731_500_03, 0.989_707]
    );
}

#[test]
fn orthogonal_opposite_and_identical_vectors() {
    assert_eq!(all(&[1.0, 0.0], &[0.0, 1.0]), [0.5, 0.5, 0.333_333_34]);
    assert_eq!(
        all(&[1.0, 2.0, 3.0], &[-1.0, -2.0, -3.0]),
        [0.0, -6.5, 0.017_543_86]
    );
    assert_eq!(all(&[1.0, 2.0], &[1.0, 2.0]), [1.0, 3.0, 1.0]);
    assert_eq!(
        all(&[1.0 / 3.0, 2.0 / 3.0, 1.0], &[0.1, 0.2, 0.3]),
        [1.0, 0.733_333_35, 0.567_465_3]
    );
}

#[test]
fn large_magnitudes_and_negative_values() {
    assert_eq!(
        all(&[1e9, -2e9, 3e9], &[2e9, 1e9, -1e9]),
        [0.336_336_58, -1.5e18, 3.846_154e-20]
    );
    assert_eq!(
        all(&[-0.5, -1.25, 2.0], &[3.0, -0.75, -1.5]),
        [0.285_032_66, -1.281_25, 0.038_834_952]
    );
}

/// Lengths that go through the unrolled blocks of eight and thirty-two.
#[test]
fn long_vectors_use_the_unrolled_paths() {
    let a: Vec<f32> = (0..19).map(|i| i as f32 * 0.25 - 3.0).collect();
    let b: Vec<f32> = (0..19).map(|i| 1.5 - i as f32 * 0.125).collect();
    assert_eq!(all(&a, &b), [0.0, -11.078_125, 0.009_505_421]);
    let a: Vec<f32> = (0..40).map(|i| i as f32 * 0.375 - 7.0).collect();
    let b: Vec<f32> = (0..40).map(|i| 2.0 - i as f32 * 0.0625).collect();
    assert_eq!(all(&a, &b), [0.188_111_34, -57.078_125, 0.000_970_888_53]);
}

#[test]
fn cosine_of_a_zero_vector_is_not_a_number() {
    // Callers refuse zero vectors before this (Cassandra does); the raw value is NaN.
    assert!(
        Similarity::Cosine
            .compare(&[0.0, 0.0], &[1.0, 2.0])
            .is_nan()
    );
    assert!(is_all_zero(&[0.0, -0.0]));
    assert!(!is_all_zero(&[0.0, 1e-30]));
}

#[test]
fn option_names_parse_case_insensitively() {
    assert_eq!(Similarity::parse("cosine"), Some(Similarity::Cosine));
    assert_eq!(
        Similarity::parse("Dot_Product"),
        Some(Similarity::DotProduct)
    );
    assert_eq!(Similarity::parse("EUCLIDEAN"), Some(Similarity::Euclidean));
    assert_eq!(Similarity::parse("dot product"), None);
}

#[test]
fn floats_decode_from_the_wire_form() {
    let bytes: Vec<u8> = [1.5f32, -2.0]
        .iter()
        .flat_map(|f| f.to_be_bytes())
        .collect();
    assert_eq!(decode_floats(&bytes), Some(vec![1.5, -2.0]));
    assert_eq!(decode_floats(&bytes[..5]), None);
}

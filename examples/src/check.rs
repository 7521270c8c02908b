//! Read-back checks: every example verifies what it reads, and a difference becomes an
//! [`ExampleError::Mismatch`] naming the value, so a wrong round trip fails the run.

use std::fmt::Debug;

use crate::ExampleError;

/// Fails with a [`ExampleError::Mismatch`] named `what` unless `actual == expected`.
pub fn same<T: PartialEq + Debug>(
    what: impl Into<String>,
    expected: &T,
    actual: &T,
) -> Result<(), ExampleError> {
    if expected == actual {
        Ok(())
    } else {
        Err(ExampleError::Mismatch {
            what: what.into(),
            expected: format!("{expected:?}"),
            actual: format!("{actual:?}"),
        })
    }
}

/// Fails with a [`ExampleError::Mismatch`] named `what` unless `condition` holds;
/// `expected` and `actual` describe both sides for the message.
pub fn holds(
    what: impl Into<String>,
    condition: bool,
    expected: impl Into<String>,
    actual: impl Into<String>,
) -> Result<(), ExampleError> {
    if condition {
        Ok(())
    } else {
        Err(ExampleError::Mismatch {
            what: what.into(),
            expected: expected.into(),
            actual: actual.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_pass() {
        assert!(same("n", &1, &1).is_ok());
        assert!(holds("c", true, "x", "y").is_ok());
    }

    #[test]
    fn a_difference_names_the_value_and_both_sides() {
        let err = same("tags of post 1", &vec!["a"], &vec!["b"]).err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("tags of post 1: expected [\"a\"], read back [\"b\"]")
        );
        let err = holds("page size", false, "at most 10 rows", "11 rows").err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("page size: expected at most 10 rows, read back 11 rows")
        );
    }
}

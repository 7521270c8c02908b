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

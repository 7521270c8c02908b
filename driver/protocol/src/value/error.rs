//! Errors of the value codec: [`SerializeError`] (Rust value → bytes) and [`DeserializeError`]
//! (bytes → Rust value).
//!
//! Both name the CQL type involved, and the type-check variants name the Rust type and the
//! CQL type(s) it accepts, so that a row-level wrapper only has to add the column name.
//! CQL types are boxed to keep `Result`s of these errors small on the hot path.

use crate::types::ColumnType;

/// Why a value could not be serialized for a column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SerializeError {
    /// The Rust type cannot be written as the column's CQL type.
    #[error("cannot serialize {rust_type} (expects CQL {expected}) as CQL {actual}")]
    TypeMismatch {
        /// The Rust type being serialized.
        rust_type: &'static str,
        /// The CQL type(s) that Rust type can be written as.
        expected: &'static str,
        /// The column's CQL type.
        actual: Box<ColumnType>,
    },
    /// The value is of the right kind but outside what the CQL type allows
    /// (non-ASCII text for `ascii`, a time past midnight, a non-v1 timeuuid, a vector of the
    /// wrong length, a duration with mixed signs, ...).
    #[error("invalid value for CQL {cql_type}: {reason}")]
    InvalidValue {
        /// The column's CQL type.
        cql_type: Box<ColumnType>,
        /// What is wrong with it.
        reason: String,
    },
    /// A null or unset where the protocol has no room for one (collection elements, map keys
    /// and values, vector elements; unset anywhere but at the top level).
    #[error("{what} is not allowed inside a CQL {cql_type}")]
    NullInside {
        /// `null` or `unset`.
        what: &'static str,
        /// The enclosing CQL type.
        cql_type: Box<ColumnType>,
    },
    /// The serialized value (or a count in it) is larger than its length prefix allows.
    #[error("CQL {cql_type} value too large: {length} bytes/items")]
    TooLarge {
        /// The CQL type.
        cql_type: Box<ColumnType>,
        /// The offending length.
        length: usize,
    },
}

impl SerializeError {
    /// A [`SerializeError::TypeMismatch`] for `rust_type` written as `actual`.
    pub fn mismatch(rust_type: &'static str, expected: &'static str, actual: &ColumnType) -> Self {
        SerializeError::TypeMismatch {
            rust_type,
            expected,
            actual: Box::new(actual.clone()),
        }
    }

    /// A [`SerializeError::InvalidValue`].
    pub fn invalid(cql_type: &ColumnType, reason: impl Into<String>) -> Self {
        SerializeError::InvalidValue {
            cql_type: Box::new(cql_type.clone()),
            reason: reason.into(),
        }
    }
}

/// Why bytes could not be read as a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DeserializeError {
    /// The Rust type cannot hold values of the column's CQL type.
    #[error("cannot deserialize CQL {actual} into {rust_type} (expects CQL {expected})")]
    TypeMismatch {
        /// The Rust type being produced.
        rust_type: &'static str,
        /// The CQL type(s) that Rust type can be read from.
        expected: &'static str,
        /// The column's CQL type.
        actual: Box<ColumnType>,
    },
    /// A null value for a Rust type without a null (use `Option<T>`).
    #[error("null CQL {cql_type} cannot be read into {rust_type}; use Option<{rust_type}>")]
    UnexpectedNull {
        /// The Rust type being produced.
        rust_type: &'static str,
        /// The column's CQL type.
        cql_type: Box<ColumnType>,
    },
    /// A zero-length value of a type that normally has content (e.g. `blobAsInt(0x)`), for a
    /// Rust type that cannot represent it (read it as `CqlValue`, which has `Empty`).
    #[error(
        "zero-length CQL {cql_type} value cannot be read into {rust_type}; read it as CqlValue"
    )]
    UnexpectedEmpty {
        /// The Rust type being produced.
        rust_type: &'static str,
        /// The column's CQL type.
        cql_type: Box<ColumnType>,
    },
    /// The bytes are not a valid encoding of the CQL type.
    #[error("malformed CQL {cql_type} value: {reason}")]
    Malformed {
        /// The column's CQL type.
        cql_type: Box<ColumnType>,
        /// What is wrong with the bytes.
        reason: String,
    },
    /// A valid CQL value that the Rust type cannot represent (e.g. a date beyond chrono's range).
    #[error("CQL {cql_type} value {value} does not fit into {rust_type}")]
    OutOfRange {
        /// The Rust type being produced.
        rust_type: &'static str,
        /// The column's CQL type.
        cql_type: Box<ColumnType>,
        /// The value, rendered.
        value: String,
    },
}

impl DeserializeError {
    /// A [`DeserializeError::TypeMismatch`] for `rust_type` read from `actual`.
    pub fn mismatch(rust_type: &'static str, expected: &'static str, actual: &ColumnType) -> Self {
        DeserializeError::TypeMismatch {
            rust_type,
            expected,
            actual: Box::new(actual.clone()),
        }
    }

    /// A [`DeserializeError::Malformed`].
    pub fn malformed(cql_type: &ColumnType, reason: impl Into<String>) -> Self {
        DeserializeError::Malformed {
            cql_type: Box::new(cql_type.clone()),
            reason: reason.into(),
        }
    }

    /// A [`DeserializeError::UnexpectedNull`].
    pub fn null(rust_type: &'static str, cql_type: &ColumnType) -> Self {
        DeserializeError::UnexpectedNull {
            rust_type,
            cql_type: Box::new(cql_type.clone()),
        }
    }

    /// A [`DeserializeError::OutOfRange`].
    pub fn out_of_range(
        rust_type: &'static str,
        cql_type: &ColumnType,
        value: impl std::fmt::Display,
    ) -> Self {
        DeserializeError::OutOfRange {
            rust_type,
            cql_type: Box::new(cql_type.clone()),
            value: value.to_string(),
        }
    }
}

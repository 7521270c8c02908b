//! The typed value traits: [`SerializeValue`] (Rust value → `[value]` bytes for a column type)
//! and [`DeserializeValue`] (a cell's bytes → Rust value), plus the small wrapper types that
//! give Rust values a CQL meaning they would otherwise lack ([`Counter`], [`Timeuuid`],
//! [`Unset`], [`MaybeUnset`], [`Raw`]).
//!
//! These are the traits the mapper's derive macros generate code for, and what the driver
//! calls for bound values and typed rows. Both sides check the CQL type before touching
//! bytes, and every type-check failure names the Rust type, the CQL type(s) it accepts and
//! the column's actual CQL type. A null never becomes a default value: reading one needs an
//! `Option<T>`.
//!
//! The impls live by family: `scalars.rs` (numbers, text, blobs, uuids, inet, big numbers, the
//! `Cql*` newtypes), `time.rs` (chrono), `collections.rs` (lists, sets, maps, vectors,
//! arrays), `tuples.rs`, `wrappers.rs` (Option, references, the markers above, `CqlValue`),
//! `geo.rs` (DSE's `Point`, `LineString`, `Polygon`).

use crate::types::ColumnType;

use super::error::{DeserializeError, SerializeError};

mod collections;
mod geo;
mod scalars;
mod time;
mod tuples;
mod wrappers;

pub use wrappers::{Counter, MaybeUnset, Raw, Timeuuid, Unset};

/// A Rust value that can be bound to a CQL column or bind marker.
///
/// Implementations write one complete `[value]`: an `[int]` length followed by the bytes,
/// or the length alone for null (-1) and unset (-2). Writing the prefix themselves is what
/// lets `Option<T>`, [`Unset`] and [`MaybeUnset`] exist; plain values can use
/// [`write_value`] to get it.
///
/// On error `out` may hold a partially written value: callers that go on using the buffer
/// truncate it back to its previous length (the row serializers do).
pub trait SerializeValue {
    /// Appends this value as a `[value]` for a column whose CQL type is `typ`, failing with
    /// [`SerializeError::TypeMismatch`] if the Rust type cannot be written as `typ`.
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError>;
}

/// A Rust value that can be read from a CQL cell.
///
/// [`type_check`](Self::type_check) validates the column type once (for instance per result
/// page); [`deserialize_value`](Self::deserialize_value) then decodes each cell. Decoding
/// stays safe without the check: a type it cannot read is an error, never a panic.
pub trait DeserializeValue: Sized {
    /// Fails with [`DeserializeError::TypeMismatch`] if values of `typ` cannot be read into
    /// `Self`.
    fn type_check(typ: &ColumnType) -> Result<(), DeserializeError>;

    /// Decodes a cell of type `typ`: `None` is a null cell, `Some(&[])` a zero-length value.
    fn deserialize_value(typ: &ColumnType, bytes: Option<&[u8]>) -> Result<Self, DeserializeError>;
}

/// Writes a `[value]` whose bytes `body` appends: reserves the length, runs `body`, then
/// fills the length in. The building block for [`SerializeValue`] impls of non-null values.
pub fn write_value(
    typ: &ColumnType,
    out: &mut Vec<u8>,
    body: impl FnOnce(&mut Vec<u8>) -> Result<(), SerializeError>,
) -> Result<(), SerializeError> {
    super::nested::write_prefixed(typ, out, body)
}

/// The bytes of a non-null cell, or [`DeserializeError::UnexpectedNull`].
pub(crate) fn not_null<'a>(
    rust_type: &'static str,
    typ: &ColumnType,
    bytes: Option<&'a [u8]>,
) -> Result<&'a [u8], DeserializeError> {
    bytes.ok_or_else(|| DeserializeError::null(rust_type, typ))
}

/// The bytes of a non-null, non-empty cell: a zero-length value of a type that normally has
/// content is [`DeserializeError::UnexpectedEmpty`] (only `CqlValue` can represent it).
pub(crate) fn not_empty<'a>(
    rust_type: &'static str,
    typ: &ColumnType,
    bytes: Option<&'a [u8]>,
) -> Result<&'a [u8], DeserializeError> {
    match not_null(rust_type, typ, bytes)? {
        [] => Err(DeserializeError::UnexpectedEmpty {
            rust_type,
            cql_type: Box::new(typ.clone()),
        }),
        b => Ok(b),
    }
}

//! Binding values to statements and reading rows back: the protocol crate's conversion
//! traits, re-exported so applications depend on `cassia-driver` only.
//!
//! Values are typed against the statement's bind markers, so a simple statement that has
//! values is prepared first (and cached) — the way the server learns the marker types.

/// Bound values in wire form: what [`SerializeRow`] writes (and, in a hand-written impl,
/// [`write_bound_value`] appends to) and what
/// [`Session::execute_values`](crate::Session::execute_values) sends as they are.
pub use cassia_protocol::request::{RawValue, SerializedValues};
pub use cassia_protocol::row::write_bound_value;
pub use cassia_protocol::row::{
    ColumnIndex, FromRow, FromRowError, NamedValues, Row, SerializeRow, SerializeRowError,
};
pub use cassia_protocol::value::{
    Counter, DeserializeError, DeserializeValue, MaybeUnset, Raw, SerializeError, SerializeValue,
    Timeuuid, Unset,
};

/// The values of one statement, of any type, for arrays that mix types (a batch whose
/// statements take different values): `let v: [AnyValues<'_>; 2] = [&(1, "a"), &()];`.
///
/// The `Sync` bound is what makes such an array `Send`, so the `batch` future can be
/// spawned on a multi-threaded runtime; a plain `&dyn SerializeRow` is not `Send`.
pub type AnyValues<'a> = &'a (dyn SerializeRow + Sync + 'a);

use cassia_protocol::response::ColumnSpec;

/// Serializes `values` for bind markers `markers`, naming the statement in errors.
/// Appends `values` for `markers` to `out` (which keeps its count and naming: callers that
/// pack several statements in one buffer reset them in between).
pub(crate) fn serialize_into(
    values: &(impl SerializeRow + ?Sized),
    markers: &[ColumnSpec],
    out: &mut SerializedValues,
    statement: impl FnOnce() -> std::sync::Arc<str>,
) -> Result<(), crate::error::ExecuteError> {
    values
        .serialize_row(markers, out)
        .map_err(|source| crate::error::ExecuteError::Bind {
            statement: statement(),
            source,
        })
}

pub(crate) fn serialize(
    values: &(impl SerializeRow + ?Sized),
    markers: &[ColumnSpec],
    statement: impl FnOnce() -> std::sync::Arc<str>,
) -> Result<SerializedValues, crate::error::ExecuteError> {
    // Sized up front for typical values (a 4-byte length plus an 8-byte body each): growing
    // from empty cost three or four reallocations per request.
    let mut out = SerializedValues::new();
    out.bytes.reserve(markers.len().saturating_mul(12));
    serialize_into(values, markers, &mut out, statement)?;
    Ok(out)
}

//! Binding values to statements.
//!
//! TODO(proto-values): replace [`SerializeRow`] with the protocol crate's row traits once
//! they land (`SerializeRow` / `FromRow`); the session methods keep their shape.

use cassia_protocol::request::SerializedValues;
use cassia_protocol::response::ColumnSpec;

/// Values bound to a statement's markers.
pub trait SerializeRow {
    /// Appends the values; `markers` are the bind markers' specs when known (prepared).
    fn serialize_row(
        &self,
        markers: Option<&[ColumnSpec]>,
        out: &mut SerializedValues,
    ) -> Result<(), String>;
}

impl SerializeRow for () {
    fn serialize_row(
        &self,
        _: Option<&[ColumnSpec]>,
        _: &mut SerializedValues,
    ) -> Result<(), String> {
        Ok(())
    }
}

impl SerializeRow for SerializedValues {
    fn serialize_row(
        &self,
        _: Option<&[ColumnSpec]>,
        out: &mut SerializedValues,
    ) -> Result<(), String> {
        *out = self.clone();
        Ok(())
    }
}

impl<T: SerializeRow + ?Sized> SerializeRow for &T {
    fn serialize_row(
        &self,
        markers: Option<&[ColumnSpec]>,
        out: &mut SerializedValues,
    ) -> Result<(), String> {
        (**self).serialize_row(markers, out)
    }
}

/// Serializes `values` for a statement, naming the statement in errors.
pub(crate) fn serialize(
    values: &(impl SerializeRow + ?Sized),
    markers: Option<&[ColumnSpec]>,
    statement: &std::sync::Arc<str>,
) -> Result<SerializedValues, crate::error::ExecuteError> {
    let mut out = SerializedValues::default();
    values
        .serialize_row(markers, &mut out)
        .map_err(|detail| crate::error::ExecuteError::Bind {
            statement: statement.clone(),
            detail,
        })?;
    Ok(out)
}

//! Decoding a request's bound values (positional or named) into per-marker values.

use cassia_protocol::request::{RawValue, SerializedValues};
use cassia_protocol::response::ServerError;
use cassia_protocol::wire::Reader;

use super::plan::Planned;
use super::term::Binds;
use crate::catalog::invalid;

/// Values by marker index. Named values match `:name` markers, else the bind spec names.
pub(crate) fn decode<'a>(
    values: &'a SerializedValues,
    planned: &Planned,
) -> Result<Binds<'a>, ServerError> {
    let expected = planned.bind_specs.len();
    let count = usize::from(values.count);
    if count != expected {
        return Err(invalid(format!(
            "There were {expected} markers(?) in CQL but {count} bound variables"
        )));
    }
    let mut reader = Reader::new(&values.bytes);
    let bad = |e: cassia_protocol::wire::DecodeError| invalid(format!("Invalid bound values: {e}"));
    if !values.named {
        let mut out = Vec::with_capacity(count);
        for _ in 0..count {
            out.push(reader.value("bound value").map_err(bad)?);
        }
        return Ok(Binds { values: out });
    }
    let mut out = vec![RawValue::Unset; expected];
    for _ in 0..count {
        let name = reader.string("bound value name").map_err(bad)?;
        let value = reader.value("bound value").map_err(bad)?;
        let pos = planned
            .bind_names
            .iter()
            .position(|n| n.as_deref() == Some(name))
            .or_else(|| planned.bind_specs.iter().position(|s| s.name == name))
            .ok_or_else(|| invalid(format!("Invalid bound variable name: {name}")))?;
        if let Some(slot) = out.get_mut(pos) {
            *slot = value;
        }
    }
    Ok(Binds { values: out })
}

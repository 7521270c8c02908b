//! Framing inside composite values: the elements of lists, sets and maps (an `[int]` count then
//! `[bytes]` items), the components of tuples and UDTs (`[bytes]` items, possibly fewer than
//! the type declares), and the elements of vectors (packed, or unsigned-vint prefixed).
//!
//! Public because derived UDT and tuple code walks these frames too; the readers are
//! bounds-checked and never allocate in proportion to a count read from the input.

use super::error::{DeserializeError, SerializeError};
use super::vint;
use crate::types::ColumnType;

/// The elements of a list, set or map value. For a map, keys and values alternate.
#[derive(Debug, Clone)]
pub struct Elements<'a> {
    typ: &'a ColumnType,
    rest: &'a [u8],
    left: usize,
}

impl<'a> Elements<'a> {
    /// Reads the count at the front of `bytes`; `per_entry` is 2 for maps, 1 otherwise.
    pub fn new(
        typ: &'a ColumnType,
        bytes: &'a [u8],
        per_entry: usize,
    ) -> Result<Self, DeserializeError> {
        let (count, rest) = bytes
            .split_first_chunk::<4>()
            .ok_or_else(|| DeserializeError::malformed(typ, "missing element count"))?;
        let count = i32::from_be_bytes(*count);
        let count = usize::try_from(count)
            .map_err(|_| DeserializeError::malformed(typ, format!("negative count {count}")))?;
        // Every element takes at least its 4-byte length, so a count the remaining bytes
        // cannot hold is rejected before anyone allocates for it.
        let left = count.saturating_mul(per_entry);
        if left > rest.len() / 4 {
            return Err(DeserializeError::malformed(
                typ,
                format!("count {count} exceeds what {} bytes can hold", rest.len()),
            ));
        }
        Ok(Elements { typ, rest, left })
    }

    /// Entries (map pairs count once) still to read, as declared by the count.
    pub fn len(&self) -> usize {
        self.left
    }

    /// Whether all declared elements were read.
    pub fn is_empty(&self) -> bool {
        self.left == 0
    }

    /// The next element's bytes; null elements are errors (the protocol has none).
    pub fn next_element(&mut self) -> Result<Option<&'a [u8]>, DeserializeError> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        match take_bytes(self.typ, &mut self.rest)? {
            Some(b) => Ok(Some(b)),
            None => Err(DeserializeError::malformed(self.typ, "null element")),
        }
    }

    /// Fails if bytes remain after the declared elements.
    pub fn finish(&self) -> Result<(), DeserializeError> {
        if self.left == 0 && self.rest.is_empty() {
            Ok(())
        } else {
            Err(DeserializeError::malformed(
                self.typ,
                format!("{} trailing bytes after the elements", self.rest.len()),
            ))
        }
    }
}

/// Reads one `[bytes]` (negative length = null) from the front of `rest`.
fn take_bytes<'a>(
    typ: &ColumnType,
    rest: &mut &'a [u8],
) -> Result<Option<&'a [u8]>, DeserializeError> {
    let (len, tail) = rest
        .split_first_chunk::<4>()
        .ok_or_else(|| DeserializeError::malformed(typ, "truncated element length"))?;
    let len = i32::from_be_bytes(*len);
    let Ok(len) = usize::try_from(len) else {
        *rest = tail;
        return Ok(None);
    };
    let (value, tail) = tail.split_at_checked(len).ok_or_else(|| {
        DeserializeError::malformed(
            typ,
            format!("element of {len} bytes but only {} remain", tail.len()),
        )
    })?;
    *rest = tail;
    Ok(Some(value))
}

/// The components of a tuple or the fields of a UDT: each a `[bytes]`, null allowed; a value
/// may stop early, in which case the missing trailing components are null.
#[derive(Debug, Clone)]
pub struct Components<'a> {
    typ: &'a ColumnType,
    rest: &'a [u8],
}

impl<'a> Components<'a> {
    /// Components of the tuple or UDT value `bytes`.
    pub fn new(typ: &'a ColumnType, bytes: &'a [u8]) -> Self {
        Components { typ, rest: bytes }
    }

    /// The next component: `None` when it is null or absent.
    pub fn next_component(&mut self) -> Result<Option<&'a [u8]>, DeserializeError> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        take_bytes(self.typ, &mut self.rest)
    }

    /// Fails if the value has more components than the type declares.
    pub fn finish(&self) -> Result<(), DeserializeError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(DeserializeError::malformed(
                self.typ,
                format!("{} bytes of components beyond the type", self.rest.len()),
            ))
        }
    }
}

/// Splits a vector value into its `dimension` elements.
pub(crate) fn vector_elements<'a>(
    typ: &ColumnType,
    element: &ColumnType,
    dimension: u32,
    bytes: &'a [u8],
) -> Result<Vec<&'a [u8]>, DeserializeError> {
    let dimension = dimension as usize;
    if let Some(size) = element.fixed_size() {
        let expected = size.saturating_mul(dimension);
        if bytes.len() != expected || size == 0 {
            return Err(DeserializeError::malformed(
                typ,
                format!("expected {expected} bytes, got {}", bytes.len()),
            ));
        }
        return Ok(bytes.chunks_exact(size).collect());
    }
    // Each element takes at least one byte (its length), which bounds the allocation.
    let mut out = Vec::with_capacity(dimension.min(bytes.len()));
    let mut rest = bytes;
    for _ in 0..dimension {
        let (len, n) = vint::read_unsigned(rest)
            .ok_or_else(|| DeserializeError::malformed(typ, "truncated element length"))?;
        let tail = rest.get(n..).unwrap_or_default();
        let value = usize::try_from(len)
            .ok()
            .and_then(|len| tail.get(..len))
            .ok_or_else(|| {
                DeserializeError::malformed(
                    typ,
                    format!("element of {len} bytes overruns the value"),
                )
            })?;
        rest = tail.get(value.len()..).unwrap_or_default();
        out.push(value);
    }
    if !rest.is_empty() {
        return Err(DeserializeError::malformed(
            typ,
            format!("{} trailing bytes after {dimension} elements", rest.len()),
        ));
    }
    Ok(out)
}

/// Writes a `[value]`-style length prefix around what `body` appends: reserves four bytes,
/// runs `body`, then patches in the length.
pub fn write_prefixed(
    typ: &ColumnType,
    out: &mut Vec<u8>,
    body: impl FnOnce(&mut Vec<u8>) -> Result<(), SerializeError>,
) -> Result<(), SerializeError> {
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    body(out)?;
    let len = out.len() - start - 4;
    let len = i32::try_from(len).map_err(|_| SerializeError::TooLarge {
        cql_type: Box::new(typ.clone()),
        length: len,
    })?;
    if let Some(prefix) = out.get_mut(start..start + 4) {
        prefix.copy_from_slice(&len.to_be_bytes());
    }
    Ok(())
}

/// Writes a count as an `[int]`.
pub fn write_count(typ: &ColumnType, out: &mut Vec<u8>, n: usize) -> Result<(), SerializeError> {
    let n = i32::try_from(n).map_err(|_| SerializeError::TooLarge {
        cql_type: Box::new(typ.clone()),
        length: n,
    })?;
    out.extend_from_slice(&n.to_be_bytes());
    Ok(())
}

/// After a `[value]` was appended at `start`: fails if it was null or unset, because `typ`
/// (a collection, map or vector) cannot hold either.
pub(crate) fn reject_null_element(
    typ: &ColumnType,
    out: &[u8],
    start: usize,
) -> Result<(), SerializeError> {
    let len = out
        .get(start..start + 4)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map(i32::from_be_bytes);
    match len {
        Some(-1) => Err(SerializeError::NullInside {
            what: "null",
            cql_type: Box::new(typ.clone()),
        }),
        Some(l) if l < 0 => Err(SerializeError::NullInside {
            what: "unset",
            cql_type: Box::new(typ.clone()),
        }),
        _ => Ok(()),
    }
}

/// After a `[value]` was appended at `start`: fails if it was unset (tuple components and UDT
/// fields may be null, never unset).
pub(crate) fn reject_unset_component(
    typ: &ColumnType,
    out: &[u8],
    start: usize,
) -> Result<(), SerializeError> {
    if out.get(start..start + 4) == Some(&(-2i32).to_be_bytes()) {
        return Err(SerializeError::NullInside {
            what: "unset",
            cql_type: Box::new(typ.clone()),
        });
    }
    Ok(())
}

/// Rewrites the `[value]` appended at `start` into a vector element: drops the 4-byte prefix
/// for fixed-size elements (checking the size), or replaces it with an unsigned vint.
pub(crate) fn into_vector_element(
    typ: &ColumnType,
    element: &ColumnType,
    out: &mut Vec<u8>,
    start: usize,
) -> Result<(), SerializeError> {
    reject_null_element(typ, out, start)?;
    let len = out.len().saturating_sub(start + 4);
    match element.fixed_size() {
        Some(size) if size != len => Err(SerializeError::invalid(
            typ,
            format!("element of {len} bytes where {element} takes {size}"),
        )),
        Some(_) => {
            out.drain(start..start + 4);
            Ok(())
        }
        None => {
            let mut prefix = Vec::with_capacity(9);
            vint::put_unsigned(&mut prefix, len as u64);
            out.splice(start..start + 4, prefix);
            Ok(())
        }
    }
}

//! Bound values in the form Cassandra stores them. Cassandra deserializes a bound collection
//! and serializes it again, so every set and map inside the value — at any depth: elements of
//! frozen collections, UDT fields, tuple components, vector elements — comes out sorted by its
//! type's comparator and without duplicates, whatever order the client sent. Literals are built
//! that way already (`term`); this does the same for bytes that arrive from the client.

use bytes::Bytes;
use cassia_protocol::types::ColumnType;

use super::literal::put_vint;
use crate::store::compare::compare;

/// `v` re-serialized with every nested set and map sorted and deduplicated. A value that does
/// not parse as `typ` is returned unchanged: validating it is not this function's job, and the
/// reads that follow treat malformed bytes the same way either way.
pub(crate) fn canonical(typ: &ColumnType, v: &[u8]) -> Bytes {
    if !has_set_or_map(typ) {
        return Bytes::copy_from_slice(v);
    }
    let mut out = Vec::with_capacity(v.len());
    match rewrite(typ, v, &mut out) {
        Some(()) => Bytes::from(out),
        None => Bytes::copy_from_slice(v),
    }
}

/// Whether a value of `typ` can hold a set or map (otherwise its bytes are already canonical).
fn has_set_or_map(typ: &ColumnType) -> bool {
    match typ {
        ColumnType::Set(_) | ColumnType::Map(_, _) => true,
        ColumnType::List(e) | ColumnType::Vector { element: e, .. } => has_set_or_map(e),
        ColumnType::Tuple(types) => types.iter().any(has_set_or_map),
        ColumnType::Udt { fields, .. } => fields.iter().any(|(_, t)| has_set_or_map(t)),
        _ => false,
    }
}

/// Bounds-checked reading of the value's parts.
struct Parts<'a> {
    rest: &'a [u8],
}

impl<'a> Parts<'a> {
    fn int(&mut self) -> Option<i32> {
        let (head, tail) = self.rest.split_first_chunk::<4>()?;
        self.rest = tail;
        Some(i32::from_be_bytes(*head))
    }

    /// A `[bytes]`: `None` inside when its length is negative (a null).
    fn bytes(&mut self) -> Option<Option<&'a [u8]>> {
        let len = self.int()?;
        let Ok(len) = usize::try_from(len) else {
            return Some(None);
        };
        let (item, tail) = self.rest.split_at_checked(len)?;
        self.rest = tail;
        Some(Some(item))
    }

    /// An element preceded by its unsigned-vint length (variable-size vector elements).
    fn vint_prefixed(&mut self) -> Option<&'a [u8]> {
        let first = *self.rest.first()?;
        let extra = first.leading_ones() as usize;
        let tail = self.rest.get(1..=extra)?;
        let mut len = if extra == 8 {
            0
        } else {
            u64::from(first & (0xFF >> extra))
        };
        for b in tail {
            len = len.checked_shl(8)? | u64::from(*b);
        }
        let body = self.rest.get(1 + extra..)?;
        let (item, rest) = body.split_at_checked(usize::try_from(len).ok()?)?;
        self.rest = rest;
        Some(item)
    }
}

/// A canonical element: `None` for a null element.
type Item = Option<Vec<u8>>;

fn element(typ: &ColumnType, item: Option<&[u8]>) -> Option<Item> {
    match item {
        None => Some(None),
        Some(b) => {
            let mut out = Vec::with_capacity(b.len());
            rewrite(typ, b, &mut out)?;
            Some(Some(out))
        }
    }
}

fn put_item(out: &mut Vec<u8>, item: &Item) -> Option<()> {
    match item {
        Some(b) => {
            out.extend_from_slice(&i32::try_from(b.len()).ok()?.to_be_bytes());
            out.extend_from_slice(b);
        }
        None => out.extend_from_slice(&(-1i32).to_be_bytes()),
    }
    Some(())
}

fn put_count(out: &mut Vec<u8>, n: usize) -> Option<()> {
    out.extend_from_slice(&i32::try_from(n).ok()?.to_be_bytes());
    Some(())
}

/// Orders elements by `typ` (a null, which Cassandra refuses anyway, sorts first).
fn order(typ: &ColumnType, a: &Item, b: &Item) -> std::cmp::Ordering {
    match (a, b) {
        (Some(x), Some(y)) => compare(typ, x, y),
        _ => a.is_some().cmp(&b.is_some()),
    }
}

/// Appends the canonical form of `v` (a value of `typ`) to `out`; `None` if `v` is malformed.
fn rewrite(typ: &ColumnType, v: &[u8], out: &mut Vec<u8>) -> Option<()> {
    let mut parts = Parts { rest: v };
    match typ {
        ColumnType::List(e) | ColumnType::Set(e) => {
            let n = usize::try_from(parts.int()?).ok()?;
            // Each element takes at least four bytes, which bounds the allocation.
            let mut items = Vec::with_capacity(n.min(v.len() / 4));
            for _ in 0..n {
                items.push(element(e, parts.bytes()?)?);
            }
            if let ColumnType::Set(_) = typ {
                items.sort_by(|a, b| order(e, a, b));
                items.dedup_by(|a, b| order(e, a, b).is_eq());
            }
            put_count(out, items.len())?;
            for item in &items {
                put_item(out, item)?;
            }
        }
        ColumnType::Map(k, val) => {
            let n = usize::try_from(parts.int()?).ok()?;
            let mut entries = Vec::with_capacity(n.min(v.len() / 8));
            for _ in 0..n {
                let key = element(k, parts.bytes()?)?;
                let value = element(val, parts.bytes()?)?;
                entries.push((key, value));
            }
            // A stable sort keeps the first of equal keys first; Cassandra keeps the last
            // one written, as a map literal does.
            entries.sort_by(|a, b| order(k, &a.0, &b.0));
            let mut deduped: Vec<(Item, Item)> = Vec::with_capacity(entries.len());
            for entry in entries {
                match deduped.last_mut() {
                    Some(last) if order(k, &last.0, &entry.0).is_eq() => *last = entry,
                    _ => deduped.push(entry),
                }
            }
            put_count(out, deduped.len())?;
            for (key, value) in &deduped {
                put_item(out, key)?;
                put_item(out, value)?;
            }
        }
        ColumnType::Tuple(types) => components(types.iter(), &mut parts, out)?,
        ColumnType::Udt { fields, .. } => {
            components(fields.iter().map(|(_, t)| t), &mut parts, out)?
        }
        ColumnType::Vector {
            element: e,
            dimension,
        } => {
            let fixed = e.fixed_size();
            for _ in 0..*dimension {
                let item = match fixed {
                    Some(size) => {
                        let (item, rest) = parts.rest.split_at_checked(size)?;
                        parts.rest = rest;
                        item
                    }
                    None => parts.vint_prefixed()?,
                };
                let mut canonical = Vec::with_capacity(item.len());
                rewrite(e, item, &mut canonical)?;
                if fixed.is_none() {
                    put_vint(out, canonical.len() as u64);
                }
                out.extend_from_slice(&canonical);
            }
        }
        _ => {
            out.extend_from_slice(v);
            return Some(());
        }
    }
    parts.rest.is_empty().then_some(())
}

/// Tuple components or UDT fields: as many as were sent (possibly fewer than the type has).
fn components<'t>(
    mut types: impl Iterator<Item = &'t ColumnType>,
    parts: &mut Parts<'_>,
    out: &mut Vec<u8>,
) -> Option<()> {
    while !parts.rest.is_empty() {
        let typ = types.next()?;
        let item = element(typ, parts.bytes()?)?;
        put_item(out, &item)?;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&[u8]]) -> Vec<u8> {
        let mut out = (items.len() as i32).to_be_bytes().to_vec();
        for i in items {
            out.extend_from_slice(&(i.len() as i32).to_be_bytes());
            out.extend_from_slice(i);
        }
        out
    }

    fn text_set() -> ColumnType {
        ColumnType::Set(Box::new(ColumnType::Text))
    }

    #[test]
    fn sets_inside_lists_and_maps_are_sorted_and_deduplicated() {
        let typ = ColumnType::Map(
            Box::new(ColumnType::Int),
            Box::new(ColumnType::List(Box::new(text_set()))),
        );
        let inner = set(&[b"b", b"a", b"b"]);
        let list = set(&[&inner]);
        let value = set(&[&2i32.to_be_bytes(), &list, &1i32.to_be_bytes(), &list]);
        // `set` wrote a count of 4 items; a map counts entries.
        let mut value = value;
        value.splice(0..4, 2i32.to_be_bytes());
        let sorted_inner = set(&[b"a", b"b"]);
        let sorted_list = set(&[&sorted_inner]);
        let mut expected = set(&[
            &1i32.to_be_bytes(),
            &sorted_list,
            &2i32.to_be_bytes(),
            &sorted_list,
        ]);
        expected.splice(0..4, 2i32.to_be_bytes());
        assert_eq!(canonical(&typ, &value).as_ref(), expected.as_slice());
    }

    #[test]
    fn tuple_and_udt_components_keep_nulls_and_sort_their_sets() {
        let typ = ColumnType::Tuple(vec![ColumnType::Int, text_set()]);
        let mut value = (-1i32).to_be_bytes().to_vec();
        let inner = set(&[b"z", b"y"]);
        value.extend_from_slice(&(inner.len() as i32).to_be_bytes());
        value.extend_from_slice(&inner);
        let mut expected = (-1i32).to_be_bytes().to_vec();
        let sorted = set(&[b"y", b"z"]);
        expected.extend_from_slice(&(sorted.len() as i32).to_be_bytes());
        expected.extend_from_slice(&sorted);
        assert_eq!(canonical(&typ, &value).as_ref(), expected.as_slice());
        let udt = ColumnType::Udt {
            keyspace: "ks".into(),
            name: "u".into(),
            fields: vec![("a".into(), ColumnType::Int), ("s".into(), text_set())],
        };
        assert_eq!(canonical(&udt, &value).as_ref(), expected.as_slice());
    }

    #[test]
    fn vector_elements_keep_their_vint_lengths() {
        let typ = ColumnType::Vector {
            element: Box::new(text_set()),
            dimension: 1,
        };
        let inner = set(&[b"b", b"a"]);
        let mut value = vec![inner.len() as u8];
        value.extend_from_slice(&inner);
        let sorted = set(&[b"a", b"b"]);
        let mut expected = vec![sorted.len() as u8];
        expected.extend_from_slice(&sorted);
        assert_eq!(canonical(&typ, &value).as_ref(), expected.as_slice());
    }

    #[test]
    fn malformed_values_are_left_alone() {
        let typ = ColumnType::List(Box::new(text_set()));
        let truncated = [0, 0, 0, 1, 0, 0, 0, 9, 1];
        assert_eq!(canonical(&typ, &truncated).as_ref(), &truncated);
        let trailing = [0, 0, 0, 0, 7];
        assert_eq!(canonical(&typ, &trailing).as_ref(), &trailing);
    }
}

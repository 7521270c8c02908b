//! Element and slice selection on serialized maps and sets (`m['k']`, `m['a'..'c']`), as
//! Cassandra 4.0's `ElementsSelector` evaluates them: an element is the map's value (the
//! set's element) for that key, or null; a slice keeps the entries whose key lies between the
//! bounds, both inclusive, and an unset bound is open.

use std::cmp::Ordering;

use bytes::{BufMut, Bytes, BytesMut};
use cassia_protocol::types::ColumnType;

use crate::store::compare::{compare, elements, map_elements};

/// Entries of a map (`(key, Some(value))`) or set (`(element, None)`).
fn entries<'a>(typ: &ColumnType, body: &'a [u8]) -> Vec<(&'a [u8], Option<&'a [u8]>)> {
    match typ {
        ColumnType::Map(..) => map_elements(body)
            .chunks(2)
            .filter_map(|kv| match kv {
                [k, v] => Some((*k, Some(*v))),
                _ => None,
            })
            .collect(),
        _ => elements(body).into_iter().map(|e| (e, None)).collect(),
    }
}

fn key_type(typ: &ColumnType) -> Option<&ColumnType> {
    match typ {
        ColumnType::Map(k, _) => Some(k),
        ColumnType::Set(e) => Some(e),
        _ => None,
    }
}

/// `c[key]`: null when the collection, the key or the entry is missing.
pub(crate) fn element(typ: &ColumnType, coll: Option<&[u8]>, key: Option<&[u8]>) -> Option<Bytes> {
    let (coll, key, kt) = (coll?, key?, key_type(typ)?);
    entries(typ, coll)
        .into_iter()
        .find(|(k, _)| compare(kt, k, key) == Ordering::Equal)
        .map(|(k, v)| Bytes::copy_from_slice(v.unwrap_or(k)))
}

/// `c[from..to]`: the entries within the bounds, or null when none is.
pub(crate) fn slice(
    typ: &ColumnType,
    coll: Option<&[u8]>,
    from: Option<&[u8]>,
    to: Option<&[u8]>,
) -> Option<Bytes> {
    let (coll, kt) = (coll?, key_type(typ)?);
    let kept: Vec<_> = entries(typ, coll)
        .into_iter()
        .filter(|(k, _)| from.is_none_or(|f| compare(kt, k, f) != Ordering::Less))
        .filter(|(k, _)| to.is_none_or(|t| compare(kt, k, t) != Ordering::Greater))
        .collect();
    if kept.is_empty() {
        return None;
    }
    let mut out = BytesMut::new();
    out.put_i32(i32::try_from(kept.len()).unwrap_or(i32::MAX));
    for (k, v) in kept {
        for part in std::iter::once(k).chain(v) {
            out.put_i32(i32::try_from(part.len()).unwrap_or(i32::MAX));
            out.put_slice(part);
        }
    }
    Some(out.freeze())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: &[(&str, i32)]) -> Vec<u8> {
        let mut out = BytesMut::new();
        out.put_i32(entries.len() as i32);
        for (k, v) in entries {
            out.put_i32(k.len() as i32);
            out.put_slice(k.as_bytes());
            out.put_i32(4);
            out.put_i32(*v);
        }
        out.to_vec()
    }

    #[test]
    fn elements_and_slices_of_a_map() {
        let t = ColumnType::Map(Box::new(ColumnType::Text), Box::new(ColumnType::Int));
        let m = map(&[("a", 1), ("b", 2), ("c", 3)]);
        let two = element(&t, Some(&m), Some(b"b")).expect("b is there");
        assert_eq!(two.as_ref(), &2i32.to_be_bytes());
        assert_eq!(element(&t, Some(&m), Some(b"z")), None);
        let s = slice(&t, Some(&m), Some(b"b"), None).expect("b and c");
        assert_eq!(s.as_ref(), map(&[("b", 2), ("c", 3)]).as_slice());
        let s = slice(&t, Some(&m), None, Some(b"a")).expect("a");
        assert_eq!(s.as_ref(), map(&[("a", 1)]).as_slice());
        assert_eq!(slice(&t, Some(&m), Some(b"x"), None), None);
    }
}

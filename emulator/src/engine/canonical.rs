//! Bound values in the form Cassandra stores them.
//!
//! A bound collection is deserialized into Java objects and serialized again
//! (`Sets/Lists/Maps.Value.fromSerialized`: `deserializeForNativeProtocol`, then `decompose`
//! of each element), so its sets and maps — and those of collections nested in it — come out
//! sorted by their type's comparator and without duplicates, and each scalar element comes
//! out in its type's canonical form (an IPv4-mapped `inet` as four bytes, a `varint` without
//! redundant sign bytes, a `boolean` as 0 or 1).
//!
//! A bound tuple or UDT is only validated and split into its components
//! (`Tuples/UserTypes.Value.fromSerialized`), and a tuple or UDT inside a collection
//! deserializes to its own bytes, so their bytes are kept exactly as the client sent them,
//! unsorted sets in their fields included. Vector elements are likewise kept as sent, apart
//! from the sets and maps nested in them. Literals are built in canonical form already
//! (`term`); this handles the bytes that arrive from the client, refusing a malformed part
//! with the serializer's message.

use bytes::Bytes;
use cassia_protocol::types::ColumnType;

use super::literal::put_vint;
use super::term::validate;
use crate::store::compare::compare;

/// `v` validated and re-serialized with every nested set and map sorted and deduplicated;
/// the error is Cassandra's `MarshalException` message. Scalars are only copied (their
/// validation is `term::validate`, done by the caller).
pub(crate) fn canonical(typ: &ColumnType, v: &[u8]) -> Result<Bytes, String> {
    if !is_composite(typ) {
        return Ok(Bytes::copy_from_slice(v));
    }
    let mut out = Vec::with_capacity(v.len());
    rewrite(typ, v, &mut out)?;
    Ok(Bytes::from(out))
}

fn is_composite(typ: &ColumnType) -> bool {
    matches!(
        typ,
        ColumnType::List(_)
            | ColumnType::Set(_)
            | ColumnType::Map(_, _)
            | ColumnType::Tuple(_)
            | ColumnType::Udt { .. }
            | ColumnType::Vector { .. }
    )
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

/// The canonical form of one part, validated with its type.
fn part(typ: &ColumnType, item: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(item.len());
    if is_composite(typ) {
        rewrite(typ, item, &mut out)?;
    } else {
        validate(typ, item)?;
        out.extend_from_slice(item);
    }
    Ok(out)
}

/// A collection element: present (`null` is refused inside collections), and in the form
/// `decompose(compose(bytes))` gives it.
fn element(typ: &ColumnType, item: Option<&[u8]>) -> Result<Vec<u8>, String> {
    match item {
        Some(b) => part(typ, b).map(|v| scalar_round_trip(typ, v)),
        None => Err("null is not supported inside collections".to_owned()),
    }
}

/// A scalar as its serializer writes back the Java value it read: `InetAddress.getByAddress`
/// makes an `Inet4Address` of an IPv4-mapped address, `BigInteger.toByteArray` is minimal
/// (also for a `decimal`'s unscaled part), `BooleanSerializer` writes 0 or 1. An empty value
/// reads as null and writes back empty.
fn scalar_round_trip(typ: &ColumnType, v: Vec<u8>) -> Vec<u8> {
    match typ {
        ColumnType::Inet => match <[u8; 16]>::try_from(v.as_slice()) {
            Ok(octets) => match std::net::Ipv6Addr::from(octets).to_ipv4_mapped() {
                Some(v4) => v4.octets().to_vec(),
                None => v,
            },
            Err(_) => v,
        },
        ColumnType::Varint if !v.is_empty() => minimal_twos_complement(&v),
        ColumnType::Decimal if v.len() > 4 => {
            let (scale, unscaled) = v.split_at(4);
            let mut out = scale.to_vec();
            out.extend_from_slice(&minimal_twos_complement(unscaled));
            out
        }
        ColumnType::Boolean if !v.is_empty() => vec![u8::from(v.iter().any(|b| *b != 0))],
        _ => v,
    }
}

/// A big-endian two's complement integer without the leading bytes that only repeat the sign.
fn minimal_twos_complement(v: &[u8]) -> Vec<u8> {
    let mut start = 0;
    while let (Some(&b), Some(&next)) = (v.get(start), v.get(start + 1)) {
        let redundant = (b == 0x00 && next & 0x80 == 0) || (b == 0xff && next & 0x80 != 0);
        if !redundant {
            break;
        }
        start += 1;
    }
    v.get(start..).unwrap_or_default().to_vec()
}

fn put_bytes(out: &mut Vec<u8>, item: Option<&[u8]>) -> Result<(), String> {
    match item {
        Some(b) => {
            let len = i32::try_from(b.len()).map_err(|_| "Value too large".to_owned())?;
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(b);
        }
        None => out.extend_from_slice(&(-1i32).to_be_bytes()),
    }
    Ok(())
}

fn put_count(out: &mut Vec<u8>, n: usize) -> Result<(), String> {
    let n = i32::try_from(n).map_err(|_| "Value too large".to_owned())?;
    out.extend_from_slice(&n.to_be_bytes());
    Ok(())
}

/// Appends the canonical form of `v` (a list, set, map, tuple, UDT or vector of `typ`).
fn rewrite(typ: &ColumnType, v: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
    let mut parts = Parts { rest: v };
    let kind = match typ {
        ColumnType::List(_) => "list",
        ColumnType::Set(_) => "set",
        ColumnType::Map(_, _) => "map",
        _ => "",
    };
    let short = || format!("Not enough bytes to read a {kind}");
    match typ {
        ColumnType::List(e) | ColumnType::Set(e) => {
            let n = parts
                .int()
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(short)?;
            // Each element takes at least four bytes, which bounds the allocation.
            let mut items = Vec::with_capacity(n.min(v.len() / 4));
            for _ in 0..n {
                items.push(element(e, parts.bytes().ok_or_else(short)?)?);
            }
            if let ColumnType::Set(_) = typ {
                items.sort_by(|a, b| compare(e, a, b));
                items.dedup_by(|a, b| compare(e, a, b).is_eq());
            }
            put_count(out, items.len())?;
            for item in &items {
                put_bytes(out, Some(item))?;
            }
        }
        ColumnType::Map(k, val) => {
            let n = parts
                .int()
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(short)?;
            let mut entries = Vec::with_capacity(n.min(v.len() / 8));
            for _ in 0..n {
                let key = element(k, parts.bytes().ok_or_else(short)?)?;
                let value = element(val, parts.bytes().ok_or_else(short)?)?;
                entries.push((key, value));
            }
            // A stable sort keeps equal keys in the order sent; the last one wins, as when
            // Cassandra puts the entries into its sorted map one by one.
            entries.sort_by(|a, b| compare(k, &a.0, &b.0));
            let mut deduped: Vec<(Vec<u8>, Vec<u8>)> = Vec::with_capacity(entries.len());
            for entry in entries {
                match deduped.last_mut() {
                    Some(last) if compare(k, &last.0, &entry.0).is_eq() => *last = entry,
                    _ => deduped.push(entry),
                }
            }
            put_count(out, deduped.len())?;
            for (key, value) in &deduped {
                put_bytes(out, Some(key))?;
                put_bytes(out, Some(value))?;
            }
        }
        // UDT values are validated like tuples (Cassandra's UserType extends TupleType).
        ColumnType::Tuple(types) => return components(types.iter(), &mut parts, out),
        ColumnType::Udt { fields, .. } => {
            return components(fields.iter().map(|(_, t)| t), &mut parts, out);
        }
        ColumnType::Vector { element: e, .. } => return vector(typ, e, &mut parts, out),
        _ => {
            out.extend_from_slice(v);
            return Ok(());
        }
    }
    if parts.rest.is_empty() {
        Ok(())
    } else {
        Err(format!("Unexpected extraneous bytes after {kind} value"))
    }
}

/// Tuple components or UDT fields: as many as were sent (possibly fewer than the type has),
/// with `TupleSerializer`'s checks.
fn components<'t>(
    types: impl Iterator<Item = &'t ColumnType>,
    parts: &mut Parts<'_>,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    for (i, typ) in types.enumerate() {
        if parts.rest.is_empty() {
            return Ok(());
        }
        let len = parts
            .int()
            .ok_or_else(|| format!("Not enough bytes to read size of {i}th component"))?;
        let Ok(len) = usize::try_from(len) else {
            put_bytes(out, None)?;
            continue;
        };
        let (item, rest) = parts
            .rest
            .split_at_checked(len)
            .ok_or_else(|| format!("Not enough bytes to read {i}th component"))?;
        parts.rest = rest;
        // Validated like the serializer does, but kept as sent.
        part(typ, item)?;
        put_bytes(out, Some(item))?;
    }
    if parts.rest.is_empty() {
        Ok(())
    } else {
        Err("Invalid remaining data after end of tuple value".to_owned())
    }
}

/// Vector elements: packed when fixed-size, else each after its unsigned-vint length.
fn vector(
    typ: &ColumnType,
    e: &ColumnType,
    parts: &mut Parts<'_>,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    let ColumnType::Vector { dimension, .. } = typ else {
        return Ok(());
    };
    // Cassandra 5's `VectorType` messages.
    let short = || format!("Not enough bytes to read a {typ}");
    let fixed = e.fixed_size();
    for _ in 0..*dimension {
        let item = match fixed {
            Some(size) => {
                let (item, rest) = parts.rest.split_at_checked(size).ok_or_else(short)?;
                parts.rest = rest;
                item
            }
            None => parts.vint_prefixed().ok_or_else(short)?,
        };
        let canonical = part(e, item)?;
        if fixed.is_none() {
            put_vint(out, canonical.len() as u64);
        }
        out.extend_from_slice(&canonical);
    }
    if parts.rest.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "Unexpected {} extraneous bytes after {typ} value",
            parts.rest.len()
        ))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
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
        assert_eq!(
            canonical(&typ, &value).unwrap().as_ref(),
            expected.as_slice()
        );
    }

    #[test]
    fn tuple_and_udt_values_are_kept_as_sent() {
        let typ = ColumnType::Tuple(vec![ColumnType::Int, text_set()]);
        let mut value = (-1i32).to_be_bytes().to_vec();
        let inner = set(&[b"z", b"y", b"z"]);
        value.extend_from_slice(&(inner.len() as i32).to_be_bytes());
        value.extend_from_slice(&inner);
        assert_eq!(canonical(&typ, &value).unwrap().as_ref(), value.as_slice());
        let udt = ColumnType::Udt {
            keyspace: "ks".into(),
            name: "u".into(),
            fields: vec![("a".into(), ColumnType::Int), ("s".into(), text_set())],
        };
        assert_eq!(canonical(&udt, &value).unwrap().as_ref(), value.as_slice());
        // Inside a collection too: a UDT element deserializes to its own bytes.
        let list = set(&[&value]);
        let udts = ColumnType::List(Box::new(udt));
        assert_eq!(canonical(&udts, &list).unwrap().as_ref(), list.as_slice());
        // But its parts are still validated.
        let bad = [0, 0, 0, 3, 1, 2, 3];
        assert_eq!(
            canonical(&typ, &bad).unwrap_err(),
            "Expected 4 or 0 byte int (3)"
        );
    }

    #[test]
    fn collection_scalars_take_their_canonical_form() {
        let inets = ColumnType::Set(Box::new(ColumnType::Inet));
        let mapped = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4];
        assert_eq!(
            canonical(&inets, &set(&[&mapped, &[1, 2, 3, 4]]))
                .unwrap()
                .as_ref(),
            set(&[&[1, 2, 3, 4]]).as_slice()
        );
        let varints = ColumnType::List(Box::new(ColumnType::Varint));
        assert_eq!(
            canonical(
                &varints,
                &set(&[&[0, 0, 1], &[0xff, 0xff, 0x80], &[0, 0x80]])
            )
            .unwrap()
            .as_ref(),
            set(&[&[1], &[0x80], &[0, 0x80]]).as_slice()
        );
        let bools = ColumnType::List(Box::new(ColumnType::Boolean));
        assert_eq!(
            canonical(&bools, &set(&[&[2], &[]])).unwrap().as_ref(),
            set(&[&[1], &[]]).as_slice()
        );
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
        assert_eq!(
            canonical(&typ, &value).unwrap().as_ref(),
            expected.as_slice()
        );
    }

    #[test]
    fn malformed_values_are_refused_with_cassandras_messages() {
        let typ = ColumnType::List(Box::new(text_set()));
        let refused = |typ: &ColumnType, v: &[u8]| canonical(typ, v).unwrap_err();
        assert_eq!(
            refused(&typ, &[0, 0, 0, 1, 0, 0, 0, 9, 1]),
            "Not enough bytes to read a list"
        );
        assert_eq!(
            refused(&typ, &[0, 0, 0, 0, 7]),
            "Unexpected extraneous bytes after list value"
        );
        let ints = ColumnType::Set(Box::new(ColumnType::Int));
        assert_eq!(
            refused(&ints, &set(&[&[1, 2, 3]])),
            "Expected 4 or 0 byte int (3)"
        );
        assert_eq!(
            refused(&ints, &[0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff]),
            "null is not supported inside collections"
        );
        let tuple = ColumnType::Tuple(vec![ColumnType::Int]);
        assert_eq!(
            refused(&tuple, &[0, 0, 0, 4, 0, 0, 0, 1, 9]),
            "Invalid remaining data after end of tuple value"
        );
        assert_eq!(
            refused(&tuple, &[0, 0, 0, 4, 0]),
            "Not enough bytes to read 0th component"
        );
        // Fewer components than the type has, and nulls, are fine.
        assert_eq!(canonical(&tuple, &[]).unwrap().as_ref(), &[] as &[u8]);
        let vector = ColumnType::Vector {
            element: Box::new(ColumnType::Text),
            dimension: 2,
        };
        assert_eq!(
            refused(&vector, &[1, b'a']),
            "Not enough bytes to read a vector<text, 2>"
        );
    }
}

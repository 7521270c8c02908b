//! Evaluating terms (constants, bind markers, collection/tuple/UDT literals, functions) into
//! serialized values for a receiver (a column, or a synthetic receiver such as `[limit]`).

use std::sync::OnceLock;

use bytes::{BufMut, Bytes, BytesMut};
use cassia_protocol::request::RawValue;
use cassia_protocol::response::ServerError;
use cassia_protocol::types::ColumnType;

use super::canonical::canonical;
use super::literal::{self, cql_type_name};
use crate::catalog::invalid;
use crate::cql::ast::{Literal, Term};
use crate::store::compare::{compare, elements, map_elements};
use crate::store::now_micros;

/// An evaluated term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Val {
    /// `null`.
    Null,
    /// An unset bound value (leaves the column untouched).
    Unset,
    /// A serialized value.
    Value(Bytes),
}

impl Val {
    /// The value bytes, if any.
    pub fn bytes(&self) -> Option<&Bytes> {
        match self {
            Val::Value(b) => Some(b),
            _ => None,
        }
    }
}

/// The bound values of one execution, by bind-marker index.
#[derive(Debug, Default)]
pub(crate) struct Binds<'a> {
    pub values: Vec<RawValue<'a>>,
}

/// Who receives a value: its name (for messages and bind specs) and type.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Receiver<'a> {
    pub name: &'a str,
    pub typ: &'a ColumnType,
}

/// Evaluates `term` for `recv`.
pub(crate) fn eval(term: &Term, recv: Receiver<'_>, binds: &Binds<'_>) -> Result<Val, ServerError> {
    match term {
        Term::Literal(Literal::Null) => Ok(Val::Null),
        Term::Literal(lit) => literal::serialize(lit, recv.name, recv.typ).map(Val::Value),
        Term::Bind(marker) => match binds.values.get(marker.index) {
            Some(RawValue::Null) => Ok(Val::Null),
            Some(RawValue::Unset) => Ok(Val::Unset),
            Some(RawValue::Value(v)) => {
                validate(recv.typ, v).map_err(invalid)?;
                canonical(recv.typ, v).map(Val::Value).map_err(invalid)
            }
            None => Err(invalid(format!(
                "There were {} markers(?) in CQL but {} bound variables",
                marker.index + 1,
                binds.values.len()
            ))),
        },
        Term::List(items) => match recv.typ {
            ColumnType::List(e) | ColumnType::Vector { element: e, .. } => {
                collection(items.iter().map(|t| (t, e.as_ref())), recv, binds, false)
            }
            // Lists.Literal.validateAssignableTo: only a list (or vector) takes `[...]`.
            _ => Err(literal_error("list", recv)),
        },
        Term::Set(items) => match recv.typ {
            ColumnType::Set(e) => set(items, e, recv, binds),
            _ => Err(literal_error("set", recv)),
        },
        Term::Map(entries) => match recv.typ {
            ColumnType::Map(k, v) => map(entries, k, v, recv, binds),
            ColumnType::Set(e) if entries.is_empty() => set(&[], e, recv, binds),
            ColumnType::List(_) if entries.is_empty() => Ok(Val::Value(empty_collection())),
            _ => Err(literal_error("map", recv)),
        },
        Term::Tuple(items) => match recv.typ {
            ColumnType::Tuple(types) if types.len() >= items.len() => {
                let mut out = BytesMut::new();
                for (t, typ) in items.iter().zip(types.iter()) {
                    put_component(
                        &mut out,
                        eval(
                            t,
                            Receiver {
                                name: recv.name,
                                typ,
                            },
                            binds,
                        )?,
                    );
                }
                Ok(Val::Value(out.freeze()))
            }
            ColumnType::Tuple(types) => Err(invalid(format!(
                "Invalid tuple literal for {}: too many elements. Type {} expects {} but got {}",
                recv.name,
                cql_type_name(recv.typ),
                types.len(),
                items.len()
            ))),
            _ => Err(invalid(format!(
                "Invalid tuple type literal for {} of type {}",
                recv.name,
                cql_type_name(recv.typ)
            ))),
        },
        Term::Udt(fields) => match recv.typ {
            ColumnType::Udt { fields: types, .. } => {
                for (name, _) in fields {
                    if !types.iter().any(|(n, _)| n == name) {
                        return Err(invalid(format!(
                            "Unknown field '{name}' in value of user defined type {}",
                            cql_type_name(recv.typ)
                        )));
                    }
                }
                let mut out = BytesMut::new();
                for (fname, ftyp) in types {
                    let v = match fields.iter().find(|(n, _)| n == fname) {
                        Some((_, t)) => eval(
                            t,
                            Receiver {
                                name: recv.name,
                                typ: ftyp,
                            },
                            binds,
                        )?,
                        None => Val::Null,
                    };
                    put_component(&mut out, v);
                }
                Ok(Val::Value(out.freeze()))
            }
            _ => Err(invalid(format!(
                "Invalid user type literal for {} of type {}",
                recv.name,
                cql_type_name(recv.typ)
            ))),
        },
        Term::Function { name, args } => super::functions::call(name, args, recv, binds),
        Term::Cast(_, inner) => eval(inner, recv, binds),
        Term::Negate(inner) => negate(eval(inner, recv, binds)?, recv),
    }
}

fn literal_error(kind: &str, recv: Receiver<'_>) -> ServerError {
    invalid(format!(
        "Invalid {kind} literal for {} of type {}",
        recv.name,
        cql_type_name(recv.typ)
    ))
}

fn empty_collection() -> Bytes {
    Bytes::from_static(&[0, 0, 0, 0])
}

fn put_component(out: &mut BytesMut, v: Val) {
    match v {
        Val::Value(b) => {
            out.put_i32(b.len() as i32);
            out.put_slice(&b);
        }
        _ => out.put_i32(-1),
    }
}

fn element(
    t: &Term,
    typ: &ColumnType,
    recv: Receiver<'_>,
    binds: &Binds<'_>,
) -> Result<Bytes, ServerError> {
    match eval(
        t,
        Receiver {
            name: recv.name,
            typ,
        },
        binds,
    )? {
        Val::Value(b) => Ok(b),
        Val::Null => Err(invalid("null is not supported inside collections")),
        Val::Unset => Err(invalid("unset value is not supported inside collections")),
    }
}

/// Serializes `[int n]` followed by each element as `[bytes]`.
pub(crate) fn encode_collection<I: IntoIterator<Item = B>, B: AsRef<[u8]>>(
    n: usize,
    items: I,
) -> Bytes {
    let mut out = BytesMut::new();
    out.put_i32(n as i32);
    for b in items {
        out.put_i32(b.as_ref().len() as i32);
        out.put_slice(b.as_ref());
    }
    out.freeze()
}

/// Serializes vector elements: packed when the element type has a fixed size, otherwise each
/// element preceded by its length as an unsigned vint (Cassandra 5.0's `VectorType`).
pub(crate) fn encode_vector<B: AsRef<[u8]>>(element: &ColumnType, items: &[B]) -> Bytes {
    let mut out = Vec::new();
    let prefixed = element.fixed_size().is_none();
    for item in items {
        let item = item.as_ref();
        if prefixed {
            literal::put_vint(&mut out, item.len() as u64);
        }
        out.extend_from_slice(item);
    }
    Bytes::from(out)
}

fn collection<'t>(
    items: impl Iterator<Item = (&'t Term, &'t ColumnType)>,
    recv: Receiver<'_>,
    binds: &Binds<'_>,
    _sorted: bool,
) -> Result<Val, ServerError> {
    let mut vals = Vec::new();
    for (t, typ) in items {
        vals.push(element(t, typ, recv, binds)?);
    }
    if let ColumnType::Vector { element, dimension } = recv.typ {
        if usize::try_from(*dimension).ok() != Some(vals.len()) {
            return Err(invalid(format!(
                "Invalid vector literal for {} of type {}; expected {dimension} elements, but given {}",
                recv.name,
                cql_type_name(recv.typ),
                vals.len()
            )));
        }
        return Ok(Val::Value(encode_vector(element, &vals)));
    }
    Ok(Val::Value(encode_collection(vals.len(), vals)))
}

fn set(
    items: &[Term],
    e: &ColumnType,
    recv: Receiver<'_>,
    binds: &Binds<'_>,
) -> Result<Val, ServerError> {
    let mut vals = Vec::with_capacity(items.len());
    for t in items {
        vals.push(element(t, e, recv, binds)?);
    }
    vals.sort_by(|a, b| compare(e, a, b));
    vals.dedup_by(|a, b| compare(e, a, b).is_eq());
    Ok(Val::Value(encode_collection(vals.len(), vals)))
}

fn map(
    entries: &[(Term, Term)],
    k: &ColumnType,
    v: &ColumnType,
    recv: Receiver<'_>,
    binds: &Binds<'_>,
) -> Result<Val, ServerError> {
    let mut vals: Vec<(Bytes, Bytes)> = Vec::with_capacity(entries.len());
    for (kt, vt) in entries {
        let key = element(kt, k, recv, binds)?;
        let value = element(vt, v, recv, binds)?;
        vals.push((key, value));
    }
    // Cassandra puts the entries into a sorted map one by one, so the last of equal keys wins.
    // A stable sort keeps equal keys in literal order; keeping the last of each run does the
    // same in O(n log n) (removing earlier duplicates on each insert was quadratic, seconds
    // for a 32k-entry literal).
    vals.sort_by(|a, b| compare(k, &a.0, &b.0));
    let mut deduped: Vec<(Bytes, Bytes)> = Vec::with_capacity(vals.len());
    for entry in vals {
        match deduped.last_mut() {
            Some(last) if compare(k, &last.0, &entry.0).is_eq() => *last = entry,
            _ => deduped.push(entry),
        }
    }
    let n = deduped.len();
    Ok(Val::Value(encode_collection(
        n,
        deduped.into_iter().flat_map(|(a, b)| [a, b]),
    )))
}

/// Re-serializes a bound set/map sorted and deduplicated, as Cassandra stores frozen ones.
pub(crate) fn normalize(typ: &ColumnType, v: Bytes) -> Bytes {
    match typ {
        ColumnType::Set(e) => {
            let mut items = elements(&v);
            items.sort_by(|a, b| compare(e, a, b));
            items.dedup_by(|a, b| compare(e, a, b).is_eq());
            encode_collection(items.len(), items)
        }
        ColumnType::Map(k, _) => {
            let flat = map_elements(&v);
            let mut pairs: Vec<(&[u8], &[u8])> =
                flat.chunks_exact(2).map(|c| (c[0], c[1])).collect();
            pairs.sort_by(|a, b| compare(k, a.0, b.0));
            pairs.dedup_by(|a, b| compare(k, a.0, b.0).is_eq());
            encode_collection(pairs.len(), pairs.into_iter().flat_map(|(a, b)| [a, b]))
        }
        _ => v,
    }
}

fn negate(v: Val, recv: Receiver<'_>) -> Result<Val, ServerError> {
    let Val::Value(b) = v else { return Ok(v) };
    let neg = match (recv.typ, b.len()) {
        (ColumnType::Int, 4) => i32::from_be_bytes(b[..].try_into().unwrap_or_default())
            .wrapping_neg()
            .to_be_bytes()
            .to_vec(),
        (ColumnType::BigInt | ColumnType::Counter, 8) => {
            i64::from_be_bytes(b[..].try_into().unwrap_or_default())
                .wrapping_neg()
                .to_be_bytes()
                .to_vec()
        }
        _ => {
            return Err(invalid(format!(
                "Cannot negate a value of type {}",
                cql_type_name(recv.typ)
            )));
        }
    };
    Ok(Val::Value(Bytes::from(neg)))
}

/// Validates a bound value's bytes (`AbstractType.validate`), with Cassandra's messages.
pub(crate) fn validate(typ: &ColumnType, v: &[u8]) -> Result<(), String> {
    let n = v.len();
    let ok = match typ {
        ColumnType::Int if n != 4 && n != 0 => {
            return Err(format!("Expected 4 or 0 byte int ({n})"));
        }
        ColumnType::BigInt | ColumnType::Counter if n != 8 && n != 0 => {
            return Err(format!("Expected 8 or 0 byte long ({n})"));
        }
        ColumnType::SmallInt if n != 2 && n != 0 => {
            return Err(format!("Expected 2 bytes for a smallint ({n})"));
        }
        ColumnType::TinyInt if n != 1 && n != 0 => {
            return Err(format!("Expected 1 byte for a tinyint ({n})"));
        }
        ColumnType::Float if n != 4 && n != 0 => {
            return Err(format!("Expected 4 or 0 byte value for a float ({n})"));
        }
        ColumnType::Double if n != 8 && n != 0 => {
            return Err(format!("Expected 8 or 0 byte value for a double ({n})"));
        }
        ColumnType::Boolean if n > 1 => return Err(format!("Expected 1 or 0 byte value ({n})")),
        ColumnType::Uuid | ColumnType::Timeuuid if n != 16 && n != 0 => {
            return Err(format!("UUID should be 16 or 0 bytes ({n})"));
        }
        ColumnType::Timeuuid if n == 16 && v.get(6).is_some_and(|b| b >> 4 != 1) => {
            return Err("Invalid version for TimeUUID type.".to_owned());
        }
        ColumnType::Timestamp if n != 8 && n != 0 => {
            return Err(format!("Expected 8 or 0 byte long for date ({n})"));
        }
        ColumnType::Date if n != 4 && n != 0 => {
            return Err(format!("Expected 4 byte long for date ({n})"));
        }
        ColumnType::Time if n != 8 && n != 0 => {
            return Err(format!("Expected 8 byte long for time ({n})"));
        }
        ColumnType::Text => std::str::from_utf8(v).is_ok(),
        ColumnType::Ascii => v.is_ascii(),
        ColumnType::Inet if n != 4 && n != 16 && n != 0 => {
            return Err(format!("Expected 4 or 16 byte inetaddress; got {n} bytes"));
        }
        _ => true,
    };
    if ok {
        Ok(())
    } else if matches!(typ, ColumnType::Ascii) {
        Err("Invalid byte for ascii".to_owned())
    } else {
        Err("String didn't validate.".to_owned())
    }
}

/// A fresh version-1 (time-based) UUID for `now()`, unique per call.
pub(crate) fn timeuuid_now() -> Bytes {
    // Journaled whole: the node part is random per process.
    let id = crate::durability::tape::uuid(|| {
        let b = timeuuid_at_micros(now_micros());
        uuid::Uuid::from_slice(&b).unwrap_or_default()
    });
    Bytes::copy_from_slice(id.as_bytes())
}

/// A version-1 UUID for a time in microseconds since the epoch.
pub(crate) fn timeuuid_at_micros(micros: i64) -> Bytes {
    static NODE: OnceLock<[u8; 8]> = OnceLock::new();
    let node = NODE.get_or_init(|| {
        let r = uuid::Uuid::new_v4();
        let mut n = [0u8; 8];
        n.copy_from_slice(&r.as_bytes()[8..16]);
        n[0] = (n[0] & 0x3f) | 0x80;
        n
    });
    let ts = (micros as u64)
        .wrapping_mul(10)
        .wrapping_add(0x01B2_1DD2_1381_4000);
    let mut out = [0u8; 16];
    out[0..4].copy_from_slice(&((ts & 0xffff_ffff) as u32).to_be_bytes());
    out[4..6].copy_from_slice(&(((ts >> 32) & 0xffff) as u16).to_be_bytes());
    out[6..8].copy_from_slice(&((((ts >> 48) & 0x0fff) as u16) | 0x1000).to_be_bytes());
    out[8..16].copy_from_slice(node);
    Bytes::copy_from_slice(&out)
}

/// Milliseconds since the epoch embedded in a version-1 UUID.
pub(crate) fn timeuuid_millis(u: &[u8]) -> Option<i64> {
    let msb = u64::from_be_bytes(u.get(0..8)?.try_into().ok()?);
    let ts = ((msb & 0x0FFF) << 48) | (((msb >> 16) & 0xFFFF) << 32) | (msb >> 32);
    Some((ts as i64 - 0x01B2_1DD2_1381_4000) / 10_000)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn lit_int(v: i32) -> Term {
        Term::Literal(Literal::Integer(v.to_string()))
    }

    #[test]
    fn sets_are_sorted_and_deduplicated() {
        let typ = ColumnType::Set(Box::new(ColumnType::Int));
        let v = eval(
            &Term::Set(vec![lit_int(3), lit_int(-1), lit_int(3)]),
            Receiver {
                name: "s",
                typ: &typ,
            },
            &Binds::default(),
        )
        .unwrap();
        let b = v.bytes().unwrap().clone();
        assert_eq!(
            elements(&b),
            vec![&(-1i32).to_be_bytes()[..], &3i32.to_be_bytes()[..]]
        );
    }

    #[test]
    fn bound_values_are_validated_and_null_in_collections_rejected() {
        let binds = Binds {
            values: vec![RawValue::Value(&[1, 2, 3])],
        };
        let m = Term::Bind(crate::cql::ast::BindMarker {
            index: 0,
            name: None,
        });
        let err = eval(
            &m,
            Receiver {
                name: "v",
                typ: &ColumnType::Int,
            },
            &binds,
        )
        .unwrap_err();
        assert_eq!(err.message, "Expected 4 or 0 byte int (3)");
        let typ = ColumnType::List(Box::new(ColumnType::Int));
        let err = eval(
            &Term::List(vec![Term::Literal(Literal::Null)]),
            Receiver {
                name: "l",
                typ: &typ,
            },
            &Binds::default(),
        )
        .unwrap_err();
        assert_eq!(err.message, "null is not supported inside collections");
    }

    #[test]
    fn map_literals_keep_the_last_of_equal_keys() {
        let typ = ColumnType::Map(Box::new(ColumnType::Int), Box::new(ColumnType::Int));
        let entries = vec![
            (lit_int(2), lit_int(20)),
            (lit_int(1), lit_int(10)),
            (lit_int(2), lit_int(21)),
        ];
        let v = eval(
            &Term::Map(entries),
            Receiver {
                name: "m",
                typ: &typ,
            },
            &Binds::default(),
        )
        .unwrap();
        let flat: Vec<Vec<u8>> = map_elements(v.bytes().unwrap())
            .into_iter()
            .map(<[u8]>::to_vec)
            .collect();
        let want: Vec<Vec<u8>> = [1i32, 10, 2, 21]
            .iter()
            .map(|i| i.to_be_bytes().to_vec())
            .collect();
        assert_eq!(flat, want);
    }

    /// A 65,535-entry map literal in one simple QUERY (the size Cassandra's drivers cap
    /// collections at). Building it once removed earlier duplicates on every insert, which was
    /// quadratic; this guards the result, the speed is for benchmarks.
    #[test]
    fn a_65535_entry_map_literal_is_written_whole() {
        use crate::engine::tests::{cells, engine, q, rows};
        let (e, mut c) = engine();
        q(
            &e,
            &mut c,
            "CREATE TABLE big (k int PRIMARY KEY, m map<int, int>)",
        );
        let entries: Vec<String> = (0..65_535).map(|i| format!("{i}: {i}")).collect();
        let insert = format!(
            "INSERT INTO big (k, m) VALUES (1, {{{}}})",
            entries.join(", ")
        );
        q(&e, &mut c, &insert);
        let o = q(&e, &mut c, "SELECT m FROM big WHERE k = 1");
        let r = rows(&o);
        assert_eq!(r.row_count, 1);
        let m = cells(r).remove(0).remove(0).unwrap();
        assert_eq!(map_elements(&m).len(), 2 * 65_535);
        assert_eq!(&m[..4], &65_535i32.to_be_bytes());
    }

    #[test]
    fn timeuuids_carry_their_time() {
        let u = timeuuid_at_micros(1_700_000_000_123_000);
        assert_eq!(timeuuid_millis(&u), Some(1_700_000_000_123));
        assert_eq!(u[6] >> 4, 1);
    }
}

//! Lists, sets, maps and vectors: `Vec<T>`, slices and arrays (list, set or vector),
//! `HashSet`/`BTreeSet` (set or list), `HashMap`/`BTreeMap` (map).
//!
//! Elements are never null (the protocol has no null elements), so an `Option` element that
//! is `None` fails to serialize. A null collection cell is an error for these types like any
//! other null: note that Cassandra returns an empty non-frozen collection as null, so such
//! columns are usually read as `Option<Vec<T>>`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasher, Hash};

use super::{DeserializeValue, SerializeValue, not_null, write_value};
use crate::types::ColumnType;
use crate::value::error::{DeserializeError, SerializeError};
use crate::value::nested::{
    Elements, into_vector_element, reject_null_element, vector_elements, write_count,
};

/// Which collection types a Rust sequence can be written as.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Accepts {
    /// list, set or vector (`Vec`, slices, arrays).
    Sequence,
    /// set or list (`HashSet`, `BTreeSet`).
    Set,
}

impl Accepts {
    fn expected(self) -> &'static str {
        match self {
            Accepts::Sequence => "list, set or vector",
            Accepts::Set => "set or list",
        }
    }

    /// The element type, if `typ` is a collection this Rust type can be.
    fn element(self, typ: &ColumnType) -> Option<&ColumnType> {
        match (typ, self) {
            (ColumnType::List(e) | ColumnType::Set(e), _) => Some(e),
            (ColumnType::Vector { element, .. }, Accepts::Sequence) => Some(element),
            _ => None,
        }
    }
}

fn serialize_sequence<'a, T: SerializeValue + 'a>(
    rust_type: &'static str,
    accepts: Accepts,
    typ: &ColumnType,
    out: &mut Vec<u8>,
    len: usize,
    items: impl IntoIterator<Item = &'a T>,
) -> Result<(), SerializeError> {
    match typ {
        ColumnType::Vector { element, dimension } if accepts == Accepts::Sequence => {
            if len != *dimension as usize {
                return Err(SerializeError::invalid(
                    typ,
                    format!("{len} elements for dimension {dimension}"),
                ));
            }
            write_value(typ, out, |out| {
                for item in items {
                    let start = out.len();
                    item.serialize_value(element, out)?;
                    into_vector_element(typ, element, out, start)?;
                }
                Ok(())
            })
        }
        ColumnType::List(element) | ColumnType::Set(element) => write_value(typ, out, |out| {
            write_count(typ, out, len)?;
            for item in items {
                let start = out.len();
                item.serialize_value(element, out)?;
                reject_null_element(typ, out, start)?;
            }
            Ok(())
        }),
        _ => Err(SerializeError::mismatch(rust_type, accepts.expected(), typ)),
    }
}

fn check_sequence<T: DeserializeValue>(
    rust_type: &'static str,
    accepts: Accepts,
    typ: &ColumnType,
) -> Result<(), DeserializeError> {
    match accepts.element(typ) {
        Some(element) => T::type_check(element),
        None => Err(DeserializeError::mismatch(
            rust_type,
            accepts.expected(),
            typ,
        )),
    }
}

/// Decodes the elements of a list, set or vector into `C`.
fn deserialize_sequence<T: DeserializeValue, C: Extend<T>>(
    rust_type: &'static str,
    accepts: Accepts,
    typ: &ColumnType,
    bytes: Option<&[u8]>,
    with_capacity: impl FnOnce(usize) -> C,
) -> Result<C, DeserializeError> {
    check_sequence::<T>(rust_type, accepts, typ)?;
    let bytes = not_null(rust_type, typ, bytes)?;
    match typ {
        ColumnType::Vector { element, dimension } => {
            // Fixed-size elements (float embeddings) are read straight from the value's
            // bytes into `C`: one copy, no list of element slices in between.
            if let Some(size) = element.fixed_size().filter(|s| *s > 0) {
                let expected = size.saturating_mul(*dimension as usize);
                if bytes.len() != expected {
                    return Err(DeserializeError::malformed(
                        typ,
                        format!("expected {expected} bytes, got {}", bytes.len()),
                    ));
                }
                let mut out = with_capacity(*dimension as usize);
                for part in bytes.chunks_exact(size) {
                    out.extend(Some(T::deserialize_value(element, Some(part))?));
                }
                return Ok(out);
            }
            let parts = vector_elements(typ, element, *dimension, bytes)?;
            let mut out = with_capacity(parts.len());
            for part in parts {
                out.extend(Some(T::deserialize_value(element, Some(part))?));
            }
            Ok(out)
        }
        ColumnType::List(element) | ColumnType::Set(element) => {
            let mut items = Elements::new(typ, bytes, 1)?;
            let mut out = with_capacity(items.len());
            while let Some(item) = items.next_element()? {
                out.extend(Some(T::deserialize_value(element, Some(item))?));
            }
            items.finish()?;
            Ok(out)
        }
        _ => Err(DeserializeError::mismatch(
            rust_type,
            accepts.expected(),
            typ,
        )),
    }
}

impl<T: SerializeValue> SerializeValue for [T] {
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        let name = std::any::type_name::<Self>();
        serialize_sequence(name, Accepts::Sequence, typ, out, self.len(), self)
    }
}

impl<T: SerializeValue> SerializeValue for Vec<T> {
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        self.as_slice().serialize_value(typ, out)
    }
}

impl<T: SerializeValue, const N: usize> SerializeValue for [T; N] {
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        self.as_slice().serialize_value(typ, out)
    }
}

impl<T: DeserializeValue> DeserializeValue for Vec<T> {
    fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
        check_sequence::<T>(std::any::type_name::<Self>(), Accepts::Sequence, typ)
    }

    fn deserialize_value(typ: &ColumnType, bytes: Option<&[u8]>) -> Result<Self, DeserializeError> {
        let name = std::any::type_name::<Self>();
        deserialize_sequence(name, Accepts::Sequence, typ, bytes, Vec::with_capacity)
    }
}

/// Reads a vector of dimension `N`, or a list or set of exactly `N` elements.
impl<T: DeserializeValue, const N: usize> DeserializeValue for [T; N] {
    fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
        if let ColumnType::Vector { dimension, .. } = typ
            && *dimension as usize != N
        {
            return Err(DeserializeError::mismatch(
                std::any::type_name::<Self>(),
                "a vector of that dimension, a list or a set",
                typ,
            ));
        }
        check_sequence::<T>(std::any::type_name::<Self>(), Accepts::Sequence, typ)
    }

    fn deserialize_value(typ: &ColumnType, bytes: Option<&[u8]>) -> Result<Self, DeserializeError> {
        Self::type_check(typ)?;
        let items = Vec::<T>::deserialize_value(typ, bytes)?;
        let len = items.len();
        <[T; N]>::try_from(items).map_err(|_| {
            DeserializeError::malformed(typ, format!("{len} elements where {N} were expected"))
        })
    }
}

impl<T: SerializeValue, S> SerializeValue for HashSet<T, S> {
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        let name = std::any::type_name::<Self>();
        serialize_sequence(name, Accepts::Set, typ, out, self.len(), self)
    }
}

impl<T: SerializeValue> SerializeValue for BTreeSet<T> {
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        let name = std::any::type_name::<Self>();
        serialize_sequence(name, Accepts::Set, typ, out, self.len(), self)
    }
}

impl<T, S> DeserializeValue for HashSet<T, S>
where
    T: DeserializeValue + Eq + Hash,
    S: BuildHasher + Default,
{
    fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
        check_sequence::<T>(std::any::type_name::<Self>(), Accepts::Set, typ)
    }

    fn deserialize_value(typ: &ColumnType, bytes: Option<&[u8]>) -> Result<Self, DeserializeError> {
        let name = std::any::type_name::<Self>();
        deserialize_sequence(name, Accepts::Set, typ, bytes, |n| {
            HashSet::with_capacity_and_hasher(n, S::default())
        })
    }
}

impl<T: DeserializeValue + Ord> DeserializeValue for BTreeSet<T> {
    fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
        check_sequence::<T>(std::any::type_name::<Self>(), Accepts::Set, typ)
    }

    fn deserialize_value(typ: &ColumnType, bytes: Option<&[u8]>) -> Result<Self, DeserializeError> {
        let name = std::any::type_name::<Self>();
        deserialize_sequence(name, Accepts::Set, typ, bytes, |_| BTreeSet::new())
    }
}

fn serialize_map<'a, K: SerializeValue + 'a, V: SerializeValue + 'a>(
    rust_type: &'static str,
    typ: &ColumnType,
    out: &mut Vec<u8>,
    len: usize,
    entries: impl IntoIterator<Item = (&'a K, &'a V)>,
) -> Result<(), SerializeError> {
    let ColumnType::Map(key_type, value_type) = typ else {
        return Err(SerializeError::mismatch(rust_type, "map", typ));
    };
    write_value(typ, out, |out| {
        write_count(typ, out, len)?;
        for (k, v) in entries {
            let start = out.len();
            k.serialize_value(key_type, out)?;
            reject_null_element(typ, out, start)?;
            let start = out.len();
            v.serialize_value(value_type, out)?;
            reject_null_element(typ, out, start)?;
        }
        Ok(())
    })
}

fn check_map<K: DeserializeValue, V: DeserializeValue>(
    rust_type: &'static str,
    typ: &ColumnType,
) -> Result<(), DeserializeError> {
    let ColumnType::Map(key_type, value_type) = typ else {
        return Err(DeserializeError::mismatch(rust_type, "map", typ));
    };
    K::type_check(key_type)?;
    V::type_check(value_type)
}

fn deserialize_map<K: DeserializeValue, V: DeserializeValue, C: Extend<(K, V)>>(
    rust_type: &'static str,
    typ: &ColumnType,
    bytes: Option<&[u8]>,
    with_capacity: impl FnOnce(usize) -> C,
) -> Result<C, DeserializeError> {
    let ColumnType::Map(key_type, value_type) = typ else {
        return Err(DeserializeError::mismatch(rust_type, "map", typ));
    };
    K::type_check(key_type)?;
    V::type_check(value_type)?;
    let bytes = not_null(rust_type, typ, bytes)?;
    let mut items = Elements::new(typ, bytes, 2)?;
    let mut out = with_capacity(items.len() / 2);
    while let Some(key) = items.next_element()? {
        let value = items
            .next_element()?
            .ok_or_else(|| DeserializeError::malformed(typ, "key without value"))?;
        let entry = (
            K::deserialize_value(key_type, Some(key))?,
            V::deserialize_value(value_type, Some(value))?,
        );
        out.extend(Some(entry));
    }
    items.finish()?;
    Ok(out)
}

impl<K: SerializeValue, V: SerializeValue, S> SerializeValue for HashMap<K, V, S> {
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        serialize_map(std::any::type_name::<Self>(), typ, out, self.len(), self)
    }
}

impl<K: SerializeValue, V: SerializeValue> SerializeValue for BTreeMap<K, V> {
    fn serialize_value(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        serialize_map(std::any::type_name::<Self>(), typ, out, self.len(), self)
    }
}

impl<K, V, S> DeserializeValue for HashMap<K, V, S>
where
    K: DeserializeValue + Eq + Hash,
    V: DeserializeValue,
    S: BuildHasher + Default,
{
    fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
        check_map::<K, V>(std::any::type_name::<Self>(), typ)
    }

    fn deserialize_value(typ: &ColumnType, bytes: Option<&[u8]>) -> Result<Self, DeserializeError> {
        deserialize_map(std::any::type_name::<Self>(), typ, bytes, |n| {
            HashMap::with_capacity_and_hasher(n, S::default())
        })
    }
}

impl<K: DeserializeValue + Ord, V: DeserializeValue> DeserializeValue for BTreeMap<K, V> {
    fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
        check_map::<K, V>(std::any::type_name::<Self>(), typ)
    }

    fn deserialize_value(typ: &ColumnType, bytes: Option<&[u8]>) -> Result<Self, DeserializeError> {
        deserialize_map(std::any::type_name::<Self>(), typ, bytes, |_| {
            BTreeMap::new()
        })
    }
}

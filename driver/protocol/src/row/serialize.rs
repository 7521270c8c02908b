//! [`SerializeRow`]: a statement's bound values from a Rust value, given the statement's bind
//! markers (the `ColumnSpec`s of a Prepared result).
//!
//! Positional forms (tuples, slices, `Vec`, arrays) must supply exactly one value per bind
//! marker. Named forms (`HashMap<&str, V>`, `BTreeMap`, [`NamedValues`]) are matched to the
//! markers by name and written positionally in marker order, which EXECUTE and QUERY both
//! accept; a marker without a value, or a value without a marker, is an error (use
//! `Unset` to leave a column untouched).

use std::borrow::{Borrow, Cow};
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};

use super::SerializeRowError;
use crate::request::SerializedValues;
use crate::response::ColumnSpec;
use crate::value::SerializeValue;

/// A Rust value that supplies all bound values of a statement.
pub trait SerializeRow {
    /// Appends one `[value]` per bind marker in `columns` to `out`.
    ///
    /// On error `out` is left as it was.
    fn serialize_row(
        &self,
        columns: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeRowError>;

    /// Whether this supplies no values at all (lets a driver skip preparing a statement
    /// that has none).
    fn is_empty(&self) -> bool;
}

/// Serializes `row` for a statement with bind markers `columns` into a new buffer.
pub fn serialize_values<R: SerializeRow + ?Sized>(
    row: &R,
    columns: &[ColumnSpec],
) -> Result<SerializedValues, SerializeRowError> {
    let mut out = SerializedValues::new();
    row.serialize_row(columns, &mut out)?;
    Ok(out)
}

/// Appends one positional value for the bind marker `column` (at position `index`), naming
/// the marker in any error. On error `out` is left as it was.
///
/// The building block of [`SerializeRow`] impls, including derived ones.
pub fn write_bound_value<V: SerializeValue + ?Sized>(
    out: &mut SerializedValues,
    index: usize,
    column: &ColumnSpec,
    value: &V,
) -> Result<(), SerializeRowError> {
    if out.named {
        if out.count > 0 {
            return Err(SerializeRowError::MixedNamedAndPositional);
        }
        out.named = false;
    }
    let count = out
        .count
        .checked_add(1)
        .ok_or(SerializeRowError::TooManyValues {
            count: usize::from(u16::MAX) + 1,
        })?;
    let start = out.bytes.len();
    if let Err(e) = value.serialize_value(&column.typ, &mut out.bytes) {
        out.bytes.truncate(start);
        return Err(SerializeRowError::value(index, column, e));
    }
    out.count = count;
    Ok(())
}

/// Runs `write`, restoring `out` to its previous state if it fails.
fn all_or_nothing(
    out: &mut SerializedValues,
    write: impl FnOnce(&mut SerializedValues) -> Result<(), SerializeRowError>,
) -> Result<(), SerializeRowError> {
    let (count, len, named) = (out.count, out.bytes.len(), out.named);
    let result = write(out);
    if result.is_err() {
        out.count = count;
        out.bytes.truncate(len);
        out.named = named;
    }
    result
}

fn check_count(columns: &[ColumnSpec], actual: usize) -> Result<(), SerializeRowError> {
    if columns.len() == actual {
        Ok(())
    } else {
        Err(SerializeRowError::ValueCount {
            expected: columns.len(),
            actual,
        })
    }
}

impl<V: SerializeValue> SerializeRow for [V] {
    fn serialize_row(
        &self,
        columns: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeRowError> {
        check_count(columns, self.len())?;
        all_or_nothing(out, |out| {
            for (index, (column, value)) in columns.iter().zip(self).enumerate() {
                write_bound_value(out, index, column, value)?;
            }
            Ok(())
        })
    }

    fn is_empty(&self) -> bool {
        <[V]>::is_empty(self)
    }
}

impl<V: SerializeValue> SerializeRow for Vec<V> {
    fn serialize_row(
        &self,
        columns: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeRowError> {
        self.as_slice().serialize_row(columns, out)
    }

    fn is_empty(&self) -> bool {
        Vec::is_empty(self)
    }
}

impl<V: SerializeValue, const N: usize> SerializeRow for [V; N] {
    fn serialize_row(
        &self,
        columns: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeRowError> {
        self.as_slice().serialize_row(columns, out)
    }

    fn is_empty(&self) -> bool {
        N == 0
    }
}

impl<R: SerializeRow + ?Sized> SerializeRow for &R {
    fn serialize_row(
        &self,
        columns: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeRowError> {
        (**self).serialize_row(columns, out)
    }

    fn is_empty(&self) -> bool {
        (**self).is_empty()
    }
}

/// No values, for statements without bind markers.
impl SerializeRow for () {
    fn serialize_row(
        &self,
        columns: &[ColumnSpec],
        _out: &mut SerializedValues,
    ) -> Result<(), SerializeRowError> {
        check_count(columns, 0)
    }

    fn is_empty(&self) -> bool {
        true
    }
}

macro_rules! tuple_rows {
    ($(($($name:ident $idx:tt),+))+) => {$(
        impl<$($name: SerializeValue),+> SerializeRow for ($($name,)+) {
            fn serialize_row(
                &self,
                columns: &[ColumnSpec],
                out: &mut SerializedValues,
            ) -> Result<(), SerializeRowError> {
                check_count(columns, [$($idx),+].len())?;
                all_or_nothing(out, |out| {
                    let mut columns = columns.iter();
                    $(
                        if let Some(column) = columns.next() {
                            write_bound_value(out, $idx, column, &self.$idx)?;
                        }
                    )+
                    Ok(())
                })
            }

            fn is_empty(&self) -> bool {
                false
            }
        }
    )+};
}

tuple_rows! {
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
    (A 0, B 1, C 2, D 3, E 4, F 5)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14, P 15)
}

/// Writes named values in bind-marker order. `lookup` finds the value for a marker name;
/// `names` lists every name given, to report those that match no marker.
fn serialize_named<'v, 'n>(
    columns: &[ColumnSpec],
    out: &mut SerializedValues,
    names: impl IntoIterator<Item = &'n str>,
    lookup: impl Fn(&str) -> Option<&'v dyn SerializeValue>,
) -> Result<(), SerializeRowError> {
    if let Some(unknown) = names
        .into_iter()
        .find(|n| !columns.iter().any(|c| c.name == *n))
    {
        return Err(SerializeRowError::UnknownName {
            name: unknown.to_owned(),
        });
    }
    all_or_nothing(out, |out| {
        for (index, column) in columns.iter().enumerate() {
            let value = lookup(&column.name).ok_or_else(|| SerializeRowError::MissingValue {
                column: Box::new(super::ColumnRef::new(index, column)),
            })?;
            write_bound_value(out, index, column, value)?;
        }
        Ok(())
    })
}

/// Values by bind marker name (`:name`, or the column name for `?` markers).
impl<K, V, S> SerializeRow for HashMap<K, V, S>
where
    K: Borrow<str> + Eq + Hash,
    V: SerializeValue,
    S: BuildHasher,
{
    fn serialize_row(
        &self,
        columns: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeRowError> {
        serialize_named(columns, out, self.keys().map(Borrow::borrow), |name| {
            self.get(name).map(|v| v as &dyn SerializeValue)
        })
    }

    fn is_empty(&self) -> bool {
        HashMap::is_empty(self)
    }
}

/// Values by bind marker name, like the `HashMap` form.
impl<K: Borrow<str> + Ord, V: SerializeValue> SerializeRow for BTreeMap<K, V> {
    fn serialize_row(
        &self,
        columns: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeRowError> {
        serialize_named(columns, out, self.keys().map(Borrow::borrow), |name| {
            self.get(name).map(|v| v as &dyn SerializeValue)
        })
    }

    fn is_empty(&self) -> bool {
        BTreeMap::is_empty(self)
    }
}

/// Named values of mixed Rust types, matched to bind markers by name:
/// `NamedValues::new().with("id", 7).with("name", "ada")`.
///
/// `Send` and `Sync` (the values must be too), so a future holding it can be spawned on a
/// multi-threaded runtime.
#[derive(Default)]
pub struct NamedValues<'a> {
    entries: Vec<(Cow<'a, str>, Box<dyn SerializeValue + Send + Sync + 'a>)>,
}

impl std::fmt::Debug for NamedValues<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.entries.iter().map(|(name, _)| name))
            .finish()
    }
}

impl<'a> NamedValues<'a> {
    /// No values yet.
    pub fn new() -> Self {
        NamedValues::default()
    }

    /// Adds (or replaces) the value for bind marker `name`.
    pub fn with(
        mut self,
        name: impl Into<Cow<'a, str>>,
        value: impl SerializeValue + Send + Sync + 'a,
    ) -> Self {
        self.push(name, value);
        self
    }

    /// Adds (or replaces) the value for bind marker `name`.
    pub fn push(
        &mut self,
        name: impl Into<Cow<'a, str>>,
        value: impl SerializeValue + Send + Sync + 'a,
    ) {
        let name = name.into();
        let value: Box<dyn SerializeValue + Send + Sync + 'a> = Box::new(value);
        match self.entries.iter_mut().find(|(n, _)| *n == name) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((name, value)),
        }
    }
}

impl SerializeRow for NamedValues<'_> {
    fn serialize_row(
        &self,
        columns: &[ColumnSpec],
        out: &mut SerializedValues,
    ) -> Result<(), SerializeRowError> {
        serialize_named(
            columns,
            out,
            self.entries.iter().map(|(n, _)| n.as_ref()),
            |name| {
                self.entries
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.as_ref() as &dyn SerializeValue)
            },
        )
    }

    fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

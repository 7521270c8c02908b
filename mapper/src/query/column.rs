//! Typed columns and the conditions built from them.
//!
//! `#[derive(Model)]` emits one [`Column<M, T>`] constant per field, carrying the model and
//! the field's Rust type, so `User::AGE.gt(30)` type-checks and `User::AGE.eq("x")` does
//! not. Values are serialized when the condition is built, with the column's CQL type from
//! the model's schema; a failure is kept and reported by the statement's `build()`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::marker::PhantomData;

use cassia_protocol::types::ColumnType;
use cassia_protocol::value::{SerializeError, SerializeValue};

use crate::model::Model;
use crate::schema::ClusteringOrder;

/// A column of model `M` whose values are `T`.
pub struct Column<M, T> {
    name: &'static str,
    index: usize,
    _types: PhantomData<fn() -> (M, T)>,
}

impl<M, T> Clone for Column<M, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M, T> Copy for Column<M, T> {}

impl<M, T> std::fmt::Debug for Column<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Column")
            .field("name", &self.name)
            .field("index", &self.index)
            .finish()
    }
}

impl<M, T> Column<M, T> {
    /// Used by the derive.
    #[doc(hidden)]
    pub const fn __new(name: &'static str, index: usize) -> Self {
        Column {
            name,
            index,
            _types: PhantomData,
        }
    }

    /// The CQL column name.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// Position in the model's schema.
    pub const fn index(&self) -> usize {
        self.index
    }

    /// The column of the same name in model `N`: how a polymorphic base model is queried
    /// with its variants' typed columns (`LikeNotification::USER.on::<Notification>()`).
    /// If `N` has no such column, conditions on it refer to a column the server will
    /// reject by name.
    pub fn on<N: Model>(self) -> Column<N, T> {
        let index = N::schema()
            .columns
            .iter()
            .position(|c| c.name == self.name)
            .unwrap_or(usize::MAX);
        Column {
            name: self.name,
            index,
            _types: PhantomData,
        }
    }
}

/// A Rust value that can be compared with, or written to, a column of type `T`: `T` itself,
/// plus conveniences (`&str` for text, a plain value for an `Option` column).
#[diagnostic::on_unimplemented(
    message = "a `{Self}` cannot be bound to a column of type `{T}`",
    label = "expected a value of the column's type `{T}`"
)]
pub trait Bindable<T> {
    /// Appends the value as a `[value]` of CQL type `typ`.
    fn write(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError>;
}

impl<T: SerializeValue> Bindable<T> for T {
    fn write(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        self.serialize_value(typ, out)
    }
}

impl Bindable<String> for &str {
    fn write(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        self.serialize_value(typ, out)
    }
}

impl Bindable<Option<String>> for &str {
    fn write(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        self.serialize_value(typ, out)
    }
}

impl<T: SerializeValue> Bindable<Option<T>> for T {
    fn write(&self, typ: &ColumnType, out: &mut Vec<u8>) -> Result<(), SerializeError> {
        self.serialize_value(typ, out)
    }
}

/// Column types whose values can be searched with `CONTAINS` (lists and sets: elements;
/// maps: values).
pub trait Collection {
    /// The element (or map value) type.
    type Element;
}

/// Map column types (`CONTAINS KEY`, `put`, `remove_keys`).
pub trait MapCollection: Collection {
    /// The key type.
    type Key;
}

/// List column types (`append`, `prepend`, `set_at`).
pub trait ListCollection: Collection {}

/// Set column types (`add`).
pub trait SetCollection: Collection {}

impl<E> Collection for Vec<E> {
    type Element = E;
}
impl<E> ListCollection for Vec<E> {}
impl<E, S> Collection for HashSet<E, S> {
    type Element = E;
}
impl<E, S> SetCollection for HashSet<E, S> {}
impl<E> Collection for BTreeSet<E> {
    type Element = E;
}
impl<E> SetCollection for BTreeSet<E> {}
impl<K, V, S> Collection for HashMap<K, V, S> {
    type Element = V;
}
impl<K, V, S> MapCollection for HashMap<K, V, S> {
    type Key = K;
}
impl<K, V> Collection for BTreeMap<K, V> {
    type Element = V;
}
impl<K, V> MapCollection for BTreeMap<K, V> {
    type Key = K;
}
impl<C: Collection> Collection for Option<C> {
    type Element = C::Element;
}
impl<C: MapCollection> MapCollection for Option<C> {
    type Key = C::Key;
}
impl<C: ListCollection> ListCollection for Option<C> {}
impl<C: SetCollection> SetCollection for Option<C> {}

/// A relation operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Operator {
    /// `=`.
    Eq,
    /// `!=` (conditions only).
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `IN`.
    In,
    /// `CONTAINS`.
    Contains,
    /// `CONTAINS KEY`.
    ContainsKey,
}

impl Operator {
    /// The CQL spelling.
    pub fn as_cql(self) -> &'static str {
        match self {
            Operator::Eq => "=",
            Operator::Ne => "!=",
            Operator::Lt => "<",
            Operator::Le => "<=",
            Operator::Gt => ">",
            Operator::Ge => ">=",
            Operator::In => "IN",
            Operator::Contains => "CONTAINS",
            Operator::ContainsKey => "CONTAINS KEY",
        }
    }

    /// Whether this is `<`, `<=`, `>` or `>=`.
    pub fn is_range(self) -> bool {
        matches!(
            self,
            Operator::Lt | Operator::Le | Operator::Gt | Operator::Ge
        )
    }
}

/// What a condition restricts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// A column, by schema position.
    Column(usize),
    /// `token(partition key)`.
    Token,
}

/// A relation on a column of model `M`: `User::AGE.gt(30)`.
#[derive(Debug)]
pub struct Condition<M> {
    pub(crate) target: Target,
    pub(crate) name: &'static str,
    pub(crate) op: Operator,
    /// One `[value]` per bind marker, or why a value could not be serialized.
    pub(crate) values: Result<Vec<Vec<u8>>, SerializeError>,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for Condition<M> {
    fn clone(&self) -> Self {
        Condition {
            target: self.target,
            name: self.name,
            op: self.op,
            values: self.values.clone(),
            _model: PhantomData,
        }
    }
}

impl<M> Condition<M> {
    /// A relation with values already serialized.
    pub(crate) fn raw(
        index: usize,
        name: &'static str,
        op: Operator,
        values: Result<Vec<Vec<u8>>, SerializeError>,
    ) -> Self {
        Condition {
            target: Target::Column(index),
            name,
            op,
            values,
            _model: PhantomData,
        }
    }

    /// `discriminator = 'value'` for a variant of a polymorphic model.
    pub(crate) fn discriminator(index: usize, name: &'static str, value: &'static str) -> Self {
        Condition {
            target: Target::Column(index),
            name,
            op: Operator::Eq,
            values: encode::<String, &str>(&value, &ColumnType::Text).map(|v| vec![v]),
            _model: PhantomData,
        }
    }
}

/// The wire type of column `index` of `M` (unknown index: blob, never reached for derived
/// columns).
pub(crate) fn column_type<M: Model>(index: usize) -> ColumnType {
    M::schema()
        .columns
        .get(index)
        .map(|c| {
            c.cql_type
                .to_column_type(M::schema().keyspace.as_deref().unwrap_or(""))
        })
        .unwrap_or(ColumnType::Blob)
}

/// Serializes one bindable value as `typ`.
pub(crate) fn encode<T, V: Bindable<T> + ?Sized>(
    value: &V,
    typ: &ColumnType,
) -> Result<Vec<u8>, SerializeError> {
    let mut out = Vec::new();
    value.write(typ, &mut out)?;
    Ok(out)
}

impl<M: Model, T> Column<M, T> {
    fn relation(self, op: Operator, values: Result<Vec<Vec<u8>>, SerializeError>) -> Condition<M> {
        Condition {
            target: Target::Column(self.index),
            name: self.name,
            op,
            values,
            _model: PhantomData,
        }
    }

    fn compare<V: Bindable<T>>(self, op: Operator, value: V) -> Condition<M> {
        let typ = column_type::<M>(self.index);
        self.relation(op, encode(&value, &typ).map(|v| vec![v]))
    }

    /// `column = value`.
    pub fn eq<V: Bindable<T>>(self, value: V) -> Condition<M> {
        self.compare(Operator::Eq, value)
    }

    /// `column != value` (only in `IF` conditions).
    pub fn ne<V: Bindable<T>>(self, value: V) -> Condition<M> {
        self.compare(Operator::Ne, value)
    }

    /// `column > value`.
    pub fn gt<V: Bindable<T>>(self, value: V) -> Condition<M> {
        self.compare(Operator::Gt, value)
    }

    /// `column >= value`.
    pub fn ge<V: Bindable<T>>(self, value: V) -> Condition<M> {
        self.compare(Operator::Ge, value)
    }

    /// `column < value`.
    pub fn lt<V: Bindable<T>>(self, value: V) -> Condition<M> {
        self.compare(Operator::Lt, value)
    }

    /// `column <= value`.
    pub fn le<V: Bindable<T>>(self, value: V) -> Condition<M> {
        self.compare(Operator::Le, value)
    }

    /// `column IN (v1, v2, ...)`.
    pub fn in_<V: Bindable<T>>(self, values: impl IntoIterator<Item = V>) -> Condition<M> {
        let typ = column_type::<M>(self.index);
        let encoded = values.into_iter().map(|v| encode(&v, &typ)).collect();
        self.relation(Operator::In, encoded)
    }

    /// Ascending order on this (clustering) column, for `order_by`.
    pub fn asc(self) -> Ordering<M> {
        Ordering {
            index: self.index,
            name: self.name,
            order: ClusteringOrder::Asc,
            _model: PhantomData,
        }
    }

    /// Descending order on this (clustering) column, for `order_by`.
    pub fn desc(self) -> Ordering<M> {
        Ordering {
            index: self.index,
            name: self.name,
            order: ClusteringOrder::Desc,
            _model: PhantomData,
        }
    }
}

/// The element (or map value) type of a collection's wire type.
pub(crate) fn element_type(typ: &ColumnType) -> ColumnType {
    match typ {
        ColumnType::List(e) | ColumnType::Set(e) | ColumnType::Map(_, e) => (**e).clone(),
        other => other.clone(),
    }
}

/// The key type of a map's wire type.
pub(crate) fn key_type(typ: &ColumnType) -> ColumnType {
    match typ {
        ColumnType::Map(k, _) => (**k).clone(),
        other => other.clone(),
    }
}

impl<M: Model, T: Collection> Column<M, T> {
    /// `column CONTAINS value`: an element of a list or set, or a value of a map.
    pub fn contains<V: Bindable<T::Element>>(self, value: V) -> Condition<M> {
        let typ = element_type(&column_type::<M>(self.index));
        self.relation(Operator::Contains, encode(&value, &typ).map(|v| vec![v]))
    }
}

impl<M: Model, T: MapCollection> Column<M, T> {
    /// `column CONTAINS KEY key`.
    pub fn contains_key<V: Bindable<T::Key>>(self, key: V) -> Condition<M> {
        let typ = key_type(&column_type::<M>(self.index));
        self.relation(Operator::ContainsKey, encode(&key, &typ).map(|v| vec![v]))
    }
}

/// `ORDER BY` on one clustering column.
#[derive(Debug)]
pub struct Ordering<M> {
    pub(crate) index: usize,
    pub(crate) name: &'static str,
    pub(crate) order: ClusteringOrder,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for Ordering<M> {
    fn clone(&self) -> Self {
        Ordering {
            index: self.index,
            name: self.name,
            order: self.order,
            _model: PhantomData,
        }
    }
}

/// `token(partition key)` of model `M`, for token range scans: `token::<User>().gt(t)`.
#[derive(Debug)]
pub struct Token<M> {
    _model: PhantomData<fn() -> M>,
}

/// The partition key token of model `M`.
pub fn token<M: Model>() -> Token<M> {
    Token {
        _model: PhantomData,
    }
}

impl<M: Model> Token<M> {
    fn compare(self, op: Operator, token: i64) -> Condition<M> {
        Condition {
            target: Target::Token,
            name: "token",
            op,
            values: encode::<i64, i64>(&token, &ColumnType::BigInt).map(|v| vec![v]),
            _model: PhantomData,
        }
    }

    /// `token(pk) > t`.
    pub fn gt(self, token: i64) -> Condition<M> {
        self.compare(Operator::Gt, token)
    }

    /// `token(pk) >= t`.
    pub fn ge(self, token: i64) -> Condition<M> {
        self.compare(Operator::Ge, token)
    }

    /// `token(pk) < t`.
    pub fn lt(self, token: i64) -> Condition<M> {
        self.compare(Operator::Lt, token)
    }

    /// `token(pk) <= t`.
    pub fn le(self, token: i64) -> Condition<M> {
        self.compare(Operator::Le, token)
    }
}

//! Typed query builders. Pure: they produce CQL text, bound values in wire form and
//! options ([`BuiltQuery`]), and refuse what Cassandra would refuse with a typed
//! [`QueryError`] instead of a server round trip. Execution lives elsewhere.
//!
//! Files: `column.rs` (typed columns, conditions), `restrict.rs` (WHERE rules),
//! `select.rs`, `ann.rs` (vector search), `insert.rs`, `update.rs`, `delete.rs`, `keyed.rs` (shared by UPDATE and
//! DELETE), `batch.rs`, `built.rs` (the output), `error.rs`, `shape.rs` (texts cached per statement shape,
//! so that running a builder does not render CQL again).

mod ann;
mod batch;
mod built;
mod column;
mod delete;
mod error;
mod insert;
mod keyed;
mod restrict;
mod select;
pub(crate) mod shape;
mod update;

pub use ann::{AnnColumn, Scored};
pub use batch::{BatchBuilder, BatchKind};
pub use built::{BuiltQuery, QueryOptions, StatementKind};
pub use column::{
    Bindable, Collection, Column, Condition, ListCollection, MapCollection, Operator, Ordering,
    SetCollection, Token, token,
};
pub use delete::Delete;
pub use error::QueryError;
pub use insert::Insert;
pub(crate) use select::BoundValues;
pub use select::{Projection, Select};
pub use update::Update;

use crate::model::Model;

/// Query entry points on every model: `User::objects()`, `user.insert()`, ...
pub trait ModelQueries: Model {
    /// A SELECT of all rows (filter it further).
    fn objects() -> Select<Self> {
        Select::new()
    }

    /// An UPDATE (add `set`s and the primary key with `filter`).
    fn update() -> Update<Self> {
        Update::new()
    }

    /// A DELETE (add the primary key with `filter`).
    fn delete() -> Delete<Self> {
        Delete::new()
    }

    /// An INSERT of this row.
    fn insert(&self) -> Insert<Self> {
        Insert::new(self)
    }

    /// An UPDATE of this row (by its primary key).
    fn update_row(&self) -> Update<Self> {
        Update::of(self)
    }

    /// A DELETE of this row (by its primary key).
    fn delete_row(&self) -> Delete<Self> {
        Delete::of(self)
    }
}

impl<M: Model> ModelQueries for M {}

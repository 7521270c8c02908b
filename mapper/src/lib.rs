//! `cassia`: an object mapper for Apache Cassandra, in the spirit of the Python driver's
//! cqlengine but checked by the compiler.
//!
//! * `#[derive(Model)]` maps a struct to a table, `#[derive(UserType)]` a struct to a CQL
//!   user type, `#[derive(CqlEnum)]` an enum to a `text` or `int` column.
//! * Each model gets a static [`TableSchema`](schema::TableSchema) (DDL rendering, schema
//!   sync) and typed column constants (`User::AGE`) for the [`query`] builders, which refuse
//!   what Cassandra would refuse before anything is sent.
//!
//! ```
//! use cassia::prelude::*;
//!
//! #[derive(Debug, Model)]
//! #[cassia(keyspace = "app", table = "users")]
//! struct User {
//!     #[cassia(partition_key)]
//!     id: i32,
//!     name: String,
//!     #[cassia(index)]
//!     age: Option<i32>,
//! }
//!
//! let q = User::objects().filter(User::AGE.eq(30)).limit(10).build()?;
//! assert_eq!(q.cql, "SELECT id, name, age FROM app.users WHERE age = ? LIMIT 10");
//! assert_eq!(
//!     User::schema().create_table_cql(None),
//!     "CREATE TABLE IF NOT EXISTS app.users (id int, name text, age int, PRIMARY KEY ((id)))"
//! );
//! # Ok::<(), cassia::query::QueryError>(())
//! ```
//!
//! # Attributes
//!
//! On a model struct: `keyspace = "..."` (else the session's keyspace), `table = "..."`
//! (default: the struct name in snake case), `default_ttl = N`, `comment = "..."`,
//! `gc_grace_seconds = N`, `compaction = "{...}"`, `caching = "{...}"`, `connection = "name"`
//! (a session registered with [`connection::register_connection`]), and for a variant of
//! a polymorphic model `discriminator = "column", value = "..."`.
//!
//! On a field: `partition_key` (or `partition_key = N` for an explicit position in a
//! composite key), `clustering_key` with `order = "asc" | "desc"`, `static_column`, `index`
//! (or `index = "values" | "keys" | "entries" | "full"` for collections), `rename = "..."`,
//! `frozen`, `cql_type = "..."` (e.g. `"timeuuid"` for a `Uuid` field). Counter columns
//! have type [`Counter`].
//!
//! # Polymorphic models
//!
//! Several models can share one table, told apart by a discriminator column (cqlengine's
//! `discriminator_column`): give each variant struct the same `table`, a common
//! `discriminator = "kind"` and its own `value = "..."`, then derive `Model` on an enum of
//! them with `#[cassia(discriminator = "kind")]`. Reading the enum returns the right variant
//! per row; querying a variant struct filters on its value; inserting one writes it.

//! # Running queries and syncing the schema
//!
//! Every operation takes the session explicitly, the same way everywhere: `sync_table(&session)`,
//! `.execute_on(&session)`, `.all_on(&session)`, `.page_on(&session, ...)`. For scripts,
//! cqlengine's process-wide registry is an opt-in convenience: [`connection::setup`] (or a
//! named [`connection::register_connection`]) once, then the same calls without `_on`.
//! Each statement is prepared once per distinct CQL text and reused.
//!
//! ```no_run
//! use cassia::prelude::*;
//! use cassia::schema::sync_table;
//!
//! #[derive(Debug, Model)]
//! struct Visit {
//!     #[cassia(partition_key)]
//!     page: String,
//!     #[cassia(clustering_key, order = "desc")]
//!     at: i64,
//!     user: Option<String>,
//! }
//!
//! # async fn demo(session: cassia::Session) -> Result<(), cassia::ExecError> {
//! sync_table::<Visit>(&session).await?; // CREATE TABLE / ALTER TABLE ADD ..., never DROP
//! Visit { page: "/".into(), at: 1, user: None }
//!     .insert()
//!     .ttl(3600)
//!     .execute_on(&session)
//!     .await?;
//! let latest = Visit::objects()
//!     .filter(Visit::PAGE.eq("/"))
//!     .order_by(Visit::AT.desc())
//!     .first_on(&session)
//!     .await?;
//!
//! // Or, in a script, register the session once and leave it out.
//! cassia::connection::setup(session.clone());
//! let n = Visit::objects().filter(Visit::PAGE.eq("/")).count().await?;
//! # let _ = (latest, n);
//! # Ok(())
//! # }
//! ```
//!
//! `get()` fails with [`ExecError::DoesNotExist`] or [`ExecError::MultipleObjectsReturned`]
//! as in cqlengine; conditional writes report [`WriteResult::applied`] and the current values.
//!
//! # Plain row structs
//!
//! Not every row is a table: projections, aggregates and statement values fit plain structs.
//! `#[derive(FromRow)]` reads a row into one, each field from the result column of its name
//! (in any order; extra columns are ignored), and `#[derive(SerializeRow)]` binds each field
//! to the bind marker of its name: `:name`, or a `?`, which Cassandra names after its
//! column. On fields: `rename = "..."` for another column or marker, `skip` for a field
//! that maps to none (read as `Default::default()`), and for `FromRow` `default` to accept
//! a result without that column. A missing column is an error even for an `Option` field
//! (`None` is for null), and so are a marker without a field and a field without a marker.
//!
//! ```
//! use cassia::prelude::*;
//!
//! #[derive(Debug, PartialEq, FromRow)]
//! struct Greeting {
//!     #[cassia(rename = "name")]
//!     who: String,
//!     age: Option<i32>,
//! }
//!
//! #[derive(SerializeRow)]
//! struct NewUser<'a> {
//!     id: i32,
//!     name: &'a str,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let emulator = cassia_emulator::Emulator::builder()
//! #     .listen("127.0.0.1:0".parse()?)
//! #     .start()
//! #     .await?;
//! # let session = cassia::Session::builder()
//! #     .known_node(emulator.addr().to_string())
//! #     .build()
//! #     .await?;
//! # session.query(cassia::schema::create_keyspace_simple("app", 1), ()).await?;
//! # session.use_keyspace("app").await?;
//! # session.query("CREATE TABLE users (id int PRIMARY KEY, name text, age int)", ()).await?;
//! let insert = session.prepare("INSERT INTO users (id, name) VALUES (?, ?)").await?;
//! session.execute(&insert, NewUser { id: 1, name: "ada" }).await?;
//!
//! let row: Greeting = session
//!     .query("SELECT age, name FROM users WHERE id = ?", (1,))
//!     .await?
//!     .one()?;
//! assert_eq!(row, Greeting { who: "ada".into(), age: None });
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

mod exec;
pub mod migrate;
mod model;
mod poly;
pub mod query;
pub mod schema;
#[cfg(feature = "testing")]
pub mod testing;
mod type_of;
mod types;

/// The driver the mapper runs on (sessions, statements, errors).
pub use cassia_driver as driver;
pub use cassia_driver::Session;
/// Paging cursors handed to web clients by [`query::Select::page`].
pub use cassia_driver::{Cursor, CursorError};
pub use cassia_macros::migrate;
#[cfg(feature = "testing")]
pub use cassia_macros::test;
pub use cassia_macros::{CqlEnum, Model, UserType};
pub use cassia_macros::{FromRow, SerializeRow};
pub use cassia_protocol::consistency::Consistency;
pub use cassia_protocol::row::{FromRow, SerializeRow};
pub use cassia_protocol::value::{Counter, Timeuuid};
/// DataStax Enterprise's geometric column types (`'PointType'`, `'LineStringType'`,
/// `'PolygonType'`); not in the prelude, where their short names could clash with an
/// application's own.
pub use cassia_protocol::value::{LineString, Point, Polygon, WktError};
pub use exec::connection;
pub use exec::{ExecError, Page, WriteResult};
pub use model::{CqlEnum, Model, UserType};
pub use type_of::{CqlTypeOf, Frozen};
pub use types::CqlType;

/// What most applications import: the derives, the traits and the typed column type.
pub mod prelude {
    pub use crate::query::{Column, ModelQueries};
    pub use crate::{
        Consistency, Counter, CqlEnum, CqlTypeOf, FromRow, Frozen, Model, SerializeRow, Timeuuid,
        UserType,
    };
}

/// Paths used by the derive macros' generated code. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::model::{CqlEnum, Model, UserType};
    pub use crate::poly::{
        empty_collection_if_null, find_discriminator, merge_schemas, read_discriminator,
        unknown_discriminator, write_by_name,
    };
    pub use crate::query::Column;
    pub use crate::schema::{
        ClusteringOrder, ColumnKind, ColumnSchema, IndexKind, SaiOptions, Similarity, TableSchema,
        UdtSchema,
    };
    pub use crate::type_of::CqlTypeOf;
    pub use crate::types::CqlType;
    pub use cassia_migrate_source as migrate_source;
    pub use cassia_protocol::request::SerializedValues;
    pub use cassia_protocol::response::ColumnSpec;
    pub use cassia_protocol::row::{
        ColumnRef, FromRow, FromRowError, SerializeRow, SerializeRowError, write_bound_value,
    };
    pub use cassia_protocol::types::ColumnType;
    pub use cassia_protocol::value::nested::Components;
    pub use cassia_protocol::value::{
        DeserializeError, DeserializeValue, SerializeError, SerializeValue, write_value,
    };
}

/// The repository README's Rust examples, compiled as doctests so the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

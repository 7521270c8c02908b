//! `cassia-macros`: the derives behind `cassia` — `Model`, `UserType`, `CqlEnum`, and
//! `FromRow` / `SerializeRow` for plain row structs — and `migrate!`, which embeds a
//! directory of migration files at compile time.
//!
//! Use them through `cassia` (`use cassia::prelude::*`), which documents the attributes.
//! Each entry point here is one line over an `*_inner` function that parses the input into
//! a typed description (`attrs.rs`, `model/parse.rs`), validates it collecting every error
//! it finds, then generates code that reaches the runtime only through
//! `::cassia::__private`. This crate is not a stable interface of its own.

use proc_macro::TokenStream;

mod attrs;
mod cql_enum;
mod cql_type;
mod errors;
mod migrate;
mod model;
mod poly;
mod row;
mod test_attr;
mod udt;

/// Maps a struct to a table (or an enum of such structs to one shared table, by a
/// discriminator column). See `cassia::Model`.
#[proc_macro_derive(Model, attributes(cassia))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    model::derive(input.into()).into()
}

/// Maps a struct to a CQL user-defined type. See `cassia::UserType`.
#[proc_macro_derive(UserType, attributes(cassia))]
pub fn derive_user_type(input: TokenStream) -> TokenStream {
    udt::derive(input.into()).into()
}

/// Reads a result row into a struct with named fields: each field from the column of its
/// name, in any order; extra columns are ignored. See the `cassia` crate docs.
///
/// Field attributes: `#[cassia(rename = "column")]` reads another column;
/// `#[cassia(default)]` fills the field with `Default::default()` when the result has no
/// such column (otherwise a missing column is an error, even for an `Option` field, whose
/// `None` is for null); `#[cassia(skip)]` never reads a column and always uses the default.
/// Column types are checked once per result; errors name the missing column, or the
/// mistyped one with the Rust type and the column's CQL type.
#[proc_macro_derive(FromRow, attributes(cassia))]
pub fn derive_from_row(input: TokenStream) -> TokenStream {
    row::derive_from_row(input.into()).into()
}

/// Binds a struct's named fields to a statement's bind markers of the same names: `:name`
/// markers, or `?` markers, which Cassandra names after their column. See the `cassia`
/// crate docs.
///
/// Field attributes as for `FromRow`: `#[cassia(rename = "marker")]` binds another marker,
/// `#[cassia(skip)]` binds nothing (`default` has no effect here). A marker without a
/// field, or a field without a marker, fails the statement before it is sent, naming it.
/// Fields may borrow (`struct NewUser<'a> { name: &'a str }`).
#[proc_macro_derive(SerializeRow, attributes(cassia))]
pub fn derive_serialize_row(input: TokenStream) -> TokenStream {
    row::derive_serialize_row(input.into()).into()
}

/// Stores a field-less enum as `text` (variant names) or `int`. See `cassia::CqlEnum`.
#[proc_macro_derive(CqlEnum, attributes(cassia))]
pub fn derive_cql_enum(input: TokenStream) -> TokenStream {
    cql_enum::derive(input.into()).into()
}

/// Embeds a directory of CQL migrations in the binary, read and checked at compile time.
///
/// `migrate!("migrations")` reads the directory (relative to the `Cargo.toml` of the crate
/// being compiled; an absolute path also works) as `cassia::migrate::MigrationSet::from_dir`
/// would, and expands to a `cassia::migrate::EmbeddedMigrations` constant: every migration
/// sorted by version, with its statements already split and its checksums computed. Turn it
/// into a `MigrationSet` with `From`/`Into`.
///
/// Whatever `from_dir` would refuse is a compile error pointing at the path: a `.cql` file
/// not named `<version>_<name>.up.cql`, `<version>_<name>.down.cql` or `<version>_<name>.cql`,
/// two migrations with one version, a down file without its up file, a non-UTF-8 file, an
/// unterminated string, quoted identifier, comment or `$$` body, or an empty script.
///
/// ```ignore
/// // Compiled in the `cassia::migrate` documentation, where `cassia` is at hand.
/// static MIGRATIONS: cassia::migrate::EmbeddedMigrations = cassia::migrate!("migrations");
///
/// let set = cassia::migrate::MigrationSet::from(MIGRATIONS);
/// ```
///
/// Editing a migration file rebuilds the crate (each script is embedded with
/// `include_str!`). Adding or removing a file does not: cargo cannot be told about new
/// files from a macro, so add a build script that watches the directory, as with sqlx:
///
/// ```ignore
/// // build.rs
/// fn main() {
///     println!("cargo:rerun-if-changed=migrations");
/// }
/// ```
#[proc_macro]
pub fn migrate(input: TokenStream) -> TokenStream {
    migrate::expand(input.into()).into()
}

/// An async test in a fresh keyspace: `#[cassia::test]`, `#[cassia::test(models(User,
/// Post))]`, `#[cassia::test(migrations = "migrations")]`. See `cassia::testing`.
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    test_attr::expand(args.into(), item.into()).into()
}

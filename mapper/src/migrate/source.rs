//! Migration files: what a migration is ([`Migration`], [`Script`], [`Statement`]), reading
//! them from a directory at run time ([`MigrationSet::from_dir`]) or embedding them at
//! compile time ([`migrate!`](crate::migrate!)), how scripts are split into statements and
//! checksummed, and creating the files of a new migration.
//!
//! All of it lives in `cassia-migrate-source`, shared with the `migrate!` macro so that a
//! directory embedded at compile time and the same directory read at run time give equal
//! [`MigrationSet`]s; this module is its public face.
//!
//! Files are named `<version>_<name>.up.cql` (with an optional `<version>_<name>.down.cql`
//! that reverts it) or `<version>_<name>.cql` (forward only); the version is 1 to 18
//! digits, conventionally the creation time `YYYYMMDDHHMMSS`. Statements are separated by
//! `;` (not inside strings, quoted identifiers, comments or `$$` bodies). A migration's
//! checksum is taken over its normalised statements, so line endings, indentation, blank
//! lines and comments can change after it was applied; anything sent to the server cannot.

pub use cassia_migrate_source::{
    EmbeddedMigration, EmbeddedScript, EmbeddedStatement, FileNameError, Migration, MigrationKind,
    MigrationSet, ParsedName, Script, SourceError, SplitError, Statement, checksum,
    create_migration_files, parse_file_name, split_statements,
};

/// Embedding migrations with [`migrate!`](crate::migrate!), which reads the directory at
/// compile time (relative to the crate's `Cargo.toml`), turns every problem
/// [`MigrationSet::from_dir`] would report into a compile error, and expands to this type:
///
/// ```no_run
/// use cassia::migrate::{EmbeddedMigrations, MigrationSet};
///
/// // The fixture directory of cassia's own tests; an application writes "migrations".
/// static MIGRATIONS: EmbeddedMigrations = cassia::migrate!("tests/ui/migrations_ok");
///
/// let set = MigrationSet::from(MIGRATIONS);
/// for m in &set {
///     println!("{} {} ({} statements)", m.version, m.name, m.up.statements.len());
/// }
/// ```
///
/// Editing an embedded file rebuilds the crate, but adding one does not (cargo is not told
/// about files a macro lists): watch the directory from a build script, as with sqlx.
///
/// ```ignore
/// // build.rs
/// fn main() {
///     println!("cargo:rerun-if-changed=migrations");
/// }
/// ```
pub use cassia_migrate_source::EmbeddedMigrations;

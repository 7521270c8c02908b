//! `cassia-migrate-source`: migration files — their names, splitting their CQL into
//! statements, and the normalised checksums that tell whether an applied migration was
//! edited since.
//!
//! Shared by `cassia` (which re-exports all of it as `cassia::migrate`, the interface to
//! use) and `cassia-macros` (whose `migrate!` reads the directory at compile time with the
//! very same code, so embedded and run-time migrations cannot disagree). This crate is not
//! a stable interface of its own.
//!
//! - [`parse_file_name`]: `<version>_<name>.up.cql`, `.down.cql`, `.cql`.
//! - [`split_statements`]: a lexer that knows where `;` ends a statement.
//! - [`checksum`]: SHA-256 over normalised statements.
//! - [`Script`], [`Migration`], [`MigrationSet`]: what is read; [`MigrationSet::from_dir`]
//!   reads a directory.
//! - [`EmbeddedMigrations`]: the `'static` form `migrate!` writes.
//! - [`create_migration_files`]: `cassia migrate add`.

#![warn(missing_docs)]

mod checksum;
mod dir;
mod embedded;
mod error;
mod migration;
mod name;
mod new_files;
mod script;
mod set;
mod split;
#[cfg(test)]
mod testdir;

pub use checksum::checksum;
pub use embedded::{EmbeddedMigration, EmbeddedMigrations, EmbeddedScript, EmbeddedStatement};
pub use error::{FileNameError, SourceError, SplitError};
pub use migration::Migration;
pub use name::{MigrationKind, ParsedName, parse_file_name};
pub use new_files::create_migration_files;
pub use script::Script;
pub use set::MigrationSet;
pub use split::{Statement, split_statements};

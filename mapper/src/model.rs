//! The traits the derives implement: [`Model`] (a table row), [`UserType`] (a CQL user
//! type) and [`CqlEnum`] (a Rust enum stored as text or int).

use cassia_protocol::row::FromRow;
use cassia_protocol::types::ColumnType;
use cassia_protocol::value::SerializeError;

use crate::schema::{TableSchema, UdtSchema};

/// A Rust type mapped to one table: `#[derive(Model)]` on a struct (or on an enum of models
/// sharing a table through a discriminator column).
pub trait Model: FromRow + Sized + 'static {
    /// The table description (columns, keys, indexes, options).
    fn schema() -> &'static TableSchema;

    /// The discriminator column and this type's value in it, for models that share a table.
    /// Queries on the type filter on it and inserts write it.
    fn discriminator() -> Option<(&'static str, &'static str)> {
        None
    }

    /// The registered connection this model's operations use when no session is given
    /// (`#[cassia(connection = "name")]`); `None` is the default session.
    fn connection() -> Option<&'static str> {
        None
    }

    /// Appends the `[value]` of column `index` (position in [`TableSchema::columns`]) for
    /// this row, as CQL type `typ`. Returns `false`, writing nothing, when this row has no
    /// such column (a variant of a polymorphic model that lacks it).
    fn write_column(
        &self,
        index: usize,
        typ: &ColumnType,
        out: &mut Vec<u8>,
    ) -> Result<bool, SerializeError>;
}

/// A Rust struct mapped to a CQL user-defined type: `#[derive(UserType)]`.
pub trait UserType: Sized + 'static {
    /// The type description.
    fn udt_schema() -> UdtSchema;
}

/// A Rust enum stored as a CQL `text` or `int`: `#[derive(CqlEnum)]`.
pub trait CqlEnum: Sized + 'static {
    /// The stored names (`repr = "text"`) or numbers (`repr = "int"`, as text) of the
    /// variants, in declaration order.
    fn stored_values() -> &'static [&'static str];
}

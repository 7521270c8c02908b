//! Vector search: `ORDER BY <vector column> ANN OF ?` on a column with a storage-attached
//! index, and the similarity score selected beside each row ([`Scored`]).
//!
//! The column's Rust type decides what may be searched: only `[f32; N]` columns implement
//! [`AnnColumn`], and the query must be a `[f32; N]` of the same `N`, so searching a text
//! column or passing a 3-element query for a 5-dimensional column does not compile.

use cassia_protocol::response::ColumnSpec;
use cassia_protocol::row::{FromRow, FromRowError};
use cassia_protocol::value::{DeserializeValue, SerializeError, SerializeValue};

use crate::schema::Similarity;

/// Column types that can be ordered by similarity: vectors of `float` (`[f32; N]`).
#[diagnostic::on_unimplemented(
    message = "`order_by_ann` needs a `vector<float, N>` column (`[f32; N]`); `{Self}` is not one",
    label = "not a vector column"
)]
pub trait AnnColumn {
    /// The query vector's Rust type (same dimension as the column).
    type Query: SerializeValue;
}

impl<const N: usize> AnnColumn for [f32; N] {
    type Query = [f32; N];
}

impl<const N: usize> AnnColumn for Option<[f32; N]> {
    type Query = [f32; N];
}

/// The `ORDER BY ... ANN OF ?` of a select: which column and the serialized query vector.
#[derive(Debug, Clone)]
pub(crate) struct Ann {
    /// Schema position of the vector column.
    pub(crate) index: usize,
    /// Its CQL name.
    pub(crate) name: &'static str,
    /// The query vector as a `[value]`, or why it could not be serialized.
    pub(crate) value: Result<Vec<u8>, SerializeError>,
    /// The similarity of the column's index (what the score selects).
    pub(crate) similarity: Option<Similarity>,
}

/// A row with its similarity to the query vector, as the server computed it
/// (`similarity_cosine(col, ?)` or the function of the column's index).
#[derive(Debug, Clone, PartialEq)]
pub struct Scored<R> {
    /// The row.
    pub row: R,
    /// Similarity to the query: higher is closer (1.0 for the same direction with cosine).
    pub similarity: f32,
}

impl<R: FromRow> FromRow for Scored<R> {
    fn type_check(columns: &[ColumnSpec]) -> Result<(), FromRowError> {
        let (score, rest) = split_score::<R>(columns)?;
        R::type_check(rest)?;
        f32::type_check(&score.typ).map_err(|e| FromRowError::column(rest.len(), score, e))
    }

    fn from_row<'c>(
        columns: &[ColumnSpec],
        mut cells: impl Iterator<Item = Option<&'c [u8]>>,
    ) -> Result<Self, FromRowError> {
        let (score, rest) = split_score::<R>(columns)?;
        let row = R::from_row(rest, cells.by_ref().take(rest.len()))?;
        let cell = cells.next().ok_or(FromRowError::MissingCells {
            cells: rest.len(),
            columns: columns.len(),
        })?;
        let similarity = f32::deserialize_value(&score.typ, cell)
            .map_err(|e| FromRowError::column(rest.len(), score, e))?;
        Ok(Scored { row, similarity })
    }
}

/// The score column (selected last) and the row's own columns.
fn split_score<R>(columns: &[ColumnSpec]) -> Result<(&ColumnSpec, &[ColumnSpec]), FromRowError> {
    columns.split_last().ok_or(FromRowError::ColumnCount {
        rust_type: std::any::type_name::<Scored<R>>(),
        expected: 1,
        actual: 0,
    })
}

//! [`FromRow`]: one result row into a Rust value, and [`TypedRows`], the iterator that reads
//! a whole Rows result that way after checking the column types once.

use std::marker::PhantomData;

use super::FromRowError;
use crate::response::{ColumnSpec, Rows, RowsIter};
use crate::value::DeserializeValue;

/// A Rust value built from one row of a result.
pub trait FromRow: Sized {
    /// Checks that the result's columns can be read into `Self` (their number and types).
    /// Run once per result; [`from_row`](Self::from_row) stays safe without it.
    fn type_check(columns: &[ColumnSpec]) -> Result<(), FromRowError>;

    /// Reads one row: `cells` yields each column's cell in order (`None` for null).
    fn from_row<'c>(
        columns: &[ColumnSpec],
        cells: impl Iterator<Item = Option<&'c [u8]>>,
    ) -> Result<Self, FromRowError>;
}

/// Fails unless the result has exactly `expected` columns.
fn check_count<T>(columns: &[ColumnSpec], expected: usize) -> Result<(), FromRowError> {
    if columns.len() == expected {
        Ok(())
    } else {
        Err(FromRowError::ColumnCount {
            rust_type: std::any::type_name::<T>(),
            expected,
            actual: columns.len(),
        })
    }
}

macro_rules! tuple_from_row {
    ($(($($name:ident $idx:tt),+))+) => {$(
        impl<$($name: DeserializeValue),+> FromRow for ($($name,)+) {
            fn type_check(columns: &[ColumnSpec]) -> Result<(), FromRowError> {
                check_count::<Self>(columns, [$($idx),+].len())?;
                let mut specs = columns.iter();
                $(
                    if let Some(spec) = specs.next() {
                        $name::type_check(&spec.typ)
                            .map_err(|e| FromRowError::column($idx, spec, e))?;
                    }
                )+
                Ok(())
            }

            fn from_row<'c>(
                columns: &[ColumnSpec],
                mut cells: impl Iterator<Item = Option<&'c [u8]>>,
            ) -> Result<Self, FromRowError> {
                const ARITY: usize = [$($idx),+].len();
                check_count::<Self>(columns, ARITY)?;
                let mut specs = columns.iter();
                Ok(($(
                    {
                        let spec = specs.next().ok_or(FromRowError::ColumnCount {
                            rust_type: std::any::type_name::<Self>(),
                            expected: ARITY,
                            actual: $idx,
                        })?;
                        let cell = cells.next().ok_or(FromRowError::MissingCells {
                            cells: $idx,
                            columns: ARITY,
                        })?;
                        $name::deserialize_value(&spec.typ, cell)
                            .map_err(|e| FromRowError::column($idx, spec, e))?
                    },
                )+))
            }
        }
    )+};
}

tuple_from_row! {
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

/// The rows of a result read as `T`, in order.
#[derive(Debug, Clone)]
pub struct TypedRows<'a, T> {
    columns: &'a [ColumnSpec],
    rows: RowsIter<'a>,
    _row: PhantomData<fn() -> T>,
}

/// Reads `rows` as `T` using the column specs the result carries. Checks the types once,
/// up front; each item can still fail on a cell (a null into a non-`Option`, bad bytes).
pub fn typed_rows<T: FromRow>(rows: &Rows) -> Result<TypedRows<'_, T>, FromRowError> {
    typed_rows_with(&rows.metadata.columns, rows)
}

/// Like [`typed_rows`], with the column specs given separately: for results sent without
/// metadata (`skip_metadata`), whose specs come from the prepared statement.
pub fn typed_rows_with<'a, T: FromRow>(
    columns: &'a [ColumnSpec],
    rows: &'a Rows,
) -> Result<TypedRows<'a, T>, FromRowError> {
    if rows.metadata.column_count != columns.len() {
        return Err(FromRowError::MissingCells {
            cells: rows.metadata.column_count,
            columns: columns.len(),
        });
    }
    T::type_check(columns)?;
    Ok(TypedRows {
        columns,
        rows: rows.iter(),
        _row: PhantomData,
    })
}

impl<T: FromRow> Iterator for TypedRows<'_, T> {
    type Item = Result<T, FromRowError>;

    fn next(&mut self) -> Option<Self::Item> {
        let row = self.rows.next()?;
        Some(
            row.map_err(FromRowError::from)
                .and_then(|raw| T::from_row(self.columns, raw.cells())),
        )
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.rows.size_hint()
    }
}

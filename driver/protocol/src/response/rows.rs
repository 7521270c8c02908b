//! Rows results: decoding with up-front validation, iteration over rows and cells without
//! allocating, and [`RowsBuilder`] for servers that produce rows.
//!
//! A Rows body keeps its cells as one buffer (`Rows::content`). Decoding checks every cell
//! length once, so iterating later never fails on decoded data; rows assembled by hand are
//! checked again while iterating.

use bytes::Bytes;

use super::metadata::{put_count, read_count};
use super::{MetadataCache, ResultMetadata, Rows};
use crate::frame::ProtocolVersion;
use crate::wire::{DecodeError, EncodeError, Reader, put_bytes};

impl Rows {
    /// Appends the Rows result body (after the kind).
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.metadata.encode(version, out)?;
        put_count(out, self.row_count, "row count")?;
        out.extend_from_slice(&self.content);
        Ok(())
    }

    /// Reads a Rows body; `owner`, when given, is the buffer `r` reads from, so the content
    /// can be sliced out of it instead of copied.
    pub(crate) fn decode(
        r: &mut Reader<'_>,
        version: ProtocolVersion,
        owner: Option<&Bytes>,
        cache: Option<&mut MetadataCache>,
    ) -> Result<Self, DecodeError> {
        let metadata = ResultMetadata::decode_cached(r, version, cache)?;
        let row_count = read_count(r, "row count")?;
        let cells = row_count.checked_mul(metadata.column_count);
        // Every cell takes at least its 4-byte length, so a count beyond that is a lie.
        let cells = match cells {
            Some(c) if c <= r.remaining() / 4 || c == 0 => c,
            _ => {
                return Err(DecodeError::InvalidLength {
                    what: "row count",
                    length: row_count as i64,
                });
            }
        };
        let start = r.rest();
        for _ in 0..cells {
            r.bytes("cell")?;
        }
        let used = start.len() - r.remaining();
        let raw = start.get(..used).unwrap_or_default();
        let content = match owner {
            Some(buf) if !raw.is_empty() => buf.slice_ref(raw),
            _ => Bytes::copy_from_slice(raw),
        };
        Ok(Rows {
            metadata,
            row_count,
            content,
        })
    }

    /// Iterates over the rows. Each item is the row's cells, or an error if the content
    /// does not hold `row_count` rows of `column_count` well-formed cells (only possible
    /// for hand-built `Rows`; decoded ones are validated).
    pub fn iter(&self) -> RowsIter<'_> {
        RowsIter {
            reader: Reader::new(&self.content),
            rows_left: self.row_count,
            columns: self.metadata.column_count,
            failed: false,
        }
    }
}

/// Iterator over the rows of a [`Rows`] result.
#[derive(Debug, Clone)]
pub struct RowsIter<'a> {
    reader: Reader<'a>,
    rows_left: usize,
    columns: usize,
    failed: bool,
}

impl<'a> Iterator for RowsIter<'a> {
    type Item = Result<RawRow<'a>, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rows_left == 0 {
            return None;
        }
        self.rows_left -= 1;
        let start = self.reader.rest();
        for _ in 0..self.columns {
            if let Err(e) = self.reader.bytes("cell") {
                self.failed = true;
                return Some(Err(e));
            }
        }
        let used = start.len() - self.reader.remaining();
        Some(Ok(RawRow {
            cells: start.get(..used).unwrap_or_default(),
            columns: self.columns,
        }))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.rows_left))
    }
}

/// One row: its cells as wire bytes (validated).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawRow<'a> {
    cells: &'a [u8],
    columns: usize,
}

impl<'a> RawRow<'a> {
    /// Number of cells.
    pub fn len(&self) -> usize {
        self.columns
    }

    /// Whether the row has no cells.
    pub fn is_empty(&self) -> bool {
        self.columns == 0
    }

    /// The cells in column order: `None` is a null cell, `Some(&[])` an empty value.
    pub fn cells(&self) -> CellsIter<'a> {
        CellsIter {
            reader: Reader::new(self.cells),
            left: self.columns,
        }
    }
}

/// Iterator over the cells of a [`RawRow`].
#[derive(Debug, Clone)]
pub struct CellsIter<'a> {
    reader: Reader<'a>,
    left: usize,
}

impl<'a> Iterator for CellsIter<'a> {
    type Item = Option<&'a [u8]>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        // The row was validated when it was cut out, so this read cannot fail; stop
        // rather than panic if it somehow does.
        self.reader.bytes("cell").ok()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

/// Builds a [`Rows`] result cell by cell (row-major), for servers.
#[derive(Debug, Clone)]
pub struct RowsBuilder {
    metadata: ResultMetadata,
    content: Vec<u8>,
    cells: usize,
}

impl RowsBuilder {
    /// A builder for rows described by `metadata` (its `column_count` sets the row width).
    pub fn new(metadata: ResultMetadata) -> Self {
        RowsBuilder {
            metadata,
            content: Vec::new(),
            cells: 0,
        }
    }

    /// Appends a cell (`None` is null).
    pub fn push_cell(&mut self, cell: Option<&[u8]>) -> Result<(), EncodeError> {
        put_bytes(&mut self.content, cell, "cell")?;
        self.cells += 1;
        Ok(())
    }

    /// Appends a null cell.
    pub fn push_null(&mut self) {
        self.content.extend_from_slice(&(-1i32).to_be_bytes());
        self.cells += 1;
    }

    /// Appends a cell with a value.
    pub fn push_value(&mut self, value: &[u8]) -> Result<(), EncodeError> {
        self.push_cell(Some(value))
    }

    /// The finished result; fails if the last row is incomplete.
    pub fn finish(self) -> Result<Rows, EncodeError> {
        let columns = self.metadata.column_count;
        let row_count = match columns {
            0 if self.cells == 0 => 0,
            0 => {
                return Err(EncodeError::Invalid {
                    what: "rows",
                    detail: "cells pushed for a result without columns".to_owned(),
                });
            }
            c if self.cells % c == 0 => self.cells / c,
            c => {
                return Err(EncodeError::Invalid {
                    what: "rows",
                    detail: format!("{} cells do not make whole rows of {c}", self.cells),
                });
            }
        };
        Ok(Rows {
            metadata: self.metadata,
            row_count,
            content: Bytes::from(self.content),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_columns() -> ResultMetadata {
        ResultMetadata {
            column_count: 2,
            ..Default::default()
        }
    }

    #[test]
    fn builder_iter_and_round_trip() {
        let mut b = RowsBuilder::new(two_columns());
        b.push_value(&[1]).expect("fits");
        b.push_null();
        b.push_value(&[]).expect("fits");
        b.push_cell(Some(&[2, 3])).expect("fits");
        let rows = b.finish().expect("whole rows");
        assert_eq!(rows.row_count, 2);
        let cells: Vec<Vec<Option<&[u8]>>> = rows
            .iter()
            .map(|r| r.map(|r| r.cells().collect()))
            .collect::<Result<_, _>>()
            .expect("valid");
        assert_eq!(
            cells,
            vec![
                vec![Some(&[1u8][..]), None],
                vec![Some(&[][..]), Some(&[2, 3][..])]
            ]
        );

        let mut out = Vec::new();
        rows.encode(ProtocolVersion::V4, &mut out).expect("encodes");
        let owner = Bytes::from(out);
        let mut r = Reader::new(&owner);
        let back = Rows::decode(&mut r, ProtocolVersion::V4, Some(&owner), None).expect("decodes");
        assert_eq!(back, rows);
    }

    #[test]
    fn incomplete_rows_and_lying_counts_are_errors() {
        let mut b = RowsBuilder::new(two_columns());
        b.push_null();
        assert!(b.finish().is_err());

        // 2 columns, 1000 rows claimed, but only one cell of content.
        let body = [
            0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 3, 0xe8, 0xff, 0xff, 0xff, 0xff,
        ];
        assert!(matches!(
            Rows::decode(&mut Reader::new(&body), ProtocolVersion::V4, None, None),
            Err(DecodeError::InvalidLength {
                what: "row count",
                ..
            })
        ));

        let hand_built = Rows {
            metadata: two_columns(),
            row_count: 1,
            content: Bytes::from_static(&[0, 0, 0, 5]),
        };
        let mut it = hand_built.iter();
        assert!(matches!(
            it.next(),
            Some(Err(DecodeError::Truncated { .. }))
        ));
        assert!(it.next().is_none());
    }
}

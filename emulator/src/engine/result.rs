//! Building RESULT bodies: Rows with full metadata, and the MD5 ids Cassandra derives from
//! statements and result metadata.

use bytes::{BufMut, Bytes, BytesMut};
use cassia_protocol::response::{ColumnSpec, ResultMetadata, Rows};
use md5::{Digest, Md5};

/// Accumulates encoded cells row by row.
#[derive(Debug, Default)]
pub(crate) struct RowsBuilder {
    content: BytesMut,
    rows: usize,
}

impl RowsBuilder {
    /// Appends one row of cells (`None` = null).
    pub fn push<I: IntoIterator<Item = Option<B>>, B: AsRef<[u8]>>(&mut self, cells: I) {
        for c in cells {
            match c {
                Some(b) => {
                    let b = b.as_ref();
                    self.content.put_i32(b.len() as i32);
                    self.content.put_slice(b);
                }
                None => self.content.put_i32(-1),
            }
        }
        self.rows += 1;
    }

    /// Number of rows so far.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// The Rows result.
    pub fn finish(self, columns: Vec<ColumnSpec>, paging_state: Option<Bytes>) -> Rows {
        Rows {
            metadata: ResultMetadata {
                column_count: columns.len(),
                paging_state,
                new_metadata_id: None,
                columns: columns.into(),
            },
            row_count: self.rows,
            content: self.content.freeze(),
        }
    }
}

/// The prepared statement id: MD5 of the keyspace in use (if any) followed by the query.
pub(crate) fn statement_id(keyspace: Option<&str>, query: &str) -> Bytes {
    let mut md = Md5::new();
    if let Some(ks) = keyspace {
        md.update(ks.as_bytes());
    }
    md.update(query.as_bytes());
    Bytes::copy_from_slice(&md.finalize())
}

/// The v5 result metadata id: MD5 over each column's name and marshal type, as
/// `ResultSet.computeResultMetadataId` does.
pub(crate) fn metadata_id<'a>(columns: impl IntoIterator<Item = (&'a str, &'a str)>) -> Bytes {
    let mut md = Md5::new();
    for (name, marshal) in columns {
        md.update(name.as_bytes());
        md.update([0u8]);
        md.update(marshal.as_bytes());
        md.update([0u8, 0u8]);
    }
    Bytes::copy_from_slice(&md.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn ids_match_the_wire_captures() {
        assert_eq!(
            hex(&statement_id(
                Some("wirecap"),
                "INSERT INTO kv (k, v) VALUES (?, ?)"
            )),
            "2a35bc8615cc3cba5ac367a6cd21e577"
        );
        let cols = [
            ("k", "org.apache.cassandra.db.marshal.Int32Type"),
            ("b", "org.apache.cassandra.db.marshal.BytesType"),
        ];
        assert_eq!(hex(&metadata_id(cols)), "197990e83105dab2f0452563e2dbab60");
        assert_eq!(hex(&metadata_id([])), "d41d8cd98f00b204e9800998ecf8427e");
    }
}

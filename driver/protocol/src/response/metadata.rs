//! Column specs and the two metadata blocks of RESULT bodies: `<metadata>` (Rows, and the
//! result part of Prepared) and `<prepared metadata>` (bind markers of Prepared).
//!
//! The flags are derived from the structs when encoding, the way Cassandra sets them:
//! Global_tables_spec when there is at least one column and all share keyspace and table,
//! No_metadata when no column specs are carried, Has_more_pages when a paging state is
//! present, Metadata_changed (v5) when a new metadata id is present. Real traffic therefore
//! re-encodes to the same bytes.

use std::borrow::Cow;
use std::sync::Arc;

use bytes::Bytes;

use super::{ColumnSpec, PreparedMetadata, ResultMetadata};
use crate::frame::ProtocolVersion;
use crate::types::{ColumnType, marshal_class_name, read_type, write_type};
use crate::wire::{
    DecodeError, EncodeError, Reader, put_bytes, put_i32, put_short_bytes, put_string, put_u16,
};

const GLOBAL_TABLES_SPEC: i32 = 0x0001;
const HAS_MORE_PAGES: i32 = 0x0002;
const NO_METADATA: i32 = 0x0004;
const METADATA_CHANGED: i32 = 0x0008;

/// Reads a non-negative `[int]` count.
pub(crate) fn read_count(r: &mut Reader<'_>, what: &'static str) -> Result<usize, DecodeError> {
    let n = r.i32(what)?;
    usize::try_from(n).map_err(|_| DecodeError::InvalidLength {
        what,
        length: n.into(),
    })
}

/// Writes a count as an `[int]`.
pub(crate) fn put_count(
    out: &mut Vec<u8>,
    n: usize,
    what: &'static str,
) -> Result<(), EncodeError> {
    let n = i32::try_from(n).map_err(|_| EncodeError::TooLong { what, length: n })?;
    put_i32(out, n);
    Ok(())
}

/// The shared keyspace and table, if every column has the same ones (and there is one).
fn global_spec(columns: &[ColumnSpec]) -> Option<(&str, &str)> {
    let first = columns.first()?;
    columns
        .iter()
        .all(|c| c.keyspace == first.keyspace && c.table == first.table)
        .then_some((first.keyspace.as_str(), first.table.as_str()))
}

/// The type as `version` describes it: protocol v4 has no `duration` option, so Cassandra
/// sends it there as the custom type `org.apache.cassandra.db.marshal.DurationType` (also
/// inside collections, tuples and UDTs). Types without a duration are borrowed unchanged.
fn type_for_version(t: &ColumnType, version: ProtocolVersion) -> Cow<'_, ColumnType> {
    if version != ProtocolVersion::V4 {
        return Cow::Borrowed(t);
    }
    let inner = |t: &ColumnType| Box::new(type_for_version(t, version).into_owned());
    match t {
        ColumnType::Duration => Cow::Owned(ColumnType::Custom(marshal_class_name(t))),
        ColumnType::List(e) if has_duration(e) => Cow::Owned(ColumnType::List(inner(e))),
        ColumnType::Set(e) if has_duration(e) => Cow::Owned(ColumnType::Set(inner(e))),
        ColumnType::Map(k, v) if has_duration(k) || has_duration(v) => {
            Cow::Owned(ColumnType::Map(inner(k), inner(v)))
        }
        ColumnType::Tuple(items) if items.iter().any(has_duration) => {
            Cow::Owned(ColumnType::Tuple(
                items
                    .iter()
                    .map(|t| type_for_version(t, version).into_owned())
                    .collect(),
            ))
        }
        ColumnType::Udt {
            keyspace,
            name,
            fields,
        } if fields.iter().any(|(_, t)| has_duration(t)) => Cow::Owned(ColumnType::Udt {
            keyspace: keyspace.clone(),
            name: name.clone(),
            fields: fields
                .iter()
                .map(|(f, t)| (f.clone(), type_for_version(t, version).into_owned()))
                .collect(),
        }),
        _ => Cow::Borrowed(t),
    }
}

fn has_duration(t: &ColumnType) -> bool {
    match t {
        ColumnType::Duration => true,
        ColumnType::List(e) | ColumnType::Set(e) => has_duration(e),
        ColumnType::Map(k, v) => has_duration(k) || has_duration(v),
        ColumnType::Tuple(items) => items.iter().any(has_duration),
        ColumnType::Udt { fields, .. } => fields.iter().any(|(_, t)| has_duration(t)),
        _ => false,
    }
}

fn write_specs(
    out: &mut Vec<u8>,
    columns: &[ColumnSpec],
    version: ProtocolVersion,
) -> Result<(), EncodeError> {
    let global = global_spec(columns);
    if let Some((ks, table)) = global {
        put_string(out, ks, "keyspace")?;
        put_string(out, table, "table")?;
    }
    for c in columns {
        if global.is_none() {
            put_string(out, &c.keyspace, "keyspace")?;
            put_string(out, &c.table, "table")?;
        }
        put_string(out, &c.name, "column name")?;
        write_type(&type_for_version(&c.typ, version), out)?;
    }
    Ok(())
}

fn read_specs(
    r: &mut Reader<'_>,
    count: usize,
    global: bool,
) -> Result<Vec<ColumnSpec>, DecodeError> {
    let shared = if global {
        Some((r.string("keyspace")?, r.string("table")?))
    } else {
        None
    };
    // A column spec takes at least 4 bytes, which bounds the preallocation.
    let mut columns = Vec::with_capacity(count.min(r.remaining() / 4));
    for _ in 0..count {
        let (keyspace, table) = match shared {
            Some(kt) => kt,
            None => (r.string("keyspace")?, r.string("table")?),
        };
        let name = r.string("column name")?.to_owned();
        let typ = read_type(r)?;
        columns.push(ColumnSpec {
            keyspace: keyspace.to_owned(),
            table: table.to_owned(),
            name,
            typ,
        });
    }
    Ok(columns)
}

/// The empty spec list of a No_metadata result, shared (an `Arc::default()` would allocate
/// for every such response).
fn no_columns() -> Arc<Vec<ColumnSpec>> {
    static EMPTY: std::sync::LazyLock<Arc<Vec<ColumnSpec>>> =
        std::sync::LazyLock::new(Arc::default);
    EMPTY.clone()
}

/// Column specs already decoded on one connection, keyed by their wire bytes: a statement
/// run many times gets the same specs in every result, and decoding them (a string per
/// column name, boxed collection types) would cost several allocations per response.
///
/// A lookup checks whether the unread bytes *start with* a remembered block decoded for the
/// same column count and spec layout. The spec grammar is self-delimiting, so such bytes
/// decode to exactly the remembered specs; nothing else is assumed. Small and bounded: a
/// few dozen blocks, each at most a few KiB, replaced round-robin.
#[derive(Debug, Default)]
pub struct MetadataCache {
    entries: Vec<CachedSpecs>,
    /// Entry that answered last (checked first: a connection tends to repeat statements).
    last: usize,
    /// Entry to replace next when full.
    next: usize,
}

#[derive(Debug)]
struct CachedSpecs {
    count: usize,
    global: bool,
    raw: Box<[u8]>,
    columns: Arc<Vec<ColumnSpec>>,
}

impl MetadataCache {
    /// Blocks remembered at most.
    const ENTRIES: usize = 32;
    /// Larger spec blocks are decoded every time rather than kept.
    const MAX_BLOCK: usize = 4096;

    /// An empty cache.
    pub fn new() -> Self {
        MetadataCache::default()
    }

    /// Number of blocks remembered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is remembered yet.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn specs(
        &mut self,
        r: &mut Reader<'_>,
        count: usize,
        global: bool,
    ) -> Result<Arc<Vec<ColumnSpec>>, DecodeError> {
        let rest = r.rest();
        let matches =
            |e: &CachedSpecs| e.count == count && e.global == global && rest.starts_with(&e.raw);
        let hit = match self.entries.get(self.last) {
            Some(e) if matches(e) => Some(self.last),
            _ => self.entries.iter().position(matches),
        };
        if let Some(i) = hit
            && let Some(e) = self.entries.get(i)
        {
            r.take(e.raw.len(), "column specs")?;
            self.last = i;
            return Ok(e.columns.clone());
        }
        let columns = Arc::new(read_specs(r, count, global)?);
        let used = rest.len() - r.remaining();
        if let Some(raw) = rest.get(..used)
            && used <= Self::MAX_BLOCK
        {
            let entry = CachedSpecs {
                count,
                global,
                raw: raw.into(),
                columns: columns.clone(),
            };
            if self.entries.len() < Self::ENTRIES {
                self.last = self.entries.len();
                self.entries.push(entry);
            } else if let Some(slot) = self.entries.get_mut(self.next) {
                *slot = entry;
                self.last = self.next;
                self.next = (self.next + 1) % Self::ENTRIES;
            }
        }
        Ok(columns)
    }
}

impl ResultMetadata {
    /// Appends the `<metadata>` block. A new metadata id needs v5.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        super::super::request::params::v5_only(
            version,
            self.new_metadata_id.is_some(),
            "new result metadata id",
        )?;
        if !self.columns.is_empty() && self.columns.len() != self.column_count {
            return Err(EncodeError::Invalid {
                what: "result metadata",
                detail: format!(
                    "column_count {} but {} column specs",
                    self.column_count,
                    self.columns.len()
                ),
            });
        }
        let mut flags = 0;
        if global_spec(&self.columns).is_some() {
            flags |= GLOBAL_TABLES_SPEC;
        }
        if self.paging_state.is_some() {
            flags |= HAS_MORE_PAGES;
        }
        if self.columns.is_empty() {
            flags |= NO_METADATA;
        }
        if self.new_metadata_id.is_some() {
            flags |= METADATA_CHANGED;
        }
        put_i32(out, flags);
        put_count(out, self.column_count, "column count")?;
        if let Some(state) = &self.paging_state {
            put_bytes(out, Some(state), "paging state")?;
        }
        if let Some(id) = &self.new_metadata_id {
            put_short_bytes(out, id, "result metadata id")?;
        }
        write_specs(out, &self.columns, version)
    }

    /// Reads a `<metadata>` block.
    pub fn decode(r: &mut Reader<'_>, version: ProtocolVersion) -> Result<Self, DecodeError> {
        Self::decode_cached(r, version, None)
    }

    /// Reads a `<metadata>` block, taking the column specs from `cache` when the same bytes
    /// were decoded before.
    pub fn decode_cached(
        r: &mut Reader<'_>,
        version: ProtocolVersion,
        cache: Option<&mut MetadataCache>,
    ) -> Result<Self, DecodeError> {
        let flags = r.i32("metadata flags")?;
        let column_count = read_count(r, "column count")?;
        let paging_state = if flags & HAS_MORE_PAGES != 0 {
            r.bytes("paging state")?.map(Bytes::copy_from_slice)
        } else {
            None
        };
        let new_metadata_id = if flags & METADATA_CHANGED != 0 {
            if version == ProtocolVersion::V4 {
                return Err(DecodeError::Invalid {
                    what: "metadata flags",
                    detail: "Metadata_changed is a v5 flag".to_owned(),
                });
            }
            Some(Bytes::copy_from_slice(r.short_bytes("result metadata id")?))
        } else {
            None
        };
        let global = flags & GLOBAL_TABLES_SPEC != 0;
        let columns = if flags & NO_METADATA != 0 {
            no_columns()
        } else if let Some(cache) = cache {
            cache.specs(r, column_count, global)?
        } else {
            Arc::new(read_specs(r, column_count, global)?)
        };
        Ok(ResultMetadata {
            column_count,
            paging_state,
            new_metadata_id,
            columns,
        })
    }
}

impl PreparedMetadata {
    /// Appends the `<prepared metadata>` block (same layout in v4 and v5; the version only
    /// changes how `duration` is described).
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let flags = if global_spec(&self.columns).is_some() {
            GLOBAL_TABLES_SPEC
        } else {
            0
        };
        put_i32(out, flags);
        put_count(out, self.columns.len(), "bind marker count")?;
        put_count(out, self.pk_indexes.len(), "partition key count")?;
        for &i in &self.pk_indexes {
            put_u16(out, i);
        }
        write_specs(out, &self.columns, version)
    }

    /// Reads a `<prepared metadata>` block.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let flags = r.i32("prepared metadata flags")?;
        let count = read_count(r, "bind marker count")?;
        let pk_count = read_count(r, "partition key count")?;
        let mut pk_indexes = Vec::with_capacity(pk_count.min(r.remaining() / 2));
        for _ in 0..pk_count {
            pk_indexes.push(r.u16("partition key index")?);
        }
        let columns = read_specs(r, count, flags & GLOBAL_TABLES_SPEC != 0)?;
        Ok(PreparedMetadata {
            pk_indexes,
            columns,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ColumnType;

    fn col(table: &str, name: &str, typ: ColumnType) -> ColumnSpec {
        ColumnSpec {
            keyspace: "ks".into(),
            table: table.into(),
            name: name.into(),
            typ,
        }
    }

    #[test]
    fn global_spec_is_used_when_all_columns_share_a_table() {
        let m = ResultMetadata {
            column_count: 2,
            paging_state: Some(Bytes::from_static(b"p")),
            new_metadata_id: None,
            columns: vec![
                col("t", "a", ColumnType::Int),
                col("t", "b", ColumnType::List(Box::new(ColumnType::Text))),
            ]
            .into(),
        };
        let mut out = Vec::new();
        m.encode(ProtocolVersion::V4, &mut out).expect("encodes");
        let expected: &[u8] = &[
            0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 1, b'p', // flags, count, paging state
            0, 2, b'k', b's', 0, 1, b't', // global spec
            0, 1, b'a', 0, 9, // a int
            0, 1, b'b', 0, 0x20, 0, 0x0d, // b list<text>
        ];
        assert_eq!(out, expected);
        let mut r = Reader::new(&out);
        assert_eq!(ResultMetadata::decode(&mut r, ProtocolVersion::V4), Ok(m));
        assert_eq!(r.remaining(), 0);
    }

    fn encoded(columns: Vec<ColumnSpec>) -> Vec<u8> {
        let m = ResultMetadata {
            column_count: columns.len(),
            columns: columns.into(),
            ..ResultMetadata::default()
        };
        let mut out = Vec::new();
        m.encode(ProtocolVersion::V4, &mut out).expect("encodes");
        out
    }

    fn cached(cache: &mut MetadataCache, bytes: &[u8]) -> ResultMetadata {
        let mut r = Reader::new(bytes);
        let m = ResultMetadata::decode_cached(&mut r, ProtocolVersion::V4, Some(cache))
            .expect("decodes");
        assert_eq!(r.remaining(), 0, "the cache consumes exactly the specs");
        m
    }

    #[test]
    fn the_cache_shares_specs_only_for_the_same_bytes() {
        let mut cache = MetadataCache::new();
        let ab = encoded(vec![
            col("t", "a", ColumnType::Int),
            col("t", "b", ColumnType::Int),
        ]);
        let first = cached(&mut cache, &ab);
        let again = cached(&mut cache, &ab);
        assert!(Arc::ptr_eq(&first.columns, &again.columns), "decoded once");
        assert_eq!(
            first,
            ResultMetadata::decode(&mut Reader::new(&ab), ProtocolVersion::V4).expect("decodes")
        );

        // Same count and table, other name or type: decoded afresh, never confused.
        let ac = encoded(vec![
            col("t", "a", ColumnType::Int),
            col("t", "c", ColumnType::Int),
        ]);
        let other = cached(&mut cache, &ac);
        assert_eq!(other.columns[1].name, "c");
        let typed = encoded(vec![
            col("t", "a", ColumnType::Int),
            col("t", "b", ColumnType::Text),
        ]);
        assert_eq!(cached(&mut cache, &typed).columns[1].typ, ColumnType::Text);
        // A one-column block that is a prefix of the two-column one is keyed by its count.
        let a = encoded(vec![col("t", "a", ColumnType::Int)]);
        assert_eq!(cached(&mut cache, &a).columns.len(), 1);
        assert_eq!(cached(&mut cache, &ab).columns.len(), 2);
        assert_eq!(cache.len(), 4);

        // Bounded: many distinct blocks keep at most ENTRIES.
        for i in 0..100 {
            let bytes = encoded(vec![col("t", &format!("c{i}"), ColumnType::Int)]);
            assert_eq!(cached(&mut cache, &bytes).columns[0].name, format!("c{i}"));
        }
        assert_eq!(cache.len(), MetadataCache::ENTRIES);
        // A truncated block is still an error, not a cache hit.
        let mut r = Reader::new(&ab[..ab.len() - 1]);
        assert!(
            ResultMetadata::decode_cached(&mut r, ProtocolVersion::V4, Some(&mut cache)).is_err()
        );
    }

    #[test]
    fn mixed_tables_and_no_metadata() {
        let m = ResultMetadata {
            column_count: 2,
            paging_state: None,
            new_metadata_id: Some(Bytes::from_static(&[1, 2])),
            columns: vec![
                col("t", "a", ColumnType::Int),
                col("u", "b", ColumnType::Int),
            ]
            .into(),
        };
        let mut out = Vec::new();
        m.encode(ProtocolVersion::V5, &mut out).expect("encodes");
        assert_eq!(&out[..4], &[0, 0, 0, 8]);
        let mut r = Reader::new(&out);
        assert_eq!(
            ResultMetadata::decode(&mut r, ProtocolVersion::V5),
            Ok(m.clone())
        );
        assert!(m.encode(ProtocolVersion::V4, &mut Vec::new()).is_err());

        let none = ResultMetadata {
            column_count: 3,
            ..Default::default()
        };
        let mut out = Vec::new();
        none.encode(ProtocolVersion::V4, &mut out).expect("encodes");
        assert_eq!(out, [0, 0, 0, 4, 0, 0, 0, 3]);
    }

    #[test]
    fn prepared_metadata_round_trip_and_negative_counts() {
        let m = PreparedMetadata {
            pk_indexes: vec![0],
            columns: vec![col("t", "k", ColumnType::Blob)],
        };
        let mut out = Vec::new();
        m.encode(ProtocolVersion::V4, &mut out).expect("encodes");
        assert_eq!(PreparedMetadata::decode(&mut Reader::new(&out)), Ok(m));
        let bad = [0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff];
        assert!(matches!(
            PreparedMetadata::decode(&mut Reader::new(&bad)),
            Err(DecodeError::InvalidLength { .. })
        ));
    }

    #[test]
    fn duration_is_a_custom_type_in_v4() {
        let typ = ColumnType::List(Box::new(ColumnType::Duration));
        let m = PreparedMetadata {
            pk_indexes: vec![],
            columns: vec![col("t", "d", typ.clone())],
        };
        let mut v5 = Vec::new();
        m.encode(ProtocolVersion::V5, &mut v5).expect("encodes");
        assert!(v5.ends_with(&[0, 0x20, 0, 0x15]));
        let mut v4 = Vec::new();
        m.encode(ProtocolVersion::V4, &mut v4).expect("encodes");
        let class = b"org.apache.cassandra.db.marshal.DurationType";
        assert!(v4.ends_with(class), "{v4:?}");
        // Decoding maps the custom class back, so v4 and v5 users see the same type.
        let back = PreparedMetadata::decode(&mut Reader::new(&v4)).expect("decodes");
        assert_eq!(back.columns[0].typ, typ);
    }
}

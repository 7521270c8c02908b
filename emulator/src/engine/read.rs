//! Reading one row of a partition: the serialized value of each column (assembling
//! non-frozen collections and UDTs from their element cells), its write time and TTL, and
//! the checks `WHERE` filters apply to values.

use std::cmp::Ordering;

use bytes::{BufMut, Bytes, BytesMut};
use cassia_protocol::types::ColumnType;

use super::schema::{Col, Table};
use crate::catalog::ColumnKind;
use crate::cql::ast::Operator;
use crate::store::compare::{compare, elements, map_elements};
use crate::store::{Cell, Row};

/// One row as the read path sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowRef<'a> {
    /// Partition key components.
    pub pk: &'a [&'a [u8]],
    /// Clustering values (empty for a partition's static-only row).
    pub ck: &'a [Bytes],
    /// The row (None for a static-only row).
    pub row: Option<&'a Row>,
    /// Deletion applying to the row from outside (partition, range tombstones).
    pub outer: Option<i64>,
    /// The static row and its outer deletion.
    pub statics: &'a Row,
    /// Partition deletion (for the static row).
    pub partition_del: Option<i64>,
    /// Now, in seconds.
    pub now: i64,
}

impl<'a> RowRef<'a> {
    fn source(&self, col: &Col) -> Option<(&'a Row, Option<i64>)> {
        match col.kind {
            ColumnKind::Static => Some((self.statics, self.partition_del)),
            _ => self.row.map(|r| (r, self.outer)),
        }
    }

    /// The live simple cell of a column.
    pub fn cell(&self, col: &Col) -> Option<&'a Cell> {
        let (row, outer) = self.source(col)?;
        row.cell(col.id, outer, self.now)
    }

    /// The serialized value of a column, or None for null.
    pub fn value(&self, table: &Table, idx: usize) -> Option<Bytes> {
        let col = table.cols.get(idx)?;
        match col.kind {
            ColumnKind::PartitionKey(_) => {
                let pos = table.pk.iter().position(|i| *i == idx)?;
                return self.pk.get(pos).map(|b| Bytes::copy_from_slice(b));
            }
            ColumnKind::Clustering(..) => {
                let pos = table.ck.iter().position(|i| *i == idx)?;
                return self.ck.get(pos).cloned();
            }
            _ => {}
        }
        if !col.multi_cell() {
            return self.cell(col).and_then(|c| c.value.clone());
        }
        let (row, outer) = self.source(col)?;
        let elems: Vec<_> = row.elems(col.id, outer, self.now).collect();
        if elems.is_empty() {
            return None;
        }
        let mut out = BytesMut::new();
        match &col.typ {
            ColumnType::Udt { fields, .. } => {
                let mut any = false;
                for i in 0..fields.len() {
                    let found = elems.iter().find(|(k, _)| {
                        <[u8; 2]>::try_from(k.bytes.as_ref())
                            .ok()
                            .map(i16::from_be_bytes)
                            == Some(i as i16)
                    });
                    match found.and_then(|(_, c)| c.value.as_ref()) {
                        Some(v) => {
                            any = true;
                            out.put_i32(v.len() as i32);
                            out.put_slice(v);
                        }
                        None => out.put_i32(-1),
                    }
                }
                if !any {
                    return None;
                }
            }
            ColumnType::Set(_) => {
                out.put_i32(elems.len() as i32);
                for (k, _) in &elems {
                    out.put_i32(k.bytes.len() as i32);
                    out.put_slice(&k.bytes);
                }
            }
            ColumnType::Map(..) => {
                out.put_i32(elems.len() as i32);
                for (k, c) in &elems {
                    let v = c.value.clone().unwrap_or_default();
                    out.put_i32(k.bytes.len() as i32);
                    out.put_slice(&k.bytes);
                    out.put_i32(v.len() as i32);
                    out.put_slice(&v);
                }
            }
            _ => {
                out.put_i32(elems.len() as i32);
                for (_, c) in &elems {
                    let v = c.value.clone().unwrap_or_default();
                    out.put_i32(v.len() as i32);
                    out.put_slice(&v);
                }
            }
        }
        Some(out.freeze())
    }
}

/// Whether a cell value passes `op value` (filtering), with CONTAINS / CONTAINS KEY on
/// collections and `m[key] = v` on maps.
pub(crate) fn passes(
    typ: &ColumnType,
    cell: Option<&[u8]>,
    op: Operator,
    value: &[u8],
    map_key: Option<&[u8]>,
) -> bool {
    let Some(cell) = cell else { return false };
    if let Some(key) = map_key {
        let ColumnType::Map(k, v) = typ else {
            return false;
        };
        let items = map_elements(cell);
        return items
            .chunks_exact(2)
            .any(|kv| compare(k, kv[0], key).is_eq() && cmp_op(compare(v, kv[1], value), op));
    }
    match (op, typ) {
        (Operator::Contains, ColumnType::List(e) | ColumnType::Set(e)) => {
            elements(cell).iter().any(|x| compare(e, x, value).is_eq())
        }
        (Operator::Contains, ColumnType::Map(_, v)) => map_elements(cell)
            .chunks_exact(2)
            .any(|kv| compare(v, kv[1], value).is_eq()),
        (Operator::ContainsKey, ColumnType::Map(k, _)) => map_elements(cell)
            .chunks_exact(2)
            .any(|kv| compare(k, kv[0], value).is_eq()),
        _ => cmp_op(compare(typ, cell, value), op),
    }
}

fn cmp_op(o: Ordering, op: Operator) -> bool {
    match op {
        Operator::Eq => o.is_eq(),
        Operator::Ne => !o.is_eq(),
        Operator::Lt => o.is_lt(),
        Operator::Le => o.is_le(),
        Operator::Gt => o.is_gt(),
        Operator::Ge => o.is_ge(),
        _ => false,
    }
}

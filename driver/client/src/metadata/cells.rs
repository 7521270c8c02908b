//! Reading `system_schema` cells by column name, so that a column the server lacks (other
//! Cassandra versions) reads as `None` instead of failing, while a value of an unexpected
//! type is an error naming the table and the column.

use std::collections::BTreeMap;

use cassia_protocol::row::Row;
use cassia_protocol::value::CqlValue;
use uuid::Uuid;

use crate::error::MetadataError;

/// One `system_schema` row and the table it came from (for errors).
pub(super) struct Cells<'a> {
    pub(super) table: &'static str,
    pub(super) row: &'a Row,
}

impl Cells<'_> {
    /// The value of column `name`: `None` when the row has no such column or it is null.
    fn get<T>(
        &self,
        name: &str,
        expected: &'static str,
        read: impl Fn(&CqlValue) -> Option<T>,
    ) -> Result<Option<T>, MetadataError> {
        let Ok(Some(value)) = self.row.get(name) else {
            return Ok(None);
        };
        read(value).map(Some).ok_or_else(|| MetadataError::Decode {
            table: self.table,
            column: name.to_owned(),
            expected,
            found: value_kind(value),
        })
    }

    /// The text columns naming a row (`keyspace_name`, `table_name`, ...); `None` if one is
    /// missing or null, for the caller to skip the row.
    pub(super) fn names<const N: usize>(
        &self,
        columns: [&str; N],
    ) -> Result<Option<[String; N]>, MetadataError> {
        let mut out = Vec::with_capacity(N);
        for column in columns {
            match self.text(column)? {
                Some(name) => out.push(name),
                None => return Ok(None),
            }
        }
        Ok(out.try_into().ok())
    }

    pub(super) fn text(&self, name: &str) -> Result<Option<String>, MetadataError> {
        self.get(name, "text", text)
    }

    pub(super) fn int(&self, name: &str) -> Result<Option<i32>, MetadataError> {
        self.get(name, "int", |v| match v {
            CqlValue::Int(i) => Some(*i),
            _ => None,
        })
    }

    pub(super) fn double(&self, name: &str) -> Result<Option<f64>, MetadataError> {
        self.get(name, "double", |v| match v {
            CqlValue::Double(d) => Some(*d),
            CqlValue::Float(f) => Some(f64::from(*f)),
            _ => None,
        })
    }

    pub(super) fn boolean(&self, name: &str) -> Result<Option<bool>, MetadataError> {
        self.get(name, "boolean", |v| match v {
            CqlValue::Boolean(b) => Some(*b),
            _ => None,
        })
    }

    pub(super) fn uuid(&self, name: &str) -> Result<Option<Uuid>, MetadataError> {
        self.get(name, "uuid", |v| match v {
            CqlValue::Uuid(u) | CqlValue::Timeuuid(u) => Some(*u),
            _ => None,
        })
    }

    pub(super) fn text_list(&self, name: &str) -> Result<Option<Vec<String>>, MetadataError> {
        self.get(name, "list<text>", |v| match v {
            CqlValue::List(items) | CqlValue::Set(items) => items.iter().map(text).collect(),
            _ => None,
        })
    }

    pub(super) fn text_map(
        &self,
        name: &str,
    ) -> Result<Option<BTreeMap<String, String>>, MetadataError> {
        self.get(name, "map<text, text>", |v| match v {
            CqlValue::Map(entries) => entries
                .iter()
                .map(|(k, v)| Some((text(k)?, text(v)?)))
                .collect(),
            _ => None,
        })
    }

    pub(super) fn blob_map(
        &self,
        name: &str,
    ) -> Result<Option<BTreeMap<String, Vec<u8>>>, MetadataError> {
        self.get(name, "map<text, blob>", |v| match v {
            CqlValue::Map(entries) => entries
                .iter()
                .map(|(k, v)| match v {
                    CqlValue::Blob(b) => Some((text(k)?, b.to_vec())),
                    _ => None,
                })
                .collect(),
            _ => None,
        })
    }
}

fn text(v: &CqlValue) -> Option<String> {
    match v {
        CqlValue::Text(s) | CqlValue::Ascii(s) => Some(s.clone()),
        _ => None,
    }
}

/// A short name of the value's type, for the error message.
fn value_kind(v: &CqlValue) -> &'static str {
    match v {
        CqlValue::Text(_) | CqlValue::Ascii(_) => "text",
        CqlValue::Int(_) => "int",
        CqlValue::BigInt(_) => "bigint",
        CqlValue::Double(_) => "double",
        CqlValue::Float(_) => "float",
        CqlValue::Boolean(_) => "boolean",
        CqlValue::Blob(_) => "blob",
        CqlValue::Uuid(_) | CqlValue::Timeuuid(_) => "uuid",
        CqlValue::Map(_) => "map",
        CqlValue::List(_) => "list",
        CqlValue::Set(_) => "set",
        _ => "another type",
    }
}

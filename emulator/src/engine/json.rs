//! JSON support: `INSERT ... JSON '{...}'` (JSON values become CQL terms, so they go through
//! the same coercion and error paths as literals) and `SELECT JSON` (each row rendered as
//! one `[json]` text cell, in Cassandra's formats: timestamps as `yyyy-MM-dd HH:mm:ss.SSSZ`,
//! blobs as `0x..`, UUIDs, dates and times as strings, non-text map keys quoted).

use std::fmt::Write as _;

use bytes::Bytes;
use cassia_protocol::response::ServerError;
use cassia_protocol::types::ColumnType;
use cassia_protocol::value::CqlValue;
use serde_json::Value;

use super::schema::Table;
use crate::catalog::{invalid, quote_ident};
use crate::cql::ast::{Literal, Term};
use crate::cql::hex_bytes;

/// The `(column, term)` pairs of an INSERT JSON object; with `default_null`, columns the
/// object omits are set to null (`DEFAULT NULL`), else left alone (`DEFAULT UNSET`).
pub(crate) fn insert_terms(
    table: &Table,
    json: &str,
    default_null: bool,
) -> Result<Vec<(String, Term)>, ServerError> {
    let parsed: Value = serde_json::from_str(json).map_err(|e| {
        invalid(format!(
            "Could not decode JSON string as a map: {e}. (String was: {json})"
        ))
    })?;
    let Value::Object(map) = parsed else {
        return Err(invalid(format!(
            "Could not decode JSON string as a map: not an object. (String was: {json})"
        )));
    };
    let mut out = Vec::with_capacity(map.len());
    for (key, v) in &map {
        // Keys are column names as CQL identifiers: quoted ones keep their case.
        let name = match key.strip_prefix('"').and_then(|k| k.strip_suffix('"')) {
            Some(quoted) => quoted.to_owned(),
            None => key.to_lowercase(),
        };
        let Some((_, col)) = table.col(&name) else {
            return Err(invalid(format!(
                "JSON values map contains unrecognized column: {key}"
            )));
        };
        out.push((col.name.clone(), term(v, &col.typ, &col.name)?));
    }
    if default_null {
        for col in &table.cols {
            if !out.iter().any(|(n, _)| *n == col.name) && !col.kind.is_primary_key() {
                out.push((col.name.clone(), Term::Literal(Literal::Null)));
            }
        }
    }
    Ok(out)
}

fn bad(v: &Value, typ: &ColumnType, name: &str) -> ServerError {
    invalid(format!(
        "Error decoding JSON value for {name}: Expected a value of type {typ}, but got {v}"
    ))
}

/// `fromJson(text)`: the JSON document as a CQL term for a receiver of type `typ`.
pub(crate) fn term_for(json: &str, typ: &ColumnType, name: &str) -> Result<Term, ServerError> {
    let v: Value = serde_json::from_str(json)
        .map_err(|e| invalid(format!("Could not decode JSON string '{json}': {e}")))?;
    term(&v, typ, name)
}

/// `toJson(x)`: a value rendered as JSON.
pub(crate) fn to_json(typ: &ColumnType, bytes: &[u8]) -> String {
    let mut out = String::new();
    match CqlValue::deserialize(typ, bytes) {
        Ok(v) => render_value(&v, &mut out),
        Err(_) => out.push_str("null"),
    }
    out
}

/// A JSON value for a receiver of type `typ`, as a CQL term.
fn term(v: &Value, typ: &ColumnType, name: &str) -> Result<Term, ServerError> {
    use ColumnType as T;
    let lit = |l: Literal| Ok(Term::Literal(l));
    match (v, typ) {
        (Value::Null, _) => lit(Literal::Null),
        (Value::Number(n), T::Float | T::Double | T::Decimal) => lit(Literal::Float(n.to_string())),
        (Value::Number(n), _) if n.is_f64() => lit(Literal::Float(n.to_string())),
        (Value::Number(n), _) => lit(Literal::Integer(n.to_string())),
        (Value::Bool(b), T::Boolean) => lit(Literal::Bool(*b)),
        (Value::String(s), T::Boolean) => match s.to_lowercase().as_str() {
            "true" => lit(Literal::Bool(true)),
            "false" => lit(Literal::Bool(false)),
            _ => Err(bad(v, typ, name)),
        },
        (Value::String(s), T::Blob) => {
            let hex = s.strip_prefix("0x").ok_or_else(|| bad(v, typ, name))?;
            let bytes = hex_bytes(hex).ok_or_else(|| bad(v, typ, name))?;
            lit(Literal::Blob(bytes, s.clone()))
        }
        (Value::String(s), T::Uuid | T::Timeuuid) => uuid::Uuid::parse_str(s)
            .map_err(|_| bad(v, typ, name))
            .map(|u| Term::Literal(Literal::Uuid(u))),
        (
            Value::String(s),
            T::Int | T::BigInt | T::SmallInt | T::TinyInt | T::Varint | T::Counter,
        ) => lit(Literal::Integer(s.clone())),
        (Value::String(s), T::Float | T::Double | T::Decimal) => lit(Literal::Float(s.clone())),
        (Value::String(s), T::Duration) => lit(Literal::Duration(s.clone())),
        (Value::String(s), _) => lit(Literal::String(s.clone())),
        (Value::Array(items), T::List(e) | T::Set(e) | T::Vector { element: e, .. }) => {
            let terms = items
                .iter()
                .map(|i| term(i, e, name))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if matches!(typ, T::Set(_)) {
                Term::Set(terms)
            } else {
                Term::List(terms)
            })
        }
        (Value::Array(items), T::Tuple(types)) => Ok(Term::Tuple(
            items
                .iter()
                .zip(types.iter())
                .map(|(i, t)| term(i, t, name))
                .collect::<Result<Vec<_>, _>>()?,
        )),
        (Value::Object(map), T::Map(k, val)) => {
            let mut entries = Vec::with_capacity(map.len());
            for (key, value) in map {
                let key_term = match k.as_ref() {
                    T::Text | T::Ascii => Term::Literal(Literal::String(key.clone())),
                    other => {
                        let parsed: Value =
                            serde_json::from_str(key).unwrap_or(Value::String(key.clone()));
                        term(&parsed, other, name)?
                    }
                };
                entries.push((key_term, term(value, val, name)?));
            }
            Ok(Term::Map(entries))
        }
        (Value::Object(map), T::Udt { fields, .. }) => {
            let mut out = Vec::with_capacity(map.len());
            for (key, value) in map {
                let Some((f, ft)) = fields
                    .iter()
                    .find(|(f, _)| f == key || *f == key.to_lowercase())
                else {
                    return Err(invalid(format!(
                        "Unknown field '{key}' in value of user defined type {typ}"
                    )));
                };
                out.push((f.clone(), term(value, ft, name)?));
            }
            Ok(Term::Udt(out))
        }
        _ => Err(bad(v, typ, name)),
    }
}

/// One `SELECT JSON` row: `{"col": value, ...}` with Cassandra's key quoting.
pub(crate) fn render_row(columns: &[(String, ColumnType)], cells: &[Option<Bytes>]) -> String {
    let mut out = String::from("{");
    for (i, ((name, typ), cell)) in columns.iter().zip(cells.iter()).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let key = quote_ident(name);
        out.push_str(&json_string(&key));
        out.push_str(": ");
        match cell {
            None => out.push_str("null"),
            Some(b) => match CqlValue::deserialize(typ, b) {
                Ok(v) => render_value(&v, &mut out),
                Err(_) => out.push_str("null"),
            },
        }
    }
    out.push('}');
    out
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

fn render_value(v: &CqlValue, out: &mut String) {
    match v {
        CqlValue::Ascii(s) | CqlValue::Text(s) => out.push_str(&json_string(s)),
        CqlValue::BigInt(n) | CqlValue::Counter(n) => {
            let _ = write!(out, "{n}");
        }
        CqlValue::Int(n) => {
            let _ = write!(out, "{n}");
        }
        CqlValue::SmallInt(n) => {
            let _ = write!(out, "{n}");
        }
        CqlValue::TinyInt(n) => {
            let _ = write!(out, "{n}");
        }
        CqlValue::Varint(n) => {
            let _ = write!(out, "{n}");
        }
        CqlValue::Decimal(d) => {
            let _ = write!(out, "{d}");
        }
        CqlValue::Double(d) => render_float(*d, out),
        CqlValue::Float(f) => render_float(f64::from(*f), out),
        CqlValue::Boolean(b) => {
            let _ = write!(out, "{b}");
        }
        CqlValue::Blob(b) | CqlValue::Custom(b) => {
            out.push_str("\"0x");
            for byte in b {
                let _ = write!(out, "{byte:02x}");
            }
            out.push('"');
        }
        CqlValue::Timestamp(t) => {
            let text = chrono::DateTime::from_timestamp_millis(t.0)
                .map(|d| d.format("%Y-%m-%d %H:%M:%S%.3fZ").to_string())
                .unwrap_or_else(|| t.0.to_string());
            out.push_str(&json_string(&text));
        }
        CqlValue::List(items) | CqlValue::Set(items) | CqlValue::Vector(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                render_value(item, out);
            }
            out.push(']');
        }
        CqlValue::Map(entries) => {
            out.push('{');
            for (i, (k, val)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let mut key = String::new();
                render_value(k, &mut key);
                if key.starts_with('"') {
                    out.push_str(&key);
                } else {
                    out.push_str(&json_string(&key));
                }
                out.push_str(": ");
                render_value(val, out);
            }
            out.push('}');
        }
        CqlValue::Tuple(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                match item {
                    Some(v) => render_value(v, out),
                    None => out.push_str("null"),
                }
            }
            out.push(']');
        }
        CqlValue::Udt { fields, .. } => {
            out.push('{');
            for (i, (name, item)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&json_string(&quote_ident(name)));
                out.push_str(": ");
                match item {
                    Some(v) => render_value(v, out),
                    None => out.push_str("null"),
                }
            }
            out.push('}');
        }
        CqlValue::Empty => out.push_str("null"),
        CqlValue::Date(d) => out.push_str(&json_string(&super::literal::date_text(d.0))),
        // uuid, timeuuid, inet, time, duration: their CQL text, as a JSON string.
        other => {
            let text = other.to_string();
            let text = text.trim_matches('\'');
            out.push_str(&json_string(text));
        }
    }
}

fn render_float(d: f64, out: &mut String) {
    if d.is_finite() {
        let _ = write!(out, "{d:?}");
    } else if d.is_nan() {
        out.push_str("NaN");
    } else if d > 0.0 {
        out.push_str("Infinity");
    } else {
        out.push_str("-Infinity");
    }
}

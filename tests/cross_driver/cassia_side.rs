//! Cassia's side of the suite: writing every case three ways, and reading back the rows the
//! Python driver wrote.
//!
//! Write kinds (the second part of a row id): `prepared` (PREPARE + EXECUTE), `bound` (a
//! simple statement with bound values, `Session::query(cql, values)`) and `literal` (the
//! value rendered into the CQL text by `CqlValue`'s `Display`, sent as a plain QUERY).

use cassia_driver::{CqlValue, Row, Session};

use crate::compare::{render, same_opt};
use crate::values::{Case, Values};
use crate::{Failure, Mismatch};

/// The ways Cassia writes a value (`typed`: bound as a plain Rust type, see `typed.rs`).
/// `mapper`: an INSERT of a `#[derive(Model)]` struct, see `mapper_side.rs`.
pub const KINDS: [&str; 5] = ["prepared", "bound", "literal", "typed", "mapper"];

fn insert(case: &Case, marker_id: &str, marker_value: &str) -> String {
    if case.counter {
        format!(
            "UPDATE {t} SET {c} = {c} + {marker_value} WHERE id = {marker_id}",
            t = case.table,
            c = case.column
        )
    } else {
        format!(
            "INSERT INTO {} (id, {}) VALUES ({marker_id}, {marker_value})",
            case.table, case.column
        )
    }
}

async fn write_one(session: &Session, case: &Case, kind: &str, id: &str) -> Result<(), String> {
    let value: Option<&CqlValue> = case.value.as_ref();
    let cql = insert(case, "?", "?");
    let counter = case.counter;
    let result = match kind {
        "prepared" => {
            let prepared = session
                .prepare(cql.as_str())
                .await
                .map_err(|e| e.to_string())?;
            if counter {
                session.execute(&prepared, (value, id)).await
            } else {
                session.execute(&prepared, (id, value)).await
            }
        }
        "bound" => {
            if counter {
                session.query(cql.as_str(), (value, id)).await
            } else {
                session.query(cql.as_str(), (id, value)).await
            }
        }
        "typed" => match crate::typed::write_typed(session, case, id, &cql).await {
            Some(r) => return r,
            None => return Err(NO_RUST_TYPE.to_string()),
        },
        "mapper" => match crate::mapper_side::write(session, case, id).await {
            Some(r) => return r,
            None => return Err(NO_MODEL.to_string()),
        },
        _ => {
            let literal = value.map_or_else(|| "NULL".to_string(), CqlValue::to_string);
            let text = insert(case, &format!("'{id}'"), &literal);
            session.query(text.as_str(), ()).await
        }
    };
    result.map(|_| ()).map_err(|e| e.to_string())
}

/// `write_one`'s error for a column without a plain Rust type (a UDT): skipped, not failed.
const NO_RUST_TYPE: &str =
    "no plain Rust type (user-defined types are mapped by the derive macros)";

/// `write_one`'s error for a table the model of `mapper_side.rs` does not cover: skipped.
const NO_MODEL: &str = "no model for this table in mapper_side.rs (counters and vectors)";

/// What Cassia wrote: row ids written, combinations skipped (row, type, why) and failures
/// (a statement the node or the driver refused).
#[derive(Debug, Default)]
pub struct Written {
    pub rows: Vec<String>,
    pub skipped: Vec<(String, String, String)>,
    pub failures: Vec<Mismatch>,
}

/// Writes every case of `values` in every kind.
pub async fn write_all(session: &Session, values: &Values) -> Written {
    let mut out = Written::default();
    for case in &values.cases {
        for kind in KINDS {
            let id = case.row_id("rs", kind);
            if let (Some(why), "literal") = (&case.no_literal, kind) {
                out.skipped.push((id, case.type_text.clone(), why.clone()));
                continue;
            }
            match write_one(session, case, kind, &id).await {
                Ok(()) => out.rows.push(id),
                Err(e) if e == NO_RUST_TYPE || e == NO_MODEL => {
                    out.skipped.push((id, case.type_text.clone(), e))
                }
                Err(e) => out.failures.push(Mismatch {
                    row: id,
                    typ: case.type_text.clone(),
                    expected: render(case.value.as_ref()),
                    got: format!("write failed: {e}"),
                }),
            }
        }
    }
    out
}

async fn ids(session: &Session, table: &str) -> Result<Vec<String>, Failure> {
    let cql = format!("SELECT id FROM {table}");
    let mut stream = session
        .query_iter(cql.as_str(), ())
        .await
        .map_err(|e| Failure::setup(format!("{cql}: {e}")))?
        .rows_stream::<(String,)>();
    let mut out = Vec::new();
    while let Some(row) = stream.next_row().await {
        out.push(row.map_err(|e| Failure::setup(format!("{cql}: {e}")))?.0);
    }
    out.sort();
    Ok(out)
}

/// How Cassia reads a row back: a prepared SELECT (EXECUTE), or a plain QUERY with the id
/// as a literal (the result metadata then comes with the rows, not from the preparation).
const READS: [&str; 2] = ["EXECUTE", "QUERY"];

async fn read_one(
    session: &Session,
    case: &Case,
    id: &str,
    how: &str,
) -> Result<Option<CqlValue>, String> {
    let result = if how == "QUERY" {
        let cql = format!(
            "SELECT {} FROM {} WHERE id = '{id}'",
            case.column, case.table
        );
        session.query(cql.as_str(), ()).await
    } else {
        let cql = format!("SELECT {} FROM {} WHERE id = ?", case.column, case.table);
        session.query(cql.as_str(), (id,)).await
    };
    let result = result.map_err(|e| e.to_string())?;
    let row: Option<Row> = result.maybe_first().map_err(|e| e.to_string())?;
    let row = row.ok_or_else(|| "no row".to_string())?;
    let value = row.get(0).map_err(|e| e.to_string())?;
    Ok(value.cloned())
}

/// Reads every row the writer `writer` left, comparing it with its case; returns the row
/// ids checked and the mismatches.
pub async fn check_all(
    session: &Session,
    values: &Values,
    writer: &str,
) -> Result<(Vec<String>, Vec<Mismatch>), Failure> {
    let mut checked = Vec::new();
    let mut mismatches = Vec::new();
    for table in &values.tables {
        let table = &table.name;
        for id in ids(session, table).await? {
            let mut parts = id.splitn(4, ':');
            let (Some(w), Some(_kind), Some(column), Some(case_id)) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            if w != writer {
                continue;
            }
            let Some(case) = values
                .cases
                .iter()
                .find(|c| &c.table == table && c.column == column && c.id == case_id)
            else {
                return Err(Failure::setup(format!(
                    "row {id} matches no case of values.json"
                )));
            };
            checked.push(id.clone());
            for how in READS {
                let got = read_one(session, case, &id, how).await;
                let ok = matches!(&got, Ok(v) if same_opt(case.expected.as_ref(), v.as_ref()));
                if !ok {
                    mismatches.push(Mismatch {
                        row: id.clone(),
                        typ: case.type_text.clone(),
                        expected: render(case.expected.as_ref()),
                        got: match got {
                            Ok(v) => format!("(read by {how}) {}", render(v.as_ref())),
                            Err(e) => format!("(read by {how}) read failed: {e}"),
                        },
                    });
                }
            }
            let typed = crate::typed::read_typed(session, case, &id).await;
            let model = crate::mapper_side::read(session, case, &id).await;
            for e in [typed, model].into_iter().flatten().filter_map(Result::err) {
                mismatches.push(Mismatch {
                    row: id.clone(),
                    typ: case.type_text.clone(),
                    expected: render(case.expected.as_ref()),
                    got: e,
                });
            }
        }
    }
    Ok((checked, mismatches))
}

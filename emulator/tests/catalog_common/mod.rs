//! Helpers shared by the catalog tests: run CQL through the real parser into a catalog, and
//! read system tables as rows keyed by column name.

#![allow(dead_code)]

use cassia_emulator::catalog::{Catalog, DdlOutcome};
use cassia_emulator::cql::parse_statement;
use cassia_emulator::engine::EngineConfig;
use cassia_protocol::response::{ErrorKind, ServerError};
use cassia_protocol::value::CqlValue;

/// Parses and applies one DDL statement.
pub fn ddl(
    catalog: &mut Catalog,
    cql: &str,
    current: Option<&str>,
) -> Result<DdlOutcome, ServerError> {
    let stmt = match parse_statement(cql) {
        Ok(s) => s,
        Err(e) => panic!("test CQL does not parse: {cql}: {e:?}"),
    };
    catalog.apply(&stmt, current)
}

/// Applies DDL that must succeed.
pub fn ok(catalog: &mut Catalog, cql: &str) -> DdlOutcome {
    match ddl(catalog, cql, None) {
        Ok(o) => o,
        Err(e) => panic!("{cql} failed: {e:?}"),
    }
}

/// Applies DDL that must fail, returning the error.
pub fn err(catalog: &mut Catalog, cql: &str) -> ServerError {
    match ddl(catalog, cql, None) {
        Ok(o) => panic!("{cql} unexpectedly succeeded: {o:?}"),
        Err(e) => e,
    }
}

/// Asserts an Unauthorized (0x2100) error with exactly this message.
pub fn assert_unauthorized(catalog: &mut Catalog, cql: &str, message: &str) {
    let e = err(catalog, cql);
    assert_eq!(e.kind, ErrorKind::Unauthorized, "{cql}: {e:?}");
    assert_eq!(e.message, message, "{cql}");
}

/// Asserts an Invalid (0x2200) error with exactly this message.
pub fn assert_invalid(catalog: &mut Catalog, cql: &str, message: &str) {
    let e = err(catalog, cql);
    assert_eq!(e.kind, ErrorKind::Invalid, "{cql}: {e:?}");
    assert_eq!(e.message, message, "{cql}");
}

/// A catalog with keyspace `ks` (SimpleStrategy, RF 1).
pub fn with_keyspace() -> Catalog {
    let mut c = Catalog::new();
    ok(
        &mut c,
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    c
}

/// The rows of a generated system table as (column name, value) lists.
pub fn rows(catalog: &Catalog, ks: &str, table: &str) -> Vec<Vec<(String, Option<CqlValue>)>> {
    let def = catalog.table(ks, table).expect("system table exists");
    let rows = catalog
        .system_rows(&EngineConfig::default(), ks, table)
        .expect("generated table");
    rows.into_iter()
        .map(|r| {
            assert_eq!(r.len(), def.columns.len());
            def.columns.iter().map(|c| c.name.clone()).zip(r).collect()
        })
        .collect()
}

/// The value of a column in a named row.
pub fn get<'a>(row: &'a [(String, Option<CqlValue>)], column: &str) -> &'a Option<CqlValue> {
    &row.iter()
        .find(|(n, _)| n == column)
        .expect("column present")
        .1
}

/// Text value helper.
pub fn t(s: &str) -> Option<CqlValue> {
    Some(CqlValue::Text(s.to_owned()))
}

/// Rows of `table` filtered on keyspace_name (and table_name when given).
pub fn schema_rows(
    catalog: &Catalog,
    table: &str,
    ks: &str,
    tbl: Option<&str>,
) -> Vec<Vec<(String, Option<CqlValue>)>> {
    rows(catalog, "system_schema", table)
        .into_iter()
        .filter(|r| get(r, "keyspace_name") == &t(ks))
        .filter(|r| tbl.is_none_or(|name| get(r, "table_name") == &t(name)))
        .collect()
}

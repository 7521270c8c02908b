//! Not a regular test: `cargo test --test catalog_dump -- --ignored --nocapture` prints the
//! generated schema tables as Python literals, so the official Python driver's metadata
//! parser can be run over them by hand (see the catalog report).

mod catalog_common;

use cassia_emulator::catalog::Catalog;
use cassia_emulator::engine::EngineConfig;
use cassia_protocol::value::CqlValue;
use catalog_common::*;

fn py(v: &Option<CqlValue>) -> String {
    match v {
        None => "None".into(),
        Some(v) => py_value(v),
    }
}

fn py_value(v: &CqlValue) -> String {
    match v {
        CqlValue::Text(s) | CqlValue::Ascii(s) => format!("{s:?}"),
        CqlValue::Int(i) => i.to_string(),
        CqlValue::Boolean(b) => if *b { "True" } else { "False" }.into(),
        CqlValue::Double(d) => format!("{d:?}"),
        CqlValue::Uuid(u) | CqlValue::Timeuuid(u) => format!("uuid.UUID('{u}')"),
        CqlValue::Blob(b) => format!("bytes({b:?})"),
        CqlValue::Inet(ip) => format!("'{ip}'"),
        CqlValue::Timestamp(t) => t.0.to_string(),
        CqlValue::List(items) => format!(
            "[{}]",
            items.iter().map(py_value).collect::<Vec<_>>().join(", ")
        ),
        CqlValue::Set(items) => format!(
            "SortedSet([{}])",
            items.iter().map(py_value).collect::<Vec<_>>().join(", ")
        ),
        CqlValue::Map(items) => format!(
            "{{{}}}",
            items
                .iter()
                .map(|(k, v)| format!("{}: {}", py_value(k), py_value(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => format!("{other:?}"),
    }
}

#[test]
#[ignore]
fn dump_schema_tables() {
    let mut c = Catalog::new();
    for cql in [
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        "CREATE TYPE ks.address (street text, zip int, phones list<text>)",
        "CREATE TYPE ks.person (name text, addr frozen<address>)",
        "CREATE TABLE ks.posts (user text, at timeuuid, title text, tags set<text>, addr frozen<address>, \
         likes int static, t tuple<int, text>, m map<text, frozen<list<int>>>, PRIMARY KEY ((user), at)) \
         WITH CLUSTERING ORDER BY (at DESC) AND comment = 'blog posts' AND default_time_to_live = 3600",
        "CREATE INDEX posts_title_idx ON ks.posts (title)",
        "CREATE INDEX ON ks.posts (KEYS(m))",
        "CREATE TABLE ks.cnt (k text PRIMARY KEY, n counter)",
        "CREATE TABLE ks.comp (a int, b int, c int, d int, e int, PRIMARY KEY ((a, b), c, d))",
        "ALTER TABLE ks.comp DROP e",
    ] {
        ok(&mut c, cql);
    }
    let cfg = EngineConfig::default();
    for (ks, table) in [
        ("system_schema", "keyspaces"),
        ("system_schema", "tables"),
        ("system_schema", "columns"),
        ("system_schema", "types"),
        ("system_schema", "indexes"),
        ("system_schema", "views"),
        ("system_schema", "functions"),
        ("system_schema", "aggregates"),
        ("system_schema", "triggers"),
        ("system_virtual_schema", "keyspaces"),
        ("system_virtual_schema", "tables"),
        ("system_virtual_schema", "columns"),
        ("system", "local"),
    ] {
        let def = c.table(ks, table).expect("table");
        let rows = c.system_rows(&cfg, ks, table).expect("rows");
        println!("ROWS[{:?}] = [", format!("{ks}.{table}"));
        for r in rows {
            let fields: Vec<String> = def
                .columns
                .iter()
                .zip(&r)
                .map(|(col, v)| format!("{:?}: {}", col.name, py(v)))
                .collect();
            println!("  {{{}}},", fields.join(", "));
        }
        println!("]");
    }
}

//! Checks the catalog against Cassandra's own traffic in the wire captures
//! (`<repo>/testdata/wire-captures`): the events pushed when the `wirecap` keyspace (6 tables,
//! 3 types) was dropped, and the error message for an unknown table.

mod catalog_common;

use std::path::PathBuf;

use cassia_emulator::catalog::Catalog;
use cassia_protocol::response::{SchemaChangeTarget, SchemaChangeType};
use catalog_common::*;

fn captures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/wire-captures")
}

/// Pulls `"key": "value"` out of a flat JSON fragment (enough for frames-index summaries).
fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let pat = format!("\"{key}\": \"");
    let start = line.find(&pat)? + pat.len();
    let end = line.get(start..)?.find('"')? + start;
    line.get(start..end)
}

/// The schema events of the control connection up to the first CREATED one: the DROP
/// KEYSPACE step, as (change, target kind, name).
fn captured_drop_events() -> Vec<(String, String, String)> {
    let path = captures().join("v4-plain/frames-index.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| l.contains("\"opcode\": \"EVENT\"") && l.contains("SCHEMA_CHANGE"))
        .map(|l| {
            let change = field(l, "change").unwrap_or_default().to_owned();
            let target = field(l, "target").unwrap_or_default().to_owned();
            let name = if target == "KEYSPACE" {
                field(l, "keyspace")
            } else {
                field(l, "name")
            };
            (change, target, name.unwrap_or_default().to_owned())
        })
        .take_while(|(change, _, _)| change == "DROPPED")
        .collect()
}

#[test]
fn drop_keyspace_events_match_cassandra() {
    let captured = captured_drop_events();
    assert_eq!(captured.len(), 10, "{captured:?}");

    let mut c = Catalog::new();
    ok(
        &mut c,
        "CREATE KEYSPACE wirecap WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    for cql in [
        "CREATE TYPE wirecap.address (street text, zip int, phones list<text>)",
        "CREATE TYPE wirecap.person (name text, age smallint, addr frozen<address>, tags set<text>, scores map<text, int>)",
        "CREATE TYPE wirecap.point (x int, y int)",
        "CREATE TABLE wirecap.all_types (pk int PRIMARY KEY, c_udt frozen<person>, c_point point)",
        "CREATE TABLE wirecap.counters (pk text PRIMARY KEY, hits counter, misses counter)",
        "CREATE TABLE wirecap.paged (pk int, ck int, v text, PRIMARY KEY (pk, ck))",
        "CREATE TABLE wirecap.kv (k text PRIMARY KEY, v int)",
        "CREATE TABLE wirecap.lwt (k text PRIMARY KEY, v int)",
        "CREATE TABLE wirecap.big (k int PRIMARY KEY, b blob)",
    ] {
        ok(&mut c, cql);
    }
    let out = ok(&mut c, "DROP KEYSPACE wirecap");
    let ours: Vec<(String, String, String)> = out
        .events
        .iter()
        .map(|e| {
            assert_eq!(e.change, SchemaChangeType::Dropped);
            match &e.target {
                SchemaChangeTarget::Keyspace { keyspace } => {
                    ("DROPPED".into(), "KEYSPACE".into(), keyspace.clone())
                }
                SchemaChangeTarget::Table { table, .. } => {
                    ("DROPPED".into(), "TABLE".into(), table.clone())
                }
                SchemaChangeTarget::Type { name, .. } => {
                    ("DROPPED".into(), "TYPE".into(), name.clone())
                }
                other => panic!("unexpected {other:?}"),
            }
        })
        .collect();
    // Same kinds in the same order (tables, then types, then the keyspace); tables come in
    // Cassandra's hash order there, so compare them as sets.
    let kinds = |v: &[(String, String, String)]| v.iter().map(|e| e.1.clone()).collect::<Vec<_>>();
    assert_eq!(kinds(&ours), kinds(&captured));
    let mut a = ours.clone();
    let mut b = captured.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert_eq!(ours[6..], captured[6..]);
}

#[test]
fn unknown_table_message_matches_cassandra() {
    let path = captures().join("v4-plain/expected.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(text.contains("\"error_message\": \"table no_such_table does not exist\""));
    let c = with_keyspace();
    let e = c.table("ks", "no_such_table").expect_err("missing");
    assert_eq!(e.message, "table no_such_table does not exist");
}

//! The system keyspaces present at start, their table definitions, and the rows of the
//! tables the catalog generates (`system.local`, `system_schema.*`).

use std::collections::BTreeMap;

use super::model::{KeyspaceDef, KeyspaceKind};

/// The system keyspaces with the replication Cassandra 4.0 reports for them.
pub(super) fn system_keyspaces() -> Vec<KeyspaceDef> {
    let local = [("class", "org.apache.cassandra.locator.LocalStrategy")];
    let simple = |rf: &str| {
        vec![
            (
                "class",
                "org.apache.cassandra.locator.SimpleStrategy".to_owned(),
            ),
            ("replication_factor", rf.to_owned()),
        ]
    };
    let mk = |name: &str, replication: Vec<(&str, String)>| KeyspaceDef {
        name: name.to_owned(),
        replication: replication
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect::<BTreeMap<_, _>>(),
        durable_writes: true,
        tables: BTreeMap::new(),
        types: BTreeMap::new(),
        kind: KeyspaceKind::System,
    };
    let local: Vec<(&str, String)> = local.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    vec![
        mk("system", local.clone()),
        mk("system_schema", local),
        mk("system_auth", simple("1")),
        mk("system_distributed", simple("3")),
        mk("system_traces", simple("2")),
    ]
}

//! `schema dump`: a [`LiveKeyspace`] as CQL that rebuilds it on a fresh cluster, in the
//! order Cassandra needs — the keyspace, user types (a type after the types it uses),
//! tables, then indexes. Within each kind objects are sorted by name, so two dumps of the
//! same schema are byte-identical and diff cleanly.
//!
//! Tables are written the way `DESCRIBE` writes them (key columns first, every option the
//! server reported), so the replayed `system_schema` rows equal the original ones.
//! Materialized views, functions, aggregates and triggers are not dumped.

use std::fmt::Write as _;

use super::{LiveIndex, LiveKeyspace, LiveTable, LiveTableOptions, LiveType};
use crate::schema::ident::{quote_ident, quote_string};

impl LiveKeyspace {
    /// The whole keyspace as CQL: `CREATE KEYSPACE`, `CREATE TYPE`s, `CREATE TABLE`s,
    /// `CREATE [CUSTOM] INDEX`es, names qualified with the keyspace. Each statement ends
    /// with `;` and a newline, and statements are separated by a blank line.
    pub fn to_cql(&self) -> String {
        let mut out = self.keyspace_cql();
        out.push('\n');
        out.push_str(&self.objects_cql(Some(&self.name)));
        out
    }

    /// The dump without its `CREATE KEYSPACE` statement and with unqualified names, to replay
    /// into a keyspace created separately (after `USE`, as migration files run) — possibly
    /// under another name or with other replication.
    pub fn without_keyspace_statement(&self) -> String {
        self.objects_cql(None)
    }

    fn keyspace_cql(&self) -> String {
        // `class` first, as Cassandra prints it; the rest (data centers) sorted.
        let mut entries: Vec<String> = Vec::new();
        if let Some(class) = self.replication.get("class") {
            entries.push(format!("'class': {}", quote_string(class)));
        }
        for (k, v) in self.replication.iter().filter(|(k, _)| *k != "class") {
            entries.push(format!("{}: {}", quote_string(k), quote_string(v)));
        }
        format!(
            "CREATE KEYSPACE {} WITH replication = {{{}}} AND durable_writes = {};\n",
            quote_ident(&self.name),
            entries.join(", "),
            self.durable_writes
        )
    }

    fn objects_cql(&self, keyspace: Option<&str>) -> String {
        let name = |object: &str| match keyspace {
            Some(ks) => format!("{}.{}", quote_ident(ks), quote_ident(object)),
            None => quote_ident(object),
        };
        let mut statements: Vec<String> = Vec::new();
        for t in self.types_in_dependency_order() {
            statements.push(type_cql(t, &name(&t.name)));
        }
        for t in &self.tables {
            statements.push(table_cql(t, &name(&t.name)));
        }
        let mut indexes: Vec<(&LiveIndex, &LiveTable)> = self
            .tables
            .iter()
            .flat_map(|t| t.indexes.iter().map(move |i| (i, t)))
            .collect();
        indexes.sort_by(|a, b| a.0.name.cmp(&b.0.name));
        for (index, table) in indexes {
            statements.push(index_cql(index, &name(&table.name)));
        }
        statements.join("\n")
    }
}

fn type_cql(t: &LiveType, name: &str) -> String {
    let fields: Vec<String> = t
        .fields
        .iter()
        .map(|(f, typ)| format!("    {} {typ}", quote_ident(f)))
        .collect();
    format!("CREATE TYPE {name} (\n{}\n);\n", fields.join(",\n"))
}

fn table_cql(t: &LiveTable, name: &str) -> String {
    let partition = t.partition_key();
    let clustering = t.clustering_columns();
    // Key columns in key order, then the others by name (as DESCRIBE lists them).
    let mut columns = partition.clone();
    columns.extend(clustering.iter().copied());
    let mut others: Vec<_> = t.columns.iter().filter(|c| !c.is_primary_key()).collect();
    others.sort_by(|a, b| a.name.cmp(&b.name));
    columns.extend(others);

    let mut lines: Vec<String> = columns
        .iter()
        .map(|c| {
            let mut line = format!("    {} {}", quote_ident(&c.name), c.cql_type);
            if c.is_static() {
                line.push_str(" static");
            }
            line
        })
        .collect();
    let names = |cols: &[&super::LiveColumn]| {
        cols.iter()
            .map(|c| quote_ident(&c.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut key = format!("(({})", names(&partition));
    if !clustering.is_empty() {
        let _ = write!(key, ", {}", names(&clustering));
    }
    key.push(')');
    lines.push(format!("    PRIMARY KEY {key}"));

    let mut with: Vec<String> = Vec::new();
    if !clustering.is_empty() {
        let order: Vec<String> = clustering
            .iter()
            .map(|c| {
                let dir = if c.clustering_order.eq_ignore_ascii_case("desc") {
                    "DESC"
                } else {
                    "ASC"
                };
                format!("{} {dir}", quote_ident(&c.name))
            })
            .collect();
        with.push(format!("CLUSTERING ORDER BY ({})", order.join(", ")));
    }
    with.extend(option_clauses(&t.options));
    let mut out = format!("CREATE TABLE {name} (\n{}\n)", lines.join(",\n"));
    if !with.is_empty() {
        out.push_str(" WITH ");
        out.push_str(&with.join("\n    AND "));
    }
    out.push_str(";\n");
    out
}

/// `name = literal` for every option the server reported, in name order.
fn option_clauses(o: &LiveTableOptions) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |name: &str, value: Option<String>| {
        if let Some(v) = value {
            out.push(format!("{name} = {v}"));
        }
    };
    let text = |v: &Option<String>| v.as_deref().map(quote_string);
    let map = |m: &Option<std::collections::BTreeMap<String, String>>| {
        m.as_ref().map(|m| {
            let items: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {}", quote_string(k), quote_string(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        })
    };
    // `{:?}` keeps a decimal point (`1.0`), which CQL needs to read a double.
    let double = |v: Option<f64>| v.map(|d| format!("{d:?}"));
    push("additional_write_policy", text(&o.additional_write_policy));
    push("bloom_filter_fp_chance", double(o.bloom_filter_fp_chance));
    push("caching", map(&o.caching));
    push("cdc", o.cdc.map(|b| b.to_string()));
    push("comment", text(&o.comment));
    push("compaction", map(&o.compaction));
    push("compression", map(&o.compression));
    push("crc_check_chance", double(o.crc_check_chance));
    push(
        "default_time_to_live",
        o.default_time_to_live.map(|v| v.to_string()),
    );
    // Cassandra reads extension values as hex strings; an empty map is the default and
    // is left out, since some versions refuse the option without a registered extension.
    push(
        "extensions",
        o.extensions.as_ref().filter(|m| !m.is_empty()).map(|m| {
            let items: Vec<String> = m
                .iter()
                .map(|(k, v)| {
                    let hex: String = v.iter().map(|b| format!("{b:02x}")).collect();
                    format!("{}: {}", quote_string(k), quote_string(&hex))
                })
                .collect();
            format!("{{{}}}", items.join(", "))
        }),
    );
    push(
        "gc_grace_seconds",
        o.gc_grace_seconds.map(|v| v.to_string()),
    );
    push(
        "max_index_interval",
        o.max_index_interval.map(|v| v.to_string()),
    );
    push(
        "memtable_flush_period_in_ms",
        o.memtable_flush_period_in_ms.map(|v| v.to_string()),
    );
    push(
        "min_index_interval",
        o.min_index_interval.map(|v| v.to_string()),
    );
    push("read_repair", text(&o.read_repair));
    push("speculative_retry", text(&o.speculative_retry));
    out
}

fn index_cql(index: &LiveIndex, table: &str) -> String {
    let name = quote_ident(&index.name);
    // The stored target is already CQL (`values(tags)`, `"userId"`).
    let target = &index.target;
    match index.class_name().filter(|_| index.is_custom()) {
        Some(class) => {
            let mut out = format!(
                "CREATE CUSTOM INDEX {name} ON {table} ({target}) USING {}",
                quote_string(class)
            );
            let options: Vec<String> = index
                .options
                .iter()
                .filter(|(k, _)| *k != "target" && *k != "class_name")
                .map(|(k, v)| format!("{}: {}", quote_string(k), quote_string(v)))
                .collect();
            if !options.is_empty() {
                let _ = write!(out, " WITH OPTIONS = {{{}}}", options.join(", "));
            }
            out.push_str(";\n");
            out
        }
        None => format!("CREATE INDEX {name} ON {table} ({target});\n"),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::LiveColumn;
    use super::*;

    fn column(name: &str, kind: &str, position: i32, order: &str, typ: &str) -> LiveColumn {
        LiveColumn {
            name: name.into(),
            kind: kind.into(),
            position,
            clustering_order: order.into(),
            cql_type: typ.into(),
        }
    }

    #[test]
    fn dumps_keyspace_types_tables_and_indexes_in_order() {
        let mut events = LiveTable::new("events");
        events.columns = vec![
            column("at", "clustering", 0, "desc", "timestamp"),
            column("day", "partition_key", 1, "none", "date"),
            column("owner", "static", -1, "none", "text"),
            column("site", "partition_key", 0, "none", "text"),
            column("where", "regular", -1, "none", "frozen<place>"),
        ];
        events.options.comment = Some("it's".into());
        events.options.bloom_filter_fp_chance = Some(1.0);
        events.indexes = vec![LiveIndex {
            name: "ev_sasi".into(),
            kind: "CUSTOM".into(),
            target: "owner".into(),
            options: BTreeMap::from([
                ("class_name".into(), "org.example.Sasi".into()),
                ("mode".into(), "CONTAINS".into()),
                ("target".into(), "owner".into()),
            ]),
        }];
        let ks = LiveKeyspace {
            name: "App".into(),
            replication: BTreeMap::from([
                ("DC1".into(), "3".into()),
                (
                    "class".into(),
                    "org.apache.cassandra.locator.NetworkTopologyStrategy".into(),
                ),
            ]),
            durable_writes: true,
            tables: vec![events],
            types: vec![
                LiveType::new("place", vec![("geo".into(), "frozen<point>".into())]),
                LiveType::new("point", vec![("x".into(), "int".into())]),
            ],
        };
        assert_eq!(
            ks.to_cql(),
            "CREATE KEYSPACE \"App\" WITH replication = {'class': \
             'org.apache.cassandra.locator.NetworkTopologyStrategy', 'DC1': '3'} AND durable_writes = true;\n\
             \n\
             CREATE TYPE \"App\".point (\n    x int\n);\n\
             \n\
             CREATE TYPE \"App\".place (\n    geo frozen<point>\n);\n\
             \n\
             CREATE TABLE \"App\".events (\n    site text,\n    day date,\n    at timestamp,\n    \
             owner text static,\n    \"where\" frozen<place>,\n    PRIMARY KEY ((site, day), at)\n) \
             WITH CLUSTERING ORDER BY (at DESC)\n    AND bloom_filter_fp_chance = 1.0\n    \
             AND comment = 'it''s';\n\
             \n\
             CREATE CUSTOM INDEX ev_sasi ON \"App\".events (owner) USING 'org.example.Sasi' \
             WITH OPTIONS = {'mode': 'CONTAINS'};\n"
        );
        assert!(
            ks.without_keyspace_statement()
                .starts_with("CREATE TYPE point (\n")
        );
    }
}

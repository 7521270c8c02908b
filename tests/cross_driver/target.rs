//! The node both drivers talk to: a fresh in-process emulator, or the node named by
//! `CASSIA_CONTACT_POINTS` (first entry, `host:port`) so the suite can run against a real
//! Cassandra. Also creates the test's own keyspace, its UDTs and tables.
//!
//! A table that needs a capability the node may lack (`"requires": "dse_geometry"`: DSE's
//! `PointType`, `LineStringType`, `PolygonType`; `"requires": "vectors"`: Cassandra 5.0's
//! `vector<T, n>`, which a 4.0 node does not parse) is skipped, with the node's refusal as the
//! reason, when a real node refuses it for that reason; the emulator must always accept it.

use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use cassia_driver::{Compression, ProtocolVersion, Session};
use cassia_emulator::{Emulator, EmulatorHandle};

use crate::Failure;
use crate::values::{DSE_GEOMETRY, Table, VECTORS, Values};

/// A running node: the emulator's handle is kept so it lives as long as the test.
pub struct Target {
    pub host: String,
    pub port: u16,
    _emulator: Option<EmulatorHandle>,
}

impl Target {
    /// Starts an emulator unless `CASSIA_CONTACT_POINTS` is set.
    pub async fn start() -> Result<Target, Failure> {
        if let Ok(points) = std::env::var("CASSIA_CONTACT_POINTS") {
            let first = points.split(',').next().unwrap_or_default().trim();
            let (host, port) = match first.rsplit_once(':') {
                Some((h, p)) => (
                    h.to_string(),
                    p.parse().map_err(|_| {
                        Failure::setup(format!("bad port in CASSIA_CONTACT_POINTS={points}"))
                    })?,
                ),
                None => (first.to_string(), 9042),
            };
            return Ok(Target {
                host,
                port,
                _emulator: None,
            });
        }
        let emulator = Emulator::builder()
            .start()
            .await
            .map_err(|e| Failure::setup(format!("emulator did not start: {e}")))?;
        let addr: SocketAddr = emulator.addr();
        Ok(Target {
            host: addr.ip().to_string(),
            port: addr.port(),
            _emulator: Some(emulator),
        })
    }

    /// Whether this is the in-process emulator (which supports every table of the suite).
    pub fn is_emulator(&self) -> bool {
        self._emulator.is_some()
    }

    /// A Cassia session speaking `version`, compressing with `compression`.
    pub async fn session(
        &self,
        version: ProtocolVersion,
        compression: Option<Compression>,
    ) -> Result<Session, Failure> {
        Session::builder()
            .known_node(format!("{}:{}", self.host, self.port))
            .protocol_version(version)
            .compression(compression)
            .max_frame_size(64 << 20)
            .build()
            .await
            .map_err(|e| Failure::setup(format!("Cassia could not connect: {e}")))
    }
}

/// A keyspace name unique to this test run.
pub fn keyspace_name(test: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!("xd_{test}_{}_{nanos:x}", std::process::id())
}

/// Whether `refusal` (the node's answer to CREATE TABLE) says it lacks what `table` requires:
/// Apache Cassandra cannot load DSE's geometric classes and names the class it could not find.
fn lacks_capability(table: &Table, refusal: &str) -> bool {
    match table.requires.as_deref() {
        Some(DSE_GEOMETRY) => ["PointType", "LineStringType", "PolygonType"]
            .iter()
            .any(|class| refusal.contains(class)),
        // Cassandra 4.0 reads `vector` as a type name and fails at the `<`; its syntax
        // error quotes the text around it, so the message names the column's type.
        Some(VECTORS) => refusal.to_ascii_lowercase().contains("vector"),
        _ => false,
    }
}

/// Tables of values.json the node cannot hold: `(table, why)`.
pub type SkippedTables = Vec<(String, String)>;

/// Creates `keyspace` with the UDTs and tables of `values`, and makes it the session's.
/// On a real node (`target` is not the emulator), a table needing a capability the node
/// refuses is left out and returned with the node's message, not failed.
pub async fn create_schema(
    session: &Session,
    target: &Target,
    keyspace: &str,
    values: &Values,
) -> Result<SkippedTables, Failure> {
    let run = |cql: String| async move {
        session
            .query(cql.as_str(), ())
            .await
            .map_err(|e| Failure::setup(format!("{cql}: {e}")))
    };
    run(format!(
        "CREATE KEYSPACE {keyspace} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': 1}}"
    ))
    .await?;
    for udt in &values.udts {
        let fields: Vec<String> = udt.fields.iter().map(|(n, t)| format!("{n} {t}")).collect();
        run(format!(
            "CREATE TYPE {keyspace}.{} ({})",
            udt.name,
            fields.join(", ")
        ))
        .await?;
    }
    let mut skipped = Vec::new();
    for table in &values.tables {
        let cols: Vec<String> = table
            .columns
            .iter()
            .map(|(n, t)| format!("{n} {t}"))
            .collect();
        let cql = format!(
            "CREATE TABLE {keyspace}.{} (id text PRIMARY KEY, {})",
            table.name,
            cols.join(", ")
        );
        match session.query(cql.as_str(), ()).await {
            Ok(_) => {}
            Err(e) if !target.is_emulator() && lacks_capability(table, &e.to_string()) => {
                let needs = table.requires.as_deref().unwrap_or_default();
                skipped.push((
                    table.name.clone(),
                    format!("the node does not support {needs}: {e}"),
                ));
            }
            Err(e) => return Err(Failure::setup(format!("{cql}: {e}"))),
        }
    }
    session
        .use_keyspace(keyspace)
        .await
        .map_err(|e| Failure::setup(format!("USE {keyspace}: {e}")))?;
    Ok(skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geo_table(requires: Option<&str>) -> Table {
        Table {
            name: "geo".into(),
            columns: vec![("c_point".into(), "'PointType'".into())],
            requires: requires.map(str::to_string),
        }
    }

    #[test]
    fn only_a_refusal_naming_the_class_is_a_missing_capability() {
        // Apache Cassandra's TypeParser, as a node without DSE's classes answers.
        let refusal =
            "Unable to find abstract-type class 'org.apache.cassandra.db.marshal.PointType'";
        assert!(lacks_capability(&geo_table(Some(DSE_GEOMETRY)), refusal));
        // Any other failure of the same table is a failure, not a skip.
        assert!(!lacks_capability(
            &geo_table(Some(DSE_GEOMETRY)),
            "line 1:10 no viable alternative at input 'TABLE'"
        ));
        // Cassandra 4.0's refusal of a vector column quotes the type.
        let vectors = Table {
            name: "vectors".into(),
            columns: Vec::new(),
            requires: Some(VECTORS.into()),
        };
        assert!(lacks_capability(
            &vectors,
            "line 1:60 mismatched input '<' expecting ')' (...text PRIMARY KEY, c_vector vector[<]...)"
        ));
        assert!(!lacks_capability(&vectors, "Keyspace xd does not exist"));
        // A table that requires nothing is never skipped.
        assert!(!lacks_capability(&geo_table(None), refusal));
    }
}

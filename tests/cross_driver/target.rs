//! The node both drivers talk to: a fresh in-process emulator, or the node named by
//! `CASSIA_CONTACT_POINTS` (first entry, `host:port`) so the suite can run against a real
//! Cassandra. Also creates the test's own keyspace, its UDTs and tables.

use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use cassia_driver::{Compression, ProtocolVersion, Session};
use cassia_emulator::{Emulator, EmulatorHandle};

use crate::Failure;
use crate::values::Values;

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

/// Creates `keyspace` with the UDTs and tables of `values`, and makes it the session's.
pub async fn create_schema(
    session: &Session,
    keyspace: &str,
    values: &Values,
) -> Result<(), Failure> {
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
    for table in &values.tables {
        let cols: Vec<String> = table
            .columns
            .iter()
            .map(|(n, t)| format!("{n} {t}"))
            .collect();
        run(format!(
            "CREATE TABLE {keyspace}.{} (id text PRIMARY KEY, {})",
            table.name,
            cols.join(", ")
        ))
        .await?;
    }
    session
        .use_keyspace(keyspace)
        .await
        .map_err(|e| Failure::setup(format!("USE {keyspace}: {e}")))?;
    Ok(())
}

//! How a [`Migrator`](super::Migrator) runs: target keyspace, history table, replication
//! for a keyspace it creates, lock lease timings, out-of-order policy, who is applying.

use std::time::Duration;

use crate::schema::{create_keyspace_network_topology, create_keyspace_simple};

/// Replication of a keyspace the migrator creates (per environment, so `CREATE KEYSPACE`
/// need not live in a migration file).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Replication {
    /// `SimpleStrategy` with one replication factor (development, single data centre).
    Simple {
        /// Replicas of each partition.
        replication_factor: u32,
    },
    /// `NetworkTopologyStrategy` with a replication factor per data centre.
    NetworkTopology {
        /// `(data centre, replication factor)` pairs.
        datacenters: Vec<(String, u32)>,
    },
}

impl Replication {
    /// `SimpleStrategy` with `replication_factor` replicas.
    pub fn simple(replication_factor: u32) -> Self {
        Replication::Simple { replication_factor }
    }

    /// `NetworkTopologyStrategy` with these data centres.
    pub fn network_topology<S: Into<String>>(dcs: impl IntoIterator<Item = (S, u32)>) -> Self {
        Replication::NetworkTopology {
            datacenters: dcs.into_iter().map(|(d, n)| (d.into(), n)).collect(),
        }
    }

    /// `CREATE KEYSPACE IF NOT EXISTS <keyspace> WITH replication = {...}`.
    pub fn create_keyspace_cql(&self, keyspace: &str) -> String {
        match self {
            Replication::Simple { replication_factor } => {
                create_keyspace_simple(keyspace, *replication_factor)
            }
            Replication::NetworkTopology { datacenters } => {
                let dcs: Vec<(&str, u32)> =
                    datacenters.iter().map(|(d, n)| (d.as_str(), *n)).collect();
                create_keyspace_network_topology(keyspace, &dcs)
            }
        }
    }
}

/// Settings of a [`Migrator`](super::Migrator); set through its builder methods.
#[derive(Debug, Clone)]
pub(crate) struct MigratorConfig {
    pub(crate) keyspace: Option<String>,
    pub(crate) history_keyspace: Option<String>,
    pub(crate) history_table: String,
    pub(crate) replication: Option<Replication>,
    pub(crate) allow_out_of_order: bool,
    pub(crate) lock_ttl: Duration,
    pub(crate) lock_wait: Duration,
    pub(crate) tool: String,
    pub(crate) statement_timeout: Option<Duration>,
}

impl Default for MigratorConfig {
    fn default() -> Self {
        MigratorConfig {
            keyspace: None,
            history_keyspace: None,
            history_table: DEFAULT_HISTORY_TABLE.to_owned(),
            replication: None,
            allow_out_of_order: false,
            lock_ttl: Duration::from_secs(60),
            lock_wait: Duration::from_secs(600),
            tool: concat!("cassia/", env!("CARGO_PKG_VERSION")).to_owned(),
            statement_timeout: None,
        }
    }
}

/// The history table's default name (in the target keyspace).
pub const DEFAULT_HISTORY_TABLE: &str = "cassia_migrations";

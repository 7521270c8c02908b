//! `cassia-emulator`: an in-memory server (one node, or a simulated cluster) speaking the CQL native protocol
//! (v4 and v5) with Cassandra's semantics, for tests and local development.
//!
//! It is not a database for production: one data set serves every node, and replication is
//! simulated (see "Simulated clusters" below). By default nothing is written
//! to disk either; with a data directory it is durable (see below).
//!
//! Start one per test: each instance listens on its own ephemeral port and holds its own data.
//!
//! ```no_run
//! # async fn demo() -> Result<(), cassia_emulator::StartError> {
//! let emulator = cassia_emulator::Emulator::builder()
//!     .auth("cassandra", "cassandra") // optional: PasswordAuthenticator
//!     .start()
//!     .await?;
//! println!("connect to {}", emulator.addr());
//! emulator.shutdown().await; // or just drop it
//! # Ok(())
//! # }
//! ```
//!
//! What the transport does like Cassandra 4.0: the handshake (SUPPORTED, STARTUP with LZ4 or
//! Snappy body compression in v4, LZ4 segments in v5), the "unsupported protocol version"
//! error drivers use to step down, SASL PLAIN authentication and its error messages, pushed
//! schema-change events after REGISTER, tracing ids and warnings on results, and a
//! ProtocolError followed by a close for frames it cannot trust.
//!
//! # Durability (optional)
//!
//! [`EmulatorBuilder::data_dir`] (`--data-dir DIR` on the binary) turns on a write-ahead
//! journal, `DIR/journal.log` (the directory is created if missing):
//!
//! - every request that changes state (DDL, INSERT/UPDATE/DELETE with TTLs and timestamps,
//!   collections, counters, lightweight transactions, batches, TRUNCATE) is appended with
//!   everything resolved while applying it (server timestamps, the `now` that TTL expiry is
//!   computed from, `now()`/`uuid()` results, table ids), so a replay applies exactly the same
//!   change; reads and failed statements are not journaled;
//! - records are length-prefixed and CRC32-checksummed; concurrent writers share one
//!   `fdatasync` (group commit, on a dedicated thread), and a reply is sent only once its
//!   record is on disk, so `kill -9` at any moment loses no acknowledged write;
//! - at start the journal is replayed in order to rebuild the catalog and the data, then
//!   appending continues. A record cut short by a crash (a torn tail, never acknowledged) is
//!   truncated with a warning in the log; damage before the end stops start-up with
//!   [`DurabilityError::Corrupt`] (byte offset and what is wrong), leaving the file untouched.
//!
//! Limits: there is no compaction or snapshot (the journal grows with every write and replay
//! time with it); prepared statements are not persisted (drivers re-prepare after the
//! Unprepared error, as after a Cassandra restart); two emulators must not share a data
//! directory (it is not locked); a concurrent reader may see a write a few milliseconds
//! before it is durable, and schema-change events are pushed before the DDL's fsync.
//!
//! ```no_run
//! # async fn demo() -> Result<(), cassia_emulator::StartError> {
//! let emulator = cassia_emulator::Emulator::builder()
//!     .data_dir("/var/tmp/cassia-data")
//!     .start() // replays what an earlier run journaled there
//!     .await?;
//! # emulator.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! # Simulated clusters
//!
//! [`EmulatorBuilder::nodes`] / [`EmulatorBuilder::datacenters`] start several nodes over one
//! data set: each listens on its own address (127.0.0.1, .2, ... on one port on Linux, else
//! consecutive ports; [`EmulatorHandle::node_addrs`]) and reports its own `system.local`
//! (host id, data centre, rack, [`EmulatorBuilder::num_tokens`] deterministic tokens) and the
//! others in `system.peers`/`peers_v2`, so drivers discover the cluster as usual.
//!
//! - Replication is simulated from each keyspace's strategy (SimpleStrategy,
//!   NetworkTopologyStrategy with racks, as Cassandra 4.0 places replicas): a request fails
//!   with Cassandra's `Unavailable` (consistency, required, alive) when too few replicas of
//!   its partitions are up for its consistency level. [`EmulatorHandle::replicas`] shows the
//!   placement. This applies to one node too: RF 3 at QUORUM is Unavailable there, as on a
//!   real single-node Cassandra.
//! - [`EmulatorHandle::node`] gives a [`NodeHandle`]: `stop`, `start`, `pause`/`resume`,
//!   `decommission`, and `take_requests` (what that node coordinated, with consistency,
//!   keyspace and partition token; turn logging on with [`EmulatorBuilder::record_requests`]).
//!   [`EmulatorHandle::add_node`] adds one. Connections that REGISTERed for them on the other
//!   nodes receive STATUS_CHANGE (UP/DOWN) and TOPOLOGY_CHANGE (NEW_NODE/REMOVED_NODE).
//! - [`EmulatorHandle::add_rule`] installs [`FaultRule`]s (delay, error, drop, close; by
//!   node, opcode, CQL; a number of times or with a seeded probability): see [`cluster::faults`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use cassia_emulator::{Emulator, Fault, FaultRule};
//! let cluster = Emulator::builder()
//!     .datacenters([("dc1", 3), ("dc2", 2)])
//!     .record_requests(true)
//!     .start()
//!     .await?;
//! let contact_points = cluster.node_addrs();
//! cluster.node(2).stop().await?; // its replicas are down; others announce DOWN
//! cluster.add_rule(FaultRule::new().node(1).then(Fault::overloaded()).times(1));
//! let coordinated = cluster.node(0).take_requests();
//! # let _ = (contact_points, coordinated);
//! # Ok(())
//! # }
//! ```
//!
//! The `cassia-emulator` binary runs the same server from the command line
//! (`--listen`, `--auth USER:PASS`, `--tls-cert`/`--tls-key`, `--data-dir DIR`, `--nodes N`
//! or `--dcs dc1:3,dc2:2`, `--racks N`, `--num-tokens N`, and `--admin ADDR` for the
//! [`admin`] line protocol that stops, starts and pauses nodes and adds fault rules).

#![warn(missing_docs)]

pub mod admin;
mod auth;
pub mod catalog;
pub mod cluster;
mod connection;
pub mod cql;
pub mod durability;
pub mod engine;
mod server;
pub(crate) mod store;
mod tls;

pub use cluster::faults::{Fault, FaultRule, RuleId};
pub use cluster::{NodeInfo, NodeStatus};
pub use durability::DurabilityError;
pub use server::{
    DEFAULT_MAX_FRAME_SIZE, Emulator, EmulatorBuilder, EmulatorHandle, NodeError, NodeHandle,
    StartError,
};
pub use tls::TlsError;

//! `cassia-emulator`: a single-node, in-memory server speaking the CQL native protocol
//! (v4 and v5) with Cassandra's semantics, for tests and local development.
//!
//! It is not a database for production: nothing is replicated, and nothing is written to
//! disk (a write-ahead log for durability is planned, not implemented).
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
//! The `cassia-emulator` binary runs the same server from the command line
//! (`--listen`, `--auth USER:PASS`, `--tls-cert`/`--tls-key`).

#![warn(missing_docs)]

mod auth;
pub mod catalog;
mod connection;
pub mod cql;
pub mod engine;
mod server;
pub(crate) mod store;
mod tls;

pub use server::{DEFAULT_MAX_FRAME_SIZE, Emulator, EmulatorBuilder, EmulatorHandle, StartError};
pub use tls::TlsError;

//! `cassia-emulator`: a single-node, in-memory server speaking the CQL native protocol
//! (v4 and v5) with Cassandra's semantics, for tests and local development.
//!
//! It is not a database for production: nothing is replicated, and durability is only
//! offered by the optional write-ahead log.
//!
//! ```no_run
//! # async fn demo() -> Result<(), cassia_emulator::StartError> {
//! let emulator = cassia_emulator::Emulator::builder().start().await?;
//! println!("connect to {}", emulator.addr());
//! emulator.shutdown().await;
//! # Ok(())
//! # }
//! ```

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

//! `cassia-emulator`: a single-node, in-memory server speaking the CQL native protocol
//! (v4 and v5) with Cassandra's semantics, for tests and local development.
//!
//! It is not a database for production: nothing is replicated, and durability is only
//! offered by the optional write-ahead log.

#![warn(missing_docs)]

pub mod catalog;
pub mod cql;
pub mod engine;
pub(crate) mod store;

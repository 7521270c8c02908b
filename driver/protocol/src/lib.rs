//! `cassia-protocol`: the CQL native protocol (v4 and v5) as plain data and byte codecs.
//!
//! Everything here is pure: no sockets, no runtime. The driver (`cassia-driver`) and the
//! emulator (`cassia-emulator`) both build on it, which is why every request and every
//! response can be both encoded and decoded.
//!
//! This crate is an implementation detail of Cassia; its API is not a stable interface.
//! Applications should use the re-exports of `cassia-driver` or `cassia`.

#![warn(missing_docs)]

pub mod codec;
pub mod compression;
pub mod consistency;
pub mod envelope;
pub mod frame;
pub mod request;
pub mod response;
pub mod row;
pub mod segment;
pub mod token;
pub mod types;
pub mod value;
pub mod wire;

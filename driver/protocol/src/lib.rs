//! `cassia-protocol`: the CQL native protocol (v4 and v5) as plain data and byte codecs.
//!
//! Everything here is pure: no sockets, no runtime. The driver (`cassia-driver`) and the
//! emulator (`cassia-emulator`) both build on it, which is why every request and every
//! response can be both encoded and decoded.
//!
//! # Layers
//!
//! * [`wire`]: the primitive notations (`[int]`, `[string]`, `[bytes]`, ...).
//! * [`request`] and [`response`]: every message body, with `encode(version, out)` and
//!   `decode(opcode, version, body)`; [`types`] and [`value`] describe column types and values.
//! * [`envelope`]: a message plus its frame context (stream id, tracing, warnings, custom
//!   payload), encoded to a whole uncompressed frame.
//! * [`codec`]: [`FrameDecoder`](codec::FrameDecoder) / [`FrameEncoder`](codec::FrameEncoder)
//!   turn byte streams into frames and back, in plain, v4-compressed ([`compression`]) or
//!   v5 segment ([`segment`]) framing.
//!
//! ```
//! use bytes::BytesMut;
//! use cassia_protocol::codec::{FrameDecoder, FrameEncoder};
//! use cassia_protocol::envelope::RequestFrame;
//! use cassia_protocol::frame::ProtocolVersion;
//! use cassia_protocol::request::{Query, QueryParameters, Request};
//!
//! let query = Request::Query(Query {
//!     query: "SELECT release_version FROM system.local".into(),
//!     params: QueryParameters::default(),
//! });
//! let frame = RequestFrame::new(7, query.clone()).encode(ProtocolVersion::V5)?;
//!
//! // After the handshake both sides of a v5 connection switch to segments.
//! let mut encoder = FrameEncoder::new();
//! encoder.use_segments(false);
//! let mut wire = BytesMut::new();
//! encoder.encode(&frame, &mut wire)?;
//!
//! let mut decoder = FrameDecoder::new();
//! decoder.use_segments(false);
//! let received = decoder.decode(&mut wire)?.expect("a whole frame");
//! let decoded = RequestFrame::decode(&received.header, &received.body)?;
//! assert_eq!(decoded.stream, 7);
//! assert_eq!(decoded.request, query);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
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

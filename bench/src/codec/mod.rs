//! Byte-level framing shared by the responder and the raw client: v4 frames (optionally
//! LZ4-compressed bodies) and v5 segments (CRC24 header, CRC32 payload, optional LZ4).
//!
//! The benchmark needs framing that is cheap and predictable on both ends, with stream ids
//! patched into pre-encoded frames; it sits on the protocol crate's `wire` notations and
//! `frame` constants. When `cassia-protocol` grows a streaming frame codec this module can
//! be reduced to the precomputation helpers.

pub(crate) mod crc;
pub(crate) mod decode;
pub(crate) mod encode;

use bytes::Bytes;

/// Largest v5 segment payload (2^17 - 1).
pub(crate) const MAX_SEGMENT_PAYLOAD: usize = 131_071;

/// Frame opcodes used by the benchmark (numeric, to keep the hot path a byte compare).
pub(crate) mod op {
    pub(crate) const ERROR: u8 = 0x00;
    pub(crate) const STARTUP: u8 = 0x01;
    pub(crate) const READY: u8 = 0x02;
    pub(crate) const OPTIONS: u8 = 0x05;
    pub(crate) const SUPPORTED: u8 = 0x06;
    pub(crate) const QUERY: u8 = 0x07;
    pub(crate) const RESULT: u8 = 0x08;
    pub(crate) const PREPARE: u8 = 0x09;
    pub(crate) const EXECUTE: u8 = 0x0A;
    pub(crate) const REGISTER: u8 = 0x0B;
    pub(crate) const BATCH: u8 = 0x0D;
}

/// How frames travel on a connection at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// Bare frames (v4, and the v5 handshake); `lz4` compresses bodies (v4 only).
    Frames {
        /// Compress non-empty bodies with LZ4 (4-byte big-endian length prefix).
        lz4: bool,
    },
    /// v5 segments carrying frames.
    Segments {
        /// LZ4 segment compression.
        lz4: bool,
    },
}

/// One decoded frame with its body already decompressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Frame {
    /// Version byte without the direction bit.
    pub(crate) version: u8,
    /// Header flags (compression flag cleared once the body is decompressed).
    pub(crate) flags: u8,
    /// Stream id.
    pub(crate) stream: i16,
    /// Opcode.
    pub(crate) opcode: u8,
    /// Body.
    pub(crate) body: Bytes,
}

/// Why bytes from a peer could not be framed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum CodecError {
    /// A segment header failed its CRC24.
    #[error("segment header CRC24 mismatch: computed {computed:#08x}, received {received:#08x}")]
    HeaderCrc {
        /// CRC over the received header.
        computed: u32,
        /// CRC sent by the peer.
        received: u32,
    },
    /// A segment payload failed its CRC32.
    #[error(
        "segment payload CRC32 mismatch ({len} bytes): computed {computed:#010x}, received {received:#010x}"
    )]
    PayloadCrc {
        /// Payload length.
        len: usize,
        /// CRC over the received payload.
        computed: u32,
        /// CRC sent by the peer.
        received: u32,
    },
    /// LZ4 data could not be decompressed.
    #[error("LZ4 decompression of {what} failed: {source}")]
    Lz4 {
        /// Frame body or segment payload.
        what: &'static str,
        /// Decoder error.
        source: lz4_flex::block::DecompressError,
    },
    /// A length field that cannot be right.
    #[error("invalid {what} length {length}")]
    Length {
        /// Field.
        what: &'static str,
        /// Value read.
        length: i64,
    },
}

#[cfg(test)]
mod capture_tests;

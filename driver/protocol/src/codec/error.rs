//! [`FrameError`]: why bytes from the network could not be cut into frames.
//!
//! After any of these the byte stream is out of sync (or untrusted), so the connection
//! should be closed; a server may first answer a bad version with a protocol error on the
//! stream id the error carries.

/// A framing failure: bad header, oversized frame, broken segment or compression.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The version byte names a protocol version this crate does not speak.
    #[error("unsupported protocol version byte 0x{byte:02x} (stream {stream})")]
    BadVersion {
        /// The version byte as received (direction bit included).
        byte: u8,
        /// The frame's stream id, so a server can answer on it.
        stream: i16,
    },
    /// The opcode byte is not a known opcode.
    #[error("unknown opcode 0x{opcode:02x} (stream {stream})")]
    UnknownOpcode {
        /// The opcode byte.
        opcode: u8,
        /// The frame's stream id.
        stream: i16,
    },
    /// A frame (compressed or not) is larger than the configured maximum.
    #[error("frame of {length} bytes exceeds the maximum of {max} bytes")]
    FrameTooLarge {
        /// The announced length.
        length: u64,
        /// The configured cap.
        max: usize,
    },
    /// A v5 segment header's CRC24 does not match.
    #[error("segment header CRC24 mismatch: received 0x{received:06x}, computed 0x{computed:06x}")]
    HeaderCrcMismatch {
        /// CRC from the wire.
        received: u32,
        /// CRC of the header bytes.
        computed: u32,
    },
    /// A v5 segment payload's CRC32 does not match.
    #[error("segment payload CRC32 mismatch: received 0x{received:08x}, computed 0x{computed:08x}")]
    PayloadCrcMismatch {
        /// CRC from the wire.
        received: u32,
        /// CRC of the payload bytes.
        computed: u32,
    },
    /// The padding bits of a v5 segment header are not zero.
    #[error("segment header padding bits are not zero (header 0x{header:010x})")]
    BadPadding {
        /// The header as a little-endian integer.
        header: u64,
    },
    /// Segment contents do not line up with frames (a partial frame in a self-contained
    /// segment, a frame ending inside a non-self-contained one, ...).
    #[error("malformed segment: {detail}")]
    MalformedSegment {
        /// What was wrong.
        detail: &'static str,
    },
    /// A compressed body or segment could not be decompressed.
    #[error("{algorithm} decompression failed: {detail}")]
    Decompression {
        /// `lz4` or `snappy`.
        algorithm: &'static str,
        /// The decompressor's explanation.
        detail: String,
    },
    /// A body could not be compressed.
    #[error("{algorithm} compression failed: {detail}")]
    Compression {
        /// `lz4` or `snappy`.
        algorithm: &'static str,
        /// The compressor's explanation.
        detail: String,
    },
    /// A frame has the compression flag but no compression was negotiated.
    #[error("frame on stream {stream} is flagged compressed but no compression was negotiated")]
    UnexpectedCompression {
        /// The frame's stream id.
        stream: i16,
    },
    /// The bytes handed to the encoder are not a frame (shorter than a header, or the
    /// header's length disagrees with the body).
    #[error("not a complete frame: {detail}")]
    NotAFrame {
        /// What was wrong.
        detail: &'static str,
    },
}

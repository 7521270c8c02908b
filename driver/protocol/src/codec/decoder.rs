//! [`FrameDecoder`]: cuts a received byte stream into frames, whatever the framing mode.

use std::collections::VecDeque;

use bytes::{Bytes, BytesMut};

use super::{DEFAULT_MAX_FRAME_SIZE, FrameError};
use crate::compression::Compression;
use crate::frame::{FrameFlags, FrameHeader, HEADER_LEN, ProtocolVersion};
use crate::segment::decode_segment;

/// A complete received frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The header exactly as received (in v4 compressed mode `flags` keeps the compression
    /// bit and `length` is the compressed length).
    pub header: FrameHeader,
    /// The body, already decompressed.
    pub body: Bytes,
}

/// Decodes frames from bytes as they arrive, with no I/O of its own.
///
/// It starts in plain framing (v4, and the v5 handshake). Call
/// [`set_compression`](Self::set_compression) once v4 compression is negotiated (frames
/// flagged 0x01 are then decompressed) and [`use_segments`](Self::use_segments) at the point
/// the peer switches to v5 segments. After an error the stream is out of sync: close the
/// connection.
#[derive(Debug)]
pub struct FrameDecoder {
    compression: Option<Compression>,
    segments: Option<bool>,
    max_frame_size: usize,
    /// Frames cut from a segment, each with the version number its header carried and
    /// whether it is the first of its segment.
    ready: VecDeque<(Frame, u8, bool)>,
    partial: Vec<u8>,
    /// A version number read as another version (see [`read_version_as`](Self::read_version_as)).
    alias: Option<(u8, ProtocolVersion)>,
    /// The version number the last returned frame carried (see
    /// [`last_version_number`](Self::last_version_number)).
    last_wire: Option<u8>,
    /// Whether the frame last returned opened its segment (see
    /// [`last_frame_opened_segment`](Self::last_frame_opened_segment)).
    last_opened: bool,
}

impl Default for FrameDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl FrameDecoder {
    /// A decoder in plain, uncompressed framing with the default 256 MiB frame cap.
    pub fn new() -> Self {
        FrameDecoder {
            compression: None,
            segments: None,
            max_frame_size: DEFAULT_MAX_FRAME_SIZE,
            ready: VecDeque::new(),
            partial: Vec::new(),
            alias: None,
            last_wire: None,
            last_opened: true,
        }
    }

    /// Sets the largest frame body accepted (compressed or not).
    pub fn set_max_frame_size(&mut self, max: usize) {
        self.max_frame_size = max;
    }

    /// Sets the v4 body compression used for frames flagged 0x01.
    pub fn set_compression(&mut self, compression: Option<Compression>) {
        self.compression = compression;
    }

    /// Switches to v5 segments (LZ4-compressed segments if `lz4`).
    pub fn use_segments(&mut self, lz4: bool) {
        self.segments = Some(lz4);
    }

    /// Reads frames whose header carries version number `wire` as frames of `version`
    /// (same layout), in plain framing and inside segments alike.
    ///
    /// A server uses it for Cassandra 4.0's v6 beta, which frames and encodes exactly as v5;
    /// the frame's flags are kept as sent (USE_BETA included).
    pub fn read_version_as(&mut self, wire: u8, version: ProtocolVersion) {
        self.alias = Some((wire & 0x7f, version));
    }

    /// The version number (without the direction bit) that the header of the frame last
    /// returned by [`decode`](Self::decode) carried on the wire, before any
    /// [`read_version_as`](Self::read_version_as): a server aliasing v6 to v5 tells a real v5
    /// frame from an aliased one by it.
    pub fn last_version_number(&self) -> Option<u8> {
        self.last_wire
    }

    /// Whether the frame last returned by [`decode`](Self::decode) is the first (or only)
    /// one of its segment; always true in plain framing. A server counting consecutive
    /// errors per segment, as Cassandra 4.0's `CQLMessageHandler` does, resets on it.
    pub fn last_frame_opened_segment(&self) -> bool {
        self.last_opened
    }

    /// Whether v5 segment framing is on.
    pub fn uses_segments(&self) -> bool {
        self.segments.is_some()
    }

    /// The next complete frame, consuming its bytes from `src`; `Ok(None)` if more bytes are
    /// needed.
    pub fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Frame>, FrameError> {
        match self.segments {
            None => self.decode_plain(src),
            Some(lz4) => loop {
                if let Some((frame, wire, first)) = self.ready.pop_front() {
                    self.last_wire = Some(wire);
                    self.last_opened = first;
                    return Ok(Some(frame));
                }
                let Some(segment) = decode_segment(src, lz4)? else {
                    return Ok(None);
                };
                if segment.self_contained {
                    self.split_self_contained(segment.payload)?;
                } else {
                    self.add_partial(&segment.payload)?;
                }
            },
        }
    }

    /// The header at the start of `bytes`, with the version number it carries on the wire.
    fn header(&self, bytes: &[u8]) -> Result<Option<(FrameHeader, u8)>, FrameError> {
        let Some(head) = bytes.first_chunk::<HEADER_LEN>() else {
            return Ok(None);
        };
        let mut head = *head;
        let wire = head[0] & 0x7f;
        if let Some((aliased, version)) = self.alias {
            if wire == aliased {
                head[0] = (head[0] & 0x80) | version.number();
            }
        }
        let header = FrameHeader::parse(&head)?;
        if header.length as usize > self.max_frame_size {
            return Err(FrameError::FrameTooLarge {
                length: header.length.into(),
                max: self.max_frame_size,
            });
        }
        Ok(Some((header, wire)))
    }

    fn decode_plain(&mut self, src: &mut BytesMut) -> Result<Option<Frame>, FrameError> {
        let Some((header, wire)) = self.header(src)? else {
            return Ok(None);
        };
        let total = HEADER_LEN + header.length as usize;
        if src.len() < total {
            return Ok(None);
        }
        let mut frame = src.split_to(total);
        let body = frame.split_off(HEADER_LEN).freeze();
        let body = if header.flags.contains(FrameFlags::COMPRESSION) {
            let compression = self.compression.ok_or(FrameError::UnexpectedCompression {
                stream: header.stream,
            })?;
            Bytes::from(compression.decompress(&body, self.max_frame_size)?)
        } else {
            body
        };
        self.last_wire = Some(wire);
        self.last_opened = true;
        Ok(Some(Frame { header, body }))
    }

    /// Frames in segments are never body-compressed; the flag would be a peer bug.
    fn uncompressed(header: &FrameHeader) -> Result<(), FrameError> {
        if header.flags.contains(FrameFlags::COMPRESSION) {
            return Err(FrameError::MalformedSegment {
                detail: "frame inside a segment has the compression flag",
            });
        }
        Ok(())
    }

    fn split_self_contained(&mut self, payload: Vec<u8>) -> Result<(), FrameError> {
        if !self.partial.is_empty() {
            return Err(FrameError::MalformedSegment {
                detail: "self-contained segment while a split frame is incomplete",
            });
        }
        let payload = Bytes::from(payload);
        let mut rest = payload.clone();
        if rest.is_empty() {
            return Err(FrameError::MalformedSegment {
                detail: "empty self-contained segment",
            });
        }
        while !rest.is_empty() {
            let (header, wire) = self.header(&rest)?.ok_or(FrameError::MalformedSegment {
                detail: "partial frame header in a self-contained segment",
            })?;
            Self::uncompressed(&header)?;
            let total = HEADER_LEN + header.length as usize;
            if rest.len() < total {
                return Err(FrameError::MalformedSegment {
                    detail: "partial frame in a self-contained segment",
                });
            }
            let mut frame = rest.split_to(total);
            let body = frame.split_off(HEADER_LEN);
            let first = self.ready.is_empty();
            self.ready.push_back((Frame { header, body }, wire, first));
        }
        Ok(())
    }

    fn add_partial(&mut self, payload: &[u8]) -> Result<(), FrameError> {
        self.partial.extend_from_slice(payload);
        let Some((header, wire)) = self.header(&self.partial)? else {
            return Ok(());
        };
        Self::uncompressed(&header)?;
        let total = HEADER_LEN + header.length as usize;
        if self.partial.len() < total {
            return Ok(());
        }
        if self.partial.len() > total {
            return Err(FrameError::MalformedSegment {
                detail: "non-self-contained segments carry more than one frame",
            });
        }
        let mut frame = Bytes::from(std::mem::take(&mut self.partial));
        let body = frame.split_off(HEADER_LEN);
        self.ready.push_back((Frame { header, body }, wire, true));
        Ok(())
    }
}

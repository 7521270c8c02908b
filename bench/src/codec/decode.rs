//! Incremental decoding of a byte stream into frames, in bare-frame or segment mode.
//!
//! Bytes arrive in `buf` (read straight from the socket); [`Decoder::next_frame`] returns one
//! complete frame at a time and `None` when more bytes are needed. In segment mode every
//! segment is CRC-checked and its payload appended to an assembly buffer from which frames
//! are cut, which handles both several frames per segment and a frame split over segments.

use bytes::{Buf, BytesMut};

use super::{CodecError, Frame, Framing};

/// Refuse frames above this size (Cassandra's default native_transport_max_frame_size is lower).
const MAX_FRAME_BODY: usize = 256 * 1024 * 1024;

/// Stream-to-frames decoder.
#[derive(Debug)]
pub(crate) struct Decoder {
    /// Raw bytes from the peer, not yet consumed.
    pub(crate) buf: BytesMut,
    framing: Framing,
    assembled: BytesMut,
}

impl Decoder {
    /// A decoder starting in `framing`.
    pub(crate) fn new(framing: Framing) -> Self {
        Decoder {
            buf: BytesMut::with_capacity(64 * 1024),
            framing,
            assembled: BytesMut::new(),
        }
    }

    /// Switches framing (after STARTUP/READY); bytes already buffered are read the new way.
    pub(crate) fn set_framing(&mut self, framing: Framing) {
        self.framing = framing;
    }

    /// The next complete frame, or `None` until more bytes arrive.
    pub(crate) fn next_frame(&mut self) -> Result<Option<Frame>, CodecError> {
        match self.framing {
            Framing::Frames { lz4 } => split_frame(&mut self.buf, lz4),
            Framing::Segments { lz4 } => loop {
                if let Some(frame) = split_frame(&mut self.assembled, false)? {
                    return Ok(Some(frame));
                }
                if !take_segment(&mut self.buf, lz4, &mut self.assembled)? {
                    return Ok(None);
                }
            },
        }
    }
}

/// Cuts one frame off the front of `buf` if it is complete.
fn split_frame(buf: &mut BytesMut, lz4: bool) -> Result<Option<Frame>, CodecError> {
    let Some(header) = buf.get(..9) else {
        return Ok(None);
    };
    let len = u32::from_be_bytes([header[5], header[6], header[7], header[8]]) as usize;
    if len > MAX_FRAME_BODY {
        return Err(CodecError::Length {
            what: "frame body",
            length: len as i64,
        });
    }
    if buf.len() < 9 + len {
        buf.reserve(9 + len - buf.len());
        return Ok(None);
    }
    let version = header[0] & 0x7f;
    let mut flags = header[1];
    let stream = i16::from_be_bytes([header[2], header[3]]);
    let opcode = header[4];
    buf.advance(9);
    let raw = buf.split_to(len).freeze();
    let body = if lz4 && flags & 0x01 != 0 {
        flags &= !0x01;
        let (prefix, block) = raw.split_at_checked(4).ok_or(CodecError::Length {
            what: "compressed body",
            length: raw.len() as i64,
        })?;
        let n = u32::from_be_bytes([prefix[0], prefix[1], prefix[2], prefix[3]]) as usize;
        if n > MAX_FRAME_BODY {
            return Err(CodecError::Length {
                what: "uncompressed body",
                length: n as i64,
            });
        }
        lz4_flex::block::decompress(block, n)
            .map_err(|source| CodecError::Lz4 {
                what: "frame body",
                source,
            })?
            .into()
    } else {
        raw
    };
    Ok(Some(Frame {
        version,
        flags,
        stream,
        opcode,
        body,
    }))
}

/// Moves one complete segment's payload from `buf` to `out`; `false` if incomplete.
fn take_segment(buf: &mut BytesMut, lz4: bool, out: &mut BytesMut) -> Result<bool, CodecError> {
    let hlen = if lz4 { 5 } else { 3 };
    let Some(head) = buf.get(..hlen + 3) else {
        return Ok(false);
    };
    let mut hb = [0u8; 8];
    hb[..hlen].copy_from_slice(&head[..hlen]);
    let header = u64::from_le_bytes(hb);
    let received = u32::from_le_bytes([head[hlen], head[hlen + 1], head[hlen + 2], 0]);
    let computed = super::crc::crc24(&head[..hlen]);
    if computed != received {
        return Err(CodecError::HeaderCrc { computed, received });
    }
    let payload_len = (header & 0x1_FFFF) as usize;
    let uncompressed_len = if lz4 {
        ((header >> 17) & 0x1_FFFF) as usize
    } else {
        0
    };
    let total = hlen + 3 + payload_len + 4;
    if buf.len() < total {
        buf.reserve(total - buf.len());
        return Ok(false);
    }
    buf.advance(hlen + 3);
    let payload = buf.split_to(payload_len);
    let mut crc = [0u8; 4];
    buf.copy_to_slice(&mut crc);
    let received = u32::from_le_bytes(crc);
    let computed = super::crc::crc32(&payload);
    if computed != received {
        return Err(CodecError::PayloadCrc {
            len: payload_len,
            computed,
            received,
        });
    }
    if uncompressed_len == 0 {
        out.extend_from_slice(&payload);
    } else {
        let start = out.len();
        out.resize(start + uncompressed_len, 0);
        let target = out.get_mut(start..).unwrap_or_default();
        let n = lz4_flex::block::decompress_into(&payload, target).map_err(|source| {
            CodecError::Lz4 {
                what: "segment payload",
                source,
            }
        })?;
        if n != uncompressed_len {
            return Err(CodecError::Length {
                what: "decompressed segment",
                length: n as i64,
            });
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::super::encode::{SegmentWriter, put_frame};
    use super::*;

    fn frames_roundtrip(framing: Framing, bodies: &[usize]) {
        let mut wire = Vec::new();
        let mut seg = match framing {
            Framing::Segments { lz4 } => Some(SegmentWriter::new(lz4)),
            Framing::Frames { .. } => None,
        };
        let lz4_frames = matches!(framing, Framing::Frames { lz4: true });
        for (i, &n) in bodies.iter().enumerate() {
            let body: Vec<u8> = (0..n).map(|j| (j % 251) as u8 ^ (i as u8)).collect();
            match seg.as_mut() {
                Some(w) => w.push_with(&mut wire, |p| {
                    put_frame(p, 0x85, 0, i as i16, 8, &body, false)
                }),
                None => put_frame(&mut wire, 0x84, 0, i as i16, 8, &body, lz4_frames),
            }
        }
        if let Some(w) = seg.as_mut() {
            w.flush(&mut wire);
        }
        // Feed in awkward chunks to exercise partial reads.
        let mut dec = Decoder::new(framing);
        let mut got = Vec::new();
        for chunk in wire.chunks(7_777) {
            dec.buf.extend_from_slice(chunk);
            while let Some(f) = dec.next_frame().expect("valid stream") {
                got.push(f);
            }
        }
        assert_eq!(got.len(), bodies.len());
        for (i, f) in got.iter().enumerate() {
            assert_eq!(f.stream, i as i16);
            assert_eq!(f.opcode, 8);
            assert_eq!(f.flags & 0x01, 0);
            let expected: Vec<u8> = (0..bodies[i])
                .map(|j| (j % 251) as u8 ^ (i as u8))
                .collect();
            assert_eq!(&f.body[..], &expected[..]);
        }
    }

    #[test]
    fn v4_frames_roundtrip_plain_and_lz4() {
        frames_roundtrip(Framing::Frames { lz4: false }, &[0, 10, 70_000]);
        frames_roundtrip(Framing::Frames { lz4: true }, &[0, 10, 70_000]);
    }

    #[test]
    fn v5_segments_roundtrip_including_split_frames() {
        let sizes = [5, 16 * 1024, 300, 256 * 1024, 1, 131_062, 131_063];
        frames_roundtrip(Framing::Segments { lz4: false }, &sizes);
        frames_roundtrip(Framing::Segments { lz4: true }, &sizes);
    }

    #[test]
    fn corrupted_segment_is_an_error_not_a_panic() {
        let mut wire = Vec::new();
        let mut w = SegmentWriter::new(false);
        w.push(&mut wire, &[0x85, 0, 0, 1, 2, 0, 0, 0, 0]);
        w.flush(&mut wire);
        let last = wire.len() - 1;
        wire[last] ^= 0xff;
        let mut dec = Decoder::new(Framing::Segments { lz4: false });
        dec.buf.extend_from_slice(&wire);
        let err = dec.next_frame().expect_err("crc must fail");
        assert!(err.to_string().contains("CRC32 mismatch"), "{err}");
    }
}

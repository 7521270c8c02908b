//! Protocol v5 segments, the outer framing after the handshake: a 3-byte (plain) or 5-byte
//! (LZ4) little-endian header protected by CRC24, then the payload protected by CRC32.
//!
//! The reader hands payload bytes to the frame splitter; the writer packs whole frames into
//! self-contained segments and cuts a frame larger than one segment into consecutive
//! non-self-contained ones, as Cassandra 4.0 does.
//!
//! NOTE: the protocol crate is meant to own this codec (branch `proto-framing`); this copy
//! exists because the emulator needed it before that landed, and should be replaced by the
//! protocol crate's segment codec once it is available.

use bytes::{Buf, BytesMut};

/// Largest payload of one segment (17 bits).
const MAX_PAYLOAD: usize = (1 << 17) - 1;
const CRC24_INIT: u32 = 0x87_5060;
const CRC24_POLY: u32 = 0x197_4F0B;
/// Bytes the CRC32 is seeded with, per the v5 spec.
const CRC32_SEED: [u8; 4] = [0xfa, 0x2d, 0x55, 0xca];

/// Why a segment was rejected (the connection is closed after reporting it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SegmentError {
    #[error("Invalid segment header CRC24: read {read:#08x}, computed {computed:#08x}")]
    HeaderCrc { read: u32, computed: u32 },
    #[error("Invalid segment payload CRC32: read {read:#010x}, computed {computed:#010x}")]
    PayloadCrc { read: u32, computed: u32 },
    #[error("Cannot decompress LZ4 segment: {0}")]
    Lz4(String),
    #[error("Reassembled frame exceeds the maximum frame size of {max} bytes")]
    TooBig { max: usize },
}

/// CRC24 over the `len` low bytes of `value`, least significant byte first.
fn crc24(mut value: u64, len: usize) -> u32 {
    let mut crc = CRC24_INIT;
    for _ in 0..len {
        crc ^= ((value & 0xff) as u32) << 16;
        value >>= 8;
        for _ in 0..8 {
            crc <<= 1;
            if crc & 0x100_0000 != 0 {
                crc ^= CRC24_POLY;
            }
        }
    }
    crc & 0xff_ffff
}

fn crc32(payload: &[u8]) -> u32 {
    let mut seed = crc32fast::Hasher::new();
    seed.update(&CRC32_SEED);
    let mut h = crc32fast::Hasher::new_with_initial(seed.finalize());
    h.update(payload);
    h.finalize()
}

fn le(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .rev()
        .fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
}

/// Reads segments and appends their (decompressed) payloads.
#[derive(Debug)]
pub(crate) struct SegmentReader {
    lz4: bool,
    max_frame_size: usize,
}

impl SegmentReader {
    pub(crate) fn new(lz4: bool, max_frame_size: usize) -> SegmentReader {
        SegmentReader {
            lz4,
            max_frame_size,
        }
    }

    fn header_len(&self) -> usize {
        if self.lz4 { 5 } else { 3 }
    }

    /// Moves one complete segment's payload from `input` to `payload`; `Ok(false)` if the
    /// input does not hold a complete segment yet.
    pub(crate) fn next(
        &self,
        input: &mut BytesMut,
        payload: &mut BytesMut,
    ) -> Result<bool, SegmentError> {
        let hlen = self.header_len();
        let Some(head) = input.get(..hlen + 3) else {
            return Ok(false);
        };
        let header = le(&head[..hlen]);
        let read = le(&head[hlen..]) as u32;
        let computed = crc24(header, hlen);
        if read != computed {
            return Err(SegmentError::HeaderCrc { read, computed });
        }
        let wire_len = (header & 0x1_ffff) as usize;
        let raw_len = if self.lz4 {
            ((header >> 17) & 0x1_ffff) as usize
        } else {
            0
        };
        let total = hlen + 3 + wire_len + 4;
        if input.len() < total {
            input.reserve(total - input.len());
            return Ok(false);
        }
        let Some(body) = input.get(hlen + 3..total - 4) else {
            return Ok(false);
        };
        let read = le(&input[total - 4..total]) as u32;
        let computed = crc32(body);
        if read != computed {
            return Err(SegmentError::PayloadCrc { read, computed });
        }
        if payload.len() + raw_len.max(wire_len) > self.max_frame_size {
            return Err(SegmentError::TooBig {
                max: self.max_frame_size,
            });
        }
        if raw_len == 0 {
            payload.extend_from_slice(body);
        } else {
            let data = lz4_flex::block::decompress(body, raw_len)
                .map_err(|e| SegmentError::Lz4(e.to_string()))?;
            payload.extend_from_slice(&data);
        }
        input.advance(total);
        Ok(true)
    }
}

/// Packs encoded frames into segments.
#[derive(Debug)]
pub(crate) struct SegmentWriter {
    lz4: bool,
}

impl SegmentWriter {
    pub(crate) fn new(lz4: bool) -> SegmentWriter {
        SegmentWriter { lz4 }
    }

    /// Writes `frames` (whole encoded frames, back to back) as segments into `out`.
    pub(crate) fn write(&mut self, frames: &[u8], out: &mut Vec<u8>) {
        let mut start = 0;
        let mut pos = 0;
        while pos < frames.len() {
            let len = frame_len(&frames[pos..]);
            if pos + len - start <= MAX_PAYLOAD {
                pos += len;
                continue;
            }
            // The next frame does not fit: emit what we have, then handle it alone.
            if pos > start {
                self.segment(&frames[start..pos], true, out);
                start = pos;
            }
            if len > MAX_PAYLOAD {
                let end = (pos + len).min(frames.len());
                for piece in frames[pos..end].chunks(MAX_PAYLOAD) {
                    self.segment(piece, false, out);
                }
                pos = end;
                start = end;
            }
        }
        if pos > start {
            self.segment(&frames[start..pos.min(frames.len())], true, out);
        }
    }

    fn segment(&self, payload: &[u8], self_contained: bool, out: &mut Vec<u8>) {
        let flag = u64::from(self_contained);
        if !self.lz4 {
            let header = payload.len() as u64 | (flag << 17);
            put_segment(out, header, 3, payload);
            return;
        }
        let compressed = lz4_flex::block::compress(payload);
        if compressed.len() < payload.len() {
            let header = compressed.len() as u64 | ((payload.len() as u64) << 17) | (flag << 34);
            put_segment(out, header, 5, &compressed);
        } else {
            // Not worth it: stored as is, signalled by an uncompressed length of 0.
            let header = payload.len() as u64 | (flag << 34);
            put_segment(out, header, 5, payload);
        }
    }
}

fn put_segment(out: &mut Vec<u8>, header: u64, hlen: usize, payload: &[u8]) {
    out.extend_from_slice(&header.to_le_bytes()[..hlen]);
    out.extend_from_slice(&crc24(header, hlen).to_le_bytes()[..3]);
    out.extend_from_slice(payload);
    out.extend_from_slice(&crc32(payload).to_le_bytes());
}

/// Length of the encoded frame at the start of `buf` (header + body); frames written by
/// `FrameWriter` always carry a complete header.
fn frame_len(buf: &[u8]) -> usize {
    match buf.get(5..9) {
        Some(len) => 9 + u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize,
        None => buf.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap_or(0))
            .collect()
    }

    #[test]
    fn crc24_matches_the_capture() {
        // v5-plain conn-1: header 0x02003a -> crc24 0x836173.
        assert_eq!(crc24(0x02003a, 3), 0x836173);
    }

    #[test]
    fn reads_the_captured_lz4_register_segment() {
        let bytes = unhex(
            "35007400044e496cf615050000020b000000310003000f544f504f4c4f47595f4348414e4745000d5354415455530f00c04348454d415f4348414e47454b9787a9",
        );
        let mut input = BytesMut::from(&bytes[..]);
        let mut payload = BytesMut::new();
        let reader = SegmentReader::new(true, 1 << 20);
        assert_eq!(reader.next(&mut input, &mut payload), Ok(true));
        assert!(input.is_empty());
        assert_eq!(payload.len(), 58);
        assert_eq!(&payload[..5], &[0x05, 0x00, 0x00, 0x02, 0x0b]);
    }

    #[test]
    fn round_trips_small_and_split_frames() {
        for lz4 in [false, true] {
            let mut frames = Vec::new();
            for len in [0usize, 10, 200_000, 5] {
                frames.extend_from_slice(&[0x85, 0, 0, 1, 8]);
                frames.extend_from_slice(&(len as u32).to_be_bytes());
                frames.extend((0..len).map(|i| (i * 7 % 251) as u8));
            }
            let mut out = Vec::new();
            SegmentWriter::new(lz4).write(&frames, &mut out);
            let mut input = BytesMut::from(&out[..]);
            let mut payload = BytesMut::new();
            let reader = SegmentReader::new(lz4, 1 << 20);
            while reader.next(&mut input, &mut payload) == Ok(true) {}
            assert!(input.is_empty());
            assert_eq!(&payload[..], &frames[..], "lz4={lz4}");
        }
    }

    #[test]
    fn rejects_corrupted_payload() {
        let mut out = Vec::new();
        SegmentWriter::new(false).write(&[0x85, 0, 0, 1, 2, 0, 0, 0, 0], &mut out);
        let last = out.len() - 1;
        out[last] ^= 1;
        let mut input = BytesMut::from(&out[..]);
        let err = SegmentReader::new(false, 1 << 20).next(&mut input, &mut BytesMut::new());
        assert!(
            matches!(err, Err(SegmentError::PayloadCrc { .. })),
            "{err:?}"
        );
    }
}

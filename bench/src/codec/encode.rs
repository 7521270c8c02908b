//! Writing frames and v5 segments into reusable buffers.
//!
//! Frames are written whole into [`SegmentWriter`]'s pending payload so a burst of small
//! responses shares one self-contained segment (as Cassandra does when it flushes), and a
//! frame bigger than one segment is cut into non-self-contained pieces.

use super::MAX_SEGMENT_PAYLOAD;
use super::crc::{crc24, crc32};

/// Appends a 9-byte frame header.
pub(crate) fn put_header(
    out: &mut Vec<u8>,
    version_byte: u8,
    flags: u8,
    stream: i16,
    opcode: u8,
    len: usize,
) {
    out.push(version_byte);
    out.push(flags);
    out.extend_from_slice(&stream.to_be_bytes());
    out.push(opcode);
    out.extend_from_slice(&(len as u32).to_be_bytes());
}

/// LZ4-compresses a v4 body: 4-byte big-endian uncompressed length, then one raw block.
pub(crate) fn compress_body(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + lz4_flex::block::get_maximum_output_size(body.len()));
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(&lz4_flex::block::compress(body));
    out
}

/// Appends a whole bare frame, compressing the body (and setting flag 0x01) when `lz4`.
pub(crate) fn put_frame(
    out: &mut Vec<u8>,
    version_byte: u8,
    flags: u8,
    stream: i16,
    opcode: u8,
    body: &[u8],
    lz4: bool,
) {
    if lz4 {
        let compressed = compress_body(body);
        put_header(
            out,
            version_byte,
            flags | 0x01,
            stream,
            opcode,
            compressed.len(),
        );
        out.extend_from_slice(&compressed);
    } else {
        put_header(out, version_byte, flags, stream, opcode, body.len());
        out.extend_from_slice(body);
    }
}

/// Packs whole frames into v5 segments.
#[derive(Debug, Default)]
pub(crate) struct SegmentWriter {
    lz4: bool,
    pending: Vec<u8>,
    scratch: Vec<u8>,
}

impl SegmentWriter {
    /// A writer producing LZ4-mode segments when `lz4`.
    pub(crate) fn new(lz4: bool) -> Self {
        SegmentWriter {
            lz4,
            pending: Vec::with_capacity(64 * 1024),
            scratch: Vec::new(),
        }
    }

    /// Lets `write` append exactly one whole frame, then seals segments as needed into `out`.
    pub(crate) fn push_with(&mut self, out: &mut Vec<u8>, write: impl FnOnce(&mut Vec<u8>)) {
        let start = self.pending.len();
        write(&mut self.pending);
        if self.pending.len() <= MAX_SEGMENT_PAYLOAD {
            return;
        }
        if start > 0 {
            let (before, _) = self.pending.split_at(start);
            put_segment(out, before, true, self.lz4, &mut self.scratch);
            self.pending.drain(..start);
        }
        if self.pending.len() > MAX_SEGMENT_PAYLOAD {
            for piece in self.pending.chunks(MAX_SEGMENT_PAYLOAD) {
                put_segment(out, piece, false, self.lz4, &mut self.scratch);
            }
            self.pending.clear();
        }
    }

    /// Appends one whole frame already encoded.
    #[cfg(test)]
    pub(crate) fn push(&mut self, out: &mut Vec<u8>, frame: &[u8]) {
        self.push_with(out, |p| p.extend_from_slice(frame));
    }

    /// Seals whatever is pending into one self-contained segment.
    pub(crate) fn flush(&mut self, out: &mut Vec<u8>) {
        if !self.pending.is_empty() {
            put_segment(out, &self.pending, true, self.lz4, &mut self.scratch);
            self.pending.clear();
        }
    }
}

/// Appends one segment carrying `payload` (at most [`MAX_SEGMENT_PAYLOAD`] bytes).
pub(crate) fn put_segment(
    out: &mut Vec<u8>,
    payload: &[u8],
    self_contained: bool,
    lz4: bool,
    scratch: &mut Vec<u8>,
) {
    let sc = u64::from(self_contained);
    if !lz4 {
        let header = (payload.len() as u64) | (sc << 17);
        let hb = header.to_le_bytes();
        let head = [hb[0], hb[1], hb[2]];
        out.extend_from_slice(&head);
        out.extend_from_slice(&crc24(&head).to_le_bytes()[..3]);
        out.extend_from_slice(payload);
        out.extend_from_slice(&crc32(payload).to_le_bytes());
        return;
    }
    scratch.clear();
    scratch.resize(lz4_flex::block::get_maximum_output_size(payload.len()), 0);
    let compressed_len = lz4_flex::block::compress_into(payload, scratch).unwrap_or(usize::MAX);
    let (body, uncompressed_len): (&[u8], u64) = match scratch.get(..compressed_len) {
        Some(c) if compressed_len < payload.len() => (c, payload.len() as u64),
        // Incompressible: stored as is, signalled by an uncompressed length of 0.
        _ => (payload, 0),
    };
    let header = (body.len() as u64) | (uncompressed_len << 17) | (sc << 34);
    let hb = header.to_le_bytes();
    let head = [hb[0], hb[1], hb[2], hb[3], hb[4]];
    out.extend_from_slice(&head);
    out.extend_from_slice(&crc24(&head).to_le_bytes()[..3]);
    out.extend_from_slice(body);
    out.extend_from_slice(&crc32(body).to_le_bytes());
}

//! Protocol v5 segments: the checksummed (and optionally LZ4-compressed) containers frames
//! travel in after the handshake.
//!
//! ```text
//! header   3 bytes (uncompressed) or 5 bytes (lz4), little-endian bit field
//! crc24    3 bytes, little-endian, over the header bytes
//! payload  payload_length bytes
//! crc32    4 bytes, little-endian, over the payload as sent
//! ```
//!
//! Uncompressed header: bits 0-16 payload length, bit 17 self-contained, 18-23 zero.
//! LZ4 header: bits 0-16 compressed length, 17-33 uncompressed length (0 = stored as is),
//! bit 34 self-contained, 35-39 zero. A self-contained segment holds whole frames; a frame
//! larger than [`MAX_PAYLOAD`] is cut across consecutive non-self-contained segments.
//!
//! CRC24 and the seeded CRC32 are Cassandra-specific, so they are written here and tested
//! against the worked examples of the wire captures.

use bytes::BytesMut;

use crate::codec::FrameError;
use crate::compression::lz4_block_decompress;

/// The largest payload a segment can carry (17 bits).
pub const MAX_PAYLOAD: usize = (1 << 17) - 1;

const CRC24_INIT: u32 = 0x87_5060;
const CRC24_POLY: u32 = 0x197_4F0B;
const CRC32_SEED: [u8; 4] = [0xfa, 0x2d, 0x55, 0xca];
const CRC_LEN: usize = 3;
const TRAILER_LEN: usize = 4;

/// CRC24 of a segment header, fed in stream order, MSB first within each byte.
pub fn crc24(bytes: &[u8]) -> u32 {
    let mut crc = CRC24_INIT;
    for &b in bytes {
        crc ^= u32::from(b) << 16;
        for _ in 0..8 {
            crc <<= 1;
            if crc & 0x100_0000 != 0 {
                crc ^= CRC24_POLY;
            }
        }
    }
    crc & 0xff_ffff
}

/// CRC32 (IEEE) of a segment payload, seeded with the bytes `fa 2d 55 ca`.
pub fn crc32(payload: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(&CRC32_SEED);
    h.update(payload);
    h.finalize()
}

/// A decoded segment: its (decompressed) payload and whether it holds whole frames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The payload, decompressed.
    pub payload: Vec<u8>,
    /// Whether the payload is one or more whole frames.
    pub self_contained: bool,
}

fn header_len(lz4: bool) -> usize {
    if lz4 { 5 } else { 3 }
}

fn read_le(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .rev()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
}

/// Parses one segment from the front of `src`, removing it. Returns `Ok(None)` (and leaves
/// `src` alone) if the segment is not complete yet.
pub fn decode_segment(src: &mut BytesMut, lz4: bool) -> Result<Option<Segment>, FrameError> {
    let hlen = header_len(lz4);
    let Some(prefix) = src.get(..hlen + CRC_LEN) else {
        return Ok(None);
    };
    let (header_bytes, crc_bytes) = prefix.split_at(hlen);
    let received = read_le(crc_bytes) as u32;
    let computed = crc24(header_bytes);
    if received != computed {
        return Err(FrameError::HeaderCrcMismatch { received, computed });
    }
    let header = read_le(header_bytes);
    let mask17 = (1u64 << 17) - 1;
    let payload_len = (header & mask17) as usize;
    let (uncompressed_len, self_contained, padding) = if lz4 {
        (
            (header >> 17) & mask17,
            header & (1 << 34) != 0,
            header >> 35,
        )
    } else {
        (0, header & (1 << 17) != 0, header >> 18)
    };
    if padding != 0 {
        return Err(FrameError::BadPadding { header });
    }
    let total = hlen + CRC_LEN + payload_len + TRAILER_LEN;
    if src.len() < total {
        return Ok(None);
    }
    let segment = src.split_to(total);
    let (payload, trailer) = segment
        .get(hlen + CRC_LEN..)
        .unwrap_or_default()
        .split_at(payload_len);
    let received = read_le(trailer) as u32;
    let computed = crc32(payload);
    if received != computed {
        return Err(FrameError::PayloadCrcMismatch { received, computed });
    }
    let payload = if uncompressed_len == 0 {
        payload.to_vec()
    } else {
        lz4_block_decompress(payload, uncompressed_len as usize, MAX_PAYLOAD)?
    };
    Ok(Some(Segment {
        payload,
        self_contained,
    }))
}

/// Appends one segment carrying `payload` (at most [`MAX_PAYLOAD`] bytes). In LZ4 mode the
/// payload is compressed, or stored as is (uncompressed length 0) when LZ4 does not shrink it.
pub fn encode_segment(
    payload: &[u8],
    self_contained: bool,
    lz4: bool,
    out: &mut BytesMut,
) -> Result<(), FrameError> {
    if payload.len() > MAX_PAYLOAD {
        return Err(FrameError::MalformedSegment {
            detail: "segment payload longer than 131071 bytes",
        });
    }
    let len = payload.len() as u64;
    let sc = u64::from(self_contained);
    let compressed;
    let (header, body): (u64, &[u8]) = if lz4 {
        compressed = lz4_flex::block::compress(payload);
        if compressed.len() < payload.len() {
            let clen = compressed.len() as u64;
            (clen | (len << 17) | (sc << 34), &compressed)
        } else {
            (len | (sc << 34), payload)
        }
    } else {
        (len | (sc << 17), payload)
    };
    let header_bytes = header.to_le_bytes();
    let header_bytes = header_bytes.get(..header_len(lz4)).unwrap_or_default();
    out.extend_from_slice(header_bytes);
    out.extend_from_slice(&crc24(header_bytes).to_le_bytes()[..CRC_LEN]);
    out.extend_from_slice(body);
    out.extend_from_slice(&crc32(body).to_le_bytes());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc24_matches_the_worked_examples() {
        // v5-plain conn-1 c2s @109: header 3a 00 02, CRC bytes 73 61 83.
        assert_eq!(crc24(&[0x3a, 0x00, 0x02]), 0x83_6173);
        // v5-lz4 conn-1 c2s @127: header 35 00 74 00 04, CRC bytes 4e 49 6c.
        assert_eq!(crc24(&[0x35, 0x00, 0x74, 0x00, 0x04]), 0x6c_494e);
    }

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .filter_map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
            .collect()
    }

    /// The control connection's REGISTER frame (58 bytes) from the README's worked examples.
    const REGISTER: &str = "050000020b000000310003000f544f504f4c4f47595f4348414e4745000d5354\
                            415455535f4348414e4745000d534348454d415f4348414e4745";

    #[test]
    fn captured_register_segments_decode_and_reencode() {
        let frame = unhex(REGISTER);
        assert_eq!(frame.len(), 58);

        // v5-plain conn-1 c2s @109: crc32 = 0x1f5ff572.
        let plain = unhex(&format!("3a0002736183{REGISTER}72f55f1f"));
        assert_eq!(crc32(&frame), 0x1f5f_f572);
        let mut buf = BytesMut::from(&plain[..]);
        let seg = decode_segment(&mut buf, false)
            .expect("valid")
            .expect("complete");
        assert_eq!(
            (seg.payload.as_slice(), seg.self_contained),
            (&frame[..], true)
        );
        let mut out = BytesMut::new();
        encode_segment(&frame, true, false, &mut out).expect("fits");
        assert_eq!(
            &out[..],
            &plain[..],
            "byte-identical to the driver's segment"
        );

        // v5-lz4 conn-1 c2s @127: 53 compressed bytes for 58.
        let lz4 = unhex(
            "35007400044e496cf615050000020b000000310003000f544f504f4c4f47595f434841\
             4e4745000d5354415455530f00c04348454d415f4348414e47454b9787a9",
        );
        let mut buf = BytesMut::from(&lz4[..]);
        let seg = decode_segment(&mut buf, true)
            .expect("valid")
            .expect("complete");
        assert_eq!(seg.payload, frame);
        assert!(seg.self_contained);
    }

    #[test]
    fn uncompressed_segment_bytes() {
        let payload = [0x85u8, 0, 0, 1, 2, 0, 0, 0, 0];
        let mut out = BytesMut::new();
        encode_segment(&payload, true, false, &mut out).expect("fits");
        // 9 bytes, self-contained: header 0x020009.
        assert_eq!(&out[..3], &[0x09, 0x00, 0x02]);
        assert_eq!(&out[3..6], &crc24(&[0x09, 0x00, 0x02]).to_le_bytes()[..3]);
        assert_eq!(&out[6..15], &payload);
        assert_eq!(&out[15..], &crc32(&payload).to_le_bytes());
        let seg = decode_segment(&mut out, false)
            .expect("valid")
            .expect("complete");
        assert_eq!(seg.payload, payload);
        assert!(seg.self_contained);
        assert!(out.is_empty());
    }

    #[test]
    fn lz4_segments_compress_or_store() {
        let pattern: Vec<u8> = (0..MAX_PAYLOAD).map(|i| (i % 251) as u8).collect();
        let mut out = BytesMut::new();
        encode_segment(&pattern, false, true, &mut out).expect("fits");
        assert!(out.len() < 2000, "pattern compresses ({} bytes)", out.len());
        let seg = decode_segment(&mut out, true)
            .expect("valid")
            .expect("complete");
        assert_eq!(seg.payload, pattern);
        assert!(!seg.self_contained);

        let tiny = [1u8, 2, 3];
        encode_segment(&tiny, true, true, &mut out).expect("fits");
        // Stored: compressed length 3, uncompressed length 0, self-contained bit 34.
        assert_eq!(&out[..5], &[3, 0, 0, 0, 0x04]);
        let seg = decode_segment(&mut out, true)
            .expect("valid")
            .expect("complete");
        assert_eq!(seg.payload, tiny);
    }

    #[test]
    fn partial_input_waits_and_corruption_is_detected() {
        let mut full = BytesMut::new();
        encode_segment(b"abc", true, false, &mut full).expect("fits");
        let mut partial = BytesMut::from(&full[..full.len() - 1]);
        assert_eq!(decode_segment(&mut partial, false), Ok(None));
        assert_eq!(partial.len(), full.len() - 1);

        let mut bad_header = full.clone();
        bad_header[0] ^= 1;
        assert!(matches!(
            decode_segment(&mut bad_header, false),
            Err(FrameError::HeaderCrcMismatch { .. })
        ));
        let mut bad_payload = full.clone();
        bad_payload[6] ^= 1;
        assert!(matches!(
            decode_segment(&mut bad_payload, false),
            Err(FrameError::PayloadCrcMismatch { .. })
        ));

        let header = [0x03u8, 0x00, 0x06]; // padding bit 18 set
        let mut padded = BytesMut::from(&header[..]);
        padded.extend_from_slice(&crc24(&header).to_le_bytes()[..3]);
        assert!(matches!(
            decode_segment(&mut padded, false),
            Err(FrameError::BadPadding { header: 0x06_0003 })
        ));
        assert!(encode_segment(&vec![0; MAX_PAYLOAD + 1], true, false, &mut full).is_err());
    }
}

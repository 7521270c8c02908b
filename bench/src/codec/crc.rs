//! The two checksums of v5 segments: CRC24 over the header and a seeded CRC32 over the payload.

/// CRC24 as Cassandra computes it for segment headers (init 0x875060, poly 0x1974F0B),
/// fed the header bytes in stream order.
pub(crate) fn crc24(bytes: &[u8]) -> u32 {
    let mut crc: u32 = 0x0087_5060;
    for &b in bytes {
        crc ^= u32::from(b) << 16;
        for _ in 0..8 {
            crc <<= 1;
            if crc & 0x0100_0000 != 0 {
                crc ^= 0x0197_4F0B;
            }
        }
    }
    crc & 0x00FF_FFFF
}

/// CRC32 (IEEE) seeded by first hashing `fa 2d 55 ca`.
pub(crate) fn crc32(payload: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(&[0xfa, 0x2d, 0x55, 0xca]);
    h.update(payload);
    h.finalize()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc24_matches_the_capture_vector() {
        // v5-plain conn-1 REGISTER: header 0x02003a -> crc24 0x836173.
        assert_eq!(crc24(&[0x3a, 0x00, 0x02]), 0x0083_6173);
        assert_ne!(crc24(&[0x3b, 0x00, 0x02]), 0x0083_6173);
    }

    #[test]
    fn crc32_is_seeded() {
        assert_ne!(crc32(b"abc"), crc32fast::hash(b"abc"));
        let mut h = crc32fast::Hasher::new();
        h.update(&[0xfa, 0x2d, 0x55, 0xca, b'a', b'b', b'c']);
        assert_eq!(crc32(b"abc"), h.finalize());
    }
}

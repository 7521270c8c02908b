//! Cassandra's variable-length integers (`VIntCoding`), used by `duration` values (signed,
//! zig-zag) and by the length prefixes of variable-size `vector` elements (unsigned).
//!
//! The first byte carries, as a run of leading one bits, how many bytes follow (0 to 8); the
//! value is big-endian in the remaining bits of the first byte and the following bytes. Nine
//! bytes (`0xFF` then 8 bytes) hold a full 64-bit value.

/// Appends `v` as an unsigned vint.
pub(crate) fn put_unsigned(out: &mut Vec<u8>, v: u64) {
    // Extra bytes needed: each byte of the encoding carries 7 bits of value, and the 9-byte
    // form carries all 64.
    let bits = 64 - v.leading_zeros() as usize;
    let extra = if bits <= 7 * 8 {
        bits.saturating_sub(1) / 7
    } else {
        8
    };
    let be = v.to_be_bytes();
    if extra == 8 {
        out.push(0xFF);
        out.extend_from_slice(&be);
        return;
    }
    let tail = be.get(8 - extra..).unwrap_or_default();
    let head_bits = be.get(7 - extra).copied().unwrap_or_default();
    let mask = !(0xFFu8 >> extra);
    out.push(head_bits | mask);
    out.extend_from_slice(tail);
}

/// Appends `v` as a signed (zig-zag) vint.
pub(crate) fn put_signed(out: &mut Vec<u8>, v: i64) {
    put_unsigned(out, ((v << 1) ^ (v >> 63)) as u64);
}

/// Reads an unsigned vint from the front of `buf`; returns it and the bytes consumed, or `None`
/// when `buf` ends too early.
pub(crate) fn read_unsigned(buf: &[u8]) -> Option<(u64, usize)> {
    let first = *buf.first()?;
    let extra = first.leading_ones() as usize;
    let rest = buf.get(1..=extra)?;
    let mut v = if extra == 8 {
        0
    } else {
        u64::from(first & (0xFF >> extra))
    };
    for b in rest {
        v = (v << 8) | u64::from(*b);
    }
    Some((v, 1 + extra))
}

/// Reads a signed (zig-zag) vint; see [`read_unsigned`].
pub(crate) fn read_signed(buf: &[u8]) -> Option<(i64, usize)> {
    let (u, n) = read_unsigned(buf)?;
    Some((((u >> 1) as i64) ^ -((u & 1) as i64), n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unsigned(v: u64) -> Vec<u8> {
        let mut out = Vec::new();
        put_unsigned(&mut out, v);
        assert_eq!(
            read_unsigned(&out),
            Some((v, out.len())),
            "round trip of {v}"
        );
        out
    }

    #[test]
    fn unsigned_sizes_and_bytes() {
        assert_eq!(unsigned(0), [0x00]);
        assert_eq!(unsigned(127), [0x7F]);
        assert_eq!(unsigned(128), [0x80, 0x80]);
        assert_eq!(unsigned(0x3FFF), [0xBF, 0xFF]);
        assert_eq!(unsigned(0x4000), [0xC0, 0x40, 0x00]);
        assert_eq!(unsigned((1 << 56) - 1).len(), 8);
        assert_eq!(unsigned(1 << 56).len(), 9);
        assert_eq!(
            unsigned(u64::MAX),
            [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        );
    }

    #[test]
    fn signed_is_zig_zag() {
        // Values from the wire capture: duration 1mo 2d 3ns is 02 04 06.
        let mut out = Vec::new();
        for v in [1, 2, 3] {
            put_signed(&mut out, v);
        }
        assert_eq!(out, [0x02, 0x04, 0x06]);
        for v in [0, -1, 1, i64::MIN, i64::MAX, -14_706_007_008_009] {
            let mut out = Vec::new();
            put_signed(&mut out, v);
            assert_eq!(read_signed(&out), Some((v, out.len())));
        }
        let mut out = Vec::new();
        put_signed(&mut out, -1);
        assert_eq!(out, [0x01]);
    }

    #[test]
    fn truncated_input_is_none() {
        assert_eq!(read_unsigned(&[]), None);
        assert_eq!(read_unsigned(&[0xC0, 0x01]), None);
        assert_eq!(read_unsigned(&[0xFF; 8]), None);
    }
}

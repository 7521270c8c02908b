//! Partition tokens of Cassandra's default `Murmur3Partitioner`: where a partition key lives on
//! the ring. The driver needs them for token-aware routing, the emulator for `token(...)`, for
//! the order of partitions in full scans, and for paging.
//!
//! Hand-written because it is Cassandra's own variant of MurmurHash3 x64-128, which generic
//! crates do not reproduce: the trailing 1..15 bytes are mixed in *sign-extended* (Java `byte`
//! → `long`), so keys whose tail has bytes ≥ 0x80 hash differently from the reference
//! algorithm. The token is the first 64-bit half of the hash, with `i64::MIN` (reserved by
//! Cassandra as the ring's minimum token) mapped to `i64::MAX`.

const C1: u64 = 0x87c3_7b91_1142_53d5;
const C2: u64 = 0x4cf5_ad43_2745_937f;

/// The Murmur3Partitioner token of a serialized partition key (see [`partition_key_bytes`]
/// for keys with several components).
///
/// An empty key gets the ring's minimum token `i64::MIN`, as in Cassandra's
/// `Murmur3Partitioner.getToken` (no real partition has one: Cassandra rejects empty keys).
pub fn murmur3_token(key: &[u8]) -> i64 {
    if key.is_empty() {
        return i64::MIN;
    }
    let h1 = hash3_x64_128_first_half(key) as i64;
    if h1 == i64::MIN { i64::MAX } else { h1 }
}

/// The routing key of a partition key: the single component's bytes as they are, or for a
/// composite key each component as `[short length][bytes][0x00]` (Cassandra's
/// `CompositeType` encoding), which is what the token is computed over.
///
/// Cassandra rejects keys with a component longer than 65535 bytes; for such a component
/// this function writes a saturated length. Use [`try_partition_key_bytes`] to reject them.
pub fn partition_key_bytes(components: &[&[u8]]) -> Vec<u8> {
    match components {
        [single] => single.to_vec(),
        _ => {
            let total = components.iter().map(|c| c.len() + 3).sum();
            let mut out = Vec::with_capacity(total);
            for c in components {
                let len = u16::try_from(c.len()).unwrap_or(u16::MAX);
                out.extend_from_slice(&len.to_be_bytes());
                out.extend_from_slice(c);
                out.push(0);
            }
            out
        }
    }
}

/// A partition key component too long for the composite encoding's `[short]` length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("partition key component {index} is {length} bytes long; the maximum is 65535")]
pub struct KeyTooLong {
    /// Position of the component in the key.
    pub index: usize,
    /// Its length in bytes.
    pub length: usize,
}

/// Like [`partition_key_bytes`], but fails on a component longer than 65535 bytes (for a
/// composite key) instead of producing a key Cassandra would never hold.
pub fn try_partition_key_bytes(components: &[&[u8]]) -> Result<Vec<u8>, KeyTooLong> {
    if components.len() > 1
        && let Some((index, c)) = components
            .iter()
            .enumerate()
            .find(|(_, c)| c.len() > usize::from(u16::MAX))
    {
        return Err(KeyTooLong {
            index,
            length: c.len(),
        });
    }
    Ok(partition_key_bytes(components))
}

fn fmix(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^= k >> 33;
    k
}

fn mix_k1(k1: u64) -> u64 {
    k1.wrapping_mul(C1).rotate_left(31).wrapping_mul(C2)
}

fn mix_k2(k2: u64) -> u64 {
    k2.wrapping_mul(C2).rotate_left(33).wrapping_mul(C1)
}

/// MurmurHash3 x64-128 with seed 0, Cassandra flavour; returns the first half (`h1`).
fn hash3_x64_128_first_half(key: &[u8]) -> u64 {
    let mut h1: u64 = 0;
    let mut h2: u64 = 0;

    let mut blocks = key.chunks_exact(16);
    for block in &mut blocks {
        let (lo, hi) = block.split_at(8);
        let k1 = u64::from_le_bytes(lo.try_into().unwrap_or_default());
        let k2 = u64::from_le_bytes(hi.try_into().unwrap_or_default());

        h1 ^= mix_k1(k1);
        h1 = h1
            .rotate_left(27)
            .wrapping_add(h2)
            .wrapping_mul(5)
            .wrapping_add(0x52dc_e729);
        h2 ^= mix_k2(k2);
        h2 = h2
            .rotate_left(31)
            .wrapping_add(h1)
            .wrapping_mul(5)
            .wrapping_add(0x3849_5ab5);
    }

    // The tail: each byte is sign-extended to 64 bits before it is shifted into place (the
    // Cassandra quirk), so a byte ≥ 0x80 sets every bit above its position too.
    let tail = blocks.remainder();
    let mut k1: u64 = 0;
    let mut k2: u64 = 0;
    for (i, b) in tail.iter().enumerate().rev() {
        let extended = i64::from(*b as i8) as u64;
        if i >= 8 {
            k2 ^= extended << ((i - 8) * 8);
        } else {
            k1 ^= extended << (i * 8);
        }
    }
    if tail.len() > 8 {
        h2 ^= mix_k2(k2);
    }
    if !tail.is_empty() {
        h1 ^= mix_k1(k1);
    }

    let len = key.len() as u64;
    h1 ^= len;
    h2 ^= len;
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    h1 = fmix(h1);
    h2 = fmix(h2);
    h1.wrapping_add(h2)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Vectors from the DataStax drivers' own tests, which check them against Cassandra:
    /// python-driver `tests/unit/test_metadata.py` (`_verify_hash`) and ruby-driver
    /// `spec/cassandra/murmur3_spec.rb`.
    #[test]
    fn known_vectors_from_the_datastax_drivers() {
        let cases: &[(&[u8], i64)] = &[
            (b"123", -7_468_325_962_851_647_638),
            (
                &[0x00, 0xff, 0x10, 0xfa, 0x99].repeat(10),
                5_837_342_703_291_459_765,
            ),
            (&[0xfe; 8], -8_927_430_733_708_461_935),
            (&[0x10; 8], 1_446_172_840_243_228_796),
            (b"9223372036854775807", 7_162_290_910_810_015_547),
            (&[0x00; 16], 5_457_549_051_747_178_710),
            (&[0xff; 16], -2_824_192_546_314_762_522),
            (&[0xfe; 16], -833_317_529_301_936_754),
            (&[0xfe; 17], -1_672_437_813_826_982_685),
            (&[0xfe; 4], 4_566_408_979_886_474_012),
            (&[0x00; 4], -3_485_513_579_396_041_028),
            (&[0x00, 0x01, 0x7f, 0x7f], 6_573_459_401_642_635_627),
            (&[0x00, 0xff, 0xff, 0xff], 123_573_637_386_978_882),
            (&[0xff, 0x01, 0x02, 0x03], -2_839_127_690_952_877_842),
            (&[0xe2, 0xe7], -8_582_699_461_035_929_883),
            (
                &[0xe2, 0xe7, 0xe2, 0xe7, 0xe2, 0xe7, 0x01],
                2_222_373_981_930_033_306,
            ),
        ];
        for (key, token) in cases {
            assert_eq!(murmur3_token(key), *token, "key {key:02x?}");
        }
    }

    #[test]
    fn sixteen_byte_blocks_from_the_ruby_driver() {
        // Keys 1..=16, 2..=17, ... 7..=22 (the ruby spec writes them as escapes).
        let expected = [
            -5_563_837_382_979_743_776,
            -1_513_403_162_740_402_161,
            -495_360_443_712_684_655,
            1_734_091_135_765_407_943,
            -3_199_412_112_042_527_988,
            -6_316_563_938_475_080_831,
            8_228_893_370_679_682_632,
        ];
        for (start, token) in (1u8..).zip(expected) {
            let key: Vec<u8> = (start..start + 16).collect();
            assert_eq!(murmur3_token(&key), token, "key starting at {start}");
        }
    }

    #[test]
    fn empty_key_is_the_minimum_token() {
        // The raw hash of no bytes is 0, but the partitioner reserves `MINIMUM` for it.
        assert_eq!(hash3_x64_128_first_half(b""), 0);
        assert_eq!(murmur3_token(b""), i64::MIN);
    }

    #[test]
    fn composite_keys_are_length_prefixed_and_terminated() {
        assert_eq!(partition_key_bytes(&[b"ab"]), b"ab");
        assert_eq!(
            partition_key_bytes(&[b"ab", &[0, 0, 0, 1]]),
            [0, 2, b'a', b'b', 0, 0, 4, 0, 0, 0, 1, 0]
        );
        assert_eq!(partition_key_bytes(&[]), Vec::<u8>::new());
        let long = vec![0u8; 70_000];
        assert_eq!(
            try_partition_key_bytes(&[b"a", &long]),
            Err(KeyTooLong {
                index: 1,
                length: 70_000
            })
        );
        assert!(try_partition_key_bytes(&[&long]).is_ok());
    }
}

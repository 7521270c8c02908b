//! Cassandra's Murmur3 partitioner token, used to order partitions as Cassandra does.
//!
//! Cassandra's `MurmurHash.hash3_x64_128` differs from the reference algorithm in one way:
//! tail bytes are sign-extended (Java `byte`) before shifting. The token is the first 64-bit
//! half of the hash, with `i64::MIN` mapped to `i64::MAX` (the partitioner's minimum token
//! is reserved).
//!
//! The algorithm lives in `cassia_protocol::token` (shared with the driver's routing); the
//! vectors below check it against Cassandra's values from the store's point of view.

pub(crate) use cassia_protocol::token::murmur3_token;

#[cfg(test)]
mod tests {
    use super::murmur3_token;

    #[test]
    fn known_cassandra_tokens() {
        // `SELECT token(k)` on Cassandra for an int key 1, and for text keys.
        assert_eq!(
            murmur3_token(&1i32.to_be_bytes()),
            -4_069_959_284_402_364_209
        );
        assert_eq!(
            murmur3_token(&2i32.to_be_bytes()),
            -3_248_873_570_005_575_792
        );
        // Vectors from the Python driver's murmur3 (two blocks plus a tail; sign-extended tail).
        assert_eq!(
            murmur3_token(b"hello world, this is a longer key!"),
            5_689_014_290_686_341_403
        );
        let signed_tail = [
            0xff, 0x80, 0x81, 0x90, 0xa0, 0xfe, 0xf0, 0x99, 0x88, 0x77, 0xee, 0xdd, 0xcc,
        ];
        assert_eq!(murmur3_token(&signed_tail), -4_287_035_258_614_601_047);
        assert_eq!(murmur3_token(b""), i64::MIN);
    }
}

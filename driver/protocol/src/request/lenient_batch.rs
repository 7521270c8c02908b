//! BATCH bodies read as Cassandra 4.0's server reads them (`BatchMessage.codec`).
//!
//! 4.0 reads a batch's trailing options with the very codec it uses for QUERY
//! (`QueryOptions.Codec`): it reads every field whose QUERY flag is set (values, page size,
//! paging state included, then unused by a batch), ignores flag bits it does not define and
//! never checks that the body was consumed. Its checks answer with protocol errors, and the
//! batch type is checked last, after the options. The strict [`Batch::decode`] stays as is
//! for the driver's own round trips.

use super::batch::read_statements;
use super::{Batch, BatchType, QueryParameters};
use crate::frame::ProtocolVersion;
use crate::wire::{DecodeError, Reader};

impl Batch {
    /// Decodes a BATCH body as Cassandra 4.0's server does (see the module docs). 4.0's
    /// checks fail with [`DecodeError::Protocol`] carrying its message.
    pub fn decode_lenient(version: ProtocolVersion, body: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body);
        let code = r.u8("batch type")?;
        let statements = read_statements(&mut r, true, |kind| DecodeError::Protocol {
            // Java's `byte` is signed: 0xff prints as -1.
            message: format!(
                "Invalid query kind in BATCH messages. Must be 0 or 1 but got {}",
                kind as i8
            ),
        })?;
        let params = QueryParameters::decode_lenient(&mut r, version)?;
        // Named values (flags 0x41) are read with the values and then ignored: 4.0's
        // `BatchQueryOptions` runs each statement with its own values, never the options'.
        let batch_type = BatchType::from_code(code).ok_or_else(|| DecodeError::Protocol {
            message: format!("Invalid BATCH message type {}", code as i8),
        })?;
        Ok(Batch {
            batch_type,
            statements,
            consistency: params.consistency,
            serial_consistency: params.serial_consistency,
            timestamp: params.timestamp,
            keyspace: params.keyspace,
            now_in_seconds: params.now_in_seconds,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consistency::Consistency;
    use crate::request::BatchStatement;

    const V4: ProtocolVersion = ProtocolVersion::V4;
    const V5: ProtocolVersion = ProtocolVersion::V5;

    /// An unlogged batch of one query "Q" without values, then `options`.
    fn body(batch_type: u8, options: &[u8]) -> Vec<u8> {
        let mut out = vec![batch_type, 0, 1, 0, 0, 0, 0, 1, b'Q', 0, 0];
        out.extend_from_slice(options);
        out
    }

    fn protocol_error(result: Result<Batch, DecodeError>) -> String {
        match result {
            Err(DecodeError::Protocol { message }) => message,
            other => panic!("expected a protocol error, got {other:?}"),
        }
    }

    #[test]
    fn trailing_bytes_and_undefined_flag_bits_are_ignored() {
        // ONE, v5 flags with bits 9 and 31 set plus the timestamp flag, then two extra bytes.
        let options = [
            0, 1, 0x80, 0, 0x02, 0x20, 0, 0, 0, 0, 0, 0, 0, 9, 0xaa, 0xbb,
        ];
        let b = body(1, &options);
        assert!(Batch::decode(V5, &b).is_err());
        let batch = Batch::decode_lenient(V5, &b).expect("decodes");
        assert_eq!(batch.batch_type, BatchType::Unlogged);
        assert_eq!(batch.timestamp, Some(9));
        assert_eq!(
            batch.statements,
            vec![BatchStatement::Query {
                query: "Q".into(),
                values: Default::default(),
            }]
        );
        // v4's flags byte: 0x80 is the keyspace flag to 4.0, whatever the version.
        let batch =
            Batch::decode_lenient(V4, &body(0, &[0, 4, 0x80, 0, 2, b'k', b's'])).expect("decodes");
        assert_eq!(batch.consistency, Consistency::Quorum);
        assert_eq!(batch.keyspace.as_deref(), Some("ks"));
    }

    #[test]
    fn query_flags_are_read_as_4_0_reads_them() {
        // Flags VALUES | PAGE_SIZE: one value, then a page size, all read and unused.
        let options = [0, 1, 0x05, 0, 1, 0, 0, 0, 1, 7, 0, 0, 0, 100];
        let batch = Batch::decode_lenient(V4, &body(2, &options)).expect("decodes");
        assert_eq!(batch.batch_type, BatchType::Counter);
        assert_eq!(batch.timestamp, None);
    }

    #[test]
    fn cassandra_checks_answer_with_its_messages() {
        assert_eq!(
            protocol_error(Batch::decode_lenient(V4, &body(1, &[0, 0x42, 0]))),
            "Unknown code 66 for a consistency level"
        );
        assert_eq!(
            protocol_error(Batch::decode_lenient(
                V4,
                &body(1, &[0, 1, 0x10, 0xff, 0xff])
            )),
            "Unknown code 65535 for a consistency level"
        );
        let mut min = vec![0, 1, 0x20];
        min.extend_from_slice(&i64::MIN.to_be_bytes());
        assert_eq!(
            protocol_error(Batch::decode_lenient(V4, &body(1, &min))),
            "Out of bound timestamp, must be in [-9223372036854775807, 9223372036854775807] \
             (got -9223372036854775808)"
        );
        assert_eq!(
            protocol_error(Batch::decode_lenient(V4, &[0, 0, 1, 0xff])),
            "Invalid query kind in BATCH messages. Must be 0 or 1 but got -1"
        );
        // The type is checked after the options, as 4.0 does.
        assert_eq!(
            protocol_error(Batch::decode_lenient(V4, &body(3, &[0, 1, 0]))),
            "Invalid BATCH message type 3"
        );
        assert_eq!(
            protocol_error(Batch::decode_lenient(V4, &body(3, &[0, 0x42, 0]))),
            "Unknown code 66 for a consistency level"
        );
    }

    #[test]
    fn named_values_in_the_options_are_read_and_ignored() {
        // Flags VALUES | NAMES_FOR_VALUES: one value named "x", then the batch runs as is.
        let options = [0, 1, 0x41, 0, 1, 0, 1, b'x', 0, 0, 0, 1, 7];
        let batch = Batch::decode_lenient(V4, &body(1, &options)).expect("decodes");
        assert_eq!(batch.batch_type, BatchType::Unlogged);
        // The names flag alone reads nothing.
        let batch = Batch::decode_lenient(V4, &body(1, &[0, 1, 0x40])).expect("decodes");
        assert_eq!(batch.consistency, Consistency::One);
    }

    /// Every prefix of a valid body, and some garbage, fails cleanly.
    #[test]
    fn truncated_and_garbage_bodies_do_not_panic() {
        let full = body(1, &[0, 1, 0x30, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1]);
        assert!(Batch::decode_lenient(V4, &full).is_ok());
        for end in 0..full.len() {
            assert!(
                Batch::decode_lenient(V4, &full[..end]).is_err(),
                "prefix {end}"
            );
            // Read as v5 the flags take 4 bytes: some prefixes are whole v5 bodies.
            let _ = Batch::decode_lenient(V5, &full[..end]);
        }
        for garbage in [
            &[0xff; 64][..],
            &[0x00, 0xff, 0xff, 0x01, 0xff, 0xff],
            &[0x80; 17],
        ] {
            let _ = Batch::decode_lenient(V4, garbage);
            let _ = Batch::decode_lenient(V5, garbage);
        }
    }
}

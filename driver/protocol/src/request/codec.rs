//! [`Request`] as a whole: its opcode, and body encoding/decoding by opcode.

use super::{AuthResponse, Batch, Execute, Prepare, Query, Register, Request, Startup};
use crate::frame::{Opcode, ProtocolVersion};
use crate::wire::{DecodeError, EncodeError, Reader};

impl Request {
    /// The opcode this request is sent with.
    pub fn opcode(&self) -> Opcode {
        match self {
            Request::Startup(_) => Opcode::Startup,
            Request::Options => Opcode::Options,
            Request::Query(_) => Opcode::Query,
            Request::Prepare(_) => Opcode::Prepare,
            Request::Execute(_) => Opcode::Execute,
            Request::Batch(_) => Opcode::Batch,
            Request::Register(_) => Opcode::Register,
            Request::AuthResponse(_) => Opcode::AuthResponse,
        }
    }

    /// Appends the message body (without frame header, tracing or custom payload).
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        match self {
            Request::Startup(m) => m.encode(out),
            Request::Options => Ok(()),
            Request::Query(m) => m.encode(version, out),
            Request::Prepare(m) => m.encode(version, out),
            Request::Execute(m) => m.encode(version, out),
            Request::Batch(m) => m.encode(version, out),
            Request::Register(m) => m.encode(out),
            Request::AuthResponse(m) => m.encode(out),
        }
    }

    /// Decodes a message body. Response opcodes are rejected; so are trailing bytes.
    pub fn decode(
        opcode: Opcode,
        version: ProtocolVersion,
        body: &[u8],
    ) -> Result<Request, DecodeError> {
        Self::decode_with(opcode, version, body, false)
    }

    /// Decodes a message body as Cassandra 4.0's server does (`Message.Decoder` never
    /// checks that a body was consumed): bytes after the message are ignored, and QUERY,
    /// EXECUTE and BATCH read their options as 4.0's `QueryOptions.Codec` does (flag bits it
    /// does not define are ignored; its checks fail with [`DecodeError::Protocol`] and
    /// Cassandra's message). For a server that must accept what Cassandra accepts;
    /// [`decode`](Self::decode) stays strict.
    pub fn decode_lenient(
        opcode: Opcode,
        version: ProtocolVersion,
        body: &[u8],
    ) -> Result<Request, DecodeError> {
        Self::decode_with(opcode, version, body, true)
    }

    fn decode_with(
        opcode: Opcode,
        version: ProtocolVersion,
        body: &[u8],
        lenient: bool,
    ) -> Result<Request, DecodeError> {
        Ok(match opcode {
            Opcode::Startup => Request::Startup(Startup::decode_with(body, lenient)?),
            Opcode::Options => {
                finish(&Reader::new(body), "OPTIONS", lenient)?;
                Request::Options
            }
            Opcode::Query => Request::Query(Query::decode_with(version, body, lenient)?),
            Opcode::Prepare => Request::Prepare(Prepare::decode_with(version, body, lenient)?),
            Opcode::Execute => Request::Execute(Execute::decode_with(version, body, lenient)?),
            Opcode::Batch if lenient => Request::Batch(Batch::decode_lenient(version, body)?),
            Opcode::Batch => Request::Batch(Batch::decode(version, body)?),
            Opcode::Register => Request::Register(Register::decode_with(body, lenient)?),
            Opcode::AuthResponse => {
                Request::AuthResponse(AuthResponse::decode_with(body, lenient)?)
            }
            other => {
                return Err(DecodeError::Invalid {
                    what: "request opcode",
                    detail: format!("{other:?} (0x{:02x}) is not a request", other.code()),
                });
            }
        })
    }
}

/// The whole-body check of the strict decoders. Cassandra 4.0's `Message.Decoder` never
/// makes it, so lenient decoding skips it.
pub(super) fn finish(r: &Reader<'_>, what: &'static str, lenient: bool) -> Result<(), DecodeError> {
    match lenient {
        true => Ok(()),
        false => r.finish(what),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_opcodes_are_not_requests() {
        let err = Request::decode(Opcode::Ready, ProtocolVersion::V4, &[]);
        assert!(matches!(
            err,
            Err(DecodeError::Invalid {
                what: "request opcode",
                ..
            })
        ));
    }

    #[test]
    fn options_round_trip() {
        let mut out = Vec::new();
        Request::Options
            .encode(ProtocolVersion::V5, &mut out)
            .expect("encodes");
        assert!(out.is_empty());
        assert_eq!(
            Request::decode(Opcode::Options, ProtocolVersion::V5, &out),
            Ok(Request::Options)
        );
        assert!(Request::decode(Opcode::Options, ProtocolVersion::V5, &[1]).is_err());
    }

    #[test]
    fn lenient_decoding_ignores_what_cassandra_ignores() {
        let v5 = ProtocolVersion::V5;
        // QUERY "x", consistency ONE, flags with undefined bits 9 and 31, two extra bytes.
        let body = b"\0\0\0\x01x\0\x01\x80\0\x02\0\xaa\xbb";
        assert!(Request::decode(Opcode::Query, v5, body).is_err());
        let Ok(Request::Query(q)) = Request::decode_lenient(Opcode::Query, v5, body) else {
            panic!("lenient decoding failed");
        };
        assert_eq!(q.query, "x");
        // v4's flags byte: 0x80 is the keyspace flag, as 4.0 reads it.
        let body = b"\0\0\0\x01x\0\x01\x80\0\x02ks";
        let Ok(Request::Query(q)) =
            Request::decode_lenient(Opcode::Query, ProtocolVersion::V4, body)
        else {
            panic!("lenient decoding failed");
        };
        assert_eq!(q.params.keyspace.as_deref(), Some("ks"));
        // Trailing bytes after other bodies.
        let register = b"\0\x01\0\x0dSCHEMA_CHANGE\x01";
        assert!(Request::decode_lenient(Opcode::Register, v5, register).is_ok());
        assert_eq!(
            Request::decode_lenient(Opcode::Options, v5, &[1]),
            Ok(Request::Options)
        );
    }

    fn protocol_message(result: Result<Request, DecodeError>) -> String {
        match result {
            Err(DecodeError::Protocol { message }) => message,
            other => panic!("expected a protocol error, got {other:?}"),
        }
    }

    #[test]
    fn lenient_decoding_reports_cassandra_checks() {
        let v4 = ProtocolVersion::V4;
        // QUERY "x" at consistency 0x0042.
        let body = b"\0\0\0\x01x\0\x42\0";
        assert!(matches!(
            Request::decode(Opcode::Query, v4, body),
            Err(DecodeError::Invalid { .. })
        ));
        assert_eq!(
            protocol_message(Request::decode_lenient(Opcode::Query, v4, body)),
            "Unknown code 66 for a consistency level"
        );
        // Serial consistency 0x0100.
        let body = b"\0\0\0\x01x\0\x01\x10\x01\0";
        assert_eq!(
            protocol_message(Request::decode_lenient(Opcode::Query, v4, body)),
            "Unknown code 256 for a consistency level"
        );
        // EXECUTE (v5: id, metadata id) with a Long.MIN_VALUE timestamp.
        let mut body = b"\0\x01\xaa\0\x01\xbb\0\x01\0\0\0\x20".to_vec();
        body.extend_from_slice(&i64::MIN.to_be_bytes());
        assert_eq!(
            protocol_message(Request::decode_lenient(
                Opcode::Execute,
                ProtocolVersion::V5,
                &body
            )),
            "Out of bound timestamp, must be in [-9223372036854775807, 9223372036854775807] \
             (got -9223372036854775808)"
        );
        // One more than Long.MIN_VALUE is fine.
        let last = body.len() - 1;
        body[last] = 1;
        assert!(Request::decode_lenient(Opcode::Execute, ProtocolVersion::V5, &body).is_ok());
        // NODE_LOCAL (11) is 4.0's, not modelled here: a plain decoding error.
        assert!(matches!(
            Request::decode_lenient(Opcode::Query, v4, b"\0\0\0\x01x\0\x0b\0"),
            Err(DecodeError::Invalid { .. })
        ));
    }

    #[test]
    fn lenient_prepare_reads_only_the_keyspace_flag() {
        let v5 = ProtocolVersion::V5;
        let body = b"\0\0\0\x01x\0\0\0\xf1\0\x02ksrest";
        let Ok(Request::Prepare(p)) = Request::decode_lenient(Opcode::Prepare, v5, body) else {
            panic!("lenient PREPARE refused unknown flag bits");
        };
        assert_eq!((p.query.as_str(), p.keyspace.as_deref()), ("x", Some("ks")));
        assert!(Request::decode(Opcode::Prepare, v5, body).is_err());
        let cut = b"\0\0\0\x01x\0\0\0\x01\0\x09ks";
        assert_eq!(
            protocol_message(Request::decode_lenient(Opcode::Prepare, v5, cut)),
            "Not enough bytes to read an UTF8 serialized string preceded by its 2 bytes length"
        );
    }

    #[test]
    fn lenient_decoding_cuts_strings_and_ids_as_cbutil_does() {
        let (v4, v5) = (ProtocolVersion::V4, ProtocolVersion::V5);
        let long =
            "Not enough bytes to read an UTF8 serialized string preceded by its 4 bytes length";
        // A query string longer than the body, its length cut, or negative.
        for body in [&b"\0\0\0\x09x"[..], b"\0\0", b"\xff\xff\xff\xfex"] {
            assert_eq!(
                protocol_message(Request::decode_lenient(Opcode::Query, v4, body)),
                long
            );
        }
        // A keyspace cut short.
        assert_eq!(
            protocol_message(Request::decode_lenient(
                Opcode::Query,
                v4,
                b"\0\0\0\x01x\0\x01\x80\0\x05ks"
            )),
            "Not enough bytes to read an UTF8 serialized string preceded by its 2 bytes length"
        );
        // EXECUTE ids, and a batch's query string and id.
        let bytes = "Not enough bytes to read a byte array preceded by its 2 bytes length";
        for (opcode, body) in [
            (Opcode::Execute, &b"\0\x05\xaa"[..]),
            (Opcode::Execute, b"\0\x01\xaa\0\x04\xbb"),
            (Opcode::Batch, b"\x01\0\x01\x01\0\x09\xaa"),
        ] {
            assert_eq!(
                protocol_message(Request::decode_lenient(opcode, v5, body)),
                bytes
            );
        }
        assert_eq!(
            protocol_message(Request::decode_lenient(
                Opcode::Batch,
                v5,
                b"\x01\0\x01\0\0\0\0\x09Q"
            )),
            long
        );
        // Other fields cut short stay truncations (4.0 lets Netty's exception through).
        for (opcode, body) in [
            (Opcode::Query, &b"\0\0\0\x01x\0"[..]),
            (Opcode::Query, b"\0\0\0\x01x\0\x01\x01\0\x01\0\0\0\x04\0"),
            (Opcode::Batch, b"\x01\0"),
        ] {
            assert!(matches!(
                Request::decode_lenient(opcode, v4, body),
                Err(DecodeError::Truncated { .. })
            ));
        }
        // The strict decoders are unchanged.
        assert!(matches!(
            Request::decode(Opcode::Query, v4, b"\0\0\0\x09x"),
            Err(DecodeError::Truncated { .. })
        ));
    }

    /// Truncations of valid bodies and garbage fail without panicking, for every opcode.
    #[test]
    fn lenient_decoding_never_panics() {
        let bodies: [&[u8]; 5] = [
            b"\0\0\0\x01x\0\x01\x3f\0\x01\0\0\0\x01\x07\0\0\0\x05\0\0\0\0\0\x08",
            b"\0\x01\xaa\0\x01\xbb\0\x01\0\0\x01\xff\0\x02ks\0\0\0\x01",
            b"\x01\0\x02\0\0\0\0\x01Q\0\0\x01\0\x01\xee\0\x01\0\0\0\x01\x07\0\x01\x20",
            &[0xff; 40],
            &[0x7f, 0xff, 0xff, 0xff, 0x80, 0, 0, 0, 0xff, 0xfe],
        ];
        let opcodes = [
            Opcode::Startup,
            Opcode::Query,
            Opcode::Prepare,
            Opcode::Execute,
            Opcode::Batch,
            Opcode::Register,
            Opcode::AuthResponse,
        ];
        for body in bodies {
            for end in 0..=body.len() {
                for opcode in opcodes {
                    for version in [ProtocolVersion::V4, ProtocolVersion::V5] {
                        let _ = Request::decode_lenient(opcode, version, &body[..end]);
                    }
                }
            }
        }
    }
}

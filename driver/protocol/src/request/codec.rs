//! [`Request`] as a whole: its opcode, and body encoding/decoding by opcode.

use super::{AuthResponse, Batch, Execute, Prepare, Query, Register, Request, Startup};
use crate::frame::{Opcode, ProtocolVersion};
use crate::wire::{DecodeError, EncodeError};

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
        Ok(match opcode {
            Opcode::Startup => Request::Startup(Startup::decode(body)?),
            Opcode::Options => {
                if !body.is_empty() {
                    return Err(DecodeError::TrailingBytes {
                        what: "OPTIONS",
                        remaining: body.len(),
                    });
                }
                Request::Options
            }
            Opcode::Query => Request::Query(Query::decode(version, body)?),
            Opcode::Prepare => Request::Prepare(Prepare::decode(version, body)?),
            Opcode::Execute => Request::Execute(Execute::decode(version, body)?),
            Opcode::Batch => Request::Batch(Batch::decode(version, body)?),
            Opcode::Register => Request::Register(Register::decode(body)?),
            Opcode::AuthResponse => Request::AuthResponse(AuthResponse::decode(body)?),
            other => {
                return Err(DecodeError::Invalid {
                    what: "request opcode",
                    detail: format!("{other:?} (0x{:02x}) is not a request", other.code()),
                });
            }
        })
    }
}

impl Request {
    /// Decodes a message body as Cassandra 4.0's server does (`Message.Decoder` never
    /// checks that a body was consumed): bytes after the message are ignored, and QUERY and
    /// EXECUTE ignore the flag bits 4.0 does not define. For a server that must accept what
    /// Cassandra accepts; [`decode`](Self::decode) stays strict.
    pub fn decode_lenient(
        opcode: Opcode,
        version: ProtocolVersion,
        body: &[u8],
    ) -> Result<Request, DecodeError> {
        match opcode {
            Opcode::Options => Ok(Request::Options),
            Opcode::Query => Ok(Request::Query(Query::decode_lenient(version, body)?)),
            Opcode::Execute => Ok(Request::Execute(Execute::decode_lenient(version, body)?)),
            _ => match Request::decode(opcode, version, body) {
                // The other bodies end with a whole-body check: drop what it found extra.
                Err(DecodeError::TrailingBytes { what, remaining })
                    if what == opcode_name(opcode) && remaining <= body.len() =>
                {
                    Request::decode(opcode, version, &body[..body.len() - remaining])
                }
                other => other,
            },
        }
    }
}

/// The name a body's whole-body check reports (`Reader::finish`).
fn opcode_name(opcode: Opcode) -> &'static str {
    match opcode {
        Opcode::Startup => "STARTUP",
        Opcode::Register => "REGISTER",
        Opcode::AuthResponse => "AUTH_RESPONSE",
        Opcode::Batch => "BATCH",
        Opcode::Prepare => "PREPARE",
        _ => "",
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
}

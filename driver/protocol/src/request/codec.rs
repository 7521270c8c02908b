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
}

//! [`Response`] as a whole: its opcode, and body encoding/decoding by opcode.

use bytes::Bytes;

use super::{Event, MetadataCache, Response, ResultBody, ServerError};
use crate::frame::{Opcode, ProtocolVersion};
use crate::wire::{DecodeError, EncodeError, Reader, put_bytes, put_string, put_string_multimap};

impl Response {
    /// The opcode this response is sent with.
    pub fn opcode(&self) -> Opcode {
        match self {
            Response::Error(_) => Opcode::Error,
            Response::Ready => Opcode::Ready,
            Response::Authenticate(_) => Opcode::Authenticate,
            Response::Supported(_) => Opcode::Supported,
            Response::Result(_) => Opcode::Result,
            Response::Event(_) => Opcode::Event,
            Response::AuthChallenge(_) => Opcode::AuthChallenge,
            Response::AuthSuccess(_) => Opcode::AuthSuccess,
        }
    }

    /// Appends the message body (without tracing id, warnings or custom payload).
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        match self {
            Response::Error(e) => e.encode(version, out),
            Response::Ready => Ok(()),
            Response::Authenticate(class) => put_string(out, class, "authenticator"),
            Response::Supported(options) => put_string_multimap(out, options, "SUPPORTED options"),
            Response::Result(body) => body.encode(version, out),
            Response::Event(event) => event.encode(out),
            Response::AuthChallenge(token) | Response::AuthSuccess(token) => {
                put_bytes(out, token.as_deref(), "SASL token")
            }
        }
    }

    /// Decodes a message body, copying what it keeps. Request opcodes are rejected; so are
    /// trailing bytes.
    pub fn decode(
        opcode: Opcode,
        version: ProtocolVersion,
        body: &[u8],
    ) -> Result<Response, DecodeError> {
        decode(opcode, version, body, None, None)
    }

    /// Like [`decode`](Self::decode), but Rows content is sliced out of `body` instead of
    /// copied (the cells of a large page are shared with the frame buffer).
    pub fn decode_bytes(
        opcode: Opcode,
        version: ProtocolVersion,
        body: &Bytes,
    ) -> Result<Response, DecodeError> {
        decode(opcode, version, body, Some(body), None)
    }

    /// Like [`decode_bytes`](Self::decode_bytes), taking Rows column specs from `cache`
    /// when the same bytes were decoded before (and remembering new ones).
    pub fn decode_bytes_cached(
        opcode: Opcode,
        version: ProtocolVersion,
        body: &Bytes,
        cache: &mut MetadataCache,
    ) -> Result<Response, DecodeError> {
        decode(opcode, version, body, Some(body), Some(cache))
    }
}

/// Decodes a message body; Rows content is sliced out of `owner` when given, and column
/// specs come from `cache` when given.
pub(crate) fn decode(
    opcode: Opcode,
    version: ProtocolVersion,
    body: &[u8],
    owner: Option<&Bytes>,
    cache: Option<&mut MetadataCache>,
) -> Result<Response, DecodeError> {
    let mut r = Reader::new(body);
    let response = match opcode {
        Opcode::Error => Response::Error(ServerError::decode(&mut r, version)?),
        Opcode::Ready => Response::Ready,
        Opcode::Authenticate => Response::Authenticate(r.string("authenticator")?.to_owned()),
        Opcode::Supported => Response::Supported(r.string_multimap("SUPPORTED options")?),
        Opcode::Result => Response::Result(ResultBody::decode(&mut r, version, owner, cache)?),
        Opcode::Event => Response::Event(Event::decode(&mut r)?),
        Opcode::AuthChallenge => {
            Response::AuthChallenge(r.bytes("SASL token")?.map(Bytes::copy_from_slice))
        }
        Opcode::AuthSuccess => {
            Response::AuthSuccess(r.bytes("SASL token")?.map(Bytes::copy_from_slice))
        }
        other => {
            return Err(DecodeError::Invalid {
                what: "response opcode",
                detail: format!("{other:?} (0x{:02x}) is not a response", other.code()),
            });
        }
    };
    r.finish(response_name(opcode))?;
    Ok(response)
}

fn response_name(opcode: Opcode) -> &'static str {
    match opcode {
        Opcode::Error => "ERROR",
        Opcode::Ready => "READY",
        Opcode::Authenticate => "AUTHENTICATE",
        Opcode::Supported => "SUPPORTED",
        Opcode::Result => "RESULT",
        Opcode::Event => "EVENT",
        Opcode::AuthChallenge => "AUTH_CHALLENGE",
        _ => "AUTH_SUCCESS",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supported_round_trip_and_wrong_direction() {
        let s = Response::Supported(vec![(
            "COMPRESSION".into(),
            vec!["snappy".into(), "lz4".into()],
        )]);
        let mut out = Vec::new();
        s.encode(ProtocolVersion::V4, &mut out).expect("encodes");
        assert_eq!(
            out,
            b"\0\x01\0\x0bCOMPRESSION\0\x02\0\x06snappy\0\x03lz4".to_vec()
        );
        assert_eq!(
            Response::decode(Opcode::Supported, ProtocolVersion::V4, &out),
            Ok(s)
        );
        assert!(Response::decode(Opcode::Query, ProtocolVersion::V4, &[]).is_err());
    }

    #[test]
    fn ready_with_a_body_is_rejected() {
        assert_eq!(
            Response::decode(Opcode::Ready, ProtocolVersion::V5, &[]),
            Ok(Response::Ready)
        );
        assert!(matches!(
            Response::decode(Opcode::Ready, ProtocolVersion::V5, &[0]),
            Err(DecodeError::TrailingBytes {
                what: "READY",
                remaining: 1
            })
        ));
    }
}

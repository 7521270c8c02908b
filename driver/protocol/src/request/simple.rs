//! The small requests: STARTUP (a string map), REGISTER (a string list) and AUTH_RESPONSE
//! (a `[bytes]` token). Their layout is the same in v4 and v5.

use bytes::Bytes;

use super::codec::finish;
use super::{AuthResponse, Register, Startup};
use crate::wire::{DecodeError, EncodeError, Reader, put_bytes, put_string_list, put_string_map};

impl Startup {
    /// The value of option `key` (e.g. `COMPRESSION`), if sent.
    pub fn option(&self, key: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Appends the STARTUP body.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        put_string_map(out, &self.options, "STARTUP options")
    }

    /// Decodes a STARTUP body.
    pub fn decode(body: &[u8]) -> Result<Self, DecodeError> {
        Self::decode_with(body, false)
    }

    /// `lenient` ignores bytes after the body (see [`finish`]).
    pub(super) fn decode_with(body: &[u8], lenient: bool) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body);
        let options = r.string_map("STARTUP options")?;
        finish(&r, "STARTUP", lenient)?;
        Ok(Startup { options })
    }
}

impl Register {
    /// Appends the REGISTER body.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        put_string_list(out, &self.events, "REGISTER events")
    }

    /// Decodes a REGISTER body.
    pub fn decode(body: &[u8]) -> Result<Self, DecodeError> {
        Self::decode_with(body, false)
    }

    /// `lenient` ignores bytes after the body (see [`finish`]).
    pub(super) fn decode_with(body: &[u8], lenient: bool) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body);
        let events = r.string_list("REGISTER events")?;
        finish(&r, "REGISTER", lenient)?;
        Ok(Register { events })
    }
}

impl AuthResponse {
    /// Appends the AUTH_RESPONSE body.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        put_bytes(out, self.token.as_deref(), "SASL token")
    }

    /// Decodes an AUTH_RESPONSE body.
    pub fn decode(body: &[u8]) -> Result<Self, DecodeError> {
        Self::decode_with(body, false)
    }

    /// `lenient` ignores bytes after the body (see [`finish`]).
    pub(super) fn decode_with(body: &[u8], lenient: bool) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body);
        let token = r.bytes("SASL token")?.map(Bytes::copy_from_slice);
        finish(&r, "AUTH_RESPONSE", lenient)?;
        Ok(AuthResponse { token })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn startup_bytes() {
        let s = Startup {
            options: vec![("CQL_VERSION".into(), "3.0.0".into())],
        };
        let mut out = Vec::new();
        s.encode(&mut out).expect("encodes");
        assert_eq!(out, b"\0\x01\0\x0bCQL_VERSION\0\x053.0.0");
        let back = Startup::decode(&out).expect("decodes");
        assert_eq!(back.option("CQL_VERSION"), Some("3.0.0"));
        assert_eq!(back.option("COMPRESSION"), None);
    }

    #[test]
    fn auth_response_null_and_empty_differ() {
        let mut null = Vec::new();
        AuthResponse { token: None }
            .encode(&mut null)
            .expect("encodes");
        assert_eq!(null, [0xff; 4]);
        let mut empty = Vec::new();
        AuthResponse {
            token: Some(Bytes::new()),
        }
        .encode(&mut empty)
        .expect("encodes");
        assert_eq!(empty, [0; 4]);
        assert_eq!(AuthResponse::decode(&null).map(|a| a.token), Ok(None));
        assert_eq!(
            AuthResponse::decode(&empty).map(|a| a.token),
            Ok(Some(Bytes::new()))
        );
    }

    #[test]
    fn register_rejects_trailing_bytes() {
        assert!(matches!(
            Register::decode(&[0, 0, 1]),
            Err(DecodeError::TrailingBytes { .. })
        ));
    }
}

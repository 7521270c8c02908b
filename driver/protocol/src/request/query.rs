//! QUERY, PREPARE and EXECUTE bodies.
//!
//! v5 changes two of them: PREPARE gains a flags `[int]` (0x01 = a keyspace follows) and
//! EXECUTE carries the result metadata id after the statement id.

use bytes::Bytes;

use super::codec::finish;
use super::params::{LONG_STRING_CUT, SHORT_BYTES_CUT, SHORT_STRING_CUT, as_cbutil};
use super::{Execute, ExecuteRef, Prepare, Query, QueryParameters, QueryRef};
use crate::frame::ProtocolVersion;
use crate::wire::{DecodeError, EncodeError, Reader, put_long_string, put_short_bytes, put_string};

const PREPARE_KEYSPACE: u32 = 0x01;

impl Query {
    /// A borrowed view, for encoding without copying.
    pub fn borrowed(&self) -> QueryRef<'_> {
        QueryRef {
            query: &self.query,
            params: self.params.borrowed(),
        }
    }

    /// Appends the QUERY body.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.borrowed().encode(version, out)
    }

    /// Decodes a QUERY body (the whole body must be consumed).
    pub fn decode(version: ProtocolVersion, body: &[u8]) -> Result<Self, DecodeError> {
        Self::decode_with(version, body, false)
    }

    /// Decodes a QUERY body as Cassandra 4.0's server does: flag bits it does not define
    /// and bytes after the body are ignored (see [`QueryParameters::decode_lenient`]).
    pub fn decode_lenient(version: ProtocolVersion, body: &[u8]) -> Result<Self, DecodeError> {
        Self::decode_with(version, body, true)
    }

    /// [`decode`](Self::decode), or [`decode_lenient`](Self::decode_lenient) if `lenient`.
    pub(super) fn decode_with(
        version: ProtocolVersion,
        body: &[u8],
        lenient: bool,
    ) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body);
        let query = as_cbutil(lenient, r.long_string("query string"), LONG_STRING_CUT)?.to_owned();
        let params = QueryParameters::decode_with(&mut r, version, lenient)?;
        finish(&r, "QUERY", lenient)?;
        Ok(Query { query, params })
    }
}

impl Prepare {
    /// Appends the PREPARE body; a keyspace needs v5.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        put_long_string(out, &self.query, "query string")?;
        match version {
            ProtocolVersion::V4 => {
                super::params::v5_only(version, self.keyspace.is_some(), "PREPARE keyspace")
            }
            ProtocolVersion::V5 => {
                let flags = if self.keyspace.is_some() {
                    PREPARE_KEYSPACE
                } else {
                    0
                };
                out.extend_from_slice(&flags.to_be_bytes());
                if let Some(ks) = &self.keyspace {
                    put_string(out, ks, "keyspace")?;
                }
                Ok(())
            }
        }
    }

    /// Decodes a PREPARE body.
    pub fn decode(version: ProtocolVersion, body: &[u8]) -> Result<Self, DecodeError> {
        Self::decode_with(version, body, false)
    }

    /// `lenient` reads the body as 4.0's `PrepareMessage.Codec` does: bytes after the body
    /// (see [`finish`]) and flag bits other than the keyspace's are ignored, and cut strings
    /// fail as `CBUtil`'s do.
    pub(super) fn decode_with(
        version: ProtocolVersion,
        body: &[u8],
        lenient: bool,
    ) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body);
        let query = as_cbutil(lenient, r.long_string("query string"), LONG_STRING_CUT)?.to_owned();
        let keyspace = match version {
            ProtocolVersion::V4 => None,
            ProtocolVersion::V5 => {
                let flags = match lenient {
                    true => r.u32("prepare flags")?,
                    false => super::params::read_flags(
                        &mut r,
                        version,
                        PREPARE_KEYSPACE,
                        "prepare flags",
                    )?,
                };
                if flags & PREPARE_KEYSPACE != 0 {
                    let keyspace = r.string("keyspace").map(str::to_owned);
                    Some(as_cbutil(lenient, keyspace, SHORT_STRING_CUT)?)
                } else {
                    None
                }
            }
        };
        finish(&r, "PREPARE", lenient)?;
        Ok(Prepare { query, keyspace })
    }
}

impl Execute {
    /// A borrowed view, for encoding without copying.
    pub fn borrowed(&self) -> ExecuteRef<'_> {
        ExecuteRef {
            id: &self.id,
            result_metadata_id: self.result_metadata_id.as_deref(),
            params: self.params.borrowed(),
        }
    }

    /// Appends the EXECUTE body. In v5 the result metadata id is required (servers reject
    /// an EXECUTE without one); in v4 it must be absent.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.borrowed().encode(version, out)
    }

    /// Decodes an EXECUTE body.
    pub fn decode(version: ProtocolVersion, body: &[u8]) -> Result<Self, DecodeError> {
        Self::decode_with(version, body, false)
    }

    /// Decodes an EXECUTE body as Cassandra 4.0's server does: flag bits it does not define
    /// and bytes after the body are ignored (see [`QueryParameters::decode_lenient`]).
    pub fn decode_lenient(version: ProtocolVersion, body: &[u8]) -> Result<Self, DecodeError> {
        Self::decode_with(version, body, true)
    }

    /// [`decode`](Self::decode), or [`decode_lenient`](Self::decode_lenient) if `lenient`.
    pub(super) fn decode_with(
        version: ProtocolVersion,
        body: &[u8],
        lenient: bool,
    ) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body);
        // Read leniently, a cut id fails with 4.0's `CBUtil.readBytes` message.
        let mut short_bytes = |what| {
            as_cbutil(lenient, r.short_bytes(what), SHORT_BYTES_CUT).map(Bytes::copy_from_slice)
        };
        let id = short_bytes("prepared id")?;
        let result_metadata_id = match version {
            ProtocolVersion::V4 => None,
            ProtocolVersion::V5 => Some(short_bytes("result metadata id")?),
        };
        let params = QueryParameters::decode_with(&mut r, version, lenient)?;
        finish(&r, "EXECUTE", lenient)?;
        Ok(Execute {
            id,
            result_metadata_id,
            params,
        })
    }
}

impl QueryRef<'_> {
    /// Appends the QUERY body.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        put_long_string(out, self.query, "query string")?;
        self.params.encode(version, out)
    }
}

impl ExecuteRef<'_> {
    /// Appends the EXECUTE body (see [`Execute::encode`]).
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        put_short_bytes(out, self.id, "prepared id")?;
        match (version, self.result_metadata_id) {
            (ProtocolVersion::V5, Some(id)) => put_short_bytes(out, id, "result metadata id")?,
            (ProtocolVersion::V5, None) => {
                return Err(EncodeError::Invalid {
                    what: "EXECUTE",
                    detail: "protocol v5 requires a result metadata id".to_owned(),
                });
            }
            (ProtocolVersion::V4, Some(_)) => {
                return Err(EncodeError::Unsupported {
                    what: "EXECUTE result metadata id",
                    version: 4,
                });
            }
            (ProtocolVersion::V4, None) => {}
        }
        self.params.encode(version, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consistency::Consistency;

    #[test]
    fn query_v4_bytes() {
        let q = Query {
            query: "SELECT 1".into(),
            params: QueryParameters {
                consistency: Consistency::One,
                ..Default::default()
            },
        };
        let mut out = Vec::new();
        q.encode(ProtocolVersion::V4, &mut out).expect("encodes");
        assert_eq!(out, b"\0\0\0\x08SELECT 1\0\x01\0");
        assert_eq!(Query::decode(ProtocolVersion::V4, &out), Ok(q));
        let mut long = out.clone();
        long.push(0);
        assert!(matches!(
            Query::decode(ProtocolVersion::V4, &long),
            Err(DecodeError::TrailingBytes {
                what: "QUERY",
                remaining: 1
            })
        ));
    }

    #[test]
    fn prepare_v5_with_keyspace() {
        let p = Prepare {
            query: "X".into(),
            keyspace: Some("ks".into()),
        };
        let mut out = Vec::new();
        p.encode(ProtocolVersion::V5, &mut out).expect("encodes");
        assert_eq!(out, b"\0\0\0\x01X\0\0\0\x01\0\x02ks");
        assert_eq!(Prepare::decode(ProtocolVersion::V5, &out), Ok(p.clone()));
        assert!(p.encode(ProtocolVersion::V4, &mut Vec::new()).is_err());
        assert_eq!(
            Prepare::decode(ProtocolVersion::V4, b"\0\0\0\x01X"),
            Ok(Prepare {
                query: "X".into(),
                keyspace: None
            })
        );
    }

    #[test]
    fn execute_metadata_id_depends_on_version() {
        let e = Execute {
            id: Bytes::from_static(&[0xab]),
            result_metadata_id: Some(Bytes::from_static(&[0xcd])),
            params: QueryParameters::default(),
        };
        let mut out = Vec::new();
        e.encode(ProtocolVersion::V5, &mut out).expect("encodes");
        assert_eq!(out, [0, 1, 0xab, 0, 1, 0xcd, 0, 0x0a, 0, 0, 0, 0]);
        assert_eq!(Execute::decode(ProtocolVersion::V5, &out), Ok(e.clone()));
        assert!(e.encode(ProtocolVersion::V4, &mut Vec::new()).is_err());
        let v4 = Execute {
            result_metadata_id: None,
            ..e
        };
        assert!(v4.encode(ProtocolVersion::V5, &mut Vec::new()).is_err());
        let mut out = Vec::new();
        v4.encode(ProtocolVersion::V4, &mut out).expect("encodes");
        assert_eq!(Execute::decode(ProtocolVersion::V4, &out), Ok(v4));
    }
}

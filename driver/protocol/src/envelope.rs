//! Envelopes: a message plus what travels around it in the frame (stream id, tracing,
//! warnings, custom payload), encoded to and decoded from whole frames.
//!
//! Body layout before the message: requests carry a `[bytes map]` custom payload when flag
//! 0x04 is set (the tracing flag adds nothing); responses carry, in order, a 16-byte tracing
//! id (0x02), a `[string list]` of warnings (0x08) and a `[bytes map]` custom payload (0x04).
//! Encoded frames are uncompressed; compression and v5 segments are the
//! [`codec`](crate::codec)'s job, and its decoder hands over bodies already decompressed.

use bytes::Bytes;
use uuid::Uuid;

use crate::frame::{Direction, FrameFlags, FrameHeader, HEADER_LEN, Opcode, ProtocolVersion};
use crate::request::{Request, RequestRef};
use crate::response::{MetadataCache, Response};
use crate::wire::{DecodeError, EncodeError, Reader, put_bytes_map, put_string_list};

/// A custom payload: `[bytes map]` entries in wire order (`None` is a null value).
pub type CustomPayload = crate::wire::BytesMap;

/// A request with its frame-level context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFrame {
    /// Stream id (0..=32767 for client requests).
    pub stream: i16,
    /// Ask the server to trace this request (flag 0x02).
    pub tracing: bool,
    /// Custom payload (flag 0x04).
    pub custom_payload: Option<CustomPayload>,
    /// The message.
    pub request: Request,
}

/// A response with its frame-level context.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseFrame {
    /// Stream id of the request answered (-1 for pushed events).
    pub stream: i16,
    /// Tracing session id (flag 0x02).
    pub tracing_id: Option<Uuid>,
    /// Server warnings (flag 0x08); empty means the flag is not set.
    pub warnings: Vec<String>,
    /// Custom payload (flag 0x04).
    pub custom_payload: Option<CustomPayload>,
    /// The message.
    pub response: Response,
}

/// Writes the header with the final body length into the 9 bytes reserved at the start.
fn seal(out: &mut [u8], header: FrameHeader) -> Result<(), EncodeError> {
    let body_len = out.len().saturating_sub(HEADER_LEN);
    let length = i32::try_from(body_len)
        .ok()
        .and_then(|l| u32::try_from(l).ok())
        .ok_or(EncodeError::TooLong {
            what: "frame body",
            length: body_len,
        })?;
    let bytes = FrameHeader { length, ..header }.to_bytes();
    if let Some(slot) = out.get_mut(..HEADER_LEN) {
        slot.copy_from_slice(&bytes);
    }
    Ok(())
}

fn expect_direction(header: &FrameHeader, direction: Direction) -> Result<(), DecodeError> {
    if header.direction == direction {
        Ok(())
    } else {
        Err(DecodeError::Invalid {
            what: "frame direction",
            detail: format!(
                "expected a {direction:?} frame, got a {:?}",
                header.direction
            ),
        })
    }
}

/// Appends a whole uncompressed request frame to `out`, after whatever it already holds: a
/// driver queues many frames in one buffer this way, writing a statement's values straight
/// into it. On error `out` is left as it was.
pub fn encode_request_frame_into(
    out: &mut Vec<u8>,
    version: ProtocolVersion,
    stream: i16,
    tracing: bool,
    custom_payload: Option<&CustomPayload>,
    request: RequestRef<'_>,
) -> Result<(), EncodeError> {
    let start = out.len();
    let result = append_frame(
        out,
        start,
        version,
        stream,
        tracing,
        custom_payload,
        request,
    );
    if result.is_err() {
        out.truncate(start);
    }
    result
}

fn append_frame(
    out: &mut Vec<u8>,
    start: usize,
    version: ProtocolVersion,
    stream: i16,
    tracing: bool,
    custom_payload: Option<&CustomPayload>,
    request: RequestRef<'_>,
) -> Result<(), EncodeError> {
    out.resize(start + HEADER_LEN, 0);
    let mut flags = FrameFlags::default();
    flags.set(FrameFlags::TRACING, tracing);
    if let Some(payload) = custom_payload {
        flags.set(FrameFlags::CUSTOM_PAYLOAD, true);
        put_bytes_map(out, payload, "custom payload")?;
    }
    request.encode(version, out)?;
    let header = FrameHeader {
        version,
        direction: Direction::Request,
        flags,
        stream,
        opcode: request.opcode(),
        length: 0,
    };
    seal(out.get_mut(start..).unwrap_or_default(), header)
}

impl RequestFrame {
    /// A frame for `request` on `stream`, without tracing or payload.
    pub fn new(stream: i16, request: Request) -> Self {
        RequestFrame {
            stream,
            tracing: false,
            custom_payload: None,
            request,
        }
    }

    /// The whole uncompressed frame: header then body.
    pub fn encode(&self, version: ProtocolVersion) -> Result<Vec<u8>, EncodeError> {
        self.encode_with_capacity(version, 0)
    }

    /// [`encode`](Self::encode) into a buffer allocated once for `capacity` bytes (header
    /// included): a caller that knows roughly how big the frame is (the values it binds)
    /// avoids the buffer being regrown several times while the body is written.
    pub fn encode_with_capacity(
        &self,
        version: ProtocolVersion,
        capacity: usize,
    ) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::with_capacity(capacity.max(HEADER_LEN));
        encode_request_frame_into(
            &mut out,
            version,
            self.stream,
            self.tracing,
            self.custom_payload.as_ref(),
            RequestRef::Owned(&self.request),
        )?;
        Ok(out)
    }

    /// Decodes a request from its header and (decompressed) body.
    pub fn decode(header: &FrameHeader, body: &[u8]) -> Result<Self, DecodeError> {
        Self::decode_with(header, body, Request::decode)
    }

    /// Decodes a request as Cassandra 4.0's server does (see [`Request::decode_lenient`]).
    pub fn decode_lenient(header: &FrameHeader, body: &[u8]) -> Result<Self, DecodeError> {
        Self::decode_with(header, body, Request::decode_lenient)
    }

    fn decode_with(
        header: &FrameHeader,
        body: &[u8],
        message: fn(Opcode, ProtocolVersion, &[u8]) -> Result<Request, DecodeError>,
    ) -> Result<Self, DecodeError> {
        expect_direction(header, Direction::Request)?;
        let mut r = Reader::new(body);
        let custom_payload = if header.flags.contains(FrameFlags::CUSTOM_PAYLOAD) {
            Some(r.bytes_map("custom payload")?)
        } else {
            None
        };
        let request = message(header.opcode, header.version, r.rest())?;
        Ok(RequestFrame {
            stream: header.stream,
            tracing: header.flags.contains(FrameFlags::TRACING),
            custom_payload,
            request,
        })
    }
}

impl ResponseFrame {
    /// A frame for `response` on `stream`, without tracing id, warnings or payload.
    pub fn new(stream: i16, response: Response) -> Self {
        ResponseFrame {
            stream,
            tracing_id: None,
            warnings: Vec::new(),
            custom_payload: None,
            response,
        }
    }

    /// The whole uncompressed frame: header then body.
    pub fn encode(&self, version: ProtocolVersion) -> Result<Vec<u8>, EncodeError> {
        self.encode_with_capacity(version, 0)
    }

    /// [`encode`](Self::encode) into a buffer allocated once for `capacity` bytes (header
    /// included): a caller that knows roughly how big the frame is (the values it binds)
    /// avoids the buffer being regrown several times while the body is written.
    pub fn encode_with_capacity(
        &self,
        version: ProtocolVersion,
        capacity: usize,
    ) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::with_capacity(capacity.max(HEADER_LEN));
        out.resize(HEADER_LEN, 0);
        let mut flags = FrameFlags::default();
        if let Some(id) = self.tracing_id {
            flags.set(FrameFlags::TRACING, true);
            out.extend_from_slice(id.as_bytes());
        }
        if !self.warnings.is_empty() {
            flags.set(FrameFlags::WARNING, true);
            put_string_list(&mut out, &self.warnings, "warnings")?;
        }
        if let Some(payload) = &self.custom_payload {
            flags.set(FrameFlags::CUSTOM_PAYLOAD, true);
            put_bytes_map(&mut out, payload, "custom payload")?;
        }
        self.response.encode(version, &mut out)?;
        let header = FrameHeader {
            version,
            direction: Direction::Response,
            flags,
            stream: self.stream,
            opcode: self.response.opcode(),
            length: 0,
        };
        seal(&mut out, header)?;
        Ok(out)
    }

    /// Decodes a response from its header and (decompressed) body, copying what it keeps.
    pub fn decode(header: &FrameHeader, body: &[u8]) -> Result<Self, DecodeError> {
        Self::decode_inner(header, body, None, None)
    }

    /// Like [`decode`](Self::decode), but Rows cells stay in `body`'s buffer (no copy).
    pub fn decode_bytes(header: &FrameHeader, body: &Bytes) -> Result<Self, DecodeError> {
        Self::decode_inner(header, body, Some(body), None)
    }

    /// Like [`decode_bytes`](Self::decode_bytes), taking Rows column specs from `cache`
    /// when the same bytes were decoded before: what a connection's reader uses, so a
    /// statement's results share one decoded set of specs.
    pub fn decode_bytes_cached(
        header: &FrameHeader,
        body: &Bytes,
        cache: &mut MetadataCache,
    ) -> Result<Self, DecodeError> {
        Self::decode_inner(header, body, Some(body), Some(cache))
    }

    fn decode_inner(
        header: &FrameHeader,
        body: &[u8],
        owner: Option<&Bytes>,
        cache: Option<&mut MetadataCache>,
    ) -> Result<Self, DecodeError> {
        expect_direction(header, Direction::Response)?;
        let flags = header.flags;
        let mut r = Reader::new(body);
        let tracing_id = if flags.contains(FrameFlags::TRACING) {
            Some(r.uuid("tracing id")?)
        } else {
            None
        };
        let warnings = if flags.contains(FrameFlags::WARNING) {
            r.string_list("warnings")?
        } else {
            Vec::new()
        };
        let custom_payload = if flags.contains(FrameFlags::CUSTOM_PAYLOAD) {
            Some(r.bytes_map("custom payload")?)
        } else {
            None
        };
        let rest = r.rest();
        let owner = owner.map(|buf| buf.slice_ref(rest));
        let response = crate::response::decode_message(
            header.opcode,
            header.version,
            rest,
            owner.as_ref(),
            cache,
        )?;
        Ok(ResponseFrame {
            stream: header.stream,
            tracing_id,
            warnings,
            custom_payload,
            response,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Opcode;
    use crate::request::Register;

    fn header_of(frame: &[u8]) -> FrameHeader {
        let mut h = [0u8; HEADER_LEN];
        h.copy_from_slice(&frame[..HEADER_LEN]);
        FrameHeader::parse(&h).expect("valid header")
    }

    #[test]
    fn ready_frame_bytes() {
        let frame = ResponseFrame::new(1, Response::Ready)
            .encode(ProtocolVersion::V5)
            .expect("encodes");
        assert_eq!(frame, [0x85, 0, 0, 1, 0x02, 0, 0, 0, 0]);
    }

    #[test]
    fn request_with_payload_and_tracing_round_trip() {
        let f = RequestFrame {
            stream: 5,
            tracing: true,
            custom_payload: Some(vec![("k".into(), Some(vec![1])), ("n".into(), None)]),
            request: Request::Register(Register {
                events: vec!["SCHEMA_CHANGE".into()],
            }),
        };
        let frame = f.encode(ProtocolVersion::V4).expect("encodes");
        let h = header_of(&frame);
        assert_eq!(h.flags.0, FrameFlags::TRACING | FrameFlags::CUSTOM_PAYLOAD);
        assert_eq!(h.opcode, Opcode::Register);
        assert_eq!(h.length as usize, frame.len() - HEADER_LEN);
        assert_eq!(RequestFrame::decode(&h, &frame[HEADER_LEN..]), Ok(f));
        assert!(ResponseFrame::decode(&h, &frame[HEADER_LEN..]).is_err());
    }

    #[test]
    fn response_prefix_order_is_tracing_warnings_payload() {
        let id = Uuid::from_bytes([7; 16]);
        let f = ResponseFrame {
            stream: 3,
            tracing_id: Some(id),
            warnings: vec!["w".into()],
            custom_payload: Some(vec![]),
            response: Response::Ready,
        };
        let frame = f.encode(ProtocolVersion::V4).expect("encodes");
        let mut expected = vec![0x84, 0x0e, 0, 3, 0x02, 0, 0, 0, 23];
        expected.extend_from_slice(&[7; 16]);
        expected.extend_from_slice(&[0, 1, 0, 1, b'w', 0, 0]);
        assert_eq!(frame, expected);
        let h = header_of(&frame);
        let body = Bytes::copy_from_slice(&frame[HEADER_LEN..]);
        assert_eq!(ResponseFrame::decode_bytes(&h, &body), Ok(f));
    }

    #[test]
    fn frames_append_back_to_back_and_a_failed_one_leaves_nothing() {
        use crate::consistency::Consistency;
        use crate::request::{QueryParametersRef, QueryRef, SerializedValues};
        let values = SerializedValues::new();
        let query = |keyspace| {
            RequestRef::Query(QueryRef {
                query: "SELECT 1",
                params: QueryParametersRef {
                    keyspace,
                    ..QueryParametersRef::new(Consistency::One, &values)
                },
            })
        };
        let mut out = Vec::new();
        encode_request_frame_into(&mut out, ProtocolVersion::V4, 3, false, None, query(None))
            .expect("encodes");
        let first = out.len();
        let options = Request::Options;
        encode_request_frame_into(
            &mut out,
            ProtocolVersion::V4,
            7,
            true,
            None,
            RequestRef::Owned(&options),
        )
        .expect("encodes");
        // A v5-only field on v4 fails after part of the frame was written: nothing stays.
        let before = out.clone();
        assert!(
            encode_request_frame_into(
                &mut out,
                ProtocolVersion::V4,
                9,
                false,
                None,
                query(Some("ks"))
            )
            .is_err()
        );
        assert_eq!(out, before);

        let h1 = header_of(&out[..first]);
        assert_eq!((h1.stream, h1.opcode), (3, Opcode::Query));
        assert_eq!(
            RequestFrame::decode(&h1, &out[HEADER_LEN..first]).map(|f| f.request),
            Ok(Request::Query(crate::request::Query {
                query: "SELECT 1".into(),
                params: crate::request::QueryParameters {
                    consistency: Consistency::One,
                    ..Default::default()
                },
            }))
        );
        let h2 = header_of(&out[first..]);
        assert_eq!((h2.stream, h2.opcode, h2.length), (7, Opcode::Options, 0));
        assert!(h2.flags.contains(FrameFlags::TRACING));
        assert_eq!(out.len(), first + HEADER_LEN);
    }
}

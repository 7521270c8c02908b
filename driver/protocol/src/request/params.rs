//! The `<query_parameters>` block shared by QUERY and EXECUTE.
//!
//! Its flags are a `[byte]` in v4 and an `[int]` in v5; v5 adds the per-request keyspace
//! (0x80) and `now_in_seconds` (0x100). Optional fields are present exactly when their flag
//! is, so the flags are derived from the struct when encoding and never stored.

use super::{QueryParameters, QueryParametersRef, SerializedValues};
use crate::consistency::Consistency;
use crate::frame::ProtocolVersion;
use crate::wire::{
    DecodeError, EncodeError, Reader, put_bytes, put_i32, put_i64, put_string, put_u16,
};

pub(crate) const VALUES: u32 = 0x01;
pub(crate) const SKIP_METADATA: u32 = 0x02;
pub(crate) const PAGE_SIZE: u32 = 0x04;
pub(crate) const PAGING_STATE: u32 = 0x08;
pub(crate) const SERIAL_CONSISTENCY: u32 = 0x10;
pub(crate) const TIMESTAMP: u32 = 0x20;
pub(crate) const NAMES_FOR_VALUES: u32 = 0x40;
pub(crate) const KEYSPACE: u32 = 0x80;
pub(crate) const NOW_IN_SECONDS: u32 = 0x100;

/// Every flag a version knows; others are rejected when decoding.
fn known_flags(version: ProtocolVersion) -> u32 {
    match version {
        ProtocolVersion::V4 => 0x7f,
        ProtocolVersion::V5 => 0x1ff,
    }
}

/// Reads a `[consistency]`.
pub(crate) fn read_consistency(
    r: &mut Reader<'_>,
    what: &'static str,
) -> Result<Consistency, DecodeError> {
    let code = r.u16(what)?;
    Consistency::from_code(code).ok_or_else(|| DecodeError::Invalid {
        what,
        detail: format!("unknown consistency code 0x{code:04x}"),
    })
}

/// Reads a `[consistency]` as Cassandra 4.0's `ConsistencyLevel.fromCode` does: an unknown
/// code is a protocol error with its message. Code 11 is 4.0's NODE_LOCAL, which this crate
/// does not model: it stays a plain decoding error rather than claim Cassandra's wording.
fn read_consistency_lenient(
    r: &mut Reader<'_>,
    what: &'static str,
) -> Result<Consistency, DecodeError> {
    let code = r.u16(what)?;
    match Consistency::from_code(code) {
        Some(c) => Ok(c),
        None if code == NODE_LOCAL_CODE => Err(DecodeError::Invalid {
            what,
            detail: format!("unsupported consistency code 0x{code:04x} (NODE_LOCAL)"),
        }),
        None => Err(DecodeError::Protocol {
            message: format!("Unknown code {code} for a consistency level"),
        }),
    }
}

/// 4.0's NODE_LOCAL consistency code.
const NODE_LOCAL_CODE: u16 = 11;

/// Reads the default timestamp; `lenient` makes 4.0's `QueryOptions.Codec` check:
/// `Long.MIN_VALUE` means "no timestamp" inside Cassandra, so a client sending it gets a
/// protocol error.
fn read_timestamp(r: &mut Reader<'_>, lenient: bool) -> Result<i64, DecodeError> {
    let ts = r.i64("timestamp")?;
    if lenient && ts == i64::MIN {
        return Err(DecodeError::Protocol {
            message: format!(
                "Out of bound timestamp, must be in [{}, {}] (got {ts})",
                i64::MIN + 1,
                i64::MAX
            ),
        });
    }
    Ok(ts)
}

/// Reads the version-dependent flags field (`[byte]` in v4, `[int]` in v5) and rejects
/// bits the version does not define.
pub(crate) fn read_flags(
    r: &mut Reader<'_>,
    version: ProtocolVersion,
    known: u32,
    what: &'static str,
) -> Result<u32, DecodeError> {
    let flags = match version {
        ProtocolVersion::V4 => u32::from(r.u8(what)?),
        ProtocolVersion::V5 => r.u32(what)?,
    };
    if flags & !known != 0 {
        return Err(DecodeError::Invalid {
            what,
            detail: format!("unknown flags 0x{:x}", flags & !known),
        });
    }
    Ok(flags)
}

/// Writes the version-dependent flags field.
pub(crate) fn write_flags(out: &mut Vec<u8>, version: ProtocolVersion, flags: u32) {
    match version {
        // Callers only pass v4 flags below 0x80 (checked through `v5_only`).
        ProtocolVersion::V4 => out.push((flags & 0xff) as u8),
        ProtocolVersion::V5 => out.extend_from_slice(&flags.to_be_bytes()),
    }
}

/// Fails when a v5-only field is used with v4.
pub(crate) fn v5_only(
    version: ProtocolVersion,
    present: bool,
    what: &'static str,
) -> Result<(), EncodeError> {
    if present && version == ProtocolVersion::V4 {
        return Err(EncodeError::Unsupported { what, version: 4 });
    }
    Ok(())
}

impl QueryParameters {
    /// A borrowed view, for encoding without copying the values.
    pub fn borrowed(&self) -> QueryParametersRef<'_> {
        QueryParametersRef {
            consistency: self.consistency,
            values: &self.values,
            skip_metadata: self.skip_metadata,
            page_size: self.page_size,
            paging_state: self.paging_state.as_deref(),
            serial_consistency: self.serial_consistency,
            timestamp: self.timestamp,
            keyspace: self.keyspace.as_deref(),
            now_in_seconds: self.now_in_seconds,
        }
    }

    /// Appends the parameters in `version`'s layout.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.borrowed().encode(version, out)
    }

    /// Reads the parameters in `version`'s layout.
    pub fn decode(r: &mut Reader<'_>, version: ProtocolVersion) -> Result<Self, DecodeError> {
        Self::decode_with(r, version, false)
    }

    /// Reads the parameters as Cassandra 4.0's server does (`QueryOptions.Codec`): flag
    /// bits it does not define are ignored, and the keyspace flag (0x80) is honoured in
    /// v4's flags byte too, since 4.0 reads every flag whatever the version. The checks 4.0
    /// makes while reading (unknown consistency codes, a `Long.MIN_VALUE` timestamp) fail
    /// with [`DecodeError::Protocol`] and Cassandra's message.
    pub fn decode_lenient(
        r: &mut Reader<'_>,
        version: ProtocolVersion,
    ) -> Result<Self, DecodeError> {
        Self::decode_with(r, version, true)
    }

    /// [`decode`](Self::decode), or [`decode_lenient`](Self::decode_lenient) if `lenient`.
    pub(super) fn decode_with(
        r: &mut Reader<'_>,
        version: ProtocolVersion,
        lenient: bool,
    ) -> Result<Self, DecodeError> {
        let read_consistency: fn(&mut Reader<'_>, &'static str) -> _ = match lenient {
            true => read_consistency_lenient,
            false => read_consistency,
        };
        let consistency = read_consistency(r, "consistency")?;
        let flags = match (lenient, version) {
            (false, _) => read_flags(r, version, known_flags(version), "query flags")?,
            (true, ProtocolVersion::V4) => u32::from(r.u8("query flags")?),
            (true, ProtocolVersion::V5) => r.u32("query flags")? & known_flags(version),
        };
        let on = |bit: u32| flags & bit != 0;
        let values = if on(VALUES) {
            let count = r.u16("value count")?;
            // Zero named values are zero values: normalise so re-encoding is stable.
            SerializedValues::read(r, count, on(NAMES_FOR_VALUES) && count > 0)?
        } else {
            SerializedValues::new()
        };
        let page_size = on(PAGE_SIZE).then(|| r.i32("page size")).transpose()?;
        let paging_state = if on(PAGING_STATE) {
            // A null paging state is sent by some drivers to mean "first page".
            r.bytes("paging state")?.map(bytes::Bytes::copy_from_slice)
        } else {
            None
        };
        let serial_consistency = on(SERIAL_CONSISTENCY)
            .then(|| read_consistency(r, "serial consistency"))
            .transpose()?;
        let timestamp = on(TIMESTAMP)
            .then(|| read_timestamp(r, lenient))
            .transpose()?;
        let keyspace = on(KEYSPACE)
            .then(|| {
                let keyspace = r.string("keyspace").map(str::to_owned);
                as_cbutil(lenient, keyspace, SHORT_STRING_CUT)
            })
            .transpose()?;
        let now_in_seconds = on(NOW_IN_SECONDS)
            .then(|| r.i32("now_in_seconds"))
            .transpose()?;
        Ok(QueryParameters {
            consistency,
            values,
            skip_metadata: on(SKIP_METADATA),
            page_size,
            paging_state,
            serial_consistency,
            timestamp,
            keyspace,
            now_in_seconds,
        })
    }
}

impl QueryParametersRef<'_> {
    /// Appends the parameters in `version`'s layout.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        v5_only(version, self.keyspace.is_some(), "per-request keyspace")?;
        v5_only(version, self.now_in_seconds.is_some(), "now_in_seconds")?;
        let has_values = self.values.count > 0;
        let flags = [
            (has_values, VALUES),
            (self.skip_metadata, SKIP_METADATA),
            (self.page_size.is_some(), PAGE_SIZE),
            (self.paging_state.is_some(), PAGING_STATE),
            (self.serial_consistency.is_some(), SERIAL_CONSISTENCY),
            (self.timestamp.is_some(), TIMESTAMP),
            (has_values && self.values.named, NAMES_FOR_VALUES),
            (self.keyspace.is_some(), KEYSPACE),
            (self.now_in_seconds.is_some(), NOW_IN_SECONDS),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .fold(0, |acc, (_, bit)| acc | bit);

        put_u16(out, self.consistency.code());
        write_flags(out, version, flags);
        if has_values {
            put_u16(out, self.values.count);
            out.extend_from_slice(&self.values.bytes);
        }
        if let Some(size) = self.page_size {
            put_i32(out, size);
        }
        if let Some(state) = self.paging_state {
            put_bytes(out, Some(state), "paging state")?;
        }
        if let Some(serial) = self.serial_consistency {
            put_u16(out, serial.code());
        }
        if let Some(ts) = self.timestamp {
            put_i64(out, ts);
        }
        if let Some(ks) = self.keyspace {
            put_string(out, ks, "keyspace")?;
        }
        if let Some(now) = self.now_in_seconds {
            put_i32(out, now);
        }
        Ok(())
    }
}

/// 4.0's `CBUtil.readString` message for a `[string]` cut short (or with a length the body
/// cannot hold).
pub(super) const SHORT_STRING_CUT: &str =
    "Not enough bytes to read an UTF8 serialized string preceded by its 2 bytes length";

/// 4.0's `CBUtil.readLongString` message for a `[long string]` cut short.
pub(super) const LONG_STRING_CUT: &str =
    "Not enough bytes to read an UTF8 serialized string preceded by its 4 bytes length";

/// 4.0's `CBUtil.readBytes` message for a `[short bytes]` cut short.
pub(super) const SHORT_BYTES_CUT: &str =
    "Not enough bytes to read a byte array preceded by its 2 bytes length";

/// A string or byte-array read, if `lenient`, as 4.0's `CBUtil` reads it: those readers
/// catch Netty's IndexOutOfBoundsException (a body ending inside the field, or a negative
/// length) and throw a ProtocolException with `message` instead. Other fields cut short stay
/// [`DecodeError::Truncated`] (4.0 lets that exception through).
pub(super) fn as_cbutil<T>(
    lenient: bool,
    read: Result<T, DecodeError>,
    message: &str,
) -> Result<T, DecodeError> {
    read.map_err(|e| match e {
        DecodeError::Truncated { .. } | DecodeError::InvalidLength { .. } if lenient => {
            DecodeError::Protocol {
                message: message.to_owned(),
            }
        }
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::RawValue;

    fn full() -> QueryParameters {
        let mut values = SerializedValues::new();
        values.push(RawValue::Value(&[1])).expect("fits");
        QueryParameters {
            consistency: Consistency::Quorum,
            values,
            skip_metadata: true,
            page_size: Some(100),
            paging_state: Some(bytes::Bytes::from_static(b"ps")),
            serial_consistency: Some(Consistency::LocalSerial),
            timestamp: Some(-5),
            keyspace: None,
            now_in_seconds: None,
        }
    }

    #[test]
    fn v4_layout_uses_a_byte_of_flags() {
        let mut out = Vec::new();
        full()
            .encode(ProtocolVersion::V4, &mut out)
            .expect("encodes");
        assert_eq!(&out[..3], &[0, 4, 0x3f]);
        assert_eq!(&out[3..5], &[0, 1], "value count");
        let back = QueryParameters::decode(&mut Reader::new(&out), ProtocolVersion::V4);
        assert_eq!(back, Ok(full()));
    }

    #[test]
    fn v5_layout_uses_an_int_of_flags_and_keyspace() {
        let mut p = full();
        p.keyspace = Some("ks".into());
        p.now_in_seconds = Some(7);
        let mut out = Vec::new();
        p.encode(ProtocolVersion::V5, &mut out).expect("encodes");
        assert_eq!(&out[..6], &[0, 4, 0, 0, 0x01, 0xbf]);
        assert_eq!(&out[out.len() - 8..], &[0, 2, b'k', b's', 0, 0, 0, 7]);
        let mut r = Reader::new(&out);
        assert_eq!(
            QueryParameters::decode(&mut r, ProtocolVersion::V5),
            Ok(p.clone())
        );
        assert_eq!(r.remaining(), 0);

        assert_eq!(
            p.encode(ProtocolVersion::V4, &mut Vec::new()),
            Err(EncodeError::Unsupported {
                what: "per-request keyspace",
                version: 4
            })
        );
    }

    #[test]
    fn unknown_flags_and_consistency_are_rejected() {
        let err = QueryParameters::decode(&mut Reader::new(&[0, 1, 0x80]), ProtocolVersion::V4);
        assert!(matches!(
            err,
            Err(DecodeError::Invalid {
                what: "query flags",
                ..
            })
        ));
        let err = QueryParameters::decode(&mut Reader::new(&[0, 0x20, 0]), ProtocolVersion::V4);
        assert!(matches!(
            err,
            Err(DecodeError::Invalid {
                what: "consistency",
                ..
            })
        ));
    }

    /// Found by the `messages` fuzz target: the values and names flags with a count of 0
    /// decoded as "named" but re-encoded without the flags, so decoding was not stable.
    #[test]
    fn zero_named_values_decode_as_no_values() {
        // consistency ONE, flags VALUES | NAMES_FOR_VALUES, count 0.
        let body = [0x00, 0x01, 0x41, 0x00, 0x00];
        let p =
            QueryParameters::decode(&mut Reader::new(&body), ProtocolVersion::V4).expect("decodes");
        assert_eq!(p.values, SerializedValues::new());
        let mut again = Vec::new();
        p.encode(ProtocolVersion::V4, &mut again).expect("encodes");
        let q = QueryParameters::decode(&mut Reader::new(&again), ProtocolVersion::V4)
            .expect("decodes");
        assert_eq!(p, q);
    }
}

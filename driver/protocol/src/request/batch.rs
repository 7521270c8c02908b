//! BATCH bodies: statements (query strings or prepared ids, each with its values), then
//! consistency, flags and the optional trailing fields.
//!
//! Flags are a `[byte]` in v4 and an `[int]` in v5, like QUERY's.

use bytes::Bytes;

use super::params::{
    KEYSPACE, LONG_STRING_CUT, NAMES_FOR_VALUES, NOW_IN_SECONDS, SERIAL_CONSISTENCY,
    SHORT_BYTES_CUT, TIMESTAMP, as_cbutil, read_consistency, read_flags, v5_only, write_flags,
};
use super::{
    Batch, BatchRef, BatchStatement, BatchStatementRef, BatchType, SerializedValues, ValuesRef,
};
use crate::frame::ProtocolVersion;
use crate::wire::{
    DecodeError, EncodeError, Reader, put_i32, put_i64, put_long_string, put_short_bytes,
    put_string, put_u16,
};

impl BatchType {
    /// The protocol's `[byte]` code.
    pub fn code(self) -> u8 {
        match self {
            BatchType::Logged => 0,
            BatchType::Unlogged => 1,
            BatchType::Counter => 2,
        }
    }

    /// The batch type for a code, or `None`.
    pub fn from_code(code: u8) -> Option<Self> {
        match code {
            0 => Some(BatchType::Logged),
            1 => Some(BatchType::Unlogged),
            2 => Some(BatchType::Counter),
            _ => None,
        }
    }
}

impl BatchStatement {
    /// A borrowed view, for encoding without copying.
    pub fn borrowed(&self) -> BatchStatementRef<'_> {
        match self {
            BatchStatement::Query { query, values } => BatchStatementRef::Query {
                query,
                values: values.into(),
            },
            BatchStatement::Prepared { id, values } => BatchStatementRef::Prepared {
                id,
                values: values.into(),
            },
        }
    }
}

impl<'a> BatchStatementRef<'a> {
    fn values(&self) -> ValuesRef<'a> {
        match self {
            BatchStatementRef::Query { values, .. }
            | BatchStatementRef::Prepared { values, .. } => *values,
        }
    }
}

impl Batch {
    /// Appends the BATCH body. Named values are refused: the protocol's flag 0x40 exists for
    /// batches, but Cassandra rejects it, so no server could run such a batch.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let statements: Vec<BatchStatementRef<'_>> = self
            .statements
            .iter()
            .map(BatchStatement::borrowed)
            .collect();
        BatchRef {
            batch_type: self.batch_type,
            statements: &statements,
            consistency: self.consistency,
            serial_consistency: self.serial_consistency,
            timestamp: self.timestamp,
            keyspace: self.keyspace.as_deref(),
            now_in_seconds: self.now_in_seconds,
        }
        .encode(version, out)
    }

    /// Decodes a BATCH body. Flag 0x40 (named values) is rejected, as Cassandra does.
    pub fn decode(version: ProtocolVersion, body: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body);
        let code = r.u8("batch type")?;
        let batch_type = BatchType::from_code(code).ok_or_else(|| DecodeError::Invalid {
            what: "batch type",
            detail: format!("unknown code {code}"),
        })?;
        let statements = read_statements(&mut r, false, |other| DecodeError::Invalid {
            what: "batch statement kind",
            detail: format!("unknown kind {other}"),
        })?;
        let consistency = read_consistency(&mut r, "consistency")?;
        let known = match version {
            ProtocolVersion::V4 => 0x70,
            ProtocolVersion::V5 => 0x1f0,
        };
        let flags = read_flags(&mut r, version, known, "batch flags")?;
        let on = |bit: u32| flags & bit != 0;
        if on(NAMES_FOR_VALUES) {
            return Err(DecodeError::Invalid {
                what: "batch flags",
                detail: "named values are not supported in batches".to_owned(),
            });
        }
        let serial_consistency = on(SERIAL_CONSISTENCY)
            .then(|| read_consistency(&mut r, "serial consistency"))
            .transpose()?;
        let timestamp = on(TIMESTAMP).then(|| r.i64("timestamp")).transpose()?;
        let keyspace = on(KEYSPACE)
            .then(|| r.string("keyspace").map(str::to_owned))
            .transpose()?;
        let now_in_seconds = on(NOW_IN_SECONDS)
            .then(|| r.i32("now_in_seconds"))
            .transpose()?;
        r.finish("BATCH")?;
        Ok(Batch {
            batch_type,
            statements,
            consistency,
            serial_consistency,
            timestamp,
            keyspace,
            now_in_seconds,
        })
    }
}

/// Reads the statement count and the statements; `bad_kind` is the error for a kind other
/// than 0 (query string) or 1 (prepared id). `lenient` reads the query strings and ids as
/// 4.0's `CBUtil` does (see [`as_cbutil`]).
pub(super) fn read_statements(
    r: &mut Reader<'_>,
    lenient: bool,
    bad_kind: impl Fn(u8) -> DecodeError,
) -> Result<Vec<BatchStatement>, DecodeError> {
    let n = r.u16("batch statement count")?;
    // Every statement takes at least 7 bytes, which bounds the preallocation.
    let mut statements = Vec::with_capacity(usize::from(n).min(r.remaining() / 7));
    for _ in 0..n {
        let kind = r.u8("batch statement kind")?;
        let target = match kind {
            0 => Target::Query(as_cbutil(
                lenient,
                r.long_string("query string"),
                LONG_STRING_CUT,
            )?),
            1 => Target::Prepared(as_cbutil(
                lenient,
                r.short_bytes("prepared id"),
                SHORT_BYTES_CUT,
            )?),
            other => return Err(bad_kind(other)),
        };
        let count = r.u16("value count")?;
        let values = SerializedValues::read(r, count, false)?;
        statements.push(match target {
            Target::Query(q) => BatchStatement::Query {
                query: q.to_owned(),
                values,
            },
            Target::Prepared(id) => BatchStatement::Prepared {
                id: Bytes::copy_from_slice(id),
                values,
            },
        });
    }
    Ok(statements)
}

enum Target<'a> {
    Query(&'a str),
    Prepared(&'a [u8]),
}

impl BatchRef<'_> {
    /// Appends the BATCH body (see [`Batch::encode`]).
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        v5_only(version, self.keyspace.is_some(), "per-request keyspace")?;
        v5_only(version, self.now_in_seconds.is_some(), "now_in_seconds")?;
        if self
            .statements
            .iter()
            .any(|s| s.values().named && s.values().count > 0)
        {
            return Err(EncodeError::Invalid {
                what: "BATCH",
                detail: "named values are not supported in batches".to_owned(),
            });
        }
        out.push(self.batch_type.code());
        let n = u16::try_from(self.statements.len()).map_err(|_| EncodeError::TooLong {
            what: "batch statements",
            length: self.statements.len(),
        })?;
        put_u16(out, n);
        for statement in self.statements {
            match statement {
                BatchStatementRef::Query { query, .. } => {
                    out.push(0);
                    put_long_string(out, query, "query string")?;
                }
                BatchStatementRef::Prepared { id, .. } => {
                    out.push(1);
                    put_short_bytes(out, id, "prepared id")?;
                }
            }
            let values = statement.values();
            put_u16(out, values.count);
            out.extend_from_slice(values.bytes);
        }
        put_u16(out, self.consistency.code());
        let flags = [
            (self.serial_consistency.is_some(), SERIAL_CONSISTENCY),
            (self.timestamp.is_some(), TIMESTAMP),
            (self.keyspace.is_some(), KEYSPACE),
            (self.now_in_seconds.is_some(), NOW_IN_SECONDS),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .fold(0, |acc, (_, bit)| acc | bit);
        write_flags(out, version, flags);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consistency::Consistency;
    use crate::request::RawValue;

    fn sample() -> Batch {
        let mut values = SerializedValues::new();
        values.push(RawValue::Value(&[7])).expect("fits");
        Batch {
            batch_type: BatchType::Unlogged,
            statements: vec![
                BatchStatement::Query {
                    query: "Q".into(),
                    values: SerializedValues::new(),
                },
                BatchStatement::Prepared {
                    id: Bytes::from_static(&[0xee]),
                    values,
                },
            ],
            consistency: Consistency::One,
            serial_consistency: None,
            timestamp: Some(1),
            keyspace: None,
            now_in_seconds: None,
        }
    }

    #[test]
    fn v4_bytes_and_round_trip() {
        let mut out = Vec::new();
        sample()
            .encode(ProtocolVersion::V4, &mut out)
            .expect("encodes");
        let expected: &[u8] = &[
            1, 0, 2, // unlogged, 2 statements
            0, 0, 0, 0, 1, b'Q', 0, 0, // query "Q", no values
            1, 0, 1, 0xee, 0, 1, 0, 0, 0, 1, 7, // prepared 0xee, one value
            0, 1, 0x20, 0, 0, 0, 0, 0, 0, 0, 1, // ONE, timestamp flag, timestamp 1
        ];
        assert_eq!(out, expected);
        assert_eq!(Batch::decode(ProtocolVersion::V4, &out), Ok(sample()));
    }

    #[test]
    fn v5_keyspace_and_named_values_rejected() {
        let mut b = sample();
        b.keyspace = Some("ks".into());
        let mut out = Vec::new();
        b.encode(ProtocolVersion::V5, &mut out).expect("encodes");
        assert_eq!(Batch::decode(ProtocolVersion::V5, &out), Ok(b.clone()));
        assert!(b.encode(ProtocolVersion::V4, &mut Vec::new()).is_err());

        let mut named = SerializedValues::new();
        named.push_named("a", RawValue::Null).expect("fits");
        b.statements.push(BatchStatement::Query {
            query: "Q".into(),
            values: named,
        });
        assert!(matches!(
            b.encode(ProtocolVersion::V5, &mut Vec::new()),
            Err(EncodeError::Invalid { what: "BATCH", .. })
        ));
    }

    #[test]
    fn unknown_statement_kind_is_rejected() {
        let err = Batch::decode(ProtocolVersion::V4, &[0, 0, 1, 9]);
        assert!(matches!(
            err,
            Err(DecodeError::Invalid {
                what: "batch statement kind",
                ..
            })
        ));
    }
}

//! ERROR bodies: `<code><message>` then the code's own fields.
//!
//! v5 changed two layouts: Read_failure and Write_failure carry a reason map (endpoint and
//! failure code per failed replica) where v4 has only a failure count, and a Write_timeout
//! of write type CAS ends with a `[short]` of contentions.

use bytes::Bytes;

use super::error::{ErrorKind, ServerError, WriteType};
use crate::consistency::Consistency;
use crate::frame::ProtocolVersion;
use crate::request::params::read_consistency;
use crate::wire::{
    DecodeError, EncodeError, Reader, put_i32, put_inetaddr, put_short_bytes, put_string,
    put_string_list, put_u16,
};

impl WriteType {
    /// The wire name (`SIMPLE`, `BATCH`, ...).
    pub fn as_str(&self) -> &str {
        match self {
            WriteType::Simple => "SIMPLE",
            WriteType::Batch => "BATCH",
            WriteType::UnloggedBatch => "UNLOGGED_BATCH",
            WriteType::Counter => "COUNTER",
            WriteType::BatchLog => "BATCH_LOG",
            WriteType::Cas => "CAS",
            WriteType::View => "VIEW",
            WriteType::Cdc => "CDC",
            WriteType::Other(s) => s,
        }
    }

    /// The write type for a wire name; unknown names are kept as [`WriteType::Other`].
    pub fn from_name(name: &str) -> Self {
        match name {
            "SIMPLE" => WriteType::Simple,
            "BATCH" => WriteType::Batch,
            "UNLOGGED_BATCH" => WriteType::UnloggedBatch,
            "COUNTER" => WriteType::Counter,
            "BATCH_LOG" => WriteType::BatchLog,
            "CAS" => WriteType::Cas,
            "VIEW" => WriteType::View,
            "CDC" => WriteType::Cdc,
            other => WriteType::Other(other.to_owned()),
        }
    }
}

impl ErrorKind {
    /// The protocol's error code.
    pub fn code(&self) -> i32 {
        match self {
            ErrorKind::ServerError => 0x0000,
            ErrorKind::ProtocolError => 0x000A,
            ErrorKind::AuthenticationError => 0x0100,
            ErrorKind::Unavailable { .. } => 0x1000,
            ErrorKind::Overloaded => 0x1001,
            ErrorKind::IsBootstrapping => 0x1002,
            ErrorKind::TruncateError => 0x1003,
            ErrorKind::WriteTimeout { .. } => 0x1100,
            ErrorKind::ReadTimeout { .. } => 0x1200,
            ErrorKind::ReadFailure { .. } => 0x1300,
            ErrorKind::FunctionFailure { .. } => 0x1400,
            ErrorKind::WriteFailure { .. } => 0x1500,
            ErrorKind::CdcWriteFailure => 0x1600,
            ErrorKind::CasWriteUnknown { .. } => 0x1700,
            ErrorKind::SyntaxError => 0x2000,
            ErrorKind::Unauthorized => 0x2100,
            ErrorKind::Invalid => 0x2200,
            ErrorKind::ConfigError => 0x2300,
            ErrorKind::AlreadyExists { .. } => 0x2400,
            ErrorKind::Unprepared { .. } => 0x2500,
            ErrorKind::Other(code) => *code,
        }
    }
}

fn put_ack(out: &mut Vec<u8>, cl: Consistency, received: i32, block_for: i32) {
    put_u16(out, cl.code());
    put_i32(out, received);
    put_i32(out, block_for);
}

fn put_failures(
    out: &mut Vec<u8>,
    version: ProtocolVersion,
    num_failures: i32,
    reasons: &[(std::net::IpAddr, u16)],
) -> Result<(), EncodeError> {
    match version {
        ProtocolVersion::V4 => put_i32(out, num_failures),
        ProtocolVersion::V5 => {
            let n = i32::try_from(reasons.len()).map_err(|_| EncodeError::TooLong {
                what: "failure reasons",
                length: reasons.len(),
            })?;
            put_i32(out, n);
            for (addr, code) in reasons {
                put_inetaddr(out, *addr);
                put_u16(out, *code);
            }
        }
    }
    Ok(())
}

type Failures = (i32, Vec<(std::net::IpAddr, u16)>);

fn read_failures(r: &mut Reader<'_>, version: ProtocolVersion) -> Result<Failures, DecodeError> {
    let n = r.i32("failure count")?;
    match version {
        ProtocolVersion::V4 => Ok((n, Vec::new())),
        ProtocolVersion::V5 => {
            let count = usize::try_from(n).map_err(|_| DecodeError::InvalidLength {
                what: "failure reasons",
                length: n.into(),
            })?;
            // An entry takes at least 7 bytes (1 + 4 address bytes + 2).
            let mut reasons = Vec::with_capacity(count.min(r.remaining() / 7));
            for _ in 0..count {
                let addr = r.inetaddr("failure endpoint")?;
                reasons.push((addr, r.u16("failure code")?));
            }
            Ok((n, reasons))
        }
    }
}

impl ServerError {
    /// Appends the ERROR body. In v5 a failure's `num_failures` is implied by its reasons;
    /// in v4 the reasons are not sent.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        put_i32(out, self.kind.code());
        put_string(out, &self.message, "error message")?;
        match &self.kind {
            ErrorKind::Unavailable {
                consistency,
                required,
                alive,
            } => put_ack(out, *consistency, *required, *alive),
            ErrorKind::WriteTimeout {
                consistency,
                received,
                block_for,
                write_type,
                contentions,
            } => {
                put_ack(out, *consistency, *received, *block_for);
                put_string(out, write_type.as_str(), "write type")?;
                if version == ProtocolVersion::V5 && *write_type == WriteType::Cas {
                    put_u16(out, contentions.unwrap_or(0));
                }
            }
            ErrorKind::ReadTimeout {
                consistency,
                received,
                block_for,
                data_present,
            } => {
                put_ack(out, *consistency, *received, *block_for);
                out.push(u8::from(*data_present));
            }
            ErrorKind::ReadFailure {
                consistency,
                received,
                block_for,
                num_failures,
                reasons,
                data_present,
            } => {
                put_ack(out, *consistency, *received, *block_for);
                put_failures(out, version, *num_failures, reasons)?;
                out.push(u8::from(*data_present));
            }
            ErrorKind::FunctionFailure {
                keyspace,
                function,
                arg_types,
            } => {
                put_string(out, keyspace, "keyspace")?;
                put_string(out, function, "function")?;
                put_string_list(out, arg_types, "argument types")?;
            }
            ErrorKind::WriteFailure {
                consistency,
                received,
                block_for,
                num_failures,
                reasons,
                write_type,
            } => {
                put_ack(out, *consistency, *received, *block_for);
                put_failures(out, version, *num_failures, reasons)?;
                put_string(out, write_type.as_str(), "write type")?;
            }
            ErrorKind::CasWriteUnknown {
                consistency,
                received,
                block_for,
            } => put_ack(out, *consistency, *received, *block_for),
            ErrorKind::AlreadyExists { keyspace, table } => {
                put_string(out, keyspace, "keyspace")?;
                put_string(out, table, "table")?;
            }
            ErrorKind::Unprepared { id } => put_short_bytes(out, id, "prepared id")?,
            _ => {}
        }
        Ok(())
    }

    /// Reads an ERROR body. Unknown codes become [`ErrorKind::Other`]; whatever follows their
    /// message is ignored (so they do not re-encode byte for byte).
    pub fn decode(r: &mut Reader<'_>, version: ProtocolVersion) -> Result<Self, DecodeError> {
        let code = r.i32("error code")?;
        let message = r.string("error message")?.to_owned();
        let ack = |r: &mut Reader<'_>| -> Result<(Consistency, i32, i32), DecodeError> {
            Ok((
                read_consistency(r, "consistency")?,
                r.i32("received")?,
                r.i32("block_for")?,
            ))
        };
        let kind = match code {
            0x0000 => ErrorKind::ServerError,
            0x000A => ErrorKind::ProtocolError,
            0x0100 => ErrorKind::AuthenticationError,
            0x1000 => {
                let (consistency, required, alive) = ack(r)?;
                ErrorKind::Unavailable {
                    consistency,
                    required,
                    alive,
                }
            }
            0x1001 => ErrorKind::Overloaded,
            0x1002 => ErrorKind::IsBootstrapping,
            0x1003 => ErrorKind::TruncateError,
            0x1100 => {
                let (consistency, received, block_for) = ack(r)?;
                let write_type = WriteType::from_name(r.string("write type")?);
                let contentions = if version == ProtocolVersion::V5 && write_type == WriteType::Cas
                {
                    Some(r.u16("contentions")?)
                } else {
                    None
                };
                ErrorKind::WriteTimeout {
                    consistency,
                    received,
                    block_for,
                    write_type,
                    contentions,
                }
            }
            0x1200 => {
                let (consistency, received, block_for) = ack(r)?;
                ErrorKind::ReadTimeout {
                    consistency,
                    received,
                    block_for,
                    data_present: r.u8("data_present")? != 0,
                }
            }
            0x1300 => {
                let (consistency, received, block_for) = ack(r)?;
                let (num_failures, reasons) = read_failures(r, version)?;
                ErrorKind::ReadFailure {
                    consistency,
                    received,
                    block_for,
                    num_failures,
                    reasons,
                    data_present: r.u8("data_present")? != 0,
                }
            }
            0x1400 => ErrorKind::FunctionFailure {
                keyspace: r.string("keyspace")?.to_owned(),
                function: r.string("function")?.to_owned(),
                arg_types: r.string_list("argument types")?,
            },
            0x1500 => {
                let (consistency, received, block_for) = ack(r)?;
                let (num_failures, reasons) = read_failures(r, version)?;
                ErrorKind::WriteFailure {
                    consistency,
                    received,
                    block_for,
                    num_failures,
                    reasons,
                    write_type: WriteType::from_name(r.string("write type")?),
                }
            }
            0x1600 => ErrorKind::CdcWriteFailure,
            0x1700 => {
                let (consistency, received, block_for) = ack(r)?;
                ErrorKind::CasWriteUnknown {
                    consistency,
                    received,
                    block_for,
                }
            }
            0x2000 => ErrorKind::SyntaxError,
            0x2100 => ErrorKind::Unauthorized,
            0x2200 => ErrorKind::Invalid,
            0x2300 => ErrorKind::ConfigError,
            0x2400 => ErrorKind::AlreadyExists {
                keyspace: r.string("keyspace")?.to_owned(),
                table: r.string("table")?.to_owned(),
            },
            0x2500 => ErrorKind::Unprepared {
                id: Bytes::copy_from_slice(r.short_bytes("prepared id")?),
            },
            other => {
                r.take(r.remaining(), "unknown error fields")?;
                ErrorKind::Other(other)
            }
        };
        Ok(ServerError { kind, message })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{IpAddr, Ipv4Addr};

    fn round_trip(e: &ServerError, version: ProtocolVersion) -> Vec<u8> {
        let mut out = Vec::new();
        e.encode(version, &mut out).expect("encodes");
        let mut r = Reader::new(&out);
        assert_eq!(ServerError::decode(&mut r, version).as_ref(), Ok(e));
        assert_eq!(r.remaining(), 0, "{e:?}");
        out
    }

    fn err(kind: ErrorKind) -> ServerError {
        ServerError {
            kind,
            message: "m".into(),
        }
    }

    #[test]
    fn every_code_round_trips_in_both_versions() {
        let ip = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
        for version in [ProtocolVersion::V4, ProtocolVersion::V5] {
            let v5 = version == ProtocolVersion::V5;
            let kinds = vec![
                ErrorKind::ServerError,
                ErrorKind::ProtocolError,
                ErrorKind::AuthenticationError,
                ErrorKind::Unavailable {
                    consistency: Consistency::Quorum,
                    required: 2,
                    alive: 1,
                },
                ErrorKind::Overloaded,
                ErrorKind::IsBootstrapping,
                ErrorKind::TruncateError,
                ErrorKind::WriteTimeout {
                    consistency: Consistency::Serial,
                    received: 0,
                    block_for: 1,
                    write_type: WriteType::Cas,
                    contentions: v5.then_some(3),
                },
                ErrorKind::ReadTimeout {
                    consistency: Consistency::One,
                    received: 0,
                    block_for: 1,
                    data_present: true,
                },
                ErrorKind::ReadFailure {
                    consistency: Consistency::One,
                    received: 0,
                    block_for: 1,
                    num_failures: 1,
                    reasons: if v5 { vec![(ip, 2)] } else { vec![] },
                    data_present: false,
                },
                ErrorKind::FunctionFailure {
                    keyspace: "ks".into(),
                    function: "f".into(),
                    arg_types: vec!["int".into()],
                },
                ErrorKind::WriteFailure {
                    consistency: Consistency::All,
                    received: 1,
                    block_for: 2,
                    num_failures: 1,
                    reasons: if v5 { vec![(ip, 0)] } else { vec![] },
                    write_type: WriteType::Other("NEW".into()),
                },
                ErrorKind::CdcWriteFailure,
                ErrorKind::CasWriteUnknown {
                    consistency: Consistency::Serial,
                    received: 0,
                    block_for: 1,
                },
                ErrorKind::SyntaxError,
                ErrorKind::Unauthorized,
                ErrorKind::Invalid,
                ErrorKind::ConfigError,
                ErrorKind::AlreadyExists {
                    keyspace: "ks".into(),
                    table: String::new(),
                },
                ErrorKind::Unprepared {
                    id: Bytes::from_static(&[1, 2]),
                },
                ErrorKind::Other(0x7777),
            ];
            for kind in kinds {
                round_trip(&err(kind), version);
            }
        }
    }

    #[test]
    fn v5_cas_write_timeout_carries_contentions() {
        let e = err(ErrorKind::WriteTimeout {
            consistency: Consistency::Serial,
            received: 0,
            block_for: 1,
            write_type: WriteType::Cas,
            contentions: Some(7),
        });
        let v5 = round_trip(&e, ProtocolVersion::V5);
        assert_eq!(&v5[v5.len() - 7..], b"\0\x03CAS\0\x07");
        let mut v4 = Vec::new();
        e.encode(ProtocolVersion::V4, &mut v4).expect("encodes");
        assert_eq!(&v4[v4.len() - 5..], b"\0\x03CAS");
    }

    #[test]
    fn v5_read_failure_reason_map_bytes() {
        let e = err(ErrorKind::ReadFailure {
            consistency: Consistency::One,
            received: 0,
            block_for: 1,
            num_failures: 1,
            reasons: vec![(IpAddr::V4(Ipv4Addr::LOCALHOST), 0x0001)],
            data_present: true,
        });
        let out = round_trip(&e, ProtocolVersion::V5);
        let fields = &out[4 + 3..];
        assert_eq!(
            fields,
            [
                0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 4, 127, 0, 0, 1, 0, 1, 1
            ]
        );
    }
}

//! The 9-byte frame header shared by v4 and v5 (in v5 frames travel inside segments).

use crate::codec::FrameError;

/// Length of a frame header in bytes.
pub const HEADER_LEN: usize = 9;

/// Protocol versions Cassia speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProtocolVersion {
    /// Native protocol v4.
    V4,
    /// Native protocol v5 (segment framing after the handshake).
    V5,
}

impl ProtocolVersion {
    /// The version number without the direction bit.
    pub fn number(self) -> u8 {
        match self {
            ProtocolVersion::V4 => 4,
            ProtocolVersion::V5 => 5,
        }
    }

    /// The version for a number (direction bit already removed).
    pub fn from_number(n: u8) -> Option<Self> {
        match n {
            4 => Some(ProtocolVersion::V4),
            5 => Some(ProtocolVersion::V5),
            _ => None,
        }
    }
}

/// Frame header flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FrameFlags(pub u8);

impl FrameFlags {
    /// Body is compressed (v4 only).
    pub const COMPRESSION: u8 = 0x01;
    /// Tracing requested / tracing id present.
    pub const TRACING: u8 = 0x02;
    /// Custom payload present.
    pub const CUSTOM_PAYLOAD: u8 = 0x04;
    /// Warnings present (responses).
    pub const WARNING: u8 = 0x08;
    /// Beta protocol version.
    pub const USE_BETA: u8 = 0x10;

    /// Whether `flag` is set.
    pub fn contains(self, flag: u8) -> bool {
        self.0 & flag != 0
    }

    /// Sets or clears `flag`.
    pub fn set(&mut self, flag: u8, on: bool) {
        if on {
            self.0 |= flag;
        } else {
            self.0 &= !flag;
        }
    }
}

/// Message opcodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Opcode {
    /// 0x00
    Error,
    /// 0x01
    Startup,
    /// 0x02
    Ready,
    /// 0x03
    Authenticate,
    /// 0x05
    Options,
    /// 0x06
    Supported,
    /// 0x07
    Query,
    /// 0x08
    Result,
    /// 0x09
    Prepare,
    /// 0x0A
    Execute,
    /// 0x0B
    Register,
    /// 0x0C
    Event,
    /// 0x0D
    Batch,
    /// 0x0E
    AuthChallenge,
    /// 0x0F
    AuthResponse,
    /// 0x10
    AuthSuccess,
}

impl Opcode {
    /// The opcode byte.
    pub fn code(self) -> u8 {
        match self {
            Opcode::Error => 0x00,
            Opcode::Startup => 0x01,
            Opcode::Ready => 0x02,
            Opcode::Authenticate => 0x03,
            Opcode::Options => 0x05,
            Opcode::Supported => 0x06,
            Opcode::Query => 0x07,
            Opcode::Result => 0x08,
            Opcode::Prepare => 0x09,
            Opcode::Execute => 0x0A,
            Opcode::Register => 0x0B,
            Opcode::Event => 0x0C,
            Opcode::Batch => 0x0D,
            Opcode::AuthChallenge => 0x0E,
            Opcode::AuthResponse => 0x0F,
            Opcode::AuthSuccess => 0x10,
        }
    }

    /// The opcode for a byte, or `None` if unknown.
    pub fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0x00 => Opcode::Error,
            0x01 => Opcode::Startup,
            0x02 => Opcode::Ready,
            0x03 => Opcode::Authenticate,
            0x05 => Opcode::Options,
            0x06 => Opcode::Supported,
            0x07 => Opcode::Query,
            0x08 => Opcode::Result,
            0x09 => Opcode::Prepare,
            0x0A => Opcode::Execute,
            0x0B => Opcode::Register,
            0x0C => Opcode::Event,
            0x0D => Opcode::Batch,
            0x0E => Opcode::AuthChallenge,
            0x0F => Opcode::AuthResponse,
            0x10 => Opcode::AuthSuccess,
            _ => return None,
        })
    }
}

/// Direction of a frame (the top bit of the version byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Client to server.
    Request,
    /// Server to client.
    Response,
}

/// A decoded frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FrameHeader {
    /// Protocol version.
    pub version: ProtocolVersion,
    /// Request or response.
    pub direction: Direction,
    /// Flags.
    pub flags: FrameFlags,
    /// Stream id (`-1` for server-pushed events).
    pub stream: i16,
    /// Opcode.
    pub opcode: Opcode,
    /// Body length as sent (compressed length if compressed).
    pub length: u32,
}

impl FrameHeader {
    /// Parses a header. Fails on an unknown version or opcode, reporting the stream id so
    /// that a server can still answer with a protocol error.
    pub fn parse(bytes: &[u8; HEADER_LEN]) -> Result<Self, FrameError> {
        let [version_byte, flags, s0, s1, opcode, l0, l1, l2, l3] = *bytes;
        let stream = i16::from_be_bytes([s0, s1]);
        let version =
            ProtocolVersion::from_number(version_byte & 0x7f).ok_or(FrameError::BadVersion {
                byte: version_byte,
                stream,
            })?;
        let direction = if version_byte & 0x80 != 0 {
            Direction::Response
        } else {
            Direction::Request
        };
        let opcode =
            Opcode::from_code(opcode).ok_or(FrameError::UnknownOpcode { opcode, stream })?;
        Ok(FrameHeader {
            version,
            direction,
            flags: FrameFlags(flags),
            stream,
            opcode,
            length: u32::from_be_bytes([l0, l1, l2, l3]),
        })
    }

    /// The header's 9 bytes.
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let direction = match self.direction {
            Direction::Request => 0,
            Direction::Response => 0x80,
        };
        let [s0, s1] = self.stream.to_be_bytes();
        let [l0, l1, l2, l3] = self.length.to_be_bytes();
        [
            self.version.number() | direction,
            self.flags.0,
            s0,
            s1,
            self.opcode.code(),
            l0,
            l1,
            l2,
            l3,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trip() {
        // The READY frame of the v4-lz4 capture: compressed, 5 body bytes.
        let bytes = [0x84, 0x01, 0x00, 0x01, 0x02, 0, 0, 0, 5];
        let h = FrameHeader::parse(&bytes).expect("valid header");
        assert_eq!(h.version, ProtocolVersion::V4);
        assert_eq!(h.direction, Direction::Response);
        assert!(h.flags.contains(FrameFlags::COMPRESSION));
        assert_eq!(h.stream, 1);
        assert_eq!(h.opcode, Opcode::Ready);
        assert_eq!(h.length, 5);
        assert_eq!(h.to_bytes(), bytes);
    }

    #[test]
    fn bad_version_and_opcode_keep_the_stream() {
        assert_eq!(
            FrameHeader::parse(&[0x03, 0, 0x00, 0x07, 0x05, 0, 0, 0, 0]),
            Err(FrameError::BadVersion { byte: 3, stream: 7 })
        );
        assert_eq!(
            FrameHeader::parse(&[0x04, 0, 0xff, 0xff, 0x04, 0, 0, 0, 0]),
            Err(FrameError::UnknownOpcode {
                opcode: 4,
                stream: -1
            })
        );
    }
}

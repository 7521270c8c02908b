//! The 9-byte frame header shared by v4 and v5 (in v5 frames travel inside segments).

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

//! ERROR bodies: the code, the message and the code-specific fields.

use bytes::Bytes;

use crate::consistency::Consistency;

/// Write type of a write timeout/failure.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WriteType {
    /// SIMPLE.
    Simple,
    /// BATCH.
    Batch,
    /// UNLOGGED_BATCH.
    UnloggedBatch,
    /// COUNTER.
    Counter,
    /// BATCH_LOG.
    BatchLog,
    /// CAS.
    Cas,
    /// VIEW.
    View,
    /// CDC.
    Cdc,
    /// Anything else, verbatim.
    Other(String),
}

/// The code-specific part of a server error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 0x0000.
    ServerError,
    /// 0x000A.
    ProtocolError,
    /// 0x0100.
    AuthenticationError,
    /// 0x1000.
    Unavailable {
        /// Consistency requested.
        consistency: Consistency,
        /// Replicas required.
        required: i32,
        /// Replicas alive.
        alive: i32,
    },
    /// 0x1001.
    Overloaded,
    /// 0x1002.
    IsBootstrapping,
    /// 0x1003.
    TruncateError,
    /// 0x1100.
    WriteTimeout {
        /// Consistency requested.
        consistency: Consistency,
        /// Acks received.
        received: i32,
        /// Acks required.
        block_for: i32,
        /// Write type.
        write_type: WriteType,
        /// Contentions (v5, CAS only).
        contentions: Option<u16>,
    },
    /// 0x1200.
    ReadTimeout {
        /// Consistency requested.
        consistency: Consistency,
        /// Responses received.
        received: i32,
        /// Responses required.
        block_for: i32,
        /// Whether the data replica answered.
        data_present: bool,
    },
    /// 0x1300.
    ReadFailure {
        /// Consistency requested.
        consistency: Consistency,
        /// Responses received.
        received: i32,
        /// Responses required.
        block_for: i32,
        /// Failures by endpoint (v5: reason codes per address; v4: only the count is known).
        num_failures: i32,
        /// v5 reason map: (address, failure code).
        reasons: Vec<(std::net::IpAddr, u16)>,
        /// Whether the data replica answered.
        data_present: bool,
    },
    /// 0x1400.
    FunctionFailure {
        /// Keyspace.
        keyspace: String,
        /// Function.
        function: String,
        /// Argument types.
        arg_types: Vec<String>,
    },
    /// 0x1500.
    WriteFailure {
        /// Consistency requested.
        consistency: Consistency,
        /// Acks received.
        received: i32,
        /// Acks required.
        block_for: i32,
        /// Failure count.
        num_failures: i32,
        /// v5 reason map.
        reasons: Vec<(std::net::IpAddr, u16)>,
        /// Write type.
        write_type: WriteType,
    },
    /// 0x1600 (v5 CDC).
    CdcWriteFailure,
    /// 0x1700 (v5).
    CasWriteUnknown {
        /// Consistency requested.
        consistency: Consistency,
        /// Acks received.
        received: i32,
        /// Acks required.
        block_for: i32,
    },
    /// 0x2000.
    SyntaxError,
    /// 0x2100.
    Unauthorized,
    /// 0x2200.
    Invalid,
    /// 0x2300.
    ConfigError,
    /// 0x2400.
    AlreadyExists {
        /// Keyspace.
        keyspace: String,
        /// Table (empty when the keyspace itself exists).
        table: String,
    },
    /// 0x2500.
    Unprepared {
        /// The unknown statement id.
        id: Bytes,
    },
    /// Unknown code, kept verbatim.
    Other(i32),
}

/// An ERROR response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerError {
    /// Code-specific fields.
    pub kind: ErrorKind,
    /// Server message.
    pub message: String,
}

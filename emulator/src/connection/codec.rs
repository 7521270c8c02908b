//! Message bodies ↔ protocol types, for the transport.
//!
//! TEMPORARY: until the protocol crate's message codec lands (branch `proto-framing`), this
//! handles only the messages of the handshake (STARTUP, OPTIONS, REGISTER, AUTH_RESPONSE in;
//! READY, SUPPORTED, AUTHENTICATE, AUTH_SUCCESS, ERROR, schema EVENT out). QUERY, PREPARE,
//! EXECUTE and BATCH bodies are refused with a decode error, and RESULT bodies cannot be
//! encoded. Replace each function body with the protocol crate's codec after merging.

use cassia_protocol::frame::{Opcode, ProtocolVersion};
use cassia_protocol::request::{AuthResponse, Register, Request, Startup};
use cassia_protocol::response::{
    ErrorKind, Event, Response, SchemaChange, SchemaChangeTarget, SchemaChangeType,
};
use cassia_protocol::wire::{self, DecodeError, EncodeError, Reader};

/// Decodes a request body.
pub(crate) fn decode_request(
    opcode: Opcode,
    _version: ProtocolVersion,
    body: &[u8],
) -> Result<Request, DecodeError> {
    let mut r = Reader::new(body);
    let request = match opcode {
        Opcode::Options => Request::Options,
        Opcode::Startup => Request::Startup(Startup {
            options: r.string_map("STARTUP options")?,
        }),
        Opcode::Register => Request::Register(Register {
            events: r.string_list("REGISTER events")?,
        }),
        Opcode::AuthResponse => Request::AuthResponse(AuthResponse {
            token: r
                .bytes("AUTH_RESPONSE token")?
                .map(bytes::Bytes::copy_from_slice),
        }),
        other => {
            return Err(DecodeError::Invalid {
                what: "opcode",
                detail: format!("{other:?} is not decoded by the emulator yet"),
            });
        }
    };
    r.finish("request body")?;
    Ok(request)
}

/// The opcode a response is sent with.
pub(crate) fn response_opcode(response: &Response) -> Opcode {
    match response {
        Response::Error(_) => Opcode::Error,
        Response::Ready => Opcode::Ready,
        Response::Authenticate(_) => Opcode::Authenticate,
        Response::Supported(_) => Opcode::Supported,
        Response::Result(_) => Opcode::Result,
        Response::Event(_) => Opcode::Event,
        Response::AuthChallenge(_) => Opcode::AuthChallenge,
        Response::AuthSuccess(_) => Opcode::AuthSuccess,
        #[allow(unreachable_patterns)]
        _ => Opcode::Error,
    }
}

/// Appends a response body.
pub(crate) fn encode_response(
    response: &Response,
    version: ProtocolVersion,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    match response {
        Response::Ready => Ok(()),
        Response::Authenticate(class) => wire::put_string(out, class, "authenticator"),
        Response::Supported(options) => wire::put_string_multimap(out, options, "SUPPORTED"),
        Response::AuthSuccess(token) | Response::AuthChallenge(token) => {
            wire::put_bytes(out, token.as_deref(), "token")
        }
        Response::Error(e) => {
            let code = match e.kind {
                ErrorKind::ServerError => 0x0000,
                ErrorKind::ProtocolError => 0x000A,
                ErrorKind::AuthenticationError => 0x0100,
                ErrorKind::SyntaxError => 0x2000,
                ErrorKind::Invalid => 0x2200,
                _ => 0x0000,
            };
            wire::put_i32(out, code);
            wire::put_string(out, &e.message, "error message")
        }
        Response::Event(Event::SchemaChange(change)) => {
            wire::put_string(out, "SCHEMA_CHANGE", "event")?;
            put_schema_change(out, change)
        }
        // RESULT bodies need the protocol crate's codec (see the module header).
        _ => Err(EncodeError::Unsupported {
            what: "this response (pending the protocol codec)",
            version: version.number(),
        }),
    }
}

fn put_schema_change(out: &mut Vec<u8>, change: &SchemaChange) -> Result<(), EncodeError> {
    let kind = match change.change {
        SchemaChangeType::Created => "CREATED",
        SchemaChangeType::Updated => "UPDATED",
        SchemaChangeType::Dropped => "DROPPED",
    };
    wire::put_string(out, kind, "change type")?;
    match &change.target {
        SchemaChangeTarget::Keyspace { keyspace } => {
            wire::put_string(out, "KEYSPACE", "target")?;
            wire::put_string(out, keyspace, "keyspace")
        }
        SchemaChangeTarget::Table { keyspace, table } => {
            wire::put_string(out, "TABLE", "target")?;
            wire::put_string(out, keyspace, "keyspace")?;
            wire::put_string(out, table, "table")
        }
        SchemaChangeTarget::Type { keyspace, name } => {
            wire::put_string(out, "TYPE", "target")?;
            wire::put_string(out, keyspace, "keyspace")?;
            wire::put_string(out, name, "type")
        }
        SchemaChangeTarget::Function {
            keyspace,
            name,
            arg_types,
        }
        | SchemaChangeTarget::Aggregate {
            keyspace,
            name,
            arg_types,
        } => {
            let target = if matches!(change.target, SchemaChangeTarget::Function { .. }) {
                "FUNCTION"
            } else {
                "AGGREGATE"
            };
            wire::put_string(out, target, "target")?;
            wire::put_string(out, keyspace, "keyspace")?;
            wire::put_string(out, name, "function")?;
            wire::put_string_list(out, arg_types, "argument types")
        }
    }
}

//! The per-connection state machine: which requests are allowed in which stage
//! (handshake, authentication, ready) and what each one answers.
//!
//! It knows nothing about bytes: it takes a decoded request and returns the response plus
//! what the I/O loop must change afterwards (compression, v5 segments, event subscription).
//! The stage rules and the error messages follow Cassandra 4.0's `ServerConnection` and
//! `StartupMessage`, because drivers react to them.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use cassia_protocol::compression::Compression;
use cassia_protocol::envelope::{RequestFrame, ResponseFrame};
use cassia_protocol::frame::{Opcode, ProtocolVersion};
use cassia_protocol::request::{Request, Startup};
use cassia_protocol::response::{ErrorKind, Response, ServerError};

use super::traces::{self, TraceStart};
use crate::auth::PASSWORD_AUTHENTICATOR;
use crate::engine::{ClientHandle, ClientState, Outcome, TlsInfo};
use crate::server::Shared;

/// Where the connection is in its life, as Cassandra's `ConnectionStage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Only OPTIONS and STARTUP are accepted.
    Established,
    /// STARTUP was answered with AUTHENTICATE; only AUTH_RESPONSE is accepted.
    Authenticating,
    /// Everything but STARTUP is accepted.
    Ready,
}

/// What the I/O loop must do once the reply is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum After {
    Nothing,
    /// STARTUP succeeded: compress from now on (v4: every later frame, this reply
    /// included; v5: segments start after this reply).
    Started(Option<Compression>),
    /// REGISTER: start forwarding these kinds of events.
    Subscribe {
        schema: bool,
        topology: bool,
        status: bool,
    },
    /// Send the reply, then close the connection.
    Close,
}

/// Per-connection protocol state.
#[derive(Debug)]
pub(crate) struct Dispatcher {
    shared: Arc<Shared>,
    /// The client's address, recorded in tracing sessions.
    peer: IpAddr,
    stage: Stage,
    client: ClientState,
    /// The connection's entry in `system_views.clients`, removed when dropped.
    registration: ClientHandle,
}

impl Dispatcher {
    pub(crate) fn new(
        shared: Arc<Shared>,
        peer: SocketAddr,
        tls: Option<TlsInfo>,
        version: ProtocolVersion,
    ) -> Dispatcher {
        let registration = shared
            .engine
            .register_client(shared.node, peer, tls, version);
        Dispatcher {
            peer: peer.ip(),
            stage: Stage::Established,
            client: ClientState::new(version).on_node(shared.node),
            registration,
            shared,
        }
    }

    /// Shows `version` as the connection's protocol version in `system_views.clients` (for
    /// the versions read through another one's codec: v3, the v6 beta).
    pub(crate) fn report_version(&self, version: i32) {
        self.registration
            .update(|info| info.protocol_version = version);
    }

    /// STARTUP fixes the connection's version (4.0 creates its connection then), whatever
    /// the version of the frames before it; `shown` is the number `system_views.clients`
    /// shows (3 and 6 are read through the v4 and v5 codecs).
    pub(crate) fn set_version(&mut self, version: ProtocolVersion, shown: i32) {
        self.client.protocol_version = version;
        self.report_version(shown);
    }

    /// A QUERY at 4.0's NODE_LOCAL consistency: 4.0 parses and prepares it as usual, then
    /// `QueryProcessor.processNodeLocalStatement` refuses it unless the node runs with
    /// `-Dcassandra.enable_nodelocal_queries=true` (off by default), whatever the statement.
    pub(crate) fn refuse_node_local(&self, frame: &RequestFrame) -> ServerError {
        if let Request::Query(query) = &frame.request {
            let keyspace = query.params.keyspace.as_deref();
            if let Err(e) = self
                .shared
                .engine
                .plan_query(&self.client, &query.query, keyspace)
            {
                return e;
            }
        }
        ServerError {
            kind: ErrorKind::Invalid,
            message: "NODE_LOCAL consistency level is highly dangerous and should be used only for debugging purposes".to_owned(),
        }
    }

    /// The connection's protocol version.
    pub(crate) fn version(&self) -> ProtocolVersion {
        self.client.protocol_version
    }

    /// Checks that `opcode` may be sent now; Cassandra's messages, as a ProtocolError.
    pub(crate) fn check_stage(&self, opcode: Opcode) -> Result<(), ServerError> {
        let name = opcode_name(opcode);
        match self.stage {
            Stage::Established if !matches!(opcode, Opcode::Startup | Opcode::Options) => {
                Err(protocol_error(format!(
                    "Unexpected message {name}, expecting STARTUP or OPTIONS"
                )))
            }
            Stage::Authenticating if opcode != Opcode::AuthResponse => Err(protocol_error(
                format!("Unexpected message {name}, expecting SASL_RESPONSE"),
            )),
            Stage::Ready if opcode == Opcode::Startup => Err(protocol_error(
                "Unexpected message STARTUP, the connection is already initialized".to_owned(),
            )),
            _ => Ok(()),
        }
    }

    /// Handles one decoded request.
    pub(crate) fn handle(&mut self, frame: RequestFrame) -> (ResponseFrame, After) {
        let traced = frame.tracing;
        let version = self.client.protocol_version;
        self.registration.count_request();
        let mut reply = ResponseFrame::new(frame.stream, Response::Ready);
        let started = traced.then(TraceStart::now);
        let after = match &frame.request {
            Request::Options => {
                reply.response = Response::Supported(self.supported());
                After::Nothing
            }
            Request::Startup(startup) => match self.startup(version, startup) {
                Ok((response, compression)) => {
                    reply.response = response;
                    After::Started(compression)
                }
                Err(e) => {
                    reply.response = Response::Error(e);
                    After::Nothing
                }
            },
            Request::AuthResponse(auth) => {
                let token = auth.token.as_deref().unwrap_or_default();
                // No user without authentication.
                let verified = self.shared.credentials.as_ref().map(|c| c.verify(token));
                match verified.transpose() {
                    Ok(user) => {
                        self.stage = Stage::Ready;
                        self.registration.update(|info| {
                            info.stage = "ready";
                            info.username = user;
                        });
                        reply.response = Response::AuthSuccess(None);
                        After::Nothing
                    }
                    Err(e) => {
                        reply.response = Response::Error(ServerError {
                            kind: ErrorKind::AuthenticationError,
                            message: e.to_string(),
                        });
                        After::Nothing
                    }
                }
            }
            Request::Register(register) => {
                // Cassandra upper-cases event names before looking them up.
                if let Some(bad) = register.events.iter().find(|e| {
                    !["TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE"]
                        .iter()
                        .any(|known| e.eq_ignore_ascii_case(known))
                }) {
                    reply.response =
                        Response::Error(protocol_error(format!("Invalid value '{bad}' for Type")));
                    After::Nothing
                } else {
                    reply.response = Response::Ready;
                    let has =
                        |name: &str| register.events.iter().any(|e| e.eq_ignore_ascii_case(name));
                    After::Subscribe {
                        schema: has("SCHEMA_CHANGE"),
                        topology: has("TOPOLOGY_CHANGE"),
                        status: has("STATUS_CHANGE"),
                    }
                }
            }
            Request::Query(query) => {
                let (engine, client) = (&self.shared.engine, &mut self.client);
                let outcome = guarded(|| engine.query(client, &query.query, &query.params));
                finish(&mut reply, outcome, traced);
                After::Nothing
            }
            Request::Prepare(prepare) => {
                let (engine, client) = (&self.shared.engine, &self.client);
                let outcome =
                    guarded(|| engine.prepare(client, &prepare.query, prepare.keyspace.as_deref()));
                finish(&mut reply, outcome, traced);
                After::Nothing
            }
            Request::Execute(execute) => {
                let (engine, client) = (&self.shared.engine, &mut self.client);
                let outcome = guarded(|| engine.execute(client, execute));
                finish(&mut reply, outcome, traced);
                After::Nothing
            }
            Request::Batch(batch) => {
                let (engine, client) = (&self.shared.engine, &mut self.client);
                let outcome = guarded(|| engine.batch(client, batch));
                finish(&mut reply, outcome, traced);
                After::Nothing
            }
            // A request kind added to the protocol crate later: say so rather than guess.
            #[allow(unreachable_patterns)]
            _ => {
                reply.response = Response::Error(protocol_error(
                    "Unexpected message type for this server".to_owned(),
                ));
                After::Close
            }
        };
        if let (Some(start), Some(id)) = (started, reply.tracing_id) {
            traces::record(&self.shared.engine, id, self.peer, start, &frame.request);
        }
        (reply, after)
    }

    /// SUPPORTED, shaped as Cassandra 4.0 sends it, listing what this server accepts.
    fn supported(&self) -> Vec<(String, Vec<String>)> {
        vec![
            (
                "PROTOCOL_VERSIONS".to_owned(),
                supported_labels(&self.shared.versions),
            ),
            (
                "COMPRESSION".to_owned(),
                vec!["snappy".to_owned(), "lz4".to_owned()],
            ),
            ("CQL_VERSION".to_owned(), vec![CQL_VERSION.to_owned()]),
        ]
    }

    fn startup(
        &mut self,
        version: ProtocolVersion,
        startup: &Startup,
    ) -> Result<(Response, Option<Compression>), ServerError> {
        let option = |key: &str| {
            startup
                .options
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v.as_str())
        };
        let Some(cql_version) = option("CQL_VERSION") else {
            return Err(protocol_error(
                "Missing value CQL_VERSION in STARTUP message".to_owned(),
            ));
        };
        let major = cql_version
            .split('.')
            .next()
            .and_then(|m| m.parse::<u32>().ok());
        if major.is_none_or(|m| m < 3) {
            return Err(protocol_error(format!(
                "CQL version {cql_version} is not supported by the binary protocol (supported version are >= 3.0.0)"
            )));
        }
        let compression = match option("COMPRESSION")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None => None,
            Some("lz4") => Some(Compression::Lz4),
            // Cassandra 4.0 only frames v5 segments with LZ4.
            Some("snappy") if version == ProtocolVersion::V5 => {
                return Err(protocol_error(
                    "Unsupported compression type: snappy".to_owned(),
                ));
            }
            Some("snappy") => Some(Compression::Snappy),
            Some(other) => {
                return Err(protocol_error(format!(
                    "Unknown compression algorithm: {other}"
                )));
            }
        };
        // `ClientsTable` shows what STARTUP told about the driver.
        let (driver_name, driver_version) = (
            option("DRIVER_NAME").map(str::to_owned),
            option("DRIVER_VERSION").map(str::to_owned),
        );
        let authenticating = self.shared.credentials.is_some();
        self.registration.update(|info| {
            info.driver_name = driver_name;
            info.driver_version = driver_version;
            // Without authentication the user is `AuthenticatedUser.ANONYMOUS_USER`.
            if authenticating {
                info.stage = "authenticating";
            } else {
                info.stage = "ready";
                info.username = Some("anonymous".to_owned());
            }
        });
        if authenticating {
            self.stage = Stage::Authenticating;
            Ok((
                Response::Authenticate(PASSWORD_AUTHENTICATOR.to_owned()),
                compression,
            ))
        } else {
            self.stage = Stage::Ready;
            Ok((Response::Ready, compression))
        }
    }
}

/// Fills `reply` from what the engine returned.
fn finish(reply: &mut ResponseFrame, outcome: Result<Outcome, ServerError>, traced: bool) {
    match outcome {
        Ok(outcome) => {
            // Cassandra attaches the session id to successful results only.
            if traced {
                reply.tracing_id = Some(new_trace_id());
            }
            reply.warnings = outcome.warnings;
            reply.response = Response::Result(outcome.body);
        }
        Err(e) => reply.response = Response::Error(e),
    }
}

/// Runs an engine call so that a bug in it becomes a ServerError for this request instead
/// of killing the connection (and leaving the client waiting for its answer).
fn guarded(call: impl FnOnce() -> Result<Outcome, ServerError>) -> Result<Outcome, ServerError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(call)).unwrap_or_else(|panic| {
        let detail = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_owned());
        tracing::error!(%detail, "the engine panicked while executing a request");
        Err(ServerError {
            kind: ErrorKind::ServerError,
            message: format!("Internal emulator error: {detail}"),
        })
    })
}

/// The CQL version Cassandra 4.0 reports.
const CQL_VERSION: &str = "3.4.5";

/// `4/v4`, `5/v5`: the labels Cassandra uses in SUPPORTED and in version errors.
pub(crate) fn version_label(v: ProtocolVersion) -> String {
    number_label(v.number())
}

/// Cassandra 4.0's label for a version number (`ProtocolVersion.toString`): v6 is its beta.
pub(crate) fn number_label(n: u8) -> String {
    if n == BETA_VERSION {
        format!("{n}/v{n}-beta")
    } else {
        format!("{n}/v{n}")
    }
}

/// Protocol v6, which Cassandra 4.0 lists as a beta needing the USE_BETA flag.
pub(crate) const BETA_VERSION: u8 = 6;

/// What Cassandra 4.0 lists as supported, for the versions this server is configured with:
/// v3 is served alongside v4 (see `legacy`), and 4.0 lists its v6 beta next to v5.
pub(crate) fn supported_labels(versions: &[ProtocolVersion]) -> Vec<String> {
    let mut labels = Vec::new();
    if versions.contains(&ProtocolVersion::V4) {
        labels.push(number_label(super::legacy::V3));
    }
    labels.extend(versions.iter().map(|v| version_label(*v)));
    if versions.contains(&ProtocolVersion::V5) {
        labels.push(number_label(BETA_VERSION));
    }
    labels
}

/// A ProtocolError (0x000A) with `message`.
pub(crate) fn protocol_error(message: String) -> ServerError {
    ServerError {
        kind: ErrorKind::ProtocolError,
        message,
    }
}

/// Cassandra's names for request types, used in its stage errors.
fn opcode_name(opcode: Opcode) -> &'static str {
    match opcode {
        Opcode::Error => "ERROR",
        Opcode::Startup => "STARTUP",
        Opcode::Ready => "READY",
        Opcode::Authenticate => "AUTHENTICATE",
        Opcode::Options => "OPTIONS",
        Opcode::Supported => "SUPPORTED",
        Opcode::Query => "QUERY",
        Opcode::Result => "RESULT",
        Opcode::Prepare => "PREPARE",
        Opcode::Execute => "EXECUTE",
        Opcode::Register => "REGISTER",
        Opcode::Event => "EVENT",
        Opcode::Batch => "BATCH",
        Opcode::AuthChallenge => "AUTH_CHALLENGE",
        Opcode::AuthResponse => "AUTH_RESPONSE",
        Opcode::AuthSuccess => "AUTH_SUCCESS",
        #[allow(unreachable_patterns)]
        _ => "UNKNOWN",
    }
}

/// A time-based (v1) id, as Cassandra's tracing session ids are.
fn new_trace_id() -> uuid::Uuid {
    // A fixed, locally administered node id: the emulator is a single node.
    uuid::Uuid::now_v1(&[0x02, 0xca, 0x55, 0x1a, 0x00, 0x01])
}

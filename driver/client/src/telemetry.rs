//! The request span: one [`tracing`] span per statement execution, carrying the attributes
//! of OpenTelemetry's [database client conventions] and their [Cassandra] extension, so
//! [`tracing-opentelemetry`] exports it as a proper database CLIENT span with no mapping.
//!
//! Every `query`, `execute` and `batch` (and every page fetched by a row stream) runs inside
//! an `INFO` span named [`SPAN_NAME`]. Retries and re-prepares happen inside it; each attempt
//! additionally gets a nested `DEBUG` span `request` (statement excerpt, node, stream id).
//! Preparing, the control connection and heartbeats have no request span.
//!
//! | attribute | value | when |
//! | --- | --- | --- |
//! | [`otel.name`](OTEL_NAME) | `"{db.operation.name} {db.collection.name or db.namespace}"`, e.g. `"SELECT shop"`; `"cassandra"` when no operation is known | always |
//! | [`otel.kind`](OTEL_KIND) | `"client"` | always |
//! | [`otel.status_code`](OTEL_STATUS_CODE) | `"error"` | on failure (left unset on success) |
//! | [`db.system.name`](DB_SYSTEM_NAME) | `"cassandra"` | always |
//! | [`db.operation.name`](DB_OPERATION_NAME) | the statement's first keyword, upper-cased: `"SELECT"`, `"INSERT"`, `"CREATE"`…; a batch is `"BATCH"`, or `"BATCH INSERT"` when all its statements share the keyword | when the statement has a keyword |
//! | [`db.operation.batch.size`](DB_OPERATION_BATCH_SIZE) | statements in the batch | batches |
//! | [`db.namespace`](DB_NAMESPACE) | the keyspace: the statement's, else the prepared statement's, else the session's (`USE`) | when there is one |
//! | [`db.collection.name`](DB_COLLECTION_NAME) | the table, from a prepared statement's metadata | prepared statements on one table |
//! | [`db.query.text`](DB_QUERY_TEXT) | the prepared CQL (bind markers, no values); a batch's prepared texts joined with `"; "` | prepared statements and all-prepared batches only |
//! | [`server.address`](SERVER_ADDRESS), [`server.port`](SERVER_PORT) | the coordinator's IP address and port | once a node is picked (the last one tried; with speculative executions, the one that answered) |
//! | [`cassandra.coordinator.id`](CASSANDRA_COORDINATOR_ID) | the coordinator's host id | once a node is picked, if known |
//! | [`cassandra.coordinator.dc`](CASSANDRA_COORDINATOR_DC) | the coordinator's data centre | once a node is picked, if known |
//! | [`cassandra.consistency.level`](CASSANDRA_CONSISTENCY_LEVEL) | `"local_one"`, `"quorum"`… (lower case, as the convention lists them) | once a node is picked (a retry policy may lower it) |
//! | [`cassandra.page.size`](CASSANDRA_PAGE_SIZE) | rows per page | queries and executes that page |
//! | [`cassandra.query.idempotent`](CASSANDRA_QUERY_IDEMPOTENT) | whether the statement is marked idempotent | always |
//! | [`cassia.retries`](CASSIA_RETRIES) | retries sent after a failed attempt (0: the first attempt answered), over all executions | always |
//! | [`cassandra.speculative_execution.count`](CASSANDRA_SPECULATIVE_EXECUTION_COUNT) | speculative executions started besides the first (0: none was needed) | requests run with a speculative execution policy (idempotent statements only) |
//! | [`error.type`](ERROR_TYPE) | the server's error code, as `db.response.status_code`; else a short kind: `"timeout"`, `"connection"`, `"busy"`, `"no_node_available"`… | on failure |
//! | [`db.response.status_code`](DB_RESPONSE_STATUS_CODE) | the protocol error code in hex, `"0x2200"` | on a server error |
//!
//! # Statement text
//!
//! A simple statement's text can hold data (`INSERT … VALUES ('alice@example.com')`), so
//! it is never recorded: OpenTelemetry asks for non-parameterized query text to be left out
//! unless sanitized. A prepared statement's text carries bind markers instead of values, and
//! is recorded. To see a statement's text in traces, prepare it. The nested `DEBUG` span
//! `request` keeps its statement excerpt for local logs.
//!
//! # Names
//!
//! These are the current (stable where the conventions are) names: `db.system.name`,
//! `db.namespace`, `db.operation.name` and `db.query.text` replaced `db.system`, `db.name`,
//! `db.operation` and `db.statement`, and the Cassandra attributes moved from
//! `db.cassandra.consistency_level`, `db.cassandra.coordinator.id`/`.dc`,
//! `db.cassandra.page_size` and `db.cassandra.idempotence` to the `cassandra.*` names above.
//! Speculative executions use the convention's `cassandra.speculative_execution.count`.
//! Retries have no convention; `cassia.retries` is this driver's.
//!
//! ```
//! use cassia_driver::telemetry;
//!
//! // With tracing-opentelemetry, `otel.*` fields set the exported span's name, kind and status.
//! assert_eq!(telemetry::SPAN_NAME, "cassandra.request");
//! assert_eq!(telemetry::DB_NAMESPACE, "db.namespace");
//! ```
//!
//! [database client conventions]: https://opentelemetry.io/docs/specs/semconv/database/database-spans/
//! [Cassandra]: https://opentelemetry.io/docs/specs/semconv/database/cassandra/
//! [`tracing-opentelemetry`]: https://docs.rs/tracing-opentelemetry

/// The request span's name (the tracing span name; `otel.name` gives exporters the
/// OpenTelemetry one).
pub const SPAN_NAME: &str = "cassandra.request";

/// The OpenTelemetry span name, `"{operation} {target}"`.
pub const OTEL_NAME: &str = "otel.name";
/// The span kind, always `"client"`.
pub const OTEL_KIND: &str = "otel.kind";
/// `"error"` when the request failed.
pub const OTEL_STATUS_CODE: &str = "otel.status_code";
/// Always `"cassandra"`.
pub const DB_SYSTEM_NAME: &str = "db.system.name";
/// The statement's keyword (`"SELECT"`), or `"BATCH"` / `"BATCH INSERT"`.
pub const DB_OPERATION_NAME: &str = "db.operation.name";
/// How many statements a batch holds.
pub const DB_OPERATION_BATCH_SIZE: &str = "db.operation.batch.size";
/// The keyspace.
pub const DB_NAMESPACE: &str = "db.namespace";
/// The table, when a prepared statement's metadata names a single one.
pub const DB_COLLECTION_NAME: &str = "db.collection.name";
/// The prepared CQL text (never a simple statement's).
pub const DB_QUERY_TEXT: &str = "db.query.text";
/// The coordinator's IP address.
pub const SERVER_ADDRESS: &str = "server.address";
/// The coordinator's port.
pub const SERVER_PORT: &str = "server.port";
/// The coordinator's host id.
pub const CASSANDRA_COORDINATOR_ID: &str = "cassandra.coordinator.id";
/// The coordinator's data centre.
pub const CASSANDRA_COORDINATOR_DC: &str = "cassandra.coordinator.dc";
/// The consistency level, lower case (`"local_quorum"`).
pub const CASSANDRA_CONSISTENCY_LEVEL: &str = "cassandra.consistency.level";
/// Rows per page.
pub const CASSANDRA_PAGE_SIZE: &str = "cassandra.page.size";
/// Whether the statement is idempotent.
pub const CASSANDRA_QUERY_IDEMPOTENT: &str = "cassandra.query.idempotent";
/// Retries made after failed attempts.
pub const CASSIA_RETRIES: &str = "cassia.retries";
/// Speculative executions started besides the first (the convention's name).
pub const CASSANDRA_SPECULATIVE_EXECUTION_COUNT: &str = "cassandra.speculative_execution.count";
/// The kind of failure (the server's error code, or `"timeout"`, `"connection"`, …).
pub const ERROR_TYPE: &str = "error.type";
/// The server's error code, `"0x2200"`.
pub const DB_RESPONSE_STATUS_CODE: &str = "db.response.status_code";

//! Constructors for the server errors DDL and lookups produce, so that every message is
//! built in one place with Cassandra's wording.

use cassia_protocol::response::{ErrorKind, ServerError};

/// `Invalid` (0x2200) with a message.
pub fn invalid(message: impl Into<String>) -> ServerError {
    ServerError {
        kind: ErrorKind::Invalid,
        message: message.into(),
    }
}

/// `SyntaxError` (0x2000) with a message (Cassandra reports unknown table properties so).
pub fn syntax(message: impl Into<String>) -> ServerError {
    ServerError {
        kind: ErrorKind::SyntaxError,
        message: message.into(),
    }
}

/// `Unauthorized` (0x2100) with a message (schema changes in system keyspaces).
pub fn unauthorized(message: impl Into<String>) -> ServerError {
    ServerError {
        kind: ErrorKind::Unauthorized,
        message: message.into(),
    }
}

/// `ConfigError` (0x2300) with a message (bad replication settings).
pub fn config(message: impl Into<String>) -> ServerError {
    ServerError {
        kind: ErrorKind::ConfigError,
        message: message.into(),
    }
}

/// `AlreadyExists` (0x2400) for a keyspace: `Cannot add existing keyspace "ks"`.
pub fn keyspace_exists(keyspace: &str) -> ServerError {
    ServerError {
        kind: ErrorKind::AlreadyExists {
            keyspace: keyspace.to_owned(),
            table: String::new(),
        },
        message: format!("Cannot add existing keyspace \"{keyspace}\""),
    }
}

/// `AlreadyExists` (0x2400) for a table:
/// `Cannot add already existing table "t" to keyspace "ks"`.
pub fn table_exists(keyspace: &str, table: &str) -> ServerError {
    ServerError {
        kind: ErrorKind::AlreadyExists {
            keyspace: keyspace.to_owned(),
            table: table.to_owned(),
        },
        message: format!(
            "Cannot add already existing table \"{table}\" to keyspace \"{keyspace}\""
        ),
    }
}

/// The error for a statement that needs a keyspace when none is given or in use.
pub fn no_keyspace() -> ServerError {
    invalid(
        "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename",
    )
}

//! Cassandra and mapper errors as HTTP answers: a status code a client can act on and a
//! JSON body `{"error": {"kind": ..., "message": ...}}`.
//!
//! | cause | status |
//! |---|---|
//! | bad input: the builder refused it, the server found it invalid, a bad cursor | 400 |
//! | no such row | 404 |
//! | a conditional write lost (LWT not applied) | 409 |
//! | timeouts (client-side, read/write timeouts), Unavailable, Overloaded, no node | 503 |
//! | Unauthorized | 403 |
//! | anything else | 500 |

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cassia::ExecError;
use cassia_driver::error::{ErrorKind, ExecuteError};
use serde_json::json;

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A short machine-readable kind (`not_found`, `conflict`, `unavailable`, ...).
    pub kind: &'static str,
    /// What happened, for people.
    pub message: String,
    /// Extra fields for the body (the current row of a lost conditional update).
    pub details: Option<serde_json::Value>,
}

impl ApiError {
    /// 404 for `what`.
    pub fn not_found(what: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            kind: "not_found",
            message: what.into(),
            details: None,
        }
    }

    /// 409: a conditional write did not apply.
    pub fn conflict(message: impl Into<String>, details: Option<serde_json::Value>) -> Self {
        ApiError {
            status: StatusCode::CONFLICT,
            kind: "conflict",
            message: message.into(),
            details,
        }
    }

    /// 400 for a request the service refuses itself.
    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            kind: "bad_request",
            message: message.into(),
            details: None,
        }
    }
}

impl From<ExecError> for ApiError {
    fn from(e: ExecError) -> Self {
        let (status, kind) = match &e {
            ExecError::Query(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ExecError::DoesNotExist { .. } => (StatusCode::NOT_FOUND, "not_found"),
            ExecError::Execute(inner) => classify(inner),
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        };
        ApiError {
            status,
            kind,
            message: e.to_string(),
            details: None,
        }
    }
}

impl From<ExecuteError> for ApiError {
    fn from(e: ExecuteError) -> Self {
        let (status, kind) = classify(&e);
        ApiError {
            status,
            kind,
            message: e.to_string(),
            details: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = json!({ "kind": self.kind, "message": self.message });
        if let (Some(details), Some(map)) = (self.details, error.as_object_mut()) {
            map.insert("current".to_owned(), details);
        }
        (self.status, Json(json!({ "error": error }))).into_response()
    }
}

/// The status and kind of a driver error.
fn classify(e: &ExecuteError) -> (StatusCode, &'static str) {
    match e {
        ExecuteError::Timeout { .. } | ExecuteError::StreamIdTimeout { .. } => {
            (StatusCode::SERVICE_UNAVAILABLE, "timeout")
        }
        // Every node of the plan failed: answer as the last one did (a timeout stays a
        // timeout), and 503 whatever it was.
        ExecuteError::NoNodeAvailable { errors, .. } => match errors.last().map(classify) {
            Some((StatusCode::SERVICE_UNAVAILABLE, kind)) => {
                (StatusCode::SERVICE_UNAVAILABLE, kind)
            }
            _ => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        },
        ExecuteError::Busy { .. } | ExecuteError::Connection { .. } => {
            (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
        }
        ExecuteError::Cursor(_) => (StatusCode::BAD_REQUEST, "bad_cursor"),
        ExecuteError::Server { error, .. } => match &error.kind {
            ErrorKind::Invalid | ErrorKind::SyntaxError | ErrorKind::AlreadyExists { .. } => {
                (StatusCode::BAD_REQUEST, "invalid")
            }
            ErrorKind::Unauthorized => (StatusCode::FORBIDDEN, "unauthorized"),
            ErrorKind::Unavailable { .. } | ErrorKind::Overloaded | ErrorKind::IsBootstrapping => {
                (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
            }
            ErrorKind::ReadTimeout { .. } | ErrorKind::WriteTimeout { .. } => {
                (StatusCode::SERVICE_UNAVAILABLE, "timeout")
            }
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "server_error"),
        },
        _ => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    }
}

//! The web back-end example's service (`examples/web`): an HTTP API over the mapper, built
//! with axum. Messages in channels — create, read, list with a cursor, update guarded by a
//! lightweight transaction, delete — and a view counter per channel. Cassandra's errors
//! become HTTP statuses with JSON bodies ([`error`]), every database call carries the
//! request timeout (a timeout answers 503), and each request runs in a `http.request`
//! tracing span, so the driver's own spans nest inside it.
//!
//! ```text
//! POST   /channels/{channel}/messages              {"author", "body", "id"?}  201 | 409
//! GET    /channels/{channel}/messages?limit&cursor {"items", "next_cursor"}
//! GET    /channels/{channel}/messages/{id}                                    200 | 404
//! PUT    /channels/{channel}/messages/{id}         {"body", "version"}        200 | 404 | 409
//! DELETE /channels/{channel}/messages/{id}                                    204 | 404
//! POST   /channels/{channel}/views                                            200 (count)
//! GET    /channels/{channel}/views                                            200
//! GET    /raw/channels/{channel}/messages/{id}     the read, on the plain driver (benchmark)
//! ```

pub mod client;
pub mod error;
mod handlers;
pub mod model;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use cassia::schema::sync_table;
use cassia_driver::{PreparedStatement, Session};
use tracing::Instrument;

pub use client::{Answer, ApiClient};
pub use error::ApiError;
pub use model::{ChannelViews, EditMessage, Message, MessagePage, NewMessage, Views};

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The session every statement runs on (passed explicitly, not a global).
    pub session: Session,
    /// Client-side timeout of each database call; past it the request answers 503.
    pub request_timeout: Duration,
    /// The plain-driver read, prepared once.
    raw_read: Arc<PreparedStatement>,
}

impl AppState {
    /// State over `session` (its keyspace selected), creating the tables if needed.
    pub async fn new(
        session: Session,
        request_timeout: Duration,
    ) -> Result<Self, cassia::ExecError> {
        sync_table::<Message>(&session).await?;
        sync_table::<ChannelViews>(&session).await?;
        let raw_read = session
            .prepare(
                "SELECT channel, id, author, body, version FROM messages WHERE channel = ? AND id = ?",
            )
            .await?;
        Ok(AppState {
            session,
            request_timeout,
            raw_read: Arc::new(raw_read),
        })
    }
}

/// The service's routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/channels/{channel}/messages",
            post(handlers::create).get(handlers::list),
        )
        .route(
            "/channels/{channel}/messages/{id}",
            get(handlers::read)
                .put(handlers::update)
                .delete(handlers::delete),
        )
        .route(
            "/channels/{channel}/views",
            post(handlers::add_view).get(handlers::views),
        )
        .route(
            "/raw/channels/{channel}/messages/{id}",
            get(handlers::read_raw),
        )
        .layer(middleware::from_fn(trace_request))
        .with_state(state)
}

/// Runs the request in an `http.request` span (method, path, status), the parent of the
/// driver's request spans.
async fn trace_request(request: Request, next: Next) -> Response {
    let span = tracing::info_span!(
        "http.request",
        "http.request.method" = %request.method(),
        "url.path" = %request.uri().path(),
        "http.response.status_code" = tracing::field::Empty,
    );
    let response = next.run(request).instrument(span.clone()).await;
    let status = response.status().as_u16();
    span.record("http.response.status_code", status);
    span.in_scope(|| tracing::info!(status, "answered"));
    response
}

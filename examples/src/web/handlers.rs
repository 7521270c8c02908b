//! The route handlers: each takes the shared [`AppState`], runs mapper statements on its
//! session with the request timeout, and answers JSON or an [`ApiError`].

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use cassia::Cursor;
use cassia::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use super::error::ApiError;
use super::model::{ChannelViews, EditMessage, Message, MessagePage, NewMessage, Views};

/// `?limit=&cursor=` of the list endpoint.
#[derive(Debug, Deserialize)]
pub(super) struct ListParams {
    limit: Option<i32>,
    cursor: Option<String>,
}

/// The most rows one page may ask for.
const MAX_PAGE: i32 = 100;

pub(super) async fn create(
    State(state): State<AppState>,
    Path(channel): Path<String>,
    Json(new): Json<NewMessage>,
) -> Result<(StatusCode, Json<Message>), ApiError> {
    let id = new.id.unwrap_or_else(now_micros);
    let message = Message {
        channel,
        id,
        author: new.author,
        body: new.body,
        version: 1,
    };
    let written = message
        .insert()
        .if_not_exists()
        .timeout(state.request_timeout)
        .execute_on(&state.session)
        .await?;
    if !written.applied() {
        return Err(ApiError::conflict(
            format!("message {id} already exists in {}", message.channel),
            None,
        ));
    }
    Ok((StatusCode::CREATED, Json(message)))
}

pub(super) async fn list(
    State(state): State<AppState>,
    Path(channel): Path<String>,
    Query(params): Query<ListParams>,
) -> Result<Json<MessagePage>, ApiError> {
    let size = params.limit.unwrap_or(20);
    if !(1..=MAX_PAGE).contains(&size) {
        return Err(ApiError::bad_request(format!(
            "limit must be between 1 and {MAX_PAGE}"
        )));
    }
    let cursor = params
        .cursor
        .as_deref()
        .map(Cursor::parse)
        .transpose()
        .map_err(|e| ApiError::bad_request(format!("bad cursor: {e}")))?;
    let page = Message::objects()
        .filter(Message::CHANNEL.eq(channel))
        .timeout(state.request_timeout)
        .page_on(&state.session, cursor.as_ref(), size)
        .await?;
    Ok(Json(MessagePage {
        items: page.rows,
        next_cursor: page.next.map(|c| c.to_string()),
    }))
}

pub(super) async fn read(
    State(state): State<AppState>,
    Path((channel, id)): Path<(String, i64)>,
) -> Result<Json<Message>, ApiError> {
    let found = Message::objects()
        .filter(Message::CHANNEL.eq(channel))
        .filter(Message::ID.eq(id))
        .timeout(state.request_timeout)
        .first_on(&state.session)
        .await?;
    found
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no message {id}")))
}

/// The same read as [`read`], on the plain driver: a prepared statement and a tuple row.
pub(super) async fn read_raw(
    State(state): State<AppState>,
    Path((channel, id)): Path<(String, i64)>,
) -> Result<Json<Message>, ApiError> {
    let result = state
        .session
        .execute(&state.raw_read, (&channel, id))
        .await?;
    let row: Option<(String, i64, String, String, i32)> = result
        .maybe_first()
        .map_err(|e| ApiError::from(cassia::ExecError::from(e)))?;
    let (channel, id, author, body, version) =
        row.ok_or_else(|| ApiError::not_found(format!("no message {id}")))?;
    Ok(Json(Message {
        channel,
        id,
        author,
        body,
        version,
    }))
}

pub(super) async fn update(
    State(state): State<AppState>,
    Path((channel, id)): Path<(String, i64)>,
    Json(edit): Json<EditMessage>,
) -> Result<Json<Message>, ApiError> {
    let written = Message::update()
        .set(Message::BODY, edit.body.clone())
        .set(Message::VERSION, edit.version + 1)
        .filter(Message::CHANNEL.eq(channel.clone()))
        .filter(Message::ID.eq(id))
        .iff(Message::VERSION.eq(edit.version))
        .timeout(state.request_timeout)
        .execute_on(&state.session)
        .await?;
    if !written.applied() {
        // Cassandra returns the current version when the row exists, nothing when not.
        let current = written
            .current_row()
            .map_err(|e| ApiError::from(cassia::ExecError::from(e)))?
            .and_then(|row| match row.get("version") {
                Ok(Some(cassia_driver::CqlValue::Int(v))) => Some(*v),
                _ => None,
            });
        return Err(match current {
            Some(version) => ApiError::conflict(
                format!("message {id} is at version {version}, not {}", edit.version),
                Some(json!({ "version": version })),
            ),
            None => ApiError::not_found(format!("no message {id}")),
        });
    }
    read(State(state), Path((channel, id))).await
}

pub(super) async fn delete(
    State(state): State<AppState>,
    Path((channel, id)): Path<(String, i64)>,
) -> Result<StatusCode, ApiError> {
    let written = Message::delete()
        .filter(Message::CHANNEL.eq(channel))
        .filter(Message::ID.eq(id))
        .if_exists()
        .timeout(state.request_timeout)
        .execute_on(&state.session)
        .await?;
    if written.applied() {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(format!("no message {id}")))
    }
}

pub(super) async fn add_view(
    State(state): State<AppState>,
    Path(channel): Path<String>,
) -> Result<Json<Views>, ApiError> {
    ChannelViews::update()
        .incr(ChannelViews::VIEWS, 1)
        .filter(ChannelViews::CHANNEL.eq(channel.clone()))
        .timeout(state.request_timeout)
        .execute_on(&state.session)
        .await?;
    views(State(state), Path(channel)).await
}

pub(super) async fn views(
    State(state): State<AppState>,
    Path(channel): Path<String>,
) -> Result<Json<Views>, ApiError> {
    let row = ChannelViews::objects()
        .filter(ChannelViews::CHANNEL.eq(channel.clone()))
        .timeout(state.request_timeout)
        .first_on(&state.session)
        .await?;
    Ok(Json(Views {
        channel,
        views: row.map_or(0, |r| r.views.0),
    }))
}

fn now_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}

//! The service's tables: messages in channels (a clustering key, newest first, with a version
//! for optimistic updates) and per-channel view counters.

use cassia::prelude::*;
use serde::{Deserialize, Serialize};

/// A message; `id` orders a channel's messages, newest first.
#[derive(Debug, Clone, PartialEq, Model, Serialize, Deserialize)]
#[cassia(table = "messages")]
pub struct Message {
    /// The channel (partition key).
    #[cassia(partition_key)]
    pub channel: String,
    /// Position in the channel (clustering key, descending).
    #[cassia(clustering_key, order = "desc")]
    pub id: i64,
    /// Who wrote it.
    pub author: String,
    /// The text.
    pub body: String,
    /// Bumped by every update; an update names the version it read (optimistic locking).
    pub version: i32,
}

/// Views of a channel (a counter table).
#[derive(Debug, Clone, PartialEq, Model)]
#[cassia(table = "channel_views")]
pub struct ChannelViews {
    /// The channel.
    #[cassia(partition_key)]
    pub channel: String,
    /// How many times it was viewed.
    pub views: Counter,
}

/// `POST /channels/{channel}/messages`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewMessage {
    /// Position; the server's clock in microseconds when left out.
    pub id: Option<i64>,
    /// Who writes it.
    pub author: String,
    /// The text.
    pub body: String,
}

/// `PUT /channels/{channel}/messages/{id}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EditMessage {
    /// The new text.
    pub body: String,
    /// The version the client read; the update applies only if it is still current.
    pub version: i32,
}

/// A page of messages and the cursor to the next one.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MessagePage {
    /// This page, newest first.
    pub items: Vec<Message>,
    /// Pass as `?cursor=` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
}

/// `GET /channels/{channel}/views`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Views {
    /// The channel.
    pub channel: String,
    /// Its view count.
    pub views: i64,
}

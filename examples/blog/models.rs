//! The blog's schema, as Rust types: the mapper derives every table and type from these.
//!
//! Tables are shaped by the queries they serve (Cassandra has no joins): posts are stored
//! per author, newest first, so "a user's posts" is one partition read; likes live in a
//! counter table because counters cannot share a table with other columns; notifications
//! of every kind share one table per recipient, told apart by a `kind` column.

use std::collections::BTreeSet;

use cassia::prelude::*;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Model)]
#[cassia(table = "users")]
pub struct User {
    #[cassia(partition_key)]
    pub username: String,
    pub display_name: String,
    pub joined: DateTime<Utc>,
    pub bio: Option<String>,
}

/// A comment, stored inside its post (a user-defined type) so a post and its comments
/// come back in one read.
#[derive(Debug, Clone, PartialEq, UserType)]
pub struct Comment {
    pub author: String,
    pub at: DateTime<Utc>,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[cassia(table = "posts_by_user")]
pub struct Post {
    #[cassia(partition_key)]
    pub author: String,
    /// Descending, so the natural read order is newest first.
    #[cassia(clustering_key, order = "desc")]
    pub posted_at: DateTime<Utc>,
    pub title: String,
    pub body: String,
    pub tags: BTreeSet<String>,
    /// Frozen: the list is written as a whole, which lets an update be conditional on it.
    #[cassia(frozen)]
    pub comments: Vec<Comment>,
}

/// Like counts, keyed like the posts they count.
#[derive(Debug, Clone, PartialEq, Model)]
#[cassia(table = "post_likes")]
pub struct PostLikes {
    #[cassia(partition_key)]
    pub author: String,
    #[cassia(clustering_key, order = "desc")]
    pub posted_at: DateTime<Utc>,
    pub likes: Counter,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[cassia(table = "notifications", discriminator = "kind", value = "like")]
pub struct LikeNotice {
    #[cassia(partition_key)]
    pub recipient: String,
    #[cassia(clustering_key, order = "desc")]
    pub at: DateTime<Utc>,
    pub from_user: String,
    pub post_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[cassia(table = "notifications", discriminator = "kind", value = "comment")]
pub struct CommentNotice {
    #[cassia(partition_key)]
    pub recipient: String,
    #[cassia(clustering_key, order = "desc")]
    pub at: DateTime<Utc>,
    pub from_user: String,
    pub post_at: DateTime<Utc>,
    pub excerpt: String,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[cassia(table = "notifications", discriminator = "kind", value = "follow")]
pub struct FollowNotice {
    #[cassia(partition_key)]
    pub recipient: String,
    #[cassia(clustering_key, order = "desc")]
    pub at: DateTime<Utc>,
    pub from_user: String,
}

/// Any notification: reading this model gives each row as the variant its `kind` names.
#[derive(Debug, Clone, PartialEq, Model)]
#[cassia(discriminator = "kind")]
pub enum Notification {
    Like(LikeNotice),
    Comment(CommentNotice),
    Follow(FollowNotice),
}

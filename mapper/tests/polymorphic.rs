//! Polymorphic models: variant structs sharing one table through a discriminator column.

use cassia::prelude::*;
use cassia_protocol::response::ColumnSpec;
use cassia_protocol::row::FromRow;
use cassia_protocol::types::ColumnType;

#[derive(Debug, PartialEq, Model)]
#[cassia(
    keyspace = "app",
    table = "notifications",
    discriminator = "kind",
    value = "like"
)]
struct LikeNotification {
    #[cassia(partition_key)]
    user: i32,
    #[cassia(clustering_key, order = "desc")]
    at: i64,
    post: i32,
}

#[derive(Debug, PartialEq, Model)]
#[cassia(
    keyspace = "app",
    table = "notifications",
    discriminator = "kind",
    value = "comment"
)]
struct CommentNotification {
    #[cassia(partition_key)]
    user: i32,
    #[cassia(clustering_key, order = "desc")]
    at: i64,
    post: i32,
    text: String,
}

#[derive(Debug, PartialEq, Model)]
#[cassia(discriminator = "kind")]
enum Notification {
    Like(LikeNotification),
    Comment(CommentNotification),
}

#[test]
fn shared_schema_is_the_union_with_an_indexed_discriminator() {
    let s = Notification::schema();
    assert_eq!(
        s.create_table_cql(None),
        "CREATE TABLE IF NOT EXISTS app.notifications (user int, at bigint, post int, kind text, \
         text text, PRIMARY KEY ((user), at)) WITH CLUSTERING ORDER BY (at DESC)"
    );
    assert_eq!(
        s.create_index_cql(None),
        ["CREATE INDEX IF NOT EXISTS notifications_kind_idx ON app.notifications (kind)"]
    );
}

#[test]
fn variant_queries_filter_and_inserts_write_the_discriminator() {
    let q = CommentNotification::objects()
        .filter(CommentNotification::USER.eq(1))
        .build()
        .expect("builds");
    assert_eq!(
        q.cql,
        "SELECT user, at, post, text, kind FROM app.notifications WHERE kind = ? AND user = ?"
    );
    let q = Notification::objects()
        .filter(LikeNotification::USER.on::<Notification>().eq(1))
        .build()
        .expect("builds");
    assert_eq!(
        q.cql,
        "SELECT user, at, post, kind, text FROM app.notifications WHERE user = ?"
    );
    let like = LikeNotification {
        user: 1,
        at: 2,
        post: 3,
    };
    let q = like.insert().build().expect("builds");
    assert_eq!(
        q.cql,
        "INSERT INTO app.notifications (user, at, post, kind) VALUES (?, ?, ?, ?)"
    );
    let q = Notification::Like(like).insert().build().expect("builds");
    assert_eq!(
        q.cql,
        "INSERT INTO app.notifications (user, at, post, kind) VALUES (?, ?, ?, ?)"
    );
}

#[test]
fn reading_the_base_returns_the_right_variant() {
    let spec = |name: &str, typ| ColumnSpec {
        keyspace: "app".into(),
        table: "notifications".into(),
        name: name.into(),
        typ,
    };
    let columns = vec![
        spec("user", ColumnType::Int),
        spec("at", ColumnType::BigInt),
        spec("kind", ColumnType::Text),
        spec("post", ColumnType::Int),
        spec("text", ColumnType::Text),
    ];
    let one = 1i32.to_be_bytes();
    let two = 2i64.to_be_bytes();
    let three = 3i32.to_be_bytes();
    let row = |kind: &'static [u8], text: Option<&'static [u8]>| {
        vec![
            Some(&one[..]),
            Some(&two[..]),
            Some(kind),
            Some(&three[..]),
            text,
        ]
    };
    let n =
        Notification::from_row(&columns, row(b"comment", Some(b"hi")).into_iter()).expect("reads");
    assert_eq!(
        n,
        Notification::Comment(CommentNotification {
            user: 1,
            at: 2,
            post: 3,
            text: "hi".into()
        })
    );
    let n = Notification::from_row(&columns, row(b"like", None).into_iter()).expect("reads");
    assert_eq!(
        n,
        Notification::Like(LikeNotification {
            user: 1,
            at: 2,
            post: 3
        })
    );
    let err = Notification::from_row(&columns, row(b"share", None).into_iter())
        .expect_err("unknown kind");
    assert!(
        err.to_string()
            .contains("no variant has discriminator value 'share'"),
        "{err}"
    );
}

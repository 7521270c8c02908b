//! Schema sync against the emulator: create, idempotence, additive changes, refusal of
//! incompatible ones.

mod common;

use cassia::ExecError;
use cassia::prelude::*;
use cassia::schema::{create_keyspace_simple, sync_table, sync_type};
use cassia_driver::Session;
use cassia_emulator::EmulatorHandle;

#[derive(Debug, UserType)]
#[cassia(name = "point")]
struct Point {
    x: i32,
    y: i32,
}

#[derive(Debug, UserType)]
#[cassia(name = "point")]
struct Point3 {
    x: i32,
    y: i32,
    z: Option<i32>,
}

#[derive(Debug, Model)]
#[cassia(table = "shapes")]
struct Shape {
    #[cassia(partition_key)]
    id: i32,
    #[cassia(clustering_key, order = "desc")]
    at: i64,
    name: String,
    center: Option<Point>,
}

#[derive(Debug, Model)]
#[cassia(
    table = "shapes",
    comment = "v2",
    default_ttl = 60,
    compaction = "{'class': 'LeveledCompactionStrategy'}"
)]
struct ShapeV2 {
    #[cassia(partition_key)]
    id: i32,
    #[cassia(clustering_key, order = "desc")]
    at: i64,
    #[cassia(index)]
    name: String,
    center: Option<Point>,
    tags: Vec<String>,
}

#[derive(Debug, Model)]
#[cassia(table = "shapes")]
struct ShapeBroken {
    #[cassia(partition_key)]
    id: i64,
    #[cassia(clustering_key, order = "desc")]
    at: i64,
    name: i32,
}

async fn start() -> (EmulatorHandle, Session) {
    let (emu, session) = common::own_emulator(Session::builder()).await;
    session
        .query(create_keyspace_simple("sync_it", 1), ())
        .await
        .expect("keyspace");
    session.use_keyspace("sync_it").await.expect("use");
    (emu, session)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_creates_then_extends_then_refuses() {
    let (_emu, s) = start().await;
    let created = sync_table::<Shape>(&s).await.expect("create");
    assert_eq!(
        created.statements,
        [
            "CREATE TYPE IF NOT EXISTS sync_it.point (x int, y int)",
            "CREATE TABLE IF NOT EXISTS sync_it.shapes (id int, at bigint, name text, center point, \
             PRIMARY KEY ((id), at)) WITH CLUSTERING ORDER BY (at DESC)",
        ]
    );
    let again = sync_table::<Shape>(&s).await.expect("idempotent");
    assert!(!again.changed(), "{again:?}");

    let extended = sync_table::<ShapeV2>(&s).await.expect("extend");
    assert_eq!(
        extended.statements,
        [
            "ALTER TABLE sync_it.shapes ADD tags list<text>",
            "CREATE INDEX IF NOT EXISTS shapes_name_idx ON sync_it.shapes (name)",
            "ALTER TABLE sync_it.shapes WITH default_time_to_live = 60 AND comment = 'v2' \
             AND compaction = {'class': 'LeveledCompactionStrategy'}",
        ]
    );
    let again = sync_table::<ShapeV2>(&s).await.expect("idempotent");
    assert!(!again.changed(), "{again:?}");
    // The old model still syncs: the extra column is reported, never dropped.
    let old = sync_table::<Shape>(&s).await.expect("old model");
    assert_eq!(old.extra_columns, ["tags"]);
    assert!(!old.changed());

    let err = sync_table::<ShapeBroken>(&s)
        .await
        .expect_err("incompatible");
    let ExecError::SchemaIncompatible { name, differences } = err else {
        panic!("unexpected {err:?}");
    };
    assert_eq!(name, "sync_it.shapes");
    assert_eq!(
        differences,
        [
            "column id has type int live but bigint in the model",
            "column name has type text live but int in the model",
        ]
    );

    let grown = sync_type::<Point3>(&s).await.expect("type");
    assert_eq!(grown.statements, ["ALTER TYPE sync_it.point ADD z int"]);
    assert!(!sync_type::<Point3>(&s).await.expect("again").changed());
    let rows: Vec<(Vec<String>,)> = s
        .query(
            "SELECT field_names FROM system_schema.types WHERE keyspace_name = 'sync_it' AND type_name = 'point'",
            (),
        )
        .await
        .expect("types")
        .rows()
        .expect("rows");
    assert_eq!(
        rows,
        [(vec!["x".to_owned(), "y".to_owned(), "z".to_owned()],)]
    );
}

#[derive(Debug, PartialEq, Model)]
#[cassia(table = "notifications", discriminator = "kind", value = "like")]
struct Like {
    #[cassia(partition_key)]
    user: i32,
    #[cassia(clustering_key)]
    at: i64,
    post: i32,
}

#[derive(Debug, PartialEq, Model)]
#[cassia(table = "notifications", discriminator = "kind", value = "comment")]
struct Comment {
    #[cassia(partition_key)]
    user: i32,
    #[cassia(clustering_key)]
    at: i64,
    post: i32,
    text: String,
}

#[derive(Debug, PartialEq, Model)]
#[cassia(discriminator = "kind")]
enum Notification {
    Like(Like),
    Comment(Comment),
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polymorphic_models_share_one_table() {
    let (_emu, s) = start().await;
    let report = sync_table::<Notification>(&s).await.expect("sync");
    assert_eq!(
        report.statements,
        [
            "CREATE TABLE IF NOT EXISTS sync_it.notifications (user int, at bigint, post int, kind text, \
             text text, PRIMARY KEY ((user), at))",
            "CREATE INDEX IF NOT EXISTS notifications_kind_idx ON sync_it.notifications (kind)",
        ]
    );
    Like {
        user: 1,
        at: 1,
        post: 10,
    }
    .insert()
    .execute_on(&s)
    .await
    .expect("like");
    Notification::Comment(Comment {
        user: 1,
        at: 2,
        post: 10,
        text: "nice".into(),
    })
    .insert()
    .execute_on(&s)
    .await
    .expect("comment");
    let kinds: Vec<(i64, String)> = s
        .query("SELECT at, kind FROM notifications WHERE user = 1", ())
        .await
        .expect("select")
        .rows()
        .expect("rows");
    assert_eq!(kinds, [(1, "like".to_owned()), (2, "comment".to_owned())]);

    let all = Notification::objects()
        .filter(Like::USER.on::<Notification>().eq(1))
        .all_on(&s)
        .await
        .expect("all");
    assert_eq!(
        all,
        [
            Notification::Like(Like {
                user: 1,
                at: 1,
                post: 10
            }),
            Notification::Comment(Comment {
                user: 1,
                at: 2,
                post: 10,
                text: "nice".into()
            }),
        ]
    );
    let comments = Comment::objects()
        .filter(Comment::USER.eq(1))
        .all_on(&s)
        .await
        .expect("comments");
    assert_eq!(
        comments,
        [Comment {
            user: 1,
            at: 2,
            post: 10,
            text: "nice".into()
        }]
    );
}

#[derive(Debug, Model)]
#[cassia(table = "shapes", connection = "analytics")]
struct AnalyticsShape {
    #[cassia(partition_key)]
    id: i32,
    #[cassia(clustering_key, order = "desc")]
    at: i64,
    name: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn named_connections() {
    let (_emu, s) = start().await;
    let missing = AnalyticsShape::objects().count().await;
    assert!(
        matches!(&missing, Err(ExecError::NoConnection { name }) if name == "analytics"),
        "{missing:?}"
    );
    cassia::connection::register_connection("analytics", s.clone());
    let session = cassia::connection::get_connection("analytics").expect("registered");
    sync_table::<Shape>(&session).await.expect("sync");
    // Without a session argument, the model runs on its named connection.
    AnalyticsShape {
        id: 1,
        at: 2,
        name: "sq".into(),
    }
    .insert()
    .execute()
    .await
    .expect("insert");
    assert_eq!(AnalyticsShape::objects().count().await.expect("count"), 1);
    assert!(matches!(
        cassia::connection::get_connection("nope"),
        Err(ExecError::NoConnection { .. })
    ));
    assert!(cassia::connection::unregister_connection("analytics").is_some());
}

//! The web example's service over real HTTP: each test serves `cassia_examples::web` on a
//! free port in its own keyspace (`#[cassia::test]`), sends requests with an HTTP client and
//! checks both the answers and the rows stored.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cassia::prelude::*;
use cassia::testing::TestDb;
use cassia_examples::web::{
    self, Answer, ApiClient, AppState, ChannelViews, Message, MessagePage, Views,
};
use reqwest::StatusCode;
use serde_json::json;

/// Serves the app on a free port; returns a client of it.
async fn serve(db: &TestDb, timeout: Duration) -> ApiClient {
    let state = AppState::new(db.session.clone(), timeout)
        .await
        .expect("tables synced");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("free port");
    let addr = listener.local_addr().expect("bound address");
    tokio::spawn(async move { axum::serve(listener, web::router(state)).await });
    ApiClient::new(format!("http://{addr}"))
}

async fn stored(db: &TestDb, channel: &str) -> Vec<Message> {
    Message::objects()
        .filter(Message::CHANNEL.eq(channel))
        .all_on(&db.session)
        .await
        .expect("rows read")
}

/// Status and error kind of an answer.
fn refusal(answer: &Answer) -> (StatusCode, &str) {
    (answer.status, answer.error_kind())
}

const MSGS: &str = "/channels/rust/messages";

#[cassia::test]
async fn messages_are_created_read_updated_and_deleted(db: TestDb) {
    let api = serve(&db, Duration::from_secs(5)).await;
    let created = api
        .post(
            MSGS,
            Some(json!({ "id": 10, "author": "ada", "body": "hello" })),
        )
        .await
        .expect("POST");
    assert_eq!(created.status, StatusCode::CREATED);
    let message: Message = created.json().expect("message JSON");
    assert_eq!((message.id, message.version), (10, 1));
    assert_eq!(stored(&db, "rust").await, std::slice::from_ref(&message));

    let again = api
        .post(
            MSGS,
            Some(json!({ "id": 10, "author": "bob", "body": "overwrite?" })),
        )
        .await
        .expect("POST again");
    assert_eq!(refusal(&again), (StatusCode::CONFLICT, "conflict"));
    assert_eq!(
        stored(&db, "rust").await[0].author,
        "ada",
        "nothing overwritten"
    );

    let read: Message = api
        .get(&format!("{MSGS}/10"), &[])
        .await
        .expect("GET")
        .json()
        .expect("JSON");
    assert_eq!(read, message);
    let missing = api
        .get(&format!("{MSGS}/11"), &[])
        .await
        .expect("GET missing");
    assert_eq!(refusal(&missing), (StatusCode::NOT_FOUND, "not_found"));

    let edited: Message = api
        .put(
            &format!("{MSGS}/10"),
            json!({ "body": "hello, edited", "version": 1 }),
        )
        .await
        .expect("PUT")
        .json()
        .expect("JSON");
    assert_eq!((edited.body.as_str(), edited.version), ("hello, edited", 2));
    assert_eq!(stored(&db, "rust").await, std::slice::from_ref(&edited));

    // A client that read version 1 loses: 409 with the current version, nothing written.
    let stale = api
        .put(
            &format!("{MSGS}/10"),
            json!({ "body": "lost update", "version": 1 }),
        )
        .await
        .expect("stale PUT");
    assert_eq!(refusal(&stale), (StatusCode::CONFLICT, "conflict"));
    assert_eq!(stale.body["error"]["current"]["version"], 2);
    assert_eq!(stored(&db, "rust").await, [edited]);
    let absent = api
        .put(&format!("{MSGS}/99"), json!({ "body": "x", "version": 1 }))
        .await
        .expect("PUT absent");
    assert_eq!(refusal(&absent), (StatusCode::NOT_FOUND, "not_found"));

    let deleted = api.delete(&format!("{MSGS}/10")).await.expect("DELETE");
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert!(stored(&db, "rust").await.is_empty());
    let twice = api
        .delete(&format!("{MSGS}/10"))
        .await
        .expect("DELETE again");
    assert_eq!(refusal(&twice), (StatusCode::NOT_FOUND, "not_found"));
}

#[cassia::test]
async fn lists_page_with_opaque_cursors(db: TestDb) {
    let api = serve(&db, Duration::from_secs(5)).await;
    let url = "/channels/busy/messages";
    for id in 1..=25 {
        let created = api
            .post(
                url,
                Some(json!({ "id": id, "author": "ada", "body": format!("m{id}") })),
            )
            .await
            .expect("POST");
        assert_eq!(created.status, StatusCode::CREATED);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut query = vec![("limit", "10")];
        if let Some(c) = &cursor {
            query.push(("cursor", c));
        }
        let page: MessagePage = api
            .get(url, &query)
            .await
            .expect("GET")
            .json()
            .expect("JSON");
        pages += 1;
        seen.extend(page.items.iter().map(|m| m.id));
        match page.next_cursor {
            Some(next) => {
                assert!(
                    next.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
                    "URL-safe: {next}"
                );
                cursor = Some(next);
            }
            None => break,
        }
        assert!(pages < 10, "paging does not end");
    }
    assert_eq!(pages, 3);
    assert_eq!(
        seen,
        (1..=25).rev().collect::<Vec<i64>>(),
        "newest first, each once"
    );

    let garbage = api
        .get(url, &[("cursor", "not-a-cursor")])
        .await
        .expect("GET garbage");
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);

    // A cursor of one channel's listing does not resume another's.
    let first: MessagePage = api
        .get(url, &[("limit", "5")])
        .await
        .expect("GET")
        .json()
        .expect("JSON");
    let next = first.next_cursor.unwrap_or_default();
    let foreign = api
        .get(
            "/channels/other/messages",
            &[("limit", "5"), ("cursor", &next)],
        )
        .await
        .expect("GET other");
    assert_eq!(refusal(&foreign), (StatusCode::BAD_REQUEST, "bad_cursor"));
    let too_big = api.get(url, &[("limit", "1000")]).await.expect("GET");
    assert_eq!(refusal(&too_big), (StatusCode::BAD_REQUEST, "bad_request"));
}

#[cassia::test]
async fn views_are_counted(db: TestDb) {
    let api = serve(&db, Duration::from_secs(5)).await;
    let url = "/channels/news/views";
    let before: Views = api.get(url, &[]).await.expect("GET").json().expect("JSON");
    assert_eq!(before.views, 0);
    for expected in 1..=3 {
        let after: Views = api
            .post(url, None)
            .await
            .expect("POST")
            .json()
            .expect("JSON");
        assert_eq!(after.views, expected);
    }
    let row = ChannelViews::objects()
        .filter(ChannelViews::CHANNEL.eq("news"))
        .get_on(&db.session)
        .await
        .expect("counter row");
    assert_eq!(row.views.0, 3);
}

#[cassia::test]
async fn the_plain_driver_read_answers_like_the_mapper_read(db: TestDb) {
    let api = serve(&db, Duration::from_secs(5)).await;
    api.post(
        "/channels/c/messages",
        Some(json!({ "id": 5, "author": "ada", "body": "same" })),
    )
    .await
    .expect("POST");
    let mapper = api.get("/channels/c/messages/5", &[]).await.expect("GET");
    let raw = api
        .get("/raw/channels/c/messages/5", &[])
        .await
        .expect("GET raw");
    assert_eq!((mapper.status, &mapper.body), (raw.status, &raw.body));
    assert_eq!(raw.body["body"], "same");
    let missing = api
        .get("/raw/channels/c/messages/6", &[])
        .await
        .expect("GET raw missing");
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

/// A span's name and the names of its ancestors.
type Recorded = (String, Vec<String>);

/// Every span created, as recorded.
#[derive(Default, Clone)]
struct Spans(Arc<Mutex<Vec<Recorded>>>);

impl<S> tracing_subscriber::Layer<S> for Spans
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let ancestors = ctx
            .span(id)
            .map(|s| s.scope().skip(1).map(|p| p.name().to_owned()).collect())
            .unwrap_or_default();
        if let Ok(mut all) = self.0.lock() {
            all.push((attrs.metadata().name().to_owned(), ancestors));
        }
    }
}

#[cassia::test]
async fn driver_spans_nest_inside_the_request_span(db: TestDb) {
    use tracing_subscriber::layer::SubscriberExt;
    let spans = Spans::default();
    // The server's tasks run on other threads: the subscriber must be the global one.
    let installed =
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(spans.clone()));
    assert!(installed.is_ok(), "only this test installs a subscriber");
    let api = serve(&db, Duration::from_secs(5)).await;
    let answer = api.get("/channels/t/messages/1", &[]).await.expect("GET");
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let recorded = spans.0.lock().map(|v| v.clone()).unwrap_or_default();
    let nested = recorded
        .iter()
        .filter(|(name, ancestors)| {
            name == "cassandra.request" && ancestors.iter().any(|a| a == "http.request")
        })
        .count();
    assert!(
        nested >= 1,
        "no driver span inside http.request: {recorded:?}"
    );
}

/// A service on its own emulator, so fault rules reach only its requests.
async fn serve_on_own_emulator(
    timeout: Duration,
) -> (cassia_emulator::EmulatorHandle, cassia::Session, ApiClient) {
    let emulator = cassia_emulator::Emulator::builder()
        .start()
        .await
        .expect("emulator");
    let session = cassia::Session::builder()
        .known_node(emulator.addr())
        .build()
        .await
        .expect("session");
    session
        .query(cassia::schema::create_keyspace_simple("web_faults", 1), ())
        .await
        .expect("keyspace");
    session.use_keyspace("web_faults").await.expect("use");
    let db = TestDb {
        session: session.clone(),
        keyspace: "web_faults".into(),
    };
    let api = serve(&db, timeout).await;
    (emulator, session, api)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_timeout_answers_503_and_unavailable_answers_503() {
    use cassia_emulator::{Fault, FaultRule};
    let (emulator, _session, api) = serve_on_own_emulator(Duration::from_millis(300)).await;
    let read = "/channels/a/messages/1";
    // The node never answers reads of messages: the call times out after 300 ms.
    let dropped = emulator.add_rule(
        FaultRule::new()
            .cql_contains("FROM messages")
            .then(Fault::Drop),
    );
    let started = std::time::Instant::now();
    let timed_out = api.get(read, &[]).await.expect("GET");
    assert_eq!(
        refusal(&timed_out),
        (StatusCode::SERVICE_UNAVAILABLE, "timeout")
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "bounded by the request timeout"
    );
    assert!(emulator.remove_rule(dropped));

    emulator.add_rule(
        FaultRule::new()
            .cql_contains("FROM messages")
            .then(Fault::unavailable(cassia::Consistency::Quorum, 2, 1))
            .times(1),
    );
    let unavailable = api.get(read, &[]).await.expect("GET");
    assert_eq!(
        refusal(&unavailable),
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        "{}",
        unavailable.body
    );
    // The rule applied once: the next read goes through (and finds nothing).
    let after = api.get(read, &[]).await.expect("GET");
    assert_eq!(after.status, StatusCode::NOT_FOUND);
}

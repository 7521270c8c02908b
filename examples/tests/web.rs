//! The web example's service over real HTTP: each test serves `cassia_examples::web` on a
//! free port in its own keyspace (`#[cassia::test]`), sends requests with an HTTP client and
//! checks both the answers and the rows stored.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cassia::prelude::*;
use cassia::testing::TestDb;
use cassia_examples::web::{self, AppState, ChannelViews, Message, MessagePage, Views};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Serves the app on a free port; returns its base URL.
async fn serve(db: &TestDb, timeout: Duration) -> String {
    let state = AppState::new(db.session.clone(), timeout)
        .await
        .expect("tables synced");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("free port");
    let addr = listener.local_addr().expect("bound address");
    tokio::spawn(async move { axum::serve(listener, web::router(state)).await });
    format!("http://{addr}")
}

async fn stored(db: &TestDb, channel: &str) -> Vec<Message> {
    Message::objects()
        .filter(Message::CHANNEL.eq(channel))
        .all_on(&db.session)
        .await
        .expect("rows read")
}

async fn error_kind(response: reqwest::Response) -> (StatusCode, String) {
    let status = response.status();
    let body: Value = response.json().await.expect("a JSON error body");
    (
        status,
        body["error"]["kind"].as_str().unwrap_or("").to_owned(),
    )
}

#[cassia::test]
async fn messages_are_created_read_updated_and_deleted(db: TestDb) {
    let base = serve(&db, Duration::from_secs(5)).await;
    let http = reqwest::Client::new();
    let url = format!("{base}/channels/rust/messages");

    let created = http
        .post(&url)
        .json(&json!({ "id": 10, "author": "ada", "body": "hello" }))
        .send()
        .await
        .expect("POST");
    assert_eq!(created.status(), StatusCode::CREATED);
    let message: Message = created.json().await.expect("message JSON");
    assert_eq!((message.id, message.version), (10, 1));
    assert_eq!(stored(&db, "rust").await, std::slice::from_ref(&message));

    let again = http
        .post(&url)
        .json(&json!({ "id": 10, "author": "bob", "body": "overwrite?" }))
        .send()
        .await
        .expect("POST again");
    assert_eq!(
        error_kind(again).await,
        (StatusCode::CONFLICT, "conflict".into())
    );
    assert_eq!(
        stored(&db, "rust").await[0].author,
        "ada",
        "nothing overwritten"
    );

    let read: Message = http
        .get(format!("{url}/10"))
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("JSON");
    assert_eq!(read, message);
    let missing = http
        .get(format!("{url}/11"))
        .send()
        .await
        .expect("GET missing");
    assert_eq!(
        error_kind(missing).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );

    let edited: Message = http
        .put(format!("{url}/10"))
        .json(&json!({ "body": "hello, edited", "version": 1 }))
        .send()
        .await
        .expect("PUT")
        .json()
        .await
        .expect("JSON");
    assert_eq!((edited.body.as_str(), edited.version), ("hello, edited", 2));
    assert_eq!(stored(&db, "rust").await, std::slice::from_ref(&edited));

    // A client that read version 1 loses: 409 with the current version, nothing written.
    let stale = http
        .put(format!("{url}/10"))
        .json(&json!({ "body": "lost update", "version": 1 }))
        .send()
        .await
        .expect("stale PUT");
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let body: Value = stale.json().await.expect("JSON");
    assert_eq!(body["error"]["current"]["version"], 2);
    assert_eq!(stored(&db, "rust").await, [edited]);
    let absent = http
        .put(format!("{url}/99"))
        .json(&json!({ "body": "x", "version": 1 }))
        .send()
        .await
        .expect("PUT absent");
    assert_eq!(
        error_kind(absent).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );

    let deleted = http
        .delete(format!("{url}/10"))
        .send()
        .await
        .expect("DELETE");
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert!(stored(&db, "rust").await.is_empty());
    let twice = http
        .delete(format!("{url}/10"))
        .send()
        .await
        .expect("DELETE again");
    assert_eq!(
        error_kind(twice).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );
}

#[cassia::test]
async fn lists_page_with_opaque_cursors(db: TestDb) {
    let base = serve(&db, Duration::from_secs(5)).await;
    let http = reqwest::Client::new();
    let url = format!("{base}/channels/busy/messages");
    for id in 1..=25 {
        let status = http
            .post(&url)
            .json(&json!({ "id": id, "author": "ada", "body": format!("m{id}") }))
            .send()
            .await
            .expect("POST")
            .status();
        assert_eq!(status, StatusCode::CREATED);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut request = http.get(&url).query(&[("limit", "10")]);
        if let Some(c) = &cursor {
            request = request.query(&[("cursor", c)]);
        }
        let page: MessagePage = request
            .send()
            .await
            .expect("GET")
            .json()
            .await
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

    let garbage = http
        .get(&url)
        .query(&[("cursor", "not-a-cursor")])
        .send()
        .await
        .expect("GET garbage");
    assert_eq!(error_kind(garbage).await.0, StatusCode::BAD_REQUEST);

    // A cursor of one channel's listing does not resume another's.
    let first: MessagePage = http
        .get(&url)
        .query(&[("limit", "5")])
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("JSON");
    let foreign = http
        .get(format!("{base}/channels/other/messages"))
        .query(&[
            ("limit", "5"),
            ("cursor", first.next_cursor.as_deref().unwrap_or("")),
        ])
        .send()
        .await
        .expect("GET other");
    assert_eq!(
        error_kind(foreign).await,
        (StatusCode::BAD_REQUEST, "bad_cursor".into())
    );
    let too_big = http
        .get(&url)
        .query(&[("limit", "1000")])
        .send()
        .await
        .expect("GET");
    assert_eq!(
        error_kind(too_big).await,
        (StatusCode::BAD_REQUEST, "bad_request".into())
    );
}

#[cassia::test]
async fn views_are_counted(db: TestDb) {
    let base = serve(&db, Duration::from_secs(5)).await;
    let http = reqwest::Client::new();
    let url = format!("{base}/channels/news/views");
    let before: Views = http
        .get(&url)
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("JSON");
    assert_eq!(before.views, 0);
    for expected in 1..=3 {
        let after: Views = http
            .post(&url)
            .send()
            .await
            .expect("POST")
            .json()
            .await
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
    let base = serve(&db, Duration::from_secs(5)).await;
    let http = reqwest::Client::new();
    let url = format!("{base}/channels/c/messages");
    http.post(&url)
        .json(&json!({ "id": 5, "author": "ada", "body": "same" }))
        .send()
        .await
        .expect("POST");
    let mapper: Value = http
        .get(format!("{url}/5"))
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("JSON");
    let raw: Value = http
        .get(format!("{base}/raw/channels/c/messages/5"))
        .send()
        .await
        .expect("GET raw")
        .json()
        .await
        .expect("JSON");
    assert_eq!(mapper, raw);
    assert_eq!(raw["body"], "same");
    let missing = http
        .get(format!("{base}/raw/channels/c/messages/6"))
        .send()
        .await
        .expect("GET raw missing");
    assert_eq!(error_kind(missing).await.0, StatusCode::NOT_FOUND);
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
    let base = serve(&db, Duration::from_secs(5)).await;
    let status = reqwest::get(format!("{base}/channels/t/messages/1"))
        .await
        .expect("GET")
        .status();
    assert_eq!(status, StatusCode::NOT_FOUND);
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
) -> (cassia_emulator::EmulatorHandle, cassia::Session, String) {
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
    let base = serve(&db, timeout).await;
    (emulator, session, base)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_timeout_answers_503_and_unavailable_answers_503() {
    use cassia_emulator::{Fault, FaultRule};
    let (emulator, _session, base) = serve_on_own_emulator(Duration::from_millis(300)).await;
    let http = reqwest::Client::new();
    // The node never answers reads of messages: the call times out after 300 ms.
    let dropped = emulator.add_rule(
        FaultRule::new()
            .cql_contains("FROM messages")
            .then(Fault::Drop),
    );
    let started = std::time::Instant::now();
    let timed_out = http
        .get(format!("{base}/channels/a/messages/1"))
        .send()
        .await
        .expect("GET");
    assert_eq!(
        error_kind(timed_out).await,
        (StatusCode::SERVICE_UNAVAILABLE, "timeout".into())
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
    let unavailable = http
        .get(format!("{base}/channels/a/messages/1"))
        .send()
        .await
        .expect("GET");
    let (status, body) = (
        unavailable.status(),
        unavailable.text().await.expect("body"),
    );
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(body.contains("\"kind\":\"unavailable\""), "{body}");
    // The rule applied once: the next read goes through (and finds nothing).
    let after = http
        .get(format!("{base}/channels/a/messages/1"))
        .send()
        .await
        .expect("GET");
    assert_eq!(after.status(), StatusCode::NOT_FOUND);
}

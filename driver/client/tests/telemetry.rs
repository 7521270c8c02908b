//! The request span (`cassia_driver::telemetry`) against the emulator: a `tracing` layer
//! captures every `cassandra.request` span's fields, and each test asserts the
//! OpenTelemetry attributes of a real query, execute, batch and failure.

mod common;

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use cassia_driver::telemetry as t;
use cassia_driver::{Batch, BatchType, Consistency, Session, Statement};
use cassia_emulator::{Emulator, EmulatorHandle};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::DefaultGuard;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::{Layer, Registry};

type Fields = BTreeMap<String, String>;

/// Request spans, open ones by id and closed ones in order.
#[derive(Default, Clone)]
struct Capture {
    open: Arc<Mutex<BTreeMap<u64, Fields>>>,
    closed: Arc<Mutex<Vec<Fields>>>,
}

struct Collect<'a>(&'a mut Fields);

impl Visit for Collect<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: tracing::Subscriber> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        if attrs.metadata().name() != t::SPAN_NAME {
            return;
        }
        let mut fields = Fields::new();
        attrs.record(&mut Collect(&mut fields));
        self.open
            .lock()
            .expect("not poisoned")
            .insert(id.into_u64(), fields);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        if let Some(fields) = self
            .open
            .lock()
            .expect("not poisoned")
            .get_mut(&id.into_u64())
        {
            values.record(&mut Collect(fields));
        }
    }

    fn on_close(&self, id: Id, _: Context<'_, S>) {
        let done = self
            .open
            .lock()
            .expect("not poisoned")
            .remove(&id.into_u64());
        if let Some(fields) = done {
            self.closed.lock().expect("not poisoned").push(fields);
        }
    }
}

impl Capture {
    /// Starts capturing on this thread (the tests' runtime is single-threaded).
    fn install(&self) -> DefaultGuard {
        tracing::subscriber::set_default(Registry::default().with(self.clone()))
    }

    /// The closed request spans, forgetting them.
    fn take(&self) -> Vec<Fields> {
        std::mem::take(&mut *self.closed.lock().expect("not poisoned"))
    }

    /// The only request span closed since the last call.
    fn only(&self) -> Fields {
        let mut spans = self.take();
        assert_eq!(spans.len(), 1, "one request span: {spans:#?}");
        spans.pop().expect("one span")
    }
}

async fn setup() -> (EmulatorHandle, Session) {
    common::emulator::session_in(
        Session::builder(),
        "shop",
        &["CREATE TABLE items (id int PRIMARY KEY, name text)"],
    )
    .await
}

fn field<'a>(span: &'a Fields, name: &str) -> Option<&'a str> {
    span.get(name).map(String::as_str)
}

#[tokio::test]
async fn a_prepared_select_carries_the_database_attributes() {
    let (emu, session) = setup().await;
    let select = session
        .prepare("SELECT id, name FROM items WHERE id = ?")
        .await
        .expect("prepare")
        .with_consistency(Consistency::Quorum);
    let capture = Capture::default();
    let guard = capture.install();
    session.execute(&select, (1i32,)).await.expect("select");
    drop(guard);

    let span = capture.only();
    let node = session.nodes().into_iter().next().expect("one node");
    let host_id = node
        .host_id()
        .expect("the emulator has a host id")
        .to_string();
    let dc = node.datacenter().expect("the emulator has a data centre");
    let port = emu.addr().port().to_string();
    let ip = emu.addr().ip().to_string();
    let expected = [
        (t::OTEL_NAME, "SELECT items"),
        (t::OTEL_KIND, "client"),
        (t::DB_SYSTEM_NAME, "cassandra"),
        (t::DB_OPERATION_NAME, "SELECT"),
        (t::DB_NAMESPACE, "shop"),
        (t::DB_COLLECTION_NAME, "items"),
        (t::DB_QUERY_TEXT, "SELECT id, name FROM items WHERE id = ?"),
        (t::SERVER_ADDRESS, ip.as_str()),
        (t::SERVER_PORT, port.as_str()),
        (t::CASSANDRA_COORDINATOR_ID, host_id.as_str()),
        (t::CASSANDRA_COORDINATOR_DC, dc.as_str()),
        (t::CASSANDRA_CONSISTENCY_LEVEL, "quorum"),
        (t::CASSANDRA_PAGE_SIZE, "5000"),
        (t::CASSANDRA_QUERY_IDEMPOTENT, "false"),
        (t::CASSIA_RETRIES, "0"),
    ];
    for (name, value) in expected {
        assert_eq!(field(&span, name), Some(value), "{name} in {span:#?}");
    }
    for absent in [
        t::OTEL_STATUS_CODE,
        t::ERROR_TYPE,
        t::DB_OPERATION_BATCH_SIZE,
    ] {
        assert_eq!(field(&span, absent), None, "{absent} in {span:#?}");
    }
}

#[tokio::test]
async fn a_simple_statement_records_no_text() {
    let (_emu, session) = setup().await;
    let capture = Capture::default();
    let guard = capture.install();
    session
        .query(
            Statement::new("insert INTO items (id, name) VALUES (7, 'alice@example.com')")
                .with_page_size(100)
                .with_idempotent(true),
            (),
        )
        .await
        .expect("insert");
    drop(guard);

    let span = capture.only();
    assert_eq!(field(&span, t::DB_OPERATION_NAME), Some("INSERT"));
    assert_eq!(field(&span, t::OTEL_NAME), Some("INSERT shop"));
    assert_eq!(field(&span, t::DB_NAMESPACE), Some("shop"));
    assert_eq!(
        field(&span, t::CASSANDRA_CONSISTENCY_LEVEL),
        Some("local_one")
    );
    assert_eq!(field(&span, t::CASSANDRA_PAGE_SIZE), Some("100"));
    assert_eq!(field(&span, t::CASSANDRA_QUERY_IDEMPOTENT), Some("true"));
    assert_eq!(field(&span, t::DB_QUERY_TEXT), None, "{span:#?}");
    assert!(
        span.values().all(|v| !v.contains("alice")),
        "the literal leaked: {span:#?}"
    );
}

#[tokio::test]
async fn a_batch_names_its_statements_and_their_count() {
    let (_emu, session) = setup().await;
    let insert = session
        .prepare("INSERT INTO items (id, name) VALUES (?, ?)")
        .await
        .expect("prepare");
    let batch = Batch::new(BatchType::Logged)
        .with_prepared(&insert)
        .with_prepared(&insert);
    let capture = Capture::default();
    let guard = capture.install();
    session
        .batch(&batch, &[(1i32, "a"), (2i32, "b")])
        .await
        .expect("batch");
    drop(guard);

    let span = capture.only();
    assert_eq!(field(&span, t::DB_OPERATION_NAME), Some("BATCH INSERT"));
    assert_eq!(field(&span, t::DB_OPERATION_BATCH_SIZE), Some("2"));
    assert_eq!(
        field(&span, t::DB_QUERY_TEXT),
        Some(
            "INSERT INTO items (id, name) VALUES (?, ?); INSERT INTO items (id, name) VALUES (?, ?)"
        )
    );
    assert_eq!(
        field(&span, t::CASSANDRA_PAGE_SIZE),
        None,
        "batches do not page"
    );
}

#[tokio::test]
async fn a_server_error_marks_the_span_failed() {
    let (_emu, session) = setup().await;
    let capture = Capture::default();
    let guard = capture.install();
    let err = session
        .query("SELECT * FROM missing", ())
        .await
        .expect_err("no such table");
    drop(guard);
    assert!(err.server_error().is_some(), "{err}");

    let span = capture.only();
    assert_eq!(field(&span, t::OTEL_STATUS_CODE), Some("error"));
    assert_eq!(field(&span, t::DB_RESPONSE_STATUS_CODE), Some("0x2200"));
    assert_eq!(field(&span, t::ERROR_TYPE), Some("0x2200"));
    assert_eq!(field(&span, t::DB_OPERATION_NAME), Some("SELECT"));
}

/// Plans the node at `first` first, then the others by address.
#[derive(Debug)]
struct FirstThenByAddress(std::net::SocketAddr);

impl cassia_driver::policies::LoadBalancingPolicy for FirstThenByAddress {
    fn plan(
        &self,
        _: &cassia_driver::policies::RoutingInfo<'_>,
        nodes: &[Arc<cassia_driver::cluster::Node>],
    ) -> cassia_driver::policies::QueryPlan {
        let mut sorted: Vec<_> = nodes.to_vec();
        sorted.sort_by_key(|n| (n.address() != self.0, n.address()));
        sorted.into()
    }
}

#[tokio::test]
async fn a_speculative_execution_is_counted_and_the_answering_node_named() {
    use cassia_driver::ExecutionProfile;
    use cassia_driver::policies::ConstantSpeculativeExecutionPolicy;
    use cassia_emulator::{Fault, FaultRule};
    use std::time::Duration;

    let emu = Emulator::builder().nodes(2).start().await.expect("cluster");
    let slow = emu.node(0).addr();
    let fast = emu.node(1).addr();
    emu.add_rule(
        FaultRule::new()
            .node(0)
            .cql_contains("release_version")
            .then(Fault::Delay(Duration::from_secs(10)))
            .times(1),
    );
    let session = Session::builder()
        .known_node(emu.addr())
        .default_execution_profile(
            ExecutionProfile::new()
                .with_load_balancing_policy(Arc::new(FirstThenByAddress(slow)))
                .with_speculative_execution_policy(Some(Arc::new(
                    ConstantSpeculativeExecutionPolicy::new(Duration::from_millis(100), 1),
                ))),
        )
        .build()
        .await
        .expect("session");
    let cql = "SELECT release_version FROM system.local";
    let capture = Capture::default();
    let guard = capture.install();
    let result = session
        .query(Statement::new(cql).with_idempotent(true), ())
        .await
        .expect("the second node answers");
    session.query(cql, ()).await.ok();
    drop(guard);
    assert_eq!(result.node(), fast);

    let spans = capture.take();
    assert_eq!(spans.len(), 2, "{spans:#?}");
    let speculative = &spans[0];
    assert_eq!(
        field(speculative, t::CASSANDRA_SPECULATIVE_EXECUTION_COUNT),
        Some("1")
    );
    assert_eq!(
        field(speculative, t::SERVER_PORT),
        Some(fast.port().to_string().as_str()),
        "the node that answered"
    );
    // Not idempotent: no speculative execution, nothing recorded.
    assert_eq!(
        field(&spans[1], t::CASSANDRA_SPECULATIVE_EXECUTION_COUNT),
        None
    );
}

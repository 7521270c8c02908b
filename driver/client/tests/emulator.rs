//! End to end against the in-memory emulator: DDL, prepared writes, paged reads, batches,
//! LWT, server errors, keyspaces and schema agreement, in every protocol/compression mode.

mod common;

use std::time::Duration;

use cassia_driver::error::{ErrorKind, ExecuteError};
use cassia_driver::{
    Batch, BatchType, Compression, Consistency, ProtocolVersion, Row, SerializeRow, Session,
    Statement,
};
use cassia_emulator::{Emulator, EmulatorHandle};
use common::emulator::{create_keyspace, start};

async fn connect(
    emu: &EmulatorHandle,
    version: Option<ProtocolVersion>,
    compression: Option<Compression>,
) -> Session {
    let mut b = Session::builder()
        .known_node(emu.addr().to_string())
        .compression(compression);
    if let Some(v) = version {
        b = b.protocol_version(v);
    }
    b.build().await.expect("session")
}

async fn schema(session: &Session, ks: &str) {
    create_keyspace(session, ks, 1).await;
    session.use_keyspace(ks).await.expect("use");
    let r = session
        .query(
            "CREATE TABLE items (id int, seq int, name text, PRIMARY KEY (id, seq))",
            (),
        )
        .await
        .expect("create table");
    assert!(r.schema_change().is_some(), "DDL returns a schema change");
    session.await_schema_agreement().await.expect("agreement");
}

async fn scenario(version: Option<ProtocolVersion>, compression: Option<Compression>) {
    let emu = start().await;
    let session = connect(&emu, version, compression).await;
    if let Some(v) = version {
        assert_eq!(session.protocol_version(), v);
    }
    schema(&session, "shop").await;

    let insert = session
        .prepare("INSERT INTO items (id, seq, name) VALUES (?, ?, ?)")
        .await
        .expect("prepare");
    for seq in 0..25 {
        session
            .execute(&insert, (1i32, seq, format!("item-{seq}")))
            .await
            .expect("insert");
    }

    // Automatic paging over 25 rows, 10 per page.
    let stream = session
        .query_iter(
            Statement::new("SELECT seq, name FROM items WHERE id = ?").with_page_size(10),
            (1i32,),
        )
        .await
        .expect("stream");
    let mut rows = stream.rows_stream::<(i32, String)>();
    let mut seen = Vec::new();
    while let Some(row) = rows.next_row().await {
        seen.push(row.expect("row"));
    }
    assert_eq!(seen.len(), 25);
    assert_eq!(seen[24], (24, "item-24".to_owned()));

    // Manual paging.
    let page = session
        .query(
            Statement::new("SELECT seq FROM items WHERE id = 1").with_page_size(10),
            (),
        )
        .await
        .expect("page");
    assert_eq!(page.row_count(), 10);
    assert!(page.paging_state().is_some());

    // Batch mixing simple and prepared statements.
    let batch = Batch::new(BatchType::Logged)
        .with_statement("INSERT INTO items (id, seq, name) VALUES (2, 0, 'a')")
        .with_prepared(&insert);
    let values: [&dyn SerializeRow; 2] = [&(), &(2i32, 1i32, "b")];
    session.batch(&batch, &values).await.expect("batch");
    let names: Vec<(String,)> = session
        .query("SELECT name FROM items WHERE id = 2", ())
        .await
        .expect("select")
        .rows()
        .expect("rows");
    assert_eq!(names, vec![("a".to_owned(),), ("b".to_owned(),)]);

    // LWT.
    let lwt = "INSERT INTO items (id, seq, name) VALUES (3, 0, 'x') IF NOT EXISTS";
    assert!(
        session
            .query(lwt, ())
            .await
            .expect("lwt")
            .was_applied()
            .expect("applied")
    );
    assert!(
        !session
            .query(lwt, ())
            .await
            .expect("lwt")
            .was_applied()
            .expect("applied")
    );

    // A value larger than a v5 segment (128 KiB) travels in several segments both ways.
    let big: String = (0..300_000)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    session
        .execute(&insert, (4i32, 0i32, big.as_str()))
        .await
        .expect("large insert");
    let (back,): (String,) = session
        .query("SELECT name FROM items WHERE id = 4 AND seq = 0", ())
        .await
        .expect("large select")
        .one()
        .expect("row");
    assert_eq!(back, big);

    // Dynamic rows.
    let row: Row = session
        .query("SELECT id, name FROM items WHERE id = 3 AND seq = 0", ())
        .await
        .expect("select")
        .one()
        .expect("one row");
    assert_eq!(
        row.get("name").expect("column"),
        Some(&cassia_driver::CqlValue::Text("x".into()))
    );

    // Server errors keep their kind and message.
    let err = session
        .query("SELECT * FROM missing", ())
        .await
        .expect_err("unknown table");
    let server = err.server_error().expect("server error");
    assert_eq!(server.kind, ErrorKind::Invalid);
    assert!(server.message.contains("missing"), "{err}");
    let err = session.query("SELEC 1", ()).await.expect_err("syntax");
    assert_eq!(
        err.server_error().map(|e| &e.kind),
        Some(&ErrorKind::SyntaxError),
        "{err}"
    );

    session.shutdown().await;
    assert!(matches!(
        session.query("SELECT 1", ()).await,
        Err(ExecuteError::SessionClosed)
    ));
    emu.shutdown().await;
}

#[tokio::test]
async fn default_negotiation() {
    scenario(None, None).await;
}

#[tokio::test]
async fn v4_plain() {
    scenario(Some(ProtocolVersion::V4), None).await;
}

#[tokio::test]
async fn v4_lz4() {
    scenario(Some(ProtocolVersion::V4), Some(Compression::Lz4)).await;
}

#[tokio::test]
async fn v4_snappy() {
    scenario(Some(ProtocolVersion::V4), Some(Compression::Snappy)).await;
}

#[tokio::test]
async fn v5_plain() {
    scenario(Some(ProtocolVersion::V5), None).await;
}

#[tokio::test]
async fn v5_lz4() {
    scenario(Some(ProtocolVersion::V5), Some(Compression::Lz4)).await;
}

#[tokio::test]
async fn consistency_and_timeouts_are_per_statement() {
    let emu = start().await;
    let session = connect(&emu, None, None).await;
    schema(&session, "ks_opts").await;
    session
        .query(
            Statement::new("INSERT INTO items (id, seq, name) VALUES (1, 1, 'q')")
                .with_consistency(Consistency::Quorum)
                .with_request_timeout(Duration::from_secs(2)),
            (),
        )
        .await
        .expect("insert at QUORUM on one node");
    emu.shutdown().await;
}

#[tokio::test]
async fn authentication_against_the_emulator() {
    let emu = Emulator::builder()
        .listen("127.0.0.1:0".parse().expect("literal"))
        .auth("app", "pw")
        .start()
        .await
        .expect("emulator");
    let ok = Session::builder()
        .known_node(emu.addr().to_string())
        .authenticator(cassia_driver::auth::PlainTextAuthenticator::new(
            "app", "pw",
        ))
        .build()
        .await
        .expect("good credentials");
    ok.query("SELECT release_version FROM system.local", ())
        .await
        .expect("query after auth");
    let err = Session::builder()
        .known_node(emu.addr().to_string())
        .authenticator(cassia_driver::auth::PlainTextAuthenticator::new(
            "app", "nope",
        ))
        .build()
        .await
        .expect_err("bad credentials");
    assert!(
        matches!(
            err,
            cassia_driver::error::ConnectError::Authentication { .. }
        ),
        "{err}"
    );
    assert!(!err.to_string().contains("nope"), "{err}");
    emu.shutdown().await;
}

#[tokio::test]
async fn tracing_id_is_surfaced_by_the_emulator() {
    let emu = start().await;
    let session = connect(&emu, None, None).await;
    let r = session
        .query(
            Statement::new("SELECT release_version FROM system.local").with_tracing(true),
            (),
        )
        .await
        .expect("traced query");
    assert!(
        r.tracing_id().is_some(),
        "a traced request carries its session id"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn per_statement_keyspace_needs_v5() {
    let emu = start().await;
    let v5 = connect(&emu, Some(ProtocolVersion::V5), None).await;
    schema(&v5, "ks_v5").await;
    let other = connect(&emu, Some(ProtocolVersion::V5), None).await;
    other
        .query(
            Statement::new("INSERT INTO items (id, seq, name) VALUES (1, 1, 'k')")
                .with_keyspace("ks_v5"),
            (),
        )
        .await
        .expect("keyspace from the statement (v5)");
    let p = other
        .prepare(Statement::new("SELECT name FROM items WHERE id = ?").with_keyspace("ks_v5"))
        .await
        .expect("prepare in a keyspace (v5)");
    let rows: Vec<(String,)> = other
        .execute(&p, (1i32,))
        .await
        .expect("execute")
        .rows()
        .expect("rows");
    assert_eq!(rows, vec![("k".to_owned(),)]);

    let v4 = connect(&emu, Some(ProtocolVersion::V4), None).await;
    let err = v4
        .query(
            Statement::new("SELECT * FROM items").with_keyspace("ks_v5"),
            (),
        )
        .await
        .expect_err("not in v4");
    assert!(err.to_string().contains("needs protocol v5"), "{err}");
    let err = v4
        .prepare(Statement::new("SELECT * FROM items").with_keyspace("ks_v5"))
        .await
        .expect_err("not in v4");
    assert!(err.to_string().contains("needs protocol v5"), "{err}");
    emu.shutdown().await;
}

#[tokio::test]
async fn query_iter_fails_early_on_a_bad_statement() {
    let emu = start().await;
    let session = connect(&emu, None, None).await;
    let err = session
        .query_iter("SELECT * FROM nowhere.nothing", ())
        .await
        .expect_err("the first page is fetched eagerly");
    assert!(err.server_error().is_some(), "{err}");
    emu.shutdown().await;
}

#[tokio::test]
async fn tls_against_the_emulator() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls");
    let read = |f: &str| std::fs::read(format!("{dir}/{f}")).expect("fixture");
    let emu = Emulator::builder()
        .listen("127.0.0.1:0".parse().expect("literal"))
        .tls_pem(read("server.pem"), read("server.key"))
        .start()
        .await
        .expect("TLS emulator");
    let port = emu.addr().port();
    let tls = cassia_driver::TlsConfig::new()
        .with_ca_pem(&read("ca.pem"))
        .expect("ca");
    let session = Session::builder()
        .known_node(format!("localhost:{port}"))
        .tls(tls)
        .build()
        .await
        .expect("TLS session");
    let (version,): (String,) = session
        .query("SELECT release_version FROM system.local", ())
        .await
        .expect("query over TLS")
        .one()
        .expect("row");
    assert!(!version.is_empty());
    // Plain text to a TLS-only server fails at the handshake, naming the node.
    let err = Session::builder()
        .known_node(format!("127.0.0.1:{port}"))
        .connect_timeout(Duration::from_secs(2))
        .build()
        .await
        .expect_err("no TLS");
    assert!(err.to_string().contains(&port.to_string()), "{err}");
    emu.shutdown().await;
}

#[tokio::test]
async fn the_token_map_finds_the_emulator_as_replica() {
    use cassia_driver::cluster::Node;
    use cassia_driver::policies::{LoadBalancingPolicy, QueryPlan, RoundRobinPolicy, RoutingInfo};
    use std::sync::{Arc, Mutex};

    #[derive(Debug, Default)]
    struct Recording {
        replicas: Mutex<Vec<usize>>,
        inner: RoundRobinPolicy,
    }
    impl LoadBalancingPolicy for Recording {
        fn plan(&self, request: &RoutingInfo<'_>, nodes: &[Arc<Node>]) -> QueryPlan {
            self.replicas
                .lock()
                .expect("lock")
                .push(request.replicas.len());
            self.inner.plan(request, nodes)
        }
    }

    let emu = start().await;
    let setup = connect(&emu, None, None).await;
    schema(&setup, "ks_tokens").await;
    let policy = Arc::new(Recording::default());
    // A session opened after the keyspace exists reads its replication at startup.
    let session = Session::builder()
        .known_node(emu.addr().to_string())
        .default_keyspace("ks_tokens")
        .default_execution_profile(
            cassia_driver::ExecutionProfile::new().with_load_balancing_policy(policy.clone()),
        )
        .build()
        .await
        .expect("session");
    let insert = session
        .prepare("INSERT INTO items (id, seq, name) VALUES (?, ?, ?)")
        .await
        .expect("prepare");
    session
        .execute(&insert, (1i32, 1i32, "a"))
        .await
        .expect("insert");
    assert_eq!(
        policy.replicas.lock().expect("lock").last(),
        Some(&1),
        "the single node owns every token"
    );

    // A keyspace created later is picked up from the SCHEMA_CHANGE event.
    session
        .query(
            "CREATE KEYSPACE ks_later WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
            (),
        )
        .await
        .expect("create keyspace");
    session
        .query("CREATE TABLE ks_later.t (k int PRIMARY KEY, v int)", ())
        .await
        .expect("create table");
    let p = session
        .prepare(
            Statement::new("INSERT INTO ks_later.t (k, v) VALUES (?, ?)").with_keyspace("ks_later"),
        )
        .await;
    // Per-statement keyspaces need v5; the default negotiation gives v5 with the emulator.
    let p = p.expect("prepare");
    let mut found = false;
    for _ in 0..100 {
        session.execute(&p, (1i32, 2i32)).await.expect("insert");
        if policy.replicas.lock().expect("lock").last() == Some(&1) {
            found = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        found,
        "the new keyspace's replication was read after the event"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn a_missing_default_keyspace_fails_the_build() {
    let emu = start().await;
    let err = Session::builder()
        .known_node(emu.addr().to_string())
        .default_keyspace("nope")
        .build()
        .await
        .expect_err("no such keyspace");
    let text = err.to_string();
    assert!(text.contains("USE nope"), "names the statement: {text}");
    assert!(
        text.contains("Keyspace 'nope' does not exist")
            || text.contains("keyspace nope does not exist"),
        "carries the server's message: {text}"
    );
    emu.shutdown().await;
}

/// `execute_values` sends wire-form values as they are, refuses a wrong count before
/// sending, and shares the prepared cache with `prepare` (same text, same statement).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pre_serialized_values_and_the_prepared_cache() {
    let emu = start().await;
    let session = connect(&emu, None, None).await;
    schema(&session, "wire").await;
    let cql = "INSERT INTO items (id, seq, name) VALUES (?, ?, ?)";
    let insert = session.prepare(cql).await.expect("prepare");
    let again = session
        .prepare(Statement::from(std::sync::Arc::<str>::from(cql)))
        .await
        .expect("prepare again");
    assert_eq!(again.id(), insert.id(), "a cache hit reuses the statement");

    let mut values = cassia_protocol::request::SerializedValues::new();
    for v in [&7i32.to_be_bytes()[..], &3i32.to_be_bytes()[..], b"raw"] {
        values
            .bytes
            .extend_from_slice(&i32::try_from(v.len()).expect("short").to_be_bytes());
        values.bytes.extend_from_slice(v);
        values.count += 1;
    }
    session
        .execute_values(&insert, &values)
        .await
        .expect("insert");
    let row: (i32, String) = session
        .query("SELECT seq, name FROM items WHERE id = 7", ())
        .await
        .expect("select")
        .first_row()
        .expect("row");
    assert_eq!(row, (3, "raw".to_owned()));

    values.count = 2;
    let err = session
        .execute_values(&insert, &values)
        .await
        .expect_err("two values for three markers");
    assert!(matches!(err, ExecuteError::Bind { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "cannot bind values to \"INSERT INTO items (id, seq, name) VALUES (?, ?, ?)\": \
         the statement has 3 bind markers but 2 values were given"
    );
}

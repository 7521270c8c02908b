//! Durability through the library: write every kind of statement with a data directory,
//! restart on the same directory, and read back exactly the same catalog and data (same
//! write timestamps, TTLs, generated ids); a torn tail is cut and reported, a damaged middle
//! stops start-up.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use cassia_emulator::durability::{Damage, JOURNAL_FILE};
use cassia_emulator::engine::{ClientState, Engine};
use cassia_emulator::{DurabilityError, Emulator, EmulatorHandle, StartError};
use cassia_protocol::frame::ProtocolVersion;
use cassia_protocol::request::{
    Batch, BatchStatement, BatchType, Execute, QueryParameters, RawValue, SerializedValues,
};
use cassia_protocol::response::ResultBody;

/// A fresh, empty directory under the system temp dir.
fn temp_dir(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!(
        "cassia-durability-{name}-{}-{nanos}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

async fn start(dir: &Path) -> EmulatorHandle {
    Emulator::builder()
        .data_dir(dir)
        .start()
        .await
        .expect("start with a data dir")
}

fn q(engine: &Engine, client: &mut ClientState, cql: &str) -> ResultBody {
    engine
        .query(client, cql, &QueryParameters::default())
        .unwrap_or_else(|e| panic!("{cql}: {e:?}"))
        .body
}

fn values(items: &[&[u8]]) -> SerializedValues {
    let mut v = SerializedValues::new();
    for i in items {
        v.push(RawValue::Value(i)).expect("value");
    }
    v
}

fn prepare(engine: &Engine, client: &ClientState, cql: &str) -> Bytes {
    match engine.prepare(client, cql, None).expect("prepare").body {
        ResultBody::Prepared(p) => p.id,
        other => panic!("{other:?}"),
    }
}

/// Everything a client could observe, read at a fixed `now` so TTLs compare exactly.
fn snapshot(engine: &Engine, now: i32) -> Vec<String> {
    let mut client = ClientState::new(ProtocolVersion::V4);
    let params = QueryParameters {
        now_in_seconds: Some(now),
        ..QueryParameters::default()
    };
    [
        "SELECT k, c, v, writetime(v), ttl(v), l, s, m, u, a, extra FROM ks.t",
        "SELECT * FROM ks.cnt",
        "SELECT * FROM ks.trunc",
        "SELECT * FROM ks.gone",
        "SELECT * FROM ks.ids",
        "SELECT keyspace_name, table_name, id FROM system_schema.tables WHERE keyspace_name = 'ks'",
        "SELECT * FROM system_schema.columns WHERE keyspace_name = 'ks'",
        "SELECT * FROM system_schema.types WHERE keyspace_name = 'ks'",
        "SELECT * FROM system_schema.dropped_columns WHERE keyspace_name = 'ks'",
    ]
    .iter()
    .map(|cql| match engine.query(&mut client, cql, &params) {
        Ok(out) => format!("{cql} => {:?}", out.body),
        Err(e) => format!("{cql} => error {:?}: {}", e.kind, e.message),
    })
    .collect()
}

fn row_count(body: &ResultBody) -> usize {
    match body {
        ResultBody::Rows(rows) => rows.row_count,
        other => panic!("expected rows, got {other:?}"),
    }
}

fn write_everything(engine: &Engine) {
    let mut c = ClientState::new(ProtocolVersion::V4);
    for cql in [
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        "CREATE TYPE ks.addr (street text, zip int)",
        "CREATE TABLE ks.t (k int, c int, v text, l list<int>, s set<text>, m map<text, int>, u timeuuid, a frozen<addr>, PRIMARY KEY (k, c))",
        "CREATE TABLE ks.cnt (k int PRIMARY KEY, n counter)",
        "CREATE TABLE ks.gone (k int PRIMARY KEY, v int)",
        "INSERT INTO ks.gone (k, v) VALUES (1, 1)",
        "DROP TABLE ks.gone",
        "CREATE TABLE ks.trunc (k int PRIMARY KEY, v int)",
        "INSERT INTO ks.trunc (k, v) VALUES (1, 1)",
        "TRUNCATE ks.trunc",
        "INSERT INTO ks.trunc (k, v) VALUES (2, 2)",
        "CREATE TABLE ks.ids (k uuid PRIMARY KEY, t timestamp)",
        "INSERT INTO ks.ids (k, t) VALUES (uuid(), toTimestamp(now()))",
        "ALTER TABLE ks.t ADD extra int",
        "INSERT INTO ks.t (k, c, v, l, s, m, u, a) VALUES (1, 1, 'a', [1, 2], {'x'}, {'x': 1}, now(), {street: 'main', zip: 1}) USING TTL 1000",
        "INSERT INTO ks.t (k, c, v) VALUES (1, 2, 'ts') USING TIMESTAMP 42",
        "UPDATE ks.t SET l = l + [3] WHERE k = 1 AND c = 1",
        "UPDATE ks.t SET l = [0] + l WHERE k = 1 AND c = 1",
        "UPDATE ks.t SET s = s + {'y'}, m['z'] = 26 WHERE k = 1 AND c = 1",
        "UPDATE ks.t USING TTL 500 SET v = 'b', extra = 7 WHERE k = 2 AND c = 1",
        "INSERT INTO ks.t (k, c, v) VALUES (2, 2, 'deleted')",
        "DELETE FROM ks.t WHERE k = 2 AND c = 2",
        "INSERT INTO ks.t (k, c, v, extra) VALUES (2, 3, 'cell', 3)",
        "DELETE v FROM ks.t WHERE k = 2 AND c = 3",
        "DELETE FROM ks.t USING TIMESTAMP 41 WHERE k = 1 AND c = 2",
        "UPDATE ks.cnt SET n = n + 5 WHERE k = 1",
        "UPDATE ks.cnt SET n = n - 2 WHERE k = 1",
        "INSERT INTO ks.t (k, c, v) VALUES (3, 1, 'lwt') IF NOT EXISTS",
        "INSERT INTO ks.t (k, c, v) VALUES (3, 1, 'not applied') IF NOT EXISTS",
        "UPDATE ks.t SET v = 'cas' WHERE k = 3 AND c = 1 IF v = 'lwt'",
        "BEGIN BATCH INSERT INTO ks.t (k, c, v) VALUES (4, 1, 'b1'); UPDATE ks.t SET v = 'b2' WHERE k = 4 AND c = 2; APPLY BATCH",
        "BEGIN COUNTER BATCH UPDATE ks.cnt SET n = n + 1 WHERE k = 2; UPDATE ks.cnt SET n = n + 10 WHERE k = 3; APPLY BATCH",
        "ALTER TABLE ks.t DROP s",
        "USE ks",
        "INSERT INTO t (k, c, v) VALUES (5, 1, 'unqualified after USE')",
    ] {
        q(engine, &mut c, cql);
    }
    // Prepared statements: EXECUTE, and a BATCH message mixing prepared and query children.
    let insert = prepare(engine, &c, "INSERT INTO t (k, c, v) VALUES (?, ?, ?)");
    let execute = Execute {
        id: insert.clone(),
        result_metadata_id: None,
        params: QueryParameters {
            values: values(&[b"\0\0\0\x06", b"\0\0\0\x01", b"executed"]),
            ..QueryParameters::default()
        },
    };
    engine.execute(&mut c, &execute).expect("execute");
    let batch = Batch {
        batch_type: BatchType::Logged,
        statements: vec![
            BatchStatement::Prepared {
                id: insert,
                values: values(&[b"\0\0\0\x07", b"\0\0\0\x01", b"batched"]),
            },
            BatchStatement::Query {
                query: "UPDATE ks.t SET v = 'batched query' WHERE k = 7 AND c = 2".to_owned(),
                values: SerializedValues::new(),
            },
        ],
        consistency: Default::default(),
        serial_consistency: None,
        timestamp: None,
        keyspace: None,
        now_in_seconds: None,
    };
    engine.batch(&mut c, &batch).expect("batch");
}

fn now_secs() -> i32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    i32::try_from(secs).unwrap_or(i32::MAX)
}

#[tokio::test]
async fn every_statement_kind_survives_restarts() {
    let dir = temp_dir("restart");
    let emulator = start(&dir).await;
    write_everything(emulator.engine());
    let now = now_secs() + 5;
    let before = snapshot(emulator.engine(), now);
    // Sanity: the snapshot holds real data, not just errors.
    let mut c = ClientState::new(ProtocolVersion::V4);
    let all = q(emulator.engine(), &mut c, "SELECT k, c FROM ks.t");
    assert_eq!(row_count(&all), 11);
    assert!(before[3].contains("error"), "{}", before[3]);
    let lwt = q(
        emulator.engine(),
        &mut c,
        "SELECT v FROM ks.t WHERE k = 3 AND c = 1",
    );
    assert!(format!("{lwt:?}").contains("\\x03cas\""), "{lwt:?}");
    emulator.shutdown().await;

    let emulator = start(&dir).await;
    let after = snapshot(emulator.engine(), now);
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b, a);
    }
    // The journal continues after the replayed records.
    let mut c = ClientState::new(ProtocolVersion::V4);
    q(
        emulator.engine(),
        &mut c,
        "INSERT INTO ks.t (k, c, v) VALUES (8, 1, 'after restart')",
    );
    q(
        emulator.engine(),
        &mut c,
        "UPDATE ks.cnt SET n = n + 100 WHERE k = 1",
    );
    let before = snapshot(emulator.engine(), now);
    emulator.shutdown().await;

    let emulator = start(&dir).await;
    assert_eq!(snapshot(emulator.engine(), now), before);
    let mut c = ClientState::new(ProtocolVersion::V4);
    assert_eq!(
        row_count(&q(emulator.engine(), &mut c, "SELECT * FROM ks.t")),
        12
    );
    emulator.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Collects formatted log output, to check what start-up reported.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::ErrorKind::Other)?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn small_journal(dir: &Path) -> Vec<u8> {
    let emulator = start(dir).await;
    let mut c = ClientState::new(ProtocolVersion::V4);
    for cql in [
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        "CREATE TABLE ks.kv (k int PRIMARY KEY, v text)",
        "INSERT INTO ks.kv (k, v) VALUES (1, 'one')",
    ] {
        q(emulator.engine(), &mut c, cql);
    }
    emulator.shutdown().await;
    std::fs::read(dir.join(JOURNAL_FILE)).expect("journal written")
}

#[tokio::test]
async fn a_torn_tail_is_cut_and_reported() {
    let dir = temp_dir("torn");
    let clean = small_journal(&dir).await;
    // A frame cut short, as a crash in the middle of a write leaves it: the beginning of
    // the first record (magic is 8 bytes, the frame header 12).
    let mut torn = clean.clone();
    torn.extend_from_slice(&clean[8..8 + 12 + 5]);
    std::fs::write(dir.join(JOURNAL_FILE), &torn).expect("write");

    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer({
            let logs = logs.clone();
            move || logs.clone()
        })
        .with_ansi(false)
        .finish();
    let emulator = {
        let _guard = tracing::subscriber::set_default(subscriber);
        start(&dir).await
    };
    let mut c = ClientState::new(ProtocolVersion::V4);
    let body = q(emulator.engine(), &mut c, "SELECT v FROM ks.kv WHERE k = 1");
    assert_eq!(row_count(&body), 1);
    emulator.shutdown().await;
    let text = String::from_utf8(logs.0.lock().expect("logs").clone()).expect("utf-8");
    assert!(text.contains("WARN"), "{text}");
    assert!(text.contains("torn record"), "{text}");
    assert!(text.contains(&format!("offset={}", clean.len())), "{text}");
    assert_eq!(std::fs::read(dir.join(JOURNAL_FILE)).expect("read"), clean);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_damaged_record_before_the_end_stops_start_up() {
    let dir = temp_dir("corrupt");
    let mut bytes = small_journal(&dir).await;
    // One flipped bit in the first record's payload; valid records follow it.
    bytes[8 + 12 + 3] ^= 0x01;
    std::fs::write(dir.join(JOURNAL_FILE), &bytes).expect("write");
    let err = Emulator::builder()
        .data_dir(&dir)
        .start()
        .await
        .expect_err("a corrupt journal must not start");
    match &err {
        StartError::Durability(DurabilityError::Corrupt { offset, damage, .. }) => {
            assert_eq!(*offset, 8);
            assert_eq!(*damage, Damage::Payload);
        }
        other => panic!("{other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("is corrupt at byte 8: payload checksum mismatch"),
        "{message}"
    );
    // Untouched: the operator decides what to do with it.
    assert_eq!(std::fs::read(dir.join(JOURNAL_FILE)).expect("read"), bytes);

    // A file that is not a journal at all, and a data dir that is a file.
    std::fs::write(dir.join(JOURNAL_FILE), b"hello, world").expect("write");
    let err = Emulator::builder()
        .data_dir(&dir)
        .start()
        .await
        .expect_err("not a journal");
    assert!(err.to_string().contains("not a cassia journal"), "{err}");
    let file = dir.join("plain-file");
    std::fs::write(&file, b"x").expect("write");
    let err = Emulator::builder()
        .data_dir(&file)
        .start()
        .await
        .expect_err("not a dir");
    assert!(
        matches!(
            err,
            StartError::Durability(DurabilityError::CreateDir { .. })
        ),
        "{err:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

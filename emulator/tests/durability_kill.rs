//! `kill -9` at a random moment loses no acknowledged write: the binary runs with
//! `--data-dir` while several connections write concurrently; it is SIGKILLed, restarted on
//! the same directory, and every write whose response arrived must be there (inserts,
//! batches, lightweight transactions; counter increments must add up to at least the
//! acknowledged ones, at most those sent).

#![cfg(unix)]

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cassia_protocol::frame::{Opcode, ProtocolVersion};
use cassia_protocol::request::{Query, QueryParameters, Startup};
use cassia_protocol::response::{Response, ResultBody};
use cassia_protocol::wire::Reader;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const BIN: &str = env!("CARGO_BIN_EXE_cassia-emulator");
const WORKERS: i32 = 4;

fn spawn(dir: &Path) -> (Child, SocketAddr) {
    let mut child = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn the binary");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("the binary exited before listening")
            .expect("read stderr");
        if let Some(rest) = line.split("ready for CQL connections addr=").nth(1) {
            break rest.trim().parse().expect("address in the log line");
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

/// A bare v4 client: one request at a time, errors instead of panics (the server dies
/// under it on purpose).
struct Client {
    socket: TcpStream,
}

impl Client {
    async fn connect(addr: SocketAddr) -> std::io::Result<Client> {
        let mut c = Client {
            socket: TcpStream::connect(addr).await?,
        };
        let mut body = Vec::new();
        Startup {
            options: vec![("CQL_VERSION".to_owned(), "3.0.0".to_owned())],
        }
        .encode(&mut body)
        .map_err(std::io::Error::other)?;
        let (opcode, _) = c.request(0x01, &body).await?;
        assert_eq!(opcode, 0x02, "READY");
        Ok(c)
    }

    async fn request(&mut self, opcode: u8, body: &[u8]) -> std::io::Result<(u8, Vec<u8>)> {
        let mut frame = vec![0x04, 0, 0, 1, opcode];
        frame.extend_from_slice(&u32::try_from(body.len()).unwrap_or(0).to_be_bytes());
        frame.extend_from_slice(body);
        self.socket.write_all(&frame).await?;
        let mut header = [0u8; 9];
        self.socket.read_exact(&mut header).await?;
        let len = u32::from_be_bytes([header[5], header[6], header[7], header[8]]);
        let mut body = vec![0u8; len as usize];
        self.socket.read_exact(&mut body).await?;
        Ok((header[4], body))
    }

    /// Runs `cql`; `Ok(Some(result))` when acknowledged with a RESULT.
    async fn query(&mut self, cql: &str) -> std::io::Result<Option<ResultBody>> {
        let mut body = Vec::new();
        Query {
            query: cql.to_owned(),
            params: QueryParameters::default(),
        }
        .encode(ProtocolVersion::V4, &mut body)
        .map_err(std::io::Error::other)?;
        let (opcode, body) = self.request(0x07, &body).await?;
        match Response::decode(
            Opcode::from_code(opcode).expect("opcode"),
            ProtocolVersion::V4,
            &body,
        ) {
            Ok(Response::Result(r)) => Ok(Some(r)),
            other => panic!("{cql}: {other:?}"),
        }
    }
}

/// The int cells of a Rows result, row by row.
fn int_rows(body: ResultBody) -> Vec<Vec<i64>> {
    let ResultBody::Rows(rows) = body else {
        panic!("expected rows, got {body:?}");
    };
    let mut r = Reader::new(&rows.content);
    (0..rows.row_count)
        .map(|_| {
            (0..rows.metadata.column_count)
                .map(|_| {
                    let cell = r.bytes("cell").expect("cell").expect("not null");
                    match cell.len() {
                        4 => i64::from(i32::from_be_bytes(cell.try_into().expect("int"))),
                        _ => i64::from_be_bytes(cell.try_into().expect("bigint/counter")),
                    }
                })
                .collect()
        })
        .collect()
}

/// Cheap randomness for the kill moment (no dependency needed for that).
fn random_millis(round: u64) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::from(d.subsec_nanos()))
        .unwrap_or(7);
    let mut x = nanos ^ (round.wrapping_mul(0x9e37_79b9_7f4a_7c15)) | 1;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    50 + x % 400
}

#[derive(Default)]
struct Acked {
    rows: BTreeSet<(i64, i64)>,
    increments: i64,
    /// Increments sent without a reply (the kill came first): may or may not be applied.
    in_doubt: i64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_no_acknowledged_write() {
    let dir = std::env::temp_dir().join(format!("cassia-durability-kill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let acked = Arc::new(Mutex::new(Acked::default()));
    for round in 0..4u64 {
        let (mut child, addr) = spawn(&dir);
        let mut admin = Client::connect(addr).await.expect("connect");
        for ddl in [
            "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
            "CREATE TABLE IF NOT EXISTS ks.acked (w int, i int, PRIMARY KEY (w, i))",
            "CREATE TABLE IF NOT EXISTS ks.hits (k int PRIMARY KEY, n counter)",
        ] {
            admin.query(ddl).await.expect("schema");
        }
        // Everything acknowledged before this restart must be here.
        let rows = int_rows(
            admin
                .query("SELECT w, i FROM ks.acked")
                .await
                .map(|r| r.expect("rows"))
                .unwrap_or_else(|e| panic!("{e}")),
        )
        .into_iter()
        .map(|r| (r[0], r[1]))
        .collect::<BTreeSet<_>>();
        let counter = int_rows(
            admin
                .query("SELECT n FROM ks.hits WHERE k = 0")
                .await
                .expect("read counter")
                .expect("rows"),
        )
        .first()
        .map_or(0, |r| r[0]);
        {
            let a = acked.lock().expect("lock");
            let missing: Vec<_> = a.rows.difference(&rows).collect();
            assert!(
                missing.is_empty(),
                "round {round}: lost {} acknowledged writes, first {:?}",
                missing.len(),
                missing.iter().take(10).collect::<Vec<_>>()
            );
            assert!(
                (a.increments..=a.increments + a.in_doubt).contains(&counter),
                "round {round}: counter {counter}, acknowledged {} (+{} in doubt)",
                a.increments,
                a.in_doubt
            );
            if round > 0 {
                assert!(
                    !a.rows.is_empty(),
                    "no write was acknowledged before the kill"
                );
            }
        }
        if round == 3 {
            child.kill().expect("kill");
            let _ = child.wait();
            break;
        }
        let workers: Vec<_> = (0..WORKERS)
            .map(|worker| {
                let acked = Arc::clone(&acked);
                let w = i64::try_from(round).unwrap_or(0) * 10 + i64::from(worker);
                tokio::spawn(async move {
                    let Ok(mut c) = Client::connect(addr).await else {
                        return;
                    };
                    for i in 0.. {
                        // Counter increments, plain inserts, batches of two rows and
                        // lightweight transactions, in turn.
                        let counter = i % 4 == 0;
                        let cql = match i % 4 {
                            0 => "UPDATE ks.hits SET n = n + 1 WHERE k = 0".to_owned(),
                            1 => format!("INSERT INTO ks.acked (w, i) VALUES ({w}, {i})"),
                            2 => format!(
                                "BEGIN BATCH INSERT INTO ks.acked (w, i) VALUES ({w}, {i}); INSERT INTO ks.acked (w, i) VALUES ({w}, -{i}); APPLY BATCH"
                            ),
                            _ => format!("INSERT INTO ks.acked (w, i) VALUES ({w}, {i}) IF NOT EXISTS"),
                        };
                        if counter {
                            acked.lock().expect("lock").in_doubt += 1;
                        }
                        match c.query(&cql).await {
                            Ok(Some(_)) => {
                                let mut a = acked.lock().expect("lock");
                                if counter {
                                    a.in_doubt -= 1;
                                    a.increments += 1;
                                } else {
                                    a.rows.insert((w, i));
                                    if i % 4 == 2 {
                                        a.rows.insert((w, -i));
                                    }
                                }
                            }
                            _ => return,
                        }
                    }
                })
            })
            .collect();
        drop(admin);
        // Let the writers get going (a loaded machine may take a while), then kill at a
        // random moment.
        let started = std::time::Instant::now();
        let target = acked.lock().expect("lock").rows.len() + 8;
        while acked.lock().expect("lock").rows.len() < target {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "round {round}: the writers made no progress"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(random_millis(round))).await;
        // SIGKILL: no shutdown, no flush.
        child.kill().expect("kill");
        let _ = child.wait();
        for w in workers {
            let _ = w.await;
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

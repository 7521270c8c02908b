//! Throughput check (ignored by default; it needs an optimised build and quiet cores):
//! prepared single-row INSERTs, 4 connections with 32 requests each in flight (128 in all),
//! client and server in one process on a 2-thread runtime.
//!
//! Run with `cargo test --release -p cassia-emulator --test transport_throughput -- --ignored
//! --nocapture`. In a release build it fails below 100 000 operations per second; a debug
//! build only reports the rate.

use std::time::{Duration, Instant};

use bytes::BytesMut;
use cassia_emulator::Emulator;
use cassia_protocol::codec::FrameDecoder;
use cassia_protocol::envelope::{RequestFrame, ResponseFrame};
use cassia_protocol::frame::{Opcode, ProtocolVersion};
use cassia_protocol::request::{
    Execute, Prepare, Query, QueryParameters, RawValue, Request, SerializedValues, Startup,
};
use cassia_protocol::response::{Response, ResultBody};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const CONNECTIONS: usize = 4;
const IN_FLIGHT: i16 = 32;
const KEYS_PER_STREAM: i32 = 64;
const RUN_FOR: Duration = Duration::from_secs(3);
const V4: ProtocolVersion = ProtocolVersion::V4;

struct Client {
    socket: TcpStream,
    decoder: FrameDecoder,
    input: BytesMut,
}

impl Client {
    async fn connect(addr: std::net::SocketAddr) -> Client {
        let socket = TcpStream::connect(addr).await.expect("connect");
        socket.set_nodelay(true).expect("nodelay");
        let mut c = Client {
            socket,
            decoder: FrameDecoder::new(),
            input: BytesMut::with_capacity(1 << 16),
        };
        let startup = Startup {
            options: vec![("CQL_VERSION".into(), "3.4.5".into())],
        };
        c.call(Request::Startup(startup)).await;
        c
    }

    async fn call(&mut self, request: Request) -> Response {
        let bytes = RequestFrame::new(0, request).encode(V4).expect("encode");
        self.socket.write_all(&bytes).await.expect("write");
        loop {
            if let Some(frame) = self.decoder.decode(&mut self.input).expect("frame") {
                return ResponseFrame::decode(&frame.header, &frame.body)
                    .expect("response")
                    .response;
            }
            self.read().await;
        }
    }

    async fn read(&mut self) {
        let n = self.socket.read_buf(&mut self.input).await.expect("read");
        assert_ne!(n, 0, "server closed the connection");
    }
}

/// EXECUTE frames for every (stream, key) pair, encoded once up front.
fn execute_frames(id: &bytes::Bytes, conn: usize) -> Vec<Vec<Vec<u8>>> {
    (0..IN_FLIGHT)
        .map(|stream| {
            (0..KEYS_PER_STREAM)
                .map(|j| {
                    let key = (conn as i32) << 24 | i32::from(stream) << 12 | j;
                    let mut values = SerializedValues::default();
                    let bytes = key.to_be_bytes();
                    values.push(RawValue::Value(&bytes)).expect("value");
                    values.push(RawValue::Value(&bytes)).expect("value");
                    let execute = Execute {
                        id: id.clone(),
                        result_metadata_id: None,
                        params: QueryParameters {
                            values,
                            ..QueryParameters::default()
                        },
                    };
                    RequestFrame::new(stream, Request::Execute(execute))
                        .encode(V4)
                        .expect("encode")
                })
                .collect()
        })
        .collect()
}

async fn drive(addr: std::net::SocketAddr, conn: usize, start: Instant) -> u64 {
    let mut c = Client::connect(addr).await;
    let prepared = c
        .call(Request::Prepare(Prepare {
            query: "INSERT INTO bench.kv (k, v) VALUES (?, ?)".into(),
            keyspace: None,
        }))
        .await;
    let Response::Result(ResultBody::Prepared(prepared)) = prepared else {
        panic!("PREPARE failed: {prepared:?}");
    };
    let frames = execute_frames(&prepared.id, conn);
    let mut next_key = vec![0usize; IN_FLIGHT as usize];
    let mut out = Vec::new();
    for per_stream in &frames {
        out.extend_from_slice(&per_stream[0]);
    }
    c.socket.write_all(&out).await.expect("write");
    let mut done = 0u64;
    while start.elapsed() < RUN_FOR {
        c.read().await;
        out.clear();
        while let Some(frame) = c.decoder.decode(&mut c.input).expect("frame") {
            assert_eq!(frame.header.opcode, Opcode::Result, "{frame:?}");
            done += 1;
            let s = frame.header.stream as usize;
            next_key[s] = (next_key[s] + 1) % KEYS_PER_STREAM as usize;
            out.extend_from_slice(&frames[s][next_key[s]]);
        }
        c.socket.write_all(&out).await.expect("write");
    }
    done
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "throughput check: run in release on quiet cores"]
async fn prepared_single_row_inserts_per_second() {
    let emu = Emulator::builder().start().await.expect("start");
    let mut setup = Client::connect(emu.addr()).await;
    for cql in [
        "CREATE KEYSPACE bench WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        "CREATE TABLE bench.kv (k int PRIMARY KEY, v int)",
    ] {
        let r = setup
            .call(Request::Query(Query {
                query: cql.into(),
                params: QueryParameters::default(),
            }))
            .await;
        assert!(matches!(r, Response::Result(_)), "{cql}: {r:?}");
    }
    let start = Instant::now();
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|conn| tokio::spawn(drive(emu.addr(), conn, start)))
        .collect();
    let mut total = 0;
    for task in tasks {
        total += task.await.expect("client task");
    }
    let rate = total as f64 / start.elapsed().as_secs_f64();
    println!("{total} prepared inserts, {rate:.0} ops/s");
    if !cfg!(debug_assertions) {
        assert!(rate >= 100_000.0, "{rate:.0} ops/s is below 100k");
    }
}

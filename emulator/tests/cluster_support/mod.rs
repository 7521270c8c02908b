//! A raw protocol v4 client for the cluster tests, built on the protocol crate's frame codec:
//! it sends single requests and reads responses and pushed events, with timeouts so a bug
//! fails the test instead of hanging it.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use cassia_protocol::consistency::Consistency;
use cassia_protocol::envelope::{RequestFrame, ResponseFrame};
use cassia_protocol::frame::{FrameHeader, HEADER_LEN, ProtocolVersion};
use cassia_protocol::request::{Query, QueryParameters, Register, Request, Startup};
use cassia_protocol::response::{Event, Response, ResultBody, ServerError};
use cassia_protocol::value::CqlValue;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Generous: a loaded two-core machine must not fail a correct test.
pub const WAIT: Duration = Duration::from_secs(20);

pub struct Raw {
    socket: TcpStream,
    next_stream: i16,
    /// Events read while waiting for a response.
    pub events: Vec<Event>,
}

impl Raw {
    pub async fn connect(addr: SocketAddr) -> Raw {
        let socket = tokio::time::timeout(WAIT, TcpStream::connect(addr))
            .await
            .expect("connect in time")
            .expect("connect");
        let mut raw = Raw {
            socket,
            next_stream: 1,
            events: Vec::new(),
        };
        let startup = Startup {
            options: vec![("CQL_VERSION".into(), "3.0.0".into())],
        };
        let reply = raw.request(Request::Startup(startup)).await;
        assert!(matches!(reply, Response::Ready), "READY, got {reply:?}");
        raw
    }

    pub async fn send(&mut self, request: Request) -> i16 {
        let stream = self.next_stream;
        self.next_stream += 1;
        let bytes = RequestFrame::new(stream, request)
            .encode(ProtocolVersion::V4)
            .expect("encode");
        self.socket.write_all(&bytes).await.expect("write");
        stream
    }

    /// The next frame, or `None` when the server closed the connection.
    pub async fn read_frame(&mut self, wait: Duration) -> Option<ResponseFrame> {
        let mut header = [0u8; HEADER_LEN];
        match tokio::time::timeout(wait, self.socket.read_exact(&mut header)).await {
            Err(_) => panic!("no frame within {wait:?}"),
            Ok(Err(_)) => return None,
            Ok(Ok(_)) => {}
        }
        let header = FrameHeader::parse(&header).expect("header");
        let mut body = vec![0u8; header.length as usize];
        tokio::time::timeout(wait, self.socket.read_exact(&mut body))
            .await
            .expect("body in time")
            .expect("body");
        Some(ResponseFrame::decode(&header, &body).expect("decodes"))
    }

    /// Sends `request` and returns its response (events read meanwhile are kept).
    pub async fn request(&mut self, request: Request) -> Response {
        let stream = self.send(request).await;
        self.response(stream).await
    }

    pub async fn response(&mut self, stream: i16) -> Response {
        loop {
            let frame = self.read_frame(WAIT).await.expect("connection open");
            if frame.stream == stream {
                return frame.response;
            }
            if let Response::Event(e) = frame.response {
                self.events.push(e);
            }
        }
    }

    pub async fn query(&mut self, cql: &str, consistency: Consistency) -> Response {
        self.request(query(cql, consistency)).await
    }

    /// Runs `cql` at ONE and returns its rows by column name.
    pub async fn rows(&mut self, cql: &str) -> Vec<HashMap<String, Option<CqlValue>>> {
        rows(self.query(cql, Consistency::One).await)
    }

    pub async fn register(&mut self, events: &[&str]) {
        let reply = self
            .request(Request::Register(Register {
                events: events.iter().map(|e| (*e).to_owned()).collect(),
            }))
            .await;
        assert!(matches!(reply, Response::Ready), "READY, got {reply:?}");
    }

    /// The next pushed event (already read ones first).
    pub async fn next_event(&mut self) -> Event {
        if !self.events.is_empty() {
            return self.events.remove(0);
        }
        loop {
            let frame = self.read_frame(WAIT).await.expect("connection open");
            if let Response::Event(e) = frame.response {
                return e;
            }
        }
    }

    /// Whether the server closed the connection (within `WAIT`).
    pub async fn closed(&mut self) -> bool {
        let mut byte = [0u8; 1];
        matches!(
            tokio::time::timeout(WAIT, self.socket.read(&mut byte)).await,
            Ok(Ok(0)) | Ok(Err(_))
        )
    }
}

pub fn query(cql: &str, consistency: Consistency) -> Request {
    Request::Query(Query {
        query: cql.to_owned(),
        params: QueryParameters {
            consistency,
            ..QueryParameters::default()
        },
    })
}

pub fn rows(response: Response) -> Vec<HashMap<String, Option<CqlValue>>> {
    let Response::Result(ResultBody::Rows(rows)) = response else {
        panic!("expected rows, got {response:?}");
    };
    let columns = rows.metadata.columns.clone();
    rows.iter()
        .map(|row| {
            let row = row.expect("row");
            columns
                .iter()
                .zip(row.cells())
                .map(|(c, cell)| {
                    let value = cell.map(|b| CqlValue::deserialize(&c.typ, b).expect("value"));
                    (c.name.clone(), value)
                })
                .collect()
        })
        .collect()
}

pub fn error(response: Response) -> ServerError {
    match response {
        Response::Error(e) => e,
        other => panic!("expected an error, got {other:?}"),
    }
}

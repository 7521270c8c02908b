//! Node discovery: the control connection reads `system.peers_v2` (falling back to
//! `system.peers`), the session opens a pool to every peer, and requests are spread over all
//! nodes.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;

use cassia_driver::{ProtocolVersion, Session};
use cassia_protocol::request::Request;
use cassia_protocol::response::{ErrorKind, Response, ResultBody, ResultMetadata, RowsBuilder};
use cassia_protocol::types::ColumnType;
use common::col;
use common::mock::{Action, MockConfig, MockServer, error, void};

fn peers_v2(peer: SocketAddr) -> Response {
    let columns = vec![
        col("native_address", ColumnType::Inet),
        col("native_port", ColumnType::Int),
        col("data_center", ColumnType::Text),
        col("rack", ColumnType::Text),
        col("host_id", ColumnType::Uuid),
    ];
    let mut b = RowsBuilder::new(ResultMetadata {
        column_count: columns.len(),
        paging_state: None,
        new_metadata_id: None,
        columns,
    });
    let std::net::IpAddr::V4(ip) = peer.ip() else {
        unreachable!("mock servers listen on IPv4")
    };
    b.push_value(&ip.octets()).expect("cell");
    b.push_value(&i32::from(peer.port()).to_be_bytes())
        .expect("cell");
    b.push_value(b"dc2").expect("cell");
    b.push_value(b"rack9").expect("cell");
    b.push_value(uuid::Uuid::from_u128(9).as_bytes())
        .expect("cell");
    Response::Result(ResultBody::Rows(b.finish().expect("rows")))
}

#[tokio::test]
async fn peers_are_discovered_and_receive_requests() {
    let second = MockServer::start(MockConfig::new(|_, _| vec![Action::Reply(void())])).await;
    let peer = second.addr;
    let first = MockServer::start(MockConfig::new(move |req, _| match &req.request {
        Request::Query(q) if q.query.contains("system.peers_v2") => {
            vec![Action::Reply(peers_v2(peer))]
        }
        _ => vec![Action::Reply(void())],
    }))
    .await;
    let session = Session::builder()
        .known_node(first.addr.to_string())
        .protocol_version(ProtocolVersion::V4)
        .build()
        .await
        .expect("session");
    let nodes = session.nodes();
    assert_eq!(nodes.len(), 2);
    let discovered = nodes
        .iter()
        .find(|n| n.address() == peer)
        .expect("peer node");
    assert_eq!(discovered.datacenter().as_deref(), Some("dc2"));
    assert_eq!(discovered.rack().as_deref(), Some("rack9"));
    assert_eq!(discovered.host_id(), Some(uuid::Uuid::from_u128(9)));
    assert!(discovered.is_up());

    for _ in 0..10 {
        session.query("SELECT 1", ()).await.expect("query");
    }
    let count = |s: &MockServer| {
        s.user_requests()
            .iter()
            .filter(|(_, f)| matches!(&f.request, Request::Query(q) if q.query == "SELECT 1"))
            .count()
    };
    assert_eq!(count(&first), 5, "round robin over both nodes");
    assert_eq!(count(&second), 5, "round robin over both nodes");
}

#[tokio::test]
async fn falls_back_to_system_peers_and_survives_an_unreachable_peer() {
    let first = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let log = first.clone();
    let server = MockServer::start(MockConfig::new(move |req, _| match &req.request {
        Request::Query(q) if q.query.contains("system.peers_v2") => {
            log.lock().expect("log").push("v2".into());
            vec![Action::Reply(error(
                ErrorKind::Invalid,
                "table peers_v2 does not exist",
            ))]
        }
        Request::Query(q) if q.query.contains("system.peers") => {
            log.lock().expect("log").push("v1".into());
            // A peer on an address where nothing listens.
            let columns = vec![
                col("rpc_address", ColumnType::Inet),
                col("data_center", ColumnType::Text),
                col("rack", ColumnType::Text),
                col("host_id", ColumnType::Uuid),
            ];
            let mut b = RowsBuilder::new(ResultMetadata {
                column_count: 4,
                paging_state: None,
                new_metadata_id: None,
                columns,
            });
            b.push_value(&[127, 0, 0, 2]).expect("cell");
            b.push_null();
            b.push_null();
            b.push_null();
            vec![Action::Reply(Response::Result(ResultBody::Rows(
                b.finish().expect("rows"),
            )))]
        }
        _ => vec![Action::Reply(void())],
    }))
    .await;
    let session = Session::builder()
        .known_node(server.addr.to_string())
        .protocol_version(ProtocolVersion::V4)
        .connect_timeout(std::time::Duration::from_millis(300))
        .build()
        .await
        .expect("session despite the dead peer");
    assert_eq!(
        *first.lock().expect("log"),
        vec!["v2".to_owned(), "v1".to_owned()]
    );
    assert_eq!(session.nodes().len(), 2);
    let nodes = session.nodes();
    let dead = nodes
        .iter()
        .find(|n| n.address().ip().to_string() == "127.0.0.2")
        .expect("peer listed");
    assert!(!dead.is_up(), "unreachable peer is down");
    assert_eq!(dead.address().port(), server.addr.port(), "default port");
    for _ in 0..4 {
        session
            .query("SELECT 1", ())
            .await
            .expect("requests skip the down node");
    }
}

#[tokio::test]
async fn unavailable_is_retried_once_on_the_next_node() {
    use cassia_driver::Consistency;
    let unavailable = || {
        vec![Action::Reply(error(
            ErrorKind::Unavailable {
                consistency: Consistency::Quorum,
                required: 2,
                alive: 1,
            },
            "Cannot achieve consistency level QUORUM",
        ))]
    };
    let second = MockServer::start(MockConfig::new(move |req, _| match &req.request {
        Request::Query(q) if q.query == "BOTH DOWN" => unavailable(),
        _ => vec![Action::Reply(void())],
    }))
    .await;
    let peer = second.addr;
    let first = MockServer::start(MockConfig::new(move |req, _| match &req.request {
        Request::Query(q) if q.query.contains("system.peers_v2") => {
            vec![Action::Reply(peers_v2(peer))]
        }
        Request::Query(q) if q.query == "ONLY FIRST DOWN" || q.query == "BOTH DOWN" => {
            unavailable()
        }
        _ => vec![Action::Reply(void())],
    }))
    .await;
    let session = Session::builder()
        .known_node(first.addr.to_string())
        .protocol_version(ProtocolVersion::V4)
        .build()
        .await
        .expect("session");
    let sent = |s: &MockServer, text: &str| {
        s.user_requests()
            .iter()
            .filter(|(_, f)| matches!(&f.request, Request::Query(q) if q.query == text))
            .count()
    };
    // Whichever node the plan starts with, the query ends up succeeding on the second one.
    for _ in 0..2 {
        session
            .query("ONLY FIRST DOWN", ())
            .await
            .expect("retried on the other node");
    }
    // Plan 1 starts at the first node (fails, retried on the second); plan 2 starts at the second.
    assert_eq!(sent(&first, "ONLY FIRST DOWN"), 1);
    assert_eq!(sent(&second, "ONLY FIRST DOWN"), 2);

    let err = session
        .query("BOTH DOWN", ())
        .await
        .expect_err("one retry only");
    assert!(
        err.to_string()
            .contains("Cannot achieve consistency level QUORUM"),
        "{err}"
    );
    assert_eq!(sent(&first, "BOTH DOWN") + sent(&second, "BOTH DOWN"), 2);
}

#[tokio::test]
async fn topology_events_add_and_remove_nodes() {
    use cassia_protocol::response::Event;
    let second = MockServer::start(MockConfig::new(|_, _| vec![Action::Reply(void())])).await;
    let peer = second.addr;
    let empty = |name: &str, typ: ColumnType| {
        Response::Result(ResultBody::Rows(
            RowsBuilder::new(ResultMetadata {
                column_count: 1,
                paging_state: None,
                new_metadata_id: None,
                columns: vec![col(name, typ)],
            })
            .finish()
            .expect("rows"),
        ))
    };
    let first = MockServer::start(MockConfig::new(move |req, _| match &req.request {
        Request::Query(q) if q.query.contains("system.peers_v2") => vec![
            Action::Reply(empty("native_address", ColumnType::Inet)),
            Action::Push(Response::Event(Event::TopologyChange {
                change: "NEW_NODE".into(),
                address: peer,
            })),
        ],
        Request::Query(q) if q.query == "SELECT schema_version FROM system.local" => {
            let mut b = RowsBuilder::new(ResultMetadata {
                column_count: 1,
                paging_state: None,
                new_metadata_id: None,
                columns: vec![col("schema_version", ColumnType::Uuid)],
            });
            b.push_value(uuid::Uuid::from_u128(1).as_bytes())
                .expect("cell");
            vec![
                Action::Reply(Response::Result(ResultBody::Rows(
                    b.finish().expect("rows"),
                ))),
                Action::Push(Response::Event(Event::TopologyChange {
                    change: "REMOVED_NODE".into(),
                    address: peer,
                })),
            ]
        }
        Request::Query(q) if q.query == "SELECT schema_version FROM system.peers" => {
            vec![Action::Reply(empty("schema_version", ColumnType::Uuid))]
        }
        _ => vec![Action::Reply(void())],
    }))
    .await;
    let session = Session::builder()
        .known_node(first.addr.to_string())
        .protocol_version(ProtocolVersion::V4)
        .build()
        .await
        .expect("session");
    let wait_for = |n: usize| {
        let session = session.clone();
        async move {
            for _ in 0..100 {
                if session.nodes().len() == n {
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            panic!("expected {n} nodes, have {}", session.nodes().len());
        }
    };
    wait_for(2).await;
    for _ in 0..4 {
        session.query("SELECT 1", ()).await.expect("query");
    }
    let on_second = |s: &MockServer| {
        s.user_requests()
            .iter()
            .filter(|(_, f)| matches!(&f.request, Request::Query(q) if q.query == "SELECT 1"))
            .count()
    };
    assert_eq!(on_second(&second), 2, "the new node takes its share");

    assert_eq!(
        session.await_schema_agreement().await.expect("agreement"),
        uuid::Uuid::from_u128(1)
    );
    wait_for(1).await;
    for _ in 0..4 {
        session.query("SELECT 1", ()).await.expect("query");
    }
    assert_eq!(
        on_second(&second),
        2,
        "a removed node gets no more requests"
    );
}

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
        columns: columns.into(),
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
                columns: columns.into(),
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
                columns: vec![col(name, typ)].into(),
            })
            .finish()
            .expect("rows"),
        ))
    };
    // Announce the new node once, after the first peers query of the control connection.
    let announced = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let first = MockServer::start(MockConfig::new(move |req, _| match &req.request {
        Request::Query(q) if q.query.contains("system.peers_v2") => {
            let mut actions = vec![Action::Reply(empty("native_address", ColumnType::Inet))];
            if !announced.swap(true, std::sync::atomic::Ordering::SeqCst) {
                actions.push(Action::Push(Response::Event(Event::TopologyChange {
                    change: "NEW_NODE".into(),
                    address: peer,
                })));
            }
            actions
        }
        Request::Query(q) if q.query == "SELECT schema_version FROM system.local" => {
            let mut b = RowsBuilder::new(ResultMetadata {
                column_count: 1,
                paging_state: None,
                new_metadata_id: None,
                columns: vec![col("schema_version", ColumnType::Uuid)].into(),
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

fn text_set(items: &[&str]) -> Vec<u8> {
    let mut out = (items.len() as i32).to_be_bytes().to_vec();
    for s in items {
        out.extend_from_slice(&(s.len() as i32).to_be_bytes());
        out.extend_from_slice(s.as_bytes());
    }
    out
}

fn text_map(items: &[(&str, &str)]) -> Vec<u8> {
    let mut out = (items.len() as i32).to_be_bytes().to_vec();
    for (k, v) in items {
        for s in [k, v] {
            out.extend_from_slice(&(s.len() as i32).to_be_bytes());
            out.extend_from_slice(s.as_bytes());
        }
    }
    out
}

fn rows(
    columns: Vec<cassia_protocol::response::ColumnSpec>,
    cells: &[Option<Vec<u8>>],
) -> Response {
    let mut b = RowsBuilder::new(ResultMetadata {
        column_count: columns.len(),
        paging_state: None,
        new_metadata_id: None,
        columns: columns.into(),
    });
    for c in cells {
        b.push_cell(c.as_deref()).expect("cell");
    }
    Response::Result(ResultBody::Rows(b.finish().expect("rows")))
}

#[tokio::test]
async fn token_aware_policy_sends_requests_to_the_replica() {
    use cassia_driver::ExecutionProfile;
    use cassia_driver::policies::{RoundRobinPolicy, TokenAwarePolicy};
    use cassia_protocol::response::{Prepared, PreparedMetadata};

    let set = |e: ColumnType| ColumnType::Set(Box::new(e));
    let prepared = || {
        Response::Result(ResultBody::Prepared(Prepared {
            id: bytes::Bytes::from_static(b"tok"),
            result_metadata_id: None,
            metadata: PreparedMetadata {
                pk_indexes: vec![0],
                columns: vec![col("k", ColumnType::Int)],
            },
            result_metadata: ResultMetadata::default(),
        }))
    };
    let common = move |req: &cassia_protocol::envelope::RequestFrame| -> Vec<Action> {
        match &req.request {
            Request::Prepare(_) => vec![Action::Reply(prepared())],
            Request::Query(q) if q.query.starts_with("USE ") => vec![Action::Reply(
                Response::Result(ResultBody::SetKeyspace("ks".into())),
            )],
            _ => vec![Action::Reply(void())],
        }
    };
    let second = MockServer::start(MockConfig::new(move |req, _| common(req))).await;
    let peer = second.addr;
    let first = MockServer::start(MockConfig::new(move |req, _| match &req.request {
        Request::Query(q)
            if q.query.contains("FROM system.local") && q.query.contains("tokens") =>
        {
            vec![Action::Reply(rows(
                vec![
                    col("data_center", ColumnType::Text),
                    col("rack", ColumnType::Text),
                    col("host_id", ColumnType::Uuid),
                    col("tokens", set(ColumnType::Text)),
                ],
                &[
                    Some(b"dc1".to_vec()),
                    Some(b"r1".to_vec()),
                    None,
                    Some(text_set(&["0"])),
                ],
            ))]
        }
        Request::Query(q) if q.query.contains("system.peers_v2") => {
            let std::net::IpAddr::V4(ip) = peer.ip() else {
                unreachable!("IPv4 mock")
            };
            vec![Action::Reply(rows(
                vec![
                    col("native_address", ColumnType::Inet),
                    col("native_port", ColumnType::Int),
                    col("data_center", ColumnType::Text),
                    col("rack", ColumnType::Text),
                    col("host_id", ColumnType::Uuid),
                    col("tokens", set(ColumnType::Text)),
                ],
                &[
                    Some(ip.octets().to_vec()),
                    Some(i32::from(peer.port()).to_be_bytes().to_vec()),
                    Some(b"dc1".to_vec()),
                    Some(b"r1".to_vec()),
                    None,
                    Some(text_set(&[&i64::MAX.to_string()])),
                ],
            ))]
        }
        Request::Query(q) if q.query.contains("system_schema.keyspaces") => {
            vec![Action::Reply(rows(
                vec![
                    col("keyspace_name", ColumnType::Text),
                    col(
                        "replication",
                        ColumnType::Map(Box::new(ColumnType::Text), Box::new(ColumnType::Text)),
                    ),
                ],
                &[
                    Some(b"ks".to_vec()),
                    Some(text_map(&[
                        ("class", "org.apache.cassandra.locator.SimpleStrategy"),
                        ("replication_factor", "1"),
                    ])),
                ],
            ))]
        }
        _ => common(req),
    }))
    .await;

    let session = Session::builder()
        .known_node(first.addr.to_string())
        .protocol_version(ProtocolVersion::V4)
        .default_keyspace("ks")
        .default_execution_profile(ExecutionProfile::new().with_load_balancing_policy(Arc::new(
            TokenAwarePolicy::new(Arc::new(RoundRobinPolicy::new())),
        )))
        .build()
        .await
        .expect("session");
    let p = session
        .prepare("SELECT * FROM t WHERE k = ?")
        .await
        .expect("prepare");
    let mut expected_first = 0;
    for k in 1..=20i32 {
        session.execute(&p, (k,)).await.expect("execute");
        // The first node owns [MIN, 0], the second (0, MAX].
        if cassia_protocol::token::murmur3_token(&k.to_be_bytes()) <= 0 {
            expected_first += 1;
        }
    }
    let executes = |s: &MockServer| {
        s.user_requests()
            .iter()
            .filter(|(_, f)| matches!(f.request, Request::Execute(_)))
            .count()
    };
    assert!(
        expected_first > 0 && expected_first < 20,
        "keys spread over both nodes"
    );
    assert_eq!(executes(&first), expected_first);
    assert_eq!(executes(&second), 20 - expected_first);
}

#[tokio::test]
async fn schema_agreement_ignores_down_peers_and_times_out_on_disagreement() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let v1 = uuid::Uuid::from_u128(1);
    let v2 = uuid::Uuid::from_u128(2);
    let second = MockServer::start(MockConfig::new(|_, _| vec![Action::Reply(void())])).await;
    let live = second.addr;
    let agreed = Arc::new(AtomicBool::new(false));
    let flag = agreed.clone();
    let peer_row = |addr: SocketAddr, version: uuid::Uuid| -> Vec<Option<Vec<u8>>> {
        let std::net::IpAddr::V4(ip) = addr.ip() else {
            unreachable!("IPv4 mock")
        };
        vec![
            Some(ip.octets().to_vec()),
            Some(i32::from(addr.port()).to_be_bytes().to_vec()),
            None,
            None,
            None,
            Some(version.as_bytes().to_vec()),
        ]
    };
    let first = MockServer::start(MockConfig::new(move |req, _| match &req.request {
        Request::Query(q) if q.query.contains("system.peers_v2") => {
            let dead: SocketAddr = "127.0.0.2:1".parse().expect("literal");
            let live_version = if flag.load(Ordering::SeqCst) { v1 } else { v2 };
            let mut cells = peer_row(live, live_version);
            cells.extend(peer_row(dead, v2));
            vec![Action::Reply(rows(
                vec![
                    col("native_address", ColumnType::Inet),
                    col("native_port", ColumnType::Int),
                    col("data_center", ColumnType::Text),
                    col("rack", ColumnType::Text),
                    col("host_id", ColumnType::Uuid),
                    col("schema_version", ColumnType::Uuid),
                ],
                &cells,
            ))]
        }
        Request::Query(q) if q.query == "SELECT schema_version FROM system.local" => {
            vec![Action::Reply(rows(
                vec![col("schema_version", ColumnType::Uuid)],
                &[Some(v1.as_bytes().to_vec())],
            ))]
        }
        _ => vec![Action::Reply(void())],
    }))
    .await;
    let session = Session::builder()
        .known_node(first.addr.to_string())
        .protocol_version(ProtocolVersion::V4)
        .connect_timeout(std::time::Duration::from_millis(300))
        .schema_agreement_timeout(std::time::Duration::from_millis(400))
        .build()
        .await
        .expect("session");
    assert_eq!(session.nodes().len(), 3);

    let err = session
        .await_schema_agreement()
        .await
        .expect_err("the live peer disagrees");
    assert_eq!(
        err.to_string(),
        "schema agreement did not complete within 400ms"
    );

    agreed.store(true, Ordering::SeqCst);
    assert_eq!(
        session.await_schema_agreement().await.expect("agreement"),
        v1,
        "the down peer's stale version is ignored"
    );
}

#[tokio::test]
async fn a_status_up_event_cuts_the_reconnection_backoff_short() {
    use cassia_protocol::response::Event;
    // A port where nothing listens yet.
    let reserved = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let later = reserved.local_addr().expect("addr");
    drop(reserved);
    let first = MockServer::start(MockConfig::new(move |req, _| match &req.request {
        Request::Query(q) if q.query.contains("system.peers_v2") => {
            vec![Action::Reply(peers_v2(later))]
        }
        Request::Query(q) if q.query == "SELECT schema_version FROM system.local" => vec![
            Action::Reply(rows(vec![col("schema_version", ColumnType::Uuid)], &[None])),
            Action::Push(Response::Event(Event::StatusChange {
                change: "UP".into(),
                address: later,
            })),
        ],
        _ => vec![Action::Reply(void())],
    }))
    .await;
    let session = Session::builder()
        .known_node(first.addr.to_string())
        .protocol_version(ProtocolVersion::V4)
        .reconnection_policy(cassia_driver::policies::ConstantReconnectionPolicy::new(
            std::time::Duration::from_secs(600),
        ))
        .schema_agreement_timeout(std::time::Duration::from_millis(50))
        .build()
        .await
        .expect("session");
    let node = session
        .nodes()
        .into_iter()
        .find(|n| n.address() == later)
        .expect("peer listed");
    assert!(!node.is_up());
    // Give the pool time to fail its first attempt and enter the 10-minute backoff.
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;

    let _peer =
        MockServer::start_on(later, MockConfig::new(|_, _| vec![Action::Reply(void())])).await;
    // The control connection's schema query makes the mock push STATUS_CHANGE UP.
    let _ = session.await_schema_agreement().await;
    for _ in 0..100 {
        if node.is_up() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the node was not reconnected after the UP event");
}

#[tokio::test]
async fn the_control_connection_moves_to_a_discovered_node() {
    let second = MockServer::start(MockConfig::new(|req, _| match &req.request {
        Request::Query(q) if q.query == "SELECT schema_version FROM system.local" => {
            vec![Action::Reply(rows(
                vec![col("schema_version", ColumnType::Uuid)],
                &[Some(uuid::Uuid::from_u128(5).as_bytes().to_vec())],
            ))]
        }
        Request::Query(q) if q.query.contains("system.peers_v2") => vec![Action::Reply(rows(
            vec![
                col("native_address", ColumnType::Inet),
                col("schema_version", ColumnType::Uuid),
            ],
            &[],
        ))],
        _ => vec![Action::Reply(void())],
    }))
    .await;
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
        .heartbeat_interval(Some(std::time::Duration::from_millis(50)))
        .reconnection_policy(cassia_driver::policies::ConstantReconnectionPolicy::new(
            std::time::Duration::from_millis(20),
        ))
        .build()
        .await
        .expect("session");
    let registered = |s: &MockServer| {
        s.requests()
            .iter()
            .filter(|(_, f)| matches!(f.request, Request::Register(_)))
            .count()
    };
    assert_eq!(registered(&second), 0);
    // The contact point dies; the control connection must find the discovered node.
    first.stop();
    for _ in 0..150 {
        if registered(&second) > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(
        registered(&second),
        1,
        "control connection re-registered on the peer"
    );
    assert_eq!(
        session
            .await_schema_agreement()
            .await
            .expect("agreement via the peer"),
        uuid::Uuid::from_u128(5)
    );
}

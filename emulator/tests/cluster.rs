//! The simulated cluster seen from the wire: node addresses, `system.local`/`system.peers`
//! rows, replica placement against hand-computed rings, Unavailable counts as nodes stop,
//! events pushed on node changes, and the per-node request log.

mod cluster_support;

use std::collections::HashSet;
use std::net::IpAddr;

use cassia_emulator::{Emulator, NodeStatus};
use cassia_protocol::consistency::Consistency;
use cassia_protocol::response::{ErrorKind, Event, Response};
use cassia_protocol::value::CqlValue;
use cluster_support::{Raw, error, rows};

fn set_of_texts(v: &Option<CqlValue>) -> HashSet<String> {
    match v {
        Some(CqlValue::Set(items)) => items
            .iter()
            .map(|i| match i {
                CqlValue::Text(t) => t.clone(),
                other => panic!("token as text, got {other:?}"),
            })
            .collect(),
        other => panic!("a set, got {other:?}"),
    }
}

#[tokio::test]
async fn three_nodes_report_themselves_and_consistent_peers() {
    let emu = Emulator::builder()
        .nodes(3)
        .num_tokens(4)
        .start()
        .await
        .expect("start");
    let addrs = emu.node_addrs();
    assert_eq!(addrs.len(), 3);
    assert_eq!(
        addrs.iter().collect::<HashSet<_>>().len(),
        3,
        "distinct addresses"
    );
    if cfg!(target_os = "linux") {
        // The whole 127/8 is local on Linux: one port, consecutive addresses.
        assert_eq!(addrs[1].ip(), "127.0.0.2".parse::<IpAddr>().expect("ip"));
        assert!(addrs.iter().all(|a| a.port() == addrs[0].port()));
    }
    let infos = emu.nodes();
    for (i, addr) in addrs.iter().enumerate() {
        let mut raw = Raw::connect(*addr).await;
        let local = raw
            .rows("SELECT rpc_address, rpc_port, host_id, data_center, rack, tokens FROM system.local")
            .await;
        assert_eq!(local.len(), 1);
        assert_eq!(local[0]["rpc_address"], Some(CqlValue::Inet(addr.ip())));
        assert_eq!(
            local[0]["rpc_port"],
            Some(CqlValue::Int(i32::from(addr.port())))
        );
        assert_eq!(local[0]["host_id"], Some(CqlValue::Uuid(infos[i].host_id)));
        assert_eq!(
            local[0]["data_center"],
            Some(CqlValue::Text("datacenter1".into()))
        );
        assert_eq!(local[0]["rack"], Some(CqlValue::Text("rack1".into())));
        let tokens = set_of_texts(&local[0]["tokens"]);
        assert_eq!(tokens.len(), 4);
        let expected: HashSet<String> = infos[i].tokens.iter().map(i64::to_string).collect();
        assert_eq!(tokens, expected);

        let peers = raw
            .rows("SELECT native_address, native_port, host_id, data_center, rack, tokens, schema_version FROM system.peers_v2")
            .await;
        assert_eq!(peers.len(), 2, "node {i} sees the two others");
        for peer in &peers {
            let Some(CqlValue::Uuid(host)) = peer["host_id"] else {
                panic!("host id")
            };
            let other = infos
                .iter()
                .find(|n| n.host_id == host)
                .expect("known host");
            assert_ne!(other.index, i);
            assert_eq!(
                peer["native_address"],
                Some(CqlValue::Inet(other.addr.ip()))
            );
            assert_eq!(
                peer["native_port"],
                Some(CqlValue::Int(i32::from(other.addr.port())))
            );
            let expected: HashSet<String> = other.tokens.iter().map(i64::to_string).collect();
            assert_eq!(set_of_texts(&peer["tokens"]), expected);
        }
        let v1 = raw
            .rows("SELECT peer, rpc_address, host_id FROM system.peers")
            .await;
        assert_eq!(v1.len(), 2);
    }
    // No token is owned twice.
    let all: Vec<i64> = infos.iter().flat_map(|n| n.tokens.clone()).collect();
    assert_eq!(all.iter().collect::<HashSet<_>>().len(), 12);
}

#[tokio::test]
async fn replicas_follow_simple_and_network_topology_strategies() {
    // One token per node: node i has MIN + (i + 1) * 2^64 / 3.
    let emu = Emulator::builder()
        .nodes(3)
        .num_tokens(1)
        .start()
        .await
        .expect("start");
    let tokens: Vec<i64> = emu.nodes().iter().map(|n| n.tokens[0]).collect();
    assert_eq!(
        tokens,
        vec![
            -3_074_457_345_618_258_603,
            3_074_457_345_618_258_602,
            i64::MAX
        ]
    );
    let mut raw = Raw::connect(emu.addr()).await;
    raw.query(
        "CREATE KEYSPACE s2 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}",
        Consistency::One,
    )
    .await;
    assert_eq!(emu.replicas("s2", 0), vec![1, 2]);
    assert_eq!(emu.replicas("s2", -5_000_000_000_000_000_000), vec![0, 1]);
    assert_eq!(emu.replicas("s2", 4_000_000_000_000_000_000), vec![2, 0]);
    assert_eq!(
        emu.replicas("s2", tokens[1]),
        vec![1, 2],
        "a range ends at its token"
    );

    // dc1: nodes 0 (rack1), 1 (rack2); dc2: nodes 2 (rack1), 3 (rack2); node i has
    // token MIN + (i + 1) * 2^62, the last one clamped to MAX.
    let emu = Emulator::builder()
        .datacenters([("dc1", 2), ("dc2", 2)])
        .racks(2)
        .num_tokens(1)
        .start()
        .await
        .expect("start");
    let infos = emu.nodes();
    assert_eq!(infos[1].tokens, vec![0]);
    assert_eq!(infos[3].datacenter, "dc2");
    assert_eq!(infos[3].rack, "rack2");
    let mut raw = Raw::connect(emu.addr()).await;
    let created = raw
        .query(
            "CREATE KEYSPACE n11 WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 1, 'dc2': 1}",
            Consistency::One,
        )
        .await;
    assert!(matches!(created, Response::Result(_)), "{created:?}");
    raw.query(
        "CREATE KEYSPACE n20 WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 2}",
        Consistency::One,
    )
    .await;
    assert_eq!(emu.replicas("n11", 1), vec![2, 0]);
    assert_eq!(emu.replicas("n11", -10), vec![1, 2]);
    assert_eq!(emu.replicas("n20", i64::MIN + 5), vec![0, 1]);
    assert_eq!(emu.replicas("n20", 1), vec![0, 1]);
    // An unknown data centre is refused, as by Cassandra.
    let bad = raw
        .query(
            "CREATE KEYSPACE bad WITH replication = {'class': 'NetworkTopologyStrategy', 'dc9': 1}",
            Consistency::One,
        )
        .await;
    assert_eq!(error(bad).kind, ErrorKind::ConfigError);
}

fn unavailable(response: Response) -> (Consistency, i32, i32) {
    match error(response).kind {
        ErrorKind::Unavailable {
            consistency,
            required,
            alive,
        } => (consistency, required, alive),
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[tokio::test]
async fn unavailable_counts_follow_stopped_nodes() {
    let emu = Emulator::builder().nodes(3).start().await.expect("start");
    let mut raw = Raw::connect(emu.addr()).await;
    raw.query(
        "CREATE KEYSPACE r3 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}",
        Consistency::One,
    )
    .await;
    raw.query(
        "CREATE TABLE r3.t (k int PRIMARY KEY, v int)",
        Consistency::One,
    )
    .await;
    let write = "INSERT INTO r3.t (k, v) VALUES (1, 1)";
    let read = "SELECT * FROM r3.t WHERE k = 1";
    assert!(matches!(
        raw.query(write, Consistency::All).await,
        Response::Result(_)
    ));

    emu.node(2).stop().await.expect("stop");
    assert_eq!(emu.node(2).info().status, NodeStatus::Down);
    assert!(matches!(
        raw.query(read, Consistency::Quorum).await,
        Response::Result(_)
    ));
    assert_eq!(
        unavailable(raw.query(read, Consistency::All).await),
        (Consistency::All, 3, 2)
    );
    emu.node(1).stop().await.expect("stop");
    let e = error(raw.query(write, Consistency::Quorum).await);
    assert_eq!(e.message, "Cannot achieve consistency level QUORUM");
    assert_eq!(unavailable(Response::Error(e)), (Consistency::Quorum, 2, 1));
    assert_eq!(
        unavailable(raw.query(read, Consistency::Two).await),
        (Consistency::Two, 2, 1)
    );
    // A range scan needs every range to reach the level.
    assert_eq!(
        unavailable(raw.query("SELECT * FROM r3.t", Consistency::Quorum).await),
        (Consistency::Quorum, 2, 1)
    );
    assert!(matches!(
        raw.query(read, Consistency::One).await,
        Response::Result(_)
    ));
    assert!(matches!(
        raw.query(write, Consistency::Any).await,
        Response::Result(_)
    ));
    // Back up: quorum again.
    emu.node(1).start().await.expect("start");
    assert!(matches!(
        raw.query(read, Consistency::Quorum).await,
        Response::Result(_)
    ));
    let again = Raw::connect(emu.node(1).addr()).await;
    drop(again);
}

#[tokio::test]
async fn a_single_node_cannot_serve_quorum_of_three_replicas() {
    let emu = Emulator::builder().start().await.expect("start");
    let mut raw = Raw::connect(emu.addr()).await;
    raw.query(
        "CREATE KEYSPACE r3 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}",
        Consistency::One,
    )
    .await;
    raw.query("CREATE TABLE r3.t (k int PRIMARY KEY)", Consistency::One)
        .await;
    assert_eq!(
        unavailable(
            raw.query("SELECT * FROM r3.t WHERE k = 1", Consistency::Quorum)
                .await
        ),
        (Consistency::Quorum, 2, 1)
    );
    assert!(matches!(
        raw.query("SELECT * FROM r3.t WHERE k = 1", Consistency::One)
            .await,
        Response::Result(_)
    ));
}

#[tokio::test]
async fn local_and_each_quorum_count_per_data_centre() {
    let emu = Emulator::builder()
        .datacenters([("dc1", 3), ("dc2", 2)])
        .start()
        .await
        .expect("start");
    let mut dc1 = Raw::connect(emu.node(0).addr()).await;
    dc1.query(
        "CREATE KEYSPACE n WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 2}",
        Consistency::One,
    )
    .await;
    dc1.query("CREATE TABLE n.t (k int PRIMARY KEY)", Consistency::One)
        .await;
    let write = "INSERT INTO n.t (k) VALUES (7)";
    emu.node(4).stop().await.expect("stop");
    assert!(matches!(
        dc1.query(write, Consistency::LocalQuorum).await,
        Response::Result(_)
    ));
    let e = error(dc1.query(write, Consistency::EachQuorum).await);
    assert_eq!(
        e.message,
        "Cannot achieve consistency level EACH_QUORUM in DC dc2"
    );
    assert_eq!(
        unavailable(Response::Error(e)),
        (Consistency::EachQuorum, 2, 1)
    );
    let mut dc2 = Raw::connect(emu.node(3).addr()).await;
    assert_eq!(
        unavailable(dc2.query(write, Consistency::LocalQuorum).await),
        (Consistency::LocalQuorum, 2, 1)
    );
    assert!(matches!(
        dc2.query(write, Consistency::LocalOne).await,
        Response::Result(_)
    ));
    // QUORUM of 5 is 3: the three dc1 replicas are enough.
    assert!(matches!(
        dc2.query(write, Consistency::Quorum).await,
        Response::Result(_)
    ));
}

fn status(event: Event) -> (String, std::net::SocketAddr) {
    match event {
        Event::StatusChange { change, address } | Event::TopologyChange { change, address } => {
            (change, address)
        }
        other => panic!("a node event, got {other:?}"),
    }
}

#[tokio::test]
async fn node_changes_are_pushed_to_registered_connections() {
    let emu = Emulator::builder().nodes(3).start().await.expect("start");
    let addrs = emu.node_addrs();
    let mut watcher = Raw::connect(addrs[0]).await;
    watcher
        .register(&["TOPOLOGY_CHANGE", "STATUS_CHANGE"])
        .await;
    let mut on_stopped = Raw::connect(addrs[1]).await;

    emu.node(1).stop().await.expect("stop");
    assert_eq!(
        status(watcher.next_event().await),
        ("DOWN".into(), addrs[1])
    );
    assert!(
        on_stopped.closed().await,
        "the stopped node's connections are closed"
    );
    assert!(
        tokio::net::TcpStream::connect(addrs[1]).await.is_err(),
        "a stopped node refuses connections"
    );
    emu.node(1).start().await.expect("start");
    assert_eq!(status(watcher.next_event().await), ("UP".into(), addrs[1]));
    let mut back = Raw::connect(addrs[1]).await;
    let local = back.rows("SELECT host_id FROM system.local").await;
    assert_eq!(
        local[0]["host_id"],
        Some(CqlValue::Uuid(emu.node(1).info().host_id))
    );

    emu.node(2).decommission().await.expect("decommission");
    assert_eq!(
        status(watcher.next_event().await),
        ("REMOVED_NODE".into(), addrs[2])
    );
    let peers = watcher.rows("SELECT peer FROM system.peers").await;
    assert_eq!(peers.len(), 1, "the decommissioned node left the peers");
    assert!(emu.node(2).start().await.is_err(), "it cannot come back");

    let added = emu.add_node("datacenter1", "rack1").await.expect("add");
    assert_eq!(added, 3);
    let new_addr = emu.node(3).addr();
    assert_eq!(
        status(watcher.next_event().await),
        ("NEW_NODE".into(), new_addr)
    );
    assert_eq!(status(watcher.next_event().await), ("UP".into(), new_addr));
    let peers = watcher.rows("SELECT peer FROM system.peers_v2").await;
    assert_eq!(peers.len(), 2);
    assert_eq!(emu.node(3).info().tokens.len(), 16);
    let mut fresh = Raw::connect(new_addr).await;
    assert_eq!(fresh.rows("SELECT key FROM system.local").await.len(), 1);
}

#[tokio::test]
async fn each_node_logs_what_it_coordinated() {
    let emu = Emulator::builder()
        .nodes(3)
        .record_requests(true)
        .start()
        .await
        .expect("start");
    let mut raw = Raw::connect(emu.node(0).addr()).await;
    raw.query(
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        Consistency::One,
    )
    .await;
    raw.query(
        "CREATE TABLE ks.t (k int PRIMARY KEY, v int)",
        Consistency::One,
    )
    .await;
    let mut second = Raw::connect(emu.node(2).addr()).await;
    let r = second
        .query(
            "INSERT INTO ks.t (k, v) VALUES (1, 2)",
            Consistency::LocalQuorum,
        )
        .await;
    assert!(matches!(r, Response::Result(_)), "{r:?}");
    assert!(emu.node(1).take_requests().is_empty());
    let log = emu.node(2).take_requests();
    let insert = log
        .iter()
        .find(|r| r.cql.starts_with("INSERT"))
        .expect("the insert is logged on node 2");
    assert_eq!(insert.node, 2);
    assert_eq!(insert.consistency, Some(Consistency::LocalQuorum));
    assert_eq!(
        insert.keyspace, None,
        "no USE and no keyspace in the request"
    );
    assert_eq!(
        insert.token,
        Some(-4_069_959_284_402_364_209),
        "token(1) of an int key"
    );
    let first = emu.node(0).take_requests();
    assert!(first.iter().any(|r| r.cql.starts_with("CREATE TABLE")));
    assert!(emu.node(0).take_requests().is_empty(), "taken");
    let _ = rows;
}

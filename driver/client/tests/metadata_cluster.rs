//! Schema metadata on a simulated three-node cluster: a change made through one node shows
//! in the metadata of a session whose control connection is on another, and the replicas
//! the driver computes for a partition key are the emulator's own placement.

mod common;

use std::time::Duration;

use cassia_driver::Session;
use cassia_protocol::token::murmur3_token;

async fn connect(node: std::net::SocketAddr) -> Session {
    Session::builder()
        .known_node(node.to_string())
        .schema_refresh_debounce(Duration::from_millis(50))
        .build()
        .await
        .expect("session")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_through_one_node_is_seen_through_another() {
    let emu = common::emulator::cluster().await;
    let nodes = emu.node_addrs();
    let writer = connect(nodes[0]).await;
    let reader = connect(nodes[2]).await;
    for cql in [
        "CREATE KEYSPACE spread WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}",
        "CREATE TABLE spread.t (id int PRIMARY KEY, v text)",
    ] {
        writer.query(cql, ()).await.expect("ddl");
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while reader.metadata().table("spread", "t").is_none() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the reader (control connection on {}) never saw spread.t",
            nodes[2]
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_match_the_emulators_placement() {
    let emu = common::emulator::cluster().await;
    let nodes = emu.node_addrs();
    let session = connect(nodes[1]).await;
    for (keyspace, rf) in [("rf3", 3), ("rf2", 2), ("rf1", 1)] {
        common::emulator::create_keyspace(&session, keyspace, rf).await;
        session
            .query(
                format!("CREATE TABLE {keyspace}.t (k text PRIMARY KEY, v int)"),
                (),
            )
            .await
            .expect("create table");
        session.refresh_keyspace(keyspace).await.expect("read");
        for key in [
            "a", "b", "carrot", "delta", "echo", "foxtrot", "golf", "hotel",
        ] {
            let driver: Vec<_> = session
                .replicas(keyspace, "t", (key,))
                .expect("replicas")
                .iter()
                .map(|n| n.address())
                .collect();
            let token = murmur3_token(key.as_bytes());
            let emulator: Vec<_> = emu
                .replicas(keyspace, token)
                .into_iter()
                .map(|i| nodes[i])
                .collect();
            assert_eq!(driver.len(), rf, "{keyspace} key {key}");
            assert_eq!(driver, emulator, "{keyspace} key {key} (token {token})");
            assert_eq!(
                session.token_map().replicas(keyspace, token).len(),
                rf,
                "the token map answers by token too"
            );
        }
    }
}

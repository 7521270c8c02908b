//! The driver's routing on simulated clusters: with the default policy (token-aware over
//! DC-aware round robin) every single-partition prepared statement is coordinated by a
//! replica of its partition, and with a local data centre set no request leaves it while a
//! local node is up. Checked from the emulator's per-node request logs, not from the
//! driver's own idea of where it sent things.

mod common;

use std::sync::Arc;

use cassia_driver::policies::{DcAwareRoundRobinPolicy, TokenAwarePolicy};
use cassia_driver::{Consistency, ExecutionProfile, Session};
use cassia_emulator::engine::{LoggedRequest, RequestKind};
use cassia_emulator::{Emulator, EmulatorHandle};

async fn cluster(builder: cassia_emulator::EmulatorBuilder) -> EmulatorHandle {
    builder
        .record_requests(true)
        .start()
        .await
        .expect("cluster starts")
}

/// Every request every node logged (and forgets).
fn logged(emulator: &EmulatorHandle) -> Vec<LoggedRequest> {
    (0..emulator.node_addrs().len())
        .flat_map(|i| emulator.node(i).take_requests())
        .collect()
}

/// The EXECUTEs on one partition of `keyspace`, as (coordinator, token).
fn executes(requests: &[LoggedRequest], keyspace: &str) -> Vec<(usize, i64)> {
    requests
        .iter()
        .filter(|r| r.kind == RequestKind::Execute && r.cql.contains(&format!("{keyspace}.t")))
        .filter_map(|r| r.token.map(|t| (r.node, t)))
        .collect()
}

fn drain(emulator: &EmulatorHandle) {
    logged(emulator);
}

async fn writes(session: &Session, keyspace: &str, n: i32) {
    let insert = session
        .prepare(format!("INSERT INTO {keyspace}.t (k, v) VALUES (?, ?)"))
        .await
        .expect("prepare insert");
    let select = session
        .prepare(format!("SELECT v FROM {keyspace}.t WHERE k = ?"))
        .await
        .expect("prepare select");
    for k in 0..n {
        session.execute(&insert, (k, k * 10)).await.expect("insert");
        let (v,): (i32,) = session
            .execute(&select, (k,))
            .await
            .expect("select")
            .first_row()
            .expect("row");
        assert_eq!(v, k * 10);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn single_partition_statements_go_to_a_replica_simple_strategy() {
    let emulator = cluster(Emulator::builder().nodes(3)).await;
    assert_eq!(emulator.node_addrs().len(), 3);
    let session = Session::builder()
        .known_node(emulator.addr())
        .build()
        .await
        .expect("session");
    assert_eq!(session.nodes().len(), 3, "the two peers are discovered");
    for (ks, rf) in [("rf1", 1), ("rf2", 2)] {
        common::emulator::create_keyspace(&session, ks, rf).await;
        session
            .query(
                format!("CREATE TABLE {ks}.t (k int PRIMARY KEY, v int)"),
                (),
            )
            .await
            .expect("table");
    }
    session.await_schema_agreement().await.expect("agreement");
    // The driver reads replication when the keyspace appears; give it a fresh look.
    let session = Session::builder()
        .known_node(emulator.addr())
        .build()
        .await
        .expect("second session");
    for ks in ["rf1", "rf2"] {
        drain(&emulator);
        writes(&session, ks, 100).await;
        let sent = executes(&logged(&emulator), ks);
        assert_eq!(sent.len(), 200, "{ks}: every insert and select was logged");
        let mut per_node = [0usize; 3];
        for (node, token) in &sent {
            let replicas = emulator.replicas(ks, *token);
            assert!(
                replicas.contains(node),
                "{ks}: token {token} coordinated by node {node}, replicas {replicas:?}"
            );
            per_node[*node] += 1;
        }
        assert!(
            per_node.iter().all(|n| *n > 0),
            "{ks}: every node owns some keys: {per_node:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_data_centre_keeps_requests_local_network_topology_strategy() {
    let emulator = cluster(Emulator::builder().datacenters([("dc1", 3), ("dc2", 2)])).await;
    assert_eq!(emulator.nodes().len(), 5);
    let in_dc1 = [0usize, 1, 2];
    let setup = Session::builder()
        .known_node(emulator.addr())
        .build()
        .await
        .expect("setup session");
    setup
        .query(
            "CREATE KEYSPACE nts WITH replication = \
             {'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 1}",
            (),
        )
        .await
        .expect("keyspace");
    setup
        .query("CREATE TABLE nts.t (k int PRIMARY KEY, v int)", ())
        .await
        .expect("table");
    setup.await_schema_agreement().await.expect("agreement");
    setup.shutdown().await;

    let local = ExecutionProfile::new()
        .with_consistency(Consistency::LocalQuorum)
        .with_load_balancing_policy(Arc::new(TokenAwarePolicy::new(Arc::new(
            DcAwareRoundRobinPolicy::new("dc1"),
        ))));
    // Contact the cluster through a dc2 node: the policy still keeps to dc1.
    let session = Session::builder()
        .known_node(emulator.node(3).addr())
        .default_execution_profile(local)
        .build()
        .await
        .expect("session");
    drain(&emulator);
    writes(&session, "nts", 100).await;
    let requests = logged(&emulator);
    let sent = executes(&requests, "nts");
    assert_eq!(sent.len(), 200);
    for (node, token) in &sent {
        assert!(
            in_dc1.contains(node),
            "node {node} of dc2 coordinated a request"
        );
        let replicas = emulator.replicas("nts", *token);
        assert!(
            replicas.contains(node),
            "token {token}: coordinator {node} is not a replica ({replicas:?})"
        );
    }
    // No LOCAL_QUORUM request of any kind reached a dc2 coordinator.
    let local_quorum: Vec<&LoggedRequest> = requests
        .iter()
        .filter(|r| r.consistency == Some(Consistency::LocalQuorum))
        .collect();
    assert!(local_quorum.len() >= 200);
    assert!(
        local_quorum.iter().all(|r| r.node < 3),
        "a LOCAL_QUORUM request left dc1"
    );
}

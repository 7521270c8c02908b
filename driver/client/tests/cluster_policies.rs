//! The driver's cluster behaviour on a simulated 3-node cluster, checked from the emulator's
//! per-node request logs: retries go to the next node of the plan, requests in flight on a
//! stopped node fail over, speculative executions beat a slow node (and never run for
//! non-idempotent statements), and a host filter keeps a node from coordinating.
//!
//! Timings only bound "it happens": delays are long (seconds) and assertions are on which
//! node ran what.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cassia_driver::cluster::Node;
use cassia_driver::error::{ErrorKind, ExecuteError};
use cassia_driver::policies::{
    ConstantSpeculativeExecutionPolicy, FallthroughRetryPolicy, HostFilterPolicy,
    LoadBalancingPolicy, QueryPlan, RoundRobinPolicy, RoutingInfo,
};
use cassia_driver::{Consistency, ExecutionProfile, Session, Statement};
use cassia_emulator::{EmulatorHandle, Fault, FaultRule};

/// Plans `first` first, then the other nodes by address: the test knows which node is
/// tried first and which next.
#[derive(Debug)]
struct FirstThenByAddress(SocketAddr);

impl LoadBalancingPolicy for FirstThenByAddress {
    fn plan(&self, _: &RoutingInfo<'_>, nodes: &[Arc<Node>]) -> QueryPlan {
        let mut sorted: Vec<Arc<Node>> = nodes.iter().filter(|n| n.is_up()).cloned().collect();
        sorted.sort_by_key(|n| (n.address() != self.0, n.address()));
        sorted.into()
    }
}

/// Node 0 answers every `release_version` query with `fault`; the request log is cleared of
/// what came before, so that `coordinated` counts only the test's own.
fn node_0_answers_with(emulator: &EmulatorHandle, fault: Fault) {
    emulator.add_rule(
        FaultRule::new()
            .node(0)
            .cql_contains("release_version")
            .then(fault),
    );
    coordinated(emulator, "release_version");
}

/// A session whose plans start at node 0, then go by address, with `profile` applied.
async fn session(
    emulator: &EmulatorHandle,
    profile: impl FnOnce(ExecutionProfile) -> ExecutionProfile,
) -> Session {
    let first = emulator.node(0).addr();
    Session::builder()
        .known_node(emulator.addr())
        .default_execution_profile(profile(
            ExecutionProfile::new()
                .with_consistency(Consistency::One)
                .with_request_timeout(Duration::from_secs(20))
                .with_load_balancing_policy(Arc::new(FirstThenByAddress(first))),
        ))
        .build()
        .await
        .expect("session")
}

/// The node that comes second in the plans of [`session`].
fn second_node(emulator: &EmulatorHandle) -> usize {
    let mut others: Vec<(SocketAddr, usize)> =
        (1..3).map(|i| (emulator.node(i).addr(), i)).collect();
    others.sort();
    others[0].1
}

/// How many requests containing `cql` each node coordinated (the logs are emptied).
fn coordinated(emulator: &EmulatorHandle, cql: &str) -> Vec<usize> {
    (0..3)
        .map(|i| {
            emulator
                .node(i)
                .take_requests()
                .iter()
                .filter(|r| r.cql.contains(cql))
                .count()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overloaded_node_sends_idempotent_statements_to_the_next_node_only() {
    let emulator = common::emulator::cluster().await;
    let session = session(&emulator, |p| p).await;
    node_0_answers_with(&emulator, Fault::overloaded());
    let cql = "SELECT release_version FROM system.local";

    let idempotent = Statement::new(cql).with_idempotent(true);
    let result = session
        .query(idempotent, ())
        .await
        .expect("the next node answers");
    let second = second_node(&emulator);
    assert_eq!(result.node(), emulator.node(second).addr());
    let per_node = coordinated(&emulator, "release_version");
    assert_eq!(per_node[second], 1, "{per_node:?}");
    assert_eq!(
        per_node.iter().sum::<usize>() - per_node[0],
        1,
        "{per_node:?}"
    );

    let err = session
        .query(Statement::new(cql), ())
        .await
        .expect_err("not idempotent: not retried");
    let server = err.server_error().expect("the server's error");
    assert_eq!(server.kind, ErrorKind::Overloaded, "{err}");
    let per_node = coordinated(&emulator, "release_version");
    assert_eq!(
        per_node[1] + per_node[2],
        0,
        "no other node saw it: {per_node:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_in_flight_on_a_stopped_node_fail_at_once_and_idempotent_ones_fail_over() {
    let emulator = common::emulator::cluster().await;
    let session = session(&emulator, |p| p).await;
    // Node 0 holds its answers long enough for the node to be stopped under them.
    emulator.add_rule(
        FaultRule::new()
            .node(0)
            .cql_contains("release_version")
            .then(Fault::Delay(Duration::from_secs(30))),
    );
    let cql = "SELECT release_version FROM system.local";
    let started = Instant::now();
    let idempotent = session.query(Statement::new(cql).with_idempotent(true), ());
    let plain = session.query(Statement::new(cql), ());
    let stop = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        emulator.node(0).stop().await.expect("stop node 0");
    };
    let (idempotent, plain, ()) = tokio::join!(idempotent, plain, stop);
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(15),
        "the broken connection failed its requests at once, not at the timeout: {took:?}"
    );
    let result = idempotent.expect("retried on the next node");
    assert_eq!(result.node(), emulator.node(second_node(&emulator)).addr());
    match plain {
        Err(ExecuteError::Connection { node, .. }) => assert_eq!(node, emulator.node(0).addr()),
        other => panic!("expected a connection error from node 0, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_speculative_execution_answers_before_a_slow_node() {
    let emulator = common::emulator::cluster().await;
    let session = session(&emulator, |p| {
        p.with_retry_policy(Arc::new(FallthroughRetryPolicy))
            .with_speculative_execution_policy(Some(Arc::new(
                ConstantSpeculativeExecutionPolicy::new(Duration::from_millis(100), 1),
            )))
    })
    .await;
    node_0_answers_with(&emulator, Fault::Delay(Duration::from_secs(10)));
    let cql = "SELECT release_version FROM system.local";

    let started = Instant::now();
    let result = session
        .query(Statement::new(cql).with_idempotent(true), ())
        .await
        .expect("the speculative execution answers");
    let took = started.elapsed();
    let second = second_node(&emulator);
    assert_eq!(result.node(), emulator.node(second).addr());
    assert!(
        took < Duration::from_secs(8),
        "well before the 10 s delay: {took:?}"
    );
    // One execution per node: the slow first one and the speculative one, never a third.
    let per_node = coordinated(&emulator, "release_version");
    assert_eq!(per_node[second], 1, "{per_node:?}");
    assert_eq!(per_node.iter().sum::<usize>(), 2, "{per_node:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_that_is_not_idempotent_is_never_sent_twice() {
    let emulator = common::emulator::cluster().await;
    let session = session(&emulator, |p| {
        p.with_speculative_execution_policy(Some(Arc::new(
            ConstantSpeculativeExecutionPolicy::new(Duration::from_millis(50), 2),
        )))
    })
    .await;
    node_0_answers_with(&emulator, Fault::Delay(Duration::from_secs(1)));
    let result = session
        .query("SELECT release_version FROM system.local", ())
        .await
        .expect("the slow node answers in the end");
    assert_eq!(result.node(), emulator.node(0).addr());
    let per_node = coordinated(&emulator, "release_version");
    assert_eq!(per_node, vec![1, 0, 0], "only node 0 ran it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filtered_node_never_coordinates() {
    let emulator = common::emulator::cluster().await;
    let excluded = emulator.node(2).addr();
    let session = Session::builder()
        .known_node(emulator.addr())
        .default_execution_profile(ExecutionProfile::new().with_load_balancing_policy(Arc::new(
            HostFilterPolicy::new(Arc::new(RoundRobinPolicy::new()), move |n| {
                n.address() != excluded
            }),
        )))
        .build()
        .await
        .expect("session");
    coordinated(&emulator, "release_version");
    for _ in 0..30 {
        session
            .query("SELECT release_version FROM system.local", ())
            .await
            .expect("query");
    }
    let per_node = coordinated(&emulator, "release_version");
    assert_eq!(per_node[2], 0, "{per_node:?}");
    assert_eq!(per_node[0] + per_node[1], 30, "{per_node:?}");
    assert!(
        per_node[0] > 0 && per_node[1] > 0,
        "spread over the others: {per_node:?}"
    );
}

/// Sends one node's reported address somewhere else (here: a port nothing listens on).
#[derive(Debug)]
struct Redirect {
    from: SocketAddr,
    to: SocketAddr,
}

impl cassia_driver::policies::AddressTranslator for Redirect {
    fn translate(&self, reported: SocketAddr) -> SocketAddr {
        if reported == self.from {
            self.to
        } else {
            reported
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peers_are_reached_at_their_translated_addresses() {
    let emulator = common::emulator::cluster().await;
    let reported = emulator.node(2).addr();
    // A port that was just free: nothing listens there.
    let unreachable = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port");
    let session = Session::builder()
        .known_node(emulator.addr())
        .address_translator(Redirect {
            from: reported,
            to: unreachable,
        })
        .default_execution_profile(
            ExecutionProfile::new().with_load_balancing_policy(Arc::new(RoundRobinPolicy::new())),
        )
        .build()
        .await
        .expect("session");
    let mut known: Vec<SocketAddr> = session.nodes().iter().map(|n| n.address()).collect();
    known.sort();
    let mut expected = vec![
        emulator.node(0).addr(),
        emulator.node(1).addr(),
        unreachable,
    ];
    expected.sort();
    assert_eq!(
        known, expected,
        "node 2 is known by its translated address only"
    );
    coordinated(&emulator, "release_version");
    for _ in 0..12 {
        session
            .query("SELECT release_version FROM system.local", ())
            .await
            .expect("the reachable nodes answer");
    }
    let per_node = coordinated(&emulator, "release_version");
    assert_eq!(per_node[2], 0, "{per_node:?}");
}

//! The default retry policy's decisions, each triggered by an emulator fault rule on node 0
//! of a 3-node cluster and observed in the nodes' request logs: the plan is fixed to
//! "node 0, then node 1", so a retry on the same node executes on node 0 and a retry on the
//! next node executes on node 1 (a faulted request is answered before it executes, so it
//! is not in any log).

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use cassia_driver::cluster::Node;
use cassia_driver::error::{ErrorKind, ExecuteError, WriteType};
use cassia_driver::policies::{LoadBalancingPolicy, QueryPlan, RoutingInfo};
use cassia_driver::{Batch, BatchType, Consistency, ExecutionProfile, Session};
use cassia_emulator::engine::RequestKind;
use cassia_emulator::{EmulatorHandle, Fault, FaultRule};

/// Always the same nodes, in the same order.
#[derive(Debug)]
struct Fixed(Vec<SocketAddr>);

impl LoadBalancingPolicy for Fixed {
    fn plan(&self, _: &RoutingInfo<'_>, nodes: &[Arc<Node>]) -> QueryPlan {
        self.0
            .iter()
            .filter_map(|a| nodes.iter().find(|n| n.address() == *a).cloned())
            .collect()
    }
}

struct Cluster {
    emulator: EmulatorHandle,
    session: Session,
}

async fn cluster() -> Cluster {
    let emulator = common::emulator::cluster().await;
    let addrs = emulator.node_addrs();
    let session = Session::builder()
        .known_node(emulator.addr())
        .default_execution_profile(
            ExecutionProfile::new()
                .with_consistency(Consistency::One)
                .with_request_timeout(Duration::from_millis(500))
                .with_load_balancing_policy(Arc::new(Fixed(vec![addrs[0], addrs[1]]))),
        )
        .build()
        .await
        .expect("session");
    common::emulator::create_keyspace(&session, "ft", 3).await;
    session
        .query("CREATE TABLE ft.t (k int PRIMARY KEY, v int)", ())
        .await
        .expect("table");
    session
        .query("INSERT INTO ft.t (k, v) VALUES (1, 10)", ())
        .await
        .expect("row");
    Cluster { emulator, session }
}

/// How many statements on `ft.t` of `kind` each of nodes 0 and 1 executed since last asked.
fn executed(c: &Cluster, kind: RequestKind) -> [usize; 2] {
    let mut out = [0; 2];
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = c
            .emulator
            .node(i)
            .take_requests()
            .iter()
            .filter(|r| r.kind == kind && r.cql.contains("ft.t"))
            .count();
    }
    c.emulator.node(2).take_requests();
    out
}

fn on_node0(cql: &str, fault: Fault) -> FaultRule {
    FaultRule::new()
        .node(0)
        .cql_contains(cql)
        .then(fault)
        .times(1)
}

fn server_kind(e: &ExecuteError) -> Option<&ErrorKind> {
    match e {
        ExecuteError::Server { error, .. } => Some(&error.kind),
        ExecuteError::NoNodeAvailable { errors, .. } => errors.last().and_then(server_kind),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_failure_gets_the_default_policys_decision() {
    let c = cluster().await;
    let select = c
        .session
        .prepare("SELECT v FROM ft.t WHERE k = ?")
        .await
        .expect("prepare select")
        .with_idempotent(true);
    let insert = c
        .session
        .prepare("INSERT INTO ft.t (k, v) VALUES (?, ?)")
        .await
        .expect("prepare insert")
        .with_idempotent(true);
    executed(&c, RequestKind::Execute);

    // Read timeout, enough replicas answered but not the data: retried once, same node.
    c.emulator.add_rule(on_node0(
        "FROM ft.t",
        Fault::read_timeout(Consistency::One, 1, 1, false),
    ));
    let (v,): (i32,) = c
        .session
        .execute(&select, (1,))
        .await
        .expect("retried read")
        .first_row()
        .expect("row");
    assert_eq!(v, 10);
    assert_eq!(executed(&c, RequestKind::Execute), [1, 0], "same node");

    // Read timeout with too few replicas: rethrown, nothing else sent.
    c.emulator.add_rule(on_node0(
        "FROM ft.t",
        Fault::read_timeout(Consistency::One, 0, 1, false),
    ));
    let err = c
        .session
        .execute(&select, (1,))
        .await
        .expect_err("rethrown");
    assert!(
        matches!(
            server_kind(&err),
            Some(ErrorKind::ReadTimeout { received: 0, .. })
        ),
        "{err}"
    );
    assert_eq!(executed(&c, RequestKind::Execute), [0, 0]);

    // Unavailable: tried once on the next node.
    c.emulator.add_rule(on_node0(
        "FROM ft.t",
        Fault::unavailable(Consistency::One, 1, 0),
    ));
    c.session
        .execute(&select, (1,))
        .await
        .expect("next node answers");
    assert_eq!(executed(&c, RequestKind::Execute), [0, 1], "next node");

    // Write timeout of a simple write: rethrown even when idempotent.
    c.emulator.add_rule(on_node0(
        "INTO ft.t",
        Fault::write_timeout(Consistency::One, 0, 1, WriteType::Simple),
    ));
    let err = c
        .session
        .execute(&insert, (2, 20))
        .await
        .expect_err("rethrown");
    assert!(
        matches!(
            server_kind(&err),
            Some(ErrorKind::WriteTimeout {
                write_type: WriteType::Simple,
                ..
            })
        ),
        "{err}"
    );
    assert_eq!(executed(&c, RequestKind::Execute), [0, 0]);

    // Write timeout writing the batch log, idempotent batch: retried once, same node.
    c.emulator.add_rule(on_node0(
        "INTO ft.t",
        Fault::write_timeout(Consistency::One, 0, 1, WriteType::BatchLog),
    ));
    let batch = Batch::new(BatchType::Logged)
        .with_prepared(&insert)
        .with_idempotent(true);
    c.session
        .batch(&batch, &[(3, 30)])
        .await
        .expect("retried batch");
    assert_eq!(executed(&c, RequestKind::Batch), [1, 0], "same node");

    // No answer within the request timeout: the timeout is the whole request's budget
    // (retries included), so it ends the request even for an idempotent read; not waiting on
    // a slow node is speculative execution's job.
    c.emulator.add_rule(on_node0("FROM ft.t", Fault::Drop));
    let started = std::time::Instant::now();
    let err = c
        .session
        .execute(&select, (1,))
        .await
        .expect_err("the budget is spent");
    assert!(matches!(err, ExecuteError::Timeout { .. }), "{err}");
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(executed(&c, RequestKind::Execute), [0, 0]);
}

//! A node stopped under load on a simulated 3-node cluster: every request ends (success or
//! a clear error) within its timeout, no acknowledged write is lost, and the node takes
//! traffic again soon after it comes back. Checked from the emulator's per-node logs.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use cassia_driver::policies::ConstantReconnectionPolicy;
use cassia_driver::{Consistency, ExecutionProfile, Session};
use cassia_emulator::engine::RequestKind;
use tokio::sync::Mutex;

const TIMEOUT: Duration = Duration::from_secs(2);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_stopped_under_load_loses_no_acknowledged_write() {
    let emulator = common::emulator::cluster().await;
    let session = Session::builder()
        .known_node(emulator.addr())
        .default_execution_profile(
            ExecutionProfile::new()
                .with_consistency(Consistency::One)
                .with_request_timeout(TIMEOUT),
        )
        .reconnection_policy(ConstantReconnectionPolicy::new(Duration::from_millis(200)))
        .build()
        .await
        .expect("session");
    common::emulator::create_keyspace(&session, "fo", 3).await;
    session
        .query("CREATE TABLE fo.t (k int PRIMARY KEY, v int)", ())
        .await
        .expect("table");
    session.await_schema_agreement().await.expect("agreement");
    let insert = session
        .prepare("INSERT INTO fo.t (k, v) VALUES (?, ?)")
        .await
        .expect("prepare")
        .with_idempotent(true);

    // 1,000 idempotent writes from 20 writers, spread over about a second; node 1 stops
    // in the middle of them.
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let failures = Arc::new(Mutex::new(Vec::new()));
    let mut writers = tokio::task::JoinSet::new();
    for w in 0..20 {
        let (session, insert) = (session.clone(), insert.clone());
        let (acknowledged, failures) = (acknowledged.clone(), failures.clone());
        writers.spawn(async move {
            for i in 0..50 {
                let k = w * 50 + i;
                let started = Instant::now();
                let outcome = session.execute(&insert, (k, k)).await;
                let took = started.elapsed();
                assert!(
                    took < TIMEOUT + Duration::from_secs(3),
                    "write {k} took {took:?}, past its timeout"
                );
                match outcome {
                    Ok(_) => acknowledged.lock().await.push(k),
                    Err(e) => failures.lock().await.push(e.to_string()),
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        });
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    emulator.node(1).stop().await.expect("stop node 1");
    while let Some(done) = writers.join_next().await {
        done.expect("writer finished without panicking");
    }
    let acknowledged = acknowledged.lock().await.clone();
    let failures = failures.lock().await.clone();
    assert_eq!(
        acknowledged.len() + failures.len(),
        1000,
        "every write ended"
    );
    assert!(
        failures.len() < 50,
        "idempotent writes move to another node: {} failed, e.g. {:?}",
        failures.len(),
        failures.first()
    );

    // Every acknowledged write is there.
    let select = session
        .prepare("SELECT v FROM fo.t WHERE k = ?")
        .await
        .expect("prepare select");
    for k in &acknowledged {
        let (v,): (i32,) = session
            .execute(&select, (*k,))
            .await
            .expect("read")
            .first_row()
            .expect("acknowledged row present");
        assert_eq!(v, *k);
    }

    // Back up: node 1 coordinates again well within a few reconnection delays.
    emulator.node(1).take_requests();
    emulator.node(1).start().await.expect("start node 1");
    let back = Instant::now();
    let mut served = false;
    while back.elapsed() < Duration::from_secs(10) && !served {
        for k in 0..30 {
            session
                .execute(&select, (k,))
                .await
                .expect("read after restart");
        }
        served = emulator
            .node(1)
            .take_requests()
            .iter()
            .any(|r| r.kind == RequestKind::Execute);
    }
    assert!(served, "node 1 got no request within 10 s of coming back");
}

//! Fault rules and paused nodes observed by a raw client: errors (decoded per protocol
//! version by the protocol crate), delays, drops, closes, limits and node filters.

mod cluster_support;

use std::time::Duration;

use cassia_emulator::{Emulator, Fault, FaultRule};
use cassia_protocol::consistency::Consistency;
use cassia_protocol::frame::Opcode;
use cassia_protocol::response::{ErrorKind, Response, WriteType};
use cluster_support::{Raw, WAIT, error, query};

#[tokio::test]
async fn error_faults_are_encoded_with_their_fields() {
    let emu = Emulator::builder().nodes(2).start().await.expect("start");
    let id = emu.add_rule(
        FaultRule::new()
            .node(1)
            .opcode(Opcode::Query)
            .cql_contains("FROM system.local")
            .then(Fault::read_timeout(Consistency::Quorum, 1, 2, false))
            .times(2),
    );
    let mut n0 = Raw::connect(emu.node(0).addr()).await;
    let mut n1 = Raw::connect(emu.node(1).addr()).await;
    let cql = "SELECT key FROM system.local";
    assert!(
        matches!(n0.query(cql, Consistency::One).await, Response::Result(_)),
        "other node untouched"
    );
    let e = error(n1.query(cql, Consistency::One).await);
    assert_eq!(
        e.kind,
        ErrorKind::ReadTimeout {
            consistency: Consistency::Quorum,
            received: 1,
            block_for: 2,
            data_present: false
        }
    );
    assert_eq!(
        e.message,
        "Operation timed out - received only 1 responses."
    );
    assert!(
        matches!(
            n1.query("SELECT peer FROM system.peers", Consistency::One)
                .await,
            Response::Result(_)
        ),
        "other CQL untouched"
    );
    assert!(matches!(
        n1.query(cql, Consistency::One).await,
        Response::Error(_)
    ));
    assert!(
        matches!(n1.query(cql, Consistency::One).await, Response::Result(_)),
        "two times only"
    );
    assert!(emu.remove_rule(id));

    for (fault, check) in [
        (
            Fault::write_timeout(Consistency::One, 0, 1, WriteType::BatchLog),
            "write_timeout",
        ),
        (Fault::unavailable(Consistency::All, 3, 1), "unavailable"),
        (Fault::overloaded(), "overloaded"),
        (Fault::is_bootstrapping(), "bootstrapping"),
        (Fault::server_error("boom"), "server_error"),
    ] {
        let id = emu.add_rule(FaultRule::new().then(fault.clone()));
        let e = error(n0.query(cql, Consistency::One).await);
        let Fault::Error(expected) = fault else {
            unreachable!("error faults")
        };
        assert_eq!(e, expected, "{check}");
        emu.remove_rule(id);
    }
}

#[tokio::test]
async fn delay_drop_and_close() {
    let emu = Emulator::builder().start().await.expect("start");
    let mut raw = Raw::connect(emu.addr()).await;
    emu.add_rule(
        FaultRule::new()
            .cql_matches("SELECT key FROM system.local*")
            .then(Fault::Delay(Duration::from_millis(300)))
            .times(1),
    );
    let slow = raw
        .send(query("SELECT key FROM system.local", Consistency::One))
        .await;
    let fast = raw
        .send(query("SELECT peer FROM system.peers", Consistency::One))
        .await;
    let first = raw.read_frame(WAIT).await.expect("open");
    assert_eq!(
        first.stream, fast,
        "the delayed response does not hold up the next one"
    );
    let second = raw.read_frame(WAIT).await.expect("open");
    assert_eq!(second.stream, slow);
    emu.clear_rules();

    emu.add_rule(FaultRule::new().cql_contains("dropme").then(Fault::Drop));
    let dropped = raw
        .send(query(
            "SELECT key FROM system.local WHERE key = 'dropme'",
            Consistency::One,
        ))
        .await;
    let answered = raw
        .send(query("SELECT key FROM system.local", Consistency::One))
        .await;
    let frame = raw.read_frame(WAIT).await.expect("open");
    assert_eq!(frame.stream, answered);
    assert_ne!(frame.stream, dropped);
    emu.clear_rules();

    emu.add_rule(
        FaultRule::new()
            .opcode(Opcode::Query)
            .then(Fault::CloseConnection),
    );
    raw.send(query("SELECT key FROM system.local", Consistency::One))
        .await;
    assert!(raw.closed().await, "closed without an answer");
}

#[tokio::test]
async fn paused_nodes_answer_after_resume() {
    let emu = Emulator::builder().nodes(2).start().await.expect("start");
    let mut raw = Raw::connect(emu.node(1).addr()).await;
    emu.node(1).pause().expect("pause");
    let stream = raw
        .send(query("SELECT key FROM system.local", Consistency::One))
        .await;
    // Nothing arrives while paused (a short wait cannot make this pass by accident).
    let quiet = tokio::time::timeout(
        Duration::from_millis(200),
        raw.read_frame(Duration::from_secs(3600)),
    )
    .await;
    assert!(quiet.is_err(), "no answer while paused");
    emu.node(1).resume().expect("resume");
    let frame = raw.read_frame(WAIT).await.expect("open");
    assert_eq!(frame.stream, stream);
}

//! After a node restart the session serves requests as soon as the node is back, not
//! when its (possibly long) reconnection backoff runs out: the control connection keeps
//! probing, and its reopening wakes the node's pool.

use std::time::Duration;

use cassia_driver::Session;
use cassia_driver::policies::ExponentialReconnectionPolicy;
use cassia_emulator::{Emulator, EmulatorHandle};

async fn start_on(addr: std::net::SocketAddr) -> EmulatorHandle {
    Emulator::builder()
        .listen(addr)
        .start()
        .await
        .expect("emulator starts")
}

const PROBE: &str = "SELECT release_version FROM system.local";

#[tokio::test]
async fn a_restarted_node_is_used_again_before_the_backoff_runs_out() {
    let emu = start_on("127.0.0.1:0".parse().expect("literal")).await;
    let addr = emu.addr();
    // Pool attempts right after the loss, then 4 s, 8 s, 16 s... later: t = 0, 4, 12, 28.
    let session = Session::builder()
        .known_node(addr.to_string())
        .reconnection_policy(ExponentialReconnectionPolicy::new(
            Duration::from_secs(4),
            Duration::from_secs(60),
        ))
        .build()
        .await
        .expect("session");
    session
        .query(PROBE, ())
        .await
        .expect("query before restart");

    emu.shutdown().await;
    let lost = tokio::time::Instant::now();
    let node = session.nodes().into_iter().next().expect("one node");
    tokio::time::timeout(Duration::from_secs(10), async {
        while node.is_up() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the node is seen down");
    assert!(
        session.query(PROBE, ()).await.is_err(),
        "nothing serves while the node is down"
    );

    // Let the attempts at t = 0 and t = 4 s fail; the next one is due at t = 12 s.
    tokio::time::sleep_until(lost + Duration::from_secs(5)).await;
    let _emu = start_on(addr).await;
    let restarted = tokio::time::Instant::now();
    let next_backoff_attempt = lost + Duration::from_secs(12);
    // Well before the backoff would allow (at least 7 s after the restart), yet generous for
    // a loaded machine: the control connection probes every second at most.
    let limit = Duration::from_secs(4);
    assert!(
        restarted + limit < next_backoff_attempt,
        "the machine was too slow for this test to mean anything"
    );
    let served = tokio::time::timeout(limit, async {
        loop {
            if session.query(PROBE, ()).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(
        served.is_ok(),
        "the session did not serve within {limit:?} of the restart; it waited for its backoff"
    );
    assert!(node.is_up());
}

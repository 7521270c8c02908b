//! The builder and handle: ephemeral ports, the bound address reported to the engine,
//! start errors, and stopping on drop.

mod transport_support;

use std::time::Duration;

use cassia_emulator::{Emulator, StartError};
use transport_support::*;

#[tokio::test]
async fn each_instance_gets_its_own_port_and_reports_it() {
    let a = Emulator::builder().start().await.expect("start a");
    let b = Emulator::builder().start().await.expect("start b");
    assert_ne!(a.addr(), b.addr());
    assert!(a.addr().ip().is_loopback());
    assert_ne!(a.addr().port(), 0);
    assert_eq!(a.engine().config().native_address, a.addr());
    assert_eq!(b.engine().config().native_address, b.addr());
}

#[tokio::test]
async fn busy_address_is_a_bind_error_naming_it() {
    let a = Emulator::builder().start().await.expect("start");
    let err = Emulator::builder()
        .listen(a.addr())
        .start()
        .await
        .expect_err("port is taken");
    assert!(matches!(err, StartError::Bind { addr, .. } if addr == a.addr()));
    assert!(
        err.to_string()
            .starts_with(&format!("cannot listen on {}:", a.addr())),
        "{err}"
    );
}

#[tokio::test]
async fn no_protocol_version_is_refused() {
    let err = Emulator::builder()
        .protocol_versions([])
        .start()
        .await
        .expect_err("nothing to speak");
    assert!(matches!(err, StartError::NoProtocolVersion));
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    let emu = Emulator::builder().start().await.expect("start");
    let addr = emu.addr();
    let mut c = RawClient::connect(addr, 4).await;
    c.handshake(None).await;
    drop(emu);
    c.expect_closed().await;
    // The listener goes away shortly after.
    let mut refused = false;
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(refused, "still accepting on {addr} after drop");
}

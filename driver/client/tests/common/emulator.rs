//! The in-process emulator as the tests meet it: one node on a free port, a 3-node cluster
//! that records its requests, keyspaces created and sessions placed in one.

use cassia_driver::{Session, SessionBuilder};
use cassia_emulator::{Emulator, EmulatorHandle};

/// A single-node emulator on a free port of 127.0.0.1. Keep the handle: the server stops
/// with it.
pub async fn start() -> EmulatorHandle {
    Emulator::builder()
        .listen("127.0.0.1:0".parse().expect("literal"))
        .start()
        .await
        .expect("emulator starts")
}

/// Three nodes, each logging the requests it coordinates (`take_requests`).
pub async fn cluster() -> EmulatorHandle {
    Emulator::builder()
        .nodes(3)
        .record_requests(true)
        .start()
        .await
        .expect("cluster starts")
}

/// Creates `keyspace` with SimpleStrategy and `rf` replicas.
pub async fn create_keyspace(session: &Session, keyspace: &str, rf: usize) {
    session
        .query(
            format!(
                "CREATE KEYSPACE {keyspace} WITH replication = \
                 {{'class': 'SimpleStrategy', 'replication_factor': {rf}}}"
            ),
            (),
        )
        .await
        .unwrap_or_else(|e| panic!("create keyspace {keyspace}: {e}"));
}

/// A single-node emulator and a session built from `builder` (a protocol version, a cache
/// size…) with `keyspace` created and selected and `ddl` run in it.
pub async fn session_in(
    builder: SessionBuilder,
    keyspace: &str,
    ddl: &[&str],
) -> (EmulatorHandle, Session) {
    let emu = start().await;
    let session = builder
        .known_node(emu.addr())
        .build()
        .await
        .expect("session");
    create_keyspace(&session, keyspace, 1).await;
    session.use_keyspace(keyspace).await.expect("use");
    for cql in ddl {
        session
            .query(*cql, ())
            .await
            .unwrap_or_else(|e| panic!("{cql}: {e}"));
    }
    (emu, session)
}

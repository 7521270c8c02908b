//! Quickstart: a tour of Cassia end to end, checking everything it reads back.
//!
//! ```sh
//! cargo run --example quickstart                                  # embedded emulator
//! CASSIA_CONTACT_POINTS=127.0.0.1:9042 cargo run --example quickstart   # a real cluster
//! ```
//!
//! Against a cluster it also honours `CASSIA_PROTOCOL_VERSION` (4 or 5),
//! `CASSIA_USERNAME` / `CASSIA_PASSWORD` and `CASSIA_TLS_CA`. It works in its own keyspace
//! and drops it at the end; it exits non-zero, naming the value, if anything read back
//! differs from what was written.

mod compare;
mod mapper;
mod special_types;
mod statements;
mod typed;
mod values;

use std::process::ExitCode;

use cassia_driver::Session;
use cassia_examples::{ExampleError, report, target};

/// The keyspace this example owns (created, then dropped).
const KEYSPACE: &str = "cassia_quickstart";

#[tokio::main]
async fn main() -> ExitCode {
    report(run().await)
}

async fn run() -> Result<(), ExampleError> {
    let target = target::connect().await?;
    println!(
        "connected to {} (protocol {:?})",
        target.description,
        target.session.protocol_version()
    );
    let outcome = tour(&target.session, target.is_embedded()).await;
    // Clean up even after a failed check, so a rerun starts from nothing.
    let dropped = drop_keyspace(&target.session).await;
    target.close().await;
    outcome?;
    dropped?;
    println!("\ndropped keyspace {KEYSPACE}");
    println!("\nquickstart: every value read back as written");
    Ok(())
}

async fn tour(session: &Session, embedded: bool) -> Result<(), ExampleError> {
    // A leftover from an interrupted run would make the checks see old rows.
    drop_keyspace(session).await?;
    session
        .query(
            format!(
                "CREATE KEYSPACE {KEYSPACE} WITH replication = \
                 {{'class': 'SimpleStrategy', 'replication_factor': 1}}"
            ),
            (),
        )
        .await?;
    session.await_schema_agreement().await?;
    session.use_keyspace(KEYSPACE).await?;
    println!("created keyspace {KEYSPACE}");

    values::run(session).await?;
    typed::run(session).await?;
    special_types::counters(session).await?;
    special_types::vectors(session, embedded).await?;
    statements::prepared(session).await?;
    statements::paged(session).await?;
    statements::batch(session).await?;
    statements::lwt(session).await?;
    mapper::run(session).await?;
    Ok(())
}

async fn drop_keyspace(session: &Session) -> Result<(), ExampleError> {
    session
        .query(format!("DROP KEYSPACE IF EXISTS {KEYSPACE}"), ())
        .await?;
    Ok(())
}

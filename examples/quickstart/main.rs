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
    target::with_owned_keyspace(KEYSPACE, async |target| {
        tour(&target.session, target.is_embedded()).await
    })
    .await?;
    println!("\nquickstart: every value read back as written");
    Ok(())
}

async fn tour(session: &Session, embedded: bool) -> Result<(), ExampleError> {
    target::create_keyspace(session, KEYSPACE).await?;

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

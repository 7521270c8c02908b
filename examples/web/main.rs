//! A web back end on Cassia: the HTTP service of `cassia_examples::web` (axum on tokio),
//! started against the embedded emulator, or the cluster the `CASSIA_*` variables name.
//!
//! ```sh
//! cargo run --example web                      # serves on 127.0.0.1:3000 (PORT to change)
//! curl -X POST localhost:3000/channels/general/messages \
//!      -H 'content-type: application/json' -d '{"author": "ada", "body": "hello"}'
//! curl 'localhost:3000/channels/general/messages?limit=10'
//! cargo run --example web -- --check           # serve on a free port, call every endpoint, exit
//! cargo run --release --example web -- --bench # read endpoint: mapper vs plain driver, req/s
//! ```
//!
//! Each request is logged with its `http.request` span; the driver's spans nest inside it.

use std::process::ExitCode;
use std::time::Duration;

use cassia_examples::web::{self, Answer, ApiClient, AppState, Message, MessagePage, Views};
use cassia_examples::{ExampleError, check, report, target};

mod bench;
use serde_json::json;

/// The keyspace the service uses (created if missing; dropped after `--check`).
const KEYSPACE: &str = "cassia_web";

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let mode = if args.iter().any(|a| a == "--bench") {
        Mode::Bench
    } else if args.iter().any(|a| a == "--check") {
        Mode::Check
    } else {
        Mode::Serve
    };
    // Request logs would measure the terminal, not the service: the benchmark keeps warnings.
    let level = if mode == Mode::Bench {
        tracing::Level::WARN
    } else {
        tracing::Level::INFO
    };
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    report(run(mode).await)
}

/// What the program does once the service is up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Serve until Ctrl-C.
    Serve,
    /// Call every endpoint once, then exit (CI).
    Check,
    /// Measure the read endpoint on the mapper and on the plain driver, then exit.
    Bench,
}

async fn run(mode: Mode) -> Result<(), ExampleError> {
    let check_only = mode != Mode::Serve;
    let target = target::connect().await?;
    println!("connected to {}", target.description);
    let session = target.session.clone();
    session
        .query(
            format!(
                "CREATE KEYSPACE IF NOT EXISTS {KEYSPACE} WITH replication = \
                 {{'class': 'SimpleStrategy', 'replication_factor': 1}}"
            ),
            (),
        )
        .await?;
    session.await_schema_agreement().await?;
    session.use_keyspace(KEYSPACE).await?;
    let state = AppState::new(session.clone(), Duration::from_secs(2)).await?;
    let port = if check_only {
        0
    } else {
        std::env::var("PORT")
            .ok()
            .and_then(|p| p.parse().ok())
            .unwrap_or(3000)
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| ExampleError::Web(format!("cannot listen on port {port}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| ExampleError::Web(e.to_string()))?;
    println!("serving on http://{addr}");
    let server =
        tokio::spawn(
            async move { axum::serve(listener, web::router(state).into_make_service()).await },
        );
    let outcome = if check_only {
        let base = format!("http://{addr}");
        let checked = match mode {
            Mode::Bench => bench::run(&base).await,
            _ => exercise(&base).await,
        };
        server.abort();
        let dropped = session
            .query(format!("DROP KEYSPACE IF EXISTS {KEYSPACE}"), ())
            .await;
        checked.and(dropped.map(|_| ()).map_err(Into::into))
    } else {
        tokio::select! {
            served = server => match served {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(ExampleError::Web(e.to_string())),
                Err(e) => Err(ExampleError::Web(e.to_string())),
            },
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    };
    target.close().await;
    outcome
}

/// Calls every endpoint once over HTTP and checks the answers.
async fn exercise(base: &str) -> Result<(), ExampleError> {
    let api = ApiClient::new(base);
    let fail = |e: reqwest::Error| ExampleError::Web(format!("HTTP: {e}"));
    let bad = |e: String| ExampleError::Web(format!("unexpected answer: {e}"));
    let status = |what: &str, expected: u16, answer: &Answer| {
        check::same(what, &expected, &answer.status.as_u16())
    };
    let messages = "/channels/general/messages";
    for (id, body) in [(1, "first"), (2, "second"), (3, "third")] {
        let created = api
            .post(
                messages,
                Some(json!({ "id": id, "author": "ada", "body": body })),
            )
            .await
            .map_err(fail)?;
        status(&format!("POST message {id}"), 201, &created)?;
    }
    let ids = |p: &MessagePage| p.items.iter().map(|m| m.id).collect::<Vec<_>>();
    let first: MessagePage = api
        .get(messages, &[("limit", "2")])
        .await
        .map_err(fail)?
        .json()
        .map_err(bad)?;
    check::same("first page, newest first", &vec![3, 2], &ids(&first))?;
    let cursor = first.next_cursor.unwrap_or_default();
    let second: MessagePage = api
        .get(messages, &[("limit", "2"), ("cursor", &cursor)])
        .await
        .map_err(fail)?
        .json()
        .map_err(bad)?;
    check::same("second page", &vec![1], &ids(&second))?;
    let updated: Message = api
        .put(
            &format!("{messages}/1"),
            json!({ "body": "first, edited", "version": 1 }),
        )
        .await
        .map_err(fail)?
        .json()
        .map_err(bad)?;
    check::same("version after update", &2, &updated.version)?;
    let stale = api
        .put(
            &format!("{messages}/1"),
            json!({ "body": "lost update", "version": 1 }),
        )
        .await
        .map_err(fail)?;
    status("stale update", 409, &stale)?;
    let views: Views = api
        .post("/channels/general/views", None)
        .await
        .map_err(fail)?
        .json()
        .map_err(bad)?;
    check::same("views", &1, &views.views)?;
    status(
        "DELETE",
        204,
        &api.delete(&format!("{messages}/2")).await.map_err(fail)?,
    )?;
    status(
        "GET after DELETE",
        404,
        &api.get(&format!("{messages}/2"), &[]).await.map_err(fail)?,
    )?;
    println!("web: every endpoint answered as expected");
    Ok(())
}

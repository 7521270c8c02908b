//! `cassia-emulator`: runs the CQL server until SIGINT or SIGTERM (in memory, or durable
//! with `--data-dir`).
//!
//! A thin layer over the library's builder: parse flags, set up logging on stderr, start,
//! wait for a signal, shut down.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// In-memory Apache Cassandra emulator speaking the CQL native protocol (v4, v5).
#[derive(Debug, Parser)]
#[command(name = "cassia-emulator", version, about)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:9042")]
    listen: SocketAddr,
    /// Require password authentication with this user, as USER:PASS.
    #[arg(long, value_name = "USER:PASS", value_parser = parse_auth)]
    auth: Option<(String, String)>,
    /// PEM certificate chain; with --tls-key, serves TLS only.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Directory for the write-ahead journal (created if missing): every acknowledged write
    /// is fsynced there and replayed at the next start. Without it, data lives in memory.
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Simulate a cluster of N nodes (127.0.0.1, 127.0.0.2, ... on the --listen port, or
    /// consecutive ports where those addresses cannot be bound).
    #[arg(long, value_name = "N", conflicts_with = "dcs")]
    nodes: Option<usize>,
    /// Simulate a cluster with these data centres, as DC:N,DC:N (e.g. dc1:3,dc2:2).
    #[arg(long, value_name = "DC:N,...", value_parser = parse_dcs)]
    dcs: Option<Vec<(String, usize)>>,
    /// Spread each data centre's nodes over this many racks (rack1, rack2, ...).
    #[arg(long, value_name = "N", default_value_t = 1)]
    racks: usize,
    /// Tokens per node (Cassandra 4.0's default: 16).
    #[arg(long, value_name = "N", default_value_t = 16)]
    num_tokens: usize,
    /// Serve the admin line protocol here (stop/start/pause nodes, fault rules; see the
    /// `cassia_emulator::admin` docs).
    #[arg(long, value_name = "ADDR")]
    admin: Option<SocketAddr>,
}

fn parse_dcs(s: &str) -> Result<Vec<(String, usize)>, String> {
    s.split(',')
        .map(|part| match part.split_once(':') {
            Some((dc, n)) if !dc.is_empty() => n
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .map(|n| (dc.to_owned(), n))
                .ok_or_else(|| format!("bad node count in {part:?}")),
            _ => Err(format!("expected DC:N, got {part:?}")),
        })
        .collect()
}

fn parse_auth(s: &str) -> Result<(String, String), String> {
    match s.split_once(':') {
        Some((user, pass)) if !user.is_empty() && !pass.is_empty() => {
            Ok((user.to_owned(), pass.to_owned()))
        }
        _ => Err("expected USER:PASS with a non-empty user and password".to_owned()),
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cassia-emulator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(args))
}

async fn run(args: Args) -> ExitCode {
    // Listen for signals before serving, so one sent right after the "ready" line is not lost.
    let mut signals = match Signals::install() {
        Ok(signals) => signals,
        Err(e) => {
            eprintln!("cassia-emulator: cannot listen for signals: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut builder = cassia_emulator::Emulator::builder().listen(args.listen);
    if let Some((user, pass)) = args.auth {
        builder = builder.auth(user, pass);
    }
    if let (Some(cert), Some(key)) = (args.tls_cert, args.tls_key) {
        builder = builder.tls(cert, key);
    }
    if let Some(dir) = args.data_dir {
        builder = builder.data_dir(dir);
    }
    if let Some(n) = args.nodes {
        builder = builder.nodes(n);
    }
    if let Some(dcs) = args.dcs {
        builder = builder.datacenters(dcs);
    }
    builder = builder.racks(args.racks).num_tokens(args.num_tokens);
    let handle = match builder.start().await {
        Ok(handle) => std::sync::Arc::new(handle),
        Err(e) => {
            eprintln!("cassia-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    let admin = match args.admin {
        None => None,
        Some(addr) => match tokio::net::TcpListener::bind(addr).await {
            Ok(listener) => {
                let bound = listener.local_addr().unwrap_or(addr);
                tracing::info!(addr = %bound, "admin interface listening");
                Some(tokio::spawn(cassia_emulator::admin::serve(
                    listener,
                    std::sync::Arc::clone(&handle),
                )))
            }
            Err(e) => {
                eprintln!("cassia-emulator: cannot listen for admin on {addr}: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    let addrs: Vec<String> = handle
        .node_addrs()
        .iter()
        .map(ToString::to_string)
        .collect();
    if addrs.len() > 1 {
        tracing::info!(nodes = %addrs.join(","), "simulated cluster");
    }
    // Scripts and tests read the address at the end of this line: keep it last.
    tracing::info!(addr = %handle.addr(), "ready for CQL connections");
    signals.wait().await;
    tracing::info!("shutting down");
    if let Some(admin) = admin {
        admin.abort();
        let _ = admin.await;
    }
    match std::sync::Arc::try_unwrap(handle) {
        Ok(handle) => handle.shutdown().await,
        // An admin session still holds it: dropping it stops every node all the same.
        Err(handle) => drop(handle),
    }
    ExitCode::SUCCESS
}

/// SIGINT and SIGTERM (Ctrl-C elsewhere), registered up front.
#[cfg(unix)]
struct Signals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn install() -> std::io::Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    async fn wait(&mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
    }
}

#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn install() -> std::io::Result<Signals> {
        Ok(Signals)
    }

    async fn wait(&mut self) {
        // Without Ctrl-C support there is nothing to wait for but the process end.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

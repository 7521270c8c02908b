//! `cassia-emulator`: runs the in-memory CQL server until SIGINT or SIGTERM.
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
    /// Directory for the write-ahead log (durability; not supported yet).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
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
    if let Some(dir) = &args.data_dir {
        eprintln!(
            "cassia-emulator: --data-dir {} is not supported yet (the emulator is in-memory only for now)",
            dir.display()
        );
        return ExitCode::from(2);
    }
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
    let mut builder = cassia_emulator::Emulator::builder().listen(args.listen);
    if let Some((user, pass)) = args.auth {
        builder = builder.auth(user, pass);
    }
    if let (Some(cert), Some(key)) = (args.tls_cert, args.tls_key) {
        builder = builder.tls(cert, key);
    }
    let handle = match builder.start().await {
        Ok(handle) => handle,
        Err(e) => {
            eprintln!("cassia-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(addr = %handle.addr(), "ready for CQL connections");
    if let Err(e) = wait_for_signal().await {
        eprintln!("cassia-emulator: cannot listen for signals: {e}");
        handle.shutdown().await;
        return ExitCode::FAILURE;
    }
    tracing::info!("shutting down");
    handle.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(unix)]
async fn wait_for_signal() -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r,
        _ = term.recv() => Ok(()),
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() -> std::io::Result<()> {
    tokio::signal::ctrl_c().await
}

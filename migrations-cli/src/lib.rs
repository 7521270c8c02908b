//! `cassia-cli`: the `cassia` command-line tool — versioned schema migrations for Apache
//! Cassandra, and migrations written from `#[derive(Model)]` schemas — as a library too,
//! so an application can offer the same commands from its own binary with its models
//! compiled in:
//!
//! ```no_run
//! use cassia::prelude::*;
//!
//! #[derive(Debug, Model)]
//! struct User {
//!     #[cassia(partition_key)]
//!     id: i64,
//!     name: String,
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     // `myapp schema generate add_users`, `myapp migrate run --profile ci`, ...
//!     cassia_cli::run(&[User::schema()])
//! }
//! ```
//!
//! Everything the tool does is in `cassia::migrate` and `cassia::schema`; this crate
//! parses the command line, reads `cassia.toml`, and prints text or JSON. The JSON shapes
//! and exit codes are documented in this crate's README.

#![warn(missing_docs)]

use std::ffi::OsString;
use std::process::ExitCode;

use cassia::schema::TableSchema;
use clap::Parser;

mod cli;
mod commands;
mod config;
mod connect;
mod output;

use cli::{Cli, Command};

/// Runs the command line of this process with `models` as the application's tables
/// (pass `&[]` for the standalone tool), and returns the exit code to end with.
pub fn run(models: &[&TableSchema]) -> ExitCode {
    run_from(std::env::args_os(), models)
}

/// Runs a command line given as arguments (the first is the program name).
pub fn run_from<I, T>(args: I, models: &[&TableSchema]) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version print and succeed; usage errors exit with clap's code 2...
            // which would read as "check failed" here, so they exit 1.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                output::code::ERROR
            } else {
                output::code::OK
            });
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(output::code::ERROR);
        }
    };
    let models: Vec<TableSchema> = models.iter().map(|m| (*m).clone()).collect();
    ExitCode::from(runtime.block_on(dispatch(cli, &models)))
}

async fn dispatch(cli: Cli, models: &[TableSchema]) -> u8 {
    let format = cli.global.format;
    let name = command_name(&cli.command);
    let flags = config::Overrides {
        config: cli.global.config.clone(),
        profile: cli.global.profile.clone(),
        contact_points: cli.global.contact_points.clone(),
        keyspace: cli.global.keyspace.clone(),
        migrations: cli.global.migrations.clone(),
        models: cli.global.models.clone(),
        protocol_version: cli.global.protocol_version,
    };
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let result = match config::load(&flags, &env) {
        Err(e) => Err(e),
        Ok(settings) => match cli.command {
            Command::Migrate(m) => commands::migrate::run(m, &settings, format).await,
            Command::Schema(s) => commands::schema::run(s, &settings, models).await,
            Command::Keyspace(k) => commands::keyspace::run(k, &settings).await,
        },
    };
    match result {
        Ok(outcome) => {
            outcome.print(format);
            outcome.code
        }
        Err(e) => output::failure(name, format, &e),
    }
}

fn command_name(c: &Command) -> &'static str {
    use cli::{Keyspace, Migrate, Schema};
    match c {
        Command::Migrate(m) => match m {
            Migrate::Add { .. } => "migrate add",
            Migrate::Run { .. } => "migrate run",
            Migrate::Revert { .. } => "migrate revert",
            Migrate::Info { .. } => "migrate info",
            Migrate::Validate { .. } => "migrate validate",
            Migrate::Baseline { .. } => "migrate baseline",
            Migrate::Repair => "migrate repair",
            Migrate::Unlock { .. } => "migrate unlock",
        },
        Command::Schema(s) => match s {
            Schema::Diff { .. } => "schema diff",
            Schema::Generate { .. } => "schema generate",
            Schema::Dump { .. } => "schema dump",
            Schema::Snapshot { .. } => "schema snapshot",
        },
        Command::Keyspace(k) => match k {
            Keyspace::Create { .. } => "keyspace create",
            Keyspace::Drop { .. } => "keyspace drop",
        },
    }
}

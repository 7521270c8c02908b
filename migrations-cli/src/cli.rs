//! The command line: every command, flag and help text (clap). Parsing only; the commands
//! run in `commands/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Versioned schema migrations for Apache Cassandra, and migrations written from models.
#[derive(Debug, Parser)]
#[command(
    name = "cassia",
    version,
    about = "Versioned schema migrations for Apache Cassandra, and migrations written from models",
    after_help = "Exit codes: 0 success; 1 error; 2 pending migrations, drift or schema differences \
(with --check, and from `migrate validate`); 3 the migration lock is held by another runner.\n\n\
Settings come from cassia.toml (profiles), then CASSIA_* environment variables \
(CASSIA_CONTACT_POINTS, CASSIA_KEYSPACE, CASSIA_PROTOCOL_VERSION, CASSIA_USERNAME, \
CASSIA_PASSWORD, CASSIA_TLS_CA, CASSIA_PROFILE, CASSIA_CONFIG), then flags.\n\n\
Examples:\n  cassia migrate add create_users --reversible\n  cassia migrate run --profile ci\n  \
cassia schema diff --check"
)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Flags every command accepts.
#[derive(Debug, Args)]
pub(crate) struct Global {
    /// Configuration file [default: ./cassia.toml]
    #[arg(long, global = true, help_heading = "Settings", value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Profile of the configuration file [default: default]
    #[arg(long, global = true, help_heading = "Settings", value_name = "NAME")]
    pub(crate) profile: Option<String>,
    /// Nodes to connect to, comma-separated host:port
    #[arg(long, global = true, help_heading = "Settings", value_name = "HOSTS")]
    pub(crate) contact_points: Option<String>,
    /// Target keyspace
    #[arg(
        long,
        global = true,
        help_heading = "Settings",
        value_name = "KEYSPACE"
    )]
    pub(crate) keyspace: Option<String>,
    /// Migrations directory [default: ./migrations]
    #[arg(long, global = true, help_heading = "Settings", value_name = "DIR")]
    pub(crate) migrations: Option<PathBuf>,
    /// Model snapshot (JSON written by `schema snapshot`) for the schema commands
    #[arg(long, global = true, help_heading = "Settings", value_name = "FILE")]
    pub(crate) models: Option<PathBuf>,
    /// Native protocol version (4 or 5) [default: negotiate]
    #[arg(long, global = true, help_heading = "Settings", value_name = "N")]
    pub(crate) protocol_version: Option<u8>,
    /// Output format
    #[arg(long, global = true, help_heading = "Settings", value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Readable text, with a progress bar on a terminal.
    Text,
    /// One JSON document on standard output (the shape is documented and stable).
    Json,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Create, apply, revert and inspect migrations
    #[command(subcommand)]
    Migrate(Migrate),
    /// Compare models with the schema, write migrations from models, dump the schema
    #[command(subcommand)]
    Schema(Schema),
    /// Create or drop the target keyspace
    #[command(subcommand)]
    Keyspace(Keyspace),
}

#[derive(Debug, Subcommand)]
pub(crate) enum Migrate {
    /// Create a new migration file named <UTC timestamp>_<NAME>.cql
    #[command(
        after_help = "Examples:\n  cassia migrate add create_users\n  cassia migrate add add_email --reversible"
    )]
    Add {
        /// Name (letters, digits, `_` and `-`)
        name: String,
        /// Write an .up.cql and a .down.cql file
        #[arg(long, short = 'r')]
        reversible: bool,
    },
    /// Apply pending migrations (takes the migration lock only when something is pending)
    #[command(
        after_help = "Examples:\n  cassia migrate run\n  cassia migrate run --dry-run\n  cassia migrate run --target 20240101120000 --profile ci"
    )]
    Run {
        /// Apply migrations up to this version (inclusive)
        #[arg(long, value_name = "VERSION")]
        target: Option<u64>,
        /// Print every statement that would run, in order; change nothing
        #[arg(long)]
        dry_run: bool,
        /// Apply pending migrations older than the newest applied one
        #[arg(long)]
        allow_out_of_order: bool,
        /// Seconds to wait for another runner's lock before exiting with code 3
        #[arg(long, value_name = "SECS")]
        lock_wait: Option<u64>,
        /// Seconds a lock lease lasts unless renewed (a crashed runner blocks no longer)
        #[arg(long, value_name = "SECS")]
        lock_ttl: Option<u64>,
    },
    /// Revert applied migrations with their .down.cql files, newest first
    #[command(
        after_help = "Examples:\n  cassia migrate revert            # the newest one\n  cassia migrate revert --count 3\n  cassia migrate revert --target 20240101120000"
    )]
    Revert {
        /// Revert every migration newer than this version (0: all)
        #[arg(long, value_name = "VERSION", conflicts_with = "count")]
        target: Option<u64>,
        /// Revert this many migrations [default: 1]
        #[arg(long, value_name = "N")]
        count: Option<usize>,
    },
    /// List migrations: applied, pending, edited, failed, missing files
    #[command(
        after_help = "Examples:\n  cassia migrate info\n  cassia migrate info --check --format json"
    )]
    Info {
        /// Exit with code 2 if anything is pending, edited, failed or missing
        #[arg(long)]
        check: bool,
    },
    /// Check that applied migrations match their files (exit code 2 when they do not)
    #[command(after_help = "Examples:\n  cassia migrate validate")]
    Validate {
        /// Accept pending migrations older than the newest applied one
        #[arg(long)]
        allow_out_of_order: bool,
    },
    /// Adopt an existing database: record migrations up to VERSION as applied, without running them
    #[command(after_help = "Examples:\n  cassia migrate baseline 20240101120000")]
    Baseline {
        /// The newest migration the database already has
        version: u64,
    },
    /// Accept reviewed edits of applied files (re-record checksums) and clear failed migrations
    #[command(after_help = "Examples:\n  cassia migrate repair")]
    Repair,
    /// Show the migration lock, or remove it with --force
    #[command(
        after_help = "Examples:\n  cassia migrate unlock          # who holds it (exit 3 if held)\n  cassia migrate unlock --force  # remove it"
    )]
    Unlock {
        /// Remove the lock whoever holds it
        #[arg(long)]
        force: bool,
    },
}

/// Which schema the models are compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Against {
    /// The schema the migration files produce (replayed on an in-process node; no cluster needed)
    Migrations,
    /// The live keyspace (system_schema)
    Database,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Schema {
    /// Print the changes that would bring the schema to the models
    #[command(
        after_help = "Examples:\n  cassia schema diff --check                       # CI: fail if a model changed without a migration\n  cassia schema diff --against database --models schema.json"
    )]
    Diff {
        /// Compare with the migration files' schema or with the live keyspace
        #[arg(long, value_enum, default_value_t = Against::Migrations)]
        against: Against,
        /// Exit with code 2 when there are differences
        #[arg(long)]
        check: bool,
    },
    /// Write a new migration file with the changes that bring the schema to the models
    #[command(
        after_help = "Examples:\n  cassia schema generate add_post_tags\n  cassia schema generate drop_legacy --allow-destructive"
    )]
    Generate {
        /// Name of the migration
        name: String,
        /// Compare with the migration files' schema or with the live keyspace
        #[arg(long, value_enum, default_value_t = Against::Migrations)]
        against: Against,
        /// Write drops as statements (otherwise they are written commented out)
        #[arg(long)]
        allow_destructive: bool,
    },
    /// Print the live keyspace as CQL, in an order a fresh cluster can replay
    #[command(
        after_help = "Examples:\n  cassia schema dump > schema.cql\n  cassia schema dump --output schema.cql"
    )]
    Dump {
        /// Write to this file instead of standard output
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Write the models' schema as JSON (in an application binary that embeds cassia_cli)
    #[command(after_help = "Examples:\n  myapp migrate schema snapshot --output schema.json")]
    Snapshot {
        /// Write to this file instead of standard output
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum Keyspace {
    /// Create the target keyspace with the profile's replication
    #[command(
        after_help = "Examples:\n  cassia keyspace create\n  cassia keyspace create --replication dc1:3,dc2:3"
    )]
    Create {
        /// simple:<factor> or <dc>:<factor>[,<dc>:<factor>...] (overrides the profile)
        #[arg(long, value_name = "SPEC")]
        replication: Option<String>,
    },
    /// Drop the target keyspace and all its data
    #[command(after_help = "Examples:\n  cassia keyspace drop --yes")]
    Drop {
        /// Confirm: every table and row in the keyspace is deleted
        #[arg(long)]
        yes: bool,
    },
}

//! [`ExampleError`]: everything that can stop an example, and [`report`], which prints it
//! with its cause chain so a failing run says exactly what went wrong.

use std::error::Error as _;
use std::process::ExitCode;

use cassia_driver::error::{ConnectError, ExecuteError, RowDecodeError};

/// Why an example stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExampleError {
    /// An environment variable holds something unusable.
    #[error("{variable}={value:?}: {reason}")]
    Setting {
        /// The variable's name.
        variable: &'static str,
        /// What it holds.
        value: String,
        /// What was expected instead.
        reason: &'static str,
    },
    /// The CA file named by `CASSIA_TLS_CA` could not be read.
    #[error("cannot read the CA file {path}")]
    ReadCa {
        /// The path given.
        path: String,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// The embedded emulator did not start.
    #[error("cannot start the embedded emulator")]
    Emulator(#[source] cassia_emulator::StartError),
    /// The session could not be opened.
    #[error("cannot connect")]
    Connect(#[from] ConnectError),
    /// A statement failed.
    #[error("statement failed")]
    Execute(#[from] ExecuteError),
    /// A result could not be read as the expected Rust types.
    #[error("cannot read the result")]
    Rows(#[from] RowDecodeError),
    /// A mapper operation failed.
    #[error("mapper operation failed")]
    Mapper(#[from] cassia::ExecError),
    /// A mapper query could not be built.
    #[error("mapper query refused")]
    Query(#[from] cassia::query::QueryError),
    /// Applying the example's migrations failed.
    #[error(transparent)]
    Migrate(#[from] cassia::migrate::MigrateError),
    /// A value the example builds from a literal is invalid (a typo in the example).
    #[error("invalid {what} literal {literal:?}: {detail}")]
    Literal {
        /// The kind of value.
        what: &'static str,
        /// The text given.
        literal: String,
        /// Why it was refused.
        detail: String,
    },
    /// The web example could not listen, serve, or call its own endpoints.
    #[error("{0}")]
    Web(String),
    /// What was read back differs from what was written.
    #[error("{what}: expected {expected}, read back {actual}")]
    Mismatch {
        /// Which value or check.
        what: String,
        /// What was written (or expected).
        expected: String,
        /// What came back.
        actual: String,
    },
}

/// Turns an example's outcome into its exit status, printing a failure with its causes.
pub fn report(outcome: Result<(), ExampleError>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("FAILED: {error}");
            let mut cause = error.source();
            while let Some(c) = cause {
                eprintln!("  caused by: {c}");
                cause = c.source();
            }
            ExitCode::FAILURE
        }
    }
}

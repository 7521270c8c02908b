//! Execution: terminal operations on the query builders (`all`, `get`, `execute`, ...),
//! the session registry, and schema sync. Everything here goes through `cassia-driver`.

pub mod connection;
mod error;
mod run;
mod select;
mod write;

pub use error::ExecError;
pub use select::Page;
pub use write::WriteResult;

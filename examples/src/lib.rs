//! Support shared by the Cassia examples: where to connect ([`target`]), the one error type
//! the example programs report ([`ExampleError`]), and read-back checks ([`check`]).
//!
//! The examples themselves live next to this crate (`quickstart/`, `blog/`, `web/`, ...; the web
//! service's code is the [`web`] module, so its HTTP tests can start it); this library
//! only keeps them short. It is not a published API.

#![warn(missing_docs)]

pub mod check;
mod error;
pub mod target;
pub mod web;

pub use error::{ExampleError, report};

//! CQL front end: lexer, parser and syntax tree.
//!
//! [`parse_statement`] turns one CQL string into an [`ast::Statement`];
//! [`parse_statement_with_markers`] also returns the bind markers the engine must bind, in
//! order; [`parse_statements`] handles `;`-separated scripts. Failures are [`SyntaxError`]s
//! worded like Cassandra's. Every AST node implements `Display`, rendering canonical CQL.

pub mod ast;
mod display;
mod error;
mod lexer;
mod parser;

pub use error::{SyntaxError, SyntaxErrorKind};
pub(crate) use lexer::hex_bytes;
pub use parser::{
    MAX_DEPTH, ParsedStatement, parse_statement, parse_statement_with_markers, parse_statements,
};

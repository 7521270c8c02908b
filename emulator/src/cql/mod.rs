//! CQL front end: lexer, parser and syntax tree.

pub mod ast;

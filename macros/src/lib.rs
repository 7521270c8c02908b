//! `cassia-macros`: the derives behind `cassia` — `Model`, `UserType` and `CqlEnum`.
//!
//! Use them through `cassia` (`use cassia::prelude::*`), which documents the attributes.
//! Each entry point here is one line over an `*_inner` function that parses the input into
//! a typed description (`attrs.rs`, `model/parse.rs`), validates it collecting every error
//! it finds, then generates code that reaches the runtime only through
//! `::cassia::__private`. This crate is not a stable interface of its own.

use proc_macro::TokenStream;

mod attrs;
mod cql_enum;
mod cql_type;
mod errors;
mod model;
mod poly;
mod udt;

/// Maps a struct to a table (or an enum of such structs to one shared table, by a
/// discriminator column). See `cassia::Model`.
#[proc_macro_derive(Model, attributes(cassia))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    model::derive(input.into()).into()
}

/// Maps a struct to a CQL user-defined type. See `cassia::UserType`.
#[proc_macro_derive(UserType, attributes(cassia))]
pub fn derive_user_type(input: TokenStream) -> TokenStream {
    udt::derive(input.into()).into()
}

/// Stores a field-less enum as `text` (variant names) or `int`. See `cassia::CqlEnum`.
#[proc_macro_derive(CqlEnum, attributes(cassia))]
pub fn derive_cql_enum(input: TokenStream) -> TokenStream {
    cql_enum::derive(input.into()).into()
}

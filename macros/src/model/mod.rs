//! `#[derive(Model)]`: on a struct, one table (`parse.rs` reads and validates the attributes
//! into [`parse::ModelDef`], `codegen.rs` emits the code); on an enum, a polymorphic model
//! (`crate::poly`).

use proc_macro2::TokenStream;

pub(crate) mod codegen;
pub(crate) mod parse;

use crate::errors::into_tokens;

/// Entry point of the derive.
pub(crate) fn derive(input: TokenStream) -> TokenStream {
    into_tokens(
        syn::parse2::<syn::DeriveInput>(input).and_then(|input| match &input.data {
            syn::Data::Enum(_) => crate::poly::expand(&input),
            _ => parse::ModelDef::parse(&input).map(|def| codegen::expand(&def)),
        }),
    )
}

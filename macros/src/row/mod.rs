//! Row conversions by column name, shared by the model derive and the plain-struct derives.
//!
//! `#[derive(FromRow)]` and `#[derive(SerializeRow)]` read a plain struct (`parse.rs`) into
//! fields that each name a column; `from_row.rs` generates the by-name `FromRow` that
//! `#[derive(Model)]` uses as well, `serialize.rs` the by-name `SerializeRow`.

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;
use syn::{Generics, Ident, Type};

use crate::errors::into_tokens;

pub(crate) mod from_row;
mod parse;
mod serialize;

/// Where a field's value comes from when a row is read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Read {
    /// The column of the field's name; missing is an error.
    Column,
    /// That column, or `Default::default()` when the result has no such column.
    ColumnOrDefault,
    /// No column: always `Default::default()`, and never bound.
    Skip,
}

/// One field as the generators see it.
pub(crate) struct RowField<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) ty: &'a Type,
    /// Column (or bind marker) name.
    pub(crate) column: &'a str,
    pub(crate) read: Read,
}

/// Entry point of `#[derive(FromRow)]`.
pub(crate) fn derive_from_row(input: TokenStream) -> TokenStream {
    into_tokens(syn::parse2::<syn::DeriveInput>(input).and_then(|input| {
        let def = parse::RowDef::parse(&input, "FromRow")?;
        Ok(from_row::generate(
            &def.ident,
            &def.generics,
            &def.row_fields(),
        ))
    }))
}

/// Entry point of `#[derive(SerializeRow)]`.
pub(crate) fn derive_serialize_row(input: TokenStream) -> TokenStream {
    into_tokens(syn::parse2::<syn::DeriveInput>(input).and_then(|input| {
        let def = parse::RowDef::parse(&input, "SerializeRow")?;
        Ok(serialize::generate(
            &def.ident,
            &def.generics,
            &def.row_fields(),
        ))
    }))
}

/// The impl's `where` clause: the struct's own predicates, plus `Type: Bound` for every
/// field type that uses one of the struct's type parameters. As in serde, a field of a
/// concrete type gets no bound: its use in the body reports a missing impl at the field.
pub(crate) fn where_clause<'a>(
    generics: &Generics,
    bounded: impl Iterator<Item = (&'a Type, TokenStream)>,
) -> TokenStream {
    let params: Vec<&Ident> = generics.type_params().map(|p| &p.ident).collect();
    let own = generics
        .where_clause
        .iter()
        .flat_map(|w| w.predicates.iter())
        .map(|p| quote!(#p));
    let added = bounded
        .filter(|(ty, _)| !params.is_empty() && mentions(quote!(#ty), &params))
        .map(|(ty, bound)| quote!(#ty: #bound));
    let all: Vec<TokenStream> = own.chain(added).collect();
    if all.is_empty() {
        quote!()
    } else {
        quote!(where #(#all),*)
    }
}

/// Whether `tokens` (a type) names one of `params`.
fn mentions(tokens: TokenStream, params: &[&Ident]) -> bool {
    tokens.into_iter().any(|t| match t {
        TokenTree::Ident(i) => params.iter().any(|p| **p == i),
        TokenTree::Group(g) => mentions(g.stream(), params),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::where_clause;

    fn bounds(item: proc_macro2::TokenStream) -> String {
        let input: syn::DeriveInput = syn::parse2(item).expect("a struct");
        let syn::Data::Struct(s) = &input.data else {
            return String::new();
        };
        where_clause(
            &input.generics,
            s.fields.iter().map(|f| (&f.ty, quote!(Bound))),
        )
        .to_string()
    }

    #[test]
    fn bounds_only_field_types_that_use_a_type_parameter() {
        assert_eq!(
            bounds(quote!(
                struct R {
                    a: i32,
                }
            )),
            ""
        );
        assert_eq!(
            bounds(quote!(
                struct R<'a> {
                    a: &'a str,
                }
            )),
            ""
        );
        assert_eq!(
            bounds(quote!(
                struct R<T>
                where
                    T: Clone,
                {
                    a: i32,
                    b: Vec<T>,
                    c: (u8, [T; 2]),
                }
            )),
            "where T : Clone , Vec < T > : Bound , (u8 , [T ; 2]) : Bound"
        );
    }
}

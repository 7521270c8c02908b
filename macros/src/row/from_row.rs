//! The by-name `FromRow` impl, used by `#[derive(FromRow)]` and `#[derive(Model)]`: each
//! field reads the result column of its name, whatever the column order (`SELECT *` order
//! is the server's), and extra columns are ignored.
//!
//! `type_check` runs once per result and names the missing or mistyped column; `from_row`
//! stays safe without it. Everything is spelled with absolute paths so the expansion
//! compiles under `#![no_implicit_prelude]`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::{Read, RowField, where_clause};

/// `impl FromRow for #ident #generics`.
pub(crate) fn generate(
    ident: &syn::Ident,
    generics: &syn::Generics,
    fields: &[RowField<'_>],
) -> TokenStream {
    let p = quote!(::cassia::__private);
    let (impl_generics, ty_generics, _) = generics.split_for_impl();
    let bounds = where_clause(
        generics,
        fields.iter().flat_map(|f| {
            let de = quote!(#p::DeserializeValue);
            let default = quote!(::core::default::Default);
            match f.read {
                Read::Column => vec![(f.ty, de)],
                Read::ColumnOrDefault => vec![(f.ty, de), (f.ty, default)],
                Read::Skip => vec![(f.ty, default)],
            }
        }),
    );
    let read: Vec<&RowField<'_>> = fields.iter().filter(|f| f.read != Read::Skip).collect();
    let vars: Vec<_> = read
        .iter()
        .map(|f| {
            format_ident!(
                "__cassia_{}",
                f.ident.to_string().trim_start_matches("r#"),
                span = Span::mixed_site()
            )
        })
        .collect();
    let tys: Vec<_> = read.iter().map(|f| f.ty).collect();
    let names: Vec<_> = read.iter().map(|f| f.column).collect();
    let nullable: Vec<bool> = read.iter().map(|f| crate::attrs::is_option(f.ty)).collect();
    let no_such_column = |name: &str| {
        quote! {
            #p::FromRowError::NoSuchColumn {
                column: <::std::string::String as ::core::convert::From<&str>>::from(#name),
            }
        }
    };
    // A column the result lacks: an error, unless the field asked for its default.
    let if_missing: Vec<TokenStream> = read
        .iter()
        .map(|f| match f.read {
            Read::ColumnOrDefault => quote!(let _ = found;),
            _ => {
                let err = no_such_column(f.column);
                quote!(if !found { return ::core::result::Result::Err(#err); })
            }
        })
        .collect();
    let values = fields.iter().map(|f| {
        let field = f.ident;
        let ty = f.ty;
        let default = quote_spanned!(ty.span()=> <#ty as ::core::default::Default>::default());
        let var = read
            .iter()
            .position(|r| r.ident == f.ident)
            .and_then(|i| vars.get(i));
        let value = match (f.read, var) {
            (Read::Column, Some(var)) => {
                let err = no_such_column(f.column);
                quote!(#var.ok_or_else(|| #err)?)
            }
            (Read::ColumnOrDefault, Some(var)) => quote! {
                match #var {
                    ::core::option::Option::Some(v) => v,
                    ::core::option::Option::None => #default,
                }
            },
            _ => default,
        };
        quote!(#field: #value)
    });
    let deserialize = |ty: &syn::Type| quote_spanned!(ty.span()=> <#ty as #p::DeserializeValue>);
    let de: Vec<TokenStream> = tys.iter().map(|ty| deserialize(ty)).collect();
    quote! {
        impl #impl_generics #p::FromRow for #ident #ty_generics #bounds {
            fn type_check(columns: &[#p::ColumnSpec]) -> ::core::result::Result<(), #p::FromRowError> {
                #(
                    let mut found = false;
                    for (i, spec) in ::core::iter::Iterator::enumerate(columns.iter()) {
                        if spec.name == #names {
                            found = true;
                            #de::type_check(&spec.typ)
                                .map_err(|e| #p::FromRowError::column(i, spec, e))?;
                        }
                    }
                    #if_missing
                )*
                ::core::result::Result::Ok(())
            }

            fn from_row<'__cassia_cell>(
                columns: &[#p::ColumnSpec],
                mut cells: impl ::core::iter::Iterator<Item = ::core::option::Option<&'__cassia_cell [u8]>>,
            ) -> ::core::result::Result<Self, #p::FromRowError> {
                #(let mut #vars: ::core::option::Option<#tys> = ::core::option::Option::None;)*
                for (i, spec) in ::core::iter::Iterator::enumerate(columns.iter()) {
                    let cell = ::core::iter::Iterator::next(&mut cells).ok_or(
                        #p::FromRowError::MissingCells { cells: i, columns: columns.len() },
                    )?;
                    match spec.name.as_str() {
                        #(
                            #names => {
                                let cell = #p::empty_collection_if_null(#nullable, &spec.typ, cell);
                                #vars = ::core::option::Option::Some(
                                    #de::deserialize_value(&spec.typ, cell)
                                        .map_err(|e| #p::FromRowError::column(i, spec, e))?,
                                );
                            }
                        )*
                        _ => {}
                    }
                }
                ::core::result::Result::Ok(#ident { #(#values),* })
            }
        }
    }
}

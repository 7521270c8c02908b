//! `#[derive(Model)]` on an enum: a polymorphic model, cqlengine's `discriminator_column`.
//!
//! ```text
//! #[derive(Model)]
//! #[cassia(discriminator = "kind")]
//! enum Notification {
//!     Like(LikeNotification),       // #[derive(Model)] #[cassia(table = "notifications",
//!     Comment(CommentNotification), //   discriminator = "kind", value = "like")] struct ...
//! }
//! ```
//!
//! Every variant wraps one model struct mapped to the same table with its own discriminator
//! value. The enum's schema is the union of the variants' columns; reading a row dispatches
//! on the discriminator column; querying a variant struct filters on its value.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;

use crate::attrs;
use crate::errors::Errors;

/// The expansion for an enum model.
pub(crate) fn expand(input: &syn::DeriveInput) -> Result<TokenStream, syn::Error> {
    let mut errors = Errors::default();
    let mut discriminator: Option<String> = None;
    for item in attrs::items(&input.attrs, &mut errors) {
        match item.name.as_str() {
            "discriminator" => discriminator = item.string(&mut errors),
            _ => item.unknown(&mut errors, &["discriminator"]),
        }
    }
    if discriminator.is_none() {
        errors.at(
            input.ident.span(),
            "a polymorphic model needs its discriminator column: add `#[cassia(discriminator = \"column\")]`",
        );
    }
    if !input.generics.params.is_empty() {
        errors.at(
            input.generics.span(),
            "`Model` cannot be derived for a generic enum",
        );
    }
    let mut variants = Vec::new();
    if let syn::Data::Enum(data) = &input.data {
        for v in &data.variants {
            for item in attrs::items(&v.attrs, &mut errors) {
                errors.at(
                    item.span,
                    format!(
                        "`{}` is not accepted on a variant: set the discriminator value on the variant's struct with `#[cassia(value = \"...\")]`",
                        item.name
                    ),
                );
            }
            match &v.fields {
                syn::Fields::Unnamed(u) if u.unnamed.len() == 1 => {
                    if let Some(f) = u.unnamed.first() {
                        variants.push((v.ident.clone(), f.ty.clone()));
                    }
                }
                other => errors.at(
                    other.span(),
                    "each variant of a polymorphic model wraps one model struct: `Variant(VariantModel)`",
                ),
            }
        }
        if data.variants.is_empty() {
            errors.at(
                input.ident.span(),
                "a polymorphic model needs at least one variant",
            );
        }
    }
    errors.finish(())?;
    let p = quote!(::cassia::__private);
    let ident = &input.ident;
    let disc = discriminator.unwrap_or_default();
    let idents: Vec<_> = variants.iter().map(|v| &v.0).collect();
    let tys: Vec<_> = variants.iter().map(|v| &v.1).collect();
    Ok(quote! {
        impl #p::Model for #ident {
            fn schema() -> &'static #p::TableSchema {
                static SCHEMA: ::std::sync::OnceLock<#p::TableSchema> = ::std::sync::OnceLock::new();
                SCHEMA.get_or_init(|| {
                    #p::merge_schemas(#disc, &[#(<#tys as #p::Model>::schema()),*])
                })
            }

            fn write_column(
                &self,
                index: usize,
                typ: &#p::ColumnType,
                out: &mut ::std::vec::Vec<u8>,
            ) -> ::core::result::Result<bool, #p::SerializeError> {
                let schema = <Self as #p::Model>::schema();
                let ::core::option::Option::Some(column) = schema.columns.get(index) else {
                    return ::core::result::Result::Ok(false);
                };
                match self {
                    #(#ident::#idents(v) => #p::write_by_name(v, &column.name, typ, out),)*
                }
            }
        }

        impl #p::FromRow for #ident {
            fn type_check(columns: &[#p::ColumnSpec]) -> ::core::result::Result<(), #p::FromRowError> {
                #p::find_discriminator(columns, #disc).map(|_| ())
            }

            fn from_row<'c>(
                columns: &[#p::ColumnSpec],
                cells: impl ::core::iter::Iterator<Item = ::core::option::Option<&'c [u8]>>,
            ) -> ::core::result::Result<Self, #p::FromRowError> {
                let cells: ::std::vec::Vec<::core::option::Option<&'c [u8]>> =
                    ::core::iter::Iterator::collect(cells);
                let value = #p::read_discriminator(columns, &cells, #disc)?;
                #(
                    if <#tys as #p::Model>::discriminator().map(|d| d.1) == ::core::option::Option::Some(value.as_str()) {
                        return <#tys as #p::FromRow>::from_row(
                            columns,
                            ::core::iter::IntoIterator::into_iter(cells),
                        ).map(#ident::#idents);
                    }
                )*
                ::core::result::Result::Err(#p::unknown_discriminator(columns, #disc, &value))
            }
        }

        #(
            impl ::core::convert::From<#tys> for #ident {
                fn from(v: #tys) -> Self {
                    #ident::#idents(v)
                }
            }
        )*
    })
}

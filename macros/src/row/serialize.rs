//! The by-name `SerializeRow` impl of `#[derive(SerializeRow)]`: each field binds the bind
//! marker of its name (`:name`, or the column name Cassandra gives a `?` marker), written in
//! marker order as EXECUTE expects, like the protocol's `NamedValues`.
//!
//! A field without a marker, or a marker without a field, is an error naming it; on any
//! error the output buffer is left as it was.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::{Read, RowField, where_clause};

/// `impl SerializeRow for #ident #generics`.
pub(crate) fn generate(
    ident: &syn::Ident,
    generics: &syn::Generics,
    fields: &[RowField<'_>],
) -> TokenStream {
    let p = quote!(::cassia::__private);
    let bound: Vec<&RowField<'_>> = fields.iter().filter(|f| f.read != Read::Skip).collect();
    let (impl_generics, ty_generics, _) = generics.split_for_impl();
    let bounds = where_clause(
        generics,
        bound.iter().map(|f| (f.ty, quote!(#p::SerializeValue))),
    );
    let names: Vec<&str> = bound.iter().map(|f| f.column).collect();
    let writes = bound.iter().map(|f| {
        let field = f.ident;
        let ty = f.ty;
        // The field's type spelled out, so a type that is no CQL value is reported there.
        quote_spanned!(ty.span()=> #p::write_bound_value::<#ty>(out, i, spec, &self.#field))
    });
    let empty = bound.is_empty();
    quote! {
        impl #impl_generics #p::SerializeRow for #ident #ty_generics #bounds {
            fn serialize_row(
                &self,
                columns: &[#p::ColumnSpec],
                out: &mut #p::SerializedValues,
            ) -> ::core::result::Result<(), #p::SerializeRowError> {
                #(
                    if !::core::iter::Iterator::any(&mut columns.iter(), |spec| spec.name == #names) {
                        return ::core::result::Result::Err(#p::SerializeRowError::UnknownName {
                            name: <::std::string::String as ::core::convert::From<&str>>::from(#names),
                        });
                    }
                )*
                let (count, len, named) = (out.count, out.bytes.len(), out.named);
                for (i, spec) in ::core::iter::Iterator::enumerate(columns.iter()) {
                    let written = match spec.name.as_str() {
                        #(#names => #writes,)*
                        _ => ::core::result::Result::Err(#p::SerializeRowError::MissingValue {
                            column: ::std::boxed::Box::new(#p::ColumnRef::new(i, spec)),
                        }),
                    };
                    if let ::core::result::Result::Err(e) = written {
                        out.count = count;
                        out.bytes.truncate(len);
                        out.named = named;
                        return ::core::result::Result::Err(e);
                    }
                }
                ::core::result::Result::Ok(())
            }

            fn is_empty(&self) -> bool {
                #empty
            }
        }
    }
}

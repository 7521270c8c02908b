//! `#[derive(CqlEnum)]`: a field-less enum stored as `text` (the variant name, or its
//! `rename`) with `#[cassia(repr = "text")]` (the default), or as `int` (the explicit
//! discriminant, else the declaration index) with `#[cassia(repr = "int")]`. Reading an
//! unknown name or number is a decode error naming the enum, never a panic.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;

use crate::attrs;
use crate::errors::{Errors, into_tokens};

/// Entry point of the derive.
pub(crate) fn derive(input: TokenStream) -> TokenStream {
    into_tokens(syn::parse2::<syn::DeriveInput>(input).and_then(|i| expand(&i)))
}

fn expand(input: &syn::DeriveInput) -> Result<TokenStream, syn::Error> {
    let mut errors = Errors::default();
    let mut as_int = false;
    for item in attrs::items(&input.attrs, &mut errors) {
        match item.name.as_str() {
            "repr" => match item.string(&mut errors).as_deref() {
                Some("text") => as_int = false,
                Some("int") => as_int = true,
                Some(other) => errors.at(
                    item.span,
                    format!("unknown repr `{other}`: use `repr = \"text\"` or `repr = \"int\"`"),
                ),
                None => {}
            },
            _ => item.unknown(&mut errors, &["repr"]),
        }
    }
    let syn::Data::Enum(data) = &input.data else {
        errors.at(
            input.ident.span(),
            "`CqlEnum` is for enums whose variants have no fields",
        );
        return errors.finish(TokenStream::new());
    };
    let mut variants = Vec::new();
    let mut next: i32 = 0;
    for v in &data.variants {
        if !matches!(v.fields, syn::Fields::Unit) {
            errors.at(
                v.fields.span(),
                "`CqlEnum` variants cannot have fields: they are stored as a single text or int",
            );
        }
        let mut name = v.ident.to_string();
        for item in attrs::items(&v.attrs, &mut errors) {
            match item.name.as_str() {
                "rename" => {
                    if let Some(n) = item.string(&mut errors) {
                        name = n;
                    }
                }
                _ => item.unknown(&mut errors, &["rename"]),
            }
        }
        let number = match &v.discriminant {
            Some((
                _,
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Int(i),
                    ..
                }),
            )) => match i.base10_parse::<i32>() {
                Ok(n) => n,
                Err(e) => {
                    errors.push(e);
                    next
                }
            },
            Some((_, other)) => {
                errors.at(
                    other.span(),
                    "only integer literal discriminants are supported",
                );
                next
            }
            None => next,
        };
        next = number.wrapping_add(1);
        variants.push((v.ident.clone(), name, number));
    }
    errors.finish(())?;
    let p = quote!(::cassia::__private);
    let ident = &input.ident;
    let rust_name = ident.to_string();
    let idents: Vec<_> = variants.iter().map(|v| &v.0).collect();
    let names: Vec<_> = variants.iter().map(|v| &v.1).collect();
    let numbers: Vec<_> = variants.iter().map(|v| v.2).collect();
    let stored: Vec<String> = if as_int {
        numbers.iter().map(i32::to_string).collect()
    } else {
        names.iter().map(|n| (*n).clone()).collect()
    };
    let (cql, ser, de, check) = if as_int {
        (
            quote!(#p::CqlType::Int),
            quote! {
                let n: i32 = match self { #(#ident::#idents => #numbers,)* };
                #p::SerializeValue::serialize_value(&n, typ, out)
            },
            quote! {
                let n = <i32 as #p::DeserializeValue>::deserialize_value(typ, bytes)?;
                match n {
                    #(#numbers => ::core::result::Result::Ok(#ident::#idents),)*
                    other => ::core::result::Result::Err(#p::DeserializeError::malformed(
                        typ,
                        ::std::format!("{} is not a value of {}", other, #rust_name),
                    )),
                }
            },
            quote!(<i32 as #p::DeserializeValue>::type_check(typ)),
        )
    } else {
        (
            quote!(#p::CqlType::Text),
            quote! {
                let s: &str = match self { #(#ident::#idents => #names,)* };
                #p::SerializeValue::serialize_value(s, typ, out)
            },
            quote! {
                let s = <::std::string::String as #p::DeserializeValue>::deserialize_value(typ, bytes)?;
                match s.as_str() {
                    #(#names => ::core::result::Result::Ok(#ident::#idents),)*
                    other => ::core::result::Result::Err(#p::DeserializeError::malformed(
                        typ,
                        ::std::format!("'{}' is not a variant of {}", other, #rust_name),
                    )),
                }
            },
            quote!(<::std::string::String as #p::DeserializeValue>::type_check(typ)),
        )
    };
    Ok(quote! {
        impl #p::CqlEnum for #ident {
            fn stored_values() -> &'static [&'static str] {
                &[#(#stored),*]
            }
        }

        impl #p::CqlTypeOf for #ident {
            fn cql_type() -> #p::CqlType {
                #cql
            }
        }

        impl #p::SerializeValue for #ident {
            fn serialize_value(
                &self,
                typ: &#p::ColumnType,
                out: &mut ::std::vec::Vec<u8>,
            ) -> ::core::result::Result<(), #p::SerializeError> {
                #ser
            }
        }

        impl #p::DeserializeValue for #ident {
            fn type_check(typ: &#p::ColumnType) -> ::core::result::Result<(), #p::DeserializeError> {
                #check
            }

            fn deserialize_value(
                typ: &#p::ColumnType,
                bytes: ::core::option::Option<&[u8]>,
            ) -> ::core::result::Result<Self, #p::DeserializeError> {
                #de
            }
        }
    })
}

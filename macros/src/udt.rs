//! `#[derive(UserType)]`: a struct as a CQL user-defined type. Emits `UserType` (the type's
//! schema), `CqlTypeOf` (so fields of this type map to it, frozen where Cassandra needs it),
//! and the value codec, which matches fields by name against the type the server describes
//! so a type that gained fields (or lists them in another order) still reads and writes.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::attrs;
use crate::errors::{Errors, into_tokens};

/// Entry point of the derive.
pub(crate) fn derive(input: TokenStream) -> TokenStream {
    into_tokens(syn::parse2::<syn::DeriveInput>(input).and_then(|i| expand(&i)))
}

struct Field {
    ident: syn::Ident,
    ty: syn::Type,
    name: String,
}

fn expand(input: &syn::DeriveInput) -> Result<TokenStream, syn::Error> {
    let mut errors = Errors::default();
    let mut name = attrs::snake_case(&input.ident.to_string());
    let mut keyspace: Option<String> = None;
    for item in attrs::items(&input.attrs, &mut errors) {
        match item.name.as_str() {
            "name" => {
                if let Some(n) = item.string(&mut errors) {
                    name = n;
                }
            }
            "keyspace" => keyspace = item.string(&mut errors),
            _ => item.unknown(&mut errors, &["name", "keyspace"]),
        }
    }
    if !input.generics.params.is_empty() {
        errors.at(
            input.generics.span(),
            "`UserType` cannot be derived for a generic struct",
        );
    }
    let mut fields = Vec::new();
    match &input.data {
        syn::Data::Struct(syn::DataStruct {
            fields: syn::Fields::Named(named),
            ..
        }) => {
            for f in &named.named {
                let Some(ident) = f.ident.clone() else {
                    continue;
                };
                let mut column = ident.to_string().trim_start_matches("r#").to_owned();
                for item in attrs::items(&f.attrs, &mut errors) {
                    match item.name.as_str() {
                        "rename" => {
                            if let Some(n) = item.string(&mut errors) {
                                column = n;
                            }
                        }
                        _ => item.unknown(&mut errors, &["rename"]),
                    }
                }
                if fields.iter().any(|x: &Field| x.name == column) {
                    errors.at(
                        ident.span(),
                        format!("duplicate field name `{column}`: rename one with `#[cassia(rename = \"...\")]`"),
                    );
                }
                fields.push(Field {
                    ident,
                    ty: f.ty.clone(),
                    name: column,
                });
            }
        }
        _ => errors.at(
            input.ident.span(),
            "`UserType` needs a struct with named fields (one per UDT field)",
        ),
    }
    let named = matches!(
        &input.data,
        syn::Data::Struct(syn::DataStruct {
            fields: syn::Fields::Named(_),
            ..
        })
    );
    if named && fields.is_empty() {
        errors.at(input.ident.span(), "a user type needs at least one field");
    }
    errors.finish(())?;
    Ok(generate(input, &name, &keyspace, &fields))
}

fn generate(
    input: &syn::DeriveInput,
    name: &str,
    keyspace: &Option<String>,
    fields: &[Field],
) -> TokenStream {
    let p = quote!(::cassia::__private);
    let ident = &input.ident;
    let rust_name = ident.to_string();
    let keyspace = match keyspace {
        Some(k) => quote!(::core::option::Option::Some(#k)),
        None => quote!(::core::option::Option::None),
    };
    let names: Vec<_> = fields.iter().map(|f| &f.name).collect();
    let tys: Vec<_> = fields.iter().map(|f| &f.ty).collect();
    let idents: Vec<_> = fields.iter().map(|f| &f.ident).collect();
    let vars: Vec<_> = fields
        .iter()
        .map(|f| {
            quote::format_ident!(
                "__cassia_{}",
                f.ident.to_string().trim_start_matches("r#"),
                span = proc_macro2::Span::mixed_site()
            )
        })
        .collect();
    let field_types = fields.iter().map(|f| {
        let ty = &f.ty;
        // Cassandra only accepts frozen collections and UDTs inside a UDT.
        quote_spanned!(ty.span()=> ::cassia::__private::CqlType::frozen(
            <#ty as ::cassia::__private::CqlTypeOf>::cql_type()
        ))
    });
    let expected = format!("user type {name}");
    quote! {
        impl #p::CqlTypeOf for #ident {
            fn cql_type() -> #p::CqlType {
                #p::CqlType::Udt {
                    name: <::std::string::String as ::core::convert::From<&str>>::from(#name),
                    fields: ::std::vec![#((
                        <::std::string::String as ::core::convert::From<&str>>::from(#names),
                        #field_types,
                    )),*],
                }
            }
        }

        impl #p::UserType for #ident {
            fn udt_schema() -> #p::UdtSchema {
                match <#ident as #p::CqlTypeOf>::cql_type() {
                    #p::CqlType::Udt { name, fields } => #p::UdtSchema::new(#keyspace, name, fields),
                    _ => #p::UdtSchema::new(#keyspace, #name, ::std::vec::Vec::new()),
                }
            }
        }

        impl #p::SerializeValue for #ident {
            fn serialize_value(
                &self,
                typ: &#p::ColumnType,
                out: &mut ::std::vec::Vec<u8>,
            ) -> ::core::result::Result<(), #p::SerializeError> {
                let #p::ColumnType::Udt { fields, .. } = typ else {
                    return ::core::result::Result::Err(#p::SerializeError::mismatch(#rust_name, #expected, typ));
                };
                #p::write_value(typ, out, |out| {
                    for (field, field_type) in fields.iter() {
                        match field.as_str() {
                            #(#names => #p::SerializeValue::serialize_value(&self.#idents, field_type, out)?,)*
                            // A field this struct does not know is left null.
                            _ => out.extend_from_slice(&(-1i32).to_be_bytes()),
                        }
                    }
                    ::core::result::Result::Ok(())
                })
            }
        }

        impl #p::DeserializeValue for #ident {
            fn type_check(typ: &#p::ColumnType) -> ::core::result::Result<(), #p::DeserializeError> {
                let #p::ColumnType::Udt { fields, .. } = typ else {
                    return ::core::result::Result::Err(#p::DeserializeError::mismatch(#rust_name, #expected, typ));
                };
                for (field, field_type) in fields.iter() {
                    match field.as_str() {
                        #(#names => <#tys as #p::DeserializeValue>::type_check(field_type)?,)*
                        _ => {}
                    }
                }
                ::core::result::Result::Ok(())
            }

            fn deserialize_value(
                typ: &#p::ColumnType,
                bytes: ::core::option::Option<&[u8]>,
            ) -> ::core::result::Result<Self, #p::DeserializeError> {
                let #p::ColumnType::Udt { fields, .. } = typ else {
                    return ::core::result::Result::Err(#p::DeserializeError::mismatch(#rust_name, #expected, typ));
                };
                let bytes = bytes.ok_or_else(|| #p::DeserializeError::null(#rust_name, typ))?;
                let mut components = #p::Components::new(typ, bytes);
                #(let mut #vars: ::core::option::Option<#tys> = ::core::option::Option::None;)*
                for (field, field_type) in fields.iter() {
                    let cell = components.next_component()?;
                    match field.as_str() {
                        #(#names => {
                            #vars = ::core::option::Option::Some(
                                <#tys as #p::DeserializeValue>::deserialize_value(field_type, cell)?,
                            );
                        })*
                        _ => {}
                    }
                }
                components.finish()?;
                ::core::result::Result::Ok(#ident {
                    #(#idents: match #vars {
                        ::core::option::Option::Some(v) => v,
                        // A field the server's type lacks reads as null: fine for `Option`.
                        ::core::option::Option::None => <#tys as #p::DeserializeValue>::deserialize_value(
                            &#p::CqlType::to_column_type(
                                &<#tys as #p::CqlTypeOf>::cql_type(),
                                "",
                            ),
                            ::core::option::Option::None,
                        )?,
                    },)*
                })
            }
        }
    }
}

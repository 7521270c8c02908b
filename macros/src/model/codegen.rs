//! Code for a validated [`ModelDef`]: the static schema, `Model` (column values by position),
//! `FromRow` (columns matched by name, so `SELECT *` order does not matter) and one typed
//! column constant per field (`User::AGE: Column<User, i32>`).
//!
//! Everything is spelled with absolute paths (`::core`, `::std`, `::cassia::__private`) so the
//! expansion compiles under `#![no_implicit_prelude]`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::parse::{FieldDef, Kind, ModelDef, TableDef};

/// `Option<&str>` tokens.
fn opt_str(v: &Option<String>) -> TokenStream {
    match v {
        Some(s) => quote!(::core::option::Option::Some(#s)),
        None => quote!(::core::option::Option::None),
    }
}

/// The runtime `CqlType` of a field.
pub(crate) fn field_type(f: &FieldDef) -> TokenStream {
    let ty = &f.ty;
    let base = match &f.cql_type {
        Some(t) => t.clone(),
        None => quote_spanned!(ty.span()=> <#ty as ::cassia::__private::CqlTypeOf>::cql_type()),
    };
    // Primary key columns must be frozen if they are collections or UDTs.
    if f.frozen || matches!(f.kind, Kind::Partition(_) | Kind::Clustering) {
        quote!(::cassia::__private::CqlType::frozen(#base))
    } else {
        base
    }
}

/// Code that builds the `TableSchema` for `table` with `fields`.
pub(crate) fn schema_body(
    table: &TableDef,
    default_name: &str,
    fields: &[FieldDef],
) -> TokenStream {
    let p = quote!(::cassia::__private);
    let keyspace = opt_str(&table.keyspace);
    let name = table
        .table
        .clone()
        .unwrap_or_else(|| default_name.to_owned());
    let mut partition = 0usize;
    let mut clustering = 0usize;
    let columns = fields.iter().map(|f| {
        let column = &f.column;
        let typ = field_type(f);
        let kind = match f.kind {
            Kind::Partition(pos) => {
                let pos = pos.unwrap_or(partition);
                partition += 1;
                quote!(#p::ColumnKind::PartitionKey(#pos))
            }
            Kind::Clustering => {
                let pos = clustering;
                clustering += 1;
                let order = if f.desc {
                    quote!(#p::ClusteringOrder::Desc)
                } else {
                    quote!(#p::ClusteringOrder::Asc)
                };
                quote!(#p::ColumnKind::Clustering(#pos, #order))
            }
            Kind::Static => quote!(#p::ColumnKind::Static),
            Kind::Regular => quote!(#p::ColumnKind::Regular),
        };
        let index = match f.index {
            None => quote!(),
            Some(kind) => {
                let kind = match kind {
                    "keys" => quote!(Keys),
                    "entries" => quote!(Entries),
                    "full" => quote!(Full),
                    "sai" => {
                        let mut options = quote!(#p::SaiOptions::default());
                        if let Some(s) = f.sai.similarity {
                            let s = format_ident!("{}", s);
                            options = quote!(#p::SaiOptions::vector(#p::Similarity::#s));
                        }
                        for (name, value) in [
                            ("case_sensitive", f.sai.case_sensitive),
                            ("normalize", f.sai.normalize),
                            ("ascii", f.sai.ascii),
                        ] {
                            if let Some(v) = value {
                                let name = format_ident!("{}", name);
                                options = quote!(#options.#name(#v));
                            }
                        }
                        quote!(Sai(#options))
                    }
                    _ => quote!(Values),
                };
                quote!(.index(#p::IndexKind::#kind))
            }
        };
        quote!(#p::ColumnSchema::new(#column, #typ).kind(#kind) #index)
    });
    let discriminator = match &table.discriminator {
        Some(d) => quote! {
            columns.push(
                #p::ColumnSchema::new(#d, #p::CqlType::Text).index(#p::IndexKind::Values),
            );
            t.discriminator = ::core::option::Option::Some(
                <::std::string::String as ::core::convert::From<&str>>::from(#d),
            );
        },
        None => quote!(),
    };
    let set_opt = |field: &str, v: TokenStream| {
        let field = format_ident!("{field}");
        quote!(t.options.#field = ::core::option::Option::Some(#v);)
    };
    let string = |s: &str| quote!(<::std::string::String as ::core::convert::From<&str>>::from(#s));
    let mut options = TokenStream::new();
    if let Some(v) = table.default_ttl {
        options.extend(set_opt("default_ttl", quote!(#v)));
    }
    if let Some(v) = table.gc_grace_seconds {
        options.extend(set_opt("gc_grace_seconds", quote!(#v)));
    }
    if let Some(v) = &table.comment {
        options.extend(set_opt("comment", string(v)));
    }
    if let Some(v) = &table.compaction {
        options.extend(set_opt("compaction", string(v)));
    }
    if let Some(v) = &table.caching {
        options.extend(set_opt("caching", string(v)));
    }
    quote! {
        let mut t = #p::TableSchema::new(#keyspace, #name);
        let mut columns = ::std::vec![#(#columns),*];
        #discriminator
        t.columns = columns;
        #options
        t
    }
}

/// The whole expansion for a struct model.
pub(crate) fn expand(def: &ModelDef) -> TokenStream {
    let p = quote!(::cassia::__private);
    let ident = &def.ident;
    let schema = schema_body(
        &def.table,
        &crate::attrs::snake_case(&ident.to_string()),
        &def.fields,
    );
    let write_arms = def.fields.iter().enumerate().map(|(i, f)| {
        let field = &f.ident;
        let ser = quote_spanned!(f.ty.span()=> #p::SerializeValue::serialize_value(&self.#field, typ, out));
        quote! {
            #i => {
                #ser?;
                ::core::result::Result::Ok(true)
            }
        }
    });
    let (discriminator_fn, discriminator_arm) = match (&def.table.discriminator, &def.table.value) {
        (Some(d), Some(v)) => {
            let i = def.fields.len();
            (
                quote! {
                    fn discriminator() -> ::core::option::Option<(&'static str, &'static str)> {
                        ::core::option::Option::Some((#d, #v))
                    }
                },
                quote! {
                    #i => {
                        #p::SerializeValue::serialize_value(#v, typ, out)?;
                        ::core::result::Result::Ok(true)
                    }
                },
            )
        }
        _ => (quote!(), quote!()),
    };
    let connection_fn = match &def.table.connection {
        Some(c) => quote! {
            fn connection() -> ::core::option::Option<&'static str> {
                ::core::option::Option::Some(#c)
            }
        },
        None => quote!(),
    };
    let from_row = from_row(ident, &def.fields);
    let consts = def.fields.iter().enumerate().map(|(i, f)| {
        let name = format_ident!(
            "{}",
            f.ident.to_string().trim_start_matches("r#").to_uppercase(),
            span = f.ident.span()
        );
        let ty = &f.ty;
        let column = &f.column;
        let doc = format!("The `{column}` column, for typed queries.");
        quote! {
            #[doc = #doc]
            pub const #name: #p::Column<#ident, #ty> = #p::Column::__new(#column, #i);
        }
    });
    quote! {
        impl #p::Model for #ident {
            fn schema() -> &'static #p::TableSchema {
                static SCHEMA: ::std::sync::OnceLock<#p::TableSchema> = ::std::sync::OnceLock::new();
                SCHEMA.get_or_init(|| { #schema })
            }

            #discriminator_fn
            #connection_fn

            fn write_column(
                &self,
                index: usize,
                typ: &#p::ColumnType,
                out: &mut ::std::vec::Vec<u8>,
            ) -> ::core::result::Result<bool, #p::SerializeError> {
                match index {
                    #(#write_arms)*
                    #discriminator_arm
                    _ => ::core::result::Result::Ok(false),
                }
            }
        }

        #from_row

        #[allow(dead_code)]
        impl #ident {
            #(#consts)*
        }
    }
}

/// `FromRow` reading the fields by column name.
pub(crate) fn from_row(ident: &syn::Ident, fields: &[FieldDef]) -> TokenStream {
    let p = quote!(::cassia::__private);
    let vars: Vec<_> = fields
        .iter()
        .map(|f| {
            format_ident!(
                "__cassia_{}",
                f.ident.to_string().trim_start_matches("r#"),
                span = Span::mixed_site()
            )
        })
        .collect();
    let tys: Vec<_> = fields.iter().map(|f| &f.ty).collect();
    let names: Vec<_> = fields.iter().map(|f| &f.column).collect();
    let idents: Vec<_> = fields.iter().map(|f| &f.ident).collect();
    let nullable: Vec<bool> = fields
        .iter()
        .map(|f| crate::attrs::is_option(&f.ty))
        .collect();
    quote! {
        impl #p::FromRow for #ident {
            fn type_check(columns: &[#p::ColumnSpec]) -> ::core::result::Result<(), #p::FromRowError> {
                #(
                    let mut found = false;
                    for (i, spec) in ::core::iter::Iterator::enumerate(columns.iter()) {
                        if spec.name == #names {
                            found = true;
                            <#tys as #p::DeserializeValue>::type_check(&spec.typ)
                                .map_err(|e| #p::FromRowError::column(i, spec, e))?;
                        }
                    }
                    if !found {
                        return ::core::result::Result::Err(#p::FromRowError::NoSuchColumn {
                            column: <::std::string::String as ::core::convert::From<&str>>::from(#names),
                        });
                    }
                )*
                ::core::result::Result::Ok(())
            }

            fn from_row<'c>(
                columns: &[#p::ColumnSpec],
                mut cells: impl ::core::iter::Iterator<Item = ::core::option::Option<&'c [u8]>>,
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
                                    <#tys as #p::DeserializeValue>::deserialize_value(&spec.typ, cell)
                                        .map_err(|e| #p::FromRowError::column(i, spec, e))?,
                                );
                            }
                        )*
                        _ => {}
                    }
                }
                ::core::result::Result::Ok(#ident {
                    #(
                        #idents: #vars.ok_or_else(|| #p::FromRowError::NoSuchColumn {
                            column: <::std::string::String as ::core::convert::From<&str>>::from(#names),
                        })?,
                    )*
                })
            }
        }
    }
}

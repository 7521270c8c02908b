//! `#[cassia::test]`: an async test that runs in a fresh keyspace (see `cassia::testing`).
//!
//! The attribute's arguments are parsed into [`TestArgs`] (`models(A, B)`, `migrations =
//! "dir"`), the function is checked (async, at most one parameter, no generics), and the
//! expansion is a plain `#[test] fn` that hands the original body, kept as an inner async
//! fn, to `::cassia::testing::run`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, LitStr, Meta, Path, Token};

use crate::errors::{Errors, into_tokens};

/// What the attribute asks for.
#[derive(Default)]
struct TestArgs {
    models: Vec<Path>,
    migrations: Option<LitStr>,
}

fn parse_args(args: TokenStream, errors: &mut Errors) -> TestArgs {
    let mut out = TestArgs::default();
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args) {
        Ok(m) => m,
        Err(e) => {
            errors.push(e);
            return out;
        }
    };
    for meta in metas {
        match &meta {
            Meta::List(list) if list.path.is_ident("models") => {
                match list.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated) {
                    Ok(paths) if paths.is_empty() => {
                        errors.at(list.span(), "`models(...)` lists at least one model: `models(User, Post)`")
                    }
                    Ok(paths) => out.models.extend(paths),
                    Err(e) => errors.push(e),
                }
            }
            Meta::NameValue(nv) if nv.path.is_ident("migrations") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => {
                    if out.migrations.is_some() {
                        errors.at(nv.span(), "`migrations` is given twice");
                    }
                    out.migrations = Some(s.clone());
                }
                other => errors.at(
                    other.span(),
                    "`migrations` expects a directory: `migrations = \"migrations\"`",
                ),
            },
            other => errors.at(
                other.span(),
                "unknown #[cassia::test] argument; expected `models(...)` or `migrations = \"dir\"`",
            ),
        }
    }
    out
}

/// Expands `#[cassia::test(args)] item`.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    into_tokens(expand_inner(args, item))
}

fn expand_inner(args: TokenStream, item: TokenStream) -> Result<TokenStream, syn::Error> {
    let mut errors = Errors::default();
    let args = parse_args(args, &mut errors);
    let func: ItemFn = syn::parse2(item)?;
    let sig = &func.sig;
    if sig.asyncness.is_none() {
        errors.at(sig.fn_token.span, "#[cassia::test] needs an `async fn`");
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        errors.at(
            sig.generics.span(),
            "#[cassia::test] functions cannot be generic",
        );
    }
    if let Some(extra) = sig.inputs.iter().nth(1) {
        errors.at(
            extra.span(),
            "#[cassia::test] functions take at most one parameter: `session: cassia::Session` or `db: cassia::testing::TestDb`",
        );
    }
    if let Some(FnArg::Receiver(r)) = sig.inputs.first() {
        errors.at(r.span(), "#[cassia::test] functions cannot take `self`");
    }
    errors.finish(())?;

    let name = &sig.ident;
    let inner = format_ident!("__cassia_test_{}", name, span = Span::mixed_site());
    let attrs = &func.attrs;
    let vis = &func.vis;
    let output = &sig.output;
    let body = &func.block;
    let inputs = &sig.inputs;
    // Without a parameter the test still gets its keyspace; it reads nothing from it.
    let (inner_inputs, arg_ty) = match sig.inputs.first() {
        Some(FnArg::Typed(t)) => (quote!(#inputs), {
            let ty = &t.ty;
            quote!(#ty)
        }),
        _ => (
            quote!(_: ::cassia::testing::TestDb),
            quote!(::cassia::testing::TestDb),
        ),
    };
    let models = args.models.iter().map(|m| {
        quote_spanned! {m.span()=>
            ::cassia::testing::sync_model::<#m> as ::cassia::testing::SyncFn
        }
    });
    let migrations = match &args.migrations {
        Some(dir) => quote! {
            ::core::option::Option::Some(::cassia::migrate::MigrationSet::from(::cassia::migrate!(#dir)))
        },
        None => quote!(::core::option::Option::None),
    };
    let name_str = name.to_string();
    Ok(quote! {
        #[::core::prelude::v1::test]
        #(#attrs)*
        #vis fn #name() #output {
            async fn #inner(#inner_inputs) #output #body
            ::cassia::testing::run::<#arg_ty, _, _, _>(
                ::cassia::testing::TestOptions {
                    name: #name_str,
                    models: &[#(#models),*],
                    migrations: #migrations,
                },
                #inner,
            )
        }
    })
}

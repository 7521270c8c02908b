//! `migrate!("dir")`: reads a migrations directory at compile time with
//! `cassia_migrate_source::MigrationSet::from_dir` — the code `cassia` runs when it reads a
//! directory at run time, so the two cannot disagree — and writes the result as an
//! `EmbeddedMigrations` literal. Any problem with the directory (a bad file name, a
//! duplicate version, an unterminated string) becomes a compile error on the path literal.

use std::path::{Path, PathBuf};

use cassia_migrate_source::{Migration, MigrationSet, Script, SourceError};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::{ParseStream, Parser};

use crate::errors::into_tokens;

/// Entry point of the macro.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    into_tokens(expand_dir(input))
}

fn expand_dir(input: TokenStream) -> Result<TokenStream, syn::Error> {
    let lit = parse_argument(input)?;
    let dir = resolve(&lit)?;
    let set =
        MigrationSet::from_dir(&dir).map_err(|e| syn::Error::new(lit.span(), message(&e, &lit)))?;
    let migrations = set
        .iter()
        .map(|m| migration(&dir, m, &lit))
        .collect::<Result<Vec<_>, _>>()?;
    let ms = quote!(::cassia::__private::migrate_source);
    // A `const` item: its initializer's `&[...]` live for `'static` under the constant rules,
    // so the expansion works in `let`, `const` and `static` positions alike.
    Ok(quote! {{
        const MIGRATIONS: #ms::EmbeddedMigrations = #ms::EmbeddedMigrations(&[#(#migrations),*]);
        MIGRATIONS
    }})
}

const USAGE: &str = "expected the migrations directory as a string literal, e.g. \
                     `cassia::migrate!(\"migrations\")`, relative to the crate's Cargo.toml";

fn parse_argument(input: TokenStream) -> Result<syn::LitStr, syn::Error> {
    if input.is_empty() {
        return Err(syn::Error::new(Span::call_site(), USAGE));
    }
    let parser = |stream: ParseStream| {
        let lit: syn::LitStr = stream.parse()?;
        let _: Option<syn::Token![,]> = stream.parse()?;
        Ok(lit)
    };
    parser.parse2(input.clone()).map_err(|_| {
        syn::Error::new_spanned(
            input,
            format!("{USAGE} (macros such as `concat!` or `env!` are not expanded here)"),
        )
    })
}

/// The directory as an absolute path: relative paths are taken from `CARGO_MANIFEST_DIR`,
/// as `include_str!` cannot be (it is relative to the calling file, which a proc macro
/// cannot learn on stable Rust).
fn resolve(lit: &syn::LitStr) -> Result<PathBuf, syn::Error> {
    let value = lit.value();
    if value.is_empty() {
        return Err(syn::Error::new(
            lit.span(),
            "the migrations directory is an empty path; give it relative to the crate's \
             Cargo.toml, e.g. `cassia::migrate!(\"migrations\")`",
        ));
    }
    let path = Path::new(&value);
    let full = if path.is_absolute() {
        path.to_owned()
    } else {
        let Some(root) = std::env::var_os("CARGO_MANIFEST_DIR") else {
            return Err(syn::Error::new(
                lit.span(),
                "relative migration paths are resolved against CARGO_MANIFEST_DIR, which is \
                 not set (the crate is not built by cargo): give an absolute path",
            ));
        };
        PathBuf::from(root).join(path)
    };
    // Canonical when it exists: errors then show a plain path, and `include_str!` reads the
    // very files that were checked. A missing directory is reported by `from_dir`.
    Ok(full.canonicalize().unwrap_or(full))
}

fn message(error: &SourceError, lit: &syn::LitStr) -> String {
    match error {
        SourceError::MissingDirectory { .. } if !Path::new(&lit.value()).is_absolute() => format!(
            "{error} (a relative path is taken from the directory of the crate's Cargo.toml)"
        ),
        _ => error.to_string(),
    }
}

fn migration(dir: &Path, m: &Migration, lit: &syn::LitStr) -> Result<TokenStream, syn::Error> {
    let version = m.version;
    let name = &m.name;
    let up = script(dir, &m.up, lit)?;
    let down = match &m.down {
        Some(down) => {
            let down = script(dir, down, lit)?;
            quote!(::core::option::Option::Some(#down))
        }
        None => quote!(::core::option::Option::None),
    };
    Ok(quote! {
        ::cassia::__private::migrate_source::EmbeddedMigration {
            version: #version,
            name: #name,
            up: #up,
            down: #down,
        }
    })
}

fn script(dir: &Path, s: &Script, lit: &syn::LitStr) -> Result<TokenStream, syn::Error> {
    let path = dir.join(&s.file);
    let Some(path) = path.to_str() else {
        return Err(syn::Error::new(
            lit.span(),
            format!(
                "the path of `{}` is not UTF-8, so it cannot be embedded",
                path.display()
            ),
        ));
    };
    let file = &s.file;
    let checksum = &s.checksum;
    let statements = s.statements.iter().map(|st| {
        let (cql, line, checksum) = (&st.cql, st.line, &st.checksum);
        quote! {
            ::cassia::__private::migrate_source::EmbeddedStatement {
                cql: #cql,
                line: #line,
                checksum: #checksum,
            }
        }
    });
    // `include_str!` rather than a literal of the text: it makes cargo rebuild the crate
    // when the file is edited.
    Ok(quote! {
        ::cassia::__private::migrate_source::EmbeddedScript {
            file: #file,
            text: ::core::include_str!(#path),
            checksum: #checksum,
            statements: &[#(#statements),*],
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(input: TokenStream) -> String {
        match expand_dir(input) {
            Ok(tokens) => panic!("expanded to {tokens}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn the_argument_must_be_a_string_literal() {
        assert!(error_of(TokenStream::new()).starts_with("expected the migrations directory"));
        assert!(error_of(quote!(migrations)).contains("not expanded here"));
        assert!(error_of(quote!(concat!("a", "b"))).contains("not expanded here"));
        assert!(error_of(quote!("a", "b")).starts_with("expected the migrations directory"));
        assert!(error_of(quote!("")).starts_with("the migrations directory is an empty path"));
    }

    #[test]
    fn a_missing_directory_is_reported_with_its_path() {
        let dir =
            std::env::temp_dir().join(format!("cassia-macros-missing-{}", std::process::id()));
        let lit = dir.to_str().expect("utf-8 temp dir");
        let msg = error_of(quote!(#lit));
        assert_eq!(msg, format!("migrations directory `{lit}` does not exist"));
    }

    #[test]
    fn expands_a_directory_to_literals_and_include_str() {
        let dir = std::env::temp_dir().join(format!("cassia-macros-ok-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create");
        std::fs::write(dir.join("2_b.cql"), "SELECT 2;").expect("write");
        std::fs::write(dir.join("1_a.up.cql"), "SELECT 'x;y';\n-- c\nSELECT 1").expect("write");
        std::fs::write(dir.join("1_a.down.cql"), "SELECT 0").expect("write");
        let lit = dir.to_str().expect("utf-8 temp dir").to_owned();
        let result = expand_dir(quote!(#lit));
        let _ = std::fs::remove_dir_all(&dir);
        let code = result.expect("expands").to_string();
        let canonical = dir.canonicalize().unwrap_or(dir);
        for wanted in [
            "version : 1u64".to_owned(),
            "version : 2u64".to_owned(),
            "name : \"a\"".to_owned(),
            "cql : \"SELECT 'x;y'\"".to_owned(),
            "line : 3u32".to_owned(),
            format!(
                "include_str ! ({:?})",
                canonical.join("1_a.down.cql").display().to_string()
            ),
            "down : :: core :: option :: Option :: None".to_owned(),
        ] {
            assert!(code.contains(&wanted), "{wanted} not in {code}");
        }
        assert!(
            code.find("version : 1u64") < code.find("version : 2u64"),
            "sorted: {code}"
        );
    }
}

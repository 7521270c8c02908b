//! Reading a plain struct for `#[derive(FromRow)]` / `#[derive(SerializeRow)]` into a
//! [`RowDef`]: its named fields, each with the column (or bind marker) it maps to. Every
//! problem is reported at the offending item, all of them in one compile.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{DeriveInput, Generics, Ident, Type};

use super::{Read, RowField};
use crate::attrs;
use crate::errors::Errors;

const FIELD_ATTRS: &[&str] = &["rename", "skip", "default"];

/// One field as declared.
pub(crate) struct FieldDef {
    pub(crate) ident: Ident,
    pub(crate) ty: Type,
    pub(crate) column: String,
    pub(crate) read: Read,
}

/// A validated row struct.
pub(crate) struct RowDef {
    pub(crate) ident: Ident,
    pub(crate) generics: Generics,
    pub(crate) fields: Vec<FieldDef>,
}

impl RowDef {
    /// Parses and validates; `derive` names the derive in messages (`FromRow`).
    pub(crate) fn parse(input: &DeriveInput, derive: &str) -> Result<RowDef, syn::Error> {
        let mut errors = Errors::default();
        // The struct itself takes no options; anything written there is a mistake.
        for item in attrs::items(&input.attrs, &mut errors) {
            errors.at(
                item.span,
                format!(
                    "unknown cassia attribute `{}`: `{derive}` takes attributes on fields only (rename, skip, default)",
                    item.name
                ),
            );
        }
        let mut def = RowDef {
            ident: input.ident.clone(),
            generics: input.generics.clone(),
            fields: Vec::new(),
        };
        let named = match &input.data {
            syn::Data::Struct(syn::DataStruct {
                fields: syn::Fields::Named(named),
                ..
            }) => named,
            syn::Data::Struct(s) => {
                let span = match &s.fields {
                    syn::Fields::Unit => input.ident.span(),
                    other => other.span(),
                };
                errors.at(
                    span,
                    format!(
                        "`{derive}` needs a struct with named fields, matched to columns by name; for columns by position use a tuple such as `(i32, String)`"
                    ),
                );
                return errors.finish(def);
            }
            syn::Data::Enum(e) => {
                return Err(refuse(e.enum_token.span, derive, "an enum"));
            }
            syn::Data::Union(u) => {
                return Err(refuse(u.union_token.span, derive, "a union"));
            }
        };
        for f in &named.named {
            if let Some(field) = parse_field(f, &mut errors) {
                def.fields.push(field);
            }
        }
        attrs::unique_columns(
            &[],
            def.fields
                .iter()
                .filter(|f| f.read != Read::Skip)
                .map(|f| (f.ident.span(), f.column.as_str())),
            &mut errors,
        );
        errors.finish(def)
    }

    /// The fields in the shape the shared generators take.
    pub(crate) fn row_fields(&self) -> Vec<RowField<'_>> {
        self.fields
            .iter()
            .map(|f| RowField {
                ident: &f.ident,
                ty: &f.ty,
                column: &f.column,
                read: f.read,
            })
            .collect()
    }
}

fn refuse(span: Span, derive: &str, what: &str) -> syn::Error {
    syn::Error::new(
        span,
        format!(
            "`{derive}` cannot be derived for {what}: it needs a struct with named fields, one per column"
        ),
    )
}

fn parse_field(f: &syn::Field, errors: &mut Errors) -> Option<FieldDef> {
    let ident = f.ident.clone()?;
    let mut def = FieldDef {
        column: ident.to_string().trim_start_matches("r#").to_owned(),
        ident,
        ty: f.ty.clone(),
        read: Read::Column,
    };
    let mut renamed: Option<Span> = None;
    let mut defaulted: Option<Span> = None;
    let mut skipped: Option<Span> = None;
    for item in attrs::items(&f.attrs, errors) {
        match item.name.as_str() {
            "rename" => {
                if let Some(name) = item.column_name(errors) {
                    def.column = name;
                    renamed = Some(item.span);
                }
            }
            "skip" => {
                if item.flag(errors) {
                    skipped = Some(item.span);
                }
            }
            "default" => {
                if item.flag(errors) {
                    defaulted = Some(item.span);
                }
            }
            _ => item.unknown(errors, FIELD_ATTRS),
        }
    }
    if skipped.is_some() {
        for (other, name) in [(renamed, "rename"), (defaulted, "default")] {
            if let Some(span) = other {
                errors.at(
                    span,
                    format!(
                        "a `skip` field maps to no column, so `{name}` has no effect: remove one of them"
                    ),
                );
            }
        }
        def.read = Read::Skip;
    } else if defaulted.is_some() {
        def.read = Read::ColumnOrDefault;
    }
    Some(def)
}

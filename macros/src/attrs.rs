//! Reading `#[cassia(...)]` attributes into flat `name` / `name = literal` items, and typed
//! accessors that report a spanned error for a wrong or unknown item.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Attribute, Lit};

use crate::errors::Errors;

/// One `name` or `name = literal` inside `#[cassia(...)]`.
pub(crate) struct Item {
    pub(crate) name: String,
    pub(crate) span: Span,
    pub(crate) value: Option<Lit>,
}

/// All `#[cassia(...)]` items on a node; malformed attributes are recorded in `errors`.
pub(crate) fn items(attrs: &[Attribute], errors: &mut Errors) -> Vec<Item> {
    let mut out = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("cassia")) {
        let parsed = attr.parse_nested_meta(|meta| {
            let name = meta
                .path
                .get_ident()
                .map(|i| i.to_string())
                .ok_or_else(|| meta.error("expected a plain attribute name"))?;
            let value = if meta.input.peek(syn::Token![=]) {
                Some(meta.value()?.parse::<Lit>()?)
            } else {
                None
            };
            out.push(Item {
                name,
                span: meta.path.span(),
                value,
            });
            Ok(())
        });
        if let Err(e) = parsed {
            errors.push(e);
        }
    }
    out
}

impl Item {
    /// Error for an item this node does not accept.
    pub(crate) fn unknown(&self, errors: &mut Errors, expected: &[&str]) {
        errors.at(
            self.span,
            format!(
                "unknown cassia attribute `{}`; expected one of: {}",
                self.name,
                expected.join(", ")
            ),
        );
    }

    /// A flag: `name` with no value.
    pub(crate) fn flag(&self, errors: &mut Errors) -> bool {
        match &self.value {
            None => true,
            Some(v) => {
                errors.at(
                    v.span(),
                    format!(
                        "`{}` takes no value: write `#[cassia({})]`",
                        self.name, self.name
                    ),
                );
                false
            }
        }
    }

    /// `name = "string"`.
    pub(crate) fn string(&self, errors: &mut Errors) -> Option<String> {
        match &self.value {
            Some(Lit::Str(s)) => Some(s.value()),
            Some(other) => {
                errors.at(
                    other.span(),
                    format!(
                        "`{}` expects a string: `{} = \"...\"`",
                        self.name, self.name
                    ),
                );
                None
            }
            None => {
                errors.at(
                    self.span,
                    format!("`{}` needs a value: `{} = \"...\"`", self.name, self.name),
                );
                None
            }
        }
    }

    /// `rename = "column"`: a string, reported when empty (and still returned, so that the
    /// field keeps being checked).
    pub(crate) fn column_name(&self, errors: &mut Errors) -> Option<String> {
        let name = self.string(errors)?;
        if name.is_empty() {
            errors.at(self.span, "a column name cannot be empty");
        }
        Some(name)
    }

    /// `name = 123`.
    pub(crate) fn integer<T: std::str::FromStr>(&self, errors: &mut Errors) -> Option<T>
    where
        T::Err: std::fmt::Display,
    {
        match &self.value {
            Some(Lit::Int(i)) => match i.base10_parse::<T>() {
                Ok(v) => Some(v),
                Err(e) => {
                    errors.push(e);
                    None
                }
            },
            Some(other) => {
                errors.at(
                    other.span(),
                    format!("`{}` expects an integer: `{} = 10`", self.name, self.name),
                );
                None
            }
            None => {
                errors.at(
                    self.span,
                    format!("`{}` needs a value: `{} = 10`", self.name, self.name),
                );
                None
            }
        }
    }

    /// `name = true` / `name = false` (a bare `name` means true).
    pub(crate) fn boolean(&self, errors: &mut Errors) -> Option<bool> {
        match &self.value {
            None => Some(true),
            Some(Lit::Bool(b)) => Some(b.value),
            Some(other) => {
                errors.at(
                    other.span(),
                    format!("`{}` expects a boolean: `{} = false`", self.name, self.name),
                );
                None
            }
        }
    }

    /// `name` or `name = 123` (an optional position).
    pub(crate) fn optional_integer(&self, errors: &mut Errors) -> Option<Option<usize>> {
        match &self.value {
            None => Some(None),
            Some(_) => self.integer(errors).map(Some),
        }
    }
}

/// Reports every field whose column (`(field span, column)`) is already taken, by an earlier
/// field or by one of `taken` (a discriminator column).
pub(crate) fn unique_columns<'a>(
    taken: &[&'a str],
    columns: impl IntoIterator<Item = (Span, &'a str)>,
    errors: &mut Errors,
) {
    let mut seen: Vec<&str> = taken.to_vec();
    for (span, column) in columns {
        if seen.contains(&column) {
            errors.at(
                span,
                format!(
                    "duplicate column name `{column}`: give one of the fields another name with `#[cassia(rename = \"...\")]`"
                ),
            );
        }
        seen.push(column);
    }
}

/// Snake case of a Rust type name (`UserProfile` → `user_profile`).
pub(crate) fn snake_case(name: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev_lower = i > 0
                && chars
                    .get(i - 1)
                    .is_some_and(|p| p.is_lowercase() || p.is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let prev_upper = i > 0 && chars.get(i - 1).is_some_and(|p| p.is_uppercase());
            if i > 0 && (prev_lower || (prev_upper && next_lower)) {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The last path segment of a type, if it is a plain path (`std::option::Option<T>` → `Option`).
pub(crate) fn last_segment(ty: &syn::Type) -> Option<&syn::PathSegment> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        syn::Type::Group(g) => last_segment(&g.elem),
        _ => None,
    }
}

/// Whether the type is spelled `Option<...>`.
pub(crate) fn is_option(ty: &syn::Type) -> bool {
    last_segment(ty).is_some_and(|s| s.ident == "Option")
}

/// Whether the type is spelled `Counter` or `Option<Counter>` (a counter never incremented
/// reads as null).
pub(crate) fn is_counter(ty: &syn::Type) -> bool {
    let Some(seg) = last_segment(ty) else {
        return false;
    };
    if seg.ident == "Counter" {
        return true;
    }
    match &seg.arguments {
        syn::PathArguments::AngleBracketed(args) if seg.ident == "Option" => args
            .args
            .iter()
            .any(|a| matches!(a, syn::GenericArgument::Type(t) if is_counter(t))),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::snake_case;

    #[test]
    fn snake_cases_type_names() {
        assert_eq!(snake_case("User"), "user");
        assert_eq!(snake_case("UserProfile"), "user_profile");
        assert_eq!(snake_case("HTTPLog"), "http_log");
        assert_eq!(snake_case("Item2Tag"), "item2_tag");
    }
}

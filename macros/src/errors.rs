//! Collecting several `syn::Error`s before giving up, so one compile shows every mistake.

use proc_macro2::TokenStream;

/// Errors found so far.
#[derive(Default)]
pub(crate) struct Errors {
    all: Option<syn::Error>,
}

impl Errors {
    /// Records an error.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.all {
            Some(all) => all.combine(error),
            None => self.all = Some(error),
        }
    }

    /// Records an error at `span` with `message`.
    pub(crate) fn at(&mut self, span: proc_macro2::Span, message: impl std::fmt::Display) {
        self.push(syn::Error::new(span, message));
    }

    /// `Err` with every error recorded, or `Ok(value)`.
    pub(crate) fn finish<T>(self, value: T) -> Result<T, syn::Error> {
        match self.all {
            Some(e) => Err(e),
            None => Ok(value),
        }
    }
}

/// Turns a derive's result into tokens: the code, or the compile errors.
pub(crate) fn into_tokens(result: Result<TokenStream, syn::Error>) -> TokenStream {
    result.unwrap_or_else(syn::Error::into_compile_error)
}

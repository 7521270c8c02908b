//! Reading a `#[derive(Model)]` struct into a [`ModelDef`] and checking it the way Cassandra
//! would check the CREATE TABLE, plus what only the mapper knows (nullable keys). Every
//! problem found is reported, each at the offending field.

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{DeriveInput, Ident, Type};

use crate::attrs::{self, Item};
use crate::errors::Errors;

const TABLE_ATTRS: &[&str] = &[
    "keyspace",
    "table",
    "default_ttl",
    "comment",
    "gc_grace_seconds",
    "compaction",
    "caching",
    "discriminator",
    "value",
    "connection",
];

const FIELD_ATTRS: &[&str] = &[
    "partition_key",
    "clustering_key",
    "order",
    "static_column",
    "index",
    "similarity",
    "case_sensitive",
    "normalize",
    "ascii",
    "rename",
    "frozen",
    "cql_type",
];

/// The role a field declares.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Partition(Option<usize>),
    Clustering,
    Static,
    Regular,
}

/// One field of the model, as declared.
pub(crate) struct FieldDef {
    pub(crate) ident: Ident,
    pub(crate) ty: Type,
    pub(crate) column: String,
    pub(crate) kind: Kind,
    pub(crate) desc: bool,
    pub(crate) index: Option<&'static str>,
    /// Options of a storage-attached index (`index = "sai"`).
    pub(crate) sai: SaiDef,
    pub(crate) frozen: bool,
    pub(crate) cql_type: Option<TokenStream>,
    pub(crate) counter: bool,
}

/// The options of a storage-attached index, as declared.
#[derive(Default)]
pub(crate) struct SaiDef {
    /// `similarity = "cosine" | "dot_product" | "euclidean"`, as the variant name.
    pub(crate) similarity: Option<&'static str>,
    pub(crate) case_sensitive: Option<bool>,
    pub(crate) normalize: Option<bool>,
    pub(crate) ascii: Option<bool>,
    /// Where the first option was written (for "needs `index = \"sai\"`").
    pub(crate) span: Option<Span>,
}

/// Table-level settings.
#[derive(Default)]
pub(crate) struct TableDef {
    pub(crate) keyspace: Option<String>,
    pub(crate) table: Option<String>,
    pub(crate) default_ttl: Option<u32>,
    pub(crate) comment: Option<String>,
    pub(crate) gc_grace_seconds: Option<u32>,
    pub(crate) compaction: Option<String>,
    pub(crate) caching: Option<String>,
    pub(crate) discriminator: Option<String>,
    pub(crate) value: Option<String>,
    pub(crate) connection: Option<String>,
}

/// A validated model.
pub(crate) struct ModelDef {
    pub(crate) ident: Ident,
    pub(crate) table: TableDef,
    pub(crate) fields: Vec<FieldDef>,
}

impl TableDef {
    pub(crate) fn parse(items: &[Item], errors: &mut Errors, allowed: &[&str]) -> TableDef {
        let mut t = TableDef::default();
        for item in items {
            if !allowed.contains(&item.name.as_str()) {
                item.unknown(errors, allowed);
                continue;
            }
            match item.name.as_str() {
                "keyspace" => t.keyspace = item.string(errors),
                "table" => t.table = item.string(errors),
                "default_ttl" => t.default_ttl = item.integer(errors),
                "comment" => t.comment = item.string(errors),
                "gc_grace_seconds" => t.gc_grace_seconds = item.integer(errors),
                "compaction" => t.compaction = item.string(errors),
                "caching" => t.caching = item.string(errors),
                "discriminator" => t.discriminator = item.string(errors),
                "value" => t.value = item.string(errors),
                "connection" => t.connection = item.string(errors),
                _ => item.unknown(errors, allowed),
            }
        }
        t
    }
}

impl ModelDef {
    /// Parses and validates; the error holds every problem found.
    pub(crate) fn parse(input: &DeriveInput) -> Result<ModelDef, syn::Error> {
        let mut errors = Errors::default();
        let items = attrs::items(&input.attrs, &mut errors);
        let table = TableDef::parse(&items, &mut errors, TABLE_ATTRS);
        if table.discriminator.is_some() != table.value.is_some() {
            errors.at(
                input.ident.span(),
                "a model sharing a table needs both `discriminator = \"column\"` and `value = \"...\"`",
            );
        }
        if !input.generics.params.is_empty() {
            errors.at(
                input.generics.span(),
                "`Model` cannot be derived for a generic struct: a table has one fixed set of column types",
            );
        }
        let named = match &input.data {
            syn::Data::Struct(s) => match &s.fields {
                syn::Fields::Named(n) => Some(n),
                _ => None,
            },
            _ => None,
        };
        let Some(named) = named else {
            errors.at(
                input.ident.span(),
                "`Model` needs a struct with named fields (one per column)",
            );
            return errors.finish(ModelDef {
                ident: input.ident.clone(),
                table,
                fields: Vec::new(),
            });
        };
        let mut fields = Vec::new();
        for f in &named.named {
            if let Some(field) = parse_field(f, &mut errors) {
                fields.push(field);
            }
        }
        let def = ModelDef {
            ident: input.ident.clone(),
            table,
            fields,
        };
        def.validate(&mut errors);
        errors.finish(def)
    }

    fn validate(&self, errors: &mut Errors) {
        attrs::unique_columns(
            self.table.discriminator.as_deref().as_slice(),
            self.fields
                .iter()
                .map(|f| (f.ident.span(), f.column.as_str())),
            errors,
        );
        if !self
            .fields
            .iter()
            .any(|f| matches!(f.kind, Kind::Partition(_)))
        {
            errors.at(
                self.ident.span(),
                format!(
                    "model `{}` has no partition key: mark at least one field with `#[cassia(partition_key)]`",
                    self.ident
                ),
            );
        }
        let mut positions: Vec<usize> = Vec::new();
        for f in &self.fields {
            if let Kind::Partition(Some(p)) = f.kind {
                if positions.contains(&p) {
                    errors.at(
                        f.ident.span(),
                        format!("two partition key fields at position {p}: positions must differ"),
                    );
                }
                positions.push(p);
            }
        }
        let has_clustering = self.fields.iter().any(|f| f.kind == Kind::Clustering);
        let has_counter = self.fields.iter().any(|f| f.counter);
        for f in &self.fields {
            let key = matches!(f.kind, Kind::Partition(_) | Kind::Clustering);
            if key && attrs::is_option(&f.ty) {
                errors.at(
                    f.ty.span(),
                    format!(
                        "primary key column `{}` cannot be an `Option`: key columns are never null; use the inner type",
                        f.column
                    ),
                );
            }
            if key && f.counter {
                errors.at(
                    f.ty.span(),
                    format!("primary key column `{}` cannot be a counter", f.column),
                );
            }
            if f.kind == Kind::Static && !has_clustering {
                errors.at(
                    f.ident.span(),
                    format!(
                        "static column `{}` needs a table with a clustering key: add `#[cassia(clustering_key)]` to a field or remove `static_column`",
                        f.column
                    ),
                );
            }
            if has_counter && !key && !f.counter {
                errors.at(
                    f.ident.span(),
                    format!(
                        "column `{}` is not a counter, but the table has counter columns: a counter table holds only key and counter columns; move it to another model",
                        f.column
                    ),
                );
            }
        }
    }
}

fn parse_field(f: &syn::Field, errors: &mut Errors) -> Option<FieldDef> {
    let ident = f.ident.clone()?;
    let items = attrs::items(&f.attrs, errors);
    let mut kind = Kind::Regular;
    let mut kind_span: Option<Span> = None;
    let mut order: Option<(bool, Span)> = None;
    let mut def = FieldDef {
        column: ident.to_string().trim_start_matches("r#").to_owned(),
        ident,
        ty: f.ty.clone(),
        kind: Kind::Regular,
        desc: false,
        index: None,
        sai: SaiDef::default(),
        frozen: false,
        cql_type: None,
        counter: attrs::is_counter(&f.ty),
    };
    let mut set_kind = |new: Kind, item: &Item, errors: &mut Errors| {
        if kind_span.is_some() {
            errors.at(
                item.span,
                "a column has one role: use only one of `partition_key`, `clustering_key`, `static_column`",
            );
        } else {
            kind = new;
            kind_span = Some(item.span);
        }
    };
    for item in &items {
        match item.name.as_str() {
            // A malformed value is reported, and the role still applies so that no
            // follow-up error (such as "no partition key") is invented.
            "partition_key" => {
                let pos = item.optional_integer(errors).flatten();
                set_kind(Kind::Partition(pos), item, errors);
            }
            "clustering_key" => {
                item.flag(errors);
                set_kind(Kind::Clustering, item, errors);
            }
            "static_column" => {
                item.flag(errors);
                set_kind(Kind::Static, item, errors);
            }
            "order" => match item.string(errors).as_deref() {
                Some("asc") => order = Some((false, item.span)),
                Some("desc") => order = Some((true, item.span)),
                Some(other) => errors.at(
                    item.span,
                    format!("unknown clustering order `{other}`: use `order = \"asc\"` or `order = \"desc\"`"),
                ),
                None => {}
            },
            "index" => {
                def.index = match &item.value {
                    None => Some("values"),
                    Some(_) => match item.string(errors).as_deref() {
                        Some("values") => Some("values"),
                        Some("keys") => Some("keys"),
                        Some("entries") => Some("entries"),
                        Some("full") => Some("full"),
                        Some("sai") => Some("sai"),
                        Some(other) => {
                            errors.at(
                                item.span,
                                format!("unknown index kind `{other}`: use \"values\", \"keys\", \"entries\", \"full\" or \"sai\""),
                            );
                            None
                        }
                        None => None,
                    },
                }
            }
            "similarity" => {
                def.sai.span.get_or_insert(item.span);
                def.sai.similarity = match item.string(errors).as_deref() {
                    Some("cosine") => Some("Cosine"),
                    Some("dot_product") => Some("DotProduct"),
                    Some("euclidean") => Some("Euclidean"),
                    Some(other) => {
                        errors.at(
                            item.span,
                            format!("unknown similarity `{other}`: use \"cosine\", \"dot_product\" or \"euclidean\""),
                        );
                        None
                    }
                    None => None,
                };
            }
            "case_sensitive" | "normalize" | "ascii" => {
                def.sai.span.get_or_insert(item.span);
                let value = item.boolean(errors);
                match item.name.as_str() {
                    "case_sensitive" => def.sai.case_sensitive = value,
                    "normalize" => def.sai.normalize = value,
                    _ => def.sai.ascii = value,
                }
            }
            "rename" => {
                if let Some(name) = item.column_name(errors) {
                    def.column = name;
                }
            }
            "frozen" => def.frozen = item.flag(errors),
            "cql_type" => {
                if let Some(text) = item.string(errors) {
                    match crate::cql_type::parse(&text) {
                        Ok(t) => {
                            if text.trim().eq_ignore_ascii_case("counter") {
                                def.counter = true;
                            }
                            def.cql_type = Some(t);
                        }
                        Err(msg) => errors.at(item.span, format!("invalid `cql_type`: {msg}")),
                    }
                }
            }
            _ => item.unknown(errors, FIELD_ATTRS),
        }
    }
    def.kind = kind;
    if let Some(span) = def.sai.span.filter(|_| def.index != Some("sai")) {
        errors.at(
            span,
            format!(
                "`similarity`, `case_sensitive`, `normalize` and `ascii` are options of a storage-attached index: add `index = \"sai\"` to `{}`",
                def.column
            ),
        );
    }
    if let Some((desc, span)) = order {
        if kind == Kind::Clustering {
            def.desc = desc;
        } else {
            errors.at(
                span,
                format!(
                    "`order` applies to clustering columns only: add `clustering_key` to `{}` or remove `order`",
                    def.column
                ),
            );
        }
    }
    Some(def)
}

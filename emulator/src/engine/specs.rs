//! Bind-marker specifications collected while planning a statement: the name and type
//! Cassandra reports for each `?` in the Prepared result (`pk`, `in(pk)`, `[limit]`,
//! `[ttl]`, `[timestamp]`, `value(m)`, `partition key token`).

use cassia_protocol::response::ColumnSpec;
use cassia_protocol::types::ColumnType;

use crate::cql::ast::{BindMarker, InValues, Term};

/// Specs by bind-marker index.
#[derive(Debug, Default, Clone)]
pub(crate) struct Specs {
    keyspace: String,
    table: String,
    specs: Vec<Option<ColumnSpec>>,
    /// Marker names of `:name` markers by index.
    names: Vec<Option<String>>,
}

impl Specs {
    pub fn new(keyspace: &str, table: &str) -> Specs {
        Specs {
            keyspace: keyspace.to_owned(),
            table: table.to_owned(),
            specs: Vec::new(),
            names: Vec::new(),
        }
    }

    fn set(&mut self, index: usize, marker_name: Option<&String>, name: &str, typ: &ColumnType) {
        if self.specs.len() <= index {
            self.specs.resize(index + 1, None);
            self.names.resize(index + 1, None);
        }
        if let Some(slot) = self.specs.get_mut(index) {
            *slot = Some(ColumnSpec {
                keyspace: self.keyspace.clone(),
                table: self.table.clone(),
                name: marker_name.cloned().unwrap_or_else(|| name.to_owned()),
                typ: typ.clone(),
            });
        }
        if let Some(slot) = self.names.get_mut(index) {
            *slot = marker_name.cloned();
        }
    }

    /// Records one marker received as `name` of type `typ`.
    pub fn marker(&mut self, m: &BindMarker, name: &str, typ: &ColumnType) {
        self.set(m.index, m.name.as_ref(), name, typ);
    }

    /// Records every marker inside `term`, received as `name` of type `typ`.
    pub fn term(&mut self, term: &Term, name: &str, typ: &ColumnType) {
        match term {
            Term::Bind(m) => self.set(m.index, m.name.as_ref(), name, typ),
            Term::List(items) | Term::Set(items) => {
                if let ColumnType::List(e) | ColumnType::Set(e) = typ {
                    for t in items {
                        self.term(t, name, e);
                    }
                }
            }
            Term::Map(entries) => {
                if let ColumnType::Map(k, v) = typ {
                    for (kt, vt) in entries {
                        self.term(kt, name, k);
                        self.term(vt, name, v);
                    }
                }
            }
            Term::Tuple(items) => {
                if let ColumnType::Tuple(types) = typ {
                    for (t, ty) in items.iter().zip(types.iter()) {
                        self.term(t, name, ty);
                    }
                }
            }
            Term::Udt(fields) => {
                if let ColumnType::Udt { fields: types, .. } = typ {
                    for (f, t) in fields {
                        if let Some((_, ty)) = types.iter().find(|(n, _)| n == f) {
                            self.term(t, name, ty);
                        }
                    }
                }
            }
            Term::Function { name: f, args } => {
                let arg_typ = if let Some(t) = f.strip_suffix("asblob") {
                    super::functions::native_by_name(t)
                } else if f.starts_with("blobas") {
                    Some(ColumnType::Blob)
                } else {
                    None
                };
                for a in args {
                    self.term(a, &format!("arg0({f})"), arg_typ.as_ref().unwrap_or(typ));
                }
            }
            Term::Cast(_, inner) | Term::Negate(inner) => self.term(inner, name, typ),
            Term::Literal(_) => {}
        }
    }

    /// Records the markers of an `IN`.
    pub fn in_values(&mut self, values: &InValues, name: &str, typ: &ColumnType) {
        match values {
            InValues::Bind(m) => self.set(
                m.index,
                m.name.as_ref(),
                &format!("in({name})"),
                &ColumnType::List(Box::new(typ.clone())),
            ),
            InValues::List(items) => {
                for t in items {
                    self.term(t, name, typ);
                }
            }
        }
    }

    /// The specs in marker order (a marker never seen gets a blob spec).
    pub fn finish(self) -> (Vec<ColumnSpec>, Vec<Option<String>>) {
        let Specs {
            keyspace,
            table,
            specs,
            names,
        } = self;
        let specs = specs
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                s.unwrap_or_else(|| ColumnSpec {
                    keyspace: keyspace.clone(),
                    table: table.clone(),
                    name: format!("arg{i}"),
                    typ: ColumnType::Blob,
                })
            })
            .collect();
        (specs, names)
    }
}

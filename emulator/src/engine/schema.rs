//! The engine's runtime view of a table: the catalog's [`TableDef`] plus what execution needs
//! on every request (store column ids, element-key types of non-frozen collections, the
//! table's data), computed once per schema version instead of once per statement.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use cassia_protocol::types::ColumnType;

use crate::catalog::{ColumnKind, TableDef};
use crate::cql::ast::{CqlType, Order};
use crate::store::{ClusteringLayout, ColId, TableData};

/// A column as execution sees it.
#[derive(Debug)]
pub(crate) struct Col {
    /// Name.
    pub name: String,
    /// Wire type.
    pub typ: ColumnType,
    /// Role in the table.
    pub kind: ColumnKind,
    /// Store id.
    pub id: ColId,
    /// For non-frozen collections/UDTs: the type ordering element keys (set element, map key,
    /// `bigint` list positions, `smallint` UDT field indexes).
    pub elem_key: Option<Arc<ColumnType>>,
    /// Marshal class name as Cassandra prints it (`FrozenType(..)`, `ReversedType(..)`),
    /// used to compute result metadata ids.
    pub marshal: String,
}

impl Col {
    /// Whether the column is stored element by element.
    pub fn multi_cell(&self) -> bool {
        self.elem_key.is_some()
    }
}

/// Per-table state that survives ALTER: the data and the column ids.
#[derive(Debug)]
pub(crate) struct TableRuntime {
    data: Mutex<TableData>,
    ids: Mutex<(HashMap<String, ColId>, ColId)>,
}

impl TableRuntime {
    pub fn new(layout: Arc<ClusteringLayout>) -> TableRuntime {
        TableRuntime {
            data: Mutex::new(TableData::new(layout)),
            ids: Mutex::new((HashMap::new(), 0)),
        }
    }

    /// Locks the table's data (a poisoned lock is recovered: the data is plain values).
    pub fn lock(&self) -> MutexGuard<'_, TableData> {
        self.data.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A table ready for execution.
#[derive(Debug)]
pub(crate) struct Table {
    /// Catalog definition.
    pub def: Arc<TableDef>,
    /// Columns, aligned with `def.columns` (`SELECT *` order).
    pub cols: Vec<Col>,
    /// Indexes into `cols` of the partition key columns, in key order.
    pub pk: Vec<usize>,
    /// Indexes into `cols` of the clustering columns, in clustering order.
    pub ck: Vec<usize>,
    /// Data and ids.
    pub runtime: Arc<TableRuntime>,
    /// Clustering layout (the same `Arc` the store's keys use).
    pub layout: Arc<ClusteringLayout>,
}

impl Table {
    /// Builds the runtime view of `def`, reusing `runtime` (and its column ids) when the
    /// table already had one.
    pub fn build(def: Arc<TableDef>, runtime: Option<Arc<TableRuntime>>) -> Table {
        let mut pk: Vec<(usize, usize)> = Vec::new();
        let mut ck: Vec<(usize, usize)> = Vec::new();
        for (i, c) in def.columns.iter().enumerate() {
            match c.kind {
                ColumnKind::PartitionKey(p) => pk.push((p, i)),
                ColumnKind::Clustering(p, _) => ck.push((p, i)),
                _ => {}
            }
        }
        pk.sort_unstable();
        ck.sort_unstable();
        let runtime = runtime.unwrap_or_else(|| {
            let layout = ClusteringLayout {
                columns: ck
                    .iter()
                    .filter_map(|(_, i)| def.columns.get(*i))
                    .map(|c| {
                        let desc = matches!(c.kind, ColumnKind::Clustering(_, Order::Desc));
                        (c.typ.clone(), desc)
                    })
                    .collect(),
            };
            Arc::new(TableRuntime::new(Arc::new(layout)))
        });
        let cols = {
            let mut ids = runtime.ids.lock().unwrap_or_else(|p| p.into_inner());
            let (map, next) = &mut *ids;
            map.retain(|name, _| def.columns.iter().any(|c| &c.name == name));
            def.columns
                .iter()
                .map(|c| {
                    let id = *map.entry(c.name.clone()).or_insert_with(|| {
                        *next += 1;
                        *next
                    });
                    let elem_key = c.is_multi_cell().then(|| Arc::new(elem_key_type(&c.typ)));
                    let reversed = matches!(c.kind, ColumnKind::Clustering(_, Order::Desc));
                    Col {
                        name: c.name.clone(),
                        typ: c.typ.clone(),
                        kind: c.kind,
                        id,
                        elem_key,
                        marshal: marshal(&c.declared, &c.typ, reversed),
                    }
                })
                .collect()
        };
        let layout = runtime.lock().layout.clone();
        Table {
            layout,
            pk: pk.into_iter().map(|(_, i)| i).collect(),
            ck: ck.into_iter().map(|(_, i)| i).collect(),
            def,
            cols,
            runtime,
        }
    }

    /// The column named `name`.
    pub fn col(&self, name: &str) -> Option<(usize, &Col)> {
        self.cols.iter().enumerate().find(|(_, c)| c.name == name)
    }

    /// Keyspace name.
    pub fn keyspace(&self) -> &str {
        &self.def.keyspace
    }

    /// Table name.
    pub fn name(&self) -> &str {
        &self.def.name
    }
}

/// The type ordering the element keys of a non-frozen collection/UDT.
fn elem_key_type(typ: &ColumnType) -> ColumnType {
    match typ {
        ColumnType::Set(e) => (**e).clone(),
        ColumnType::Map(k, _) => (**k).clone(),
        ColumnType::Udt { .. } => ColumnType::SmallInt,
        _ => ColumnType::BigInt,
    }
}

/// Cassandra's `AbstractType.toString()` for a column, which result metadata ids hash:
/// frozen collections and UDTs wrapped in `FrozenType(..)` (only where freezing is not
/// implied by an enclosing frozen type; tuples never), descending clustering columns in
/// `ReversedType(..)`. Checked against the ids in the wire captures.
fn marshal(declared: &CqlType, wire: &ColumnType, reversed: bool) -> String {
    let base = render(Some(declared), wire, false, false);
    if reversed {
        format!("{P}ReversedType({base})")
    } else {
        base
    }
}

const P: &str = "org.apache.cassandra.db.marshal.";

/// `declared` carries the `Frozen` wrappers where known (`None` inside UDT fields, which
/// Cassandra always freezes).
fn render(declared: Option<&CqlType>, wire: &ColumnType, frozen: bool, ignore: bool) -> String {
    use cassia_protocol::types::marshal_class_name;
    if let Some(CqlType::Frozen(inner)) = declared {
        return render(Some(inner), wire, true, ignore);
    }
    let frozen = frozen || declared.is_none();
    let args = |d: Option<&CqlType>, idx: usize| -> Option<CqlType> {
        match d? {
            CqlType::List(e) | CqlType::Set(e) => Some((**e).clone()),
            CqlType::Map(k, v) => Some(if idx == 0 {
                (**k).clone()
            } else {
                (**v).clone()
            }),
            CqlType::Tuple(items) => items.get(idx).cloned(),
            _ => None,
        }
    };
    let (class, params, multi): (&str, Vec<String>, bool) = match wire {
        ColumnType::List(e) | ColumnType::Set(e) => {
            let inner_ignore = ignore || frozen;
            let a = args(declared, 0);
            let class = if matches!(wire, ColumnType::List(_)) {
                "ListType"
            } else {
                "SetType"
            };
            (
                class,
                vec![render_nested(a.as_ref(), e, inner_ignore)],
                !frozen,
            )
        }
        ColumnType::Map(k, v) => {
            let inner_ignore = ignore || frozen;
            let (ka, va) = (args(declared, 0), args(declared, 1));
            (
                "MapType",
                vec![
                    render_nested(ka.as_ref(), k, inner_ignore),
                    render_nested(va.as_ref(), v, inner_ignore),
                ],
                !frozen,
            )
        }
        ColumnType::Tuple(items) => {
            let params: Vec<String> = items
                .iter()
                .enumerate()
                .map(|(i, t)| render_nested(args(declared, i).as_ref(), t, true))
                .collect();
            // Tuples are never multi-cell and never print FrozenType.
            return format!("{P}TupleType({})", params.join(","));
        }
        ColumnType::Udt {
            keyspace,
            name,
            fields,
        } => {
            let inner_ignore = ignore || frozen;
            let mut parts = vec![keyspace.clone(), hex(name.as_bytes())];
            for (f, t) in fields {
                parts.push(format!(
                    "{}:{}",
                    hex(f.as_bytes()),
                    render(None, t, true, inner_ignore)
                ));
            }
            ("UserType", parts, !frozen)
        }
        other => return marshal_class_name(other),
    };
    let body = format!("{P}{class}({})", params.join(","));
    if !ignore && !multi {
        format!("{P}FrozenType({body})")
    } else {
        body
    }
}

/// A type nested in a collection: frozen if it is a collection or UDT.
fn render_nested(declared: Option<&CqlType>, wire: &ColumnType, ignore: bool) -> String {
    match declared {
        Some(d) => render(Some(d), wire, false, ignore),
        None => render(None, wire, true, ignore),
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

//! Reading the live schema of one table or user type from `system_schema.*`.

use std::collections::BTreeMap;

use cassia_driver::Session;
use cassia_driver::error::ExecuteError;

use crate::exec::ExecError;

/// A column as `system_schema.columns` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LiveColumn {
    pub(crate) kind: String,
    pub(crate) position: i32,
    pub(crate) clustering_order: String,
    pub(crate) typ: String,
}

/// A table as `system_schema` describes it.
#[derive(Debug, Clone, Default)]
pub(crate) struct LiveTable {
    pub(crate) columns: BTreeMap<String, LiveColumn>,
    /// Index targets (`tags`, `values(tags)`, `keys(m)`, ...).
    pub(crate) index_targets: Vec<String>,
    pub(crate) default_ttl: Option<i32>,
    pub(crate) gc_grace_seconds: Option<i32>,
    pub(crate) comment: Option<String>,
    pub(crate) compaction: BTreeMap<String, String>,
    pub(crate) caching: BTreeMap<String, String>,
}

type TableRow = (
    Option<i32>,
    Option<i32>,
    Option<String>,
    Option<BTreeMap<String, String>>,
    Option<BTreeMap<String, String>>,
);

fn failed(e: ExecuteError) -> ExecError {
    ExecError::Execute(e)
}

/// The live table `keyspace.table`, or `None` if it does not exist.
pub(crate) async fn table(
    session: &Session,
    keyspace: &str,
    table: &str,
) -> Result<Option<LiveTable>, ExecError> {
    let rows: Vec<TableRow> = session
        .query(
            "SELECT default_time_to_live, gc_grace_seconds, comment, compaction, caching \
             FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?",
            (keyspace, table),
        )
        .await
        .map_err(failed)?
        .rows()?;
    let Some((ttl, gc, comment, compaction, caching)) = rows.into_iter().next() else {
        return Ok(None);
    };
    let mut live = LiveTable {
        default_ttl: ttl,
        gc_grace_seconds: gc,
        comment,
        compaction: compaction.unwrap_or_default(),
        caching: caching.unwrap_or_default(),
        ..LiveTable::default()
    };
    let columns: Vec<(String, String, i32, String, String)> = session
        .query(
            "SELECT column_name, kind, position, clustering_order, type \
             FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?",
            (keyspace, table),
        )
        .await
        .map_err(failed)?
        .rows()?;
    for (name, kind, position, clustering_order, typ) in columns {
        live.columns.insert(
            name,
            LiveColumn {
                kind,
                position,
                clustering_order,
                typ,
            },
        );
    }
    let indexes: Vec<(Option<BTreeMap<String, String>>,)> = session
        .query(
            "SELECT options FROM system_schema.indexes WHERE keyspace_name = ? AND table_name = ?",
            (keyspace, table),
        )
        .await
        .map_err(failed)?
        .rows()?;
    live.index_targets = indexes
        .into_iter()
        .filter_map(|(o,)| o.and_then(|mut o| o.remove("target")))
        .collect();
    Ok(Some(live))
}

/// The live fields of user type `keyspace.name` as `(name, type)`, or `None`.
pub(crate) async fn user_type(
    session: &Session,
    keyspace: &str,
    name: &str,
) -> Result<Option<Vec<(String, String)>>, ExecError> {
    let rows: Vec<(Vec<String>, Vec<String>)> = session
        .query(
            "SELECT field_names, field_types FROM system_schema.types \
             WHERE keyspace_name = ? AND type_name = ?",
            (keyspace, name),
        )
        .await
        .map_err(failed)?
        .rows()?;
    Ok(rows
        .into_iter()
        .next()
        .map(|(names, types)| names.into_iter().zip(types).collect()))
}

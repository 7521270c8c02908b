//! Schema sync: make the live schema match a model's description without losing data.
//!
//! [`sync_table`] creates a missing table (with its user types and indexes), or adds what
//! is missing to an existing one — columns, indexes, option changes. It never drops
//! anything and refuses incompatible differences (a key column added, removed or changed, a
//! type changed) with an error listing every one of them, before changing anything. Each DDL
//! statement is followed by a wait for schema agreement. A second sync finds nothing to do
//! and reports so ([`SyncReport::changed`]). [`sync_type`] does the same for a user type;
//! dropping is only ever explicit ([`drop_model_table`], [`drop_user_type`]).

use cassia_driver::Session;

use crate::exec::ExecError;
use crate::model::{Model, UserType};
use crate::schema::{ColumnKind, UdtSchema, quote_ident};

mod compare;
mod live;

use compare::{index_target, kind_of, model_type, normalize, option_changes};

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SyncReport {
    /// `keyspace.name` of the table or type.
    pub name: String,
    /// The DDL statements executed, in order (empty when the schema already matched).
    pub statements: Vec<String>,
    /// Live columns the model does not declare (kept, never dropped).
    pub extra_columns: Vec<String>,
}

impl SyncReport {
    /// Whether the sync changed the schema.
    pub fn changed(&self) -> bool {
        !self.statements.is_empty()
    }
}

fn keyspace_of(declared: Option<&str>, session: &Session, name: &str) -> Result<String, ExecError> {
    declared
        .map(str::to_owned)
        .or_else(|| session.keyspace())
        .ok_or_else(|| ExecError::NoKeyspace {
            name: name.to_owned(),
        })
}

async fn run_ddl(session: &Session, cql: String, report: &mut SyncReport) -> Result<(), ExecError> {
    session.query(cql.as_str(), ()).await?;
    session.await_schema_agreement().await?;
    report.statements.push(cql);
    Ok(())
}

/// Creates or updates the table of model `M` (and the user types it uses) on `session`.
pub async fn sync_table<M: Model>(session: &Session) -> Result<SyncReport, ExecError> {
    let schema = M::schema();
    let ks = keyspace_of(schema.keyspace.as_deref(), session, &schema.name)?;
    let mut report = SyncReport {
        name: format!("{ks}.{}", schema.name),
        ..SyncReport::default()
    };
    for udt in schema.user_types() {
        let sub = sync_udt(session, &udt, &ks).await?;
        report.statements.extend(sub.statements);
    }
    let Some(live) = live::table(session, &ks, &schema.name).await? else {
        run_ddl(session, schema.create_table_cql(Some(&ks)), &mut report).await?;
        for cql in schema.create_index_cql(Some(&ks)) {
            run_ddl(session, cql, &mut report).await?;
        }
        return Ok(report);
    };
    let table = schema.qualified_name(Some(&ks));
    let mut differences = Vec::new();
    let mut additions = Vec::new();
    for c in &schema.columns {
        let (kind, position, order) = kind_of(c);
        match live.columns.get(&c.name) {
            None if c.kind.is_primary_key() => differences.push(format!(
                "key column {} is not in the live table (primary keys cannot change)",
                c.name
            )),
            None => additions.push(format!(
                "ALTER TABLE {table} ADD {} {}{}",
                quote_ident(&c.name),
                c.cql_type,
                if c.kind == ColumnKind::Static {
                    " static"
                } else {
                    ""
                }
            )),
            Some(l) => {
                if l.kind != kind
                    || (c.kind.is_primary_key()
                        && (l.position != position || l.clustering_order != order))
                {
                    differences.push(format!(
                        "column {} is {} (position {}, order {}) live but {} (position {}, order {}) in the model",
                        c.name, l.kind, l.position, l.clustering_order, kind, position, order
                    ));
                }
                if normalize(&l.typ) != model_type(&c.cql_type) {
                    differences.push(format!(
                        "column {} has type {} live but {} in the model",
                        c.name, l.typ, c.cql_type
                    ));
                }
            }
        }
    }
    for (name, l) in &live.columns {
        if schema.column(name).is_none() {
            if l.kind == "partition_key" || l.kind == "clustering" {
                differences.push(format!(
                    "live key column {name} is not in the model (primary keys cannot change)"
                ));
            } else {
                report.extra_columns.push(name.clone());
            }
        }
    }
    if !differences.is_empty() {
        return Err(ExecError::SchemaIncompatible {
            name: report.name,
            differences,
        });
    }
    for cql in additions {
        run_ddl(session, cql, &mut report).await?;
    }
    let mut index_cql = schema.create_index_cql(Some(&ks)).into_iter();
    for c in schema.columns.iter().filter(|c| c.index.is_some()) {
        let Some(cql) = index_cql.next() else { break };
        let target = index_target(c).unwrap_or_default();
        if !live
            .index_targets
            .iter()
            .any(|t| normalize(t) == normalize(&target))
        {
            run_ddl(session, cql, &mut report).await?;
        }
    }
    let options = option_changes(schema, &live);
    if !options.is_empty() {
        run_ddl(
            session,
            format!("ALTER TABLE {table} WITH {}", options.join(" AND ")),
            &mut report,
        )
        .await?;
    }
    Ok(report)
}

/// Creates or extends user type `U` on `session`.
pub async fn sync_type<U: UserType>(session: &Session) -> Result<SyncReport, ExecError> {
    let udt = U::udt_schema();
    let ks = keyspace_of(udt.keyspace.as_deref(), session, &udt.name)?;
    sync_udt(session, &udt, &ks).await
}

async fn sync_udt(
    session: &Session,
    udt: &UdtSchema,
    fallback: &str,
) -> Result<SyncReport, ExecError> {
    let ks = udt.keyspace.clone().unwrap_or_else(|| fallback.to_owned());
    let name = format!("{}.{}", quote_ident(&ks), quote_ident(&udt.name));
    let mut report = SyncReport {
        name: format!("{ks}.{}", udt.name),
        ..SyncReport::default()
    };
    let Some(live) = live::user_type(session, &ks, &udt.name).await? else {
        run_ddl(session, udt.create_type_cql(Some(&ks)), &mut report).await?;
        return Ok(report);
    };
    let mut differences = Vec::new();
    let mut additions = Vec::new();
    for (i, (field, typ)) in udt.fields.iter().enumerate() {
        match live.get(i) {
            Some((live_name, live_type)) if live_name == field => {
                if normalize(live_type) != model_type(typ) {
                    differences.push(format!(
                        "field {field} has type {live_type} live but {typ} in the model"
                    ));
                }
            }
            Some((live_name, _)) => differences.push(format!(
                "field #{i} is {live_name} live but {field} in the model (fields cannot be reordered or renamed)"
            )),
            None => additions.push(format!("ALTER TYPE {name} ADD {} {typ}", quote_ident(field))),
        }
    }
    for (live_name, _) in live.iter().skip(udt.fields.len()) {
        report.extra_columns.push(live_name.clone());
    }
    if !differences.is_empty() {
        return Err(ExecError::SchemaIncompatible {
            name: report.name,
            differences,
        });
    }
    for cql in additions {
        run_ddl(session, cql, &mut report).await?;
    }
    Ok(report)
}

/// Drops the table of model `M` (`DROP TABLE IF EXISTS`): sync never drops, this is the
/// explicit way. Waits for schema agreement.
pub async fn drop_model_table<M: Model>(session: &Session) -> Result<SyncReport, ExecError> {
    let schema = M::schema();
    let ks = keyspace_of(schema.keyspace.as_deref(), session, &schema.name)?;
    let mut report = SyncReport {
        name: format!("{ks}.{}", schema.name),
        ..SyncReport::default()
    };
    run_ddl(
        session,
        super::drop_table(Some(&ks), &schema.name),
        &mut report,
    )
    .await?;
    Ok(report)
}

/// Drops user type `U` (`DROP TYPE IF EXISTS`); Cassandra refuses while a table uses it.
pub async fn drop_user_type<U: UserType>(session: &Session) -> Result<SyncReport, ExecError> {
    let udt = U::udt_schema();
    let ks = keyspace_of(udt.keyspace.as_deref(), session, &udt.name)?;
    let mut report = SyncReport {
        name: format!("{ks}.{}", udt.name),
        ..SyncReport::default()
    };
    run_ddl(session, super::drop_type(Some(&ks), &udt.name), &mut report).await?;
    Ok(report)
}

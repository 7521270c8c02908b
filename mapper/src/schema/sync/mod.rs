//! Schema sync: make the live schema match a model's description without losing data.
//!
//! [`sync_table`] creates a missing table (with its user types and indexes), or adds what
//! is missing to an existing one — columns, indexes, option changes. It never drops
//! anything and refuses incompatible differences (a key column added, removed or changed, a
//! type changed) with an error listing every one of them, before changing anything. Each DDL
//! statement is followed by a wait for schema agreement. A second sync finds nothing to do
//! and reports so ([`SyncReport::changed`]). [`sync_type`] does the same for a user type;
//! dropping is only ever explicit ([`drop_model_table`], [`drop_user_type`]).
//!
//! Sync is the diff engine (`diff/`) applied to one table or type: the same comparer
//! classifies the differences, sync runs the safe statements (qualified with the keyspace),
//! refuses if anything is impossible, and reports live columns the model lacks.

use cassia_driver::Session;

use crate::exec::ExecError;
use crate::model::{Model, UserType};
use crate::schema::UdtSchema;
use crate::schema::diff::{ChangeClass, IndexNames, SchemaChange, Scope, table, udt};
use crate::schema::live::{LiveKeyspace, read_keyspace};

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SyncReport {
    /// `keyspace.name` of the table or type.
    pub name: String,
    /// The DDL statements executed, in order (empty when the schema already matched).
    pub statements: Vec<String>,
    /// Live columns (or type fields) the model does not declare (kept, never dropped).
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

/// The live keyspace, or an empty one when it does not exist (creating in it then fails
/// with the server's error, which names the keyspace).
async fn live_keyspace(session: &Session, keyspace: &str) -> Result<LiveKeyspace, ExecError> {
    Ok(read_keyspace(session, keyspace)
        .await?
        .unwrap_or_else(|| LiveKeyspace::empty(keyspace)))
}

/// Applies a one-object diff the sync way: refuses if anything is impossible (before
/// changing anything), reports live items the model lacks, runs the safe statements and
/// never the destructive ones.
async fn apply(
    session: &Session,
    changes: Vec<SchemaChange>,
    report: &mut SyncReport,
) -> Result<(), ExecError> {
    let differences: Vec<String> = changes
        .iter()
        .filter(|c| c.class == ChangeClass::Impossible && c.extra.is_none())
        .map(|c| c.description.clone())
        .collect();
    if !differences.is_empty() {
        return Err(ExecError::SchemaIncompatible {
            name: report.name.clone(),
            differences,
        });
    }
    for change in changes {
        if let Some(extra) = change.extra {
            report.extra_columns.push(extra);
        } else if change.class == ChangeClass::Safe {
            for cql in change.statements {
                run_ddl(session, cql, report).await?;
            }
        }
    }
    Ok(())
}

/// Creates or updates the table of model `M` (and the user types it uses) on `session`.
pub async fn sync_table<M: Model>(session: &Session) -> Result<SyncReport, ExecError> {
    let schema = M::schema();
    let ks = keyspace_of(schema.keyspace.as_deref(), session, &schema.name)?;
    let live = live_keyspace(session, &ks).await?;
    let mut report = SyncReport {
        name: format!("{ks}.{}", schema.name),
        ..SyncReport::default()
    };
    for udt in schema.user_types() {
        let sub = sync_udt(session, &udt, &ks, &live).await?;
        report.statements.extend(sub.statements);
    }
    let scope = Scope::sync(&ks);
    let mut names = IndexNames::of(&live);
    let changes = table::compare_table(schema, live.table(&schema.name), &live, &scope, &mut names);
    apply(session, changes, &mut report).await?;
    Ok(report)
}

/// Creates or extends user type `U` on `session`.
pub async fn sync_type<U: UserType>(session: &Session) -> Result<SyncReport, ExecError> {
    let udt = U::udt_schema();
    let ks = keyspace_of(udt.keyspace.as_deref(), session, &udt.name)?;
    let live = live_keyspace(session, &ks).await?;
    sync_udt(session, &udt, &ks, &live).await
}

async fn sync_udt(
    session: &Session,
    udt: &UdtSchema,
    fallback: &str,
    live: &LiveKeyspace,
) -> Result<SyncReport, ExecError> {
    let ks = udt.keyspace.as_deref().unwrap_or(fallback);
    let mut report = SyncReport {
        name: format!("{ks}.{}", udt.name),
        ..SyncReport::default()
    };
    // A type in another keyspace than the table's: read that keyspace.
    let other;
    let live = if live.name == ks {
        live
    } else {
        other = live_keyspace(session, ks).await?;
        &other
    };
    let scope = Scope::sync(ks);
    let changes = udt::compare_type(udt, live.user_type(&udt.name), &[], &scope);
    apply(session, changes, &mut report).await?;
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

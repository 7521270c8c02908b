//! `cassia migrate ...`: thin wrappers over `cassia::migrate::Migrator`, turning its
//! reports into text and JSON.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Result, bail};
use cassia::migrate::{
    MigrationInfo, MigrationStatus, Migrator, RevertTarget, RunOptions, create_migration_files,
};
use serde_json::{Value, json};

use crate::cli::{Format, Migrate};
use crate::config::Settings;
use crate::connect;
use crate::output::{Outcome, Progress, code, table};

pub(crate) async fn run(cmd: Migrate, s: &Settings, format: Format) -> Result<Outcome> {
    match cmd {
        Migrate::Add { name, reversible } => add(s, &name, reversible),
        Migrate::Run {
            target,
            dry_run,
            allow_out_of_order,
            lock_wait,
            lock_ttl,
        } => {
            let session = connect::session(s).await?;
            let mut m = connect::migrator(s, connect::migrations(s)?)?
                .allow_out_of_order(allow_out_of_order)
                .observer(Arc::new(Progress::new(format)));
            if let Some(w) = lock_wait {
                m = m.lock_wait(Duration::from_secs(w));
            }
            if let Some(t) = lock_ttl {
                m = m.lock_ttl(Duration::from_secs(t));
            }
            let outcome = apply(&m, &session, target, dry_run).await;
            session.shutdown().await;
            outcome
        }
        Migrate::Revert { target, count } => {
            let session = connect::session(s).await?;
            let m = connect::migrator(s, connect::migrations(s)?)?;
            let t = match (target, count) {
                (Some(v), _) => RevertTarget::To(v),
                (None, n) => RevertTarget::Count(n.unwrap_or(1)),
            };
            let reverted = m.revert(&session, t).await;
            session.shutdown().await;
            let reverted = reverted?;
            let text = if reverted.is_empty() {
                "nothing to revert\n".to_owned()
            } else {
                reverted.iter().map(|v| format!("reverted {v}\n")).collect()
            };
            Ok(Outcome::ok(
                text,
                json!({ "command": "migrate revert", "ok": true, "reverted": reverted }),
            ))
        }
        Migrate::Info { check } => {
            let session = connect::session(s).await?;
            let m = connect::migrator(s, connect::migrations(s)?)?;
            let infos = m.info(&session).await;
            let holder = m.lock_holder(&session).await;
            session.shutdown().await;
            let (infos, holder) = (infos?, holder?);
            let not_done = infos
                .iter()
                .filter(|i| {
                    !matches!(
                        i.status,
                        MigrationStatus::Applied | MigrationStatus::Baseline
                    )
                })
                .count();
            let mut text = if infos.is_empty() {
                format!("no migrations in {}\n", s.migrations.display())
            } else {
                table(
                    &[
                        "version",
                        "name",
                        "status",
                        "statements",
                        "applied at",
                        "applied by",
                    ],
                    &infos.iter().map(info_row).collect::<Vec<_>>(),
                )
            };
            let pending = infos
                .iter()
                .filter(|i| {
                    matches!(
                        i.status,
                        MigrationStatus::Pending | MigrationStatus::OutOfOrder
                    )
                })
                .count();
            text.push_str(&format!(
                "\n{} migration(s): {} applied, {pending} pending\n",
                infos.len(),
                infos.len() - not_done
            ));
            if let Some(h) = &holder {
                text.push_str(&format!("lock held by {}\n", h.owner));
            }
            let out = Outcome::ok(
                text,
                json!({
                    "command": "migrate info", "ok": true, "keyspace": connect::keyspace(s)?,
                    "migrations": infos.iter().map(info_json).collect::<Vec<_>>(),
                    "pending": pending,
                    "lock": holder.map(|h| json!({ "owner": h.owner, "expires_at": h.expires_at.map(|t| t.to_rfc3339()) })),
                }),
            );
            Ok(if check && not_done > 0 {
                out.with_code(code::CHECK_FAILED)
            } else {
                out
            })
        }
        Migrate::Validate { allow_out_of_order } => {
            let session = connect::session(s).await?;
            let m = connect::migrator(s, connect::migrations(s)?)?
                .allow_out_of_order(allow_out_of_order);
            let problems = m.validate(&session).await;
            session.shutdown().await;
            let problems = problems?;
            let text = if problems.is_empty() {
                "migrations and history agree\n".to_owned()
            } else {
                problems
                    .iter()
                    .map(|p| format!("{}: {}\n", p.status.label(), p.message))
                    .collect()
            };
            let out = Outcome::ok(
                text,
                json!({
                    "command": "migrate validate", "ok": problems.is_empty(),
                    "problems": problems.iter().map(|p| json!({ "version": p.version, "status": p.status.label(), "message": p.message })).collect::<Vec<_>>(),
                }),
            );
            Ok(if problems.is_empty() {
                out
            } else {
                out.with_code(code::CHECK_FAILED)
            })
        }
        Migrate::Baseline { version } => {
            let session = connect::session(s).await?;
            let m = connect::migrator(s, connect::migrations(s)?)?;
            let done = m.baseline(&session, version).await;
            session.shutdown().await;
            let done = done?;
            Ok(Outcome::ok(
                format!(
                    "recorded {} migration(s) up to {version} as applied (baseline)\n",
                    done.len()
                ),
                json!({ "command": "migrate baseline", "ok": true, "baselined": done }),
            ))
        }
        Migrate::Repair => {
            let session = connect::session(s).await?;
            let m = connect::migrator(s, connect::migrations(s)?)?;
            let report = m.repair(&session).await;
            session.shutdown().await;
            let report = report?;
            let mut text = String::new();
            for v in &report.realigned {
                text.push_str(&format!("{v}: recorded the edited file's checksum\n"));
            }
            for v in &report.cleared {
                text.push_str(&format!("{v}: failure cleared; the next run resumes it\n"));
            }
            if text.is_empty() {
                text = "nothing to repair\n".into();
            }
            Ok(Outcome::ok(
                text,
                json!({ "command": "migrate repair", "ok": true, "realigned": report.realigned, "cleared": report.cleared }),
            ))
        }
        Migrate::Unlock { force } => {
            let session = connect::session(s).await?;
            let m = connect::migrator(s, connect::migrations(s)?)?;
            let holder = m.lock_holder(&session).await;
            let result = match holder {
                Ok(Some(h)) if force => m.force_unlock(&session).await.map(|()| Some((h, true))),
                Ok(Some(h)) => Ok(Some((h, false))),
                Ok(None) => Ok(None),
                Err(e) => Err(e),
            };
            session.shutdown().await;
            Ok(match result? {
                None => Outcome::ok("the migration lock is free\n".into(), json!({ "command": "migrate unlock", "ok": true, "held": false })),
                Some((h, true)) => Outcome::ok(
                    format!("removed the migration lock held by {}\n", h.owner),
                    json!({ "command": "migrate unlock", "ok": true, "held": false, "removed_owner": h.owner }),
                ),
                Some((h, false)) => Outcome::ok(
                    format!(
                        "the migration lock is held by {} until {}; pass --force to remove it\n",
                        h.owner,
                        h.expires_at.map_or_else(|| "?".into(), |t| t.to_rfc3339())
                    ),
                    json!({ "command": "migrate unlock", "ok": false, "held": true, "owner": h.owner, "expires_at": h.expires_at.map(|t| t.to_rfc3339()) }),
                )
                .with_code(code::LOCKED),
            })
        }
    }
}

fn add(s: &Settings, name: &str, reversible: bool) -> Result<Outcome> {
    // Two files added within one second get consecutive versions.
    let version = connect::new_version(s)?;
    let files = create_migration_files(&s.migrations, version, name, reversible)?;
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    Ok(Outcome::ok(
        names.iter().map(|n| format!("created {n}\n")).collect(),
        json!({ "command": "migrate add", "ok": true, "version": version, "files": names }),
    ))
}

async fn apply(
    m: &Migrator,
    session: &cassia::Session,
    target: Option<u64>,
    dry_run: bool,
) -> Result<Outcome> {
    let report = m
        .run_with(
            session,
            RunOptions::default().target(target).dry_run(dry_run),
        )
        .await?;
    let planned: Vec<Value> = report
        .planned
        .iter()
        .map(|p| {
            json!({
                "version": p.version, "name": p.name, "file": p.file, "resume_at": p.resume_at,
                "statements": p.statements.iter().map(|(i, line, cql)| json!({ "index": i, "line": line, "cql": cql })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let applied: Vec<Value> = report
        .applied
        .iter()
        .map(|a| json!({ "version": a.version, "name": a.name, "statements": a.statements, "resumed_at": a.resumed_at, "elapsed_ms": a.elapsed.as_millis() as u64 }))
        .collect();
    let json = json!({
        "command": "migrate run", "ok": true, "keyspace": report.keyspace, "dry_run": dry_run,
        "locked": report.locked, "setup": report.setup, "planned": planned, "applied": applied,
    });
    let mut text = String::new();
    if dry_run {
        if report.planned.is_empty() {
            text.push_str("nothing pending\n");
        }
        for cql in &report.setup {
            text.push_str(&format!("-- setup\n{cql};\n"));
        }
        for p in &report.planned {
            text.push_str(&format!(
                "-- {} {} ({}){}\n",
                p.version,
                p.name,
                p.file,
                if p.resume_at > 0 {
                    format!(", resuming after statement {}", p.resume_at)
                } else {
                    String::new()
                }
            ));
            for (_, _, cql) in &p.statements {
                text.push_str(&format!("{cql};\n"));
            }
        }
        return Ok(Outcome::ok(text, json));
    }
    if report.applied.is_empty() {
        text.push_str("nothing pending\n");
    } else {
        let rows: Vec<Vec<String>> = report
            .applied
            .iter()
            .map(|a| {
                vec![
                    a.version.to_string(),
                    a.name.clone(),
                    if a.resumed_at > 0 {
                        format!("{} (resumed after {})", a.statements, a.resumed_at)
                    } else {
                        a.statements.to_string()
                    },
                    format!("{} ms", a.elapsed.as_millis()),
                ]
            })
            .collect();
        text.push_str(&table(&["version", "name", "statements", "time"], &rows));
        text.push_str(&format!(
            "\napplied {} migration(s) to {}\n",
            report.applied.len(),
            report.keyspace
        ));
    }
    Ok(Outcome::ok(text, json))
}

fn info_row(i: &MigrationInfo) -> Vec<String> {
    let status = match &i.status {
        MigrationStatus::Failed { statement, fixed } => format!(
            "failed at {statement}{}",
            if *fixed { " (fixed)" } else { "" }
        ),
        MigrationStatus::Running { done } => format!("running ({done} done)"),
        other => other.label().to_owned(),
    };
    vec![
        i.version.to_string(),
        i.name.clone(),
        status,
        i.statements.to_string(),
        i.applied_at
            .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default(),
        i.applied_by.clone().unwrap_or_default(),
    ]
}

fn info_json(i: &MigrationInfo) -> Value {
    let (failed_statement, done) = match &i.status {
        MigrationStatus::Failed { statement, .. } => (Some(*statement), None),
        MigrationStatus::Running { done } => (None, Some(*done)),
        _ => (None, None),
    };
    json!({
        "version": i.version, "name": i.name, "file": i.file, "status": i.status.label(),
        "statements": i.statements, "applied_at": i.applied_at.map(|t| t.to_rfc3339()),
        "applied_by": i.applied_by, "execution_ms": i.execution_ms, "error": i.error,
        "failed_statement": failed_statement, "statements_done": done,
        "checksum": i.checksum, "applied_checksum": i.applied_checksum,
    })
}

/// Refuses `keyspace drop` without confirmation.
pub(crate) fn confirm(yes: bool, what: &str) -> Result<()> {
    if !yes {
        bail!("{what} deletes data; pass --yes to confirm");
    }
    Ok(())
}

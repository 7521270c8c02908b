//! `cassia schema ...`: models against a schema (the migration files' or the live one),
//! written as a plan or as a new migration file; dumps and snapshots.

use std::path::Path;

use anyhow::{Context, Result, bail};
use cassia::migrate::{DEFAULT_HISTORY_TABLE, Migrator, Replication, parse_file_name};
use cassia::schema::{
    DiffOptions, LiveKeyspace, SchemaSnapshot, TableSchema, diff_keyspace, read_keyspace,
};
use serde_json::json;

use crate::cli::{Against, Schema};
use crate::config::Settings;
use crate::connect;
use crate::output::{Outcome, code};

pub(crate) async fn run(cmd: Schema, s: &Settings, models: &[TableSchema]) -> Result<Outcome> {
    match cmd {
        Schema::Diff { against, check } => {
            let ks = connect::keyspace(s)?;
            let live = current(s, &ks, against).await?;
            let diff = diff_keyspace(&refs(&need(models, s)?), live.as_ref(), &ks, &options(s));
            let text = if diff.is_empty() {
                format!("the models match {}\n", describe(against, &ks))
            } else {
                diff.render_plan()
            };
            let out = Outcome::ok(
                text,
                json!({
                    "command": "schema diff", "ok": true, "keyspace": ks, "against": label(against),
                    "differences": diff.changes.len(),
                    "changes": diff.changes.iter().map(|c| json!({
                        "class": c.class.to_string(), "object": c.object, "description": c.description,
                        "statements": c.statements, "plan": c.plan,
                    })).collect::<Vec<_>>(),
                }),
            );
            Ok(if check && !diff.is_empty() {
                out.with_code(code::CHECK_FAILED)
            } else {
                out
            })
        }
        Schema::Generate {
            name,
            against,
            allow_destructive,
        } => {
            let ks = connect::keyspace(s)?;
            let live = current(s, &ks, against).await?;
            let diff = diff_keyspace(&refs(&need(models, s)?), live.as_ref(), &ks, &options(s));
            if diff.is_empty() {
                return Ok(Outcome::ok(
                    format!(
                        "nothing to generate: the models match {}\n",
                        describe(against, &ks)
                    ),
                    json!({ "command": "schema generate", "ok": true, "file": null, "changes": 0 }),
                ));
            }
            let version = connect::new_version(s)?;
            let file = format!("{version}_{name}.cql");
            parse_file_name(&file)?;
            std::fs::create_dir_all(&s.migrations)
                .with_context(|| format!("cannot create {}", s.migrations.display()))?;
            let path = s.migrations.join(&file);
            let text = diff.render_migration(allow_destructive);
            std::fs::write(&path, &text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let mut summary = format!(
                "wrote {} ({} change(s))\n",
                path.display(),
                diff.changes.len()
            );
            if diff.has_destructive() && !allow_destructive {
                summary.push_str("warning: destructive changes are written commented out; review them, or generate again with --allow-destructive\n");
            }
            if diff.has_impossible() {
                summary.push_str("warning: some changes cannot be made in place; the file describes a plan in comments\n");
            }
            Ok(Outcome::ok(
                summary,
                json!({
                    "command": "schema generate", "ok": true, "file": path.display().to_string(), "version": version,
                    "changes": diff.changes.len(), "destructive": diff.has_destructive(), "impossible": diff.has_impossible(),
                }),
            ))
        }
        Schema::Dump { output } => {
            let ks = connect::keyspace(s)?;
            let session = connect::session(s).await?;
            let live = read_keyspace(&session, &ks).await;
            session.shutdown().await;
            let Some(live) = live? else {
                bail!("keyspace {ks} does not exist")
            };
            let cql = live.to_cql();
            write_or_print(output.as_deref(), &cql, "schema dump", &ks)
        }
        Schema::Snapshot { output } => {
            let snapshot = SchemaSnapshot::new(&refs(&need(models, s)?));
            let text = serde_json::to_string_pretty(&snapshot)? + "\n";
            write_or_print(output.as_deref(), &text, "schema snapshot", "")
        }
    }
}

fn write_or_print(
    output: Option<&Path>,
    text: &str,
    command: &str,
    keyspace: &str,
) -> Result<Outcome> {
    match output {
        Some(path) => {
            std::fs::write(path, text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(Outcome::ok(
                format!("wrote {}\n", path.display()),
                json!({ "command": command, "ok": true, "keyspace": keyspace, "file": path.display().to_string() }),
            ))
        }
        None => Ok(Outcome::ok(
            text.to_owned(),
            json!({ "command": command, "ok": true, "keyspace": keyspace, "text": text }),
        )),
    }
}

fn label(a: Against) -> &'static str {
    match a {
        Against::Migrations => "migrations",
        Against::Database => "database",
    }
}

fn describe(a: Against, ks: &str) -> String {
    match a {
        Against::Migrations => "the schema the migration files produce".to_owned(),
        Against::Database => format!("the live keyspace {ks}"),
    }
}

fn refs(models: &[TableSchema]) -> Vec<&TableSchema> {
    models.iter().collect()
}

/// The models: given by an application embedding the CLI, or read from a snapshot file.
fn need<'a>(
    models: &'a [TableSchema],
    s: &Settings,
) -> Result<std::borrow::Cow<'a, [TableSchema]>> {
    if let Some(path) = &s.models {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the model snapshot {}", path.display()))?;
        let snapshot: SchemaSnapshot = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a cassia model snapshot", path.display()))?;
        return Ok(std::borrow::Cow::Owned(snapshot.tables));
    }
    if models.is_empty() {
        bail!(
            "no models: run this command from your application's binary (cassia_cli::run(&[User::schema(), ...])), \
             or pass --models schema.json written by its `schema snapshot` command"
        );
    }
    Ok(std::borrow::Cow::Borrowed(models))
}

fn options(s: &Settings) -> DiffOptions {
    let table = s
        .history_table
        .clone()
        .unwrap_or_else(|| DEFAULT_HISTORY_TABLE.to_owned());
    let mut o = DiffOptions::default();
    o.ignore_tables = vec![format!("{table}_lock"), table];
    o
}

/// The schema the models are compared with.
async fn current(s: &Settings, ks: &str, against: Against) -> Result<Option<LiveKeyspace>> {
    match against {
        Against::Database => {
            let session = connect::session(s).await?;
            let live = read_keyspace(&session, ks).await;
            session.shutdown().await;
            Ok(live?)
        }
        Against::Migrations => replay(s, ks).await,
    }
}

/// Replays the migration files on an in-process emulator and reads back the keyspace they
/// produce: the schema as the files define it, without a cluster and without parsing CQL
/// here (the emulator is the parser and the catalog).
async fn replay(s: &Settings, ks: &str) -> Result<Option<LiveKeyspace>> {
    let set = connect::migrations(s)?;
    if set.is_empty() {
        return Ok(None);
    }
    let emulator = cassia_emulator::Emulator::builder()
        .start()
        .await
        .context("cannot start the in-process emulator to replay the migrations")?;
    let session = cassia::Session::builder()
        .known_node(emulator.addr().to_string())
        .build()
        .await
        .context("cannot connect to the in-process emulator")?;
    let mut m = Migrator::new(set)
        .keyspace(ks)
        .replication(Replication::simple(1));
    if let Some(t) = &s.history_table {
        m = m.history_table(t.clone());
    }
    let outcome = async {
        m.run(&session)
            .await
            .context("replaying the migration files")?;
        Ok::<_, anyhow::Error>(read_keyspace(&session, ks).await?)
    }
    .await;
    session.shutdown().await;
    emulator.shutdown().await;
    outcome
}

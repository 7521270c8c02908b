//! `cassia keyspace create|drop`.

use anyhow::{Context, Result};
use cassia::schema::drop_keyspace;
use serde_json::json;

use crate::cli::Keyspace;
use crate::config::{Settings, parse_replication_flag};
use crate::connect;
use crate::output::Outcome;

pub(crate) async fn run(cmd: Keyspace, s: &Settings) -> Result<Outcome> {
    let ks = connect::keyspace(s)?;
    let cql = match &cmd {
        Keyspace::Create { replication } => {
            let r = match replication {
                Some(spec) => parse_replication_flag(spec)?,
                None => s.replication.clone().with_context(|| {
                    format!(
                        "no replication: set `replication` in profile `{}` or pass --replication",
                        s.profile
                    )
                })?,
            };
            r.create_keyspace_cql(&ks)
        }
        Keyspace::Drop { yes } => {
            super::migrate::confirm(*yes, &format!("dropping keyspace {ks}"))?;
            drop_keyspace(&ks)
        }
    };
    let session = connect::session(s).await?;
    let result = async {
        session
            .query(cql.as_str(), ())
            .await
            .with_context(|| format!("running `{cql}`"))?;
        session
            .await_schema_agreement()
            .await
            .context("waiting for schema agreement")?;
        Ok::<_, anyhow::Error>(())
    }
    .await;
    session.shutdown().await;
    result?;
    let verb = if matches!(cmd, Keyspace::Create { .. }) {
        "created"
    } else {
        "dropped"
    };
    Ok(Outcome::ok(
        format!("{verb} keyspace {ks} ({cql})\n"),
        json!({ "command": format!("keyspace {}", if verb == "created" { "create" } else { "drop" }), "ok": true, "keyspace": ks, "cql": cql }),
    ))
}

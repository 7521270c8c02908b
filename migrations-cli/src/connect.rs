//! Opening a session from [`Settings`](crate::config::Settings), and building the
//! [`Migrator`] they describe.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use cassia::Session;
use cassia::driver::SessionConfig;
use cassia::migrate::{MigrationSet, Migrator};

use crate::config::Settings;

/// Connects to the configured contact points (without selecting a keyspace: it may not
/// exist yet).
pub(crate) async fn session(s: &Settings) -> Result<Session> {
    if s.contact_points.is_empty() {
        bail!(
            "no contact points: set `contact_points` in profile `{}` of cassia.toml, CASSIA_CONTACT_POINTS, or --contact-points",
            s.profile
        );
    }
    // The driver's own configuration, so the tool and the services it migrates read the
    // same CASSIA_* variables: the settings resolved from cassia.toml, the environment and
    // the flags take precedence; what they do not cover (CASSIA_LOCAL_DC,
    // CASSIA_COMPRESSION, CASSIA_REQUEST_TIMEOUT_MS) comes from the environment.
    let from_env = SessionConfig::from_env().context("invalid CASSIA_* setting")?;
    let config = SessionConfig {
        contact_points: s.contact_points.clone(),
        protocol_version: s.protocol_version,
        username: s.username.clone(),
        password: s.password.clone(),
        tls_ca: s.tls_ca.clone(),
        // The keyspace may not exist yet: the migrator names it in its statements.
        keyspace: None,
        connect_timeout_ms: Some(s.connect_timeout_secs.unwrap_or(10) * 1000),
        ..from_env
    };
    let b = Session::builder()
        .config(&config)
        .with_context(|| match &config.tls_ca {
            Some(ca) => format!("cannot use the TLS CA {}", ca.display()),
            None => "invalid connection settings".to_owned(),
        })?;
    b.build()
        .await
        .with_context(|| format!("cannot connect to {}", s.contact_points.join(", ")))
}

/// The target keyspace, which every database command needs.
pub(crate) fn keyspace(s: &Settings) -> Result<String> {
    s.keyspace.clone().with_context(|| {
        format!(
            "no keyspace: set `keyspace` in profile `{}` of cassia.toml, CASSIA_KEYSPACE, or --keyspace",
            s.profile
        )
    })
}

/// The migration files of the configured directory.
pub(crate) fn migrations(s: &Settings) -> Result<MigrationSet> {
    if !s.migrations.exists() {
        return Ok(MigrationSet::new(Vec::new())?);
    }
    Ok(MigrationSet::from_dir(&s.migrations)?)
}

/// The versions used by files in the migrations directory, read from the file names only
/// (a migration still being written may not parse yet; a new one must not reuse its version).
pub(crate) fn used_versions(s: &Settings) -> std::collections::BTreeSet<u64> {
    let Ok(entries) = std::fs::read_dir(&s.migrations) else {
        return Default::default();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name();
            cassia::migrate::parse_file_name(&name.to_string_lossy())
                .ok()
                .flatten()
        })
        .map(|p| p.version)
        .collect()
}

/// A new version: the current UTC time as `YYYYMMDDHHMMSS`, moved past any version in use.
pub(crate) fn new_version(s: &Settings) -> Result<u64> {
    let used = used_versions(s);
    let mut version: u64 = chrono::Utc::now()
        .format("%Y%m%d%H%M%S")
        .to_string()
        .parse()
        .context("formatting the clock as a version")?;
    while used.contains(&version) {
        version += 1;
    }
    Ok(version)
}

/// A migrator over `set` with the profile's keyspace, history table, replication and
/// lock settings.
pub(crate) fn migrator(s: &Settings, set: MigrationSet) -> Result<Migrator> {
    let mut m = Migrator::new(set)
        .keyspace(keyspace(s)?)
        .tool(concat!("cassia-cli/", env!("CARGO_PKG_VERSION")));
    if let Some(ks) = &s.history_keyspace {
        m = m.history_keyspace(ks.clone());
    }
    if let Some(t) = &s.history_table {
        m = m.history_table(t.clone());
    }
    if let Some(r) = &s.replication {
        m = m.replication(r.clone());
    }
    if let Some(t) = s.lock_ttl_secs {
        m = m.lock_ttl(Duration::from_secs(t));
    }
    if let Some(w) = s.lock_wait_secs {
        m = m.lock_wait(Duration::from_secs(w));
    }
    if let Some(t) = s.statement_timeout_secs {
        m = m.statement_timeout(Duration::from_secs(t));
    }
    Ok(m)
}

//! Opening a session from [`Settings`](crate::config::Settings), and building the
//! [`Migrator`] they describe.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use cassia::Session;
use cassia::driver::auth::PlainTextAuthenticator;
use cassia::driver::{ProtocolVersion, TlsConfig};
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
    let mut b = Session::builder()
        .known_nodes(s.contact_points.clone())
        .connect_timeout(Duration::from_secs(s.connect_timeout_secs.unwrap_or(10)));
    match s.protocol_version {
        Some(4) => b = b.protocol_version(ProtocolVersion::V4),
        Some(5) => b = b.protocol_version(ProtocolVersion::V5),
        _ => {}
    }
    if let (Some(user), Some(password)) = (&s.username, &s.password) {
        b = b.authenticator(PlainTextAuthenticator::new(user.clone(), password.clone()));
    }
    if let Some(ca) = &s.tls_ca {
        let pem = std::fs::read(ca)
            .with_context(|| format!("cannot read the TLS CA {}", ca.display()))?;
        b = b.tls(TlsConfig::new().with_ca_pem(&pem)?);
    }
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

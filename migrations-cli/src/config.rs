//! Settings: `cassia.toml` profiles, overridden by `CASSIA_*` environment variables,
//! overridden by flags. Passwords are only ever read from the environment and never
//! printed (the `Debug` form redacts them).
//!
//! ```toml
//! [profiles.default]
//! contact_points = ["127.0.0.1:9042"]
//! keyspace = "blog"
//! migrations = "migrations"
//! replication = { class = "SimpleStrategy", replication_factor = 1 }
//!
//! [profiles.ci]                      # unset keys come from `default`
//! contact_points = ["cassandra.ci:9042"]
//! username_env = "CI_CASSANDRA_USER"
//! password_env = "CI_CASSANDRA_PASSWORD"
//! tls_ca = "certs/ca.pem"
//! replication = { class = "NetworkTopologyStrategy", dc1 = 3 }
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use cassia::migrate::Replication;
use serde::Deserialize;

/// One profile as written in `cassia.toml` (every key optional).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Profile {
    contact_points: Option<Vec<String>>,
    keyspace: Option<String>,
    migrations: Option<PathBuf>,
    models: Option<PathBuf>,
    protocol_version: Option<u8>,
    username: Option<String>,
    username_env: Option<String>,
    password_env: Option<String>,
    tls_ca: Option<PathBuf>,
    history_keyspace: Option<String>,
    history_table: Option<String>,
    replication: Option<BTreeMap<String, toml::Value>>,
    lock_ttl_secs: Option<u64>,
    lock_wait_secs: Option<u64>,
    connect_timeout_secs: Option<u64>,
    statement_timeout_secs: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// The settings a command runs with, after file, environment and flags.
#[derive(Clone, Default)]
pub(crate) struct Settings {
    pub(crate) profile: String,
    pub(crate) contact_points: Vec<String>,
    pub(crate) keyspace: Option<String>,
    pub(crate) migrations: PathBuf,
    pub(crate) models: Option<PathBuf>,
    pub(crate) protocol_version: Option<u8>,
    pub(crate) username: Option<String>,
    pub(crate) password: Option<String>,
    pub(crate) tls_ca: Option<PathBuf>,
    pub(crate) history_keyspace: Option<String>,
    pub(crate) history_table: Option<String>,
    pub(crate) replication: Option<Replication>,
    pub(crate) lock_ttl_secs: Option<u64>,
    pub(crate) lock_wait_secs: Option<u64>,
    pub(crate) connect_timeout_secs: Option<u64>,
    pub(crate) statement_timeout_secs: Option<u64>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("profile", &self.profile)
            .field("contact_points", &self.contact_points)
            .field("keyspace", &self.keyspace)
            .field("migrations", &self.migrations)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("tls_ca", &self.tls_ca)
            .field("replication", &self.replication)
            .finish_non_exhaustive()
    }
}

/// The flags that override settings (from the command line).
#[derive(Debug, Clone, Default)]
pub(crate) struct Overrides {
    pub(crate) config: Option<PathBuf>,
    pub(crate) profile: Option<String>,
    pub(crate) contact_points: Option<String>,
    pub(crate) keyspace: Option<String>,
    pub(crate) migrations: Option<PathBuf>,
    pub(crate) models: Option<PathBuf>,
    pub(crate) protocol_version: Option<u8>,
}

/// Reads settings: the profile from the file (missing file: built-in defaults), then the
/// environment (`env` looks a variable up), then the flags.
pub(crate) fn load(flags: &Overrides, env: &dyn Fn(&str) -> Option<String>) -> Result<Settings> {
    let path = flags
        .config
        .clone()
        .or_else(|| env("CASSIA_CONFIG").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("cassia.toml"));
    let explicit = flags.config.is_some() || env("CASSIA_CONFIG").is_some();
    let file = read_file(&path, explicit)?;
    let name = flags
        .profile
        .clone()
        .or_else(|| env("CASSIA_PROFILE"))
        .unwrap_or_else(|| "default".to_owned());
    let base = file.profiles.get("default").cloned().unwrap_or_default();
    let chosen = match file.profiles.get(&name) {
        Some(p) => p.clone(),
        None if name == "default" => Profile::default(),
        None => {
            let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
            bail!(
                "no profile `{name}` in {} (profiles: {})",
                path.display(),
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            );
        }
    };
    let p = merge(base, chosen);
    // Relative paths in the file are relative to the file.
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let rel = |p: PathBuf| if p.is_absolute() { p } else { dir.join(p) };
    let mut s = Settings {
        profile: name,
        contact_points: p.contact_points.unwrap_or_default(),
        keyspace: p.keyspace,
        migrations: p
            .migrations
            .map_or_else(|| PathBuf::from("migrations"), rel),
        models: p.models.map(rel),
        protocol_version: p.protocol_version,
        username: p.username,
        password: None,
        tls_ca: p.tls_ca.map(rel),
        history_keyspace: p.history_keyspace,
        history_table: p.history_table,
        replication: p.replication.as_ref().map(replication).transpose()?,
        lock_ttl_secs: p.lock_ttl_secs,
        lock_wait_secs: p.lock_wait_secs,
        connect_timeout_secs: p.connect_timeout_secs,
        statement_timeout_secs: p.statement_timeout_secs,
    };
    if let Some(var) = &p.username_env {
        s.username = Some(env(var).ok_or_else(|| {
            anyhow!(
                "profile `{}` reads the user name from ${var}, which is not set",
                s.profile
            )
        })?);
    }
    if let Some(var) = &p.password_env {
        s.password = Some(env(var).ok_or_else(|| {
            anyhow!(
                "profile `{}` reads the password from ${var}, which is not set",
                s.profile
            )
        })?);
    }
    // The environment: the variables the quickstart documents, plus CASSIA_KEYSPACE.
    if let Some(v) = env("CASSIA_CONTACT_POINTS") {
        s.contact_points = split_points(&v);
    }
    if let Some(v) = env("CASSIA_PROTOCOL_VERSION") {
        s.protocol_version = Some(parse_version(&v).context("CASSIA_PROTOCOL_VERSION")?);
    }
    if let Some(v) = env("CASSIA_USERNAME") {
        s.username = Some(v);
    }
    if let Some(v) = env("CASSIA_PASSWORD") {
        s.password = Some(v);
    }
    if let Some(v) = env("CASSIA_TLS_CA") {
        s.tls_ca = Some(PathBuf::from(v));
    }
    if let Some(v) = env("CASSIA_KEYSPACE") {
        s.keyspace = Some(v);
    }
    if let Some(v) = env("CASSIA_MIGRATIONS") {
        s.migrations = PathBuf::from(v);
    }
    // Flags last.
    if let Some(v) = &flags.contact_points {
        s.contact_points = split_points(v);
    }
    if let Some(v) = &flags.keyspace {
        s.keyspace = Some(v.clone());
    }
    if let Some(v) = &flags.migrations {
        s.migrations = v.clone();
    }
    if let Some(v) = &flags.models {
        s.models = Some(v.clone());
    }
    if let Some(v) = flags.protocol_version {
        s.protocol_version = Some(parse_version(&v.to_string())?);
    }
    if s.username.is_some() != s.password.is_some() {
        bail!(
            "a user name and a password must be given together (CASSIA_USERNAME and CASSIA_PASSWORD, or username_env and password_env)"
        );
    }
    Ok(s)
}

fn read_file(path: &Path, explicit: bool) -> Result<File> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return Ok(File::default());
        }
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    toml::from_str(&text)
        .with_context(|| format!("{} is not a valid cassia configuration", path.display()))
}

fn merge(base: Profile, over: Profile) -> Profile {
    macro_rules! pick {
        ($($f:ident),*) => { Profile { $($f: over.$f.or(base.$f)),* } };
    }
    pick!(
        contact_points,
        keyspace,
        migrations,
        models,
        protocol_version,
        username,
        username_env,
        password_env,
        tls_ca,
        history_keyspace,
        history_table,
        replication,
        lock_ttl_secs,
        lock_wait_secs,
        connect_timeout_secs,
        statement_timeout_secs
    )
}

fn split_points(v: &str) -> Vec<String> {
    v.split(',')
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

fn parse_version(v: &str) -> Result<u8> {
    match v.trim() {
        "4" => Ok(4),
        "5" => Ok(5),
        other => bail!("protocol version must be 4 or 5, not `{other}`"),
    }
}

/// `{ class = "SimpleStrategy", replication_factor = 1 }` or
/// `{ class = "NetworkTopologyStrategy", dc1 = 3, dc2 = 2 }`.
fn replication(map: &BTreeMap<String, toml::Value>) -> Result<Replication> {
    let number = |k: &str, v: &toml::Value| -> Result<u32> {
        match v {
            toml::Value::Integer(n) => u32::try_from(*n)
                .map_err(|_| anyhow!("replication `{k}` must be a positive number")),
            toml::Value::String(s) => s
                .parse()
                .map_err(|_| anyhow!("replication `{k}` must be a number, not `{s}`")),
            _ => bail!("replication `{k}` must be a number"),
        }
    };
    let class = match map.get("class") {
        Some(toml::Value::String(c)) => c.rsplit('.').next().unwrap_or(c).to_owned(),
        _ => bail!("replication needs a `class` (SimpleStrategy or NetworkTopologyStrategy)"),
    };
    match class.as_str() {
        "SimpleStrategy" => {
            let rf = map
                .get("replication_factor")
                .ok_or_else(|| anyhow!("SimpleStrategy replication needs `replication_factor`"))?;
            Ok(Replication::simple(number("replication_factor", rf)?))
        }
        "NetworkTopologyStrategy" => {
            let mut dcs = Vec::new();
            for (k, v) in map.iter().filter(|(k, _)| k.as_str() != "class") {
                dcs.push((k.clone(), number(k, v)?));
            }
            if dcs.is_empty() {
                bail!(
                    "NetworkTopologyStrategy replication needs at least one `datacenter = factor`"
                );
            }
            Ok(Replication::network_topology(dcs))
        }
        other => {
            bail!("unknown replication class `{other}` (SimpleStrategy or NetworkTopologyStrategy)")
        }
    }
}

/// Parses `--replication` values: `simple:3` or `dc1:3,dc2:2`.
pub(crate) fn parse_replication_flag(v: &str) -> Result<Replication> {
    if let Some(rf) = v.strip_prefix("simple:") {
        return Ok(Replication::simple(
            rf.trim()
                .parse()
                .map_err(|_| anyhow!("`{v}`: expected simple:<factor>"))?,
        ));
    }
    let mut dcs = Vec::new();
    for part in v.split(',') {
        let (dc, rf) = part.split_once(':').ok_or_else(|| {
            anyhow!("`{v}`: expected simple:<factor> or <dc>:<factor>[,<dc>:<factor>...]")
        })?;
        dcs.push((
            dc.trim().to_owned(),
            rf.trim()
                .parse()
                .map_err(|_| anyhow!("`{part}`: the factor must be a number"))?,
        ));
    }
    Ok(Replication::network_topology(dcs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("cassia-cli-config-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("cassia.toml");
        std::fs::write(&path, text).expect("write");
        path
    }

    const FILE: &str = r#"
[profiles.default]
contact_points = ["127.0.0.1:9042"]
keyspace = "blog"
replication = { class = "SimpleStrategy", replication_factor = 1 }

[profiles.ci]
contact_points = ["db1:9042", "db2:9042"]
username_env = "CI_USER"
password_env = "CI_PASS"
replication = { class = "NetworkTopologyStrategy", dc1 = 3, dc2 = 2 }
"#;

    #[test]
    fn profile_then_environment_then_flags() {
        let path = write("layers", FILE);
        let env_vars = [
            ("CI_USER", "app"),
            ("CI_PASS", "s3cret"),
            ("CASSIA_KEYSPACE", "blog_ci"),
        ];
        let env = |k: &str| {
            env_vars
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        };
        let flags = Overrides {
            config: Some(path.clone()),
            profile: Some("ci".into()),
            ..Overrides::default()
        };
        let s = load(&flags, &env).expect("loads");
        assert_eq!(s.contact_points, vec!["db1:9042", "db2:9042"]);
        assert_eq!(
            s.keyspace.as_deref(),
            Some("blog_ci"),
            "environment beats the file"
        );
        assert_eq!(s.username.as_deref(), Some("app"));
        assert_eq!(
            s.replication,
            Some(Replication::network_topology([("dc1", 3), ("dc2", 2)]))
        );
        let debug = format!("{s:?}");
        assert!(!debug.contains("s3cret"), "{debug}");
        assert!(debug.contains("<redacted>"));
        let flags = Overrides {
            keyspace: Some("flag_ks".into()),
            ..flags
        };
        assert_eq!(
            load(&flags, &env).expect("loads").keyspace.as_deref(),
            Some("flag_ks")
        );
    }

    #[test]
    fn errors_name_the_problem() {
        let path = write("errors", FILE);
        let none = |_: &str| None;
        let flags = Overrides {
            config: Some(path.clone()),
            profile: Some("ci".into()),
            ..Overrides::default()
        };
        let err = load(&flags, &none).expect_err("refused").to_string();
        assert!(err.contains("$CI_USER"), "{err}");
        let flags = Overrides {
            config: Some(path),
            profile: Some("prod".into()),
            ..Overrides::default()
        };
        let err = load(&flags, &none).expect_err("refused").to_string();
        assert!(
            err.contains("no profile `prod`") && err.contains("ci, default"),
            "{err}"
        );
        let bad = write("bad", "[profiles.default]\nkeyspac = \"x\"\n");
        let flags = Overrides {
            config: Some(bad),
            ..Overrides::default()
        };
        let err = format!("{:#}", load(&flags, &none).expect_err("refused"));
        assert!(err.contains("keyspac"), "{err}");
    }

    #[test]
    fn replication_flags() {
        assert_eq!(
            parse_replication_flag("simple:3").expect("ok"),
            Replication::simple(3)
        );
        assert_eq!(
            parse_replication_flag("dc1:3,dc2:1").expect("ok"),
            Replication::network_topology([("dc1", 3), ("dc2", 1)])
        );
        assert!(parse_replication_flag("dc1").is_err());
    }
}

//! [`SessionConfig`]: where and how to connect, as plain data. A service reads it from the
//! `CASSIA_*` environment variables ([`SessionConfig::from_env`]), from a section of its own
//! TOML or JSON configuration (serde, with the `serde` feature), or both (file first, then
//! the environment on top), and hands it to [`SessionBuilder::config`]. The `cassia`
//! migrations tool reads the same variables, so a service and its migrations share one
//! configuration.
//!
//! The variables are listed on [`SessionConfig`].

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use cassia_protocol::frame::ProtocolVersion;

use crate::auth::PlainTextAuthenticator;
use crate::config::Compression;
use crate::error::ConnectError;
use crate::policies::{DcAwareRoundRobinPolicy, TokenAwarePolicy};
use crate::session::SessionBuilder;
use crate::tls::TlsConfig;

/// Connection settings as data: a section of an application's configuration file (serde)
/// and the `CASSIA_*` environment variables.
///
/// | variable | field | example |
/// |---|---|---|
/// | `CASSIA_CONTACT_POINTS` | `contact_points` | `10.0.0.1:9042,10.0.0.2` |
/// | `CASSIA_PROTOCOL_VERSION` | `protocol_version` | `4` or `5` |
/// | `CASSIA_USERNAME`, `CASSIA_PASSWORD` | `username`, `password` | both or neither |
/// | `CASSIA_TLS_CA` | `tls_ca` | `/etc/cassandra/ca.pem` (turns TLS on) |
/// | `CASSIA_LOCAL_DC` | `local_dc` | `dc1` |
/// | `CASSIA_KEYSPACE` | `keyspace` | `shop` |
/// | `CASSIA_COMPRESSION` | `compression` | `lz4`, `snappy` or `none` |
/// | `CASSIA_CONNECT_TIMEOUT_MS` | `connect_timeout_ms` | `5000` |
/// | `CASSIA_REQUEST_TIMEOUT_MS` | `request_timeout_ms` | `10000` |
///
/// An empty variable counts as unset.
#[derive(Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize, serde::Serialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct SessionConfig {
    /// Contact points, `host[:port]` (port 9042 when omitted).
    pub contact_points: Vec<String>,
    /// `4` or `5`; unset negotiates the highest both sides speak.
    pub protocol_version: Option<u8>,
    /// User name for PasswordAuthenticator (with `password`).
    pub username: Option<String>,
    /// Password (never shown by `Debug`).
    pub password: Option<String>,
    /// PEM file of the CA to trust; setting it turns TLS on.
    pub tls_ca: Option<PathBuf>,
    /// The local data centre: requests stay in it (token-aware over DC-aware round robin).
    pub local_dc: Option<String>,
    /// Keyspace selected on every connection.
    pub keyspace: Option<String>,
    /// `lz4`, `snappy` or `none`.
    pub compression: Option<String>,
    /// Time allowed to open one connection, in milliseconds.
    pub connect_timeout_ms: Option<u64>,
    /// Default request timeout, in milliseconds.
    pub request_timeout_ms: Option<u64>,
}

impl std::fmt::Debug for SessionConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionConfig")
            .field("contact_points", &self.contact_points)
            .field("protocol_version", &self.protocol_version)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("tls_ca", &self.tls_ca)
            .field("local_dc", &self.local_dc)
            .field("keyspace", &self.keyspace)
            .field("compression", &self.compression)
            .field("connect_timeout_ms", &self.connect_timeout_ms)
            .field("request_timeout_ms", &self.request_timeout_ms)
            .finish()
    }
}

/// A setting that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A value that does not parse (`setting` is the variable or field name).
    #[error("{setting}={value:?}: {reason}")]
    Invalid {
        /// Variable or field.
        setting: &'static str,
        /// The value given.
        value: String,
        /// What was expected.
        reason: &'static str,
    },
    /// A user name without a password, or the reverse.
    #[error("{missing} is not set: a user name and a password must be given together")]
    IncompleteCredentials {
        /// The half that is missing (`CASSIA_PASSWORD` / `password`, ...).
        missing: &'static str,
    },
    /// The TLS CA file cannot be read.
    #[error("cannot read the TLS CA {path}: {source}")]
    ReadCa {
        /// The path given.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The TLS CA file is not a usable PEM bundle.
    #[error("TLS CA {path}: {source}")]
    Tls {
        /// The path given.
        path: PathBuf,
        /// Why.
        #[source]
        source: Box<ConnectError>,
    },
}

fn invalid(setting: &'static str, value: &str, reason: &'static str) -> ConfigError {
    ConfigError::Invalid {
        setting,
        value: value.to_owned(),
        reason,
    }
}

impl SessionConfig {
    /// The settings the `CASSIA_*` environment variables give (nothing else set).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::default().with_env()
    }

    /// These settings with every `CASSIA_*` variable that is set taking precedence: a
    /// file's section first, then the deployment's environment.
    pub fn with_env(self) -> Result<Self, ConfigError> {
        self.with_lookup(|name| std::env::var(name).ok())
    }

    /// As [`with_env`](Self::with_env), looking variables up with `lookup` (for tests, or
    /// another source of variables).
    pub fn with_lookup(
        mut self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        if let Some(points) = get("CASSIA_CONTACT_POINTS") {
            self.contact_points = points
                .split(',')
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect();
        }
        if let Some(v) = get("CASSIA_PROTOCOL_VERSION") {
            self.protocol_version = Some(
                v.parse()
                    .map_err(|_| invalid("CASSIA_PROTOCOL_VERSION", &v, "expected 4 or 5"))?,
            );
        }
        let (user, password) = (get("CASSIA_USERNAME"), get("CASSIA_PASSWORD"));
        if user.is_some() || password.is_some() {
            match (&user, &password) {
                (Some(_), None) if self.password.is_none() => {
                    return Err(ConfigError::IncompleteCredentials {
                        missing: "CASSIA_PASSWORD",
                    });
                }
                (None, Some(_)) if self.username.is_none() => {
                    return Err(ConfigError::IncompleteCredentials {
                        missing: "CASSIA_USERNAME",
                    });
                }
                _ => {}
            }
            self.username = user.or(self.username);
            self.password = password.or(self.password);
        }
        if let Some(v) = get("CASSIA_TLS_CA") {
            self.tls_ca = Some(PathBuf::from(v));
        }
        if let Some(v) = get("CASSIA_LOCAL_DC") {
            self.local_dc = Some(v);
        }
        if let Some(v) = get("CASSIA_KEYSPACE") {
            self.keyspace = Some(v);
        }
        if let Some(v) = get("CASSIA_COMPRESSION") {
            self.compression = Some(v);
        }
        for (name, field) in [
            ("CASSIA_CONNECT_TIMEOUT_MS", &mut self.connect_timeout_ms),
            ("CASSIA_REQUEST_TIMEOUT_MS", &mut self.request_timeout_ms),
        ] {
            if let Some(v) = get(name) {
                *field = Some(
                    v.parse()
                        .map_err(|_| invalid(name, &v, "expected a number of milliseconds"))?,
                );
            }
        }
        self.validate()?;
        Ok(self)
    }

    /// Checks every field parses, without connecting or reading files.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.version()?;
        self.compression_setting()?;
        match (&self.username, &self.password) {
            (Some(_), None) => Err(ConfigError::IncompleteCredentials {
                missing: "password",
            }),
            (None, Some(_)) => Err(ConfigError::IncompleteCredentials {
                missing: "username",
            }),
            _ => Ok(()),
        }
    }

    fn version(&self) -> Result<Option<ProtocolVersion>, ConfigError> {
        match self.protocol_version {
            None => Ok(None),
            Some(4) => Ok(Some(ProtocolVersion::V4)),
            Some(5) => Ok(Some(ProtocolVersion::V5)),
            Some(other) => Err(invalid(
                "protocol_version",
                &other.to_string(),
                "expected 4 or 5",
            )),
        }
    }

    /// `Some(None)` for "none", `None` when unset.
    fn compression_setting(&self) -> Result<Option<Option<Compression>>, ConfigError> {
        let Some(v) = &self.compression else {
            return Ok(None);
        };
        match v.to_ascii_lowercase().as_str() {
            "lz4" => Ok(Some(Some(Compression::Lz4))),
            "snappy" => Ok(Some(Some(Compression::Snappy))),
            "none" | "off" => Ok(Some(None)),
            _ => Err(invalid("compression", v, "expected lz4, snappy or none")),
        }
    }

    /// Applies the settings to `builder` (reading the TLS CA file if one is named).
    pub(crate) fn apply(&self, mut builder: SessionBuilder) -> Result<SessionBuilder, ConfigError> {
        self.validate()?;
        builder = builder.known_nodes(self.contact_points.iter().cloned());
        if let Some(v) = self.version()? {
            builder = builder.protocol_version(v);
        }
        if let Some(c) = self.compression_setting()? {
            builder = builder.compression(c);
        }
        if let (Some(user), Some(password)) = (&self.username, &self.password) {
            builder =
                builder.authenticator(PlainTextAuthenticator::new(user.clone(), password.clone()));
        }
        if let Some(path) = &self.tls_ca {
            let pem = std::fs::read(path).map_err(|source| ConfigError::ReadCa {
                path: path.clone(),
                source,
            })?;
            let tls = TlsConfig::new()
                .with_ca_pem(&pem)
                .map_err(|e| ConfigError::Tls {
                    path: path.clone(),
                    source: Box::new(e),
                })?;
            builder = builder.tls(tls);
        }
        if let Some(ks) = &self.keyspace {
            builder = builder.default_keyspace(ks.clone());
        }
        if let Some(ms) = self.connect_timeout_ms {
            builder = builder.connect_timeout(Duration::from_millis(ms));
        }
        let mut profile = builder.default_profile_ref().clone();
        if let Some(ms) = self.request_timeout_ms {
            profile = profile.with_request_timeout(Duration::from_millis(ms));
        }
        if let Some(dc) = &self.local_dc {
            profile = profile.with_load_balancing_policy(Arc::new(TokenAwarePolicy::new(
                Arc::new(DcAwareRoundRobinPolicy::new(dc.clone())),
            )));
        }
        Ok(builder.default_execution_profile(profile))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn every_variable_lands_in_its_field() {
        let config = SessionConfig::default()
            .with_lookup(lookup(&[
                ("CASSIA_CONTACT_POINTS", " 10.0.0.1:9042, 10.0.0.2 ,"),
                ("CASSIA_PROTOCOL_VERSION", "4"),
                ("CASSIA_USERNAME", "app"),
                ("CASSIA_PASSWORD", "s3cret"),
                ("CASSIA_TLS_CA", "/etc/ca.pem"),
                ("CASSIA_LOCAL_DC", "dc1"),
                ("CASSIA_KEYSPACE", "shop"),
                ("CASSIA_COMPRESSION", "lz4"),
                ("CASSIA_CONNECT_TIMEOUT_MS", "2500"),
                ("CASSIA_REQUEST_TIMEOUT_MS", ""),
            ]))
            .expect("valid");
        assert_eq!(config.contact_points, ["10.0.0.1:9042", "10.0.0.2"]);
        assert_eq!(config.protocol_version, Some(4));
        assert_eq!(config.username.as_deref(), Some("app"));
        assert_eq!(config.tls_ca, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(config.local_dc.as_deref(), Some("dc1"));
        assert_eq!(config.keyspace.as_deref(), Some("shop"));
        assert_eq!(config.connect_timeout_ms, Some(2500));
        assert_eq!(config.request_timeout_ms, None, "empty means unset");
        let shown = format!("{config:?}");
        assert!(
            !shown.contains("s3cret") && shown.contains("<redacted>"),
            "{shown}"
        );
    }

    #[test]
    fn the_environment_overrides_a_file_section() {
        let file = SessionConfig {
            contact_points: vec!["file:9042".into()],
            keyspace: Some("from_file".into()),
            username: Some("file_user".into()),
            password: Some("file_pw".into()),
            ..SessionConfig::default()
        };
        let merged = file
            .with_lookup(lookup(&[
                ("CASSIA_KEYSPACE", "from_env"),
                ("CASSIA_PASSWORD", "env_pw"),
            ]))
            .expect("valid");
        assert_eq!(merged.contact_points, ["file:9042"]);
        assert_eq!(merged.keyspace.as_deref(), Some("from_env"));
        assert_eq!(merged.username.as_deref(), Some("file_user"));
        assert_eq!(merged.password.as_deref(), Some("env_pw"));
    }

    #[test]
    fn bad_values_name_the_variable() {
        let err = |vars: &[(&str, &str)]| {
            SessionConfig::default()
                .with_lookup(lookup(vars))
                .expect_err("invalid")
                .to_string()
        };
        assert_eq!(
            err(&[("CASSIA_PROTOCOL_VERSION", "six")]),
            "CASSIA_PROTOCOL_VERSION=\"six\": expected 4 or 5"
        );
        assert_eq!(
            err(&[("CASSIA_PROTOCOL_VERSION", "3")]),
            "protocol_version=\"3\": expected 4 or 5"
        );
        assert_eq!(
            err(&[("CASSIA_USERNAME", "app")]),
            "CASSIA_PASSWORD is not set: a user name and a password must be given together"
        );
        assert_eq!(
            err(&[("CASSIA_COMPRESSION", "zstd")]),
            "compression=\"zstd\": expected lz4, snappy or none"
        );
        assert_eq!(
            err(&[("CASSIA_REQUEST_TIMEOUT_MS", "10s")]),
            "CASSIA_REQUEST_TIMEOUT_MS=\"10s\": expected a number of milliseconds"
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn a_configuration_section_deserializes_and_refuses_unknown_keys() {
        let config: SessionConfig = serde_json::from_str(
            r#"{"contact_points": ["db1:9042", "db2"], "local_dc": "eu", "protocol_version": 5}"#,
        )
        .expect("valid section");
        assert_eq!(config.contact_points, ["db1:9042", "db2"]);
        assert_eq!(config.local_dc.as_deref(), Some("eu"));
        assert_eq!(config.protocol_version, Some(5));
        let typo = serde_json::from_str::<SessionConfig>(r#"{"contact_point": ["db1"]}"#)
            .expect_err("unknown key");
        assert!(
            typo.to_string().contains("unknown field `contact_point`"),
            "{typo}"
        );
    }

    #[test]
    fn a_missing_ca_file_is_named() {
        let config = SessionConfig {
            tls_ca: Some(PathBuf::from("/nonexistent/ca.pem")),
            ..SessionConfig::default()
        };
        let err = config
            .apply(SessionBuilder::new())
            .expect_err("no such file")
            .to_string();
        assert!(
            err.starts_with("cannot read the TLS CA /nonexistent/ca.pem"),
            "{err}"
        );
    }
}

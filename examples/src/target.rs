//! Where an example runs: an embedded emulator by default, or a real cluster named by
//! environment variables, so the same program serves as a demo and as a smoke test.
//!
//! * `CASSIA_CONTACT_POINTS=host:port[,host:port...]` connects to a cluster instead of
//!   starting the emulator;
//! * `CASSIA_PROTOCOL_VERSION=4|5` pins the protocol version (else the highest both speak);
//! * `CASSIA_USERNAME` / `CASSIA_PASSWORD` log in with PasswordAuthenticator;
//! * `CASSIA_TLS_CA=/path/ca.pem` turns TLS on, trusting that CA.

use std::time::Duration;

use cassia_driver::auth::PlainTextAuthenticator;
use cassia_driver::{ProtocolVersion, Session, SessionBuilder, TlsConfig};
use cassia_emulator::{Emulator, EmulatorHandle};

use crate::ExampleError;

/// A connected session and, when it is the default target, the emulator behind it.
#[derive(Debug)]
pub struct Target {
    /// The session every statement runs on.
    pub session: Session,
    /// Where the session is connected, for the transcript.
    pub description: String,
    // Kept alive for the session's lifetime: dropping the handle stops the server.
    emulator: Option<EmulatorHandle>,
}

impl Target {
    /// Whether this is the embedded emulator (rather than a cluster from the environment).
    pub fn is_embedded(&self) -> bool {
        self.emulator.is_some()
    }

    /// Closes the session, then stops the embedded emulator if there is one.
    pub async fn close(self) {
        self.session.shutdown().await;
        if let Some(emulator) = self.emulator {
            emulator.shutdown().await;
        }
    }
}

/// Connects as the environment says (see the module docs).
pub async fn connect() -> Result<Target, ExampleError> {
    let contact_points = std::env::var("CASSIA_CONTACT_POINTS")
        .ok()
        .filter(|v| !v.trim().is_empty());
    let (builder, emulator, description) = match contact_points {
        Some(points) => {
            let nodes: Vec<String> = points
                .split(',')
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect();
            let description = format!("the cluster at {}", nodes.join(", "));
            (Session::builder().known_nodes(nodes), None, description)
        }
        None => {
            let emulator = Emulator::builder()
                .start()
                .await
                .map_err(ExampleError::Emulator)?;
            let addr = emulator.addr();
            let builder = Session::builder().known_node(addr.to_string());
            (
                builder,
                Some(emulator),
                format!("the embedded emulator at {addr}"),
            )
        }
    };
    let session = configure(builder, setting)?
        .connect_timeout(Duration::from_secs(10))
        .build()
        .await?;
    Ok(Target {
        session,
        description,
        emulator,
    })
}

/// Connects (see [`connect`]) and runs `body` with the session owning `keyspace`: a
/// leftover from an interrupted run is dropped first, and the keyspace is dropped again
/// afterwards even when `body` failed, so a rerun starts from nothing; then the connection
/// (and the embedded emulator) is closed.
pub async fn with_owned_keyspace(
    keyspace: &str,
    body: impl AsyncFnOnce(&Target) -> Result<(), ExampleError>,
) -> Result<(), ExampleError> {
    let target = connect().await?;
    println!(
        "connected to {} (protocol {:?})",
        target.description,
        target.session.protocol_version()
    );
    let outcome = match drop_keyspace(&target.session, keyspace).await {
        Ok(()) => body(&target).await,
        Err(e) => Err(e),
    };
    let dropped = drop_keyspace(&target.session, keyspace).await;
    target.close().await;
    outcome?;
    dropped?;
    println!("\ndropped keyspace {keyspace}");
    Ok(())
}

/// Creates `keyspace` (SimpleStrategy, one replica), waits for schema agreement and selects
/// it.
pub async fn create_keyspace(session: &Session, keyspace: &str) -> Result<(), ExampleError> {
    session
        .query(
            format!(
                "CREATE KEYSPACE {keyspace} WITH replication = \
                 {{'class': 'SimpleStrategy', 'replication_factor': 1}}"
            ),
            (),
        )
        .await?;
    session.await_schema_agreement().await?;
    session.use_keyspace(keyspace).await?;
    println!("created keyspace {keyspace}");
    Ok(())
}

async fn drop_keyspace(session: &Session, keyspace: &str) -> Result<(), ExampleError> {
    session
        .query(format!("DROP KEYSPACE IF EXISTS {keyspace}"), ())
        .await?;
    Ok(())
}

/// Applies the optional protocol, credential and TLS settings; `setting` looks a variable
/// up (the environment, or a table in tests).
fn configure(
    mut builder: SessionBuilder,
    setting: impl Fn(&str) -> Option<String>,
) -> Result<SessionBuilder, ExampleError> {
    if let Some(version) = setting("CASSIA_PROTOCOL_VERSION") {
        let version = match version.as_str() {
            "4" => ProtocolVersion::V4,
            "5" => ProtocolVersion::V5,
            _ => {
                return Err(ExampleError::Setting {
                    variable: "CASSIA_PROTOCOL_VERSION",
                    value: version,
                    reason: "expected 4 or 5",
                });
            }
        };
        builder = builder.protocol_version(version);
    }
    match (setting("CASSIA_USERNAME"), setting("CASSIA_PASSWORD")) {
        (Some(user), Some(password)) => {
            builder = builder.authenticator(PlainTextAuthenticator::new(user, password));
        }
        (None, None) => {}
        (Some(_), None) => {
            return Err(ExampleError::Setting {
                variable: "CASSIA_PASSWORD",
                value: String::new(),
                reason: "must be set together with CASSIA_USERNAME",
            });
        }
        (None, Some(_)) => {
            return Err(ExampleError::Setting {
                variable: "CASSIA_USERNAME",
                value: String::new(),
                reason: "must be set together with CASSIA_PASSWORD",
            });
        }
    }
    if let Some(path) = setting("CASSIA_TLS_CA") {
        let pem = std::fs::read(&path).map_err(|source| ExampleError::ReadCa {
            path: path.clone(),
            source,
        })?;
        builder = builder.tls(TlsConfig::new().with_ca_pem(&pem)?);
    }
    Ok(builder)
}

/// A non-empty environment variable.
fn setting(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn configure_with(vars: &[(&str, &str)]) -> Result<SessionBuilder, ExampleError> {
        configure(Session::builder(), |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn accepts_every_documented_setting() {
        for vars in [
            &[][..],
            &[("CASSIA_PROTOCOL_VERSION", "4")][..],
            &[("CASSIA_PROTOCOL_VERSION", "5")][..],
            &[("CASSIA_USERNAME", "app"), ("CASSIA_PASSWORD", "secret")][..],
        ] {
            assert!(configure_with(vars).is_ok(), "{vars:?}");
        }
    }

    #[test]
    fn refuses_an_unknown_protocol_version() {
        let err = configure_with(&[("CASSIA_PROTOCOL_VERSION", "3")]).err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("CASSIA_PROTOCOL_VERSION=\"3\": expected 4 or 5")
        );
    }

    #[test]
    fn credentials_come_in_pairs() {
        let err = configure_with(&[("CASSIA_USERNAME", "app")]).err();
        assert!(
            matches!(
                err,
                Some(ExampleError::Setting {
                    variable: "CASSIA_PASSWORD",
                    ..
                })
            ),
            "{err:?}"
        );
        let err = configure_with(&[("CASSIA_PASSWORD", "secret")]).err();
        assert!(
            matches!(
                err,
                Some(ExampleError::Setting {
                    variable: "CASSIA_USERNAME",
                    ..
                })
            ),
            "{err:?}"
        );
    }

    #[test]
    fn a_missing_ca_file_names_the_path() {
        let err = configure_with(&[("CASSIA_TLS_CA", "/nonexistent/ca.pem")]).err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("cannot read the CA file /nonexistent/ca.pem")
        );
    }

    #[test]
    fn a_pem_without_certificates_is_refused() {
        let path =
            std::env::temp_dir().join(format!("cassia-examples-empty-{}.pem", std::process::id()));
        let written = std::fs::write(&path, b"not a certificate\n");
        assert!(written.is_ok(), "{written:?}");
        let err = configure_with(&[("CASSIA_TLS_CA", &path.to_string_lossy())]).err();
        let _ = std::fs::remove_file(&path);
        assert!(matches!(err, Some(ExampleError::Connect(_))), "{err:?}");
    }
}

//! TLS for connections: [`TlsConfig`] (rustls through tokio-rustls).
//!
//! Secure by default: the server certificate is verified against Mozilla's roots
//! (webpki-roots) and must match the host name of the contact point. A private CA bundle can
//! replace the roots, and a client certificate enables mutual TLS. When a handshake fails the
//! error says whether the server certificate, the host name or the client certificate was at
//! fault ([`TlsFailure`]).

use std::net::SocketAddr;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{AlertDescription, CertificateError, ClientConfig, RootCertStore};

use crate::error::{ConnectError, TlsFailure};

/// TLS settings for a session.
#[derive(Clone)]
pub struct TlsConfig {
    roots: Option<Vec<CertificateDer<'static>>>,
    client_auth: Option<(Vec<CertificateDer<'static>>, Arc<PrivateKeyDer<'static>>)>,
    server_name: Option<String>,
}

impl std::fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsConfig")
            .field("custom_ca_certs", &self.roots.as_ref().map(Vec::len))
            .field("client_cert", &self.client_auth.is_some())
            .field("server_name", &self.server_name)
            .finish()
    }
}

fn config_error(detail: String) -> ConnectError {
    ConnectError::Tls {
        node: SocketAddr::from(([0, 0, 0, 0], 0)),
        failure: TlsFailure::Configuration,
        detail,
    }
}

impl Default for TlsConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl TlsConfig {
    /// Verification against Mozilla's root certificates, host-name check on.
    pub fn new() -> Self {
        TlsConfig {
            roots: None,
            client_auth: None,
            server_name: None,
        }
    }

    /// Trusts only the CA certificates of a PEM bundle (instead of the public roots).
    pub fn with_ca_pem(mut self, pem: &[u8]) -> Result<Self, ConnectError> {
        let certs = CertificateDer::pem_slice_iter(pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| config_error(format!("CA bundle: {e}")))?;
        if certs.is_empty() {
            return Err(config_error("CA bundle holds no certificate".into()));
        }
        self.roots = Some(certs);
        Ok(self)
    }

    /// Presents a client certificate chain and its private key (PEM) for mutual TLS.
    pub fn with_client_cert_pem(
        mut self,
        cert_pem: &[u8],
        key_pem: &[u8],
    ) -> Result<Self, ConnectError> {
        let certs = CertificateDer::pem_slice_iter(cert_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| config_error(format!("client certificate: {e}")))?;
        if certs.is_empty() {
            return Err(config_error(
                "client certificate PEM holds no certificate".into(),
            ));
        }
        let key = PrivateKeyDer::from_pem_slice(key_pem)
            .map_err(|e| config_error(format!("client key: {e}")))?;
        self.client_auth = Some((certs, Arc::new(key)));
        Ok(self)
    }

    /// Checks the certificate against `name` instead of the contact point's host (useful when
    /// connecting by IP address to a node whose certificate names a DNS name).
    pub fn with_server_name(mut self, name: impl Into<String>) -> Self {
        self.server_name = Some(name.into());
        self
    }

    pub(crate) fn build(&self) -> Result<Arc<ClientConfig>, ConnectError> {
        let mut roots = RootCertStore::empty();
        match &self.roots {
            Some(certs) => {
                for c in certs {
                    roots
                        .add(c.clone())
                        .map_err(|e| config_error(format!("CA certificate: {e}")))?;
                }
            }
            None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| config_error(e.to_string()))?
            .with_root_certificates(roots);
        let config = match &self.client_auth {
            Some((certs, key)) => builder
                .with_client_auth_cert(certs.clone(), key.clone_key())
                .map_err(|e| config_error(format!("client certificate: {e}")))?,
            None => builder.with_no_client_auth(),
        };
        Ok(Arc::new(config))
    }

    /// The name the certificate must match: the override, else the contact point's host.
    pub(crate) fn server_name(&self, host: &str) -> Result<ServerName<'static>, ConnectError> {
        let name = self.server_name.as_deref().unwrap_or(host);
        ServerName::try_from(name.to_owned())
            .map_err(|e| config_error(format!("server name {name:?}: {e}")))
    }
}

/// Classifies a failed handshake so the error names the culprit.
pub(crate) fn classify(node: SocketAddr, err: &std::io::Error) -> ConnectError {
    let tls = err
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    let failure = match tls {
        Some(rustls::Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        )) => TlsFailure::HostName,
        Some(rustls::Error::InvalidCertificate(_)) => TlsFailure::ServerCertificate,
        Some(rustls::Error::AlertReceived(
            AlertDescription::BadCertificate
            | AlertDescription::CertificateRequired
            | AlertDescription::UnknownCA
            | AlertDescription::CertificateUnknown
            | AlertDescription::CertificateExpired
            | AlertDescription::CertificateRevoked
            | AlertDescription::UnsupportedCertificate
            | AlertDescription::AccessDenied,
        )) => TlsFailure::ClientCertificate,
        _ => TlsFailure::Other,
    };
    ConnectError::Tls {
        node,
        failure,
        detail: err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_builds_and_bad_pem_is_a_configuration_error() {
        assert!(TlsConfig::new().build().is_ok());
        let err = TlsConfig::new()
            .with_ca_pem(b"not a pem")
            .expect_err("no certificate in input");
        assert!(matches!(
            err,
            ConnectError::Tls {
                failure: TlsFailure::Configuration,
                ..
            }
        ));
        assert_eq!(
            err.to_string(),
            "TLS with 0.0.0.0:0 failed: invalid TLS configuration: CA bundle holds no certificate"
        );
    }

    #[test]
    fn host_name_mismatch_is_classified() {
        let io = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(CertificateError::NotValidForName),
        );
        let node: SocketAddr = "10.0.0.1:9142".parse().expect("literal");
        assert!(matches!(
            classify(node, &io),
            ConnectError::Tls {
                failure: TlsFailure::HostName,
                ..
            }
        ));
        let io = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer),
        );
        assert!(matches!(
            classify(node, &io),
            ConnectError::Tls {
                failure: TlsFailure::ServerCertificate,
                ..
            }
        ));
    }
}

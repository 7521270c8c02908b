//! TLS for client connections: a rustls server configuration built from a PEM certificate
//! chain and a PEM private key (PKCS#8, PKCS#1 or SEC1), given as files or in memory.
//!
//! Loading happens in `EmulatorBuilder::start`, so a bad certificate fails the start with a
//! [`TlsError`] instead of failing every handshake later.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// Where the certificate chain and key come from.
#[derive(Debug, Clone)]
pub(crate) enum TlsSource {
    /// PEM files on disk.
    Files { cert: PathBuf, key: PathBuf },
    /// PEM text in memory.
    Pem { cert: Vec<u8>, key: Vec<u8> },
}

/// Why the TLS configuration could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// A PEM file could not be read or held no usable certificate or key.
    #[error("cannot read TLS {what} from {path}: {source}")]
    Pem {
        /// `certificate chain` or `private key`.
        what: &'static str,
        /// The file (or `<memory>`).
        path: PathBuf,
        /// The PEM parser's error.
        #[source]
        source: rustls_pki_types::pem::Error,
    },
    /// The PEM held no certificate.
    #[error("no certificate found in {path}")]
    NoCertificate {
        /// The file (or `<memory>`).
        path: PathBuf,
    },
    /// rustls refused the certificate/key pair (mismatch, unsupported key type, ...).
    #[error("invalid TLS certificate or key: {0}")]
    Rustls(#[from] rustls::Error),
}

fn memory() -> PathBuf {
    PathBuf::from("<memory>")
}

fn certs_from(source: &TlsSource) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let (certs, path): (Result<Vec<_>, _>, PathBuf) = match source {
        TlsSource::Files { cert, .. } => match CertificateDer::pem_file_iter(cert) {
            Ok(iter) => (iter.collect(), cert.clone()),
            Err(source) => return Err(pem_error("certificate chain", cert, source)),
        },
        TlsSource::Pem { cert, .. } => (CertificateDer::pem_slice_iter(cert).collect(), memory()),
    };
    let certs = certs.map_err(|source| pem_error("certificate chain", &path, source))?;
    if certs.is_empty() {
        return Err(TlsError::NoCertificate { path });
    }
    Ok(certs)
}

fn key_from(source: &TlsSource) -> Result<PrivateKeyDer<'static>, TlsError> {
    match source {
        TlsSource::Files { key, .. } => {
            PrivateKeyDer::from_pem_file(key).map_err(|e| pem_error("private key", key, e))
        }
        TlsSource::Pem { key, .. } => {
            PrivateKeyDer::from_pem_slice(key).map_err(|e| pem_error("private key", &memory(), e))
        }
    }
}

fn pem_error(what: &'static str, path: &Path, source: rustls_pki_types::pem::Error) -> TlsError {
    TlsError::Pem {
        what,
        path: path.to_owned(),
        source,
    }
}

/// Builds the acceptor used for every incoming connection.
pub(crate) fn acceptor(source: &TlsSource) -> Result<tokio_rustls::TlsAcceptor, TlsError> {
    let certs = certs_from(source)?;
    let key = key_from(source)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certs, key)?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_pem_is_a_clear_error() {
        let err = acceptor(&TlsSource::Pem {
            cert: Vec::new(),
            key: Vec::new(),
        })
        .err();
        assert!(
            matches!(err, Some(TlsError::NoCertificate { .. })),
            "{err:?}"
        );
    }

    #[test]
    fn missing_file_names_the_file() {
        let err = acceptor(&TlsSource::Files {
            cert: PathBuf::from("/nonexistent/cert.pem"),
            key: PathBuf::from("/nonexistent/key.pem"),
        })
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(err.contains("/nonexistent/cert.pem"), "{err}");
    }
}

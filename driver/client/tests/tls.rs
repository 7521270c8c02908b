//! TLS: verification against a private CA, host-name check, mutual TLS, and errors that
//! name the culprit.

mod common;

use std::sync::Arc;

use cassia_driver::error::{ConnectError, TlsFailure};
use cassia_driver::{Session, TlsConfig};
use common::mock::{Action, MockConfig, MockServer, void};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls");

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{name}")).expect("fixture")
}

fn server_config(require_client_cert: bool) -> Arc<rustls::ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&read("server.pem"))
        .collect::<Result<_, _>>()
        .expect("server cert");
    let key = PrivateKeyDer::from_pem_slice(&read("server.key")).expect("server key");
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("versions");
    let builder = if require_client_cert {
        let mut roots = rustls::RootCertStore::empty();
        for c in CertificateDer::pem_slice_iter(&read("ca.pem")) {
            roots.add(c.expect("ca")).expect("root");
        }
        let verifier =
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .expect("verifier");
        builder.with_client_cert_verifier(verifier)
    } else {
        builder.with_no_client_auth()
    };
    Arc::new(builder.with_single_cert(certs, key).expect("server config"))
}

async fn tls_server(require_client_cert: bool) -> MockServer {
    let mut config = MockConfig::new(|_, _| vec![Action::Reply(void())]);
    config.tls = Some(server_config(require_client_cert));
    MockServer::start(config).await
}

fn tls_failure(err: &ConnectError) -> Option<TlsFailure> {
    match err {
        ConnectError::Tls { failure, .. } => Some(*failure),
        ConnectError::AllNodesFailed { errors } => errors.iter().find_map(tls_failure),
        _ => None,
    }
}

#[tokio::test]
async fn connects_with_a_private_ca_and_checks_the_host_name() {
    let server = tls_server(false).await;
    let port = server.addr.port();
    let tls = TlsConfig::new().with_ca_pem(&read("ca.pem")).expect("ca");
    let session = Session::builder()
        .known_node(format!("localhost:{port}"))
        .tls(tls.clone())
        .build()
        .await
        .expect("TLS session");
    session.query("SELECT 1", ()).await.expect("query over TLS");

    // The certificate names "localhost", not 127.0.0.1.
    let err = Session::builder()
        .known_node(format!("127.0.0.1:{port}"))
        .tls(tls.clone())
        .build()
        .await
        .expect_err("host name mismatch");
    assert_eq!(tls_failure(&err), Some(TlsFailure::HostName), "{err}");
    assert!(
        err.to_string().contains("does not match the host name"),
        "{err}"
    );

    // ... unless told which name to check.
    Session::builder()
        .known_node(format!("127.0.0.1:{port}"))
        .tls(tls.with_server_name("localhost"))
        .build()
        .await
        .expect("explicit server name");
}

#[tokio::test]
async fn an_untrusted_certificate_is_reported_as_such() {
    let server = tls_server(false).await;
    let port = server.addr.port();
    for tls in [
        TlsConfig::new(),
        TlsConfig::new()
            .with_ca_pem(&read("other-ca.pem"))
            .expect("ca"),
    ] {
        let err = Session::builder()
            .known_node(format!("localhost:{port}"))
            .tls(tls)
            .build()
            .await
            .expect_err("unknown issuer");
        assert_eq!(
            tls_failure(&err),
            Some(TlsFailure::ServerCertificate),
            "{err}"
        );
        assert!(
            err.to_string().contains("server certificate not trusted"),
            "{err}"
        );
    }
}

#[tokio::test]
async fn mutual_tls_needs_the_client_certificate() {
    let server = tls_server(true).await;
    let port = server.addr.port();
    let tls = TlsConfig::new().with_ca_pem(&read("ca.pem")).expect("ca");
    let err = Session::builder()
        .known_node(format!("localhost:{port}"))
        .tls(tls.clone())
        .build()
        .await
        .expect_err("no client certificate");
    assert_eq!(
        tls_failure(&err),
        Some(TlsFailure::ClientCertificate),
        "{err}"
    );

    let tls = tls
        .with_client_cert_pem(&read("client.pem"), &read("client.key"))
        .expect("client cert");
    let session = Session::builder()
        .known_node(format!("localhost:{port}"))
        .tls(tls)
        .build()
        .await
        .expect("mutual TLS");
    session.query("SELECT 1", ()).await.expect("query");
}

#[tokio::test]
async fn a_plaintext_client_pinned_to_v5_is_told_the_port_may_require_tls() {
    let server = tls_server(false).await;
    let err = Session::builder()
        .known_node(server.addr.to_string())
        .protocol_version(cassia_driver::ProtocolVersion::V5)
        .build()
        .await
        .expect_err("the TLS port refuses plaintext");
    assert!(
        matches!(err, ConnectError::ClosedDuringHandshake { .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("closed during the handshake"), "{message}");
    assert!(message.contains("may require TLS"), "{message}");
}

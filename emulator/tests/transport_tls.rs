//! TLS: the server presents a PEM certificate (self-signed here) and speaks the protocol
//! over it; plain-text clients of a TLS server get nothing.

mod transport_support;

use std::sync::Arc;

use cassia_emulator::Emulator;
use rustls_pki_types::ServerName;
use transport_support::*;

fn self_signed() -> (String, String, rustls_pki_types::CertificateDer<'static>) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("rcgen");
    (
        certified.cert.pem(),
        certified.key_pair.serialize_pem(),
        certified.cert.der().clone(),
    )
}

fn connector(cert: rustls_pki_types::CertificateDer<'static>) -> tokio_rustls::TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert).expect("root");
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

#[tokio::test]
async fn handshake_over_tls_from_pem_in_memory_and_files() {
    let (cert_pem, key_pem, cert_der) = self_signed();
    let dir = std::env::temp_dir().join(format!("cassia-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let (cert_path, key_path) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert_path, &cert_pem).expect("write cert");
    std::fs::write(&key_path, &key_pem).expect("write key");

    let from_memory = Emulator::builder().tls_pem(cert_pem, key_pem);
    let from_files = Emulator::builder().tls(&cert_path, &key_path);
    for builder in [from_memory, from_files] {
        let emu = builder.start().await.expect("start");
        let tcp = tokio::net::TcpStream::connect(emu.addr())
            .await
            .expect("tcp");
        let name = ServerName::try_from("localhost").expect("name");
        let tls = connector(cert_der.clone())
            .connect(name, tcp)
            .await
            .expect("TLS handshake");
        let mut c = RawClient::over(Box::new(tls), 0x05);
        assert_eq!(c.handshake(Some("lz4")).await.opcode, READY);
        c.send(0, 2, OPTIONS, &[]).await;
        assert_eq!(c.recv_some().await.opcode, SUPPORTED);
        emu.shutdown().await;
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn plain_text_client_of_a_tls_server_is_dropped() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (cert_pem, key_pem, _) = self_signed();
    let emu = Emulator::builder()
        .tls_pem(cert_pem, key_pem)
        .start()
        .await
        .expect("start");
    let mut tcp = tokio::net::TcpStream::connect(emu.addr())
        .await
        .expect("tcp");
    tcp.write_all(&[0x04, 0, 0, 0, OPTIONS, 0, 0, 0, 0])
        .await
        .expect("write");
    // rustls may send an alert record before closing; never a CQL frame.
    let mut received = Vec::new();
    tokio::time::timeout(TIMEOUT, tcp.read_to_end(&mut received))
        .await
        .expect("server closes the connection")
        .ok();
    assert_ne!(received.first(), Some(&0x84), "{received:02x?}");
}

#[tokio::test]
async fn bad_pem_fails_start_with_a_clear_error() {
    let err = Emulator::builder()
        .tls_pem("not a certificate", "not a key")
        .start()
        .await
        .expect_err("must not start");
    assert_eq!(err.to_string(), "no certificate found in <memory>");
}

#[tokio::test]
async fn system_views_clients_shows_the_tls_session() {
    let (cert_pem, key_pem, cert_der) = self_signed();
    let emu = Emulator::builder()
        .tls_pem(cert_pem, key_pem)
        .start()
        .await
        .expect("start");
    let tcp = tokio::net::TcpStream::connect(emu.addr())
        .await
        .expect("tcp");
    let name = ServerName::try_from("localhost").expect("name");
    let tls = connector(cert_der)
        .connect(name, tcp)
        .await
        .expect("TLS handshake");
    let mut c = RawClient::over(Box::new(tls), 0x04);
    assert_eq!(c.handshake(None).await.opcode, READY);
    let cql = "SELECT ssl_enabled, ssl_protocol, ssl_cipher_suite FROM system_views.clients";
    c.send(0, 2, QUERY, &query_body(4, cql)).await;
    let reply = c.recv_some().await;
    assert_eq!(reply.opcode, 0x08, "RESULT");
    // Cassandra's (JSSE) names: the ring provider negotiates TLS 1.3 with this client.
    let contains = |needle: &[u8]| reply.body.windows(needle.len()).any(|w| w == needle);
    assert!(contains(b"TLSv1.3"), "{:?}", reply.body);
    assert!(contains(b"TLS_AES_"), "{:?}", reply.body);
    emu.shutdown().await;
}

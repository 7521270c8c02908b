//! Password authentication: AUTHENTICATE with Cassandra's class name, SASL PLAIN accepted
//! or refused with Cassandra's code and message, and nothing else allowed meanwhile.

mod transport_support;

use cassia_emulator::Emulator;
use cassia_protocol::wire::Reader;
use transport_support::*;

async fn authenticating(
    version: u8,
    compression: Option<&str>,
) -> (cassia_emulator::EmulatorHandle, RawClient) {
    let emu = Emulator::builder()
        .auth("cassandra", "s3cret")
        .start()
        .await
        .expect("start");
    let mut c = RawClient::connect(emu.addr(), version).await;
    let auth = c.handshake(compression).await;
    assert_eq!(auth.opcode, AUTHENTICATE, "{auth:?}");
    let class = Reader::new(&auth.body)
        .string("class")
        .expect("class name")
        .to_owned();
    assert_eq!(class, "org.apache.cassandra.auth.PasswordAuthenticator");
    (emu, c)
}

#[tokio::test]
async fn correct_credentials_succeed() {
    for (version, compression) in [(4, None), (4, Some("lz4")), (5, None), (5, Some("lz4"))] {
        let (_emu, mut c) = authenticating(version, compression).await;
        c.send(0, 2, AUTH_RESPONSE, &bytes_body(b"\0cassandra\0s3cret"))
            .await;
        let ok = c.recv_some().await;
        assert_eq!(
            (ok.stream, ok.opcode),
            (2, AUTH_SUCCESS),
            "v{version} {compression:?}"
        );
        // A null token, as PasswordAuthenticator sends.
        assert_eq!(ok.body, vec![0xff, 0xff, 0xff, 0xff]);
        // Then the connection is usable.
        c.send(0, 3, REGISTER, &string_list_body(&["SCHEMA_CHANGE"]))
            .await;
        assert_eq!(c.recv_some().await.opcode, READY);
    }
}

#[tokio::test]
async fn wrong_password_gets_authentication_error_and_may_retry() {
    let (_emu, mut c) = authenticating(4, None).await;
    c.send(0, 2, AUTH_RESPONSE, &bytes_body(b"\0cassandra\0wrong"))
        .await;
    let err = c.recv_some().await;
    assert_eq!(err.stream, 2);
    assert_eq!(
        err.error(),
        (
            0x0100,
            "Provided username cassandra and/or password are incorrect".into()
        )
    );
    c.send(0, 3, AUTH_RESPONSE, &bytes_body(b"\0cassandra\0s3cret"))
        .await;
    assert_eq!(c.recv_some().await.opcode, AUTH_SUCCESS);
}

#[tokio::test]
async fn unknown_user_and_malformed_token() {
    let (_emu, mut c) = authenticating(5, None).await;
    c.send(0, 2, AUTH_RESPONSE, &bytes_body(b"\0mallory\0s3cret"))
        .await;
    assert_eq!(
        c.recv_some().await.error(),
        (
            0x0100,
            "Provided username mallory and/or password are incorrect".into()
        )
    );
    c.send(0, 3, AUTH_RESPONSE, &bytes_body(b"no separators"))
        .await;
    assert_eq!(
        c.recv_some().await.error(),
        (0x0100, "Password must not be null".into())
    );
}

#[tokio::test]
async fn requests_before_authentication_are_refused() {
    let (_emu, mut c) = authenticating(4, Some("snappy")).await;
    c.send(0, 2, QUERY, &query_body(4, "SELECT * FROM system.local"))
        .await;
    assert_eq!(
        c.recv_some().await.error(),
        (
            0x000A,
            "Unexpected message QUERY, expecting SASL_RESPONSE".into()
        )
    );
    c.send(0, 3, REGISTER, &string_list_body(&["SCHEMA_CHANGE"]))
        .await;
    assert_eq!(
        c.recv_some().await.error().1,
        "Unexpected message REGISTER, expecting SASL_RESPONSE"
    );
}

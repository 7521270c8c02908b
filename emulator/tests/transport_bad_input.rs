//! Hostile or broken clients: each bad frame gets a ProtocolError (when its header is
//! readable) and its connection is closed, while the server keeps serving others.

mod transport_support;

use std::time::Duration;

use cassia_emulator::{Emulator, EmulatorHandle};
use tokio::io::AsyncWriteExt;
use transport_support::*;

/// A fresh connection still completes a handshake.
async fn still_serves(emu: &EmulatorHandle) {
    let mut c = RawClient::connect(emu.addr(), 0x04).await;
    assert_eq!(c.handshake(None).await.opcode, READY);
}

#[tokio::test]
async fn unknown_opcode() {
    let emu = Emulator::builder().start().await.expect("start");
    let mut c = RawClient::connect(emu.addr(), 0x04).await;
    c.send(0, 9, 0x04, &[]).await;
    let err = c.recv_some().await;
    assert_eq!((err.version, err.stream), (0x84, 9));
    assert_eq!(err.error(), (0x000A, "Unknown opcode 4".into()));
    c.expect_closed().await;
    still_serves(&emu).await;
}

#[tokio::test]
async fn response_opcode_from_a_client() {
    let emu = Emulator::builder().start().await.expect("start");
    let mut c = RawClient::connect(emu.addr(), 0x04).await;
    c.send(0, 1, READY, &[]).await;
    let (code, message) = c.recv_some().await.error();
    assert_eq!(code, 0x000A);
    assert!(message.starts_with("Wrong protocol direction"), "{message}");
    c.expect_closed().await;
}

#[tokio::test]
async fn oversized_frame_is_refused_before_its_body_arrives() {
    let emu = Emulator::builder()
        .max_frame_size(1024)
        .start()
        .await
        .expect("start");
    let mut c = RawClient::connect(emu.addr(), 0x04).await;
    // Only the header: the server must not wait for 2000 bytes that never come.
    c.send_raw(&[0x04, 0, 0, 3, STARTUP, 0, 0, 0x07, 0xd0])
        .await;
    let err = c.recv_some().await;
    assert_eq!(err.stream, 3);
    assert_eq!(
        err.error(),
        (
            0x000A,
            "Request is too big: length 2009 exceeds maximum allowed length 1024.".into()
        )
    );
    c.expect_closed().await;
    still_serves(&emu).await;
}

#[tokio::test]
async fn malformed_body() {
    let emu = Emulator::builder().start().await.expect("start");
    let mut c = RawClient::connect(emu.addr(), 0x04).await;
    // A string map announcing one entry whose key claims 200 bytes.
    c.send(0, 1, STARTUP, &[0, 1, 0, 200, b'C']).await;
    let (code, message) = c.recv_some().await.error();
    assert_eq!(code, 0x000A);
    assert!(message.contains("STARTUP"), "{message}");
    c.expect_closed().await;
    still_serves(&emu).await;
}

#[tokio::test]
async fn truncated_frame_then_disconnect() {
    let emu = Emulator::builder().start().await.expect("start");
    let mut c = RawClient::connect(emu.addr(), 0x04).await;
    // Header promises 50 bytes; send 3 and leave.
    c.send_raw(&[0x04, 0, 0, 1, STARTUP, 0, 0, 0, 50, 1, 2, 3])
        .await;
    drop(c);
    still_serves(&emu).await;
}

#[tokio::test]
async fn garbage_instead_of_a_frame() {
    let emu = Emulator::builder().start().await.expect("start");
    let mut c = RawClient::connect(emu.addr(), 0x04).await;
    c.send_raw(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let err = c.recv_some().await;
    // 'G' is 0x47: version 71 is newer than anything we speak, so v5 answers.
    assert_eq!(err.version, 0x85);
    assert!(
        err.error()
            .1
            .starts_with("Invalid or unsupported protocol version (71);")
    );
    c.expect_closed().await;
    still_serves(&emu).await;
}

#[tokio::test]
async fn version_change_mid_connection() {
    let emu = Emulator::builder().start().await.expect("start");
    let mut c = RawClient::connect(emu.addr(), 0x04).await;
    c.handshake(None).await;
    c.version = 0x05;
    c.send(0, 2, OPTIONS, &[]).await;
    let err = c.recv_some().await;
    assert_eq!(err.version, 0x84);
    assert_eq!(
        err.error().1,
        "Invalid message version. Got 5/v5 but previous messages on this connection had version 4/v4"
    );
    c.expect_closed().await;
}

#[tokio::test]
async fn segment_crc_mismatch() {
    for corrupt_header in [false, true] {
        let emu = Emulator::builder().start().await.expect("start");
        let mut c = RawClient::connect(emu.addr(), 0x05).await;
        c.handshake(None).await;
        let mut seg = c.encode(0, 2, OPTIONS, &[]);
        if corrupt_header {
            seg[3] ^= 0xff; // first CRC24 byte
        } else {
            let last = seg.len() - 1;
            seg[last] ^= 0xff; // CRC32
        }
        c.send_raw(&seg).await;
        let err = c.recv_some().await;
        assert_eq!((err.version, err.stream), (0x85, 0));
        let (code, message) = err.error();
        assert_eq!(code, 0x000A);
        let expected = if corrupt_header { "CRC24" } else { "CRC32" };
        assert!(message.contains(expected), "{message}");
        c.expect_closed().await;
        still_serves(&emu).await;
    }
}

#[tokio::test]
async fn compressed_frame_without_negotiated_compression() {
    let emu = Emulator::builder().start().await.expect("start");
    let mut c = RawClient::connect(emu.addr(), 0x04).await;
    c.handshake(None).await;
    c.send(0x01, 2, OPTIONS, &[0, 0, 0, 0]).await;
    let (code, message) = c.recv_some().await.error();
    assert_eq!(code, 0x000A);
    assert!(
        message.contains("no compression was negotiated"),
        "{message}"
    );
    c.expect_closed().await;
}

#[tokio::test]
async fn a_flooding_client_does_not_starve_others() {
    let emu = Emulator::builder().start().await.expect("start");
    let mut flood = tokio::net::TcpStream::connect(emu.addr())
        .await
        .expect("connect");
    // OPTIONS frames the flooder never reads the answers to: the server must stop reading
    // from it once its own writes back up, without affecting anyone else.
    let frame = [0x04u8, 0, 0, 1, OPTIONS, 0, 0, 0, 0];
    let burst: Vec<u8> = frame
        .iter()
        .copied()
        .cycle()
        .take(frame.len() * 20_000)
        .collect();
    let writer = tokio::spawn(async move {
        for _ in 0..50 {
            let write = flood.write_all(&burst);
            if tokio::time::timeout(Duration::from_millis(200), write)
                .await
                .is_err()
            {
                // Backpressure reached us: exactly what should happen.
                break;
            }
        }
        flood
    });
    for _ in 0..5 {
        still_serves(&emu).await;
    }
    let flood = writer.await.expect("flooder");
    drop(flood);
    still_serves(&emu).await;
}

#[tokio::test]
async fn shutdown_closes_connections() {
    let emu = Emulator::builder().start().await.expect("start");
    let addr = emu.addr();
    let mut c = RawClient::connect(addr, 0x04).await;
    c.handshake(None).await;
    tokio::time::timeout(TIMEOUT, emu.shutdown())
        .await
        .expect("shutdown finishes");
    c.expect_closed().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn shutdown_is_not_held_up_by_a_client_that_never_reads() {
    let emu = Emulator::builder().start().await.expect("start");
    let mut flood = tokio::net::TcpStream::connect(emu.addr())
        .await
        .expect("connect");
    let frame = [0x04u8, 0, 0, 1, OPTIONS, 0, 0, 0, 0];
    let burst: Vec<u8> = frame
        .iter()
        .copied()
        .cycle()
        .take(frame.len() * 20_000)
        .collect();
    // Write until the server stops reading (its replies fill the socket buffers).
    for _ in 0..100 {
        let write = flood.write_all(&burst);
        if tokio::time::timeout(Duration::from_millis(200), write)
            .await
            .is_err()
        {
            break;
        }
    }
    tokio::time::timeout(TIMEOUT, emu.shutdown())
        .await
        .expect("shutdown finishes while the client still does not read");
}

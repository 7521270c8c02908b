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
    // 4.0's `PreV5Handlers.ProtocolDecoder` wraps the error with the stream: not fatal.
    c.version = 0x04;
    c.send(0, 3, OPTIONS, &[]).await;
    assert_eq!(c.recv_some().await.opcode, SUPPORTED);
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

/// Deterministic pseudo-random bytes (xorshift32).
fn noise(seed: u32, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_input_never_panics_the_server() {
    let panicked = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = std::sync::Arc::clone(&panicked);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        flag.store(true, std::sync::atomic::Ordering::SeqCst);
        previous(info);
    }));
    let emu = Emulator::builder()
        .max_frame_size(64 * 1024)
        .start()
        .await
        .expect("start");
    // Opcodes whose handling stays in the transport (no statement execution).
    let opcodes = [STARTUP, OPTIONS, REGISTER, AUTH_RESPONSE, 0x04, 0x33];
    for seed in 0..300u32 {
        let body = noise(seed, (seed as usize * 37) % 3000);
        let bytes = match seed % 4 {
            // Pure garbage.
            0 => body,
            // A plausible header with a random body (lying or honest length).
            1 | 2 => {
                let version = if seed % 8 < 4 { 0x04 } else { 0x05 };
                let opcode = opcodes[(seed as usize / 4) % opcodes.len()];
                let len = if seed % 4 == 1 {
                    body.len() as u32
                } else {
                    seed * 7919
                };
                let mut f = vec![version, (seed % 32) as u8, 0, 1, opcode];
                f.extend(len.to_be_bytes());
                f.extend(&body);
                f
            }
            // A v5 handshake, then garbage where segments should be.
            _ => {
                let mut f = Vec::new();
                f.extend([0x05, 0, 0, 0, OPTIONS, 0, 0, 0, 0]);
                let startup = startup_body(if seed % 8 == 3 { Some("lz4") } else { None });
                f.extend([0x05, 0, 0, 1, STARTUP]);
                f.extend((startup.len() as u32).to_be_bytes());
                f.extend(startup);
                f.extend(body);
                f
            }
        };
        let mut socket = tokio::net::TcpStream::connect(emu.addr())
            .await
            .expect("connect");
        let _ = socket.write_all(&bytes).await;
        if seed % 10 == 0 {
            // Now and then wait for the server to finish with it.
            let mut sink = Vec::new();
            let _ = tokio::time::timeout(
                Duration::from_millis(500),
                tokio::io::AsyncReadExt::read_to_end(&mut socket, &mut sink),
            )
            .await;
        }
    }
    still_serves(&emu).await;
    tokio::time::timeout(TIMEOUT, emu.shutdown())
        .await
        .expect("shutdown");
    assert!(
        !panicked.load(std::sync::atomic::Ordering::SeqCst),
        "something panicked while handling random input (see the output above)"
    );
}

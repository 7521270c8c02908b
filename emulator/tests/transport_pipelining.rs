//! Many requests in flight on one connection: every one answered on its own stream, in
//! order, with responses batched into few writes (and shared v5 segments); frames larger than
//! a segment are reassembled.

mod transport_support;

use cassia_emulator::Emulator;
use transport_support::*;

async fn pipelined_options(version: u8, compression: Option<&str>) {
    let emu = Emulator::builder().start().await.expect("start");
    let mut c = RawClient::connect(emu.addr(), version).await;
    c.handshake(compression).await;
    let mut burst = Vec::new();
    for stream in 2..502i16 {
        burst.extend(c.encode(0, stream, OPTIONS, &[]));
    }
    c.send_raw(&burst).await;
    for stream in 2..502i16 {
        let f = c.recv_some().await;
        assert_eq!(
            (f.stream, f.opcode),
            (stream, SUPPORTED),
            "v{version} {compression:?}"
        );
    }
}

#[tokio::test]
async fn five_hundred_requests_in_one_write_v4() {
    pipelined_options(4, None).await;
    pipelined_options(4, Some("lz4")).await;
    pipelined_options(4, Some("snappy")).await;
}

#[tokio::test]
async fn five_hundred_requests_in_one_write_v5() {
    pipelined_options(5, None).await;
    pipelined_options(5, Some("lz4")).await;
}

#[tokio::test]
async fn v5_responses_share_segments() {
    let emu = Emulator::builder().start().await.expect("start");
    let mut c = RawClient::connect(emu.addr(), 5).await;
    c.handshake(None).await;
    let mut burst = Vec::new();
    for stream in 2..102i16 {
        burst.extend(c.encode(0, stream, OPTIONS, &[]));
    }
    c.send_raw(&burst).await;
    // 100 small SUPPORTED frames all fit in one segment; the server may split them across
    // a few writes, but must not spend one segment per frame.
    let mut streams = Vec::new();
    for _ in 0..100 {
        let f = c.recv_some().await;
        assert_eq!(f.opcode, SUPPORTED);
        streams.push(f.stream);
    }
    assert_eq!(streams, (2..102).collect::<Vec<i16>>());
    assert!(
        c.segments_read <= 5,
        "{} segments for 100 small frames",
        c.segments_read
    );
}

#[tokio::test]
async fn large_request_frames_cross_segments() {
    for (version, compression) in [(4u8, None), (4, Some("lz4")), (5, None), (5, Some("lz4"))] {
        let emu = Emulator::builder().start().await.expect("start");
        let mut c = RawClient::connect(emu.addr(), version).await;
        c.handshake(compression).await;
        // ~300 KB REGISTER: in v5 it needs three non-self-contained segments.
        let events = vec!["SCHEMA_CHANGE"; 20_000];
        c.send(0, 9, REGISTER, &string_list_body(&events)).await;
        let ready = c.recv_some().await;
        assert_eq!(
            (ready.stream, ready.opcode),
            (9, READY),
            "v{version} {compression:?}"
        );
        c.send(0, 10, OPTIONS, &[]).await;
        assert_eq!(c.recv_some().await.stream, 10);
    }
}

//! `FrameReader` tests: which frames of another version 4.0 answers without closing.

use bytes::BytesMut;
use cassia_protocol::envelope::RequestFrame;
use cassia_protocol::frame::{FrameFlags, ProtocolVersion};
use cassia_protocol::request::{Query, QueryParameters, Request};

use super::{BadInput, FrameReader};
use crate::server::DEFAULT_MAX_FRAME_SIZE;

const BOTH: [ProtocolVersion; 2] = [ProtocolVersion::V4, ProtocolVersion::V5];

/// A QUERY frame carrying version number `number` and `flags` (v4 body layout).
fn query(number: u8, flags: u8, stream: i16) -> Vec<u8> {
    let request = Request::Query(Query {
        query: "SELECT 1".to_owned(),
        params: QueryParameters::default(),
    });
    let mut frame = RequestFrame::new(stream, request)
        .encode(ProtocolVersion::V4)
        .expect("encodes");
    frame[0] = number;
    frame[1] |= flags;
    frame
}

/// A reader whose connection started in `number` (3 or 4).
fn started(number: u8) -> FrameReader {
    let mut reader = FrameReader::accepting(BOTH.to_vec(), DEFAULT_MAX_FRAME_SIZE);
    let mut input = BytesMut::from(&query(number, 0, 0)[..]);
    assert!(reader.next(&mut input).expect("accepted").is_some());
    reader.started(None);
    reader
}

fn refusal(reader: &mut FrameReader, bytes: &[u8]) -> BadInput {
    let mut input = BytesMut::from(bytes);
    let refused = reader.next(&mut input).expect_err("refused");
    assert!(input.is_empty(), "the refused frame is consumed");
    refused
}

fn accepts(reader: &mut FrameReader, bytes: &[u8]) {
    let mut input = BytesMut::from(bytes);
    assert!(reader.next(&mut input).expect("accepted").is_some());
}

#[test]
fn another_version_after_startup_is_refused_without_closing() {
    for (connection, other, label) in [
        (
            4,
            5,
            "Got 5/v5 but previous messages on this connection had version 4/v4",
        ),
        (
            4,
            3,
            "Got 3/v3 but previous messages on this connection had version 4/v4",
        ),
        (
            3,
            4,
            "Got 4/v4 but previous messages on this connection had version 3/v3",
        ),
        (
            3,
            5,
            "Got 5/v5 but previous messages on this connection had version 3/v3",
        ),
    ] {
        let mut reader = started(connection);
        let bad = refusal(&mut reader, &query(other, 0, 7));
        assert!(!bad.fatal, "{other} on {connection}");
        assert_eq!(bad.stream, 7);
        assert_eq!(
            bad.error.message,
            format!("Invalid message version. {label}")
        );
        // Answered in the connection's version (v3 goes out through the v4 codec).
        assert_eq!(bad.version, 4);
        accepts(&mut reader, &query(connection, 0, 8));
    }
}

#[test]
fn a_mismatched_frame_arriving_in_pieces_is_refused_once() {
    let mut reader = started(4);
    let frame = query(5, 0, 3);
    let mut input = BytesMut::from(&frame[..5]);
    assert!(reader.next(&mut input).expect("waits").is_none());
    input.extend_from_slice(&frame[5..]);
    let bad = reader.next(&mut input).expect_err("refused");
    assert!(
        bad.error.message.contains("Got 5/v5"),
        "{}",
        bad.error.message
    );
    accepts(&mut reader, &query(4, 0, 4));
}

#[test]
fn beta_frames_after_startup_need_use_beta() {
    let mut reader = started(4);
    let bad = refusal(&mut reader, &query(6, FrameFlags::USE_BETA, 2));
    assert!(!bad.fatal);
    assert!(bad.error.message.contains("Got 6/v6-beta"));
    // 4.0's `Envelope.Decoder` refuses the flags first, unwrapped: fatal.
    let mut input = BytesMut::from(&query(6, 0, 3)[..]);
    assert!(reader.next(&mut input).expect_err("refused").fatal);
}

#[test]
fn before_startup_each_frame_has_its_own_version() {
    // 4.0's `InitialConnectionHandler` compares nothing: STARTUP's version is the one kept.
    let mut reader = FrameReader::accepting(BOTH.to_vec(), DEFAULT_MAX_FRAME_SIZE);
    for (number, v3, beta) in [
        (3, true, false),
        (4, false, false),
        (6, false, true),
        (5, false, false),
    ] {
        let flags = if number == 6 { FrameFlags::USE_BETA } else { 0 };
        accepts(&mut reader, &query(number, flags, 1));
        assert_eq!((reader.is_v3(), reader.is_beta()), (v3, beta), "v{number}");
    }
    accepts(&mut reader, &query(3, 0, 2));
    reader.started(None);
    assert!(reader.is_v3());
    assert!(!refusal(&mut reader, &query(4, 0, 3)).fatal);
}

#[test]
fn frames_arriving_in_pieces_keep_their_version() {
    // A v3 frame's byte is rewritten for the codec: a second look must not take it for v4.
    let mut reader = started(3);
    let frame = query(3, 0, 5);
    let mut input = BytesMut::from(&frame[..3]);
    assert!(reader.next(&mut input).expect("waits").is_none());
    input.extend_from_slice(&frame[3..]);
    assert!(reader.next(&mut input).expect("accepted").is_some());
}

#[test]
fn versions_4_0_cannot_read_still_close() {
    for connection in [3, 4] {
        let mut reader = started(connection);
        let mut input = BytesMut::from(&query(7, 0, 2)[..]);
        let bad = reader.next(&mut input).expect_err("refused");
        assert!(bad.fatal, "v7 on v{connection}");
    }
}

#[test]
fn node_local_queries_are_read_with_one_in_its_place() {
    use cassia_protocol::consistency::Consistency;
    use cassia_protocol::frame::FrameHeader;

    // QUERY "SELECT 1" at consistency 0x000B, with and without a custom payload before it.
    for payload in [None, Some(&b"\x00\x01\x00\x01k\x00\x00\x00\x01v"[..])] {
        let mut body = payload.map(<[u8]>::to_vec).unwrap_or_default();
        body.extend_from_slice(b"\x00\x00\x00\x08SELECT 1\x00\x0b\x00");
        let mut frame = query(4, 0, 1);
        frame[1] |= if payload.is_some() {
            FrameFlags::CUSTOM_PAYLOAD
        } else {
            0
        };
        let header = FrameHeader::parse(frame.first_chunk().expect("header")).expect("parses");
        let frame = super::Frame {
            header,
            body: body.into(),
        };
        let decoded = frame.decode().expect("decodes");
        assert!(decoded.node_local);
        let Request::Query(q) = decoded.frame.request else {
            panic!("a query");
        };
        assert_eq!(q.params.consistency, Consistency::One);
    }
}

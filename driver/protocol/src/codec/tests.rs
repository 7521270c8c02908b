//! Codec tests: every mode round-trips through arbitrary chunking, and the byte vectors of
//! the wire-capture README come out exactly.

use bytes::BytesMut;

use super::*;
use crate::compression::Compression;
use crate::envelope::{RequestFrame, ResponseFrame};
use crate::frame::{Opcode, ProtocolVersion};
use crate::request::{Query, QueryParameters, Request};
use crate::response::Response;
use crate::segment::{MAX_PAYLOAD, encode_segment};

fn query_frame(stream: i16, text_len: usize) -> Vec<u8> {
    let q = Request::Query(Query {
        query: "x".repeat(text_len),
        params: QueryParameters::default(),
    });
    RequestFrame::new(stream, q)
        .encode(ProtocolVersion::V5)
        .expect("encodes")
}

/// Feeds `wire` in chunks of `step` bytes and collects every frame.
fn decode_chunked(decoder: &mut FrameDecoder, wire: &[u8], step: usize) -> Vec<Frame> {
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    for chunk in wire.chunks(step) {
        buf.extend_from_slice(chunk);
        while let Some(f) = decoder.decode(&mut buf).expect("valid stream") {
            frames.push(f);
        }
    }
    assert!(buf.is_empty(), "{} bytes left over", buf.len());
    frames
}

fn as_bytes(frame: &Frame) -> Vec<u8> {
    let mut out = frame.header.to_bytes().to_vec();
    out.extend_from_slice(&frame.body);
    out
}

#[test]
fn compressed_ready_frames_match_the_captures() {
    let ready = ResponseFrame::new(1, Response::Ready)
        .encode(ProtocolVersion::V4)
        .expect("encodes");
    for (compression, expected) in [
        (
            Compression::Lz4,
            &b"\x84\x01\x00\x01\x02\x00\x00\x00\x05\x00\x00\x00\x00\x00"[..],
        ),
        (
            Compression::Snappy,
            &b"\x84\x01\x00\x01\x02\x00\x00\x00\x01\x00"[..],
        ),
    ] {
        let mut enc = FrameEncoder::new();
        enc.set_compression(Some(compression));
        let mut out = BytesMut::new();
        enc.encode(&ready, &mut out).expect("encodes");
        assert_eq!(&out[..], expected);

        let mut dec = FrameDecoder::new();
        dec.set_compression(Some(compression));
        let frames = decode_chunked(&mut dec, expected, 1);
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0].header.opcode, Opcode::Ready);
        assert!(frames[0].body.is_empty());
    }
}

#[test]
fn plain_and_compressed_streams_round_trip_through_any_chunking() {
    let frames = [
        query_frame(0, 10),
        query_frame(1, 70_000),
        query_frame(2, 0),
    ];
    for compression in [None, Some(Compression::Lz4), Some(Compression::Snappy)] {
        let mut enc = FrameEncoder::new();
        enc.set_compression(compression);
        let mut wire = BytesMut::new();
        enc.encode_all(frames.iter().map(Vec::as_slice), &mut wire)
            .expect("encodes");
        for step in [1, 7, 4096, wire.len()] {
            let mut dec = FrameDecoder::new();
            dec.set_compression(compression);
            let got = decode_chunked(&mut dec, &wire, step);
            let bodies: Vec<_> = got.iter().map(|f| f.body.to_vec()).collect();
            let expected: Vec<_> = frames.iter().map(|f| f[9..].to_vec()).collect();
            assert_eq!(bodies, expected, "{compression:?} step {step}");
        }
    }
}

#[test]
fn segments_coalesce_small_frames_and_split_large_ones() {
    let small = [query_frame(0, 5), query_frame(1, 6)];
    let large = query_frame(2, 200_000);
    for lz4 in [false, true] {
        let mut enc = FrameEncoder::new();
        enc.use_segments(lz4);
        let mut wire = BytesMut::new();
        enc.encode_all(small.iter().map(Vec::as_slice), &mut wire)
            .expect("encodes");
        let hlen = if lz4 { 5 } else { 3 };
        let payload: usize = small.iter().map(Vec::len).sum();
        if !lz4 {
            assert_eq!(wire.len(), hlen + 3 + payload + 4, "one segment for both");
        }
        let coalesced = wire.len();
        enc.encode(&large, &mut wire).expect("encodes");
        if !lz4 {
            let split = wire.len() - coalesced;
            assert_eq!(split, 2 * (hlen + 3 + 4) + large.len(), "two segments");
            assert_eq!(&wire[coalesced..coalesced + 3], &[0xff, 0xff, 0x01]);
        }
        for step in [1, 1000, wire.len()] {
            let mut dec = FrameDecoder::new();
            dec.use_segments(lz4);
            let got = decode_chunked(&mut dec, &wire, step);
            let got: Vec<_> = got.iter().map(as_bytes).collect();
            assert_eq!(got, vec![small[0].clone(), small[1].clone(), large.clone()]);
        }
    }
}

#[test]
fn frame_cap_applies_to_headers_and_decompressed_bodies() {
    let frame = query_frame(0, 100);
    let mut dec = FrameDecoder::new();
    dec.set_max_frame_size(50);
    let mut buf = BytesMut::from(&frame[..9]);
    assert!(matches!(
        dec.decode(&mut buf),
        Err(FrameError::FrameTooLarge { max: 50, .. })
    ));

    let mut enc = FrameEncoder::new();
    enc.set_compression(Some(Compression::Lz4));
    let mut wire = BytesMut::new();
    enc.encode(&query_frame(0, 1000), &mut wire)
        .expect("encodes");
    let mut dec = FrameDecoder::new();
    dec.set_compression(Some(Compression::Lz4));
    dec.set_max_frame_size(200);
    assert!(matches!(
        dec.decode(&mut wire),
        Err(FrameError::FrameTooLarge { max: 200, .. })
    ));
}

#[test]
fn header_errors_are_typed() {
    let mut dec = FrameDecoder::new();
    let mut buf = BytesMut::from(&[0x06, 0, 0, 9, 0x05, 0, 0, 0, 0][..]);
    assert_eq!(
        dec.decode(&mut buf),
        Err(FrameError::BadVersion { byte: 6, stream: 9 })
    );
    let mut buf = BytesMut::from(&[0x04, 0, 0, 1, 0x44, 0, 0, 0, 0][..]);
    assert!(matches!(
        dec.decode(&mut buf),
        Err(FrameError::UnknownOpcode { opcode: 0x44, .. })
    ));
    let mut buf = BytesMut::from(&[0x84, 0x01, 0, 1, 0x02, 0, 0, 0, 1, 0][..]);
    assert_eq!(
        dec.decode(&mut buf),
        Err(FrameError::UnexpectedCompression { stream: 1 })
    );
    let mut enc = FrameEncoder::new();
    assert!(matches!(
        enc.encode(&[0x04, 0, 0, 1, 0x05, 0, 0, 0, 3], &mut BytesMut::new()),
        Err(FrameError::NotAFrame { .. })
    ));
}

#[test]
fn malformed_segment_contents_are_rejected() {
    let frame = query_frame(0, 10);
    // A self-contained segment that ends in the middle of a frame.
    let mut wire = BytesMut::new();
    encode_segment(&frame[..frame.len() - 1], true, false, &mut wire).expect("fits");
    let mut dec = FrameDecoder::new();
    dec.use_segments(false);
    assert!(matches!(
        dec.decode(&mut wire),
        Err(FrameError::MalformedSegment { .. })
    ));
    // Non-self-contained pieces that overrun their frame.
    let mut long = frame.clone();
    long.extend_from_slice(&[0; 3]);
    let mut wire = BytesMut::new();
    encode_segment(&long, false, false, &mut wire).expect("fits");
    let mut dec = FrameDecoder::new();
    dec.use_segments(false);
    assert!(matches!(
        dec.decode(&mut wire),
        Err(FrameError::MalformedSegment { .. })
    ));
    assert!(MAX_PAYLOAD > frame.len());
}

#[test]
fn contiguous_frames_encode_exactly_as_a_list_of_frames() {
    // Small frames that share segments, one that fills a segment boundary, one split over
    // several segments, then small ones again.
    let frames = [
        query_frame(0, 5),
        query_frame(1, 60_000),
        query_frame(2, 70_000),
        query_frame(3, 300_000),
        query_frame(4, 0),
        query_frame(5, 9),
    ];
    let queued: Vec<u8> = frames.concat();
    let modes: [fn(&mut FrameEncoder); 5] = [
        |_| {},
        |e| e.set_compression(Some(Compression::Lz4)),
        |e| e.set_compression(Some(Compression::Snappy)),
        |e| e.use_segments(false),
        |e| e.use_segments(true),
    ];
    for (i, mode) in modes.iter().enumerate() {
        let mut listed = FrameEncoder::new();
        mode(&mut listed);
        let mut expected = BytesMut::new();
        listed
            .encode_all(frames.iter().map(Vec::as_slice), &mut expected)
            .expect("encodes");
        let mut contiguous = FrameEncoder::new();
        mode(&mut contiguous);
        let mut got = BytesMut::new();
        contiguous
            .encode_contiguous(&queued, &mut got)
            .expect("encodes");
        assert_eq!(got, expected, "mode {i}");

        // A frame cut short is an error, never a panic or a partial frame taken as whole.
        for cut in [1, 9, queued.len() - 1] {
            let mut out = BytesMut::new();
            assert!(
                matches!(
                    contiguous.encode_contiguous(&queued[..cut], &mut out),
                    Err(FrameError::NotAFrame { .. })
                ),
                "mode {i}, cut at {cut}"
            );
        }
    }
}

#[test]
fn aliased_versions_are_rewritten_both_ways_in_every_mode() {
    // A server serving 4.0's v6 beta: v5 frames go out as v6 with USE_BETA, and v6 frames
    // come in as v5.
    let frames = [query_frame(0, 5), query_frame(1, 200_000)];
    for segments in [None, Some(false), Some(true)] {
        let mut enc = FrameEncoder::new();
        enc.write_version_as(ProtocolVersion::V5, 6, crate::frame::FrameFlags::USE_BETA);
        let mut dec = FrameDecoder::new();
        dec.read_version_as(6, ProtocolVersion::V5);
        if let Some(lz4) = segments {
            enc.use_segments(lz4);
            dec.use_segments(lz4);
        }
        let mut wire = BytesMut::new();
        enc.encode_all(frames.iter().map(Vec::as_slice), &mut wire)
            .expect("encodes");
        if segments.is_none() {
            assert_eq!(&wire[..2], &[6, 0x10]);
        }
        let got = decode_chunked(&mut dec, &wire, 4096);
        assert_eq!(got.len(), 2);
        for (frame, sent) in got.iter().zip(&frames) {
            assert_eq!(frame.header.version, ProtocolVersion::V5);
            assert!(
                frame
                    .header
                    .flags
                    .contains(crate::frame::FrameFlags::USE_BETA)
            );
            assert_eq!(frame.body, sent[crate::frame::HEADER_LEN..]);
        }
    }
}

#[test]
fn the_version_number_on_the_wire_is_kept_for_aliased_reads() {
    // A real v5 frame and an aliased v6 one both read as v5; the decoder still tells which
    // number each carried, in plain framing and in segments (self-contained or split).
    for segments in [None, Some(false)] {
        for text_len in [5, 200_000] {
            let frame = query_frame(1, text_len);
            let mut dec = FrameDecoder::new();
            dec.read_version_as(6, ProtocolVersion::V5);
            if let Some(lz4) = segments {
                dec.use_segments(lz4);
            }
            for number in [5, 6, 5] {
                let mut enc = FrameEncoder::new();
                if number == 6 {
                    enc.write_version_as(
                        ProtocolVersion::V5,
                        6,
                        crate::frame::FrameFlags::USE_BETA,
                    );
                }
                if let Some(lz4) = segments {
                    enc.use_segments(lz4);
                }
                let mut wire = BytesMut::new();
                enc.encode_all([frame.as_slice()], &mut wire)
                    .expect("encodes");
                let got = decode_chunked(&mut dec, &wire, 4096);
                assert_eq!(got.len(), 1);
                assert_eq!(got[0].header.version, ProtocolVersion::V5);
                assert_eq!(dec.last_version_number(), Some(number));
            }
        }
    }
}

#[test]
fn the_decoder_tells_which_frames_open_a_segment() {
    // Two small frames share one segment, a large one fills several, then a small one again.
    let small = query_frame(1, 5);
    let large = query_frame(2, 200_000);
    let mut enc = FrameEncoder::new();
    enc.use_segments(false);
    let mut wire = BytesMut::new();
    enc.encode_all([small.as_slice(), small.as_slice()], &mut wire)
        .expect("encodes");
    enc.encode_all([large.as_slice()], &mut wire)
        .expect("encodes");
    enc.encode_all([small.as_slice()], &mut wire)
        .expect("encodes");
    let mut dec = FrameDecoder::new();
    dec.use_segments(false);
    let mut buf = BytesMut::from(&wire[..]);
    let mut opened = Vec::new();
    while dec.decode(&mut buf).expect("valid stream").is_some() {
        opened.push(dec.last_frame_opened_segment());
    }
    assert_eq!(opened, [true, false, true, true]);
    // Plain framing has no segments: every frame stands alone.
    let mut plain = FrameDecoder::new();
    let mut buf = BytesMut::from(&small[..]);
    assert!(plain.decode(&mut buf).expect("valid").is_some());
    assert!(plain.last_frame_opened_segment());
}

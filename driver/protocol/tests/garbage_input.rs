//! Deterministic smoke test in the spirit of the fuzz targets (which need nightly): random
//! and bit-flipped input to the frame decoder and the message decoders must give frames or
//! typed errors, never a panic, and decoded messages must re-encode to the same value.

use bytes::BytesMut;
use cassia_protocol::codec::{FrameDecoder, FrameEncoder};
use cassia_protocol::compression::Compression;
use cassia_protocol::envelope::{RequestFrame, ResponseFrame};
use cassia_protocol::frame::{Direction, FrameHeader, HEADER_LEN, Opcode, ProtocolVersion};
use cassia_protocol::request::{Query, QueryParameters, RawValue, Request, SerializedValues};

struct Rng(u32);

impl Rng {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        self.next() as usize % n.max(1)
    }
}

fn sample_frames() -> Vec<Vec<u8>> {
    let mut values = SerializedValues::new();
    values.push(RawValue::Value(b"abc")).expect("fits");
    values.push(RawValue::Null).expect("fits");
    let q = Request::Query(Query {
        query: "SELECT * FROM t WHERE k = ?".into(),
        params: QueryParameters {
            values,
            page_size: Some(10),
            timestamp: Some(1),
            ..Default::default()
        },
    });
    [ProtocolVersion::V4, ProtocolVersion::V5]
        .into_iter()
        .map(|v| RequestFrame::new(1, q.clone()).encode(v).expect("encodes"))
        .collect()
}

/// Decodes a frame's message if it parses, and checks that it re-encodes consistently.
fn decode_message(frame: &[u8]) {
    let Some((head, body)) = frame.split_first_chunk::<HEADER_LEN>() else {
        return;
    };
    let Ok(header) = FrameHeader::parse(head) else {
        return;
    };
    match header.direction {
        Direction::Request => {
            if let Ok(f) = RequestFrame::decode(&header, body) {
                if let Ok(bytes) = f.encode(header.version) {
                    let (h, b) = bytes.split_first_chunk::<HEADER_LEN>().expect("header");
                    let h = FrameHeader::parse(h).expect("own header");
                    assert_eq!(RequestFrame::decode(&h, b).as_ref(), Ok(&f));
                }
            }
        }
        Direction::Response => {
            if let Ok(f) = ResponseFrame::decode(&header, body) {
                if let Ok(bytes) = f.encode(header.version) {
                    let (h, b) = bytes.split_first_chunk::<HEADER_LEN>().expect("header");
                    let h = FrameHeader::parse(h).expect("own header");
                    assert_eq!(ResponseFrame::decode(&h, b).as_ref(), Ok(&f));
                }
            }
        }
    }
}

#[test]
fn bit_flipped_frames_and_segments_never_panic() {
    let mut rng = Rng(0x1234_5678);
    let frames = sample_frames();
    let modes: [(Option<Compression>, Option<bool>); 5] = [
        (None, None),
        (Some(Compression::Lz4), None),
        (Some(Compression::Snappy), None),
        (None, Some(false)),
        (None, Some(true)),
    ];
    for (compression, segments) in modes {
        let mut enc = FrameEncoder::new();
        enc.set_compression(compression);
        if let Some(lz4) = segments {
            enc.use_segments(lz4);
        }
        let mut wire = BytesMut::new();
        enc.encode_all(frames.iter().map(Vec::as_slice), &mut wire)
            .expect("encodes");
        for _ in 0..3000 {
            let mut bytes = wire.to_vec();
            for _ in 0..=rng.below(3) {
                let i = rng.below(bytes.len());
                bytes[i] ^= 1 << rng.below(8);
            }
            bytes.truncate(bytes.len() - rng.below(4));
            let mut dec = FrameDecoder::new();
            dec.set_max_frame_size(1 << 16);
            dec.set_compression(compression);
            if let Some(lz4) = segments {
                dec.use_segments(lz4);
            }
            let mut buf = BytesMut::from(&bytes[..]);
            while let Ok(Some(f)) = dec.decode(&mut buf) {
                let mut whole = f.header.to_bytes().to_vec();
                whole.extend_from_slice(&f.body);
                decode_message(&whole);
            }
        }
    }
}

#[test]
fn random_bodies_for_every_opcode_never_panic() {
    let mut rng = Rng(0x9e37_79b9);
    let seed = &sample_frames()[1];
    for round in 0..20_000 {
        let len = rng.below(64);
        let mut body: Vec<u8> = if round % 2 == 0 {
            (0..len).map(|_| rng.next() as u8).collect()
        } else {
            let mut b = seed[HEADER_LEN..].to_vec();
            let i = rng.below(b.len());
            b[i] = rng.next() as u8;
            b
        };
        body.truncate(body.len().min(4096));
        let opcode = Opcode::from_code(rng.below(0x11) as u8).unwrap_or(Opcode::Query);
        let version = if rng.below(2) == 0 { 0x04 } else { 0x05 };
        let direction = if rng.below(2) == 0 { 0 } else { 0x80 };
        let len = u32::try_from(body.len()).expect("small");
        let mut frame = vec![
            version | direction,
            rng.below(16) as u8,
            0,
            1,
            opcode.code(),
        ];
        frame.extend_from_slice(&len.to_be_bytes());
        frame.extend_from_slice(&body);
        decode_message(&frame);
    }
}

//! Decodes arbitrary frames (header + body) as requests and responses in both versions.
//! Decoding must not panic, and whatever decodes must re-encode and decode to the same value.

#![no_main]

use cassia_protocol::envelope::{RequestFrame, ResponseFrame};
use cassia_protocol::frame::{Direction, FrameHeader, HEADER_LEN};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((head, body)) = data.split_first_chunk::<HEADER_LEN>() else {
        return;
    };
    let Ok(header) = FrameHeader::parse(head) else {
        return;
    };
    match header.direction {
        Direction::Request => {
            if let Ok(frame) = RequestFrame::decode(&header, body) {
                if let Ok(bytes) = frame.encode(header.version) {
                    let (h, b) = bytes.split_first_chunk::<HEADER_LEN>().expect("header");
                    let h = FrameHeader::parse(h).expect("own header parses");
                    assert_eq!(RequestFrame::decode(&h, b).as_ref(), Ok(&frame));
                }
            }
        }
        Direction::Response => {
            if let Ok(frame) = ResponseFrame::decode(&header, body) {
                if let Ok(bytes) = frame.encode(header.version) {
                    let (h, b) = bytes.split_first_chunk::<HEADER_LEN>().expect("header");
                    let h = FrameHeader::parse(h).expect("own header parses");
                    assert_eq!(ResponseFrame::decode(&h, b).as_ref(), Ok(&frame));
                }
            }
        }
    }
});

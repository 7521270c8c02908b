//! Feeds arbitrary bytes to `FrameDecoder` in every framing mode, in arbitrary chunks: it
//! must return frames or typed errors, never panic, and never allocate from a lying length
//! (the small frame cap turns any such attempt into `FrameTooLarge`).

#![no_main]

use bytes::BytesMut;
use cassia_protocol::codec::FrameDecoder;
use cassia_protocol::compression::Compression;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut decoder = FrameDecoder::new();
    decoder.set_max_frame_size(1 << 20);
    match mode % 5 {
        0 => {}
        1 => decoder.set_compression(Some(Compression::Lz4)),
        2 => decoder.set_compression(Some(Compression::Snappy)),
        3 => decoder.use_segments(false),
        _ => decoder.use_segments(true),
    }
    let step = usize::from(mode / 5).max(1);
    let mut buf = BytesMut::new();
    for chunk in rest.chunks(step) {
        buf.extend_from_slice(chunk);
        loop {
            match decoder.decode(&mut buf) {
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(_) => return,
            }
        }
    }
});

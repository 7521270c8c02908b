//! Frame-body compression of protocol v4 (negotiated with STARTUP's `COMPRESSION` option)
//! and the LZ4 block helpers v5 segments use.
//!
//! * LZ4 (v4): a 4-byte big-endian uncompressed length, then one raw LZ4 block.
//! * Snappy (v4 only): the Snappy raw format (varint length, then elements).
//!
//! Decompression checks the announced uncompressed length against a cap before
//! allocating, and checks that the block really produces that many bytes.

use bytes::BytesMut;

use crate::codec::FrameError;

/// A v4 body compression algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Compression {
    /// LZ4 block with a big-endian length prefix.
    Lz4,
    /// Snappy raw format.
    Snappy,
}

impl Compression {
    /// The name used in STARTUP's `COMPRESSION` option and in SUPPORTED.
    pub fn name(self) -> &'static str {
        match self {
            Compression::Lz4 => "lz4",
            Compression::Snappy => "snappy",
        }
    }

    /// The algorithm for a STARTUP option value (case-insensitive), or `None`.
    pub fn from_name(name: &str) -> Option<Self> {
        if name.eq_ignore_ascii_case("lz4") {
            Some(Compression::Lz4)
        } else if name.eq_ignore_ascii_case("snappy") {
            Some(Compression::Snappy)
        } else {
            None
        }
    }

    /// Compresses a whole v4 frame body.
    pub fn compress(self, body: &[u8]) -> Result<Vec<u8>, FrameError> {
        let mut out = BytesMut::new();
        self.compress_into(body, &mut out)?;
        Ok(out.into())
    }

    /// Appends the compressed form of a v4 frame body to `out` and returns its length:
    /// written in place, so a writer that reuses its buffer allocates no output per frame.
    pub fn compress_into(self, body: &[u8], out: &mut BytesMut) -> Result<usize, FrameError> {
        let start = out.len();
        let written = match self {
            Compression::Lz4 => {
                let len = u32::try_from(body.len()).map_err(|_| FrameError::Compression {
                    algorithm: "lz4",
                    detail: format!("body of {} bytes is too large", body.len()),
                })?;
                let bound = lz4_flex::block::get_maximum_output_size(body.len());
                out.extend_from_slice(&len.to_be_bytes());
                out.resize(start + 4 + bound, 0);
                let block = out.get_mut(start + 4..).unwrap_or_default();
                lz4_flex::block::compress_into(body, block)
                    .map(|n| n + 4)
                    .map_err(|e| FrameError::Compression {
                        algorithm: "lz4",
                        detail: e.to_string(),
                    })
            }
            Compression::Snappy => {
                out.resize(start + snap::raw::max_compress_len(body.len()), 0);
                let block = out.get_mut(start..).unwrap_or_default();
                snap::raw::Encoder::new()
                    .compress(body, block)
                    .map_err(|e| FrameError::Compression {
                        algorithm: "snappy",
                        detail: e.to_string(),
                    })
            }
        };
        match written {
            Ok(n) => {
                out.truncate(start + n);
                Ok(n)
            }
            Err(e) => {
                out.truncate(start);
                Err(e)
            }
        }
    }

    /// Decompresses a whole v4 frame body; fails with [`FrameError::FrameTooLarge`] if it
    /// would exceed `max` bytes.
    pub fn decompress(self, body: &[u8], max: usize) -> Result<Vec<u8>, FrameError> {
        match self {
            Compression::Lz4 => {
                let (len, block) = match body.split_first_chunk::<4>() {
                    Some((len, block)) => (u32::from_be_bytes(*len), block),
                    None => {
                        return Err(FrameError::Decompression {
                            algorithm: "lz4",
                            detail: "body shorter than its 4-byte length prefix".to_owned(),
                        });
                    }
                };
                lz4_block_decompress(block, len as usize, max)
            }
            Compression::Snappy => {
                let len = snap::raw::decompress_len(body).map_err(|e| snappy_error(&e))?;
                check_cap(len, max)?;
                // A Snappy element expands at most ~21x (a 3-byte copy of 64 bytes), so a
                // larger claim is a lie; refuse it before the decoder allocates.
                if len > body.len().saturating_mul(32).saturating_add(64) {
                    return Err(FrameError::Decompression {
                        algorithm: "snappy",
                        detail: format!("{len} bytes claimed from {} bytes", body.len()),
                    });
                }
                snap::raw::Decoder::new()
                    .decompress_vec(body)
                    .map_err(|e| snappy_error(&e))
            }
        }
    }
}

fn snappy_error(e: &snap::Error) -> FrameError {
    FrameError::Decompression {
        algorithm: "snappy",
        detail: e.to_string(),
    }
}

fn check_cap(len: usize, max: usize) -> Result<(), FrameError> {
    if len > max {
        return Err(FrameError::FrameTooLarge {
            length: len as u64,
            max,
        });
    }
    Ok(())
}

/// Decompresses one raw LZ4 block that must expand to exactly `len` bytes (at most `max`).
pub(crate) fn lz4_block_decompress(
    block: &[u8],
    len: usize,
    max: usize,
) -> Result<Vec<u8>, FrameError> {
    check_cap(len, max)?;
    // LZ4 expands at most 255x (plus a few literal bytes), so a larger claim is a lie;
    // refuse it before allocating.
    if len > block.len().saturating_mul(255).saturating_add(16) {
        return Err(FrameError::Decompression {
            algorithm: "lz4",
            detail: format!("{len} bytes claimed from a {}-byte block", block.len()),
        });
    }
    let mut out = vec![0; len];
    let written = lz4_flex::block::decompress_into(block, &mut out).map_err(|e| {
        FrameError::Decompression {
            algorithm: "lz4",
            detail: e.to_string(),
        }
    })?;
    if written != len {
        return Err(FrameError::Decompression {
            algorithm: "lz4",
            detail: format!("block expanded to {written} bytes, {len} announced"),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_bodies_match_the_captured_ready_frames() {
        // README: READY arrives as `00000000 00` (lz4) and `00` (snappy).
        assert_eq!(Compression::Lz4.compress(&[]), Ok(vec![0, 0, 0, 0, 0]));
        assert_eq!(Compression::Snappy.compress(&[]), Ok(vec![0]));
        assert_eq!(
            Compression::Lz4.decompress(&[0, 0, 0, 0, 0], 10),
            Ok(vec![])
        );
        assert_eq!(Compression::Snappy.decompress(&[0], 10), Ok(vec![]));
    }

    #[test]
    fn round_trips_and_caps() {
        let body: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
        for c in [Compression::Lz4, Compression::Snappy] {
            let packed = c.compress(&body).expect("compresses");
            assert!(packed.len() < body.len() / 4, "{c:?} shrinks a pattern");
            assert_eq!(c.decompress(&packed, body.len()), Ok(body.clone()));
            assert!(matches!(
                c.decompress(&packed, body.len() - 1),
                Err(FrameError::FrameTooLarge { length: 5000, .. })
            ));
        }
        assert_eq!(
            &Compression::Lz4.compress(&body).expect("ok")[..4],
            &[0, 0, 0x13, 0x88]
        );
    }

    #[test]
    fn lying_lengths_and_garbage_are_errors() {
        let mut packed = Compression::Lz4.compress(b"hello hello hello").expect("ok");
        packed[3] += 1;
        assert!(matches!(
            Compression::Lz4.decompress(&packed, 100),
            Err(FrameError::Decompression { .. })
        ));
        assert!(Compression::Lz4.decompress(&[0, 0], 100).is_err());
        // 1 MiB claimed from a 1-byte block: refused before allocating.
        assert!(matches!(
            Compression::Lz4.decompress(&[0, 0x10, 0, 0, 0], 1 << 24),
            Err(FrameError::Decompression { .. })
        ));
        assert!(
            Compression::Snappy
                .decompress(&[0xff, 0xff, 0xff], 1 << 20)
                .is_err()
        );
        assert_eq!(Compression::from_name("LZ4"), Some(Compression::Lz4));
        assert_eq!(Compression::from_name("zstd"), None);
    }
}

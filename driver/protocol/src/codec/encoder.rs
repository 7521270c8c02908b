//! [`FrameEncoder`]: turns encoded frames into bytes for the wire in the current framing
//! mode (plain, v4-compressed, or v5 segments).

use std::borrow::Cow;

use bytes::BytesMut;

use super::FrameError;
use crate::compression::Compression;
use crate::frame::{FrameFlags, FrameHeader, HEADER_LEN, ProtocolVersion};
use crate::segment::{MAX_PAYLOAD, encode_segment};

/// Writes frames (as produced by the [`envelope`](crate::envelope) encoders: header plus
/// uncompressed body) to an output buffer, with no I/O of its own.
///
/// Plain mode copies frames through. With v4 compression set, each body is compressed and
/// the header gets flag 0x01 and the compressed length (empty bodies too, as Cassandra does
/// for READY). In v5 segment mode, frames given to one [`encode_all`](Self::encode_all) call
/// share self-contained segments as far as they fit; a frame over 128 KiB is cut into
/// non-self-contained segments of at most 131 071 bytes.
#[derive(Debug, Default)]
pub struct FrameEncoder {
    compression: Option<Compression>,
    segments: Option<bool>,
    /// Frames of a version written with another version number and extra flags (see
    /// [`write_version_as`](Self::write_version_as)).
    alias: Option<Alias>,
}

/// How [`FrameEncoder::write_version_as`] rewrites frame headers.
#[derive(Debug, Clone, Copy)]
struct Alias {
    version: ProtocolVersion,
    wire: u8,
    flags: u8,
}

fn check_frame(frame: &[u8]) -> Result<FrameHeader, FrameError> {
    let head = frame
        .first_chunk::<HEADER_LEN>()
        .ok_or(FrameError::NotAFrame {
            detail: "shorter than a frame header",
        })?;
    let header = FrameHeader::parse(head)?;
    if header.length as usize != frame.len() - HEADER_LEN {
        return Err(FrameError::NotAFrame {
            detail: "header length differs from the body length",
        });
    }
    Ok(header)
}

/// The length (header included) of the whole frame at the start of `buf`, checking its
/// header.
fn next_frame_len(buf: &[u8]) -> Result<usize, FrameError> {
    let head = buf
        .first_chunk::<HEADER_LEN>()
        .ok_or(FrameError::NotAFrame {
            detail: "shorter than a frame header",
        })?;
    let header = FrameHeader::parse(head)?;
    let len = HEADER_LEN + header.length as usize;
    if len > buf.len() {
        return Err(FrameError::NotAFrame {
            detail: "header length exceeds the bytes given",
        });
    }
    Ok(len)
}

impl FrameEncoder {
    /// An encoder in plain, uncompressed framing.
    pub fn new() -> Self {
        FrameEncoder::default()
    }

    /// Sets v4 body compression.
    pub fn set_compression(&mut self, compression: Option<Compression>) {
        self.compression = compression;
    }

    /// Switches to v5 segments (LZ4-compressed segments if `lz4`).
    pub fn use_segments(&mut self, lz4: bool) {
        self.segments = Some(lz4);
    }

    /// Writes frames encoded as `version` with version number `wire` (direction bit kept)
    /// and `flags` added to their header flags, in plain framing and inside segments alike.
    ///
    /// A server uses it for Cassandra 4.0's v6 beta: replies are encoded as v5 and go out
    /// as v6 with the USE_BETA flag, as 4.0's `Message.encode` sends them.
    pub fn write_version_as(&mut self, version: ProtocolVersion, wire: u8, flags: u8) {
        self.alias = Some(Alias {
            version,
            wire: wire & 0x7f,
            flags,
        });
    }

    /// Stops rewriting versions (undoes [`write_version_as`](Self::write_version_as)).
    pub fn clear_version_alias(&mut self) {
        self.alias = None;
    }

    /// `frame` (whose checked `header` is given) with its header rewritten by the alias,
    /// if one applies.
    fn aliased<'a>(&self, header: &FrameHeader, frame: &'a [u8]) -> Cow<'a, [u8]> {
        let Some(alias) = self.alias.filter(|a| a.version == header.version) else {
            return Cow::Borrowed(frame);
        };
        let mut owned = frame.to_vec();
        if let Some(head) = owned.get_mut(..2) {
            head[0] = (head[0] & 0x80) | alias.wire;
            head[1] |= alias.flags;
        }
        Cow::Owned(owned)
    }

    /// Appends one frame.
    pub fn encode(&mut self, frame: &[u8], out: &mut BytesMut) -> Result<(), FrameError> {
        self.encode_all([frame], out)
    }

    /// Appends several frames, sharing segments between them in v5 mode.
    pub fn encode_all<'a, I>(&mut self, frames: I, out: &mut BytesMut) -> Result<(), FrameError>
    where
        I: IntoIterator<Item = &'a [u8]>,
    {
        let Some(lz4) = self.segments else {
            for frame in frames {
                self.encode_plain(frame, out)?;
            }
            return Ok(());
        };
        let mut pending: Vec<u8> = Vec::new();
        for frame in frames {
            let header = check_frame(frame)?;
            let frame = &*self.aliased(&header, frame);
            if frame.len() > MAX_PAYLOAD {
                if !pending.is_empty() {
                    encode_segment(&pending, true, lz4, out)?;
                    pending.clear();
                }
                for piece in frame.chunks(MAX_PAYLOAD) {
                    encode_segment(piece, false, lz4, out)?;
                }
                continue;
            }
            if pending.len() + frame.len() > MAX_PAYLOAD {
                encode_segment(&pending, true, lz4, out)?;
                pending.clear();
            }
            pending.extend_from_slice(frame);
        }
        if !pending.is_empty() {
            encode_segment(&pending, true, lz4, out)?;
        }
        Ok(())
    }

    /// Like [`encode_all`](Self::encode_all) for whole frames laid back to back in one
    /// buffer (a connection's queue): in v5 mode each run of frames that fits a segment is
    /// framed straight from `frames`, without being gathered into a scratch buffer first.
    /// Bytes that do not split into whole frames are an error.
    pub fn encode_contiguous(
        &mut self,
        frames: &[u8],
        out: &mut BytesMut,
    ) -> Result<(), FrameError> {
        if self.alias.is_some() {
            // Headers are rewritten frame by frame: no zero-copy path for aliased versions.
            let mut list = Vec::new();
            let mut rest = frames;
            while !rest.is_empty() {
                let (frame, tail) = rest.split_at(next_frame_len(rest)?);
                list.push(frame);
                rest = tail;
            }
            return self.encode_all(list, out);
        }
        let Some(lz4) = self.segments else {
            let mut rest = frames;
            while !rest.is_empty() {
                let (frame, tail) = rest.split_at(next_frame_len(rest)?);
                self.encode_plain(frame, out)?;
                rest = tail;
            }
            return Ok(());
        };
        // `run_start..pos` is the run of whole frames not yet framed.
        let (mut run_start, mut pos) = (0, 0);
        while pos < frames.len() {
            let len = next_frame_len(frames.get(pos..).unwrap_or_default())?;
            let run = frames.get(run_start..pos).unwrap_or_default();
            if len > MAX_PAYLOAD {
                if !run.is_empty() {
                    encode_segment(run, true, lz4, out)?;
                }
                for piece in frames
                    .get(pos..pos + len)
                    .unwrap_or_default()
                    .chunks(MAX_PAYLOAD)
                {
                    encode_segment(piece, false, lz4, out)?;
                }
                pos += len;
                run_start = pos;
                continue;
            }
            if pos - run_start + len > MAX_PAYLOAD {
                encode_segment(run, true, lz4, out)?;
                run_start = pos;
            }
            pos += len;
        }
        let run = frames.get(run_start..).unwrap_or_default();
        if !run.is_empty() {
            encode_segment(run, true, lz4, out)?;
        }
        Ok(())
    }

    fn encode_plain(&self, frame: &[u8], out: &mut BytesMut) -> Result<(), FrameError> {
        let header = check_frame(frame)?;
        let frame = &*self.aliased(&header, frame);
        let Some(compression) = self.compression else {
            out.extend_from_slice(frame);
            return Ok(());
        };
        // The header goes first with a placeholder length, the body is compressed in place
        // after it, then the header is written with the real length.
        let start = out.len();
        out.extend_from_slice(&[0; HEADER_LEN]);
        let compressed =
            compression.compress_into(frame.get(HEADER_LEN..).unwrap_or_default(), out);
        let length = compressed.and_then(|n| {
            u32::try_from(n).map_err(|_| FrameError::Compression {
                algorithm: compression.name(),
                detail: "compressed body exceeds 4 GiB".to_owned(),
            })
        });
        let length = match length {
            Ok(l) => l,
            Err(e) => {
                out.truncate(start);
                return Err(e);
            }
        };
        let mut flags = header.flags;
        flags.set(FrameFlags::COMPRESSION, true);
        let header = FrameHeader {
            flags,
            length,
            ..header
        };
        if let Some(slot) = out.get_mut(start..start + HEADER_LEN) {
            slot.copy_from_slice(&header.to_bytes());
            // The rewritten version and flags, if an alias applies.
            if let Some(head) = frame.get(..2) {
                slot[0] = head[0];
                slot[1] = head[1] | FrameFlags::COMPRESSION;
            }
        }
        Ok(())
    }
}

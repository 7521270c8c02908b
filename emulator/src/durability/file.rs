//! The journal file's format and its scan at start-up.
//!
//! `journal.log` = the 8-byte magic `CASSWAL1`, then frames
//! `[u32 payload length][u32 crc32 of payload][u32 crc32 of the previous 8 bytes][payload]`,
//! all big-endian. The header has its own checksum so a damaged length is recognised as
//! damage instead of sending the scan off to a wrong offset.
//!
//! A crash (even `kill -9` in the middle of a `write`) can only leave the file cut short:
//! every byte a finished `write` call handed to the kernel survives the process. So a bad
//! frame with nothing valid after it is a torn tail (an unacknowledged write): it is cut off
//! and reported. A bad frame followed by a valid one is damage to acknowledged data: start-up
//! stops with an error rather than silently dropping what follows.

use std::path::Path;

use super::DurabilityError;

/// File magic, also the format version.
pub(crate) const MAGIC: &[u8; 8] = b"CASSWAL1";

/// Bytes before each payload.
const HEADER: usize = 12;

/// Largest payload accepted (a larger length field is damage).
const MAX_PAYLOAD: usize = 512 * 1024 * 1024;

/// Why a frame is not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Damage {
    /// The file does not start with the journal magic.
    NotAJournal,
    /// The frame header's checksum does not match (or its length is absurd).
    Header,
    /// The payload's checksum does not match.
    Payload,
    /// The frame extends past the end of the file.
    Cut,
    /// The checksums match but the record does not decode (a format bug or a foreign file).
    Undecodable,
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Damage::NotAJournal => "not a cassia journal (bad magic)",
            Damage::Header => "frame header checksum mismatch",
            Damage::Payload => "payload checksum mismatch",
            Damage::Cut => "frame cut short",
            Damage::Undecodable => "record does not decode",
        })
    }
}

/// Appends one frame around `payload` to `out`.
pub(crate) fn put_frame(out: &mut Vec<u8>, payload: &[u8]) {
    let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
    let mut header = [0u8; HEADER];
    header[..4].copy_from_slice(&len.to_be_bytes());
    header[4..8].copy_from_slice(&crc32fast::hash(payload).to_be_bytes());
    let head_crc = crc32fast::hash(&header[..8]);
    header[8..].copy_from_slice(&head_crc.to_be_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(payload);
}

/// What a scan found.
#[derive(Debug)]
pub(crate) struct Scan<'a> {
    /// Payloads of the valid frames, with their file offsets.
    pub payloads: Vec<(u64, &'a [u8])>,
    /// Length of the valid prefix (where appends continue).
    pub valid_len: u64,
    /// A torn tail that must be cut: its offset, size and why it is invalid.
    pub torn: Option<(u64, u64, Damage)>,
}

/// Reads the frame at `at`: its payload and the offset after it, or why it is invalid.
fn frame_at(bytes: &[u8], at: usize) -> Result<(&[u8], usize), Damage> {
    let Some(header) = bytes.get(at..).and_then(|b| b.get(..HEADER)) else {
        return Err(Damage::Cut);
    };
    let word = |i: usize| {
        let mut w = [0u8; 4];
        w.copy_from_slice(header.get(i..i + 4).unwrap_or(&[0; 4]));
        u32::from_be_bytes(w)
    };
    if crc32fast::hash(header.get(..8).unwrap_or_default()) != word(8) {
        return Err(Damage::Header);
    }
    let len = usize::try_from(word(0)).map_err(|_| Damage::Header)?;
    if len > MAX_PAYLOAD {
        return Err(Damage::Header);
    }
    let start = at + HEADER;
    let Some(payload) = bytes.get(start..start + len) else {
        return Err(Damage::Cut);
    };
    if crc32fast::hash(payload) != word(4) {
        return Err(Damage::Payload);
    }
    Ok((payload, start + len))
}

/// Scans a whole journal file's bytes (`path` only names it in errors).
pub(crate) fn scan<'a>(path: &Path, bytes: &'a [u8]) -> Result<Scan<'a>, DurabilityError> {
    let corrupt = |offset: usize, damage: Damage| DurabilityError::Corrupt {
        path: path.to_owned(),
        offset: offset as u64,
        damage,
    };
    if bytes.len() < MAGIC.len() {
        // A file created by a crash before its magic was complete holds nothing.
        if MAGIC.starts_with(bytes) {
            return Ok(Scan {
                payloads: Vec::new(),
                valid_len: 0,
                torn: (!bytes.is_empty()).then_some((0, bytes.len() as u64, Damage::Cut)),
            });
        }
        return Err(corrupt(0, Damage::NotAJournal));
    }
    if !bytes.starts_with(MAGIC) {
        return Err(corrupt(0, Damage::NotAJournal));
    }
    let mut payloads = Vec::new();
    let mut at = MAGIC.len();
    while at < bytes.len() {
        match frame_at(bytes, at) {
            Ok((payload, next)) => {
                payloads.push((at as u64, payload));
                at = next;
            }
            Err(damage) => {
                // Valid data after the bad frame: not a tail a crash can leave.
                if (at + 1..bytes.len()).any(|later| frame_at(bytes, later).is_ok()) {
                    return Err(corrupt(at, damage));
                }
                return Ok(Scan {
                    payloads,
                    valid_len: at as u64,
                    torn: Some((at as u64, (bytes.len() - at) as u64, damage)),
                });
            }
        }
    }
    Ok(Scan {
        payloads,
        valid_len: at as u64,
        torn: None,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn journal(payloads: &[&[u8]]) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        for p in payloads {
            put_frame(&mut out, p);
        }
        out
    }

    #[test]
    fn a_clean_file_yields_every_payload() {
        let bytes = journal(&[b"one", b"", b"three"]);
        let scan = scan(Path::new("j"), &bytes).unwrap();
        let got: Vec<&[u8]> = scan.payloads.iter().map(|(_, p)| *p).collect();
        assert_eq!(got, vec![&b"one"[..], b"", b"three"]);
        assert_eq!(scan.valid_len, bytes.len() as u64);
        assert!(scan.torn.is_none());
    }

    #[test]
    fn every_cut_of_the_last_frame_is_a_torn_tail() {
        let whole = journal(&[b"first", b"second record"]);
        let keep = journal(&[b"first"]).len();
        for cut in keep + 1..whole.len() {
            let scan = scan(Path::new("j"), &whole[..cut]).unwrap();
            assert_eq!(scan.payloads.len(), 1, "cut at {cut}");
            assert_eq!(scan.valid_len, keep as u64);
            let (offset, size, _) = scan.torn.unwrap();
            assert_eq!((offset, size), (keep as u64, (cut - keep) as u64));
        }
        // So is garbage appended after valid frames, and a half-written magic.
        let mut junk = whole.clone();
        junk.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(scan(Path::new("j"), &junk).unwrap().payloads.len(), 2);
        assert_eq!(scan(Path::new("j"), b"CASS").unwrap().valid_len, 0);
    }

    #[test]
    fn damage_before_valid_frames_is_an_error_with_its_offset() {
        let mut bytes = journal(&[b"first", b"second", b"third"]);
        let second = journal(&[b"first"]).len();
        // Flip a payload byte of the second frame, then a header byte.
        for flip in [second + HEADER + 1, second + 2] {
            let mut bad = bytes.clone();
            bad[flip] ^= 0x40;
            match scan(Path::new("j"), &bad) {
                Err(DurabilityError::Corrupt { offset, damage, .. }) => {
                    assert_eq!(offset, second as u64);
                    assert!(matches!(damage, Damage::Payload | Damage::Header));
                }
                other => panic!("expected corruption, got {other:?}"),
            }
        }
        bytes[0] = b'X';
        assert!(matches!(
            scan(Path::new("j"), &bytes),
            Err(DurabilityError::Corrupt {
                damage: Damage::NotAJournal,
                ..
            })
        ));
    }
}

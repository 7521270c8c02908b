//! [`Cursor`]: a paging state in a form a web API can hand to its HTTP clients and take
//! back later — an opaque, URL-safe string (base64url without padding) bound to the
//! statement it came from.
//!
//! A bare paging state is only meaningful for the statement and values that produced it;
//! resumed with another query, Cassandra silently returns rows from the wrong place. So a
//! cursor also carries a short digest of the keyspace, statement text and bound values, and
//! the driver refuses ([`CursorError::OtherStatement`]) to resume a different statement with
//! it. A checksum over the whole cursor turns truncated or edited strings into
//! [`CursorError::Damaged`] instead of a server error or a wrong page.
//!
//! The cursor is opaque, not secret and not signed: anyone can decode it and read the
//! position (the last row's key), and a client that knows the format can forge one for the
//! same statement. Encrypt or sign it in the application when that matters.
//!
//! Layout before encoding: format version (1 byte), statement digest (8 bytes), the server's
//! paging state, checksum (4 bytes).

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cassia_protocol::request::SerializedValues;
use sha2::{Digest, Sha256};

use crate::statement::PagingState;

/// The only layout so far; a new one gets a new number so old cursors fail clearly.
const FORMAT: u8 = 1;
/// Bytes of the statement digest: enough that two statements of one application collide
/// with negligible probability (it is not meant to resist forgery).
const DIGEST_LEN: usize = 8;
/// Bytes of the checksum.
const CHECK_LEN: usize = 4;

/// The statement a cursor belongs to: a truncated SHA-256 of its keyspace, text and values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct StatementDigest([u8; DIGEST_LEN]);

impl StatementDigest {
    /// Digest of a statement run in `keyspace` with `cql` and `values`. Every part is length
    /// prefixed, so different splits of the same bytes give different digests.
    pub(crate) fn of(keyspace: Option<&str>, cql: &str, values: &SerializedValues) -> Self {
        let mut h = Sha256::new();
        h.update(b"cassia-cursor\0");
        match keyspace {
            None => h.update([0]),
            Some(ks) => {
                h.update([1]);
                h.update((ks.len() as u64).to_be_bytes());
                h.update(ks.as_bytes());
            }
        }
        h.update((cql.len() as u64).to_be_bytes());
        h.update(cql.as_bytes());
        h.update([u8::from(values.named)]);
        h.update(values.count.to_be_bytes());
        h.update((values.bytes.len() as u64).to_be_bytes());
        h.update(&values.bytes);
        let full = h.finalize();
        let mut out = [0; DIGEST_LEN];
        out.copy_from_slice(&full[..DIGEST_LEN]);
        StatementDigest(out)
    }
}

/// Where the next page of a result starts, as an opaque URL-safe string for web clients.
///
/// Get one from [`Session::query_page`](crate::Session::query_page) or
/// [`Session::execute_page`](crate::Session::execute_page), send it to the client with
/// [`Display`](fmt::Display) (`to_string()`), and read it back with [`Cursor::parse`] (or
/// `str::parse`). It only resumes the statement, keyspace and values it came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cursor {
    statement: StatementDigest,
    state: PagingState,
}

impl Cursor {
    pub(crate) fn new(statement: StatementDigest, state: PagingState) -> Self {
        Cursor { statement, state }
    }

    /// Reads a cursor made by [`Display`](fmt::Display). Anything else — not base64url, too
    /// short, an unknown format, a changed character — is an error, never a panic.
    pub fn parse(text: &str) -> Result<Cursor, CursorError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| CursorError::Malformed {
                reason: "not base64url text",
            })?;
        let Some((body, check)) = bytes.split_last_chunk::<CHECK_LEN>() else {
            return Err(CursorError::Malformed {
                reason: "too short",
            });
        };
        if *check != checksum(body) {
            return Err(CursorError::Damaged);
        }
        let Some((&format, rest)) = body.split_first() else {
            return Err(CursorError::Malformed {
                reason: "too short",
            });
        };
        if format != FORMAT {
            return Err(CursorError::Malformed {
                reason: "unknown cursor format",
            });
        }
        let Some((digest, state)) = rest.split_first_chunk::<DIGEST_LEN>() else {
            return Err(CursorError::Malformed {
                reason: "too short",
            });
        };
        if state.is_empty() {
            return Err(CursorError::Malformed {
                reason: "no paging state",
            });
        }
        Ok(Cursor {
            statement: StatementDigest(*digest),
            state: PagingState::from_bytes(state.to_vec()),
        })
    }

    /// The paging state, if this cursor belongs to the statement with digest `expected`;
    /// `statement` is its excerpt for the error.
    pub(crate) fn state_for(
        &self,
        expected: StatementDigest,
        statement: &Arc<str>,
    ) -> Result<&PagingState, CursorError> {
        if self.statement == expected {
            Ok(&self.state)
        } else {
            Err(CursorError::OtherStatement {
                statement: statement.clone(),
            })
        }
    }

    fn to_bytes(&self) -> Vec<u8> {
        let state = self.state.as_bytes();
        let mut out = Vec::with_capacity(1 + DIGEST_LEN + state.len() + CHECK_LEN);
        out.push(FORMAT);
        out.extend_from_slice(&self.statement.0);
        out.extend_from_slice(state);
        let check = checksum(&out);
        out.extend_from_slice(&check);
        out
    }
}

fn checksum(body: &[u8]) -> [u8; CHECK_LEN] {
    let full = Sha256::digest(body);
    let mut out = [0; CHECK_LEN];
    out.copy_from_slice(&full[..CHECK_LEN]);
    out
}

/// The URL-safe text form (base64url, no padding), read back by [`Cursor::parse`].
impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&URL_SAFE_NO_PAD.encode(self.to_bytes()))
    }
}

impl FromStr for Cursor {
    type Err = CursorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Cursor::parse(s)
    }
}

/// A cursor string could not be used. Each case is the client's doing (a web API answers
/// it with 400 Bad Request), never the server's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CursorError {
    /// The text is not a cursor at all.
    #[error("invalid cursor: {reason}")]
    Malformed {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The text has the shape of a cursor but was altered or cut (its checksum fails).
    #[error("invalid cursor: it was altered or truncated")]
    Damaged,
    /// The cursor came from another statement, keyspace or set of values.
    #[error("the cursor belongs to another query, not to \"{statement}\" with these values")]
    OtherStatement {
        /// Excerpt of the statement it was used with.
        statement: Arc<str>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(v: &[u8]) -> SerializedValues {
        SerializedValues {
            count: 1,
            named: false,
            bytes: v.to_vec(),
        }
    }

    fn cursor() -> Cursor {
        let digest = StatementDigest::of(Some("ks"), "SELECT * FROM t", &values(b"\0\0\0\x01a"));
        Cursor::new(digest, PagingState::from_bytes(vec![1, 2, 3, 250, 251]))
    }

    #[test]
    fn text_round_trips_and_is_url_safe() {
        let c = cursor();
        let text = c.to_string();
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "{text}"
        );
        assert_eq!(Cursor::parse(&text), Ok(c.clone()));
        assert_eq!(text.parse::<Cursor>(), Ok(c));
    }

    #[test]
    fn digest_covers_keyspace_text_and_values() {
        let v = values(b"\0\0\0\x01a");
        let base = StatementDigest::of(Some("ks"), "SELECT * FROM t", &v);
        assert_eq!(base, StatementDigest::of(Some("ks"), "SELECT * FROM t", &v));
        assert_ne!(base, StatementDigest::of(None, "SELECT * FROM t", &v));
        assert_ne!(
            base,
            StatementDigest::of(Some("ks2"), "SELECT * FROM t", &v)
        );
        assert_ne!(base, StatementDigest::of(Some("ks"), "SELECT * FROM u", &v));
        let other = values(b"\0\0\0\x01b");
        assert_ne!(
            base,
            StatementDigest::of(Some("ks"), "SELECT * FROM t", &other)
        );
        // Moving bytes between the keyspace and the text changes the digest too.
        assert_ne!(
            StatementDigest::of(Some("ab"), "c", &v),
            StatementDigest::of(Some("a"), "bc", &v)
        );
    }

    #[test]
    fn another_statement_is_refused() {
        let c = cursor();
        let excerpt: Arc<str> = Arc::from("SELECT * FROM u");
        let other = StatementDigest::of(Some("ks"), "SELECT * FROM u", &SerializedValues::new());
        let err = c.state_for(other, &excerpt).expect_err("other statement");
        assert_eq!(
            err.to_string(),
            "the cursor belongs to another query, not to \"SELECT * FROM u\" with these values"
        );
        assert_eq!(c.state_for(c.statement, &excerpt), Ok(&c.state));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for text in ["", "!", "a", "not a cursor", "AAAA", "____________", "é"] {
            assert!(Cursor::parse(text).is_err(), "{text:?}");
        }
        assert_eq!(
            Cursor::parse("not a cursor"),
            Err(CursorError::Malformed {
                reason: "not base64url text"
            })
        );
    }

    #[test]
    fn every_altered_or_cut_cursor_is_refused() {
        let text = cursor().to_string();
        let alphabet: Vec<char> =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                .chars()
                .collect();
        for i in 0..text.len() {
            for &c in alphabet.iter().step_by(7) {
                let mut altered: Vec<char> = text.chars().collect();
                if altered[i] == c {
                    continue;
                }
                altered[i] = c;
                let altered: String = altered.into_iter().collect();
                // The last character may carry only padding bits: decoding then fails
                // (non-canonical) or yields the same bytes; never a different cursor.
                if let Ok(c) = Cursor::parse(&altered) {
                    assert_eq!(c, cursor(), "{altered}");
                }
            }
            assert!(Cursor::parse(&text[..i]).is_err(), "prefix of {i} chars");
        }
    }

    #[test]
    fn unknown_format_and_empty_state_are_refused() {
        let mut bytes = cursor().to_bytes();
        bytes[0] = 9;
        let len = bytes.len();
        let check = checksum(&bytes[..len - CHECK_LEN]);
        bytes[len - CHECK_LEN..].copy_from_slice(&check);
        assert_eq!(
            Cursor::parse(&URL_SAFE_NO_PAD.encode(&bytes)),
            Err(CursorError::Malformed {
                reason: "unknown cursor format"
            })
        );
        let mut empty = vec![FORMAT];
        empty.extend_from_slice(&[0; DIGEST_LEN]);
        let check = checksum(&empty);
        empty.extend_from_slice(&check);
        assert_eq!(
            Cursor::parse(&URL_SAFE_NO_PAD.encode(&empty)),
            Err(CursorError::Malformed {
                reason: "no paging state"
            })
        );
    }
}

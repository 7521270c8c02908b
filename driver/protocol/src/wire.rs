//! The protocol's primitive notations (`[int]`, `[string]`, `[bytes]`, `[value]`, ...):
//! a bounds-checked reader over a byte slice and writer functions over `Vec<u8>`.
//!
//! Every read checks the remaining length first, so a truncated or lying body becomes a
//! [`DecodeError`] and never a panic.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::request::RawValue;

/// Why a message or value could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input ended before a field was complete.
    #[error("truncated input: {what} needs {needed} bytes but only {available} remain")]
    Truncated {
        /// Field being read.
        what: &'static str,
        /// Bytes needed.
        needed: usize,
        /// Bytes left.
        available: usize,
    },
    /// A length field was negative where that is not allowed, or absurd.
    #[error("invalid length {length} for {what}")]
    InvalidLength {
        /// Field being read.
        what: &'static str,
        /// The length read.
        length: i64,
    },
    /// Text that is not valid UTF-8 (or not ASCII for `ascii`).
    #[error("invalid {what}: not valid UTF-8")]
    InvalidUtf8 {
        /// Field being read.
        what: &'static str,
    },
    /// A field held a value outside its domain (unknown code, bad flag, ...).
    #[error("invalid {what}: {detail}")]
    Invalid {
        /// Field being read.
        what: &'static str,
        /// Explanation.
        detail: String,
    },
    /// Bytes were left over after a body or value was fully decoded.
    #[error("{what}: {remaining} unexpected trailing bytes")]
    TrailingBytes {
        /// What was decoded.
        what: &'static str,
        /// Leftover count.
        remaining: usize,
    },
    /// A body broke a rule that Cassandra's server checks while decoding it, with the message
    /// Cassandra answers it with (a protocol error on the request's stream). Only the
    /// server-side `decode_lenient` entry points report it.
    #[error("{message}")]
    Protocol {
        /// Cassandra's message, e.g. `Unknown code 66 for a consistency level`.
        message: String,
    },
}

/// A decoded `[bytes map]`: entries in wire order, `None` for a null value.
pub type BytesMap = Vec<(String, Option<Vec<u8>>)>;

/// A cursor over a byte slice with checked reads of the protocol's notations.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf }
    }

    /// Bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.buf.len()
    }

    /// The unread bytes.
    pub fn rest(&self) -> &'a [u8] {
        self.buf
    }

    /// Fails with [`DecodeError::TrailingBytes`] unless everything was read.
    pub fn finish(&self, what: &'static str) -> Result<(), DecodeError> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::TrailingBytes {
                what,
                remaining: self.buf.len(),
            })
        }
    }

    /// Takes `n` raw bytes.
    pub fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], DecodeError> {
        if self.buf.len() < n {
            return Err(DecodeError::Truncated {
                what,
                needed: n,
                available: self.buf.len(),
            });
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], DecodeError> {
        let bytes = self.take(N, what)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    /// `[byte]`.
    pub fn u8(&mut self, what: &'static str) -> Result<u8, DecodeError> {
        Ok(self.array::<1>(what)?[0])
    }

    /// `[short]` (unsigned 16 bits).
    pub fn u16(&mut self, what: &'static str) -> Result<u16, DecodeError> {
        Ok(u16::from_be_bytes(self.array(what)?))
    }

    /// `[int]`.
    pub fn i32(&mut self, what: &'static str) -> Result<i32, DecodeError> {
        Ok(i32::from_be_bytes(self.array(what)?))
    }

    /// Unsigned 32 bits (query flags in v5).
    pub fn u32(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.array(what)?))
    }

    /// `[long]`.
    pub fn i64(&mut self, what: &'static str) -> Result<i64, DecodeError> {
        Ok(i64::from_be_bytes(self.array(what)?))
    }

    /// `[string]`: `[short]` length then UTF-8.
    pub fn string(&mut self, what: &'static str) -> Result<&'a str, DecodeError> {
        let len = self.u16(what)? as usize;
        let bytes = self.take(len, what)?;
        std::str::from_utf8(bytes).map_err(|_| DecodeError::InvalidUtf8 { what })
    }

    /// `[long string]`: `[int]` length then UTF-8.
    pub fn long_string(&mut self, what: &'static str) -> Result<&'a str, DecodeError> {
        let len = self.i32(what)?;
        if len < 0 {
            return Err(DecodeError::InvalidLength {
                what,
                length: len.into(),
            });
        }
        let bytes = self.take(len as usize, what)?;
        std::str::from_utf8(bytes).map_err(|_| DecodeError::InvalidUtf8 { what })
    }

    /// `[uuid]`: 16 bytes.
    pub fn uuid(&mut self, what: &'static str) -> Result<uuid::Uuid, DecodeError> {
        Ok(uuid::Uuid::from_bytes(self.array(what)?))
    }

    /// `[string list]`.
    pub fn string_list(&mut self, what: &'static str) -> Result<Vec<String>, DecodeError> {
        let n = self.u16(what)? as usize;
        let mut out = Vec::with_capacity(n.min(self.remaining() / 2));
        for _ in 0..n {
            out.push(self.string(what)?.to_owned());
        }
        Ok(out)
    }

    /// `[bytes]`: `[int]` length then bytes; a negative length is `None` (null).
    pub fn bytes(&mut self, what: &'static str) -> Result<Option<&'a [u8]>, DecodeError> {
        let len = self.i32(what)?;
        if len < 0 {
            return Ok(None);
        }
        self.take(len as usize, what).map(Some)
    }

    /// `[value]`: like `[bytes]` but -1 is null and -2 is unset; other negatives are errors.
    pub fn value(&mut self, what: &'static str) -> Result<RawValue<'a>, DecodeError> {
        match self.i32(what)? {
            -1 => Ok(RawValue::Null),
            -2 => Ok(RawValue::Unset),
            len if len < 0 => Err(DecodeError::InvalidLength {
                what,
                length: len.into(),
            }),
            len => self.take(len as usize, what).map(RawValue::Value),
        }
    }

    /// `[short bytes]`.
    pub fn short_bytes(&mut self, what: &'static str) -> Result<&'a [u8], DecodeError> {
        let len = self.u16(what)? as usize;
        self.take(len, what)
    }

    /// `[inetaddr]`: one byte of size (4 or 16) then the address.
    pub fn inetaddr(&mut self, what: &'static str) -> Result<IpAddr, DecodeError> {
        match self.u8(what)? {
            4 => Ok(IpAddr::V4(Ipv4Addr::from(self.array::<4>(what)?))),
            16 => Ok(IpAddr::V6(Ipv6Addr::from(self.array::<16>(what)?))),
            n => Err(DecodeError::Invalid {
                what,
                detail: format!("address length {n} (expected 4 or 16)"),
            }),
        }
    }

    /// `[inet]`: `[inetaddr]` then an `[int]` port.
    pub fn inet(&mut self, what: &'static str) -> Result<SocketAddr, DecodeError> {
        let ip = self.inetaddr(what)?;
        let port = self.i32(what)?;
        let port = u16::try_from(port).map_err(|_| DecodeError::Invalid {
            what,
            detail: format!("port {port}"),
        })?;
        Ok(SocketAddr::new(ip, port))
    }

    /// `[string map]`, in wire order.
    pub fn string_map(&mut self, what: &'static str) -> Result<Vec<(String, String)>, DecodeError> {
        let n = self.u16(what)? as usize;
        let mut out = Vec::with_capacity(n.min(self.remaining() / 4));
        for _ in 0..n {
            let k = self.string(what)?.to_owned();
            let v = self.string(what)?.to_owned();
            out.push((k, v));
        }
        Ok(out)
    }

    /// `[string multimap]`, in wire order.
    pub fn string_multimap(
        &mut self,
        what: &'static str,
    ) -> Result<Vec<(String, Vec<String>)>, DecodeError> {
        let n = self.u16(what)? as usize;
        let mut out = Vec::with_capacity(n.min(self.remaining() / 4));
        for _ in 0..n {
            let k = self.string(what)?.to_owned();
            let v = self.string_list(what)?;
            out.push((k, v));
        }
        Ok(out)
    }

    /// `[bytes map]`, in wire order.
    pub fn bytes_map(&mut self, what: &'static str) -> Result<BytesMap, DecodeError> {
        let n = self.u16(what)? as usize;
        let mut out = Vec::with_capacity(n.min(self.remaining() / 6));
        for _ in 0..n {
            let k = self.string(what)?.to_owned();
            let v = self.bytes(what)?.map(<[u8]>::to_vec);
            out.push((k, v));
        }
        Ok(out)
    }
}

/// Appends a `[short]`.
pub fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// Appends an `[int]`.
pub fn put_i32(out: &mut Vec<u8>, v: i32) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// Appends a `[long]`.
pub fn put_i64(out: &mut Vec<u8>, v: i64) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// Converts a length to the protocol's `[short]` or `[int]` range, or reports what overflowed.
fn checked_len<T: TryFrom<usize>>(len: usize, what: &'static str) -> Result<T, EncodeError> {
    T::try_from(len).map_err(|_| EncodeError::TooLong { what, length: len })
}

/// Why something could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// A length does not fit its length prefix.
    #[error("{what} is too long for the protocol: {length} bytes/items")]
    TooLong {
        /// Field.
        what: &'static str,
        /// Length.
        length: usize,
    },
    /// The message cannot be expressed in the negotiated protocol version.
    #[error("{what} is not supported by protocol v{version}")]
    Unsupported {
        /// Feature.
        what: &'static str,
        /// Version number.
        version: u8,
    },
    /// The message's fields contradict each other (e.g. named and positional values mixed).
    #[error("invalid {what}: {detail}")]
    Invalid {
        /// Field or message.
        what: &'static str,
        /// Explanation.
        detail: String,
    },
}

/// Appends a `[string]`.
pub fn put_string(out: &mut Vec<u8>, s: &str, what: &'static str) -> Result<(), EncodeError> {
    put_u16(out, checked_len(s.len(), what)?);
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

/// Appends a `[long string]`.
pub fn put_long_string(out: &mut Vec<u8>, s: &str, what: &'static str) -> Result<(), EncodeError> {
    put_i32(out, checked_len(s.len(), what)?);
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

/// Appends a `[string list]`.
pub fn put_string_list<S: AsRef<str>>(
    out: &mut Vec<u8>,
    items: &[S],
    what: &'static str,
) -> Result<(), EncodeError> {
    put_u16(out, checked_len(items.len(), what)?);
    for s in items {
        put_string(out, s.as_ref(), what)?;
    }
    Ok(())
}

/// Appends `[bytes]` (`None` is null, length -1).
pub fn put_bytes(
    out: &mut Vec<u8>,
    b: Option<&[u8]>,
    what: &'static str,
) -> Result<(), EncodeError> {
    match b {
        None => put_i32(out, -1),
        Some(b) => {
            put_i32(out, checked_len(b.len(), what)?);
            out.extend_from_slice(b);
        }
    }
    Ok(())
}

/// Appends a `[value]`.
pub fn put_value(
    out: &mut Vec<u8>,
    v: RawValue<'_>,
    what: &'static str,
) -> Result<(), EncodeError> {
    match v {
        RawValue::Null => put_i32(out, -1),
        RawValue::Unset => put_i32(out, -2),
        RawValue::Value(b) => put_bytes(out, Some(b), what)?,
    }
    Ok(())
}

/// Appends `[short bytes]`.
pub fn put_short_bytes(out: &mut Vec<u8>, b: &[u8], what: &'static str) -> Result<(), EncodeError> {
    put_u16(out, checked_len(b.len(), what)?);
    out.extend_from_slice(b);
    Ok(())
}

/// Appends an `[inetaddr]`.
pub fn put_inetaddr(out: &mut Vec<u8>, ip: IpAddr) {
    match ip {
        IpAddr::V4(v4) => {
            out.push(4);
            out.extend_from_slice(&v4.octets());
        }
        IpAddr::V6(v6) => {
            out.push(16);
            out.extend_from_slice(&v6.octets());
        }
    }
}

/// Appends an `[inet]`.
pub fn put_inet(out: &mut Vec<u8>, addr: SocketAddr) {
    put_inetaddr(out, addr.ip());
    put_i32(out, i32::from(addr.port()));
}

/// Appends a `[string map]`.
pub fn put_string_map<K: AsRef<str>, V: AsRef<str>>(
    out: &mut Vec<u8>,
    entries: &[(K, V)],
    what: &'static str,
) -> Result<(), EncodeError> {
    put_u16(out, checked_len(entries.len(), what)?);
    for (k, v) in entries {
        put_string(out, k.as_ref(), what)?;
        put_string(out, v.as_ref(), what)?;
    }
    Ok(())
}

/// Appends a `[string multimap]`.
pub fn put_string_multimap<K: AsRef<str>, V: AsRef<str>>(
    out: &mut Vec<u8>,
    entries: &[(K, Vec<V>)],
    what: &'static str,
) -> Result<(), EncodeError> {
    put_u16(out, checked_len(entries.len(), what)?);
    for (k, v) in entries {
        put_string(out, k.as_ref(), what)?;
        put_string_list(out, v, what)?;
    }
    Ok(())
}

/// Appends a `[bytes map]`.
pub fn put_bytes_map<K: AsRef<str>, V: AsRef<[u8]>>(
    out: &mut Vec<u8>,
    entries: &[(K, Option<V>)],
    what: &'static str,
) -> Result<(), EncodeError> {
    put_u16(out, checked_len(entries.len(), what)?);
    for (k, v) in entries {
        put_string(out, k.as_ref(), what)?;
        put_bytes(out, v.as_ref().map(AsRef::as_ref), what)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_round_trip_and_truncation() {
        let mut out = Vec::new();
        put_string(&mut out, "héllo", "s").expect("short string fits");
        assert_eq!(&out[..2], &[0, 6]);
        let mut r = Reader::new(&out);
        assert_eq!(r.string("s"), Ok("héllo"));
        r.finish("s").expect("fully consumed");

        let mut r = Reader::new(&out[..4]);
        assert_eq!(
            r.string("s"),
            Err(DecodeError::Truncated {
                what: "s",
                needed: 6,
                available: 2
            })
        );
    }

    #[test]
    fn value_distinguishes_null_unset_and_rejects_other_negatives() {
        let mut out = Vec::new();
        put_value(&mut out, RawValue::Null, "v").expect("fits");
        put_value(&mut out, RawValue::Unset, "v").expect("fits");
        put_value(&mut out, RawValue::Value(b""), "v").expect("fits");
        put_i32(&mut out, -3);
        let mut r = Reader::new(&out);
        assert_eq!(r.value("v"), Ok(RawValue::Null));
        assert_eq!(r.value("v"), Ok(RawValue::Unset));
        assert_eq!(r.value("v"), Ok(RawValue::Value(b"")));
        assert!(matches!(
            r.value("v"),
            Err(DecodeError::InvalidLength { length: -3, .. })
        ));
    }

    #[test]
    fn inet_round_trip() {
        let addr: SocketAddr = "[::1]:9042".parse().expect("valid literal");
        let mut out = Vec::new();
        put_inet(&mut out, addr);
        assert_eq!(out.len(), 1 + 16 + 4);
        assert_eq!(Reader::new(&out).inet("a"), Ok(addr));
    }
}

//! Building and reading [`SerializedValues`]: the bound values of QUERY, EXECUTE and BATCH
//! statements, kept as their wire bytes.
//!
//! Builders check every length as it is pushed, so an encoded message never carries a
//! value whose length prefix lies. Readers check every length again, because values
//! decoded from the network (emulator side) are untrusted.

use super::{RawValue, SerializedValues};
use crate::wire::{DecodeError, EncodeError, Reader, put_string, put_value};

impl SerializedValues {
    /// An empty set of positional values.
    pub fn new() -> Self {
        SerializedValues::default()
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        usize::from(self.count)
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Appends a positional value.
    ///
    /// Fails if named values were pushed before, if there are already 65 535 values, or if
    /// the value is longer than an `[int]` length allows.
    pub fn push(&mut self, value: RawValue<'_>) -> Result<(), EncodeError> {
        if self.named {
            return Err(EncodeError::Invalid {
                what: "bound values",
                detail: "positional value pushed after named values".to_owned(),
            });
        }
        self.append(None, value)
    }

    /// Appends a named value (QUERY flag 0x40, `name` without the leading `:`).
    ///
    /// Fails if positional values were pushed before; otherwise like [`push`](Self::push).
    pub fn push_named(&mut self, name: &str, value: RawValue<'_>) -> Result<(), EncodeError> {
        if !self.named && self.count > 0 {
            return Err(EncodeError::Invalid {
                what: "bound values",
                detail: "named value pushed after positional values".to_owned(),
            });
        }
        self.named = true;
        self.append(Some(name), value)
    }

    fn append(&mut self, name: Option<&str>, value: RawValue<'_>) -> Result<(), EncodeError> {
        let count = self.count.checked_add(1).ok_or(EncodeError::TooLong {
            what: "bound values",
            length: usize::from(u16::MAX) + 1,
        })?;
        let start = self.bytes.len();
        let written = match name {
            Some(name) => put_string(&mut self.bytes, name, "bound value name"),
            None => Ok(()),
        }
        .and_then(|()| put_value(&mut self.bytes, value, "bound value"));
        if let Err(e) = written {
            // Leave the buffer as it was so that `count` and `bytes` stay consistent.
            self.bytes.truncate(start);
            return Err(e);
        }
        self.count = count;
        Ok(())
    }

    /// Iterates over the values as `(name, value)`; `name` is `Some` only for named values.
    ///
    /// Yields an error (and then stops) if the bytes do not hold `count` well-formed
    /// entries; leftover bytes after the last entry are an error too.
    pub fn iter(&self) -> ValuesIter<'_> {
        ValuesIter {
            reader: Reader::new(&self.bytes),
            left: self.count,
            named: self.named,
            failed: false,
        }
    }

    /// Reads `count` entries from `r` (the body of a request), returning them as an owned
    /// buffer. Used by the QUERY/EXECUTE/BATCH decoders.
    pub(crate) fn read(r: &mut Reader<'_>, count: u16, named: bool) -> Result<Self, DecodeError> {
        let start = r.rest();
        for _ in 0..count {
            if named {
                r.string("bound value name")?;
            }
            r.value("bound value")?;
        }
        let used = start.len() - r.remaining();
        let bytes = start.get(..used).unwrap_or_default().to_vec();
        Ok(SerializedValues {
            count,
            named,
            bytes,
        })
    }
}

/// Iterator over [`SerializedValues`], see [`SerializedValues::iter`].
#[derive(Debug, Clone)]
pub struct ValuesIter<'a> {
    reader: Reader<'a>,
    left: u16,
    named: bool,
    failed: bool,
}

impl<'a> Iterator for ValuesIter<'a> {
    type Item = Result<(Option<&'a str>, RawValue<'a>), DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        if self.left == 0 {
            let remaining = self.reader.remaining();
            if remaining > 0 {
                self.failed = true;
                return Some(Err(DecodeError::TrailingBytes {
                    what: "bound values",
                    remaining,
                }));
            }
            return None;
        }
        self.left -= 1;
        let entry = (|| {
            let name = if self.named {
                Some(self.reader.string("bound value name")?)
            } else {
                None
            };
            Ok((name, self.reader.value("bound value")?))
        })();
        if entry.is_err() {
            self.failed = true;
        }
        Some(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positional_values_round_trip() {
        let mut v = SerializedValues::new();
        v.push(RawValue::Value(&[0, 0, 0, 7])).expect("fits");
        v.push(RawValue::Null).expect("fits");
        v.push(RawValue::Unset).expect("fits");
        assert_eq!(v.count, 3);
        assert_eq!(
            v.bytes,
            [
                0, 0, 0, 4, 0, 0, 0, 7, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe
            ]
        );
        let items: Vec<_> = v.iter().collect::<Result<_, _>>().expect("well formed");
        assert_eq!(
            items,
            vec![
                (None, RawValue::Value(&[0, 0, 0, 7][..])),
                (None, RawValue::Null),
                (None, RawValue::Unset)
            ]
        );
    }

    #[test]
    fn named_values_and_mixing_is_rejected() {
        let mut v = SerializedValues::new();
        v.push_named("k", RawValue::Value(b"x")).expect("fits");
        assert!(v.named);
        assert_eq!(v.bytes, [0, 1, b'k', 0, 0, 0, 1, b'x']);
        assert!(matches!(
            v.push(RawValue::Null),
            Err(EncodeError::Invalid { .. })
        ));
        let mut p = SerializedValues::new();
        p.push(RawValue::Null).expect("fits");
        assert!(p.push_named("a", RawValue::Null).is_err());
        assert_eq!(p.count, 1, "a failed push leaves the values unchanged");
        let items: Vec<_> = v.iter().collect::<Result<_, _>>().expect("well formed");
        assert_eq!(items, vec![(Some("k"), RawValue::Value(&b"x"[..]))]);
    }

    #[test]
    fn malformed_bytes_yield_an_error_then_stop() {
        let v = SerializedValues {
            count: 2,
            named: false,
            bytes: vec![0, 0, 0, 1, 9, 0, 0, 0, 5, 1],
        };
        let mut it = v.iter();
        assert_eq!(it.next(), Some(Ok((None, RawValue::Value(&[9][..])))));
        assert!(matches!(
            it.next(),
            Some(Err(DecodeError::Truncated { .. }))
        ));
        assert_eq!(it.next(), None);

        let trailing = SerializedValues {
            count: 0,
            named: false,
            bytes: vec![1],
        };
        assert!(matches!(
            trailing.iter().next(),
            Some(Err(DecodeError::TrailingBytes { .. }))
        ));
    }

    #[test]
    fn count_overflow_is_an_error() {
        let mut v = SerializedValues::new();
        v.count = u16::MAX;
        assert!(matches!(
            v.push(RawValue::Null),
            Err(EncodeError::TooLong { .. })
        ));
    }
}

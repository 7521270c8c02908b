//! Paging states in Cassandra's layout (`PagingState` for protocol v4+): the last partition
//! key (empty for single-partition queries), the last row's clustering, and the rows still
//! allowed by LIMIT and PER PARTITION LIMIT, each length and count as an unsigned vint.

use bytes::Bytes;

/// A decoded paging state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PagingState {
    /// Serialized partition key of the last row (empty: the query's single partition).
    pub partition_key: Bytes,
    /// Clustering values of the last row (empty for a static-only or DISTINCT row).
    pub clustering: Vec<Bytes>,
    /// Rows still allowed by LIMIT.
    pub remaining: u64,
    /// Rows still allowed in the current partition by PER PARTITION LIMIT.
    pub remaining_in_partition: u64,
}

fn put_vint(out: &mut Vec<u8>, v: u64) {
    let bits = 64 - v.leading_zeros() as usize;
    let extra = if bits <= 7 {
        0
    } else {
        ((bits - 1) / 7).min(8)
    };
    if extra >= 8 {
        out.push(0xff);
        out.extend_from_slice(&v.to_be_bytes());
        return;
    }
    let bytes = v.to_be_bytes();
    let start = 8 - (extra + 1);
    let mut first = true;
    for b in bytes.iter().skip(start) {
        if first {
            out.push(b | !(0xffu8 >> extra));
            first = false;
        } else {
            out.push(*b);
        }
    }
}

fn get_vint(buf: &mut &[u8]) -> Option<u64> {
    let (&first, rest) = buf.split_first()?;
    let extra = first.leading_ones() as usize;
    let (tail, rest) = rest.split_at_checked(extra)?;
    let mut v = if extra >= 8 {
        0
    } else {
        u64::from(first & (0xffu8 >> extra))
    };
    for b in tail {
        v = (v << 8) | u64::from(*b);
    }
    *buf = rest;
    Some(v)
}

impl PagingState {
    /// Encodes the state.
    pub fn encode(&self) -> Bytes {
        let mut mark = Vec::new();
        for c in &self.clustering {
            mark.extend_from_slice(&(c.len() as u16).to_be_bytes());
            mark.extend_from_slice(c);
        }
        let mut out = Vec::with_capacity(self.partition_key.len() + mark.len() + 12);
        put_vint(&mut out, self.partition_key.len() as u64);
        out.extend_from_slice(&self.partition_key);
        put_vint(&mut out, mark.len() as u64);
        out.extend_from_slice(&mark);
        put_vint(&mut out, self.remaining);
        put_vint(&mut out, self.remaining_in_partition);
        Bytes::from(out)
    }

    /// Decodes a state sent back by a client; `None` if it is not one of ours.
    pub fn decode(mut buf: &[u8]) -> Option<PagingState> {
        let pk_len = usize::try_from(get_vint(&mut buf)?).ok()?;
        let (pk, rest) = buf.split_at_checked(pk_len)?;
        buf = rest;
        let mark_len = usize::try_from(get_vint(&mut buf)?).ok()?;
        let (mut mark, rest) = buf.split_at_checked(mark_len)?;
        buf = rest;
        let remaining = get_vint(&mut buf)?;
        let remaining_in_partition = get_vint(&mut buf)?;
        let mut clustering = Vec::new();
        while let Some((len, tail)) = mark.split_first_chunk::<2>() {
            let (c, tail) = tail.split_at_checked(usize::from(u16::from_be_bytes(*len)))?;
            clustering.push(Bytes::copy_from_slice(c));
            mark = tail;
        }
        Some(PagingState {
            partition_key: Bytes::copy_from_slice(pk),
            clustering,
            remaining,
            remaining_in_partition,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_capture_layout() {
        // Page 1 of `SELECT ck, v FROM paged WHERE pk = 1` with fetch size 10.
        let state = PagingState {
            partition_key: Bytes::new(),
            clustering: vec![Bytes::copy_from_slice(&9i32.to_be_bytes())],
            remaining: (i32::MAX - 10) as u64,
            remaining_in_partition: (i32::MAX - 10) as u64,
        };
        let hex: String = state.encode().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "0006000400000009f07ffffff5f07ffffff5");
        assert_eq!(PagingState::decode(&state.encode()).unwrap(), state);
        assert!(PagingState::decode(&[0x05]).is_none());
    }
}

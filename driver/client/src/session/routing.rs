//! Routing keys: the serialized partition key of a prepared statement's values, from which
//! a token-aware load-balancing policy picks replicas.

use std::borrow::Cow;

use cassia_protocol::request::{RawValue, SerializedValues};

/// The routing key for `values` bound to a statement whose partition key is made of the
/// markers at `pk_indexes` (in key order), or `None` if a component is null, unset or
/// missing. A single-column key borrows the bound value's bytes; only a composite key is
/// built into a new buffer.
pub(crate) fn routing_key<'a>(
    pk_indexes: &[u16],
    values: &'a SerializedValues,
) -> Option<Cow<'a, [u8]>> {
    let component = |i: u16| match values.iter().nth(usize::from(i)) {
        Some(Ok((_, RawValue::Value(bytes)))) => Some(bytes),
        _ => None,
    };
    match pk_indexes {
        [] => None,
        [single] => component(*single).map(Cow::Borrowed),
        _ => {
            let mut components = Vec::with_capacity(pk_indexes.len());
            for &i in pk_indexes {
                components.push(component(i)?);
            }
            cassia_protocol::token::try_partition_key_bytes(&components)
                .ok()
                .map(Cow::Owned)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(items: &[RawValue<'_>]) -> SerializedValues {
        let mut v = SerializedValues::new();
        for item in items {
            v.push(*item).expect("fits");
        }
        v
    }

    #[test]
    fn single_and_composite_keys() {
        let v = values(&[RawValue::Value(b"ab"), RawValue::Value(b"c")]);
        assert_eq!(routing_key(&[0], &v).as_deref(), Some(&b"ab"[..]));
        assert!(
            matches!(routing_key(&[0], &v), Some(Cow::Borrowed(_))),
            "no copy"
        );
        assert_eq!(
            routing_key(&[1, 0], &v).as_deref(),
            Some(&[0, 1, b'c', 0, 0, 2, b'a', b'b', 0][..])
        );
        assert_eq!(routing_key(&[], &v), None);
        assert_eq!(routing_key(&[2], &v), None, "missing marker");
        let v = values(&[RawValue::Null]);
        assert_eq!(routing_key(&[0], &v), None, "null component");
    }
}

//! Routing keys: the serialized partition key of a prepared statement's values, from which
//! a token-aware load-balancing policy picks replicas.

use cassia_protocol::request::{RawValue, SerializedValues};

/// The routing key for `values` bound to a statement whose partition key is made of the
/// markers at `pk_indexes` (in key order), or `None` if a component is null, unset or
/// missing.
pub(crate) fn routing_key(pk_indexes: &[u16], values: &SerializedValues) -> Option<Vec<u8>> {
    if pk_indexes.is_empty() {
        return None;
    }
    let mut bound = Vec::with_capacity(values.len());
    for v in values.iter() {
        match v {
            Ok((_, RawValue::Value(bytes))) => bound.push(Some(bytes)),
            Ok(_) => bound.push(None),
            Err(_) => return None,
        }
    }
    let mut components = Vec::with_capacity(pk_indexes.len());
    for &i in pk_indexes {
        components.push(bound.get(usize::from(i)).copied().flatten()?);
    }
    cassia_protocol::token::try_partition_key_bytes(&components).ok()
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
        assert_eq!(routing_key(&[0], &v), Some(b"ab".to_vec()));
        assert_eq!(
            routing_key(&[1, 0], &v),
            Some(vec![0, 1, b'c', 0, 0, 2, b'a', b'b', 0])
        );
        assert_eq!(routing_key(&[], &v), None);
        assert_eq!(routing_key(&[2], &v), None, "missing marker");
        let v = values(&[RawValue::Null]);
        assert_eq!(routing_key(&[0], &v), None, "null component");
    }
}

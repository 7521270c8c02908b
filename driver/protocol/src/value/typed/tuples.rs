//! Rust tuples of up to 16 elements as CQL `tuple<...>` values.
//!
//! The arity must match the CQL tuple's. Components may be null on the wire, so a component
//! that can be null has to be read as `Option<T>`; a value with fewer components than the
//! type (legal on the wire) has its missing trailing components null.

use super::{DeserializeValue, SerializeValue, write_value};
use crate::types::ColumnType;
use crate::value::error::{DeserializeError, SerializeError};
use crate::value::nested::{Components, reject_unset_component};

fn tuple_types(typ: &ColumnType, arity: usize) -> Option<&[ColumnType]> {
    match typ {
        ColumnType::Tuple(types) if types.len() == arity => Some(types),
        _ => None,
    }
}

/// What a Rust tuple of `arity` elements accepts, for error messages.
fn expected(arity: usize) -> &'static str {
    const NAMES: [&str; 17] = [
        "tuple<>",
        "a tuple of 1 component",
        "a tuple of 2 components",
        "a tuple of 3 components",
        "a tuple of 4 components",
        "a tuple of 5 components",
        "a tuple of 6 components",
        "a tuple of 7 components",
        "a tuple of 8 components",
        "a tuple of 9 components",
        "a tuple of 10 components",
        "a tuple of 11 components",
        "a tuple of 12 components",
        "a tuple of 13 components",
        "a tuple of 14 components",
        "a tuple of 15 components",
        "a tuple of 16 components",
    ];
    NAMES.get(arity).copied().unwrap_or("a tuple")
}

macro_rules! tuple_impls {
    ($(($($name:ident $idx:tt),+))+) => {$(
        impl<$($name: SerializeValue),+> SerializeValue for ($($name,)+) {
            fn serialize_value(
                &self,
                typ: &ColumnType,
                out: &mut Vec<u8>,
            ) -> Result<(), SerializeError> {
                const ARITY: usize = [$($idx),+].len();
                let Some(types) = tuple_types(typ, ARITY) else {
                    return Err(SerializeError::mismatch(
                        std::any::type_name::<Self>(),
                        expected(ARITY),
                        typ,
                    ));
                };
                let mut types = types.iter();
                write_value(typ, out, |out| {
                    $(
                        if let Some(t) = types.next() {
                            let start = out.len();
                            self.$idx.serialize_value(t, out)?;
                            reject_unset_component(typ, out, start)?;
                        }
                    )+
                    Ok(())
                })
            }
        }

        impl<$($name: DeserializeValue),+> DeserializeValue for ($($name,)+) {
            fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
                const ARITY: usize = [$($idx),+].len();
                let Some(types) = tuple_types(typ, ARITY) else {
                    return Err(DeserializeError::mismatch(
                        std::any::type_name::<Self>(),
                        expected(ARITY),
                        typ,
                    ));
                };
                let mut types = types.iter();
                $(
                    if let Some(t) = types.next() {
                        $name::type_check(t)?;
                    }
                )+
                Ok(())
            }

            fn deserialize_value(
                typ: &ColumnType,
                bytes: Option<&[u8]>,
            ) -> Result<Self, DeserializeError> {
                Self::type_check(typ)?;
                let bytes = super::not_null(std::any::type_name::<Self>(), typ, bytes)?;
                let mut components = Components::new(typ, bytes);
                let mut types = tuple_types(typ, [$($idx),+].len()).unwrap_or_default().iter();
                let value = ($(
                    {
                        let t = types.next().ok_or_else(|| {
                            DeserializeError::malformed(typ, "fewer component types than the tuple")
                        })?;
                        $name::deserialize_value(t, components.next_component()?)?
                    },
                )+);
                components.finish()?;
                Ok(value)
            }
        }
    )+};
}

tuple_impls! {
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
    (A 0, B 1, C 2, D 3, E 4, F 5)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14, P 15)
}

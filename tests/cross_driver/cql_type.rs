//! Parsing the CQL type strings of `values.json` (`frozen<list<frozen<map<text, int>>>>`,
//! `vector<float, 3>`, UDT names) into the protocol's [`ColumnType`].
//!
//! The suite needs the type to turn the language-neutral notation into a [`CqlValue`]
//! (`values.rs`). The driver's schema metadata reads the same notation (as
//! `system_schema` stores it), so the declared UDTs become a keyspace's metadata and the
//! driver parses: `frozen<>` is dropped, as on the wire, and a quoted custom class
//! (`'PointType'`) is qualified with Cassandra's marshal package, as the node does.
//!
//! [`CqlValue`]: cassia_driver::CqlValue

use cassia_driver::ColumnType;
use cassia_driver::metadata::{KeyspaceMetadata, UserTypeMetadata};

use crate::values::NotationError;

/// A user-defined type declared in `values.json`: its name and `(field, type)` pairs.
#[derive(Debug, Clone)]
pub struct UdtDecl {
    pub name: String,
    pub fields: Vec<(String, String)>,
}

/// Parses `text` into a column type, resolving UDT names against `udts` (in `keyspace`).
pub fn parse(text: &str, udts: &[UdtDecl], keyspace: &str) -> Result<ColumnType, NotationError> {
    let mut ks = KeyspaceMetadata::new(keyspace);
    for u in udts {
        let udt = UserTypeMetadata::new(keyspace, u.name.clone(), u.fields.clone());
        ks.user_types.insert(u.name.clone(), udt);
    }
    ks.parse_type(text).ok_or_else(|| NotationError::Type {
        text: text.to_string(),
        position: 0,
        reason: "not a type the driver reads (or an undeclared UDT)".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_frozen_and_vector_types_parse() {
        let t = parse("frozen<list<frozen<map<text, int>>>>", &[], "ks");
        assert_eq!(
            t.ok(),
            Some(ColumnType::List(Box::new(ColumnType::Map(
                Box::new(ColumnType::Text),
                Box::new(ColumnType::Int)
            ))))
        );
        let v = parse("vector<float, 3>", &[], "ks");
        assert_eq!(
            v.ok(),
            Some(ColumnType::Vector {
                element: Box::new(ColumnType::Float),
                dimension: 3
            })
        );
        assert_eq!(
            parse("'PointType'", &[], "ks").ok(),
            Some(ColumnType::Custom(
                "org.apache.cassandra.db.marshal.PointType".into()
            ))
        );
        assert_eq!(
            parse("'com.example.T'", &[], "ks").ok(),
            Some(ColumnType::Custom("com.example.T".into()))
        );
        assert!(parse("'PointType", &[], "ks").is_err());
        assert!(parse("map<int>", &[], "ks").is_err());
        assert!(parse("nosuchudt", &[], "ks").is_err());
    }
}

//! [`CqlType`]: a column's CQL type as the schema declares it — unlike the wire's
//! `ColumnType` it remembers `frozen<>` and may leave a UDT's keyspace open (the model's or
//! the session's keyspace fills it in). Rendered as CQL by `Display`, lowered to the wire type
//! by [`CqlType::to_column_type`] so values are serialized without a server round trip.

use std::fmt;

use cassia_protocol::types::ColumnType;

/// A CQL type in schema form.
///
/// Serialized (for [`SchemaSnapshot`](crate::schema::SchemaSnapshot)) with CQL's own
/// lower-case names: `"int"`, `{"list": "text"}`, `{"map": ["text", "int"]}`,
/// `{"vector": ["float", 3]}`, `{"frozen": {"udt": {"name": "address", "fields":
/// [["street", "text"]]}}}`, `{"custom": "org.apache.cassandra.db.marshal.PointType"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum CqlType {
    /// `ascii`.
    Ascii,
    /// `bigint`.
    BigInt,
    /// `blob`.
    Blob,
    /// `boolean`.
    Boolean,
    /// `counter`.
    Counter,
    /// `date`.
    Date,
    /// `decimal`.
    Decimal,
    /// `double`.
    Double,
    /// `duration`.
    Duration,
    /// `float`.
    Float,
    /// `inet`.
    Inet,
    /// `int`.
    Int,
    /// `smallint`.
    SmallInt,
    /// `text`.
    Text,
    /// `time`.
    Time,
    /// `timestamp`.
    Timestamp,
    /// `timeuuid`.
    Timeuuid,
    /// `tinyint`.
    TinyInt,
    /// `uuid`.
    Uuid,
    /// `varint`.
    Varint,
    /// `list<T>`.
    List(Box<CqlType>),
    /// `set<T>`.
    Set(Box<CqlType>),
    /// `map<K, V>`.
    Map(Box<CqlType>, Box<CqlType>),
    /// `tuple<...>` (always frozen in Cassandra).
    Tuple(Vec<CqlType>),
    /// `vector<T, N>`.
    Vector(Box<CqlType>, u32),
    /// A user-defined type, by name, with its fields in declaration order.
    Udt {
        /// Type name (unquoted, as created).
        name: String,
        /// Fields and their types.
        fields: Vec<(String, CqlType)>,
    },
    /// `frozen<T>`.
    Frozen(Box<CqlType>),
    /// A custom type by its fully qualified Java class name, declared as the quoted class
    /// (`'org.apache.cassandra.db.marshal.PointType'` for DSE's geometric types).
    Custom(String),
}

impl CqlType {
    /// The wire type of values of this type; UDTs get `keyspace` (empty if unknown, which
    /// serialization does not look at).
    pub fn to_column_type(&self, keyspace: &str) -> ColumnType {
        use CqlType as C;
        match self {
            C::Ascii => ColumnType::Ascii,
            C::BigInt => ColumnType::BigInt,
            C::Blob => ColumnType::Blob,
            C::Boolean => ColumnType::Boolean,
            C::Counter => ColumnType::Counter,
            C::Date => ColumnType::Date,
            C::Decimal => ColumnType::Decimal,
            C::Double => ColumnType::Double,
            C::Duration => ColumnType::Duration,
            C::Float => ColumnType::Float,
            C::Inet => ColumnType::Inet,
            C::Int => ColumnType::Int,
            C::SmallInt => ColumnType::SmallInt,
            C::Text => ColumnType::Text,
            C::Time => ColumnType::Time,
            C::Timestamp => ColumnType::Timestamp,
            C::Timeuuid => ColumnType::Timeuuid,
            C::TinyInt => ColumnType::TinyInt,
            C::Uuid => ColumnType::Uuid,
            C::Varint => ColumnType::Varint,
            C::List(e) => ColumnType::List(Box::new(e.to_column_type(keyspace))),
            C::Set(e) => ColumnType::Set(Box::new(e.to_column_type(keyspace))),
            C::Map(k, v) => ColumnType::Map(
                Box::new(k.to_column_type(keyspace)),
                Box::new(v.to_column_type(keyspace)),
            ),
            C::Tuple(items) => {
                ColumnType::Tuple(items.iter().map(|t| t.to_column_type(keyspace)).collect())
            }
            C::Vector(e, n) => ColumnType::Vector {
                element: Box::new(e.to_column_type(keyspace)),
                dimension: *n,
            },
            C::Udt { name, fields } => ColumnType::Udt {
                keyspace: keyspace.to_owned(),
                name: name.clone(),
                fields: fields
                    .iter()
                    .map(|(n, t)| (n.clone(), t.to_column_type(keyspace)))
                    .collect(),
            },
            C::Frozen(inner) => inner.to_column_type(keyspace),
            C::Custom(class) => ColumnType::Custom(class.clone()),
        }
    }

    /// The type without any `frozen<>` at the top.
    pub fn unfrozen(&self) -> &CqlType {
        match self {
            CqlType::Frozen(inner) => inner.unfrozen(),
            other => other,
        }
    }

    /// Whether the top level is `frozen<>`.
    pub fn is_frozen(&self) -> bool {
        matches!(self, CqlType::Frozen(_))
    }

    /// Wraps in `frozen<>` unless already frozen. Frozen scalars are meaningless, so only
    /// collections and UDTs are wrapped (tuples are frozen implicitly).
    pub fn frozen(self) -> CqlType {
        match self {
            CqlType::List(_) | CqlType::Set(_) | CqlType::Map(_, _) | CqlType::Udt { .. } => {
                CqlType::Frozen(Box::new(self))
            }
            other => other,
        }
    }

    /// Whether values are list, set or map (not frozen: frozen collections are single cells).
    pub fn is_multi_cell_collection(&self) -> bool {
        matches!(
            self,
            CqlType::List(_) | CqlType::Set(_) | CqlType::Map(_, _)
        )
    }

    /// Whether this is a collection, frozen or not.
    pub fn is_collection(&self) -> bool {
        self.unfrozen().is_multi_cell_collection()
    }

    /// The user types this type refers to, innermost first (for CREATE TYPE ordering).
    pub fn user_types(&self) -> Vec<&CqlType> {
        let mut out = Vec::new();
        self.collect_udts(&mut out);
        out
    }

    fn collect_udts<'a>(&'a self, out: &mut Vec<&'a CqlType>) {
        match self {
            CqlType::List(e) | CqlType::Set(e) | CqlType::Vector(e, _) | CqlType::Frozen(e) => {
                e.collect_udts(out)
            }
            CqlType::Map(k, v) => {
                k.collect_udts(out);
                v.collect_udts(out);
            }
            CqlType::Tuple(items) => items.iter().for_each(|t| t.collect_udts(out)),
            CqlType::Udt { fields, .. } => {
                fields.iter().for_each(|(_, t)| t.collect_udts(out));
                if !out.contains(&self) {
                    out.push(self);
                }
            }
            _ => {}
        }
    }
}

impl fmt::Display for CqlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use CqlType as C;
        let name = match self {
            C::Ascii => "ascii",
            C::BigInt => "bigint",
            C::Blob => "blob",
            C::Boolean => "boolean",
            C::Counter => "counter",
            C::Date => "date",
            C::Decimal => "decimal",
            C::Double => "double",
            C::Duration => "duration",
            C::Float => "float",
            C::Inet => "inet",
            C::Int => "int",
            C::SmallInt => "smallint",
            C::Text => "text",
            C::Time => "time",
            C::Timestamp => "timestamp",
            C::Timeuuid => "timeuuid",
            C::TinyInt => "tinyint",
            C::Uuid => "uuid",
            C::Varint => "varint",
            C::List(e) => return write!(f, "list<{e}>"),
            C::Set(e) => return write!(f, "set<{e}>"),
            C::Map(k, v) => return write!(f, "map<{k}, {v}>"),
            C::Tuple(items) => {
                f.write_str("tuple<")?;
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                return f.write_str(">");
            }
            C::Vector(e, n) => return write!(f, "vector<{e}, {n}>"),
            C::Udt { name, .. } => return f.write_str(&crate::schema::quote_ident(name)),
            C::Frozen(inner) => return write!(f, "frozen<{inner}>"),
            // Class names never contain quotes, so no escaping is needed.
            C::Custom(class) => return write!(f, "'{class}'"),
        };
        f.write_str(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_nested_frozen_types() {
        let t = CqlType::Map(
            Box::new(CqlType::Text),
            Box::new(CqlType::List(Box::new(CqlType::Int)).frozen()),
        );
        assert_eq!(t.to_string(), "map<text, frozen<list<int>>>");
        assert_eq!(
            t.to_column_type("ks"),
            ColumnType::Map(
                Box::new(ColumnType::Text),
                Box::new(ColumnType::List(Box::new(ColumnType::Int)))
            )
        );
        assert_eq!(CqlType::Int.frozen(), CqlType::Int);
        let udt = CqlType::Udt {
            name: "Address".into(),
            fields: vec![],
        };
        assert_eq!(udt.clone().frozen().to_string(), "frozen<\"Address\">");
    }

    #[test]
    fn custom_types_are_quoted_class_names() {
        let point = CqlType::Custom("org.apache.cassandra.db.marshal.PointType".into());
        assert_eq!(
            point.to_string(),
            "'org.apache.cassandra.db.marshal.PointType'"
        );
        assert_eq!(
            point.to_column_type("ks"),
            ColumnType::Custom("org.apache.cassandra.db.marshal.PointType".into())
        );
        assert_eq!(point.clone().frozen(), point);
        let json = serde_json::to_string(&point).expect("serializes");
        assert_eq!(
            json,
            r#"{"custom":"org.apache.cassandra.db.marshal.PointType"}"#
        );
    }
}

//! CQL column types as they appear on the wire (`[option]` in result and prepared metadata).
//!
//! `frozen<>` is not visible on the wire and is therefore not represented here; schema
//! layers (the emulator's catalogue, the mapper's descriptors) track it themselves.
//!
//! The `[option]` codec lives in `option.rs`, the parser and printer of Cassandra's marshal
//! class names (needed for `vector<>`, which travels as a custom type) in `marshal.rs`.

use std::fmt;

mod marshal;
mod option;

pub use marshal::{MarshalParseError, marshal_class_name, parse_marshal_class};
pub use option::{read_type, write_type};

/// The Java class name Cassandra uses for `vector<...>` in a custom-type option.
pub const VECTOR_TYPE_CLASS: &str = "org.apache.cassandra.db.marshal.VectorType";

/// The Java class name of DataStax Enterprise's `PointType` (values: [`Point`] as WKB).
///
/// [`Point`]: crate::value::Point
pub const POINT_TYPE_CLASS: &str = "org.apache.cassandra.db.marshal.PointType";

/// The Java class name of DataStax Enterprise's `LineStringType` (values: [`LineString`]).
///
/// [`LineString`]: crate::value::LineString
pub const LINE_STRING_TYPE_CLASS: &str = "org.apache.cassandra.db.marshal.LineStringType";

/// The Java class name of DataStax Enterprise's `PolygonType` (values: [`Polygon`]).
///
/// [`Polygon`]: crate::value::Polygon
pub const POLYGON_TYPE_CLASS: &str = "org.apache.cassandra.db.marshal.PolygonType";

/// A CQL type as described by the protocol's `[option]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ColumnType {
    /// `0x0000`: a custom type, by its Java class name (values are opaque bytes).
    Custom(String),
    /// `0x0001` ascii.
    Ascii,
    /// `0x0002` bigint.
    BigInt,
    /// `0x0003` blob.
    Blob,
    /// `0x0004` boolean.
    Boolean,
    /// `0x0005` counter.
    Counter,
    /// `0x0006` decimal.
    Decimal,
    /// `0x0007` double.
    Double,
    /// `0x0008` float.
    Float,
    /// `0x0009` int.
    Int,
    /// `0x000B` timestamp.
    Timestamp,
    /// `0x000C` uuid.
    Uuid,
    /// `0x000D` varchar / text.
    Text,
    /// `0x000E` varint.
    Varint,
    /// `0x000F` timeuuid.
    Timeuuid,
    /// `0x0010` inet.
    Inet,
    /// `0x0011` date.
    Date,
    /// `0x0012` time.
    Time,
    /// `0x0013` smallint.
    SmallInt,
    /// `0x0014` tinyint.
    TinyInt,
    /// `0x0015` duration.
    Duration,
    /// `0x0020` list.
    List(Box<ColumnType>),
    /// `0x0021` map.
    Map(Box<ColumnType>, Box<ColumnType>),
    /// `0x0022` set.
    Set(Box<ColumnType>),
    /// `0x0030` user-defined type.
    Udt {
        /// Keyspace the type lives in.
        keyspace: String,
        /// Type name.
        name: String,
        /// Fields in declaration order.
        fields: Vec<(String, ColumnType)>,
    },
    /// `0x0031` tuple.
    Tuple(Vec<ColumnType>),
    /// `vector<element, dimension>`, sent as a custom type
    /// (`org.apache.cassandra.db.marshal.VectorType(<element class>, <dimension>)`).
    Vector {
        /// Element type.
        element: Box<ColumnType>,
        /// Number of elements.
        dimension: u32,
    },
}

impl ColumnType {
    /// The fixed serialized size of a value of this type inside a `vector<>`, if it has one:
    /// such elements are packed without a length prefix.
    ///
    /// This follows Cassandra's `valueLengthIfFixed`, not intuition: `tinyint`, `smallint`,
    /// `date` and `time` are *variable*-length there (Cassandra 5.0 declares no fixed length
    /// for them, and the DataStax drivers match it), so their vector elements carry a vint
    /// length even though their values always have 1, 2, 4 or 8 bytes.
    pub fn fixed_size(&self) -> Option<usize> {
        Some(match self {
            ColumnType::Boolean => 1,
            ColumnType::Int | ColumnType::Float => 4,
            ColumnType::BigInt
            | ColumnType::Counter
            | ColumnType::Double
            | ColumnType::Timestamp => 8,
            ColumnType::Uuid | ColumnType::Timeuuid => 16,
            ColumnType::Vector { element, dimension } => {
                element.fixed_size()?.checked_mul(*dimension as usize)?
            }
            _ => return None,
        })
    }

    /// Whether this is a collection (list, set, map).
    pub fn is_collection(&self) -> bool {
        matches!(
            self,
            ColumnType::List(_) | ColumnType::Set(_) | ColumnType::Map(_, _)
        )
    }
}

/// Renders the type in CQL syntax (`map<text, frozen<list<int>>>` is rendered without `frozen`).
impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnType::Custom(class) => write!(f, "'{class}'"),
            ColumnType::Ascii => f.write_str("ascii"),
            ColumnType::BigInt => f.write_str("bigint"),
            ColumnType::Blob => f.write_str("blob"),
            ColumnType::Boolean => f.write_str("boolean"),
            ColumnType::Counter => f.write_str("counter"),
            ColumnType::Decimal => f.write_str("decimal"),
            ColumnType::Double => f.write_str("double"),
            ColumnType::Float => f.write_str("float"),
            ColumnType::Int => f.write_str("int"),
            ColumnType::Timestamp => f.write_str("timestamp"),
            ColumnType::Uuid => f.write_str("uuid"),
            ColumnType::Text => f.write_str("text"),
            ColumnType::Varint => f.write_str("varint"),
            ColumnType::Timeuuid => f.write_str("timeuuid"),
            ColumnType::Inet => f.write_str("inet"),
            ColumnType::Date => f.write_str("date"),
            ColumnType::Time => f.write_str("time"),
            ColumnType::SmallInt => f.write_str("smallint"),
            ColumnType::TinyInt => f.write_str("tinyint"),
            ColumnType::Duration => f.write_str("duration"),
            ColumnType::List(e) => write!(f, "list<{e}>"),
            ColumnType::Set(e) => write!(f, "set<{e}>"),
            ColumnType::Map(k, v) => write!(f, "map<{k}, {v}>"),
            ColumnType::Udt { name, .. } => f.write_str(name),
            ColumnType::Tuple(items) => {
                f.write_str("tuple<")?;
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str(">")
            }
            ColumnType::Vector { element, dimension } => {
                write!(f, "vector<{element}, {dimension}>")
            }
        }
    }
}

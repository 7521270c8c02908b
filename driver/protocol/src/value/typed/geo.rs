//! [`SerializeValue`]/[`DeserializeValue`] for DSE's geometric types: [`Point`],
//! [`LineString`] and [`Polygon`], each accepted only for its own custom class (a point is
//! never written into a `PolygonType` column, nor into any other custom type, whose bytes
//! mean something else).

use super::{DeserializeValue, SerializeValue, not_empty, write_value};
use crate::types::{ColumnType, LINE_STRING_TYPE_CLASS, POINT_TYPE_CLASS, POLYGON_TYPE_CLASS};
use crate::value::error::{DeserializeError, SerializeError};
use crate::value::geo::{self, Geometry, GeometryRef, Kind, LineString, Point, Polygon};

/// Implements both traits for the geometry `$rust` of custom class `$class`.
macro_rules! geo_impl {
    ($rust:ident, $class:ident, $expected:literal) => {
        impl SerializeValue for $rust {
            fn serialize_value(
                &self,
                typ: &ColumnType,
                out: &mut Vec<u8>,
            ) -> Result<(), SerializeError> {
                if !matches!(typ, ColumnType::Custom(c) if c == $class) {
                    return Err(SerializeError::mismatch(stringify!($rust), $expected, typ));
                }
                write_value(typ, out, |out| {
                    geo::encode(typ, GeometryRef::$rust(self), out)
                })
            }
        }

        impl DeserializeValue for $rust {
            fn type_check(typ: &ColumnType) -> Result<(), DeserializeError> {
                if matches!(typ, ColumnType::Custom(c) if c == $class) {
                    Ok(())
                } else {
                    Err(DeserializeError::mismatch(stringify!($rust), $expected, typ))
                }
            }

            fn deserialize_value(
                typ: &ColumnType,
                bytes: Option<&[u8]>,
            ) -> Result<Self, DeserializeError> {
                Self::type_check(typ)?;
                let bytes = not_empty(stringify!($rust), typ, bytes)?;
                match geo::decode(typ, Kind::$rust, bytes)? {
                    Geometry::$rust(v) => Ok(v),
                    // `decode` checked the type code against the kind.
                    _ => Err(DeserializeError::malformed(typ, "not a WKB geometry of this kind")),
                }
            }
        }
    };
}

geo_impl!(
    Point,
    POINT_TYPE_CLASS,
    "'org.apache.cassandra.db.marshal.PointType'"
);
geo_impl!(
    LineString,
    LINE_STRING_TYPE_CLASS,
    "'org.apache.cassandra.db.marshal.LineStringType'"
);
geo_impl!(
    Polygon,
    POLYGON_TYPE_CLASS,
    "'org.apache.cassandra.db.marshal.PolygonType'"
);

#[cfg(test)]
mod tests {
    use super::*;

    fn custom(class: &str) -> ColumnType {
        ColumnType::Custom(class.to_owned())
    }

    /// The `[value]` of `v` for `typ`.
    fn value(v: &impl SerializeValue, typ: &ColumnType) -> Result<Vec<u8>, SerializeError> {
        let mut out = Vec::new();
        v.serialize_value(typ, &mut out).map(|()| out)
    }

    #[test]
    fn typed_values_round_trip_through_their_class() {
        let point = custom(POINT_TYPE_CLASS);
        let bytes = value(&Point::new(1., 2.), &point).expect("a point column");
        assert_eq!(&bytes[..4], &21i32.to_be_bytes());
        assert_eq!(
            Point::deserialize_value(&point, Some(&bytes[4..])),
            Ok(Point::new(1., 2.))
        );
        let line_type = custom(LINE_STRING_TYPE_CLASS);
        let line = LineString(vec![Point::new(0., 0.), Point::new(3., 4.)]);
        let bytes = value(&line, &line_type).expect("a linestring column");
        assert_eq!(
            LineString::deserialize_value(&line_type, Some(&bytes[4..])),
            Ok(line)
        );
        let poly_type = custom(POLYGON_TYPE_CLASS);
        let poly = Polygon::new(vec![vec![Point::new(0., 0.), Point::new(1., 1.)]]);
        let bytes = value(&Some(&poly), &poly_type).expect("a polygon column");
        assert_eq!(
            Option::<Polygon>::deserialize_value(&poly_type, Some(&bytes[4..])),
            Ok(Some(poly))
        );
        assert_eq!(
            Option::<Polygon>::deserialize_value(&poly_type, None),
            Ok(None)
        );
    }

    #[test]
    fn other_types_and_classes_are_refused() {
        let e = value(&Point::new(1., 2.), &custom(POLYGON_TYPE_CLASS)).expect_err("wrong class");
        assert!(
            e.to_string().contains("cannot serialize Point") && e.to_string().contains("PointType"),
            "{e}"
        );
        assert!(value(&Point::new(1., 2.), &ColumnType::Blob).is_err());
        assert!(value(&LineString::default(), &custom("PointType")).is_err());
        assert!(Polygon::type_check(&custom("com.example.Other")).is_err());
        assert!(Point::type_check(&ColumnType::Blob).is_err());
        let e = Point::deserialize_value(&custom(POINT_TYPE_CLASS), Some(&[]))
            .expect_err("zero-length");
        assert!(matches!(e, DeserializeError::UnexpectedEmpty { .. }), "{e}");
        let e = Point::deserialize_value(&custom(POINT_TYPE_CLASS), None).expect_err("null");
        assert!(matches!(e, DeserializeError::UnexpectedNull { .. }), "{e}");
        // The bytes of a linestring in a point column are a decode error.
        let line = value(&LineString::default(), &custom(LINE_STRING_TYPE_CLASS)).expect("ok");
        let e = Point::deserialize_value(&custom(POINT_TYPE_CLASS), Some(&line[4..]))
            .expect_err("wrong geometry");
        assert!(matches!(e, DeserializeError::Malformed { .. }), "{e}");
    }
}

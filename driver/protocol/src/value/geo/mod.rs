//! DataStax Enterprise's geometric types — [`Point`], [`LineString`], [`Polygon`] — which
//! travel as custom types (`org.apache.cassandra.db.marshal.PointType`, `...LineStringType`,
//! `...PolygonType`) whose values are OGC well-known binary (WKB).
//!
//! `wkb.rs` is the binary codec (read in either byte order, written little-endian as DSE and
//! the DataStax drivers write it), `wkt.rs` the well-known text form (`Display` / `FromStr`),
//! which is also the CQL literal DSE accepts for these columns (`'POINT (1 2)'`). The typed
//! traits live with the others in `typed/geo.rs`.
//!
//! Only the 2D forms exist in DSE: Z/M coordinates, SRIDs and multi-geometries are refused.
//! Geometric validity (closed rings, self-intersections) is the server's business, not the
//! codec's: values are carried as given.

use crate::types::{LINE_STRING_TYPE_CLASS, POINT_TYPE_CLASS, POLYGON_TYPE_CLASS};

mod wkb;
mod wkt;

pub(crate) use wkb::{GeometryRef, decode, encode};
pub use wkt::WktError;

/// A 2D point (`PointType`).
///
/// The empty point (`POINT EMPTY`) is the one whose coordinates are both NaN, as in WKB and
/// the DataStax drivers; like any NaN it is not `==` to itself, use [`Point::is_empty`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    /// The x coordinate (longitude in a geographic system).
    pub x: f64,
    /// The y coordinate (latitude in a geographic system).
    pub y: f64,
}

impl Point {
    /// `POINT EMPTY`.
    pub const EMPTY: Point = Point {
        x: f64::NAN,
        y: f64::NAN,
    };

    /// The point `(x, y)`.
    pub const fn new(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    /// Whether this is `POINT EMPTY` (both coordinates NaN).
    pub fn is_empty(&self) -> bool {
        self.x.is_nan() && self.y.is_nan()
    }
}

impl From<(f64, f64)> for Point {
    fn from((x, y): (f64, f64)) -> Point {
        Point { x, y }
    }
}

/// A line through a sequence of points (`LineStringType`); no points is `LINESTRING EMPTY`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineString(pub Vec<Point>);

impl LineString {
    /// Whether this is `LINESTRING EMPTY`.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Vec<Point>> for LineString {
    fn from(points: Vec<Point>) -> LineString {
        LineString(points)
    }
}

/// A polygon (`PolygonType`): its exterior ring first, then the rings of its holes. No rings
/// is `POLYGON EMPTY`.
///
/// Rings are kept as given: WKT and WKB repeat the first point at the end of a closed ring,
/// and so does this type (nothing is closed or reordered implicitly).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Polygon {
    /// The exterior ring, then the interior rings (holes).
    pub rings: Vec<Vec<Point>>,
}

impl Polygon {
    /// A polygon of `rings`, the exterior first.
    pub fn new(rings: Vec<Vec<Point>>) -> Polygon {
        Polygon { rings }
    }

    /// The exterior ring; `None` for `POLYGON EMPTY`.
    pub fn exterior(&self) -> Option<&[Point]> {
        self.rings.first().map(Vec::as_slice)
    }

    /// The interior rings (holes).
    pub fn interiors(&self) -> &[Vec<Point>] {
        self.rings.get(1..).unwrap_or_default()
    }

    /// Whether this is `POLYGON EMPTY`.
    pub fn is_empty(&self) -> bool {
        self.rings.is_empty()
    }
}

/// Which geometry a custom class holds, if it is one of DSE's: the WKB type code and a name
/// for messages. `pub(crate)` because only the codecs dispatch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Point,
    LineString,
    Polygon,
}

impl Kind {
    /// The geometry of custom class `class` (the fully qualified name, as the wire has it).
    pub(crate) fn of_class(class: &str) -> Option<Kind> {
        match class {
            POINT_TYPE_CLASS => Some(Kind::Point),
            LINE_STRING_TYPE_CLASS => Some(Kind::LineString),
            POLYGON_TYPE_CLASS => Some(Kind::Polygon),
            _ => None,
        }
    }

    /// The WKB geometry type code (OGC simple features: 1, 2, 3).
    pub(crate) fn code(self) -> u32 {
        match self {
            Kind::Point => 1,
            Kind::LineString => 2,
            Kind::Polygon => 3,
        }
    }

    /// The WKT keyword.
    pub(crate) fn keyword(self) -> &'static str {
        match self {
            Kind::Point => "POINT",
            Kind::LineString => "LINESTRING",
            Kind::Polygon => "POLYGON",
        }
    }
}

/// A decoded geometry of any of the three kinds (what the dynamic codec dispatches on).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Geometry {
    Point(Point),
    LineString(LineString),
    Polygon(Polygon),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ColumnType;
    use crate::value::CqlValue;

    fn custom(class: &str) -> ColumnType {
        ColumnType::Custom(class.to_owned())
    }

    #[test]
    fn the_dynamic_codec_decodes_the_three_classes_and_nothing_else() {
        let line = LineString(vec![Point::new(1., 2.), Point::new(3., 4.)]);
        let typ = custom(LINE_STRING_TYPE_CLASS);
        let mut bytes = Vec::new();
        CqlValue::LineString(line.clone())
            .serialize(&typ, &mut bytes)
            .expect("a linestring column");
        assert_eq!(
            CqlValue::deserialize(&typ, &bytes),
            Ok(CqlValue::LineString(line.clone()))
        );
        // Another class keeps the bytes as they are.
        assert_eq!(
            CqlValue::deserialize(&custom("com.example.Blobby"), &bytes),
            Ok(CqlValue::Custom(bytes.clone()))
        );
        // A geometry is only written for its own class.
        let mut out = Vec::new();
        let e = CqlValue::LineString(line)
            .serialize(&custom(POINT_TYPE_CLASS), &mut out)
            .expect_err("a point column");
        assert!(e.to_string().contains("LineStringType"), "{e}");
        // Bad WKB is a decode error, and zero bytes are `Empty` as for other fixed types.
        assert!(CqlValue::deserialize(&custom(POINT_TYPE_CLASS), &[1, 1, 0, 0]).is_err());
        assert_eq!(
            CqlValue::deserialize(&custom(POLYGON_TYPE_CLASS), &[]),
            Ok(CqlValue::Empty)
        );
    }

    #[test]
    fn cql_literals_are_quoted_wkt() {
        assert_eq!(
            CqlValue::Point(Point::new(1., -2.5)).to_string(),
            "'POINT (1 -2.5)'"
        );
        assert_eq!(
            CqlValue::Polygon(Polygon::default()).to_string(),
            "'POLYGON EMPTY'"
        );
        assert_eq!(Polygon::default().exterior(), None);
        let p = Polygon::new(vec![vec![Point::EMPTY], vec![], vec![]]);
        assert_eq!(p.interiors().len(), 2);
    }
}
